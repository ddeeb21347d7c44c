"""Server-issued transfer URLs (/_blob/<dialect>/<token>[/<filename>]).

No public API creates them yet, so rows are written straight into the running
server's store (WAL lets another connection write beside it)."""
import base64
import hashlib
import os
import secrets
import socket
import string
import time

import pytest

from conftest import assert_error, crc32c

FAR = 253402300799999
T0 = 1700000000000
ALNUM = string.ascii_letters + string.digits


def token():
    return "".join(secrets.choice(ALNUM) for _ in range(48))


def add_put(server, *, max_bytes=1000, expires_at=FAR, expected_size=None, expected_md5=None,
            expected_crc=None, dialect="vi"):
    tok = token()
    with server.db() as conn:
        conn.execute("INSERT INTO transfers(token, dialect, direction, max_bytes, expected_size, expected_crc32c,"
                     " expected_md5, expires_at, created_at) VALUES (?,?,'put',?,?,?,?,?,?)",
                     (tok, dialect, max_bytes, expected_size, expected_crc, expected_md5, expires_at,
                      int(time.time() * 1000)))
    return tok


def add_get(server, data, *, expires_at=FAR, content_type="image/png", dialect="vi", with_blob=True):
    tok = token()
    sha = hashlib.sha256(data).hexdigest()
    with server.db() as conn:
        if with_blob:
            conn.execute("INSERT OR IGNORE INTO blobs(sha256, size, crc32c, md5, bytes, created_at)"
                         " VALUES (?,?,?,?,?,?)",
                         (sha, len(data), crc32c(data), hashlib.md5(data).hexdigest(), data, 0))
        conn.execute("INSERT INTO transfers(token, dialect, direction, content_type, max_bytes, blob_sha256,"
                     " expires_at, created_at) VALUES (?,?,'get',?,0,?,?,0)",
                     (tok, dialect, content_type, sha if with_blob else None, expires_at))
    return tok


def row(server, tok):
    with server.db(readonly=True) as conn:
        conn.row_factory = lambda c, r: {d[0]: v for d, v in zip(c.description, r)}
        return conn.execute("SELECT * FROM transfers WHERE token=?", (tok,)).fetchone()


def b64(b):
    return base64.b64encode(b).decode()


# ---------------------------------------------------------------------- PUT

def test_put_stores_bytes(server):
    tok = add_put(server)
    data = os.urandom(600)
    r = server.put(f"/_blob/vi/{tok}", data=data)  # no auth header at all
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"size", "crc32c", "md5", "check"}
    md5 = hashlib.md5(data).digest()
    crc = crc32c(data).to_bytes(4, "big")
    assert body == {"size": 600, "crc32c": b64(crc), "md5": b64(md5), "check": "ok"}
    sha = hashlib.sha256(data).hexdigest()
    assert r.headers["ETag"] == f'"{sha}"'
    assert r.headers["x-goog-hash"] == f"crc32c={b64(crc)},md5={b64(md5)}"
    t = row(server, tok)
    assert t["blob_sha256"] == sha
    assert t["check_result"] == "ok"
    assert t["completed_at"] is not None
    with server.db(readonly=True) as conn:
        assert conn.execute("SELECT bytes FROM blobs WHERE sha256=?", (sha,)).fetchone()[0] == data


def test_put_with_filename_segment(server):
    tok = add_put(server)
    r = server.put(f"/_blob/vi/{tok}/photo%20one.jpg", data=b"abc")
    assert r.status_code == 200
    assert row(server, tok)["blob_sha256"] == hashlib.sha256(b"abc").hexdigest()


def test_put_exactly_max_bytes(server):
    tok = add_put(server, max_bytes=1000)
    assert server.put(f"/_blob/vi/{tok}", data=b"x" * 1000).status_code == 200


def test_put_over_max_bytes_is_413(server):
    tok = add_put(server, max_bytes=1000)
    assert_error(server.put(f"/_blob/vi/{tok}", data=b"x" * 1001), 413, "payload_too_large")
    assert row(server, tok)["blob_sha256"] is None


def test_put_over_max_bytes_refused_from_content_length(server):
    tok = add_put(server, max_bytes=1000)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(f"PUT /_blob/vi/{tok} HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n".encode())
        data = s.recv(65536)
    assert data.startswith(b"HTTP/1.1 413"), data[:200]


