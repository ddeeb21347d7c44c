"""Annotations (spec §5.2, §6.1): strict objects both ways, full-replacement
save by path, get, delete, bulk save by image id; only {"annotations"} in the
body; unknown names join the dataset's classes; the image status never changes."""
import json

from pictograph.pg_client import assert_pg_error, field_errors, png, solid

BBOX = {"id": "b1", "name": "car", "type": "bbox", "bounding_box": {"x": -5.0, "y": 2.5, "w": 10, "h": 20},
        "confidence": 0.9, "created_by": None, "attributes": {"color": "red"}}
OBB = {"id": "b2", "name": "car", "type": "bbox", "bounding_box": {"x": 1, "y": 1, "w": 4, "h": 4},
       "oriented_box": {"cx": 3, "cy": 3, "w": 2, "h": 3, "angle": 45}}
POLY = {"id": "p1", "name": "lake", "type": "polygon",
        "polygon": {"paths": [[{"x": 0, "y": 0}, {"x": 10, "y": 0}, {"x": 10, "y": 10}, {"x": 0, "y": 10}],
                              [{"x": 2, "y": 2}, {"x": 4, "y": 2}, {"x": 4, "y": 4}]]},
        "created_by": "sam3", "confidence": 0.5}
LINE = {"id": "l1", "name": "road", "type": "polyline", "polyline": {"path": [{"x": 0, "y": 0}, {"x": 5, "y": 5}]},
        "attributes": []}
KP = {"id": "k1", "name": "nose", "type": "keypoint", "keypoint": {"x": 3, "y": 4}, "instance_id": 2}

ALLOWED = {
    "bbox": {"id", "name", "type", "bounding_box", "oriented_box", "confidence", "created_by", "attributes"},
    "polygon": {"id", "name", "type", "bounding_box", "polygon", "confidence", "created_by", "attributes"},
    "polyline": {"id", "name", "type", "bounding_box", "polyline", "confidence", "created_by", "attributes"},
    "keypoint": {"id", "name", "type", "keypoint", "instance_id", "confidence", "created_by", "attributes"},
}


def check_strict(ann):
    assert set(ann) <= ALLOWED[ann["type"]], ann
    assert {"id", "name", "type", "confidence", "created_by", "attributes"} <= set(ann)
    if ann["type"] == "polygon":
        assert "bounding_box" in ann
    for p in [ann.get("keypoint")] + [q for r in ann.get("polygon", {}).get("paths", []) for q in r] + \
            ann.get("polyline", {}).get("path", []):
        if p is not None:
            assert set(p) == {"x", "y"}


def make_image(pg):
    pg.create_dataset("ann", classes=[{"name": "car", "type": "bbox"}])
    return pg.upload("ann", "img.png", png(solid(64, 48)), directory_path="/dir")


def test_save_get_replace_delete(pg):
    im = make_image(pg)
    r = pg.post("/annotations/ann/dir/img.png", json={"annotations": [BBOX, OBB, POLY, LINE, KP]})
    assert r.status_code == 200, r.text
    assert r.json() == {"image_id": im["id"], "previous_count": 0, "new_count": 5, "status": "new"}
    r = pg.get("/annotations/ann/dir/img.png")
    body = r.json()
    assert body["success"] is True and body["image_id"] == im["id"] and body["filename"] == "img.png"
    assert body["annotation_count"] == 5
    anns = body["annotations"]
    for a in anns:
        check_strict(a)
    assert [a["id"] for a in anns] == ["b1", "b2", "p1", "l1", "k1"]
    assert anns[0]["bounding_box"] == {"x": -5.0, "y": 2.5, "w": 10.0, "h": 20.0}
    assert anns[0]["attributes"] == {"color": "red"} and anns[0]["confidence"] == 0.9
    assert anns[1]["oriented_box"] == {"cx": 3.0, "cy": 3.0, "w": 2.0, "h": 3.0, "angle": 45.0}
    assert anns[1]["confidence"] == 1.0 and anns[1]["attributes"] == []
    assert len(anns[2]["polygon"]["paths"]) == 2 and anns[2]["created_by"] == "sam3"
    assert anns[2]["bounding_box"] == {"x": 0.0, "y": 0.0, "w": 10.0, "h": 10.0}
    assert anns[3]["polyline"]["path"][1] == {"x": 5.0, "y": 5.0}
    assert anns[4]["keypoint"] == {"x": 3.0, "y": 4.0} and anns[4]["instance_id"] == 2
    assert "bounding_box" not in anns[4]

    # unknown names became classes; the image status did not change
    classes = {c["name"]: c.get("type") for c in pg.get("/datasets/ann").json()["data"]["classes"]}
    assert classes == {"car": "bbox", "lake": "polygon", "road": "polyline", "nose": "keypoint"}
    meta = pg.get(f"/images/{im['id']}/metadata").json()["data"]
    assert meta["annotation_count"] == 5 and meta["status"] == "new" and meta["min_confidence"] == 0.5

    # full replacement, then clear with an empty list
    r = pg.post("/annotations/ann/dir/img.png", json={"annotations": [KP]})
    assert r.json()["previous_count"] == 5 and r.json()["new_count"] == 1
    assert [a["id"] for a in pg.get("/annotations/ann/dir/img.png").json()["annotations"]] == ["k1"]
    r = pg.post(f"/annotations/{im['dataset_id']}/dir/img.png", json={"annotations": []})
    assert r.json()["previous_count"] == 1 and r.json()["new_count"] == 0
    pg.post("/annotations/ann/dir/img.png", json={"annotations": [BBOX, LINE]})
    r = pg.delete("/annotations/ann/dir/img.png")
    assert r.status_code == 200 and r.json() == {"image_id": im["id"], "deleted_count": 2}
    assert pg.get("/annotations/ann/dir/img.png").json()["annotations"] == []


