"""Request journal (/_emulator/journal): newest first, filters, redaction, wait-for."""
import threading
import time


def test_records_newest_first_with_contract_keys(server):
    server.create_workspace("j1")
    server.get(f"/_blob/vi/{'D' * 48}", headers={"X-Request-Id": "trace-42"})
    items = server.get("/_emulator/journal?limit=2").json()["items"]
    assert [i["path"] for i in items] == [f"/_blob/vi/{'D' * 48}", "/_emulator/workspaces"]
    assert items[0]["method"] == "GET" and items[1]["method"] == "POST"
    assert items[0]["requestId"] == "trace-42"
    assert items[0]["id"] > items[1]["id"]
    for key in ("id", "at", "dialect", "workspace", "method", "path", "status", "durationMs", "requestId"):
        assert key in items[0]
    assert items[1]["status"] == 201


def test_secrets_are_redacted(server):
    ws = server.create_workspace("secret-holder")
    entry = server.get("/_emulator/journal?status=201&limit=1").json()["items"][0]
    keys = entry["responseBody"]["keys"]
    assert keys["pictograph"] == "[redacted]"
    assert keys["vi"]["secretKey"] == "[redacted]"
    text = str(server.get("/_emulator/journal").json())
    assert ws["keys"]["vi"]["secretKey"] not in text
    assert ws["keys"]["labelbox"] not in text


def test_filters(server):
    server.get(f"/_blob/vi/{'B' * 48}")
    server.get("/workspaces/o/no/such/route/here")
    server.get("/_emulator/workspaces")
    j = lambda q: server.get("/_emulator/journal" + q).json()["items"]
    assert {i["dialect"] for i in j("?dialect=blob")} == {"blob"}
    assert [i["path"] for i in j("?status=404&dialect=vi")] == ["/workspaces/o/no/such/route/here"]
    assert all(i["path"].startswith("/_blob/") for i in j("?route=/_blob/**"))
    newest = j("?limit=1")[0]["id"]
    assert j(f"?since={newest}") == []
    r = server.get("/_emulator/journal?status=abc")
    assert r.status_code == 400 and "status" in r.json()["error"]["message"]


def test_wait_for_blocks_until_a_match_arrives(server):
    server.get(f"/_blob/vi/{'G' * 48}")
    since = server.get("/_emulator/journal?limit=1").json()["items"][0]["id"]

    def later():
        time.sleep(0.3)
        server.raw("GET", f"/_blob/pictograph/{'C' * 48}")

    t = threading.Thread(target=later)
    t.start()
    t0 = time.monotonic()
    r = server.get(f"/_emulator/journal/wait?dialect=blob&since={since}&timeout_ms=5000")
    t.join()
    assert r.status_code == 200, r.text
    assert r.json()["path"] == f"/_blob/pictograph/{'C' * 48}"
    assert time.monotonic() - t0 >= 0.25


def test_wait_for_times_out(server):
    r = server.get("/_emulator/journal/wait?dialect=labelbox&timeout_ms=100")
    assert r.status_code == 408
    assert r.json()["error"]["code"] == "timeout"


def test_ring_is_bounded(make_server):
    srv = make_server(name="small", args=["--journal-size", "5"])
    for _ in range(12):
        srv.get(f"/_blob/vi/{'E' * 48}")
    items = srv.get("/_emulator/journal?limit=100").json()["items"]
    assert len(items) == 5


def test_control_plane_reads_are_not_journaled(server):
    server.get("/_emulator/workspaces")
    server.get("/_emulator/health")
    assert server.get("/_emulator/journal").json()["items"] == []


def test_clear(server):
    server.get(f"/_blob/vi/{'F' * 48}")
    assert server.delete("/_emulator/journal").status_code == 204
    assert server.get("/_emulator/journal").json()["items"] == []


def test_workspace_filter_and_body_cap(make_server):
    """Filter by workspace; bodies above --journal-body-cap are summarised by size."""
    srv = make_server(name="cap", args=["--journal-body-cap", "64"])
    a = srv.create_workspace("a")
    b = srv.create_workspace("b")
    pa = {"X-API-Key": a["keys"]["pictograph"]}
    srv.post("/api/v1/developer/datasets/", json={"name": "small"}, headers=pa)
    srv.post("/api/v1/developer/datasets/", json={"name": "x" * 100}, headers=pa)
    srv.get("/api/v1/developer/credits/balance", headers={"X-API-Key": b["keys"]["pictograph"]})
    mine = srv.get(f"/_emulator/journal?workspace={a['id']}").json()["items"]
    assert [i["method"] for i in mine] == ["POST", "POST"] and {i["workspace"] for i in mine} == {a["id"]}
    big, small = mine
    assert small["requestBody"] == {"name": "small"}
    assert big["requestBody"]["omitted"] is True and big["requestBody"]["bytes"] > 64
    theirs = srv.get(f"/_emulator/journal?workspace={b['id']}").json()["items"]
    assert [i["path"] for i in theirs] == ["/api/v1/developer/credits/balance"]
