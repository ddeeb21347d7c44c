"""POST /_emulator/reset and POST /_emulator/workspaces/{id}/reset."""
import time
import uuid

from conftest import DEMO, assert_error, count_rows, insert_rows


def test_reset_empties_store(server):
    a = server.create_workspace("a")
    server.create_workspace("b")
    insert_rows(server.db_path, a["id"], 50)
    r = server.post("/_emulator/reset")
    assert r.status_code == 204
    assert r.content == b""
    assert server.get("/_emulator/workspaces").json() == {"items": []}
    assert_error(server.get(f"/_emulator/workspaces/{a['id']}"), 404)
    for table in ("workspaces", "api_keys", "datasets", "assets", "annotations", "blobs", "jobs"):
        assert count_rows(server.db_path, table) == 0, table


def test_reset_with_empty_json_body(server):
    server.create_workspace("a")
    assert server.post("/_emulator/reset", json={}).status_code == 204
    assert server.workspace_ids() == []


def test_reset_twice_and_store_usable_after(server):
    assert server.post("/_emulator/reset").status_code == 204
    assert server.post("/_emulator/reset").status_code == 204
    ws = server.create_workspace("after")
    assert server.workspace_ids() == [ws["id"]]


def test_reset_clears_jobs(server):
    ws = server.create_workspace("a")
    job = server.delete(f"/_emulator/workspaces/{ws['id']}").headers["X-Purge-Job"]
    server.wait_job(job)
    assert server.post("/_emulator/reset").status_code == 204
    assert server.get("/_emulator/jobs").json() == {"items": []}
    assert_error(server.get(f"/_emulator/jobs/{job}"), 404)


def test_demo_workspace_has_documented_keys(demo_server):
    r = demo_server.get(f"/_emulator/workspaces/{DEMO['id']}")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == DEMO["id"]
    assert body["name"] == DEMO["name"]
    assert body["keys"] == DEMO["keys"]
    assert demo_server.workspace_ids() == [DEMO["id"]]


def test_reset_reloads_fixtures(demo_server):
    before = {t: count_rows(demo_server.db_path, t, DEMO["id"]) for t in ("datasets", "assets", "annotations")}
    assert before["datasets"] == 3 and before["assets"] > 0 and before["annotations"] > 0
    extra = demo_server.create_workspace("extra")
    insert_rows(demo_server.db_path, DEMO["id"], 25)
    assert demo_server.post("/_emulator/reset").status_code == 204
    items = demo_server.get("/_emulator/workspaces").json()["items"]
    assert [(i["id"], i["name"]) for i in items] == [(DEMO["id"], "demo")]
    assert demo_server.get(f"/_emulator/workspaces/{DEMO['id']}").json()["keys"] == DEMO["keys"]
    assert_error(demo_server.get(f"/_emulator/workspaces/{extra['id']}"), 404)
    after = {t: count_rows(demo_server.db_path, t, DEMO["id"]) for t in ("datasets", "assets", "annotations")}
    assert after == before


def test_reset_brings_back_deleted_demo(demo_server):
    before = count_rows(demo_server.db_path, "annotations", DEMO["id"])
    job = demo_server.delete(f"/_emulator/workspaces/{DEMO['id']}").headers["X-Purge-Job"]
    demo_server.wait_job(job)
    assert count_rows(demo_server.db_path, "annotations", DEMO["id"]) == 0
    assert demo_server.post("/_emulator/reset").status_code == 204
    assert demo_server.get(f"/_emulator/workspaces/{DEMO['id']}").json()["keys"] == DEMO["keys"]
    assert count_rows(demo_server.db_path, "annotations", DEMO["id"]) == before


# -------------------------------------------------------- per-workspace reset

def test_workspace_reset_keeps_workspace_and_keys(server):
    a = server.create_workspace("a")
    b = server.create_workspace("b")
    insert_rows(server.db_path, a["id"], 40)
    insert_rows(server.db_path, b["id"], 30)
    r = server.post(f"/_emulator/workspaces/{a['id']}/reset")
    assert r.status_code == 204
    assert r.content == b""
    assert server.get(f"/_emulator/workspaces/{a['id']}").json() == a
    assert server.workspace_ids() == [a["id"], b["id"]]
    for table in ("datasets", "assets", "annotations"):
        assert count_rows(server.db_path, table, a["id"]) == 0, table
    assert count_rows(server.db_path, "annotations", b["id"]) == 30
    assert count_rows(server.db_path, "assets", b["id"]) == 1
    assert count_rows(server.db_path, "blobs") == 1  # a's blob collected, b's kept
    assert count_rows(server.db_path, "api_keys", a["id"]) == 4


def test_workspace_reset_demo(demo_server):
    assert demo_server.post(f"/_emulator/workspaces/{DEMO['id']}/reset").status_code == 204
    assert count_rows(demo_server.db_path, "annotations", DEMO["id"]) == 0
    assert demo_server.get(f"/_emulator/workspaces/{DEMO['id']}").json()["keys"] == DEMO["keys"]


def test_workspace_reset_unknown_is_404(server):
    assert_error(server.post(f"/_emulator/workspaces/{uuid.uuid4()}/reset"), 404, "not_found")


def test_workspace_reset_deleted_is_404(server):
    ws = server.create_workspace("a")
    server.delete(f"/_emulator/workspaces/{ws['id']}")
    assert_error(server.post(f"/_emulator/workspaces/{ws['id']}/reset"), 404, "not_found")


def test_reset_during_purge_keeps_baseline_rows(demo_server):
    """Reset while the demo workspace is being purged: the purge step in flight
    must not delete rows of the freshly restored baseline."""
    srv = demo_server
    baseline = count_rows(srv.db_path, "annotations", DEMO["id"])
    lost = []
    for attempt in range(5):
        insert_rows(srv.db_path, DEMO["id"], 50_000)
        job = srv.delete(f"/_emulator/workspaces/{DEMO['id']}").headers["X-Purge-Job"]
        deadline = time.monotonic() + 30
        while srv.job(job)["progress"] == 0:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        assert srv.post("/_emulator/reset").status_code == 204
        assert srv.post("/_emulator/clock/advance", json={"ms": 0}).status_code == 200
        time.sleep(0.05)
        have = count_rows(srv.db_path, "annotations", DEMO["id"])
        if have != baseline:
            lost.append((attempt, baseline - have))
    assert srv.workspace_ids() == [DEMO["id"]]
    assert not lost, f"baseline rows deleted by the purge job that was running at reset: {lost}"
