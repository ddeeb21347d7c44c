"""Batch auto-annotation (spec §5.1 batch/quote/get/cancel, §6.4, §6.5, §7,
§10.3, §10.4, §11; guide "batch" and "auto_annotate_dataset"): a durable job on
the virtual clock (20 ms per image), results written onto the images by the
server, charged per processed image, cancel between images, failed jobs, 402 at
kickoff, quotes, and the dataset-wide workflow that skips annotated images."""
import time
import uuid

from conftest import FIXTURES
from pictograph.pg_client import assert_pg_error, field_errors, png, solid

STATUSES = {"pending", "running", "completed", "failed", "cancelled"}
CLASSES = [{"name": "blue", "output_type": "polygon"}, {"name": "circle", "output_type": "bbox"},
           {"name": "yellow", "output_type": "tag"}]


def freeze(server):
    assert server.post("/_emulator/clock", json={"mode": "frozen"}).status_code == 200


def advance(server, ms):
    assert server.post("/_emulator/clock/advance", json={"ms": ms}).status_code == 200


def job(pg, job_id):
    r = pg.get(f"/auto-annotate/batch/{job_id}")
    assert r.status_code == 200, r.text
    j = r.json()
    assert j["status"] in STATUSES and j["job"] == j["job_id"] == job_id
    assert 0 <= j["progress"] <= 100
    assert (j["progress"] == 100) == (j["status"] in ("completed", "failed", "cancelled"))
    return j


def kickoff(pg, images, classes=CLASSES, **kw):
    r = pg.post("/auto-annotate/batch", json={"dataset_name": "shapes", "image_filenames": images,
                                              "classes": classes, **kw})
    assert r.status_code == 200, r.text
    return r.json()


def test_batch_runs_on_the_virtual_clock(shapes, pg, server):
    freeze(server)
    before = pg.balance()
    j = kickoff(pg, ["shapes-circle.png", "val/shapes-multi.png", shapes["images"]["shapes-rect.png"]["id"]])
    assert j["status"] == "pending" and j["progress"] == 0 and j["total_images"] == 3
    assert j["estimated_credits"] == 90_000 and j["completed_at"] is None and j["error_message"] is None
    assert job(pg, j["job_id"])["status"] == "pending"
    advance(server, 20)
    mid = job(pg, j["job_id"])
    assert mid["status"] == "running" and mid["processed_images"] == 1 and 0 < mid["progress"] < 100
    assert pg.balance() == before - 30_000
    advance(server, 1000)
    done = job(pg, j["job_id"])
    assert done["status"] == "completed" and done["progress"] == 100
    assert done["processed_images"] == 3 and done["failed_images"] == 0 and done["completed_at"].endswith("Z")
    assert pg.balance() == before - 90_000
    ops = [e["operation"] for e in pg.get("/credits/history").json()["entries"]]
    assert ops == ["sam3_batch_image"] * 3
    # results were written by the server: appended annotations and tags
    multi = pg.get("/annotations/shapes/val/shapes-multi.png").json()["annotations"]
    assert {(a["name"], a["type"]) for a in multi} == {("blue", "polygon"), ("circle", "bbox")}
    assert all(a["created_by"] == "sam3" for a in multi)
    circle = pg.get("/annotations/shapes/shapes-circle.png").json()["annotations"]
    assert [(a["name"], a["type"]) for a in circle] == [("circle", "bbox")]
    assert done["total_annotations_added"] == 3
    val_id = shapes["images"]["val/shapes-multi.png"]["id"]
    assert pg.get(f"/images/{val_id}/metadata").json()["data"]["tags"] == ["yellow"]
    assert pg.get(f"/images/{shapes['images']['shapes-multi.png']['id']}/metadata").json()["data"]["tags"] == []
    classes = {c["name"]: c["type"] for c in pg.get("/datasets/shapes").json()["data"]["classes"]}
    assert classes == {"thing": "polygon", "blue": "polygon", "circle": "bbox"}
    # a finished job cannot be cancelled
    err = assert_pg_error(pg.post(f"/auto-annotate/batch/{j['job_id']}/cancel"), 409, "conflict")
    assert "completed" in err["message"]
    # appended, not replaced: a second run adds to what is there
    j2 = kickoff(pg, ["shapes-circle.png"], classes=[{"name": "red", "output_type": "polygon"}])
    advance(server, 100)
    assert job(pg, j2["job_id"])["total_annotations_added"] == 1
    assert len(pg.get("/annotations/shapes/shapes-circle.png").json()["annotations"]) == 2


