#!/usr/bin/env python3
"""Vi annotation import throughput: 1,000,000 phrase-grounding annotations.

What it measures, end to end as the vendor client drives it (spec §9): create an
import session, register the files, PUT them to the signed URLs, PATCH
FilesInserted, then poll every 50 ms until `Complete: Reached`. The clock runs
from the session create to the poll that sees Reached. Each line is in the
guide's own format: a caption plus --phrases grounded phrases with normalized
bboxes. Two counts are reported: `annotations_per_second` counts lines, as the
client's total_annotations does (the sum of statusCount); `api_annotations`
counts API Annotation objects (parts: the caption and each box), which is also
the number of core rows written.

Memory: peak RSS growth of the server process = VmHWM at the end minus VmRSS just
before the session starts (the dataset, its images and the server warm-up are
already paid for). The lines are split over --files files (default 20 × 50,000)
because the HTTP layer buffers one request body in memory; the import worker
itself streams every file from the store in 1 MiB chunks.

    /usr/bin/python3 bench/vi_import.py [--lines 1000000] [--files 20] [--phrases 1]
                                        [--caption "a cat on a mat"] [--bin build/visionstack]

`--caption ""` writes boxes only (one core row per box). Prints one JSON object and a
RESULT line; nothing fails on a slow number. bench/bulk_1m.py imports its functions
(ViServer, setup_dataset, make_files, run_import) to load its 1,000,000-annotation store.
"""
import argparse
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def _crc32c_table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


