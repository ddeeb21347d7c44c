#!/usr/bin/python3
"""snapshot_restore.py — time POST /_emulator/snapshots/{name}/restore on a store holding
100,000 annotations.

  1. start build/visionstack on a fresh db file in a temp dir; create a workspace through
     POST /_emulator/workspaces; stop it with SIGTERM (exit 0 expected);
  2. with the server stopped, bulk-insert straight into the db (foreign_keys=ON): one blob
     (a fixture PNG), one dataset, one asset, then N annotations (default 100,000) in
     a single transaction;
  3. restart on the same db; POST /_emulator/snapshots {"name": "bench"} (timed, once);
  4. RUNS times (default 5): dirty the store (create a workspace via the API, untimed),
     then time POST /_emulator/snapshots/bench/restore (client-side wall time of the
     HTTP call, which returns 204 after the restore is complete); after each restore
     check via a read-only sqlite3 connection that the N annotations are back and the
     extra workspace is gone.
  5. SIGTERM, exit 0 expected.

The last lines are machine-readable for bench/run_all.sh:
    RESULT<TAB>name<TAB>median<TAB>min<TAB>max<TAB>unit
Standard library only: runs on Debian's /usr/bin/python3.
"""
import argparse
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def crc32c(data):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    crc = 0xFFFFFFFF
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        raw = r.read()
        return r.status, (json.loads(raw) if raw else None)
    finally:
        conn.close()


class Server:
    def __init__(self, binary, db, cwd):
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("VISIONSTACK_")}
        self.log = open(os.path.join(cwd, "server.log"), "ab")
        self.proc = subprocess.Popen([binary, "--port", str(self.port), "--db", db, "--quiet", "1"],
                                     cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log)
        deadline = time.monotonic() + 30
        while True:
            try:
                if call(self.port, "GET", "/_emulator/health")[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("server did not become healthy; see server.log")
            time.sleep(0.005)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=60)
        self.log.close()
        if rc != 0:
            raise RuntimeError(f"server exited with status {rc}")


def bulk_insert(db, ws_id, n):
    img_path = os.path.join(ROOT, "fixtures", "images", "shapes-rect.png")
    data = open(img_path, "rb").read()
    sha = hashlib.sha256(data).hexdigest()
    now = int(time.time() * 1000)
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT OR IGNORE INTO blobs(sha256,size,crc32c,md5,bytes,created_at) VALUES (?,?,?,?,?,?)",
                    (sha, len(data), crc32c(data), hashlib.md5(data).hexdigest(), data, now))
        ds = str(uuid.uuid4())
        con.execute("INSERT INTO datasets(id,workspace_id,name,created_at,updated_at) VALUES (?,?,?,?,?)",
                    (ds, ws_id, "bench-100k", now, now))
        asset = str(uuid.uuid4())
        con.execute("INSERT INTO assets(id,workspace_id,dataset_id,filename,blob_sha256,mime,width,height,size,"
                    "created_at,updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (asset, ws_id, ds, "shapes-rect.png", sha, "image/png", 64, 64, len(data), now, now))
        labels = ["circle", "square", "triangle", "star"]
        rows = ((str(uuid.uuid4()), ws_id, ds, asset, "bbox", labels[i % 4],
                 json.dumps({"x": i % 50, "y": (i * 7) % 50, "w": 10 + i % 5, "h": 8 + i % 7}), now, now)
                for i in range(n))
        con.executemany("INSERT INTO annotations(id,workspace_id,dataset_id,asset_id,kind,label,geometry,"
                        "created_at,updated_at) VALUES (?,?,?,?,?,?,?,?,?)", rows)
        con.execute("COMMIT")
    finally:
        con.close()


def counts(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return (con.execute("SELECT count(*) FROM annotations").fetchone()[0],
                con.execute("SELECT count(*) FROM workspaces").fetchone()[0])
    finally:
        con.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.environ.get("VISIONSTACK_BIN", os.path.join(ROOT, "build", "visionstack")))
    ap.add_argument("--annotations", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (prints its path)")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    tmp = tempfile.mkdtemp(prefix="vs-snapbench-")
    db = os.path.join(tmp, "vs.db")
    try:
        srv = Server(binary, db, tmp)
        st, ws = call(srv.port, "POST", "/_emulator/workspaces", {"name": "bench"})
        if st != 201:
            raise RuntimeError(f"create workspace: {st} {ws}")
        srv.stop()

        t = time.perf_counter()
        bulk_insert(db, ws["id"], a.annotations)
        print(f"bulk insert of {a.annotations} annotations: {time.perf_counter() - t:.2f} s "
              f"(db {os.path.getsize(db) / 1e6:.1f} MB)")

        srv = Server(binary, db, tmp)
        n_ann, n_ws = counts(db)
        assert n_ann == a.annotations, n_ann
        t = time.perf_counter()
        st, snap = call(srv.port, "POST", "/_emulator/snapshots", {"name": "bench"})
        save_ms = (time.perf_counter() - t) * 1000
        if st != 201:
            raise RuntimeError(f"snapshot: {st} {snap}")
        print(f"snapshot save: {save_ms:.1f} ms ({snap['bytes'] / 1e6:.1f} MB)")

        times = []
        for i in range(a.runs):
            st, _ = call(srv.port, "POST", "/_emulator/workspaces", {"name": f"dirt-{i}"})
            if st != 201:
                raise RuntimeError(f"dirty: {st}")
            t = time.perf_counter()
            st, body = call(srv.port, "POST", "/_emulator/snapshots/bench/restore")
            ms = (time.perf_counter() - t) * 1000
            if st != 204:
                raise RuntimeError(f"restore: {st} {body}")
            got = counts(db)
            if got != (n_ann, n_ws):
                raise RuntimeError(f"after restore: annotations, workspaces = {got}, want {(n_ann, n_ws)}")
            times.append(ms)
            print(f"restore {i + 1}: {ms:8.1f} ms  (verified {got[0]} annotations, {got[1]} workspace(s))")
        srv.stop()

        med = statistics.median(times)
        print(f"restore of a {snap['bytes'] / 1e6:.1f} MB snapshot ({a.annotations} annotations): "
              f"median {med:.1f} ms, min {min(times):.1f}, max {max(times):.1f} (n={len(times)})")
        print(f"RESULT\tsnapshot restore ({a.annotations} annotations, {snap['bytes'] / 1e6:.1f} MB)"
              f"\t{med:.1f}\t{min(times):.1f}\t{max(times):.1f}\tms")
        print(f"RESULT\tsnapshot save ({a.annotations} annotations, single run)\t{save_ms:.1f}\t{save_ms:.1f}"
              f"\t{save_ms:.1f}\tms")
    finally:
        if a.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
