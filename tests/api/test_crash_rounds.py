"""kill -9 at random (seeded) points during real async work, N rounds (issue 8,
evidence item 5).

Each round prepares, in a fresh workspace, the durable work of every dialect
this build serves, then starts it from one client thread per dialect, at once: a Vi annotation import
session (one JSONL file, VI_ASSETS lines of VI_BOXES phrase-grounding boxes), a
Ximilar recognition training and a VLM training, a Pictograph auto-annotate
batch job, and a Labelbox ground-truth import in the asynchronous ("realistic")
mode. The server is killed with SIGKILL after a delay drawn from a seeded
generator over the span the same work takes when left alone (measured by a
reference round first), so a kill lands in a request, in a job step, or between
them. After each kill:

* `PRAGMA integrity_check` is "ok" and `PRAGMA foreign_key_check` is empty;
* the server restarts on the same store, and every job of every round so far is
  eventually `succeeded`, or `failed`/`cancelled` with a reason
  (GET /_emulator/jobs);
* nothing is duplicated or half done, by each dialect's own semantics (a call
  the kill cut off may or may not have been committed; either is fine, half of
  it is not):
  - Vi: an import session is all-or-nothing (RejectSession): the dataset holds
    exactly the file's annotations (boxes + one caption per line), each once,
    and the session is complete — or none, and the session is not complete;
  - Labelbox: an import is one transaction: FINISHED with one core annotation
    per SUCCESS status line (all lines), each once — or FAILED (with an error
    file) or never created, with no annotation;
  - Pictograph: each image ends with exactly the annotations the uncrashed
    reference batch gave it, or none (auto-annotation is deterministic); each
    annotated image is charged exactly once; a completed job matches the
    reference totals;
  - Ximilar: each task ends TRAINED with exactly one model version, or FAILED,
    or untrained when the train call itself was cut off — never two models.

Rounds: VS_CRASH_ROUNDS (default 3; the long form uses 20). Seed: VS_CRASH_SEED.
The kill points and what each kill interrupted are printed (pytest -s).
"""
from __future__ import annotations

import json
import os
import random
import threading
import time
import uuid

from conftest import FIXTURES, db_connect
from labelbox.lb_client import LB, png_bytes as lb_png
from pictograph.pg_client import PG
from vi.vi_client import ViClient, jpeg_bytes, jsonl
from ximilar.xim_client import XimClient, textured_image

ROUNDS = int(os.environ.get("VS_CRASH_ROUNDS", "3"))
SEED = int(os.environ.get("VS_CRASH_SEED", "20260801"))
TRAIN_MS = 400            # duration of a Ximilar training (virtual time; the clock runs free here)
VI_ASSETS = 60            # Vi import: one line per asset ...
VI_BOXES = 25             # ... with this many boxes each
LB_LINES = 4000           # Labelbox import lines (one bbox each)
PG_IMAGES = 12            # Pictograph batch size
SETTLE_S = 120
TERMINAL = ("succeeded", "failed", "cancelled")
SHAPES = ["shapes-rect.png", "shapes-circle.png", "shapes-multi.png", "shapes-alpha.png"]


def counts(conn, dataset_id):
    """(annotations, distinct annotations) of a core dataset."""
    return conn.execute("SELECT COUNT(*), COUNT(DISTINCT asset_id || '|' || kind || '|' || label || '|' || geometry"
                        " || '|' || COALESCE(text, '')) FROM annotations WHERE dataset_id=?",
                        (dataset_id,)).fetchone()


# ----------------------------------------------------------------------- Vi


def prepare_vi(srv, ws, tag):
    vi = ViClient.for_workspace(srv, ws)
    dsid = vi.dataset_id(vi.create_dataset(f"crash-vi-{tag}"))
    files = {f"f{i}.jpg": jpeg_bytes(8, 8, color=(i % 250, 3, 3)) for i in range(VI_ASSETS)}
    vi.upload_assets(dsid, files, timeout=120)
    by_name = {a["filename"]: a["assetId"] for a in vi.assets(dsid)}
    lines = []
    for i in range(VI_ASSETS):
        boxes = [{"phrase": f"p{i}x{k}", "bbox": [0.01 * k, 0.001 * i, 0.5 + 0.01 * k, 0.9]} for k in range(VI_BOXES)]
        lines.append({"asset_id": by_name[f"f{i}.jpg"], "caption": " ".join(b["phrase"] for b in boxes),
                      "grounded_phrases": boxes})
    # Each line also stores its caption as a text annotation.
    return {"vi": vi, "ds": dsid, "data": jsonl(*lines), "expected": VI_ASSETS * (VI_BOXES + 1)}


