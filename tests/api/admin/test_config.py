"""Command line, environment, binding and signals."""
import json
import os
import re
import signal
import socket
import subprocess
import time

import pytest
import requests

from conftest import BIN, Server, free_port, sanitizer_env, tcp_listeners

CONTRACT_FLAGS = ["port", "db", "seed", "bind", "threads"]  # DESIGN.md fixed contract
KNOWN_FLAGS = CONTRACT_FLAGS + ["log-format", "quiet", "admin-key", "snapshot-dir", "busy-timeout-ms", "id-seed"]


def run(args, env=None, cwd=None, timeout=20):
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env=sanitizer_env({**os.environ, **(env or {})}))


def test_help_lists_every_flag():
    out = run(["--help"])
    assert out.returncode == 0, out.stderr
    text = out.stdout
    listed = re.findall(r"^\s*--([a-z][a-z0-9-]*)", text, re.M)
    assert len(listed) == len(set(listed)), listed
    assert set(KNOWN_FLAGS + ["help", "version"]) <= set(listed), set(KNOWN_FLAGS) - set(listed)
    for flag in set(listed) - {"help", "version"}:
        env = "VISIONSTACK_" + flag.upper().replace("-", "_")
        assert re.search(rf"env {env}, default '[^']*'", text), f"--{flag}: no env/default line"
    assert run(["-h"]).stdout == text


def test_version():
    out = run(["--version"])
    assert out.returncode == 0
    assert re.fullmatch(r"visionstack \d+\.\d+\.\d+\S*\n", out.stdout), out.stdout


@pytest.mark.parametrize("args", [["--nope"], ["--nope", "1"], ["positional"], ["--port"], ["--port", "abc"],
                                  ["--port", "70000"], ["--threads", "0"], ["--quiet", "2"],
                                  ["--log-format", "xml"], ["--bind", "not-an-address"]])
def test_bad_flags_exit_nonzero(tmp_path, args):
    if args[0] == "--bind":
        args = args + ["--port", str(free_port())]
    out = run(args + ([] if "--db" in args else ["--db", str(tmp_path / "x.db")]), cwd=tmp_path)
    assert out.returncode != 0, out
    assert out.stderr.strip(), "an explanation on stderr"
    for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
        assert marker not in out.stderr


def test_unknown_flag_is_named():
    out = run(["--frobnicate"])
    assert out.returncode == 2
    assert "--frobnicate" in out.stderr


def test_flag_equals_syntax(make_server, tmp_path):
    port = free_port()
    srv = make_server(start=False, args=[])
    srv.command = lambda: [str(BIN), f"--port={srv.port}", f"--db={srv.db_path}", "--quiet=1"]
    srv.fixed_port = port
    srv.start()
    assert srv.get("/_emulator/health").status_code == 200


def test_env_port(make_server):
    port = free_port()
    srv = make_server(start=False, env={"VISIONSTACK_PORT": str(port)})
    srv.command = lambda: [str(BIN), "--db", str(srv.db_path), "--quiet", "1"]
    srv.fixed_port = port
    srv.start()
    assert srv.get("/_emulator/health").json()["status"] == "ok"


def test_env_db_and_quiet(make_server, tmp_path):
    db = tmp_path / "from-env.db"
    srv = make_server(start=False, env={"VISIONSTACK_DB": str(db), "VISIONSTACK_QUIET": "0"})
    srv.command = lambda: [str(BIN), "--port", str(srv.port)]
    srv.start()
    srv.create_workspace("env")
    srv.stop()
    assert db.exists()
    assert " access " in srv.stderr()


def test_flag_overrides_env(make_server):
    srv = make_server(start=False, env={"VISIONSTACK_PORT": "1"})  # flag --port wins over the env
    srv.start()
    assert srv.get("/_emulator/health").status_code == 200


def test_memory_store_leaves_no_file(tmp_path):
    work = tmp_path / "cwd"
    tmp = tmp_path / "tmp"
    work.mkdir()
    tmp.mkdir()
    srv = Server(tmp_path / "srv", db=":memory:", env={"TMPDIR": str(tmp)})
    srv.workdir = work
    srv.stderr_path = tmp_path / "stderr.log"
    srv.stdout_path = tmp_path / "stdout.log"
    srv.start()
    try:
        ws = srv.create_workspace("mem")
        assert srv.post("/_emulator/snapshots", json={"name": "s"}).status_code == 201
        assert srv.workspace_ids() == [ws["id"]]
        assert os.listdir(tmp), "the temporary store lives in $TMPDIR while running"
    finally:
        srv.stop()
    assert os.listdir(tmp) == []
    assert os.listdir(work) == []


def test_memory_store_starts_empty_each_time(tmp_path):
    srv = Server(tmp_path / "srv", db=":memory:", env={"TMPDIR": str(tmp_path)})
    srv.start()
    try:
        srv.create_workspace("a")
        srv.restart()
        assert srv.workspace_ids() == []
    finally:
        srv.stop()


def connect_refused(host, port):
    try:
        with socket.create_connection((host, port), timeout=2):
            return False
    except (ConnectionRefusedError, socket.timeout, OSError):
        return True


def other_local_addresses():
    addrs = ["127.0.0.2"]  # all of 127/8 is local on Linux
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.123", 9))  # no packet is sent for UDP connect
            ip = s.getsockname()[0]
            if not ip.startswith("127."):
                addrs.append(ip)
    except OSError:
        pass
    usable = []
    for a in addrs:
        try:
            with socket.socket() as probe:
                probe.bind((a, 0))
            usable.append(a)
        except OSError:
            pass
    return usable


