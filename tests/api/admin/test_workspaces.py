"""Control plane: workspaces and their keys."""
import json
import re
import socket
import time
import uuid

import pytest

from conftest import assert_error, db_connect

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
VI_SECRET_RE = re.compile(r"^dtvi_[A-Za-z0-9]{98}$")
WS_KEYS = {"id", "name", "keys", "createdAt"}  # contract: id, name, keys (+ createdAt, see report)
LIST_KEYS = {"id", "name", "createdAt"}        # contract: id, name (+ createdAt)


def check_keys_shape(keys):
    assert set(keys) == {"vi", "pictograph", "ximilar", "labelbox"}
    assert set(keys["vi"]) == {"secretKey", "organizationId"}
    secret = keys["vi"]["secretKey"]
    assert secret.startswith("dtvi_") and len(secret) == 103, secret
    assert VI_SECRET_RE.match(secret)
    assert UUID_RE.match(keys["vi"]["organizationId"])
    for k in ("pictograph", "ximilar", "labelbox"):
        assert isinstance(keys[k], str) and keys[k], k
    assert len(keys["ximilar"]) < 70
    assert " " not in keys["ximilar"]


def test_create_returns_all_keys(server):
    r = server.post("/_emulator/workspaces", json={"name": "acme"})
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    ws = r.json()
    assert set(ws) == WS_KEYS
    assert UUID_RE.match(ws["id"])
    assert ws["name"] == "acme"
    assert isinstance(ws["createdAt"], int)
    assert abs(ws["createdAt"] - time.time() * 1000) < 60_000
    check_keys_shape(ws["keys"])


def test_keys_are_unique_per_workspace(server):
    a, b = server.create_workspace("a"), server.create_workspace("b")
    assert a["id"] != b["id"]
    flat = lambda w: {w["keys"]["vi"]["secretKey"], w["keys"]["vi"]["organizationId"], w["keys"]["pictograph"],
                      w["keys"]["ximilar"], w["keys"]["labelbox"]}
    assert len(flat(a)) == 5 and not flat(a) & flat(b)


def test_same_name_allowed_twice(server):
    a, b = server.create_workspace("same"), server.create_workspace("same")
    assert a["id"] != b["id"]


def test_unicode_name_roundtrip(server):
    name = "ünïcødé 名前 🚀"
    ws = server.create_workspace(name)
    assert ws["name"] == name
    assert server.get(f"/_emulator/workspaces/{ws['id']}").json()["name"] == name


def test_name_length_limit(server):
    assert server.post("/_emulator/workspaces", json={"name": "n" * 200}).status_code == 201
    err = assert_error(server.post("/_emulator/workspaces", json={"name": "n" * 201}), 400, "validation_error")
    assert "name" in err["message"]


def test_list(server):
    assert server.get("/_emulator/workspaces").json() == {"items": []}
    a = server.create_workspace("a")
    b = server.create_workspace("b")
    r = server.get("/_emulator/workspaces")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"items"}
    items = body["items"]
    for it in items:
        assert set(it) == LIST_KEYS
        assert isinstance(it["id"], str) and isinstance(it["name"], str)
    assert [(i["id"], i["name"]) for i in items] == [(a["id"], "a"), (b["id"], "b")]


def test_get_one(server):
    ws = server.create_workspace("one")
    r = server.get(f"/_emulator/workspaces/{ws['id']}")
    assert r.status_code == 200
    assert r.json() == ws


def test_get_unknown_is_404(server):
    assert_error(server.get(f"/_emulator/workspaces/{uuid.uuid4()}"), 404, "not_found")
    assert_error(server.get("/_emulator/workspaces/not-a-uuid"), 404, "not_found")


def test_delete(server):
    keep = server.create_workspace("keep")
    ws = server.create_workspace("gone")
    r = server.delete(f"/_emulator/workspaces/{ws['id']}")
    assert r.status_code == 204
    assert r.content == b""
    assert UUID_RE.match(r.headers["X-Purge-Job"])
    assert server.workspace_ids() == [keep["id"]]
    assert_error(server.get(f"/_emulator/workspaces/{ws['id']}"), 404, "not_found")
    assert_error(server.delete(f"/_emulator/workspaces/{ws['id']}"), 404, "not_found")
    assert server.get(f"/_emulator/workspaces/{keep['id']}").json() == keep


def test_delete_unknown_is_404(server):
    assert_error(server.delete(f"/_emulator/workspaces/{uuid.uuid4()}"), 404, "not_found")


def test_delete_revokes_keys_in_store(server):
    ws = server.create_workspace("w")
    server.delete(f"/_emulator/workspaces/{ws['id']}")
    with server.db(readonly=True) as conn:
        assert conn.execute("SELECT COUNT(*) FROM api_keys WHERE workspace_id=?", (ws["id"],)).fetchone()[0] == 0


