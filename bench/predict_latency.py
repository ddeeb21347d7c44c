#!/usr/bin/python3
"""Phrase-grounding prediction latency on a 1024x768 image, end to end over HTTP.

    /usr/bin/python3 bench/predict_latency.py [--runs 50]

Method: starts $VISIONSTACK_BIN (default build/visionstack) on a free port with a
temporary file store and creates a workspace. Each timed request is one
POST /v1/chat/completions with the image as a base64 data URL, the prompt
"Describe and locate all visible objects in this image." and the vendor client's
phrase-grounding response_format, on a kept-alive connection.

Series (--runs requests each, after 3 untimed warm-up requests):
* base_photo: fixtures/images/astronaut.jpg resized to 1024x768 (Lanczos, JPEG
  quality 90) on the built-in visionstack-base model: base64 decode, JPEG decode,
  the 256-pixel working copy, perceptual signature, segmentation, reply.
* base_shapes: a 1024x768 JPEG of flat shapes on white (quality 90), same path.
* trained_match: the photo on a Vi run trained on a dataset holding it (the
  signature matches, the answer comes from the memorised annotation; no
  segmentation).

Timings are client-side wall clock (time.perf_counter around one request,
including the loopback round trip and the Python client). Prints one
"RESULT<TAB>name<TAB>median<TAB>min<TAB>max<TAB>unit" line per series and the p95
beside it, like the other benchmarks. Goal (issue 7): median <= 30 ms.
"""
import argparse
import base64
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
BIN = os.environ.get("VISIONSTACK_BIN", str(ROOT / "build" / "visionstack"))
PROMPT = "Describe and locate all visible objects in this image."
PG_FORMAT = {"type": "json_schema", "json_schema": {"name": "PhraseGroundingResponse", "schema": {
    "type": "object", "properties": {"phrase_grounding": {"type": "object"}}, "required": ["phrase_grounding"]}}}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jpeg(im):
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def photo():
    im = Image.open(ROOT / "fixtures" / "images" / "astronaut.jpg").convert("RGB")
    return jpeg(im.resize((1024, 768), Image.LANCZOS))


def shapes():
    im = Image.new("RGB", (1024, 768), (255, 255, 255))
    d = ImageDraw.Draw(im)
    d.ellipse((100, 100, 400, 400), fill=(200, 30, 30))
    d.rectangle((600, 100, 900, 400), fill=(30, 60, 200))
    d.polygon([(450, 720), (600, 480), (750, 720)], fill=(40, 170, 60))
    return jpeg(im)


def body(model, image):
    url = "data:image/jpeg;base64," + base64.b64encode(image).decode()
    return {"model": model, "response_format": PG_FORMAT, "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": url}}, {"type": "text", "text": PROMPT}]}]}


def series(http, base, name, model, image, runs):
    payload = body(model, image)
    for _ in range(3):
        r = http.post(base + "/v1/chat/completions", json=payload, timeout=60)
        assert r.status_code == 200, r.text
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = http.post(base + "/v1/chat/completions", json=payload, timeout=60)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.text
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(f"RESULT\tpredict_pg_{name}\t{statistics.median(times):.2f}\t{times[0]:.2f}\t{times[-1]:.2f}\tms"
          f"\t(p95 {p95:.2f} ms, {runs} runs)")
    return r.json()["choices"][0]["message"]["content"]


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


def wait(http, url, headers, done):
    for _ in range(1200):
        s = http.get(url, headers=headers).json()
        if done(s):
            return s
        time.sleep(0.05)
    raise AssertionError(f"no terminal state: {url}")