def test_cancel_between_images(shapes, pg, server):
    freeze(server)
    before = pg.balance()
    j = kickoff(pg, ["shapes-circle.png", "shapes-rect.png", "shapes-alpha.png"])
    advance(server, 20)
    r = pg.post(f"/auto-annotate/batch/{j['job_id']}/cancel")
    assert r.status_code == 200, r.text
    c = r.json()
    assert c["status"] == "cancelled" and c["progress"] == 100 and c["processed_images"] == 1
    assert c["completed_at"].endswith("Z")
    advance(server, 5000)
    after = job(pg, j["job_id"])
    assert after["status"] == "cancelled" and after["processed_images"] == 1
    assert pg.balance() == before - 30_000          # processed images stay charged, the rest are not
    assert len(pg.get("/annotations/shapes/shapes-circle.png").json()["annotations"]) == 1
    assert pg.get("/annotations/shapes/shapes-rect.png").json()["annotations"] == []
    # cancelling again is an idempotent 200
    again = pg.post(f"/auto-annotate/batch/{j['job_id']}/cancel")
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
    # a pending job cancelled before any image: nothing charged
    j2 = kickoff(pg, ["shapes-circle.png"])
    assert pg.post(f"/auto-annotate/batch/{j2['job_id']}/cancel").json()["status"] == "cancelled"
    advance(server, 1000)
    assert job(pg, j2["job_id"])["processed_images"] == 0
    assert pg.balance() == before - 30_000


def test_failed_when_dataset_deleted(shapes, pg, server):
    freeze(server)
    j = kickoff(pg, ["shapes-circle.png", "shapes-rect.png"])
    advance(server, 20)
    assert pg.delete("/datasets/shapes").status_code == 200
    advance(server, 100)
    f = job(pg, j["job_id"])
    assert f["status"] == "failed" and f["error_message"] and "dataset" in f["error_message"].lower()
    assert f["processed_images"] == 1 and f["completed_at"]
    assert_pg_error(pg.post(f"/auto-annotate/batch/{j['job_id']}/cancel"), 409, "conflict")


def test_failed_when_credits_run_out_midway(shapes, pg, server):
    freeze(server)
    pg.set_credits(90_000)
    j = kickoff(pg, ["shapes-circle.png", "shapes-rect.png", "shapes-alpha.png"])
    pg.point("shapes", "shapes-multi.png", 70, 50)       # 30 000 spent elsewhere meanwhile
    advance(server, 1000)
    f = job(pg, j["job_id"])
    assert f["status"] == "failed" and "credits" in f["error_message"].lower()
    assert f["processed_images"] == 2 and pg.balance() == 0


def test_per_image_failures_are_counted_not_charged(shapes, pg, server):
    freeze(server)
    r = pg.post("/images/upload-url", json={"dataset": "shapes", "filename": "bad.gif", "directory_path": "/",
                                            "content_type": "image/gif"})
    server.http.put(r.json()["data"]["upload_url"], data=b"GIF89a-not-really")
    pg.post("/images/register", json={"dataset": "shapes", "filename": "bad.gif", "directory_path": "/",
                                      "content_type": "image/gif", "width": 2, "height": 2})
    before = pg.balance()
    j = kickoff(pg, ["bad.gif", "shapes-rect.png"], classes=[{"name": "white", "output_type": "bbox"}])
    advance(server, 1000)
    d = job(pg, j["job_id"])
    assert d["status"] == "completed" and d["failed_images"] == 1 and d["processed_images"] == 1
    assert d["total_annotations_added"] == 1
    assert pg.balance() == before - 30_000


def test_bare_names_top_k_and_threshold(shapes, pg, server):
    freeze(server)
    j = kickoff(pg, ["shapes-multi.png"], classes=[{"name": "thing", "output_type": "bbox"}], top_k=2)
    assert j["total_images"] == 2                       # the root one and the one in /val
    advance(server, 1000)
    d = job(pg, j["job_id"])
    assert d["processed_images"] == 2 and d["total_annotations_added"] == 4
    j = kickoff(pg, ["shapes-rect.png"], classes=[{"name": "white", "output_type": "polygon"}],
                confidence_threshold=1.0)
    advance(server, 1000)
    assert job(pg, j["job_id"])["total_annotations_added"] == 0


