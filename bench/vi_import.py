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

    /usr/bin/python3 bench/vi_import.py [--lines 1000000] [--files 20] [--bin build/visionstack]

Prints one JSON object; nothing fails on a slow number.
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--images", type=int, default=100)
    ap.add_argument("--phrases", type=int, default=1, help="grounded phrases (boxes) per line")
    ap.add_argument("--bin", default=os.environ.get("VISIONSTACK_BIN", str(ROOT / "build" / "visionstack")))
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="vi-bench-"))
    port = free_port()
    proc = subprocess.Popen([args.bin, "--port", str(port), "--db", str(work / "vs.db"), "--quiet", "1"],
                            stdout=subprocess.DEVNULL, stderr=open(work / "stderr.log", "wb"))
    base = f"http://127.0.0.1:{port}"
    http = requests.Session()
    http.trust_env = False
    try:
        for _ in range(500):
            try:
                if http.get(base + "/_emulator/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.02)
        ws = http.post(base + "/_emulator/workspaces", json={"name": "bench"}).json()
        key, org = ws["keys"]["vi"]["secretKey"], ws["keys"]["vi"]["organizationId"]
        h = {"Authorization": f"Bearer {key}", "Organization-Id": org, "Content-Type": "application/json"}
        ds = http.post(f"{base}/workspaces/{org}/datasets", headers=h,
                       json={"name": "bench", "type": "phrase-grounding"}).json()
        d = f"{base}/workspaces/{org}/datasets/{ds['datasetId']}"

        # images: --images small PNGs
        files = {f"img{i:05d}.png": png(64, 48) for i in range(args.images)}
        assets = []
        for n, b in files.items():
            c = crc32c(b)
            assets.append({"filename": n, "mime": "image/png", "size": len(b),
                           "crc32c": c - (1 << 32) if c >= 1 << 31 else c, "customMetadata": None, "kind": "Image"})
        s = http.post(f"{d}/assetSources/managed/datature/transient/assetIngestionSessions", headers=h,
                      json={"spec": {"assets": assets, "kind": "Upload", "failureMode": "FailAfterOne",
                                     "onAssetOverwritten": "RemoveLinkedResource"}}).json()
        for a in s["status"]["assets"]:
            http.put(a["upload"]["url"], data=files[a["metadata"]["filename"]])
        sid = s["assetIngestionSessionId"]
        while True:
            s = http.get(f"{d}/assetSources/managed/datature/transient/assetIngestionSessions/{sid}", headers=h).json()
            if s["status"]["conditions"][1]["status"] != "Waiting":
                break
            time.sleep(0.05)

        # the JSONL files, prepared before the clock starts
        stems = [n[:-4] for n in files]
        per = args.lines // args.files
        blobs = {}
        for f in range(args.files):
            lines = []
            for i in range(f * per, (f + 1) * per if f < args.files - 1 else args.lines):
                x = (i % 50) / 100
                lines.append(json.dumps({"asset_id": stems[i % len(stems)], "caption": "a cat on a mat",
                                         "grounded_phrases": [{"phrase": ("cat", "mat")[k % 2],
                                                               "bbox": [x, 0.25, x + 0.4, 0.75]}
                                                              for k in range(args.phrases)]},
                                        separators=(",", ":")))
            blobs[f"part{f:03d}.jsonl"] = ("\n".join(lines) + "\n").encode()
        crcs = {n: base64.b64encode(crc32c(b).to_bytes(4, "big")).decode() for n, b in blobs.items()}
        total_bytes = sum(len(b) for b in blobs.values())

        pid = proc.pid
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
        hwm = rss_kib(pid, "VmHWM")
        total = sum(s["status"]["annotations"]["statusCount"].values())
        out = {
            "lines": args.lines, "files": args.files, "bytes": total_bytes, "status": c.get("Complete"),
            "api_annotations": args.lines * (1 + args.phrases),
            "imported": total, "seconds": round(t1 - t0, 3), "upload_seconds": round(t_uploaded - t0, 3),
            "import_seconds": round(t1 - t_uploaded, 3),
            "annotations_per_second": round(total / (t1 - t0)),
            "api_annotations_per_second": round(args.lines * (1 + args.phrases) / (t1 - t0)),
            "rss_before_mib": round(rss_before / 1024, 1), "peak_rss_mib": round(hwm / 1024, 1),
            "peak_rss_growth_mib": round((hwm - max(rss_before, 0)) / 1024, 1),
            "peak_rss_after_upload_mib": round(hwm_uploaded / 1024, 1),
        }
        print(json.dumps(out, indent=2))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