def test_put_chunked_over_max_bytes_is_413(server):
    import http.client
    tok = add_put(server, max_bytes=1000)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("PUT", f"/_blob/vi/{tok}", body=iter([b"x" * 600, b"y" * 600]), encode_chunked=True)
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 413
    finally:
        conn.close()
    assert row(server, tok)["blob_sha256"] is None


def test_put_checks_announced_size_and_digests(server):
    data = b"hello world"
    tok = add_put(server, expected_size=5)
    assert server.put(f"/_blob/vi/{tok}", data=data).json()["check"] == "bad_size"
    assert row(server, tok)["check_result"] == "bad_size"
    tok = add_put(server, expected_md5=hashlib.md5(b"other").hexdigest())
    assert server.put(f"/_blob/vi/{tok}", data=data).json()["check"] == "bad_checksum"
    tok = add_put(server, expected_crc=crc32c(b"other"))
    assert server.put(f"/_blob/vi/{tok}", data=data).json()["check"] == "bad_checksum"
    tok = add_put(server, expected_size=len(data), expected_md5=hashlib.md5(data).hexdigest(),
                  expected_crc=crc32c(data))
    assert server.put(f"/_blob/vi/{tok}", data=data).json()["check"] == "ok"


def test_put_content_md5(server):
    data = b"payload"
    tok = add_put(server)
    r = server.put(f"/_blob/vi/{tok}", data=data, headers={"Content-MD5": b64(hashlib.md5(data).digest())})
    assert r.status_code == 200
    tok = add_put(server)
    r = server.put(f"/_blob/vi/{tok}", data=data, headers={"Content-MD5": b64(hashlib.md5(b"nope").digest())})
    assert_error(r, 400, "bad_digest")
    assert row(server, tok)["blob_sha256"] is None
    tok = add_put(server)
    assert_error(server.put(f"/_blob/vi/{tok}", data=data, headers={"Content-MD5": "not base64!"}), 400)


def test_put_goog_hash(server):
    data = b"payload"
    tok = add_put(server)
    good = f"crc32c={b64(crc32c(data).to_bytes(4, 'big'))},md5={b64(hashlib.md5(data).digest())}"
    assert server.put(f"/_blob/vi/{tok}", data=data, headers={"x-goog-hash": good}).status_code == 200
    tok = add_put(server)
    bad = f"crc32c={b64(crc32c(b'x').to_bytes(4, 'big'))}"
    assert_error(server.put(f"/_blob/vi/{tok}", data=data, headers={"x-goog-hash": bad}), 400, "bad_digest")


def test_put_empty_body(server):
    tok = add_put(server)
    r = server.put(f"/_blob/vi/{tok}", data=b"")
    assert r.status_code == 200
    assert r.json()["size"] == 0
    assert row(server, tok)["blob_sha256"] == hashlib.sha256(b"").hexdigest()


def test_put_expired_by_virtual_clock(server):
    tok = add_put(server, expires_at=T0 + 1000)
    server.post("/_emulator/clock", json={"mode": "frozen", "now": T0})
    assert server.put(f"/_blob/vi/{tok}", data=b"early").status_code == 200
    server.post("/_emulator/clock/advance", json={"ms": 1001})
    assert_error(server.put(f"/_blob/vi/{tok}", data=b"late"), 403, "expired")
    assert row(server, tok)["blob_sha256"] == hashlib.sha256(b"early").hexdigest()


def test_put_expired_in_past(server):
    tok = add_put(server, expires_at=1000)
    assert_error(server.put(f"/_blob/vi/{tok}", data=b"x"), 403, "expired")


def test_unknown_tokens_are_404(server):
    assert_error(server.put(f"/_blob/vi/{token()}", data=b"x"), 404, "not_found")
    assert_error(server.get(f"/_blob/vi/{token()}"), 404, "not_found")
    assert_error(server.put("/_blob/vi/short", data=b"x"), 404)
    assert_error(server.get("/_blob/vi/" + "a" * 49), 404)


def test_token_bound_to_its_dialect(server):
    tok = add_put(server, dialect="vi")
    assert_error(server.put(f"/_blob/pictograph/{tok}", data=b"x"), 404)
    tok = add_get(server, b"abc", dialect="vi")
    assert_error(server.get(f"/_blob/ximilar/{tok}"), 404)


def test_direction_enforced(server):
    put_tok = add_put(server)
    get_tok = add_get(server, b"abc")
    assert_error(server.get(f"/_blob/vi/{put_tok}"), 405)
    assert_error(server.put(f"/_blob/vi/{get_tok}", data=b"x"), 405)