def train(http, base, ws, image):
    """A phrase-grounding dataset holding the photo with one annotated line, and
    a run trained on it (the vendor client's upload flows, spec vi.md §9, §10)."""
    vi = {"Authorization": "Bearer " + ws["keys"]["vi"]["secretKey"],
          "Organization-Id": ws["keys"]["vi"]["organizationId"]}
    org = ws["keys"]["vi"]["organizationId"]
    ds = http.post(f"{base}/workspaces/{org}/datasets", json={"name": "bench", "type": "phrase-grounding"},
                   headers=vi).json()
    d = f"{base}/workspaces/{org}/datasets/{ds['datasetId']}"
    crc = crc32c(image)
    sess = http.post(f"{d}/assetSources/managed/datature/transient/assetIngestionSessions", headers=vi, json={
        "spec": {"assets": [{"filename": "photo.jpg", "mime": "image/jpeg", "size": len(image),
                             "crc32c": crc - (1 << 32) if crc >= 1 << 31 else crc, "customMetadata": None,
                             "kind": "Image"}], "kind": "Upload", "failureMode": "FailAfterOne",
                 "onAssetOverwritten": "RemoveLinkedResource"}}).json()
    up = sess["status"]["assets"][0]["upload"]
    assert requests.put(up["url"], data=image, headers=up["headers"], timeout=60).status_code // 100 == 2
    wait(http, f"{d}/assetSources/managed/datature/transient/assetIngestionSessions/{sess['assetIngestionSessionId']}",
         vi, lambda s: [c for c in s["status"]["conditions"] if c["condition"] == "Finished"][0]["status"] != "Waiting")
    line = (b'{"asset_id": "photo.jpg", "caption": "an astronaut holding a helmet", "grounded_phrases": ['
            b'{"phrase": "astronaut", "bbox": [0.1, 0.05, 0.9, 1.0]}, {"phrase": "helmet", "bbox": [0.5, 0.5, 0.8, 0.9]}]}\n')
    imp = http.post(f"{d}/annotationImportSessions", headers=vi, json={
        "spec": {"uploadBefore": int(time.time() * 1000) + 3300000, "source": "UploadedIndividualFiles",
                 "failurePolicies": {"onBadAnnotation": "RejectSession", "onBadFile": "RejectSession",
                                     "onOverwritten": "RejectSession"}}, "metadata": {"attributes": {}}}).json()
    sid = imp["annotationImportSessionId"]
    files = http.post(f"{d}/annotationImportSessions/{sid}/files", headers=vi, json={"files": {"a.jsonl": {
        "sizeBytes": len(line), "crc32c": base64.b64encode(crc32c(line).to_bytes(4, "big")).decode(),
        "kind": "Unknown"}}}).json()["files"]["a.jsonl"]
    assert requests.request(files["method"], files["url"], data=line, headers=files["headers"],
                            timeout=60).status_code // 100 == 2
    http.patch(f"{d}/annotationImportSessions/{sid}/status", headers=vi, json={"status": {"conditions": [
        {"condition": "FilesInserted", "status": "Reached", "lastTransitionTime": int(time.time() * 1000)}]}})
    s = wait(http, f"{d}/annotationImportSessions/{sid}", vi,
             lambda s: any(c["condition"] == "Complete" and c["status"] != "Waiting" for c in s["status"]["conditions"]))
    assert all(c["status"] == "Reached" for c in s["status"]["conditions"]), s
    run = http.post(f"{base}/workspaces/{org}/runs", headers=vi, json={"spec": {"trainingProject": ds["datasetId"]}})
    assert run.status_code == 201, run.text
    rid = run.json()["runId"]
    r = wait(http, f"{base}/workspaces/{org}/runs/{rid}", vi,
             lambda r: r["status"]["conditions"][1]["status"] != "Waiting")
    assert r["status"]["conditions"][1]["status"] == "Reached", r
    return rid


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="vs-bench-predict-")
    proc = subprocess.Popen([BIN, "--port", str(port), "--db", os.path.join(tmp, "vs.db"), "--quiet", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    http = requests.Session()
    http.trust_env = False
    try:
        for _ in range(500):
            try:
                if http.get(base + "/_emulator/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.02)
        ws = http.post(base + "/_emulator/workspaces", json={"name": "bench"}).json()
        pic = photo()
        print(f"image: 1024x768 JPEG, photo {len(pic)} bytes; load {open('/proc/loadavg').read().split()[0]}")
        series(http, base, "base_photo", "visionstack-base", pic, args.runs)
        series(http, base, "base_shapes", "visionstack-base", shapes(), args.runs)
        rid = train(http, base, ws, pic)
        out = series(http, base, "trained_match", rid, pic, args.runs)
        assert "an astronaut holding a helmet" in out, out
    finally:
        http.close()
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(10)
    return rc


if __name__ == "__main__":
    sys.exit(main())