CRC32C_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    """CRC32C (Castagnoli), as the client sends it; pure Python, run before the clock starts."""
    c = 0xFFFFFFFF
    t = CRC32C_TABLE
    for b in data:
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def png(w, h) -> bytes:
    raw = b"".join(b"\0" + b"\x80\x40\x20" * w for _ in range(h))

    def chunk(kind, data):
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))

    ihdr = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class ViServer:
    """A visionstack process on a fresh store in a temp dir, with a Vi workspace."""

    def __init__(self, binary, quiet=True):
        self.work = Path(tempfile.mkdtemp(prefix="vi-bench-"))
        port = free_port()
        argv = [binary, "--port", str(port), "--db", str(self.work / "vs.db")] + (["--quiet", "1"] if quiet else [])
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=open(self.work / "stderr.log", "wb"))
        self.pid = self.proc.pid
        self.base = f"http://127.0.0.1:{port}"
        self.http = requests.Session()
        self.http.trust_env = False
        for _ in range(500):
            try:
                if self.http.get(self.base + "/_emulator/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.02)

    def workspace(self):
        ws = self.http.post(self.base + "/_emulator/workspaces", json={"name": "bench"}).json()
        key, org = ws["keys"]["vi"]["secretKey"], ws["keys"]["vi"]["organizationId"]
        self.org = org
        self.headers = {"Authorization": f"Bearer {key}", "Organization-Id": org, "Content-Type": "application/json"}
        return ws

    def stop(self):
        self.http.close()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        shutil.rmtree(self.work, ignore_errors=True)
        return rc


def setup_dataset(srv, images, name="bench"):
    """A phrase-grounding dataset with `images` small PNGs (64x48), uploaded the client's way.
    Returns (dataset URL, list of file stems)."""
    http, h = srv.http, srv.headers
    ds = http.post(f"{srv.base}/workspaces/{srv.org}/datasets", headers=h,
                   json={"name": name, "type": "phrase-grounding"}).json()
    d = f"{srv.base}/workspaces/{srv.org}/datasets/{ds['datasetId']}"
    data = png(64, 48)
    c = crc32c(data)
    files = [f"img{i:05d}.png" for i in range(images)]
    for start in range(0, images, 5000):  # a session takes at most 5,000 files
        assets = [{"filename": n, "mime": "image/png", "size": len(data),
                   "crc32c": c - (1 << 32) if c >= 1 << 31 else c, "customMetadata": None, "kind": "Image"}
                  for n in files[start:start + 5000]]
        s = http.post(f"{d}/assetSources/managed/datature/transient/assetIngestionSessions", headers=h,
                      json={"spec": {"assets": assets, "kind": "Upload", "failureMode": "FailAfterOne",
                                     "onAssetOverwritten": "RemoveLinkedResource"}}).json()
        for a in s["status"]["assets"]:
            http.put(a["upload"]["url"], data=data)
        sid = s["assetIngestionSessionId"]
        while True:
            s = http.get(f"{d}/assetSources/managed/datature/transient/assetIngestionSessions/{sid}",
                         headers=h).json()
            if s["status"]["conditions"][1]["status"] != "Waiting":
                break
            time.sleep(0.05)
    return d, [n[:-4] for n in files]


def make_files(stems, lines, files, phrases=1, caption="a cat on a mat"):
    """The JSONL files (name -> bytes), the guide's hand-written phrase-grounding format:
    `caption` plus `phrases` grounded phrases with normalized boxes per line; line i is
    for asset i % len(stems) (so with lines == len(stems), one line per image, as the
    format has it; with more lines, each image's annotations come in many lines)."""
    per = lines // files
    blobs = {}
    for f in range(files):
        out = []
        for i in range(f * per, (f + 1) * per if f < files - 1 else lines):
            out.append(json.dumps({"asset_id": stems[i % len(stems)], "caption": caption,
                                   "grounded_phrases": [{"phrase": ("cat", "mat")[k % 2],
                                                         "bbox": [((i + k) % 50) / 100, 0.25,
                                                                  ((i + k) % 50) / 100 + 0.4, 0.75]}
                                                        for k in range(phrases)]},
                                  separators=(",", ":")))
        blobs[f"part{f:03d}.jsonl"] = ("\n".join(out) + "\n").encode()
    return blobs


def run_import(srv, d, blobs):
    """Timed: session, files, PUTs, PATCH, poll every 50 ms until Complete. Returns a dict of
    timings, the final session and peak-RSS readings (KiB) around the upload."""
    http, h, pid = srv.http, srv.headers, srv.pid
    crcs = {n: base64.b64encode(crc32c(b).to_bytes(4, "big")).decode() for n, b in blobs.items()}
    rss_before = rss_kib(pid, "VmRSS")
    t0 = time.monotonic()
    now = int(time.time() * 1000)
    sess = http.post(f"{d}/annotationImportSessions", headers=h, json={
        "spec": {"uploadBefore": now + 3300000, "failurePolicies": {
            "onBadAnnotation": "RejectSession", "onBadFile": "RejectSession", "onOverwritten": "RejectSession"},
            "source": "UploadedIndividualFiles"}, "metadata": {"attributes": {}}}).json()
    sid = sess["annotationImportSessionId"]
    reg = http.post(f"{d}/annotationImportSessions/{sid}/files", headers=h, json={"files": {
        n: {"sizeBytes": len(b), "crc32c": crcs[n], "kind": "Unknown"} for n, b in blobs.items()}}).json()
    for n, b in blobs.items():
        r = http.put(reg["files"][n]["url"], data=b)
        assert r.status_code == 200, r.text
    t_uploaded = time.monotonic()
    hwm_uploaded = rss_kib(pid, "VmHWM")
    http.patch(f"{d}/annotationImportSessions/{sid}/status", headers=h, json={
        "status": {"conditions": [{"condition": "FilesInserted", "status": "Reached",
                                   "lastTransitionTime": int(time.time() * 1000)}]}})
    while True:
        s = http.get(f"{d}/annotationImportSessions/{sid}", headers=h).json()
        c = {x["condition"]: x["status"] for x in s["status"]["conditions"]}
        if c.get("Complete") in ("Reached", "FailedReach"):
            break
        time.sleep(0.05)
    t1 = time.monotonic()
    return {"session": s, "status": c.get("Complete"), "seconds": t1 - t0, "upload_seconds": t_uploaded - t0,
            "import_seconds": t1 - t_uploaded, "rss_before_kib": rss_before, "hwm_uploaded_kib": hwm_uploaded,
            "hwm_kib": rss_kib(pid, "VmHWM"), "rss_kib": rss_kib(pid, "VmRSS")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--images", type=int, default=100)
    ap.add_argument("--phrases", type=int, default=1, help="grounded phrases (boxes) per line")
    ap.add_argument("--caption", default="a cat on a mat", help='caption of every line ("" = boxes only)')
    ap.add_argument("--bin", default=os.environ.get("VISIONSTACK_BIN", str(ROOT / "build" / "visionstack")))
    args = ap.parse_args()

    srv = ViServer(args.bin)
    try:
        srv.workspace()
        d, stems = setup_dataset(srv, args.images)
        # the JSONL files, prepared before the clock starts
        blobs = make_files(stems, args.lines, args.files, args.phrases, args.caption)
        total_bytes = sum(len(b) for b in blobs.values())
        r = run_import(srv, d, blobs)
        total = sum(r["session"]["status"]["annotations"]["statusCount"].values())
        rows = args.lines * ((1 if args.caption else 0) + args.phrases)
        out = {
            "lines": args.lines, "files": args.files, "bytes": total_bytes, "status": r["status"],
            "api_annotations": rows,
            "imported": total, "seconds": round(r["seconds"], 3), "upload_seconds": round(r["upload_seconds"], 3),
            "import_seconds": round(r["import_seconds"], 3),
            "annotations_per_second": round(total / r["seconds"]),
            "api_annotations_per_second": round(rows / r["seconds"]),
            "rss_before_mib": round(r["rss_before_kib"] / 1024, 1), "peak_rss_mib": round(r["hwm_kib"] / 1024, 1),
            "peak_rss_growth_mib": round((r["hwm_kib"] - max(r["rss_before_kib"], 0)) / 1024, 1),
            "peak_rss_after_upload_mib": round(r["hwm_uploaded_kib"] / 1024, 1),
        }
        print(json.dumps(out, indent=2))
        print(f"RESULT\tvi import of {args.lines} lines x ({'caption + ' if args.caption else ''}{args.phrases} box)"
              f"\t{out['api_annotations_per_second']}\t{out['api_annotations_per_second']}"
              f"\t{out['api_annotations_per_second']}\tcore annotations/s (one run, {out['seconds']} s)")
    finally:
        srv.stop()


if __name__ == "__main__":
    sys.exit(main())
