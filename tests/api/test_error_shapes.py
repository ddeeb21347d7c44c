"""The transport errors every dialect renders in its own shape: 400 (malformed
JSON, invalid UTF-8, NUL), 404 (unknown route), 405 (with Allow), 413 (from
Content-Length, before the body is read), 415, 503 (store busy, with Retry-After).

One write route per dialect is used; 503 is provoked for real by holding the
store's write lock from another connection while the server runs with a short
--busy-timeout-ms."""
import json
import sqlite3

import pytest

from shapes import admin_shape, labelbox_shape, pictograph_shape, vi_shape, ximilar_shape

MiB = 1024 * 1024


def dialects(ws):
    """(name, path, headers, valid body, method that the path does not allow, shape)."""
    vi_h = {"Authorization": "Bearer " + ws["keys"]["vi"]["secretKey"],
            "Organization-Id": ws["keys"]["vi"]["organizationId"]}
    org = ws["keys"]["vi"]["organizationId"]
    return [
        ("vi", f"/workspaces/{org}/datasets", vi_h, {"name": "shape-vi", "type": "phrase-grounding"}, "PUT",
         vi_shape),
        ("pictograph", "/api/v1/developer/datasets/", {"X-API-Key": ws["keys"]["pictograph"]},
         {"name": "shape-pictograph"}, "PUT", pictograph_shape),
        ("ximilar", "/vlm/v2/prompt", {"Authorization": "Token " + ws["keys"]["ximilar"]},
         {"name": "p", "type": "system", "content": "You are helpful."}, "PUT", ximilar_shape),
        ("labelbox", "/graphql", {"Authorization": "Bearer " + ws["keys"]["labelbox"]},
         {"query": "mutation CreateDatasetPyApi($name: String!){createDataset(data: {name: $name}) {id name}} ",
          "variables": {"name": "shape-labelbox"}}, "GET", labelbox_shape),
        ("admin", "/_emulator/workspaces", {}, {"name": "shape"}, "PUT", admin_shape),
    ]


@pytest.fixture
def busy_server(make_server):
    return make_server(name="busy", args=["--busy-timeout-ms", "150"])


def cases(server):
    ws = server.create_workspace("shapes")
    out = []
    for name, path, headers, body, bad_method, shape in dialects(ws):
        probe = server.post(path, json=body, headers=headers)
        assert probe.status_code in (200, 201), (name, probe.text)
        if name == "labelbox":
            assert probe.json()["data"]["createDataset"]["name"] == "shape-labelbox", probe.text
        out.append((name, path, headers, body, bad_method, shape))
    return out


def send(server, path, headers, data, ctype="application/json", extra=None):
    h = {**headers, "Content-Type": ctype, **(extra or {})}
    return server.raw("POST", path, data, h)


def test_400_malformed_json_invalid_utf8_and_nul(server):
    for name, path, headers, _, _, shape in cases(server):
        for bad in (b'{"name": ', b'{"name": "\xff\xfe"}', b'{"name": "a\x00b"}'):
            status, _, body = send(server, path, headers, bad)
            assert status == 400, (name, bad, body)
            shape(json.loads(body))


def test_404_unknown_route(server):
    for name, path, headers, _, _, shape in cases(server):
        status, _, body = server.raw("GET", path.rstrip("/") + "/no/such/thing/here", None, headers)
        assert status == 404, (name, body)
        shape(json.loads(body))


def test_405_with_allow(server):
    for name, path, headers, _, bad_method, shape in cases(server):
        status, h, body = server.raw(bad_method, path, None, headers)
        assert status == 405, (name, body)
        assert "POST" in h["Allow"], (name, h)
        shape(json.loads(body))


def test_413_from_content_length_before_the_body(server):
    for name, path, headers, _, _, shape in cases(server):
        # Declare 2 MiB but send nothing: the answer must come from the header alone.
        status, _, body = server.raw("POST", path, None, {**headers, "Content-Type": "application/json",
                                                          "Content-Length": str(2 * MiB)}, timeout=10)
        assert status == 413, (name, body)
        shape(json.loads(body))


def test_415_wrong_content_type(server):
    for name, path, headers, body, _, shape in cases(server):
        status, _, out = send(server, path, headers, json.dumps(body).encode(), ctype="text/plain")
        assert status == 415, (name, out)
        shape(json.loads(out))


def test_503_when_the_store_stays_locked(busy_server):
    srv = busy_server
    for name, path, headers, body, _, shape in cases(srv):
        body = {**body}
        # Datasets are one store across dialects: each dialect needs its own name.
        if "name" in body:
            body["name"] = f"{body['name']}-{name}-locked"
        if "variables" in body:
            body["variables"] = {"name": f"{name}-locked"}
        lock = sqlite3.connect(srv.db_path, timeout=1, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        try:
            status, h, out = send(srv, path, headers, json.dumps(body).encode())
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        assert status == 503, (name, out)
        assert int(h["Retry-After"]) >= 1, (name, h)
        shape(json.loads(out))
        # Nothing half-written: the same call now succeeds exactly once.
        status, _, out = send(srv, path, headers, json.dumps(body).encode())
        assert status in (200, 201), (name, out)