def test_kickoff_402_creates_nothing(shapes, pg, server):
    pg.set_credits(50_000)
    jobs_before = len(server.get("/_emulator/jobs").json()["items"])
    r = pg.post("/auto-annotate/batch", json={"dataset_name": "shapes", "classes": CLASSES,
                                              "image_filenames": ["shapes-rect.png", "shapes-circle.png"]})
    err = assert_pg_error(r, 402, "insufficient_credits")
    assert err["details"]["required_micro_usd"] == 60_000 and err["details"]["remaining_micro_usd"] == 50_000
    assert len(server.get("/_emulator/jobs").json()["items"]) == jobs_before
    assert pg.balance() == 50_000


def test_validation_and_errors(shapes, pg, other):
    base = {"dataset_name": "shapes", "image_filenames": ["shapes-rect.png"], "classes": CLASSES}
    assert (("body", "image_filenames"), "too_short") in field_errors(
        pg.post("/auto-annotate/batch", json=dict(base, image_filenames=[])))
    assert (("body", "image_filenames"), "too_long") in field_errors(
        pg.post("/auto-annotate/batch", json=dict(base, image_filenames=["x.png"] * 5001)))
    errs = field_errors(pg.post("/auto-annotate/batch", json=dict(
        base, classes=[{"name": "a", "output_type": "mask"}, {"output_type": "bbox"}], top_k=0,
        confidence_threshold=-1, sahi_slice_size=100, extra=True)))
    assert {(("body", "classes", 0, "output_type"), "literal_error"), (("body", "classes", 1, "name"), "missing"),
            (("body", "top_k"), "greater_than_equal"), (("body", "confidence_threshold"), "greater_than_equal"),
            (("body", "sahi_slice_size"), "greater_than_equal"), (("body", "extra"), "extra_forbidden")} <= set(errs)
    assert_pg_error(pg.post("/auto-annotate/batch", json=dict(base, classes=[])), 400, "validation_error")
    assert pg.post("/auto-annotate/batch", json=dict(base, model_id="sam3")).status_code == 200
    model = str(uuid.uuid4())
    assert_pg_error(pg.post("/auto-annotate/batch", json=dict(base, model_id=model)), 404, "not_found")
    assert_pg_error(pg.post("/auto-annotate/batch", json=dict(base, model_id=model, sahi_enabled=True)), 400)
    assert_pg_error(pg.post("/auto-annotate/batch", json=dict(base, image_filenames=["missing.png"])), 404)
    assert_pg_error(pg.post("/auto-annotate/batch", json=dict(base, dataset_name="missing")), 404)
    assert_pg_error(pg.get(f"/auto-annotate/batch/{uuid.uuid4()}"), 404, "not_found")
    assert_pg_error(pg.post(f"/auto-annotate/batch/{uuid.uuid4()}/cancel"), 404, "not_found")
    j = kickoff(pg, ["shapes-rect.png"])
    assert_pg_error(other.get(f"/auto-annotate/batch/{j['job_id']}"), 404, "not_found")
    assert_pg_error(other.post(f"/auto-annotate/batch/{j['job_id']}/cancel"), 404, "not_found")
    assert_pg_error(pg.get(f"/auto-annotate/batch/{j['job_id']}", key="nope"), 401)


def test_quote(shapes, pg):
    before = pg.balance()
    r = pg.post("/auto-annotate/batch/quote", json={
        "dataset_name": "shapes", "image_filenames": ["shapes-multi.png", "shapes-rect.png"],
        "projected": [{"count": 10, "width": 2000, "height": 1000}, {"count": 5}],
        "classes": [{"name": "car", "output_type": "bbox"}], "sahi_enabled": True, "sahi_slice_size": 640})
    assert r.status_code == 200, r.text
    q = r.json()
    # 3 stored images (two are named shapes-multi.png) + 15 projected; SAHI: 4x2 tiles for each
    # 2000x1000 frame, 2x2 for each frame of unknown (1024x1024) size, none for the small stored images
    assert q["total_images"] == 18
    assert q["sahi_tiles"] == 10 * 8 + 5 * 4
    assert q["estimated_credits"] == 18 * 30_000 + 100 * 10_000
    assert q["remaining_credits"] == before and q["sufficient"] is True
    assert q["max_images"] == 5000 and q["exceeds_max_images"] is False
    q = pg.post("/auto-annotate/batch/quote", json={"projected": [{"count": 6000}], "classes": []}).json()
    assert q["total_images"] == 6000 and q["exceeds_max_images"] is True and q["sufficient"] is False
    assert pg.balance() == before
    assert_pg_error(pg.post("/auto-annotate/batch/quote", json={"image_filenames": ["a.png"]}), 400)
    assert (("body", "projected", 0, "count"), "greater_than_equal") in field_errors(
        pg.post("/auto-annotate/batch/quote", json={"projected": [{"count": -1}]}))
    # the quote is the charge
    j = kickoff(pg, ["shapes-rect.png"])
    q = pg.post("/auto-annotate/batch/quote", json={"dataset_name": "shapes", "image_filenames": ["shapes-rect.png"],
                                                    "classes": CLASSES}).json()
    assert q["estimated_credits"] == j["estimated_credits"]


