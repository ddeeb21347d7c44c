#!/usr/bin/python3
"""bulk_1m.py — footprint and bulk operations on a store of 1,000,000 annotations.

One server, one fresh store file, in this order:

  1. idle RSS: the server is started (`--quiet 1`), answers /_emulator/health, then sits
     idle for 1 s; VmRSS is read from /proc (no workspace, no dataset yet).
  2. load: a workspace and a Vi phrase-grounding dataset with --images small PNGs (64x48,
     uploaded through the asset ingestion session), then --annotations annotations through
     the Vi annotation import, the fastest real API path (spec §9, driven as the vendor
     client drives it: session, files, PUT to the signed URLs, PATCH FilesInserted, poll
     every 50 ms until Complete). Lines are boxes only (`"caption": ""`, --boxes-per-line
     grounded phrases each), so the store holds exactly --annotations core annotation rows
     and the COCO file below holds exactly as many annotations. Default: 10,000 images ×
     one line of 100 boxes each — the format's own shape (one line per image). With
     `--images 100 --boxes-per-line 1` every image's boxes come in 10,000 lines spread over
     the files instead (rows of one image scattered through the table: the worst case for
     the export's per-image reads). bench/vi_import.py's functions do the work (reused,
     not copied).
  3. RSS after the load: VmRSS once the session is Complete and again after 2 s idle, and
     the peak (VmHWM) over the whole run so far.
  4. COCO export through Vi (spec §13.1): POST D/annotationExports {"spec":{"format":
     "Coco","options":{"normalized":false,"splitRatio":null}}}, poll GET every 20 ms until
     `Exported: Reached` with a downloadUrl ("archive ready"), then download the archive
     with one plain GET (HEAD first, as the client does). Checked: the ZIP holds
     dump/annotations.json with exactly --annotations annotations. Timed: create to ready,
     the download, and the sum. Run --exports times (a new export each time; median).
  5. snapshot of that store: POST /_emulator/snapshots (save, timed once per name, 3
     names), then POST /_emulator/snapshots/{name}/restore --restores times (median),
     each time after dirtying the store (an extra workspace), checking afterwards through
     a read-only sqlite3 connection that the annotations are all back.

Client-side wall time everywhere (Python, loopback). Prints a table and RESULT lines.

    /usr/bin/python3 bench/bulk_1m.py [--annotations 1000000] [--images 100] [--files 20]
                                      [--exports 3] [--restores 5] [--bin build/visionstack]
"""
import argparse
import io
import json
import os
import sqlite3
import statistics
import sys
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vi_import  # noqa: E402  (bench/vi_import.py: ViServer, setup_dataset, make_files, run_import)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def mib(kib):
    return kib / 1024


