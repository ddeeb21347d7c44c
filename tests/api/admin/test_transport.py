"""HTTP edge behaviour of the control plane and the typed 404s of vendor mounts."""
import http.client
import json
import socket

import pytest

from conftest import assert_error

JSON = {"Content-Type": "application/json"}


# ------------------------------------------------------------------ 404 / 405

@pytest.mark.parametrize("path", ["/_emulator/x", "/_emulator/workspaces/a/b/c/d", "/_emulator",
                                  "/nope", "/", "/favicon.ico", "/_emulatorx"])
def test_unknown_paths_are_404(server, path):
    assert_error(server.get(path), 404)


def test_unknown_emulator_path_code(server):
    err = assert_error(server.get("/_emulator/x"), 404, "not_found")
    assert "/_emulator/x" in err["message"]
    err = assert_error(server.post("/toplevel", json={}), 404, "not_found")
    assert "/toplevel" in err["message"]


def allow_set(resp_headers):
    return {m.strip() for m in resp_headers["Allow"].split(",")}


@pytest.mark.parametrize("method,path,allowed", [
    ("PUT", "/_emulator/workspaces", {"GET", "HEAD", "POST"}),
    ("DELETE", "/_emulator/workspaces", {"GET", "HEAD", "POST"}),
    ("POST", "/_emulator/health", {"GET", "HEAD"}),
    ("PATCH", "/_emulator/workspaces/abc", {"GET", "HEAD", "DELETE"}),
    ("GET", "/_emulator/reset", {"POST"}),
    ("GET", "/_emulator/clock/advance", {"POST"}),
    ("PUT", "/_emulator/snapshots/x", {"DELETE"}),
    ("DELETE", "/_emulator/clock", {"GET", "HEAD", "POST"}),
])
def test_405_with_allow(server, method, path, allowed):
    r = server.request(method, path)
    err = assert_error(r, 405, "method_not_allowed")
    assert allow_set(r.headers) == allowed
    assert method in err["message"]