def wait_for_batch(pg, job_id, poll=0.05, timeout=30):
    """The SDK's wait_for_batch: GET at once, then poll; raise on failed/cancelled."""
    deadline = time.monotonic() + timeout
    while True:
        j = job(pg, job_id)
        if j["status"] == "completed":
            return j
        assert j["status"] not in ("failed", "cancelled"), j
        assert time.monotonic() < deadline, j
        time.sleep(poll)


def test_dataset_workflow_skips_annotated_images(pg):
    """auto_annotate.dataset(mode="batch", overwrite=False) as the SDK runs it, in real time."""
    pg.create_dataset("flow")
    names = ["shapes-rect.png", "shapes-circle.png", "shapes-multi.png", "shapes-alpha.png"]
    for n in names:
        pg.upload("flow", n, (FIXTURES / "images" / n).read_bytes())
    pg.upload("flow", "blank.png", png(solid(32, 32, (90, 90, 90))))
    pg.post("/annotations/flow/shapes-rect.png", json={"annotations": [
        {"id": "h1", "name": "manual", "type": "bbox", "bounding_box": {"x": 1, "y": 1, "w": 2, "h": 2}}]})
    ds = pg.get("/datasets/flow", params={"include_images": "true", "images_limit": 10000,
                                          "images_offset": 0}).json()["data"]
    eligible = [im for im in ds["images"] if im["annotation_count"] == 0]
    assert len(ds["images"]) == 5 and len(eligible) == 4
    r = pg.post("/auto-annotate/batch", json={"dataset_name": "flow", "image_filenames": [i["id"] for i in eligible],
                                              "classes": [{"name": "object", "output_type": "polygon"}],
                                              "confidence_threshold": 0.5, "top_k": 1})
    assert r.status_code == 200, r.text
    done = wait_for_batch(pg, r.json()["job_id"])
    assert done["processed_images"] == 4 and done["failed_images"] == 0
    # every shape image got one polygon; the blank one found nothing; the annotated one was skipped
    assert done["total_annotations_added"] == 3
    assert [a["id"] for a in pg.get("/annotations/flow/shapes-rect.png").json()["annotations"]] == ["h1"]
    assert pg.get("/annotations/flow/blank.png").json()["annotations"] == []
    ds = pg.get("/datasets/flow", params={"include_images": "true"}).json()["data"]
    assert sorted(i["annotation_count"] for i in ds["images"]) == [0, 1, 1, 1, 1]


def test_text_mode_workflow(shapes, pg):
    """auto_annotate.dataset(mode="text"): per image and class a text prompt by
    image id, success results saved once per image through the UUID lookup."""
    im = shapes["images"]["shapes-multi.png"]
    collected = []
    for cls, out in (("blue", "bbox"), ("yellow", "polygon")):
        r = pg.text("shapes", im["id"], cls, output_type=out, confidence_threshold=0.5)
        if r.json()["status"] == "success":
            collected += r.json()["annotations"]
    meta = pg.get(f"/images/{im['id']}/metadata").json()["data"]
    ds = pg.get(f"/datasets/{meta['dataset_id']}").json()["data"]
    seg = meta["filename"] if meta["directory_path"] == "/" else meta["directory_path"][1:] + "/" + meta["filename"]
    r = pg.post(f"/annotations/{ds['name']}/{seg}", json={"annotations": collected})
    assert r.json()["new_count"] == 2
    names = {c["name"] for c in pg.get("/datasets/shapes").json()["data"]["classes"]}
    assert {"blue", "yellow", "thing"} <= names
