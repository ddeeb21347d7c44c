"""Black-box test harness for the visionstack server.

Every test owns its server: the built binary is started on a free port with a
temporary database, health is awaited, and at the end it is stopped with SIGTERM;
the exit code must be 0 and stderr must hold no sanitizer report.

* Binary: $VISIONSTACK_BIN, default <repo>/build/visionstack.
* ASAN_OPTIONS / UBSAN_OPTIONS from the environment are passed through, with
  halt_on_error=1:print_stacktrace=1 added when not already set.
* Nothing is shared between tests (no fixed ports, no shared files), so the suite
  is safe to run in parallel.

Helpers that test modules import directly: Server, free_port, crc32c,
assert_error, insert_rows, db_connect, REPO, FIXTURES, DEMO.
"""
from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("VISIONSTACK_BIN", str(REPO / "build" / "visionstack")))
FIXTURES = REPO / "fixtures"

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer")
HEALTH_TIMEOUT_S = 10.0
HEALTH_POLL_S = 0.02
STOP_TIMEOUT_S = 10.0

# The demo workspace loaded by --seed fixtures (fixtures/README.md, "Demo keys").
DEMO = {
    "id": "a35f96c9-9f7b-4f7a-9ba3-b4cf20c383f3",
    "name": "demo",
    "keys": {
        "vi": {
            "secretKey": "dtvi_UsZB6dG9YWzQgj84ZxcX9EkdYlf73DOYBGUoEQJvu4rURvfjHuVQSiHIH0ZbJdNEJUOMREO56F96JlDa74UYbR0k7LPDlHCamJ",
            "organizationId": "07c3d844-794f-4bde-a77e-0fd211a7a4f7",
        },
        "pictograph": "pk_demo_54dd978b50061058a80a78af1786eaea",
        "ximilar": "5e06c2c2f9813e8ba110737b6820c9a60624d51e",
        "labelbox": "lb_demo_ObDxXExZTn7w3B6p921Jxezh5y0FgqEtGdIgaAaZ",
    },
}


# --------------------------------------------------------------------------- utils