def test_id_is_generated_when_absent(pg):
    make_image(pg)
    pg.post("/annotations/ann/dir/img.png", json={"annotations": [{"name": "car", "type": "bbox",
                                                                    "bounding_box": {"x": 1, "y": 1, "w": 2, "h": 2}}]})
    a = pg.get("/annotations/ann/dir/img.png").json()["annotations"][0]
    assert len(a["id"]) == 36


def test_strictness(pg):
    make_image(pg)
    path = "/annotations/ann/dir/img.png"
    cases = [
        ({"annotations": [dict(BBOX, area=3)]}, ("body", "annotations", 0, "area"), "extra_forbidden"),
        ({"annotations": [dict(KP, bounding_box={"x": 0, "y": 0, "w": 1, "h": 1})]},
         ("body", "annotations", 0, "bounding_box"), "extra_forbidden"),
        ({"annotations": [{**BBOX, "bounding_box": {"x": 0, "y": 0, "w": 0, "h": 1}}]},
         ("body", "annotations", 0, "bounding_box", "w"), "greater_than"),
        ({"annotations": [{**BBOX, "bounding_box": {"x": 0, "y": 0, "w": 1, "h": 1, "z": 1}}]},
         ("body", "annotations", 0, "bounding_box", "z"), "extra_forbidden"),
        ({"annotations": [{k: v for k, v in BBOX.items() if k != "bounding_box"}]},
         ("body", "annotations", 0, "bounding_box"), "missing"),
        ({"annotations": [{**POLY, "polygon": {"paths": [[{"x": 0, "y": 0}, {"x": 1, "y": 1}]]}}]},
         ("body", "annotations", 0, "polygon", "paths", 0), "too_short"),
        ({"annotations": [{**POLY, "polygon": {"paths": []}}]},
         ("body", "annotations", 0, "polygon", "paths"), "too_short"),
        ({"annotations": [{**LINE, "polyline": {"path": [{"x": 0, "y": 0}]}}]},
         ("body", "annotations", 0, "polyline", "path"), "too_short"),
        ({"annotations": [{**KP, "keypoint": {"x": 1, "y": 2, "z": 3}}]},
         ("body", "annotations", 0, "keypoint", "z"), "extra_forbidden"),
        ({"annotations": [{**KP, "instance_id": 0}]}, ("body", "annotations", 0, "instance_id"),
         "greater_than_equal"),
        ({"annotations": [{**BBOX, "confidence": 1.5}]}, ("body", "annotations", 0, "confidence"),
         "less_than_equal"),
        ({"annotations": [{**BBOX, "name": "   "}]}, ("body", "annotations", 0, "name"), "value_error"),
        ({"annotations": [{**BBOX, "type": "mask"}]}, ("body", "annotations", 0, "type"), "union_tag_invalid"),
        ({"annotations": [{**OBB, "oriented_box": {"cx": 0, "cy": 0, "w": 1, "h": 1, "angle": 360}}]},
         ("body", "annotations", 0, "oriented_box", "angle"), "less_than"),
        ({"annotations": [BBOX], "image_id": "x"}, ("body", "image_id"), "extra_forbidden"),
        ({}, ("body", "annotations"), "missing"),
        ({"annotations": {"a": 1}}, ("body", "annotations"), "list_type"),
    ]
    for body, loc, typ in cases:
        errs = field_errors(pg.post(path, json=body))
        assert (loc, typ) in errs, (body, errs)
    # nothing was written by any of them
    assert pg.get(path).json()["annotations"] == []


