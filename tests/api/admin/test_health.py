"""GET /_emulator/health and request ids."""
import re
import subprocess

from conftest import BIN

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def test_health_ok(server):
    r = server.get("/_emulator/health")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"status", "version"}
    assert body["status"] == "ok"
    assert isinstance(body["version"], str) and body["version"]


def test_health_version_matches_binary(server):
    out = subprocess.run([str(BIN), "--version"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0
    assert server.get("/_emulator/health").json()["version"] in out.stdout.split()


def test_health_with_memory_store(make_server):
    srv = make_server(db=":memory:")
    assert srv.get("/_emulator/health").json()["status"] == "ok"


def test_request_id_echoed(server):
    for rid in ("abc-123_DEF.x", "a", "x" * 63):
        r = server.get("/_emulator/health", headers={"X-Request-Id": rid})
        assert r.status_code == 200
        assert r.headers["X-Request-Id"] == rid


def test_request_id_generated_when_absent(server):
    ids = set()
    for _ in range(5):
        r = server.get("/_emulator/health")
        rid = r.headers["X-Request-Id"]
        assert HEX32.match(rid), rid
        ids.add(rid)
    assert len(ids) == 5


def test_request_id_replaced_when_invalid(server):
    for bad in ("has space", "semi;colon", "x" * 64, "slash/y", "ünï"):
        status, headers, _ = server.raw("GET", "/_emulator/health",
                                        headers={"X-Request-Id": bad.encode().decode("latin-1")})
        assert status == 200
        assert HEX32.match(headers["X-Request-Id"]), (bad, headers["X-Request-Id"])


def test_request_id_on_errors(server):
    r = server.get("/_emulator/nope", headers={"X-Request-Id": "trace-404"})
    assert r.status_code == 404
    assert r.headers["X-Request-Id"] == "trace-404"
    r = server.post("/_emulator/workspaces", json={}, headers={"X-Request-Id": "trace-400"})
    assert r.status_code == 400
    assert r.headers["X-Request-Id"] == "trace-400"


def test_head_health(server):
    r = server.head("/_emulator/health")
    assert r.status_code == 200
    assert r.content == b""
    assert int(r.headers["Content-Length"]) == len(server.get("/_emulator/health").content)