def free_port() -> int:
    """A port the kernel just handed out (bound to 0, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tcp_listeners(port: int) -> int:
    """How many sockets listen on `port` (any address, v4 and v6) in this netns."""
    n = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                        n += 1
        except OSError:
            pass
    return n


def sanitizer_env(base: dict) -> dict:
    env = dict(base)

    def merge(var: str, defaults: list[tuple[str, str]]) -> None:
        cur = env.get(var, "")
        have = {kv.split("=", 1)[0] for kv in cur.split(":") if kv}
        parts = [cur] if cur else []
        parts += [f"{k}={v}" for k, v in defaults if k not in have]
        env[var] = ":".join(parts)

    merge("ASAN_OPTIONS", [("halt_on_error", "1"), ("print_stacktrace", "1")])
    merge("UBSAN_OPTIONS", [("halt_on_error", "1"), ("print_stacktrace", "1")])
    return env


def _crc32c_table() -> list[int]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data: bytes) -> int:
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC32C[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def assert_error(resp, status: int, code: str | None = None) -> dict:
    """Control-plane error shape: {"error":{"code","message","details"}} exactly."""
    assert resp.status_code == status, f"{resp.status_code} {resp.text}"
    assert resp.headers.get("Content-Type", "").startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"code", "message", "details"}, body
    assert isinstance(err["code"], str) and err["code"]
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["details"], dict)
    if code is not None:
        assert err["code"] == code, body
    return err


def db_connect(path, readonly: bool = False) -> sqlite3.Connection:
    """A connection to a server's store file (WAL lets it run beside the server)."""
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    else:
        conn = sqlite3.connect(str(path), timeout=30)
        conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def insert_rows(db_path, workspace_id: str, n_annotations: int, *, blob: bytes | None = None,
                dataset_name: str | None = None, conn: sqlite3.Connection | None = None) -> dict:
    """Inserts one dataset, one blob, one asset and n annotations for a workspace,
    straight into the store file (respecting FKs and CHECKs). Returns the ids."""
    own = conn is None
    conn = conn or db_connect(db_path)
    now = int(time.time() * 1000)
    data = blob if blob is not None else os.urandom(64)
    sha = hashlib.sha256(data).hexdigest()
    ds = str(uuid.uuid4())
    asset = str(uuid.uuid4())
    try:
        with conn:
            conn.execute(
                "INSERT OR IGNORE INTO blobs(sha256, size, crc32c, md5, bytes, created_at) VALUES (?,?,?,?,?,?)",
                (sha, len(data), crc32c(data), hashlib.md5(data).hexdigest(), data, now))
            conn.execute(
                "INSERT INTO datasets(id, workspace_id, name, created_at, updated_at) VALUES (?,?,?,?,?)",
                (ds, workspace_id, dataset_name or f"ds-{ds[:8]}", now, now))
            conn.execute(
                "INSERT INTO assets(id, workspace_id, dataset_id, filename, blob_sha256, mime, width, height, size,"
                " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (asset, workspace_id, ds, "img.png", sha, "image/png", 10, 10, len(data), now, now))
            geom = '{"x":1,"y":1,"w":2,"h":2}'
            conn.executemany(
                "INSERT INTO annotations(id, workspace_id, dataset_id, asset_id, kind, label, geometry,"
                " created_at, updated_at) VALUES (?,?,?,?,'bbox','thing',?,?,?)",
                ((f"{asset}-{i:07d}", workspace_id, ds, asset, geom, now, now) for i in range(n_annotations)))
    finally:
        if own:
            conn.close()
    return {"dataset": ds, "asset": asset, "blob": sha}


def count_rows(db_path, table: str, workspace_id: str | None = None) -> int:
    conn = db_connect(db_path, readonly=True)
    try:
        if workspace_id is None:
            return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        return conn.execute(f"SELECT COUNT(*) FROM {table} WHERE workspace_id=?", (workspace_id,)).fetchone()[0]
    finally:
        conn.close()


# -------------------------------------------------------------------------- server


class ServerStartError(RuntimeError):
    pass


class Server:
    """One visionstack process. `db` is a path, ":memory:", or None (a file in workdir)."""

    def __init__(self, workdir, *, db=None, seed=None, args=(), env=None, quiet=True, port=None,
                 host="127.0.0.1"):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.workdir / "vs.db" if db is None else db
        self.seed = seed
        self.args = [str(a) for a in args]
        self.extra_env = dict(env or {})
        self.quiet = quiet
        self.fixed_port = port
        self.host = host  # where the client connects (pass --bind in args to move the server)
        self.port = None
        self.proc = None
        self.http = None
        self.stderr_path = self.workdir / "stderr.log"
        self.stdout_path = self.workdir / "stdout.log"
        self.starts = 0
        self._stderr_mark = 0

    # -- lifecycle
    def command(self) -> list[str]:
        cmd = [str(BIN), "--port", str(self.port), "--db", str(self.db_path)]
        if self.seed:
            cmd += ["--seed", str(self.seed)]
        if self.quiet:
            cmd += ["--quiet", "1"]
        return cmd + self.args

    def start(self) -> "Server":
        assert self.proc is None, "already running"
        last = None
        for _ in range(8):
            self.port = self.fixed_port or free_port()
            try:
                self._spawn()
            except ServerStartError as e:
                last = e
                if self.fixed_port or "cannot listen" not in self.stderr()[self._stderr_mark:]:
                    raise
                continue
            # SO_REUSEPORT would let two servers share a port silently: make sure
            # the one answering is alone on it (else pick another port).
            if not self.fixed_port and tcp_listeners(self.port) > 1:
                self._terminate()
                last = ServerStartError(f"port {self.port} shared with another listener")
                continue
            return self
        raise last

    def _spawn(self) -> None:
        env = sanitizer_env({**os.environ, **self.extra_env})
        self._stderr_mark = len(self.stderr())
        with open(self.stderr_path, "ab") as err, open(self.stdout_path, "ab") as out:
            err.write(f"==== start #{self.starts + 1}: {' '.join(self.command())}\n".encode())
            err.flush()
            self.proc = subprocess.Popen(self.command(), stdout=out, stderr=err, env=env, cwd=self.workdir,
                                         stdin=subprocess.DEVNULL)
        self.starts += 1
        self.http = requests.Session()
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while True:
            rc = self.proc.poll()
            if rc is not None:
                self.proc = None
                raise ServerStartError(f"server exited with {rc} before becoming healthy:\n{self.stderr()}")
            try:
                r = self.http.get(self.url("/_emulator/health"), timeout=1)
                if r.status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.proc.kill()
                self.proc.wait()
                self.proc = None
                raise ServerStartError(f"server not healthy within {HEALTH_TIMEOUT_S}s:\n{self.stderr()}")
            time.sleep(HEALTH_POLL_S)

    def _terminate(self) -> int:
        if self.http:
            self.http.close()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            raise AssertionError(f"server did not exit within {STOP_TIMEOUT_S}s of SIGTERM:\n{self.stderr()}")
        self.proc = None
        return rc

    def stop(self, sig=signal.SIGTERM) -> int:
        """Stops with `sig` (SIGTERM or SIGINT); asserts exit 0 and no sanitizer report."""
        if self.proc is None:
            return 0
        if self.http:
            self.http.close()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            raise AssertionError(f"server did not exit within {STOP_TIMEOUT_S}s of signal {sig}:\n{self.stderr()}")
        self.proc = None
        self.check_sanitizers()
        assert rc == 0, f"server exited with {rc}:\n{self.stderr()}"
        return rc

    def kill9(self) -> None:
        assert self.proc is not None
        if self.http:
            self.http.close()
        self.proc.kill()
        self.proc.wait()
        self.proc = None
        self.check_sanitizers()

    def restart(self) -> "Server":
        """Stops cleanly (if running) and starts again on the same store file."""
        self.stop()
        return self.start()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def check_sanitizers(self) -> None:
        text = self.stderr()
        for marker in SANITIZER_MARKERS:
            assert marker not in text, f"sanitizer report in server stderr:\n{text}"

    # -- HTTP
    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def request(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 60)
        return self.http.request(method, self.url(path), **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def head(self, path, **kw):
        return self.request("HEAD", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def raw(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 30):
        """Sends the path verbatim (no dot-segment normalisation); returns
        (status, headers as a case-insensitive dict, body bytes)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            hdrs = dict(headers or {})
            if body is not None and not any(k.lower() in ("content-length", "transfer-encoding") for k in hdrs):
                hdrs["Content-Length"] = str(len(body))
            for k, v in hdrs.items():
                conn.putheader(k, v)
            conn.endheaders()
            if body:
                conn.send(body)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, requests.structures.CaseInsensitiveDict(resp.getheaders()), data
        finally:
            conn.close()

    # -- control-plane shortcuts
    def create_workspace(self, name: str = "ws") -> dict:
        r = self.post("/_emulator/workspaces", json={"name": name})
        assert r.status_code == 201, r.text
        return r.json()

    def workspace_ids(self) -> list[str]:
        r = self.get("/_emulator/workspaces")
        assert r.status_code == 200, r.text
        return [w["id"] for w in r.json()["items"]]

    def job(self, job_id: str) -> dict:
        r = self.get(f"/_emulator/jobs/{job_id}")
        assert r.status_code == 200, r.text
        return r.json()

    def wait_job(self, job_id: str, states=("succeeded", "failed", "cancelled"), timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            j = self.job(job_id)
            if j["state"] in states:
                return j
            assert time.monotonic() < deadline, f"job still {j['state']} after {timeout}s: {j}"
            time.sleep(0.02)

    @contextlib.contextmanager
    def db(self, readonly: bool = False):
        """`with server.db() as conn:` a connection to the store file, committed
        (unless an exception escapes) and closed at the end of the block."""
        assert self.db_path != ":memory:"
        conn = db_connect(self.db_path, readonly=readonly)
        try:
            with conn:
                yield conn
        finally:
            conn.close()


# ------------------------------------------------------------------------ fixtures


@pytest.fixture
def make_server(tmp_path):
    """Factory: make_server(start=True, **Server kwargs) -> Server; all stopped at teardown."""
    made: list[Server] = []

    def make(start: bool = True, name: str | None = None, **kw) -> Server:
        srv = Server(tmp_path / (name or f"srv{len(made)}"), **kw)
        made.append(srv)
        return srv.start() if start else srv

    yield make
    errors = []
    for srv in made:
        try:
            srv.stop()
        except AssertionError as e:  # report every server, not just the first
            errors.append(str(e))
    assert not errors, "\n\n".join(errors)


@pytest.fixture
def server(make_server) -> Server:
    """A fresh server with an empty file store."""
    return make_server(name="server")


@pytest.fixture
def demo_server(make_server) -> Server:
    """A fresh server started with --seed <repo>/fixtures."""
    return make_server(name="demo", seed=FIXTURES)


@pytest.fixture
def create_workspace(server):
    """create_workspace(name) -> the 201 JSON, on the `server` fixture."""
    return server.create_workspace


def pytest_report_header(config):
    return f"visionstack binary: {BIN}"


def pytest_sessionstart(session):
    if not (BIN.is_file() and os.access(BIN, os.X_OK)):
        pytest.exit(f"visionstack binary not found or not executable: {BIN} "
                    "(build it with `ninja -C build`, or set VISIONSTACK_BIN)", returncode=4)