def test_default_bind_is_loopback_only(server):
    others = other_local_addresses()
    if not others:
        pytest.skip("no other local address")
    for addr in others:
        assert connect_refused(addr, server.port), f"server reachable on {addr}"
    assert not connect_refused("127.0.0.1", server.port)


def test_bind_flag(make_server):
    if "127.0.0.2" not in other_local_addresses():
        pytest.skip("127.0.0.2 not usable")
    srv = make_server(args=["--bind", "127.0.0.2"], host="127.0.0.2")
    assert srv.get("/_emulator/health").status_code == 200
    assert connect_refused("127.0.0.1", srv.port)
    srv.stop()


def test_sigint_exits_zero(server):
    server.create_workspace("a")
    assert server.stop(signal.SIGINT) == 0


def test_sigterm_with_request_in_flight(server):
    """A request being answered when SIGTERM arrives still gets its answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /_emulator/workspaces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 12\r\n\r\n{\"name\":")
        time.sleep(0.05)
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.05)
        s.sendall(b'"x"}')
        data = s.recv(65536)
    assert data.startswith(b"HTTP/1.1 201"), data[:200]
    rc = server.proc.wait(10)
    server.proc = None
    server.check_sanitizers()
    assert rc == 0


def test_id_seed_is_repeatable(make_server):
    a = make_server(args=["--id-seed", "42"]).create_workspace("w")
    b = make_server(args=["--id-seed", "42"]).create_workspace("w")
    c = make_server(args=["--id-seed", "43"]).create_workspace("w")
    strip = lambda w: {k: v for k, v in w.items() if k != "createdAt"}
    assert strip(a) == strip(b)
    assert a["id"] != c["id"] and a["keys"] != c["keys"]


def test_admin_key(make_server):
    srv = make_server(args=["--admin-key", "s3cret"])
    assert srv.get("/_emulator/health").status_code == 200  # health needs no key
    r = srv.post("/_emulator/workspaces", json={"name": "x"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"
    assert srv.get("/_emulator/workspaces", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert srv.get("/_emulator/workspaces", headers={"Authorization": "Token s3cret"}).status_code == 401
    r = srv.post("/_emulator/workspaces", json={"name": "x"}, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 201
    assert srv.post("/_emulator/reset").status_code == 401
    assert srv.get("/_emulator/clock").status_code == 401


def test_log_format_json(make_server):
    srv = make_server(quiet=False, args=["--log-format", "json"])
    srv.get("/_emulator/health")
    srv.stop()
    lines = [l for l in srv.stderr().splitlines() if l and not l.startswith("====")]
    assert lines
    recs = [json.loads(l) for l in lines]
    assert any(r.get("type") == "access" and r["path"] == "/_emulator/health" and r["status"] == 200 for r in recs)


def test_quiet_suppresses_access_log(make_server):
    srv = make_server(quiet=True)
    srv.get("/_emulator/health")
    srv.stop()
    assert " access " not in srv.stderr()


def test_access_log_has_no_query(make_server):
    srv = make_server(quiet=False)
    srv.get("/_emulator/jobs?token=supersecret")
    srv.stop()
    assert "supersecret" not in srv.stderr()
    assert "/_emulator/jobs" in srv.stderr()


def test_unwritable_db_fails_cleanly(tmp_path):
    out = run(["--port", str(free_port()), "--db", str(tmp_path / "no" / "such" / "dir" / "x.db")])
    assert out.returncode != 0
    assert "store" in out.stderr


def test_second_server_on_same_port_fails(make_server, tmp_path):
    """A busy port must make the second server fail at start, not share the port
    (with SO_REUSEPORT the kernel splits connections between the two stores)."""
    first = make_server(name="first")
    port = first.port
    proc = subprocess.Popen([str(BIN), "--port", str(port), "--db", str(tmp_path / "second.db"), "--quiet", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=sanitizer_env(dict(os.environ)))
    try:
        deadline = time.monotonic() + 10
        while proc.poll() is None and tcp_listeners(port) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        shared = proc.poll() is None and tcp_listeners(port) >= 2
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
    assert not shared, f"a second server started listening on busy port {port} (SO_REUSEPORT)"
    assert proc.returncode != 0


def test_env_seed_threads_and_admin_key(make_server):
    from conftest import DEMO, FIXTURES
    srv = make_server(env={"VISIONSTACK_SEED": str(FIXTURES), "VISIONSTACK_THREADS": "2",
                           "VISIONSTACK_ADMIN_KEY": "envkey"})
    auth = {"Authorization": "Bearer envkey"}
    assert srv.get("/_emulator/workspaces").status_code == 401
    r = srv.get(f"/_emulator/workspaces/{DEMO['id']}", headers=auth)
    assert r.status_code == 200 and r.json()["keys"] == DEMO["keys"]


def test_env_bind(make_server):
    if "127.0.0.2" not in other_local_addresses():
        pytest.skip("127.0.0.2 not usable")
    srv = make_server(env={"VISIONSTACK_BIND": "127.0.0.1"})  # explicit default, via env
    assert connect_refused("127.0.0.2", srv.port)


@pytest.mark.parametrize("threads", ["1", "16"])
def test_threads_flag_serves_concurrent_requests(make_server, threads):
    import concurrent.futures
    srv = make_server(args=["--threads", threads])
    url = srv.url("/_emulator/workspaces")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda i: requests.post(url, json={"name": f"w{i}"}, timeout=30).status_code,
                              range(32)))
    assert codes == [201] * 32
    assert len(srv.workspace_ids()) == 32
