#!/usr/bin/python3
"""Pictograph point prompts on a 1024x768 photograph, end to end over HTTP.

    /usr/bin/python3 bench/pictograph_point.py [--clicks 49] [--images 25]

Method: starts $VISIONSTACK_BIN (default build/visionstack) on a free port with a
temporary file store, creates a workspace and a dataset, and uploads a 1024x768
JPEG photograph (fixtures/images/astronaut.jpg, resized with Lanczos, quality 90)
through the 3-step upload.

* cold: --images distinct copies of the photo (one pixel changed per copy, so each
  is a different blob and nothing is cached), one point prompt each at a different
  grid position. Each timing covers the whole request: JPEG decode, colour analysis,
  segmentation, opening the image session, the credit charge and the reply.
* cached: --clicks point prompts on one image whose session is open, at the
  positions of a 7x7 grid over the image (the decoded, analysed image is reused;
  segmentation, charge and reply remain).

Timings are client-side wall clock (time.perf_counter around one HTTP request on a
kept-alive connection, so they include the loopback round trip and the Python
client); the server's own figure for the same requests (the access log's duration,
from the first request callback to the handler's return) is printed beside them.
Each prompt gets its own Idempotency-Key. Prints one
"RESULT<TAB>name<TAB>median<TAB>min<TAB>max<TAB>unit" line per series, like the other
benchmarks. bench/prompts.py reuses PgServer (server, workspace, credits, dataset,
3-step upload, access-log durations) for point/box/text on the fixture photos.
"""
import argparse
import io
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
BIN = os.environ.get("VISIONSTACK_BIN", str(ROOT / "build" / "visionstack"))
A = "/api/v1/developer"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def photo_variants(n):
    base = Image.open(ROOT / "fixtures" / "images" / "astronaut.jpg").convert("RGB").resize((1024, 768),
                                                                                          Image.LANCZOS)
    out = []
    for i in range(n):
        img = base.copy()
        img.putpixel((i % 1024, 0), (i % 256, 255 - i % 256, 7))
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=90)
        out.append(buf.getvalue())
    return out


class PgServer:
    """A visionstack on a temporary file store (access log kept, for the server-side
    durations), a workspace with ample credits and a Pictograph dataset "bench"."""

    def __init__(self, binary=BIN):
        self.work = tempfile.mkdtemp(prefix="pg-bench-")
        port = free_port()
        self.log_path = os.path.join(self.work, "stderr.log")
        self.proc = subprocess.Popen([binary, "--port", str(port), "--db", os.path.join(self.work, "vs.db")],
                                     stdout=subprocess.DEVNULL, stderr=open(self.log_path, "w"))
        self.base = f"http://127.0.0.1:{port}"
        self.http = requests.Session()
        self.http.trust_env = False
        for _ in range(500):
            try:
                if self.http.get(self.base + "/_emulator/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.01)
        self.ws = self.http.post(self.base + "/_emulator/workspaces", json={"name": "bench"}).json()
        self.key = self.ws["keys"]["pictograph"]
        self.http.put(self.base + f"/_emulator/workspaces/{self.ws['id']}/credits", json={"micro_usd": 10**12})
        self.post("/datasets/", {"name": "bench"})

    def post(self, path, body):
        return self.http.post(self.base + A + path, json=body,
                              headers={"X-API-Key": self.key, "Idempotency-Key": uuid.uuid4().hex})

    def upload(self, name, data, content_type="image/jpeg"):
        """The 3-step upload: signed URL, PUT, register."""
        u = self.post("/images/upload-url", {"dataset": "bench", "filename": name, "directory_path": "/",
                                             "content_type": content_type}).json()["data"]["upload_url"]
        self.http.put(u, data=data, headers={"Content-Type": content_type})
        r = self.post("/images/register", {"dataset": "bench", "filename": name, "directory_path": "/",
                                           "file_size": len(data), "content_type": content_type})
        assert r.status_code == 201, r.text

    def server_ms(self, method_path):
        """The access log's durations (ms) of every 200 answer to `METHOD /path`, in order."""
        time.sleep(0.2)  # let the last access lines reach the log
        pat = re.escape(method_path) + r" 200 \S+ \S+ ([0-9.]+)ms"
        return [float(m.group(1)) for m in re.finditer(pat, open(self.log_path).read())]

    def stop(self):
        self.http.close()
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clicks", type=int, default=49)
    ap.add_argument("--images", type=int, default=25)
    args = ap.parse_args()
    pg = PgServer()
    rc = 1
    try:
        photos = photo_variants(args.images + 1)
        for i, data in enumerate(photos):
            pg.upload(f"photo-{i}.jpg", data)
        grid = [(1024 * (gx + 1) // 8, 768 * (gy + 1) // 8) for gy in range(7) for gx in range(7)]

        def prompt(image, x, y):
            body = {"dataset_name": "bench", "image_filename": image, "x": x, "y": y, "score_threshold": 0.0}
            t0 = time.perf_counter()
            r = pg.post("/auto-annotate/sam3/point", body)
            dt = (time.perf_counter() - t0) * 1000
            assert r.status_code == 200 and r.json()["status"] in ("success", "no_detection"), r.text
            return dt

        cold = [prompt(f"photo-{i + 1}.jpg", *grid[(i * 3) % len(grid)]) for i in range(args.images)]
        prompt("photo-0.jpg", 512, 384)  # opens the session and fills the cache
        cached = [prompt("photo-0.jpg", *grid[i % len(grid)]) for i in range(args.clicks)]
        server_ms = pg.server_ms("POST /api/v1/developer/auto-annotate/sam3/point")
        server_cold = server_ms[:args.images]
        server_cached = server_ms[args.images + 1:]
        for name, xs, srv in (("pictograph point, cold (decode+analyse+segment)", cold, server_cold),
                              ("pictograph point, cached session", cached, server_cached)):
            print(f"{name}: n={len(xs)} median {statistics.median(xs):.2f} ms, min {min(xs):.2f}, "
                  f"max {max(xs):.2f}, p90 {sorted(xs)[int(len(xs) * 0.9)]:.2f}; "
                  f"server-side median {statistics.median(srv):.2f} ms")
            print(f"RESULT\t{name}\t{statistics.median(xs):.2f}\t{min(xs):.2f}\t{max(xs):.2f}\tms")
    finally:
        rc = pg.stop()
    return 1 if rc else 0


if __name__ == "__main__":
    sys.exit(main())