def test_not_found(pg, other):
    im = make_image(pg)
    assert_pg_error(pg.get("/annotations/ann/dir/none.png"), 404, "not_found")
    assert_pg_error(pg.get("/annotations/ann/img.png"), 404, "not_found")  # the directory is part of the path
    assert_pg_error(pg.get(f"/annotations/ann/{im['id']}"), 404, "not_found")  # a UUID is not a path
    assert_pg_error(pg.get("/annotations/nope/dir/img.png"), 404, "not_found")
    assert_pg_error(pg.post("/annotations/ann/dir/none.png", json={"annotations": []}), 404, "not_found")
    assert_pg_error(pg.delete("/annotations/ann/dir/none.png"), 404, "not_found")
    other.create_dataset("ann")
    assert_pg_error(other.get(f"/annotations/{im['dataset_id']}/dir/img.png"), 404, "not_found")
    assert_pg_error(other.get("/annotations/ann/dir/img.png"), 404, "not_found")
    assert_pg_error(other.post("/annotations/ann/dir/img.png", json={"annotations": [BBOX]}), 404)
    assert_pg_error(pg.get("/annotations/ann/dir/img.png", key="bad"), 401, "unauthorized")


def test_bulk_save(pg, other):
    a = make_image(pg)
    b = pg.upload("ann", "b.png", png(solid(10, 10)))
    other.create_dataset("o")
    oim = other.upload("o", "o.png", png(solid(5, 5)))
    r = pg.post("/annotations/bulk", json={"saves": [
        {"image_id": a["id"], "annotations": [BBOX, KP]},
        {"image_id": b["id"], "annotations": [LINE]},
        {"image_id": oim["id"], "annotations": [BBOX]},
        {"image_id": "not-a-uuid", "annotations": []}]})
    assert r.status_code == 200, r.text
    res = r.json()
    assert [(s["image_id"], s["previous_count"], s["new_count"], s["status"]) for s in res["saved"]] == [
        (a["id"], 0, 2, "new"), (b["id"], 0, 1, "new")]
    assert [f["image_id"] for f in res["failed"]] == [oim["id"], "not-a-uuid"]
    assert other.get("/annotations/o/o.png").json()["annotations"] == []
    too_many = {"saves": [{"image_id": a["id"], "annotations": []}] * 201}
    assert (("body", "saves"), "too_long") in field_errors(pg.post("/annotations/bulk", json=too_many))
    errs = field_errors(pg.post("/annotations/bulk", json={"saves": [{"image_id": a["id"],
                                                                        "annotations": [dict(BBOX, x=1)]}]}))
    assert (("body", "saves", 0, "annotations", 0, "x"), "extra_forbidden") in errs


def test_annotations_from_other_dialects_render_strictly(pg, server):
    """Rows another dialect wrote (kinds without a Pictograph form, blank labels,
    degenerate shapes) never reach the client as invalid objects."""
    im = make_image(pg)
    with server.db() as conn:
        rows = [("bbox", "box", '{"x":1,"y":1,"w":3,"h":4}'), ("mask", "m", '{"rle":{"counts":[1],"size":[1,1]}}'),
                ("classification", "c", "{}"), ("polyline", "", '{"points":[[0,0],[5,0]]}'),
                ("bbox", "flat", '{"x":1,"y":1,"w":0,"h":4}'), ("point", "p", '{"x":2,"y":3}')]
        for i, (kind, label, geom) in enumerate(rows):
            conn.execute("INSERT INTO annotations(id, workspace_id, dataset_id, asset_id, kind, label, geometry,"
                         " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                         (f"x{i}", pg.ws["id"], im["dataset_id"], im["id"], kind, label, geom, i, i))
    anns = pg.get("/annotations/ann/dir/img.png").json()["annotations"]
    assert [(a["type"], a["name"]) for a in anns] == [("bbox", "box"), ("polyline", "object"), ("keypoint", "p")]
    for a in anns:
        check_strict(a)
    assert "bounding_box" not in anns[1]  # a horizontal line has no box with an area
    assert json.dumps(anns)