def kick_vi(h):
    s = h["vi"].upload_annotations(h["ds"], {"crash.jsonl": h["data"]}, wait=False)
    h["session"] = s["annotationImportSessionId"]


def verify_vi(srv, h, conn):
    n, distinct = counts(conn, h["ds"])
    assert n == distinct, f"Vi: duplicated annotations ({n} rows, {distinct} distinct)"
    assert n in (0, h["expected"]), f"Vi: half an import: {n} of {h['expected']} annotations"
    complete = False
    if "session" in h:
        s = h["vi"].ok("GET", f"{h['vi'].d(h['ds'])}/annotationImportSessions/{h['session']}")
        conds = {c["condition"]: c["status"] for c in s["status"]["conditions"]}
        complete = conds.get("Complete") == "Reached"
        if conds.get("FilesInserted") == "Reached" and "Complete" in conds:
            assert conds["Complete"] in ("Reached", "FailedReach"), f"Vi session never finished: {s['status']}"
    assert (n == h["expected"]) == complete or "session" not in h, f"Vi: {n} annotations, session complete={complete}"
    return "complete" if n else "nothing"


# ------------------------------------------------------------------ Ximilar


def prepare_ximilar(srv, ws, tag):
    xim = XimClient.for_workspace(srv, ws)
    labels = [xim.create("recognition/v2/label/", {"name": f"{tag}-{c}", "type": "category"}) for c in "ab"]
    rtask = xim.create("recognition/v2/task/", {"name": f"r-{tag}", "type": "multi_class"})
    for n, lab in enumerate(labels):
        xim.ok(xim.post(f"recognition/v2/task/{rtask['id']}/add-label/", {"label_id": lab["id"]}), 200)
        for k in range(2):
            img = xim.upload(textured_image(10 * n + k + 1, size=(48, 32)))
            xim.ok(xim.post(f"recognition/v2/training-image/{img['id']}/add-label", {"label_id": lab["id"]}), 200)
    tpl = xim.prompt(f"tpl-{tag}", "template", '{"grade": {{grade}}}', "json")
    vds = xim.create("vlm/v2/dataset/", {"name": f"d-{tag}", "result_template_id": tpl["id"]})
    var = xim.create("vlm/v2/variable/", {"dataset": vds["id"], "name": "grade", "type": "integer"})
    for k in range(2):
        img = xim.upload(textured_image(100 + k, size=(48, 32)))
        s = xim.create("vlm/v2/sample/", {"dataset": vds["id"]})
        xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": [img["id"]]}), 200)
        xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-variable-value/",
                        {"dataset_variable": var["id"], "value": {"value": k}}), 200)
    vtask = xim.create("vlm/v2/task/", {"name": f"v-{tag}"})
    xim.ok(xim.post(f"vlm/v2/task/{vtask['id']}/add-dataset/", {"dataset_id": vds["id"]}), 200)
    return {"xim": xim, "tasks": {"recognition": rtask["id"], "vlm": vtask["id"]}}


def kick_ximilar(h):
    xim = h["xim"]
    for kind, task in h["tasks"].items():
        xim.ok(xim.post(f"{kind}/v2/task/{task}/train/"), 200)
        h[f"kicked_{kind}"] = True


def verify_ximilar(srv, h, conn):
    xim = h["xim"]
    xim.base = f"http://localhost:{srv.port}/"  # a restart picks a new port
    out = []
    for kind, task in h["tasks"].items():
        deadline = time.monotonic() + SETTLE_S
        while True:
            t = xim.fetch(f"{kind}/v2/task/{task}/")
            status = t["last_train_status"]
            if status in ("TRAINED", "FAILED") or (not status or status == "UNTRAINED") and not h.get(f"kicked_{kind}"):
                break
            assert time.monotonic() < deadline, f"Ximilar {kind} training still {status}"
            time.sleep(0.05)
        models = xim.all(f"{kind}/v2/model/", {"task": task})
        trained = [m for m in models if m.get("train_status") == "TRAINED"]
        if status == "TRAINED":
            assert len(models) == 1 and models[0]["version"] == 1, f"Ximilar {kind}: {len(models)} models: {models}"
        else:
            assert not trained, f"Ximilar {kind} task {status} with trained models {trained}"
        out.append(str(status).lower())
    return "/".join(out)


