#!/usr/bin/env python3
"""Labelbox NDJSON import throughput: 100,000 annotations in one MAL import.

What it measures, end to end as the vendor SDK drives it: the multipart
createMALPredictionImportByFile mutation carrying the NDJSON file, until the
import is FINISHED (the default mode answers when the durable job is done, so the
clock runs from sending the request to the reply; then the status file is
fetched and every line checked to be SUCCESS). Every line is fully validated:
data row in the project, feature in the ontology, bbox geometry inside the
640x480 image, a unique uuid — and stored as one core annotation per line (with
--nested each box also carries a nested radio classification: two core
annotations per line).

    /usr/bin/python3 bench/labelbox_import.py [--lines 100000] [--rows 100] [--nested] [--bin build/visionstack]

Prints one JSON object; nothing fails on a slow number (the goal is < 5 s).
"""
import argparse
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "api"))
from labelbox.lb_client import LB, ndjson, parse_ndjson, png_bytes  # noqa: E402


class Srv:
    def __init__(self, base):
        self.base = base

    def url(self, path):
        return self.base + path


def cpu_seconds(pid):
    """User + system CPU time of the server so far (a loaded machine inflates wall time, not this)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--rows", type=int, default=100)
    ap.add_argument("--nested", action="store_true",
                    help="give every box a nested radio classification (two core annotations per line)")
    ap.add_argument("--bin", default=os.environ.get("VISIONSTACK_BIN", str(ROOT / "build" / "visionstack")))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="lb-bench-")
    port = free_port()
    proc = subprocess.Popen([args.bin, "--port", str(port), "--db", os.path.join(tmp, "db.sqlite")],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "server.log"), "w"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(500):
            try:
                if requests.get(base + "/_emulator/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.02)
        ws = requests.post(base + "/_emulator/workspaces", json={"name": "bench"}).json()
        lb = LB(Srv(base), ws["keys"]["labelbox"])
        ds = lb.create_dataset("bench")
        img = lb.upload(png_bytes(640, 480), "img.png", "image/png")
        keys = [f"row-{i}" for i in range(args.rows)]
        lb.create_data_rows(ds["id"], [{"row_data": img, "global_key": k} for k in keys])
        ont = lb.create_ontology()
        project = lb.create_project()
        lb.connect_ontology(project["id"], ont["id"])
        lb.create_batch(project["id"], global_keys=keys)
        lines = [{"uuid": str(uuid.uuid4()), "name": "bbox_with_radio_subclass" if args.nested else "bounding_box",
                  "bbox": {"top": i % 400, "left": (i * 7) % 500, "height": 20.5, "width": 30.25},
                  "dataRow": {"globalKey": keys[i % args.rows]}} for i in range(args.lines)]
        if args.nested:
            for line in lines:
                line["classifications"] = [{"name": "sub_radio_question",
                                            "answer": {"name": "first_sub_radio_answer"}}]
        body = ndjson(lines)
        cpu0 = cpu_seconds(proc.pid)
        t0 = time.monotonic()
        imp = lb.import_file(project["id"], None, raw=body, name="bench")
        t1 = time.monotonic()
        cpu = cpu_seconds(proc.pid) - cpu0
        statuses = parse_ndjson(requests.get(imp["statusFileUrl"], timeout=120).text)
        ok = imp["state"] == "FINISHED" and len(statuses) == args.lines and all(
            s["status"] == "SUCCESS" for s in statuses)
        hwm = 0
        with open(f"/proc/{proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) // 1024
        print(json.dumps({"benchmark": "labelbox_import", "lines": args.lines, "rows": args.rows, "nested": args.nested,
                          "bytes": len(body), "seconds": round(t1 - t0, 3), "server_cpu_seconds": round(cpu, 3),
                          "lines_per_second": round(args.lines / (t1 - t0)), "all_success": ok,
                          "peak_rss_mib": hwm, "goal_seconds": 5, "met": ok and t1 - t0 < 5}))
        rate = args.lines / (t1 - t0)
        print(f"RESULT\tlabelbox NDJSON import of {args.lines} annotations ({t1 - t0:.2f} s, goal < 5 s: "
              f"{'met' if ok and t1 - t0 < 5 else 'NOT met'})\t{rate:.0f}\t{rate:.0f}\t{rate:.0f}\tannotations/s")
        with open(os.path.join(tmp, "server.log")) as f:
            for line in f:
                if "[labelbox]" in line:
                    print("server:", line.strip())
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