def test_keys_stored_for_every_dialect(server):
    ws = server.create_workspace("w")
    with server.db(readonly=True) as conn:
        rows = dict(((d, (s, o)) for d, s, o in conn.execute(
            "SELECT dialect, secret, org_id FROM api_keys WHERE workspace_id=?", (ws["id"],))))
    k = ws["keys"]
    assert rows == {"vi": (k["vi"]["secretKey"], k["vi"]["organizationId"]), "pictograph": (k["pictograph"], None),
                    "ximilar": (k["ximilar"], None), "labelbox": (k["labelbox"], None)}


# ---------------------------------------------------------------- bad bodies

@pytest.mark.parametrize("body", [{}, {"name": None}, {"name": ""}])
def test_missing_or_empty_name(server, body):
    err = assert_error(server.post("/_emulator/workspaces", json=body), 400, "validation_error")
    assert "name" in err["message"]


def test_unknown_field_is_named(server):
    err = assert_error(server.post("/_emulator/workspaces", json={"name": "x", "colour": "red"}), 400,
                       "validation_error")
    assert "colour" in err["message"]
    assert server.workspace_ids() == []


@pytest.mark.parametrize("name", [1, 1.5, True, ["x"], {"a": 1}])
def test_name_not_a_string(server, name):
    err = assert_error(server.post("/_emulator/workspaces", json={"name": name}), 400, "validation_error")
    assert "name" in err["message"]


def test_name_with_nul(server):
    assert_error(server.post("/_emulator/workspaces", data=b'{"name":"a\\u0000b"}',
                             headers={"Content-Type": "application/json"}), 400)
    assert server.workspace_ids() == []


@pytest.mark.parametrize("raw", [b"{", b'{"name":', b"not json", b'{"name":"x"} trailing', b"{'name':'x'}"])
def test_malformed_json(server, raw):
    assert_error(server.post("/_emulator/workspaces", data=raw, headers={"Content-Type": "application/json"}), 400)


@pytest.mark.parametrize("raw", [b"[]", b'"name"', b"42", b"null"])
def test_body_not_an_object(server, raw):
    assert_error(server.post("/_emulator/workspaces", data=raw, headers={"Content-Type": "application/json"}), 400)


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                                   "multipart/form-data; boundary=x"])
def test_wrong_content_type(server, ctype):
    err = assert_error(server.post("/_emulator/workspaces", data=b'{"name":"x"}', headers={"Content-Type": ctype}),
                       415, "unsupported_media_type")
    assert server.workspace_ids() == []


def test_missing_content_type_with_body(server):
    status, _, body = server.raw("POST", "/_emulator/workspaces", body=b'{"name":"x"}')
    assert status == 415, body


def test_content_type_with_charset_accepted(server):
    r = server.post("/_emulator/workspaces", data=b'{"name":"x"}',
                    headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status_code == 201, r.text


def test_body_over_1mib_is_413(server):
    pad = "p" * (1024 * 1024)
    r = server.post("/_emulator/workspaces", data=json.dumps({"name": "x", "pad": pad}).encode(),
                    headers={"Content-Type": "application/json"})
    assert_error(r, 413, "payload_too_large")
    assert server.workspace_ids() == []


def test_body_of_exactly_1mib_is_read(server):
    head = b'{"name":"x","pad":"'
    body = head + b"p" * (1024 * 1024 - len(head) - 2) + b'"}'
    assert len(body) == 1024 * 1024
    err = assert_error(server.post("/_emulator/workspaces", data=body, headers={"Content-Type": "application/json"}),
                       400, "validation_error")
    assert "pad" in err["message"]


def test_413_from_declared_content_length(server):
    """The cap is enforced from Content-Length before any body byte is sent."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /_emulator/workspaces HTTP/1.1\r\nHost: localhost\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    status_line = data.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 413"), data[:300]


# ---------------------------------------------------------------- keys stop working at once

def _ximilar_status(server, ws, n=16):
    """Status codes of n authenticated Ximilar reads, each on a new connection (so they
    spread over the HTTP threads, each of which remembers its recent key lookups)."""
    import requests
    h = {"Authorization": f"Token {ws['keys']['ximilar']}"}
    return {requests.get(server.url("/vlm/v2/prompt"), headers=h, timeout=10).status_code for _ in range(n)}


def test_deleted_workspace_keys_fail_at_once_after_use(server):
    ws = server.create_workspace("used")
    assert _ximilar_status(server, ws) == {200}
    assert server.delete(f"/_emulator/workspaces/{ws['id']}").status_code == 204
    assert _ximilar_status(server, ws) == {401}


def test_keys_of_a_workspace_undone_by_restore_or_reset_fail_at_once(server):
    assert server.post("/_emulator/snapshots", json={"name": "before"}).status_code in (200, 201)
    ws = server.create_workspace("later")
    assert _ximilar_status(server, ws) == {200}
    assert server.post("/_emulator/snapshots/before/restore").status_code == 204
    assert _ximilar_status(server, ws) == {401}
    ws = server.create_workspace("later-again")
    assert _ximilar_status(server, ws) == {200}
    assert server.post("/_emulator/reset").status_code == 204
    assert _ximilar_status(server, ws) == {401}
