#!/usr/bin/env python3
"""Ximilar VLM sample listing: 10,000 samples read page by page.

Goal (issue 4): listing 10,000 samples page by page stays under 5 ms per page.

Setup (not timed): a fresh store file; through the API, one workspace, one
dataset with the reference's two variables (grade: float with bounds and step,
explain: string), 50 training images. Then, with the server stopped, 10,000
samples are written straight into the store with Python's sqlite3 (foreign keys
on), each with one of the images and a value for both variables — what the API
would have written, minus 40,000 HTTP round trips. The server is started again
and warmed up with one pass.

Timed: the client's paging loop over GET /vlm/v2/sample/?dataset=<id> (and
once without the filter), following `next` until it is null, one keep-alive
connection, as the vendor's SDK does. Each page is timed from request to the
parsed JSON body (so the figure includes HTTP and JSON decoding in Python);
the server's own time per page comes from its access log (request start to
response queued).
Every item is a full sample entity (counts, images with absolute URLs,
variable_values, dataset_variables_config). Reported: median, p95 and max per
page, for page_size 20 (the default) and 100.

    /usr/bin/python3 bench/ximilar_samples.py [--samples 10000] [--bin build/visionstack] [--passes 3]

Prints RESULT lines for run_all.sh and one JSON object; nothing fails on a slow
number.
"""
import argparse
import base64
import io
import json
import os
import random
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def image(seed):
    from PIL import Image
    rnd = random.Random(seed)
    small = Image.new("RGB", (8, 6))
    small.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)) for _ in range(48)])
    buf = io.BytesIO()
    small.resize((160, 120), Image.BICUBIC).save(buf, "PNG")
    return buf.getvalue()


class Srv:
    def __init__(self, binary, db):
        self.binary, self.db, self.proc, self.port = binary, db, None, None
        self.log = Path(str(db) + ".access.log")

    def start(self):
        self.port = free_port()
        # Access lines (with the server's own duration per request) go to the log.
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([self.binary, "--port", str(self.port), "--db", str(self.db)],
                                         stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://localhost:{self.port}/_emulator/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.02)
        raise SystemExit("server did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(20) == 0


def setup(srv, samples):
    base = f"http://localhost:{srv.port}/"
    ws = requests.post(base + "_emulator/workspaces", json={"name": "bench"}).json()
    h = {"Authorization": "Token " + ws["keys"]["ximilar"], "Content-Type": "application/json"}
    s = requests.Session()

    def post(path, body):
        r = s.post(base + path, data=json.dumps(body), headers=h)
        assert r.status_code == 201, r.text
        return r.json()

    tpl = post("vlm/v2/prompt", {"name": "t", "type": "template", "format": "json",
                                 "content": '{"grade": {{grade}}, "explain": "{{explain}}"}'})
    ds = post("vlm/v2/dataset", {"name": "bench", "result_template_id": tpl["id"],
                                 "default_input_meta_data": {"category": "jacket"}})
    grade = post("vlm/v2/variable", {"dataset": ds["id"], "name": "grade", "type": "float", "required": True,
                                     "min_value": 0.0, "max_value": 10.0, "step_size": 0.5})
    explain = post("vlm/v2/variable", {"dataset": ds["id"], "name": "explain", "type": "string"})
    imgs = [post("recognition/v2/training-image", {"base64": base64.b64encode(image(i)).decode()})["id"]
            for i in range(50)]
    return ws, h, ds, grade, explain, imgs


def bulk_insert(db, ws_id, ds_id, grade_id, explain_id, imgs, n):
    conn = sqlite3.connect(str(db))
    conn.execute("PRAGMA foreign_keys=ON")
    now = int(time.time() * 1000)
    with conn:
        for i in range(n):
            sid = str(uuid.uuid4())
            conn.execute("INSERT INTO xim_vlm_samples(id, workspace_id, dataset_id, name, input_meta_data,"
                         " created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
                         (sid, ws_id, ds_id, f"Sample {i}", '{"category":"jacket"}', now + i, now + i))
            conn.execute("INSERT INTO xim_vlm_sample_images(id, workspace_id, sample_id, image_id, ord, created_at)"
                         " VALUES (?,?,?,?,0,?)", (str(uuid.uuid4()), ws_id, sid, imgs[i % len(imgs)], now))
            conn.execute("INSERT INTO xim_vlm_values(workspace_id, sample_id, variable_id, value, updated_at)"
                         " VALUES (?,?,?,?,?)", (ws_id, sid, grade_id, str((i % 21) / 2), now))
            conn.execute("INSERT INTO xim_vlm_values(workspace_id, sample_id, variable_id, value, updated_at)"
                         " VALUES (?,?,?,?,?)", (ws_id, sid, explain_id, json.dumps(f"explain {i}"), now))
    conn.close()


ACCESS = re.compile(r" access \S+ GET /vlm/v2/sample/ 200 ximilar \S+ ([0-9.]+)ms")


def server_times(log, start):
    """Durations the server logged for sample pages, from byte offset start."""
    with open(log, "rb") as f:
        f.seek(start)
        return [float(m.group(1)) for m in ACCESS.finditer(f.read().decode(errors="replace"))]


def walk(port, headers, query):
    s = requests.Session()
    url = f"http://localhost:{port}/vlm/v2/sample/?{query}"
    times, total = [], 0
    while url:
        t0 = time.perf_counter()
        r = s.get(url, headers=headers)
        body = r.json()
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.text
        total += len(body["results"])
        url = body["next"]
    return times, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=10000)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--bin", default=os.environ.get("VISIONSTACK_BIN", str(ROOT / "build" / "visionstack")))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "vs.db"
        srv = Srv(a.bin, db).start()
        ws, h, ds, grade, explain, imgs = setup(srv, a.samples)
        srv.stop()
        bulk_insert(db, ws["id"], ds["id"], grade["id"], explain["id"], imgs, a.samples)
        srv.start()
        results = {}
        try:
            walk(srv.port, h, f"dataset={ds['id']}")  # warm-up
            for label, query in (("page_size=20, dataset filter", f"dataset={ds['id']}"),
                                 ("page_size=20, no filter", ""),
                                 ("page_size=100, dataset filter", f"dataset={ds['id']}&page_size=100")):
                all_times = []
                mark = srv.log.stat().st_size
                for _ in range(a.passes):
                    times, total = walk(srv.port, h, query)
                    assert total == a.samples, total
                    all_times += times
                time.sleep(0.2)  # let the last access lines reach the log
                served = sorted(server_times(srv.log, mark))
                all_times.sort()
                r = results[label] = {
                    "pages": len(all_times) // a.passes,
                    "client_median_ms": statistics.median(all_times), "client_min_ms": all_times[0],
                    "client_p95_ms": all_times[int(len(all_times) * 0.95)], "client_max_ms": all_times[-1],
                    "server_median_ms": statistics.median(served), "server_min_ms": served[0],
                    "server_p95_ms": served[int(len(served) * 0.95)], "server_max_ms": served[-1]}
                for side in ("server", "client"):
                    print(f"RESULT\tximilar samples list ({side}), {label} ({r['pages']} pages)"
                          f"\t{r[side + '_median_ms']:.2f}\t{r[side + '_min_ms']:.2f}\t{r[side + '_max_ms']:.2f}"
                          f"\tms/page (p95 {r[side + '_p95_ms']:.2f})")
        finally:
            srv.stop()
    print(json.dumps({"samples": a.samples, "results": results}, indent=2))


if __name__ == "__main__":
    main()