def cpu_seconds(pid):
    """User + system CPU of the server so far (other load inflates wall time, not this)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def coco_export(srv, d, expected):
    http, h = srv.http, srv.headers
    cpu0 = cpu_seconds(srv.pid)
    t0 = time.monotonic()
    r = http.post(f"{d}/annotationExports", headers=h,
                  json={"spec": {"format": "Coco", "options": {"normalized": False, "splitRatio": None}}})
    assert r.status_code == 200, r.text
    eid = r.json()["datasetExportId"]
    while True:
        e = http.get(f"{d}/annotationExports/{eid}", headers=h).json()
        cond = {c["condition"]: c["status"] for c in e["status"]["conditions"]}
        if cond.get("Exported") == "FailedReach":
            raise RuntimeError(f"export failed: {e}")
        if cond.get("Exported") == "Reached" and e["status"].get("downloadUrl"):
            break
        time.sleep(0.02)
    t_ready = time.monotonic()
    cpu_ready = cpu_seconds(srv.pid) - cpu0
    url = e["status"]["downloadUrl"]["url"]
    head = http.head(url)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) > 0, head.status_code
    body = http.get(url).content
    t_done = time.monotonic()
    assert len(body) == int(head.headers["Content-Length"])
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        names = z.namelist()
        coco = json.loads(z.read("dump/annotations.json"))
    got = len(coco["annotations"])
    if got != expected:
        raise RuntimeError(f"COCO file holds {got} annotations, want {expected} ({names})")
    return {"ready": t_ready - t0, "download": t_done - t_ready, "total": t_done - t0, "bytes": len(body),
            "cpu_ready": cpu_ready,
            "json_bytes": len(json.dumps(coco)), "images": len(coco["images"])}


def counts(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return (con.execute("SELECT count(*) FROM annotations").fetchone()[0],
                con.execute("SELECT count(*) FROM workspaces").fetchone()[0])
    finally:
        con.close()


def fmt_s(xs):
    return f"{statistics.median(xs):.3f} s (min {min(xs):.3f}, max {max(xs):.3f}, n={len(xs)})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.environ.get("VISIONSTACK_BIN", os.path.join(ROOT, "build", "visionstack")))
    ap.add_argument("--annotations", type=int, default=1_000_000)
    ap.add_argument("--images", type=int, default=10_000)
    ap.add_argument("--boxes-per-line", type=int, default=100,
                    help="grounded phrases per JSONL line; lines = annotations / this, line i for image i %% images")
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--exports", type=int, default=3)
    ap.add_argument("--restores", type=int, default=5)
    a = ap.parse_args()
    srv = vi_import.ViServer(os.path.abspath(a.bin))
    results = []
    try:
        time.sleep(1.0)
        idle = vi_import.rss_kib(srv.pid, "VmRSS")
        results.append(("idle RSS (started, healthy, empty store)", f"{mib(idle):.1f} MiB", "< 20 MiB",
                        mib(idle) < 20))
        print(f"idle RSS: {mib(idle):.1f} MiB", flush=True)

        srv.workspace()
        d, stems = vi_import.setup_dataset(srv, a.images)
        lines = a.annotations // a.boxes_per_line
        blobs = vi_import.make_files(stems, lines, a.files, phrases=a.boxes_per_line, caption="")
        imp = vi_import.run_import(srv, d, blobs)
        total = sum(imp["session"]["status"]["annotations"]["statusCount"].values())
        if imp["status"] != "Reached" or total != lines:
            raise RuntimeError(f"import: {imp['status']}, {total} annotations")
        db = str(srv.work / "vs.db")
        n_ann, n_ws = counts(db)
        assert n_ann == a.annotations, n_ann
        rate = a.annotations / imp["seconds"]
        print(f"import: {a.annotations} annotations in {imp['seconds']:.2f} s (upload {imp['upload_seconds']:.2f} s, "
              f"import {imp['import_seconds']:.2f} s) = {rate:,.0f} annotations/s", flush=True)
        rss_loaded = imp["rss_kib"]
        time.sleep(2.0)
        rss_idle_loaded = vi_import.rss_kib(srv.pid, "VmRSS")
        hwm_load = vi_import.rss_kib(srv.pid, "VmHWM")
        results.append((f"Vi JSONL import of {a.annotations:,} boxes ({lines:,} lines x {a.boxes_per_line} boxes, "
                        f"{a.images:,} images, {a.files} files, end to end)",
                        f"{imp['seconds']:.2f} s = {rate:,.0f} annotations/s", "—", None))
        results.append((f"RSS after loading {a.annotations:,} annotations (import Complete)",
                        f"{mib(rss_loaded):.1f} MiB ({mib(rss_idle_loaded):.1f} MiB after 2 s idle; "
                        f"peak during load {mib(hwm_load):.1f} MiB)", "< 200 MiB", mib(rss_loaded) < 200))
        print(f"RSS after load: {mib(rss_loaded):.1f} MiB, after 2 s {mib(rss_idle_loaded):.1f} MiB, "
              f"peak {mib(hwm_load):.1f} MiB; db {os.path.getsize(db) / 1e6:.1f} MB", flush=True)

        exports = []
        for i in range(a.exports):
            x = coco_export(srv, d, a.annotations)
            exports.append(x)
            print(f"COCO export {i + 1}: ready {x['ready']:.3f} s + download {x['download']:.3f} s = "
                  f"{x['total']:.3f} s (server CPU to ready {x['cpu_ready']:.2f} s; "
                  f"{x['bytes'] / 1e6:.1f} MB zip, {x['json_bytes'] / 1e6:.1f} MB JSON, "
                  f"{x['images']} images)", flush=True)
        hwm_export = vi_import.rss_kib(srv.pid, "VmHWM")
        rss_export = vi_import.rss_kib(srv.pid, "VmRSS")
        tot = [x["total"] for x in exports]
        results.append((f"COCO export of {a.annotations:,} annotations: create → archive ready → downloaded",
                        f"{statistics.median(tot):.2f} s (ready {statistics.median(x['ready'] for x in exports):.2f}"
                        f" + download {statistics.median(x['download'] for x in exports):.2f}; server CPU "
                        f"{statistics.median(x['cpu_ready'] for x in exports):.2f} s; n={len(tot)})",
                        "< 5 s", statistics.median(tot) < 5))
        results.append(("RSS after the exports (peak during them)",
                        f"{mib(rss_export):.1f} MiB (peak {mib(hwm_export):.1f} MiB)", "—", None))

        saves = []
        for i in range(3):
            t = time.monotonic()
            r = srv.http.post(srv.base + "/_emulator/snapshots", json={"name": f"bulk{i}"})
            saves.append(time.monotonic() - t)
            assert r.status_code == 201, r.text
            snap_bytes = r.json()["bytes"]
            print(f"snapshot save {i + 1}: {saves[-1]:.3f} s ({snap_bytes / 1e6:.1f} MB)", flush=True)
        restores = []
        for i in range(a.restores):
            r = srv.http.post(srv.base + "/_emulator/workspaces", json={"name": f"dirt-{i}"})
            assert r.status_code == 201, r.text
            t = time.monotonic()
            r = srv.http.post(srv.base + f"/_emulator/snapshots/bulk{i % 3}/restore")
            restores.append(time.monotonic() - t)
            assert r.status_code == 204, r.text
            got = counts(db)
            if got != (n_ann, n_ws):
                raise RuntimeError(f"after restore: {got}, want {(n_ann, n_ws)}")
            print(f"snapshot restore {i + 1}: {restores[-1]:.3f} s (verified {got[0]} annotations)", flush=True)
        results.append((f"snapshot save of that store ({snap_bytes / 1e6:.0f} MB)", fmt_s(saves), "—", None))
        results.append((f"snapshot restore of that store", fmt_s(restores), "—", None))
        hwm_end = vi_import.rss_kib(srv.pid, "VmHWM")
        rss_end = vi_import.rss_kib(srv.pid, "VmRSS")
        results.append(("RSS at the end (peak over the whole run)", f"{mib(rss_end):.1f} MiB (peak {mib(hwm_end):.1f} MiB)",
                        "—", None))
    finally:
        rc = srv.stop()
    if rc != 0:
        raise RuntimeError(f"server exited with {rc} after SIGTERM")

    print()
    print("| figure | result | target | met |")
    print("|---|---|---|---|")
    for name, val, target, met in results:
        print(f"| {name} | {val} | {target} | {'—' if met is None else 'yes' if met else 'no'} |")
    print(f"RESULT\tidle RSS\t{mib(idle):.1f}\t{mib(idle):.1f}\t{mib(idle):.1f}\tMiB")
    print(f"RESULT\tRSS after loading {a.annotations} annotations\t{mib(rss_loaded):.1f}\t{mib(rss_loaded):.1f}"
          f"\t{mib(hwm_load):.1f}\tMiB (max = peak during load)")
    print(f"RESULT\tVi JSONL import of {a.annotations} boxes\t{rate:.0f}\t{rate:.0f}\t{rate:.0f}\tannotations/s")
    print(f"RESULT\tCOCO export of {a.annotations} annotations (ready + download)\t{statistics.median(tot):.2f}"
          f"\t{min(tot):.2f}\t{max(tot):.2f}\ts")
    print(f"RESULT\tsnapshot save ({a.annotations} annotations)\t{statistics.median(saves):.3f}\t{min(saves):.3f}"
          f"\t{max(saves):.3f}\ts")
    print(f"RESULT\tsnapshot restore ({a.annotations} annotations)\t{statistics.median(restores):.3f}"
          f"\t{min(restores):.3f}\t{max(restores):.3f}\ts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