# ---------------------------------------------------------------------- GET

DATA = bytes(range(256)) * 4  # 1024 bytes, every offset distinguishable enough
N = len(DATA)


@pytest.fixture
def blob_url(server):
    return f"/_blob/vi/{add_get(server, DATA)}"


def test_get_full(server, blob_url):
    r = server.get(blob_url)
    assert r.status_code == 200
    assert r.content == DATA
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["Accept-Ranges"] == "bytes"
    assert r.headers["ETag"] == f'"{hashlib.sha256(DATA).hexdigest()}"'
    assert int(r.headers["Content-Length"]) == N
    assert "Content-Range" not in r.headers


def test_get_with_filename(server):
    tok = add_get(server, DATA)
    assert server.get(f"/_blob/vi/{tok}/name.png").content == DATA


@pytest.mark.parametrize("rng,start,end", [
    ("bytes=0-9", 0, 9),
    ("bytes=-5", N - 5, N - 1),
    ("bytes=5-", 5, N - 1),
    ("bytes=100-199", 100, 199),
    ("bytes=0-0", 0, 0),
    (f"bytes={N - 1}-", N - 1, N - 1),
    (f"bytes=10-{N + 500}", 10, N - 1),  # end clamped
    (f"bytes=-{N + 10}", 0, N - 1),       # suffix longer than the object
])
def test_get_range(server, blob_url, rng, start, end):
    r = server.get(blob_url, headers={"Range": rng})
    assert r.status_code == 206, rng
    assert r.headers["Content-Range"] == f"bytes {start}-{end}/{N}"
    assert r.content == DATA[start:end + 1]
    assert int(r.headers["Content-Length"]) == end - start + 1


@pytest.mark.parametrize("rng", [f"bytes={N}-", f"bytes={N + 5}-{N + 10}", "bytes=-0"])
def test_get_unsatisfiable_range(server, blob_url, rng):
    r = server.get(blob_url, headers={"Range": rng})
    assert_error(r, 416, "range_not_satisfiable")
    assert r.headers["Content-Range"] == f"bytes */{N}"


@pytest.mark.parametrize("rng", ["bytes=9-0", "items=0-5", "bytes=0-1,3-4", "bytes=a-b", "bytes=", "bytes=--1"])
def test_get_ignored_range_serves_all(server, blob_url, rng):
    r = server.get(blob_url, headers={"Range": rng})
    assert r.status_code == 200, rng
    assert r.content == DATA


def test_head(server, blob_url):
    r = server.head(blob_url)
    assert r.status_code == 200
    assert r.content == b""
    assert int(r.headers["Content-Length"]) == N
    assert r.headers["Accept-Ranges"] == "bytes"
    r = server.head(blob_url, headers={"Range": "bytes=0-9"})
    assert r.status_code == 206
    assert r.headers["Content-Range"] == f"bytes 0-9/{N}"
    assert r.content == b""


def test_get_empty_blob(server):
    tok = add_get(server, b"")
    r = server.get(f"/_blob/vi/{tok}")
    assert r.status_code == 200 and r.content == b""
    assert_error(server.get(f"/_blob/vi/{tok}", headers={"Range": "bytes=0-"}), 416)


def test_get_without_blob_is_404(server):
    tok = add_get(server, b"zzz", with_blob=False)
    assert_error(server.get(f"/_blob/vi/{tok}"), 404, "not_found")


def test_get_expired_by_virtual_clock(server):
    tok = add_get(server, DATA, expires_at=T0 + 1000)
    server.post("/_emulator/clock", json={"mode": "frozen", "now": T0 + 1000})
    assert server.get(f"/_blob/vi/{tok}").status_code == 200  # expiry instant itself still valid
    server.post("/_emulator/clock/advance", json={"ms": 1})
    assert_error(server.get(f"/_blob/vi/{tok}"), 403, "expired")


def test_put_then_get_roundtrip(server):
    data = os.urandom(5000)
    put = add_put(server, max_bytes=10_000)
    assert server.put(f"/_blob/vi/{put}", data=data).status_code == 200
    get = add_get(server, data)  # same content: the blob is shared
    assert server.get(f"/_blob/vi/{get}").content == data
    r = server.get(f"/_blob/vi/{get}", headers={"Range": "bytes=4990-"})
    assert r.status_code == 206 and r.content == data[4990:]