def test_405_before_body_is_read(server):
    """A wrong method is refused from the headers alone, even with a huge declared body."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"PUT /_emulator/workspaces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 99999999\r\n\r\n")
        data = s.recv(65536)
    assert data.startswith(b"HTTP/1.1 405"), data[:200]


def test_head_on_get_routes(server):
    server.create_workspace("a")
    for path in ("/_emulator/health", "/_emulator/workspaces", "/_emulator/clock", "/_emulator/snapshots",
                 "/_emulator/jobs"):
        g = server.get(path)
        h = server.head(path)
        assert h.status_code == g.status_code == 200, path
        assert h.content == b""
        assert int(h.headers["Content-Length"]) == len(g.content), path
        assert h.headers["Content-Type"] == g.headers["Content-Type"]


def test_head_unknown_is_404(server):
    r = server.head("/_emulator/nope")
    assert r.status_code == 404 and r.content == b""


def test_trailing_slash_matches(server):
    assert server.get("/_emulator/health/").status_code == 200
    assert server.get("/_emulator/workspaces/").status_code == 200


# ----------------------------------------------------- vendor mounts: typed 404

WEIRD = "__not_emulated__/__x__/__y__/__z__"


def test_vi_unknown_route_shape(server):
    r = server.get(f"/workspaces/{WEIRD}")
    assert r.status_code == 404
    body = r.json()
    assert set(body) == {"message"} and isinstance(body["message"], str) and body["message"]


def test_pictograph_unknown_route_shape(server):
    r = server.get(f"/api/v1/developer/{WEIRD}")
    err = assert_error(r, 404)
    assert err["code"] == "not_emulated"


@pytest.mark.parametrize("mount", ["/vlm/v2", "/recognition/v2", "/detection/v2"])
def test_ximilar_unknown_route_shape(server, mount):
    r = server.get(f"{mount}/{WEIRD}")
    assert r.status_code == 404
    body = r.json()
    assert set(body) == {"detail"} and isinstance(body["detail"], str) and body["detail"]


def check_graphql_error(r, code):
    body = r.json()
    assert set(body) == {"data", "errors"}
    assert body["data"] is None
    assert isinstance(body["errors"], list) and len(body["errors"]) == 1
    e = body["errors"][0]
    assert set(e) == {"message", "extensions"}
    assert isinstance(e["message"], str) and e["message"]
    assert set(e["extensions"]) == {"code"}
    assert e["extensions"]["code"] == code


def test_graphql_get_shape(server):
    r = server.get("/graphql")
    assert r.status_code in (404, 405), r.text
    check_graphql_error(r, "RESOURCE_NOT_FOUND" if r.status_code == 404 else "GRAPHQL_VALIDATION_FAILED")


def test_graphql_unknown_subpath_shape(server):
    r = server.get(f"/graphql/{WEIRD}")
    assert r.status_code == 404
    check_graphql_error(r, "RESOURCE_NOT_FOUND")


def test_not_emulated_is_never_200(server):
    for path in (f"/workspaces/{WEIRD}", f"/api/v1/developer/{WEIRD}", f"/vlm/v2/{WEIRD}", f"/_gql/{WEIRD}"):
        for method in ("GET", "POST", "DELETE"):
            assert server.request(method, path).status_code == 404, (method, path)


# ------------------------------------------------------------------ bodies

def test_invalid_utf8_body(server):
    for raw in (b'{"name":"\xff"}', b'{"name":"\xc3"}', b'{"name":"\xed\xa0\x80"}', b'{"name":"\xc0\xaf"}'):
        err = assert_error(server.post("/_emulator/workspaces", data=raw, headers=JSON), 400)
        assert "UTF-8" in err["message"]
    assert server.workspace_ids() == []


def test_valid_utf8_multibyte_accepted(server):
    r = server.post("/_emulator/workspaces", data='{"name":"\U0001F680 ä 名"}'.encode(), headers=JSON)
    assert r.status_code == 201
    assert r.json()["name"] == "\U0001F680 ä 名"


def test_nul_in_body(server):
    assert_error(server.post("/_emulator/workspaces", data=b'{"name":"a\x00b"}', headers=JSON), 400)
    assert_error(server.post("/_emulator/workspaces", data=b'{"name":"ab"}\x00', headers=JSON), 400)
    assert server.workspace_ids() == []


def test_invalid_utf8_in_path(server):
    status, _, body = server.raw("GET", "/_emulator/%FF")
    assert status == 400, body


def test_chunked_body_accepted(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("POST", "/_emulator/workspaces", body=iter([b'{"name"', b':"chunky"}']),
                     headers=JSON, encode_chunked=True)
        resp = conn.getresponse()
        assert resp.status == 201
        assert json.loads(resp.read())["name"] == "chunky"
    finally:
        conn.close()


def test_chunked_body_over_cap_is_413(server):
    def chunks():
        yield b'{"name":"x","pad":"'
        for _ in range(18):  # 18 * 64 KiB > 1 MiB
            yield b"p" * 65536
        yield b'"}'

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("POST", "/_emulator/workspaces", body=chunks(), headers=JSON, encode_chunked=True)
        resp = conn.getresponse()
        assert resp.status == 413
        body = json.loads(resp.read())
        assert body["error"]["code"] == "payload_too_large"
    finally:
        conn.close()
    assert server.workspace_ids() == []


def test_empty_body_on_json_route(server):
    err = assert_error(server.post("/_emulator/workspaces", data=b"", headers=JSON), 400, "validation_error")
    assert "name" in err["message"]


def test_keep_alive_after_errors(server):
    """Errors do not poison a kept-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        for method, path, body, status in [("GET", "/_emulator/nope", None, 404),
                                           ("POST", "/_emulator/workspaces", b"{", 400),
                                           ("PUT", "/_emulator/workspaces", None, 405),
                                           ("POST", "/_emulator/workspaces", b'{"name":"k"}', 201),
                                           ("GET", "/_emulator/health", None, 200)]:
            conn.request(method, path, body=body, headers=JSON if body else {})
            resp = conn.getresponse()
            resp.read()
            assert resp.status == status, (method, path)
    finally:
        conn.close()


def test_error_content_type_is_json(server):
    for r in (server.get("/_emulator/nope"), server.put("/_emulator/workspaces"),
              server.post("/_emulator/workspaces", data=b"{", headers=JSON)):
        assert r.headers["Content-Type"] == "application/json"
        json.loads(r.content)


def test_graphql_post_without_key_shape(server):
    """No Labelbox route yet: 404; once it lands, a call without a key is 401. Either way GraphQL-shaped."""
    r = server.post("/graphql", json={"query": "{ user { id } }"})
    assert r.status_code in (401, 404), r.text
    check_graphql_error(r, "RESOURCE_NOT_FOUND" if r.status_code == 404 else "AUTHENTICATION_ERROR")