# --------------------------------------------------------------- Pictograph


def prepare_pictograph(srv, ws, tag):
    pg = PG.for_workspace(srv, ws)
    name = f"crash-pg-{tag}"
    pg.create_dataset(name, classes=[{"name": "shape", "type": "polygon"}])
    files = []
    for i in range(PG_IMAGES):
        fn = SHAPES[i % len(SHAPES)]
        pg.upload(name, fn, (FIXTURES / "images" / fn).read_bytes(), directory_path=f"/d{i}")
        files.append(f"d{i}/{fn}")
    pg.set_credits(1_000_000_000)
    return {"pg": pg, "ds": name, "files": files}


def kick_pictograph(h):
    r = h["pg"].post("/auto-annotate/batch", json={"dataset_name": h["ds"], "image_filenames": h["files"],
                                                   "classes": [{"name": "shape", "output_type": "polygon"}],
                                                   "confidence_threshold": 0.1, "top_k": 3})
    assert r.status_code in (200, 201, 202), r.text
    h["job"] = r.json()["job_id"]


def pictograph_images(h):
    """{file: sorted annotations without their ids}."""
    out = {}
    for f in h["files"]:
        r = h["pg"].get(f"/annotations/{h['ds']}/{f}")
        assert r.status_code == 200, r.text
        out[f] = sorted(json.dumps({k: v for k, v in a.items() if k != "id"}, sort_keys=True)
                        for a in r.json()["annotations"])
    return out


def pictograph_charged(h):
    entries = h["pg"].get("/credits/history", params={"limit": 1000}).json()["entries"]
    return [-e["amount"] for e in entries if e["operation"] == "sam3_batch_image"]


def verify_pictograph(srv, h, conn, reference):
    ref_images, ref_job, ref_charges = reference
    images = pictograph_images(h)
    for f, anns in images.items():
        assert anns in ([], ref_images[f]), f"Pictograph image {f}: {len(anns)} annotations, reference " \
                                            f"{len(ref_images[f])} (half-written or duplicated)"
    charges = pictograph_charged(h)
    annotated = sum(1 for f, anns in images.items() if anns and anns == ref_images[f])
    price = ref_charges[0]
    assert all(c == price for c in charges), charges
    if "job" not in h:
        return "not-acknowledged"
    job = h["pg"].get(f"/auto-annotate/batch/{h['job']}").json()
    assert job["status"] in ("completed", "failed", "cancelled"), job
    if job["status"] == "completed":
        assert images == ref_images, "Pictograph completed batch differs from the uncrashed reference"
        assert job["total_annotations_added"] == ref_job["total_annotations_added"], (job, ref_job)
        assert job["processed_images"] == PG_IMAGES, job
        assert len(charges) == len(ref_charges) == PG_IMAGES, f"charged {len(charges)} images of {PG_IMAGES}"
    else:
        assert job.get("error_message"), f"Pictograph job {job['status']} without a reason: {job}"
        # Images with results are charged once; an image whose reference result is
        # empty is charged without showing a result.
        assert annotated <= len(charges) <= PG_IMAGES, (annotated, charges)
    return job["status"]


# ----------------------------------------------------------------- Labelbox


