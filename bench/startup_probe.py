#!/usr/bin/python3
"""startup_probe.py — time from spawning visionstack to its first 200 on /_emulator/health.

Each run: pick a free loopback port, start the binary on a new, empty store, then poll
GET /_emulator/health over a raw socket (no HTTP library, no per-poll process) every
--interval-ms until the first "HTTP/1.x 200". The clock starts immediately before the
fork/exec and stops when the 200 status line has been read, so the figure includes exec,
dynamic linking, opening and migrating the store, starting the worker and the listener.
Resolution is about the poll interval (default 1 ms) plus one loopback round trip.

After the 200 the server gets SIGTERM; the time to a clean exit (status 0) is reported
too, and a nonzero exit fails the run.

    /usr/bin/python3 bench/startup_probe.py --store memory --runs 10
    /usr/bin/python3 bench/startup_probe.py --store file   --runs 10
    /usr/bin/python3 bench/startup_probe.py --store file --seed fixtures --runs 10

The last line is machine-readable for bench/run_all.sh:
    RESULT<TAB>name<TAB>median<TAB>min<TAB>max<TAB>unit
Standard library only: runs on Debian's /usr/bin/python3.
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUEST = b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def probe(port):
    """One health request. Returns the status code, or None when not listening yet."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2.0)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(REQUEST)
        head = b""
        while b"\r\n" not in head:
            chunk = s.recv(256)
            if not chunk:
                break
            head += chunk
        parts = head.split(b" ", 2)
        if len(parts) >= 2 and parts[0].startswith(b"HTTP/1."):
            return int(parts[1])
        return None
    except (ConnectionRefusedError, ConnectionResetError, socket.timeout, OSError):
        return None
    finally:
        s.close()


def one_run(binary, store, seed, interval, timeout):
    tmp = tempfile.mkdtemp(prefix="vs-startup-")
    try:
        port = free_port()
        db = ":memory:" if store == "memory" else os.path.join(tmp, "vs.db")
        argv = [binary, "--port", str(port), "--db", db, "--quiet", "1"]
        if seed:
            argv += ["--seed", seed]
        env = {k: v for k, v in os.environ.items() if not k.startswith("VISIONSTACK_")}
        # cwd=tmp: a :memory: store puts its (ephemeral) snapshot dir beside the cwd.
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        status = None
        polls = 0
        while True:
            status = probe(port)
            polls += 1
            if status == 200:
                break
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace")
                raise RuntimeError(f"server exited with {proc.returncode} before healthy:\n{err}")
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                raise RuntimeError(f"not healthy after {timeout}s (last status {status})")
            time.sleep(interval)
        ready_ms = (time.perf_counter() - t0) * 1000.0
        t1 = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise RuntimeError("no exit within 30 s of SIGTERM")
        stop_ms = (time.perf_counter() - t1) * 1000.0
        if proc.returncode != 0:
            raise RuntimeError(f"exit status {proc.returncode} after SIGTERM:\n{err.decode(errors='replace')}")
        return ready_ms, stop_ms, polls
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.environ.get("VISIONSTACK_BIN", os.path.join(ROOT, "build", "visionstack")))
    ap.add_argument("--store", choices=["memory", "file"], default="memory",
                    help="memory = --db :memory:; file = a fresh db file in a new temp dir per run")
    ap.add_argument("--seed", default="", help="fixtures dir to pass as --seed (default: empty store)")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first (page cache, dynamic loader)")
    ap.add_argument("--interval-ms", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--name", default=None, help="label for the RESULT line")
    a = ap.parse_args()

    binary = os.path.abspath(a.bin)
    seed = os.path.abspath(a.seed) if a.seed else ""
    desc = ("--db :memory:" if a.store == "memory" else "fresh db file") + (f", --seed {a.seed}" if a.seed else "")
    name = a.name or f"startup to healthy ({desc})"
    for _ in range(a.warmup):
        one_run(binary, a.store, seed, a.interval_ms / 1000.0, a.timeout)
    ready, stop = [], []
    for i in range(a.runs):
        r, s, polls = one_run(binary, a.store, seed, a.interval_ms / 1000.0, a.timeout)
        ready.append(r)
        stop.append(s)
        print(f"run {i + 1:2d}: healthy after {r:7.2f} ms ({polls} polls), SIGTERM to exit 0 in {s:7.2f} ms")
    print(f"{name}: median {statistics.median(ready):.2f} ms, min {min(ready):.2f}, max {max(ready):.2f} "
          f"(n={len(ready)}); shutdown median {statistics.median(stop):.2f} ms")
    print(f"RESULT\t{name}\t{statistics.median(ready):.1f}\t{min(ready):.1f}\t{max(ready):.1f}\tms")
    print(f"RESULT\tSIGTERM to clean exit ({desc})\t{statistics.median(stop):.1f}"
          f"\t{min(stop):.1f}\t{max(stop):.1f}\tms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