def prepare_labelbox(srv, ws, tag):
    lb = LB.for_workspace(srv, ws)
    ds = lb.create_dataset(f"crash-lb-{tag}")
    url = lb.upload(lb_png(640, 480), "img.png", "image/png")
    gk = f"gk-{tag}-{uuid.uuid4().hex[:6]}"
    task = lb.create_data_rows(ds["id"], [{"row_data": url, "global_key": gk}])
    assert task["status"] == "COMPLETE", task
    ont = lb.create_ontology(name=f"o-{tag}")
    project = lb.create_project(name=f"p-{tag}")["id"]
    lb.connect_ontology(project, ont["id"])
    lb.create_batch(project, name=f"b-{tag}", global_keys=[gk])
    lines = [{"name": "bounding_box", "uuid": str(uuid.uuid4()), "dataRow": {"globalKey": gk},
              "bbox": {"top": i % 300, "left": (i // 300) * 20, "height": 10, "width": 10}} for i in range(LB_LINES)]
    return {"lb": lb, "ds": ds["id"], "project": project, "lines": lines, "import": f"crash-{uuid.uuid4().hex[:8]}"}


def kick_labelbox(h):
    lb = LB(h["lb"].server, h["lb"].key, realistic=True)
    imp = lb.import_file(h["project"], h["lines"], mal=False, name=h["import"])
    assert imp["state"] in ("RUNNING", "FINISHED"), imp


def verify_labelbox(srv, h, conn):
    lb = h["lb"]
    n, distinct = counts(conn, h["ds"])
    assert n == distinct, f"Labelbox: duplicated annotations ({n} rows, {distinct} distinct)"
    imp = lb.get_import(h["project"], h["import"], mal=False)
    if imp is None:  # the create call was cut off before it committed
        assert n == 0, f"Labelbox: no import but {n} annotations"
        return "none"
    assert imp["state"] in ("FINISHED", "FAILED"), imp  # every job has settled
    if imp["state"] == "FINISHED":
        status = [json.loads(x) for x in lb.fetch(imp["statusFileUrl"]).splitlines() if x.strip()]
        ok = sum(1 for s in status if s["status"] == "SUCCESS")
        assert len(status) == LB_LINES, f"Labelbox status file has {len(status)} of {LB_LINES} lines"
        assert ok == LB_LINES and n == ok, f"Labelbox: {ok} SUCCESS lines but {n} annotations"
        assert lb.fetch(imp["errorFileUrl"]) == "", "Labelbox error file not empty without failures"
        return "finished"
    assert n == 0, f"Labelbox import FAILED but left {n} annotations"
    assert lb.fetch(imp["errorFileUrl"]).strip(), imp
    return "failed"


# ------------------------------------------------------------------- rounds


PREPARE = {"vi": prepare_vi, "ximilar": prepare_ximilar, "pictograph": prepare_pictograph,
           "labelbox": prepare_labelbox}
KICK = {"vi": kick_vi, "ximilar": kick_ximilar, "pictograph": kick_pictograph, "labelbox": kick_labelbox}


def prepare(srv, ws, tag, dialects):
    return {d: PREPARE[d](srv, ws, tag) for d in sorted(dialects)}


def kick_one(d, hd, errors):
    try:
        KICK[d](hd)
    except Exception as e:  # the kill cuts calls off; the store decides what happened
        errors.append(f"{d}: {type(e).__name__}")


def kick(h, errors):
    """Starts every dialect's async work at once, one client thread each, as
    independent SDK users would; returns the threads."""
    threads = [threading.Thread(target=kick_one, args=(d, hd, errors), daemon=True) for d, hd in h.items()]
    for t in threads:
        t.start()
    return threads


def jobs(srv, ws_id):
    r = srv.get("/_emulator/jobs", params={"workspace": ws_id, "limit": 1000})
    assert r.status_code == 200, r.text
    return r.json()["items"]


# The job types a round starts (an asset ingestion job from the preparation may
# still be polling its finished session for a moment; it is not the round's work).
ROUND_JOBS = ("vi.annotation_import", "labelbox.import", "pictograph.batch", "ximilar.")


def round_work(in_flight):
    return {t: n for t, n in in_flight.items() if t.startswith(ROUND_JOBS)}


def wait_jobs(srv, ws_ids):
    """Every job of these workspaces terminal; failures carry a reason."""
    deadline = time.monotonic() + SETTLE_S
    while True:
        items = [j for w in ws_ids for j in jobs(srv, w)]
        pending = [j for j in items if j["state"] not in TERMINAL]
        if not pending:
            break
        assert time.monotonic() < deadline, f"jobs not finished after {SETTLE_S}s: {pending}"
        time.sleep(0.05)
    for j in items:
        if j["state"] != "succeeded":
            assert isinstance(j.get("error"), str) and j["error"].strip(), f"job {j['state']} without a reason: {j}"
    return items


def verify(srv, h, reference):
    conn = db_connect(srv.db_path, readonly=True)
    try:
        out = {}
        for d, hd in h.items():
            if d == "pictograph":
                out[d] = verify_pictograph(srv, hd, conn, reference)
            else:
                out[d] = {"vi": verify_vi, "ximilar": verify_ximilar, "labelbox": verify_labelbox}[d](srv, hd, conn)
        return out
    finally:
        conn.close()


def check_store(path):
    """integrity and foreign keys; returns the jobs left unfinished by the kill."""
    conn = db_connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        return dict(conn.execute("SELECT type, COUNT(*) FROM jobs WHERE state NOT IN "
                                 "('succeeded','failed','cancelled') GROUP BY type").fetchall())
    finally:
        conn.close()


def test_kill9_rounds_during_async_work(make_server):
    rng = random.Random(SEED)
    srv = make_server(name="crash", env={"VISIONSTACK_XIMILAR_TRAINING_MS": str(TRAIN_MS)})
    dialects = set(srv.get("/_emulator/coverage").json()["dialects"]) & set(PREPARE)
    assert dialects, "no dialect with async work is served"

    # Reference round: the same work, left alone. It gives the expected end state
    # and the span over which the kill points are drawn.
    ws = srv.create_workspace("reference")
    h = prepare(srv, ws, "ref", dialects)
    t0 = time.monotonic()
    errors = []
    threads = kick(h, errors)
    while any(t.is_alive() for t in threads) or any(
            j["state"] not in TERMINAL and j["type"].startswith(ROUND_JOBS) for j in jobs(srv, ws["id"])):
        assert time.monotonic() - t0 < SETTLE_S, "reference work did not settle"
        time.sleep(0.01)
    span = time.monotonic() - t0
    assert not errors, errors
    wait_jobs(srv, [ws["id"]])
    reference = None
    if "pictograph" in h:
        ph = h["pictograph"]
        job = ph["pg"].get(f"/auto-annotate/batch/{ph['job']}").json()
        assert job["status"] == "completed" and job["total_annotations_added"] > 0, job
        reference = (pictograph_images(ph), job, pictograph_charged(ph))
        assert len(reference[2]) == PG_IMAGES, reference[2]
    ref_out = verify(srv, h, reference)
    assert set(ref_out.values()) <= {"complete", "finished", "completed", "trained/trained"}, ref_out
    print(f"\nreference round: its jobs started and finished within {span * 1000:.0f} ms: {ref_out}")

    hits = []
    workspaces = [ws["id"]]
    for rnd in range(1, ROUNDS + 1):
        ws = srv.create_workspace(f"round-{rnd}")
        workspaces.append(ws["id"])
        h = prepare(srv, ws, f"r{rnd}", dialects)
        delay = rng.uniform(0.0, span)
        errors = []
        clients = kick(h, errors)
        time.sleep(delay)
        srv.kill9()
        for t in clients:
            t.join(60)
        in_flight = round_work(check_store(srv.db_path))
        cut = sorted(errors)
        hits.append(bool(in_flight or cut))
        srv.start()
        wait_jobs(srv, workspaces)  # every job of every round so far
        out = verify(srv, h, reference)
        print(f"round {rnd}: kill at {delay * 1000:.0f} ms; jobs in flight {in_flight or '-'}; "
              f"calls cut {cut or '-'}; after restart {out}")
    # Kills drawn over the busy span land in work (a request or a job step); the odd
    # one may fall just after it, but not all of them.
    print(f"{sum(hits)} of {ROUNDS} kills interrupted a request or a job")
    every = [j for w in workspaces for j in jobs(srv, w) if j["type"].startswith(ROUND_JOBS)]
    resumed = [j for j in every if j["attempts"] > 1]
    states = {s: sum(1 for j in every if j["state"] == s) for s in TERMINAL}
    print(f"round jobs: {len(every)} ({states}); {len(resumed)} resumed after a kill "
          f"({sum(1 for j in resumed if j['state'] == 'succeeded')} of them succeeded)")
    assert sum(hits) >= (1 if ROUNDS < 10 else ROUNDS // 2), f"only {sum(hits)} of {ROUNDS} kills interrupted work"
    conn = db_connect(srv.db_path, readonly=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
