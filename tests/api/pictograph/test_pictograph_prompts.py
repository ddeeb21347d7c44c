"""Auto-annotate prompts (spec §5.1, §10.1, §10.2, guide "point/box/text"):
results computed from pixels — exact geometry on the fixture shapes, IoU >= 0.9
on discs, rectangles and L-shapes drawn here on noisy and textured backgrounds,
text prompts that find every object of the named colour and no other — the
three statuses, negative points and boxes, determinism, image resolution by
name / path / UUID, and the errors."""
import numpy as np
import pytest

from conftest import FIXTURES
from pictograph.pg_client import (assert_pg_error, bbox_mask, disc_mask, field_errors, iou, l_mask, noisy_background,
                                  paint, png, polygon_mask, rect_mask, solid, textured_background, to_image)

ANN_KEYS = {"id", "name", "type", "bounding_box", "polygon", "confidence", "created_by", "attributes"}


def test_point_exact_rectangle(shapes, pg):
    r = pg.point("shapes", "shapes-rect.png", 50, 60, name="box")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"status", "annotation", "annotations", "score", "inference_time"}
    assert body["status"] == "success" and body["score"] >= 0.9
    ann = body["annotation"]
    assert body["annotations"] == [ann]
    assert set(ann) == ANN_KEYS
    assert ann["type"] == "polygon" and ann["name"] == "box" and ann["created_by"] == "sam3"
    assert ann["confidence"] == body["score"] and ann["attributes"] == []
    assert ann["bounding_box"] == {"x": 32.0, "y": 40.0, "w": 64.0, "h": 48.0}
    assert ann["polygon"]["paths"] == [[{"x": 32.0, "y": 40.0}, {"x": 96.0, "y": 40.0}, {"x": 96.0, "y": 88.0},
                                        {"x": 32.0, "y": 88.0}]]
    assert isinstance(body["inference_time"], float)


@pytest.mark.parametrize("image,click,bbox", [
    ("shapes-circle.png", (128, 96), (80, 48, 96, 96)),
    ("shapes-multi.png", (70, 50), (24, 24, 96, 64)),
    ("shapes-multi.png", (232, 72), (188, 28, 88, 88)),
    ("shapes-multi.png", (160, 190), (76, 132, 168, 84)),
    ("shapes-alpha.png", (40, 40), (16, 16, 56, 56)),
    ("shapes-alpha.png", (112, 64), (80, 32, 64, 64)),
])
def test_point_and_box_on_fixture_shapes(shapes, pg, image, click, bbox):
    x, y, w, h = bbox
    want = {"x": float(x), "y": float(y), "w": float(w), "h": float(h)}
    r = pg.point("shapes", image, *click)
    assert r.json()["status"] == "success", r.text
    assert r.json()["annotation"]["bounding_box"] == want
    r = pg.box("shapes", image, {"x": x - 7, "y": y - 5, "w": w + 13, "h": h + 9}, return_polygon=False)
    body = r.json()
    assert body["status"] == "success", r.text
    assert set(body) == {"status", "annotations", "score", "inference_time"}
    assert body["annotations"][0]["type"] == "bbox" and body["annotations"][0]["bounding_box"] == want
    assert set(body["annotations"][0]) == ANN_KEYS - {"polygon"}


def draw_scene(background: str):
    """Two red discs, a blue rectangle and a yellow L; objects carry noise too
    (sigma 6, or 14 on the heavy-noise background of sigma 28)."""
    w, h = 360, 260
    heavy = background == "heavy-noise"
    arr = (noisy_background(w, h, sigma=28.0 if heavy else 12.0) if background != "textured"
           else textured_background(w, h))
    shapes = {
        "disc": (disc_mask(w, h, 80, 80, 42), (220, 40, 40)),
        "rect": (rect_mask(w, h, 190, 40, 110, 70), (40, 70, 210)),
        "ell": (l_mask(w, h, 40, 150, 90, 28), (235, 205, 40)),
        "disc2": (disc_mask(w, h, 280, 190, 36), (225, 45, 50)),
    }
    for i, (mask, color) in enumerate(shapes.values()):
        paint(arr, mask, color, sigma=14.0 if heavy else 6.0, seed=10 + i)
    return to_image(arr), shapes, (w, h)


@pytest.mark.parametrize("background", ["noisy", "textured", "heavy-noise"])
def test_accuracy_on_drawn_shapes(pg, background):
    img, shapes, (w, h) = draw_scene(background)
    pg.create_dataset("scene")
    pg.upload("scene", "scene.png", png(img))
    clicks = {"disc": (80, 80), "rect": (245, 75), "ell": (54, 190), "disc2": (280, 190)}
    for name, (mask, _) in shapes.items():
        r = pg.point("scene", "scene.png", *clicks[name], score_threshold=0.5)
        body = r.json()
        assert body["status"] == "success", (name, body)
        got = polygon_mask(body["annotation"]["polygon"]["paths"], w, h)
        assert iou(got, mask) >= 0.90, (name, iou(got, mask))
        ys, xs = np.nonzero(mask)
        box = {"x": int(xs.min()) - 9, "y": int(ys.min()) - 7, "w": int(xs.max() - xs.min()) + 20,
               "h": int(ys.max() - ys.min()) + 15}
        r = pg.box("scene", "scene.png", box, name=name, confidence_threshold=0.3)
        body = r.json()
        assert body["status"] == "success", (name, body)
        ann = body["annotations"][0]
        got = polygon_mask(ann["polygon"]["paths"], w, h)
        assert iou(got, mask) >= 0.90, (name, iou(got, mask))
        assert iou(bbox_mask(ann["bounding_box"], w, h), bbox_mask(
            {"x": xs.min(), "y": ys.min(), "w": xs.max() - xs.min() + 1, "h": ys.max() - ys.min() + 1}, w, h)) >= 0.9

    # text: every red object and nothing else; then blue, then yellow
    for prompt, names in (("red", ["disc", "disc2"]), ("blue", ["rect"]), ("yellow things", ["ell"])):
        r = pg.text("scene", "scene.png", prompt)
        body = r.json()
        assert body["status"] == "success", body
        anns = body["annotations"]
        assert body["detection_count"] == len(anns) == len(names), (prompt, body)
        for want in names:
            mask = shapes[want][0]
            assert max(iou(polygon_mask(a["polygon"]["paths"], w, h), mask) for a in anns) >= 0.9, (prompt, want)
        for a in anns:
            assert a["name"] == prompt and a["type"] == "polygon"
    r = pg.text("scene", "scene.png", "green")
    assert r.json()["status"] == "no_detection" and r.json()["annotations"] == []


def test_text_output_types_and_limits(shapes, pg):
    r = pg.text("shapes", "shapes-multi.png", "shape", output_type="bbox", max_detections=2)
    body = r.json()
    assert set(body) == {"status", "annotations", "inference_time", "detection_count"}
    assert body["status"] == "success" and body["detection_count"] == 2
    assert all(a["type"] == "bbox" and "polygon" not in a for a in body["annotations"])
    # ranked by area x contrast: the triangle (7140 px) first, then the blue rect (6144)
    assert [a["bounding_box"]["x"] for a in body["annotations"]] == [76.0, 24.0]
    r = pg.text("shapes", "shapes-multi.png", "circle")
    assert [a["bounding_box"] for a in r.json()["annotations"]] == [{"x": 188.0, "y": 28.0, "w": 88.0, "h": 88.0}]
    errs = field_errors(pg.text("shapes", "shapes-multi.png", "x", max_detections=101, output_type="mask"))
    assert (("body", "max_detections"), "less_than_equal") in errs
    assert (("body", "output_type"), "literal_error") in errs
    assert (("body", "text_prompt"), "missing") in field_errors(
        pg.post("/auto-annotate/sam3/text", json={"dataset_name": "shapes", "image_filename": "shapes-multi.png"}))


def test_statuses(shapes, pg):
    # point outside the image
    body = pg.point("shapes", "shapes-rect.png", 500, 10).json()
    assert body == {"status": "no_detection", "annotation": None, "annotations": [], "score": None,
                    "inference_time": body["inference_time"]}
    # the background region fills the image: found, but it scores below the threshold
    body = pg.point("shapes", "shapes-rect.png", 3, 3).json()
    assert body["status"] == "below_threshold" and body["annotation"] is None and body["annotations"] == []
    assert 0 <= body["score"] < 0.75
    # threshold above the object's score
    body = pg.point("shapes", "shapes-rect.png", 50, 60, score_threshold=1.0).json()
    assert body["status"] == "below_threshold" and body["score"] > 0.9
    body = pg.box("shapes", "shapes-multi.png", {"x": 10, "y": 10, "w": 130, "h": 100},
                  confidence_threshold=1.0).json()
    assert body["status"] == "below_threshold" and body["annotations"] == []
    # a box over plain background, and one outside the image
    for b in ({"x": 140, "y": 100, "w": 30, "h": 20}, {"x": 1000, "y": 5, "w": 30, "h": 20}):
        body = pg.box("shapes", "shapes-multi.png", b).json()
        assert body["status"] == "no_detection" and body["score"] is None
    body = pg.text("shapes", "shapes-rect.png", "white", confidence_threshold=1.0).json()
    assert body["status"] == "below_threshold" and body["detection_count"] == 0
    assert pg.text("shapes", "shapes-rect.png", "blue").json()["status"] == "no_detection"


def test_negative_points_and_boxes(shapes, pg):
    whole = pg.point("shapes", "shapes-multi.png", 40, 50).json()["annotation"]["bounding_box"]
    assert whole == {"x": 24.0, "y": 24.0, "w": 96.0, "h": 64.0}
    part = pg.point("shapes", "shapes-multi.png", 40, 50, negative_points=[[110, 50]]).json()["annotation"]
    assert part["bounding_box"]["x"] == 24.0 and part["bounding_box"]["x"] + part["bounding_box"]["w"] <= 110
    # a positive point on another shape joins it; the larger component is kept
    joined = pg.point("shapes", "shapes-multi.png", 40, 50, positive_points=[[160, 190]]).json()["annotation"]
    assert joined["bounding_box"] == {"x": 76.0, "y": 132.0, "w": 168.0, "h": 84.0}
    body = pg.box("shapes", "shapes-circle.png", {"x": 70, "y": 40, "w": 120, "h": 115},
                  negative_boxes=[{"x": 128, "y": 0, "w": 128, "h": 192}]).json()
    assert body["annotations"][0]["bounding_box"]["x"] == 80.0
    assert body["annotations"][0]["bounding_box"]["w"] == 48.0
    errs = field_errors(pg.point("shapes", "shapes-multi.png", 1, 1, negative_points=[[1]], positive_points=5))
    assert (("body", "negative_points", 0), "value_error") in errs
    assert (("body", "positive_points"), "list_type") in errs
    errs = field_errors(pg.box("shapes", "shapes-multi.png", {"x": 1, "y": 1, "w": 10, "h": 0},
                               negative_boxes=[{"x": 0, "y": 0, "w": -1, "h": 2}]))
    assert (("body", "box", "h"), "greater_than") in errs
    assert (("body", "negative_boxes", 0, "w"), "greater_than") in errs


def test_determinism(shapes, pg):
    calls = [
        lambda: pg.point("shapes", "shapes-multi.png", 232, 72, name="sun"),
        lambda: pg.box("shapes", "shapes-multi.png", {"x": 70, "y": 120, "w": 180, "h": 100}),
        lambda: pg.text("shapes", "shapes-multi.png", "objects"),
    ]
    for call in calls:
        first = call().content
        for _ in range(20):
            assert call().content == first


def test_image_resolution(shapes, pg, other):
    root = shapes["images"]["shapes-multi.png"]["id"]
    val = shapes["images"]["val/shapes-multi.png"]["id"]
    # a bare name is the root image; a path or a UUID names exactly one
    for ref in ("shapes-multi.png", "val/shapes-multi.png", root, val):
        assert pg.point("shapes", ref, 70, 50).json()["status"] == "success"
    assert pg.point(shapes["dataset"]["id"], val, 70, 50).json()["status"] == "success"
    assert_pg_error(pg.point("nope", "shapes-multi.png", 1, 1), 404, "not_found")
    assert_pg_error(pg.point("shapes", "nope.png", 1, 1), 404, "not_found")
    assert_pg_error(pg.point("shapes", "train/shapes-multi.png", 1, 1), 404, "not_found")
    pg.create_dataset("elsewhere")
    assert_pg_error(pg.point("elsewhere", root, 1, 1), 404, "not_found")
    other.create_dataset("shapes")
    assert_pg_error(other.point("shapes", root, 1, 1), 404, "not_found")
    assert_pg_error(other.point(shapes["dataset"]["id"], "shapes-multi.png", 1, 1), 404, "not_found")


def test_validation(shapes, pg):
    errs = field_errors(pg.post("/auto-annotate/sam3/point", json={"x": "1", "score_threshold": 2, "foo": 1}))
    assert {(("body", "dataset_name"), "missing"), (("body", "image_filename"), "missing"),
            (("body", "x"), "float_type"), (("body", "y"), "missing"),
            (("body", "score_threshold"), "less_than_equal"), (("body", "foo"), "extra_forbidden")} <= set(errs)
    errs = field_errors(pg.post("/auto-annotate/sam3/box", json={"dataset_name": "shapes",
                                                                 "image_filename": "shapes-rect.png"}))
    assert (("body", "box"), "missing") in errs
    errs = field_errors(pg.box("shapes", "shapes-rect.png", {"x": 1, "y": 1, "w": 2, "h": 2}, return_polygon="yes"))
    assert (("body", "return_polygon"), "bool_type") in errs


def test_undecodable_image_is_422_and_free(pg, server):
    pg.create_dataset("odd")
    r = pg.post("/images/upload-url", json={"dataset": "odd", "filename": "x.gif", "directory_path": "/",
                                            "content_type": "image/gif"})
    server.http.put(r.json()["data"]["upload_url"], data=b"GIF89a\x01\x00\x01\x00")
    pg.post("/images/register", json={"dataset": "odd", "filename": "x.gif", "directory_path": "/",
                                      "content_type": "image/gif", "width": 1, "height": 1})
    before = pg.balance()
    assert_pg_error(pg.point("odd", "x.gif", 0, 0), 422, "validation_error")
    assert pg.balance() == before


def test_photo_prompts(pg):
    """Real photographs: plausible, deterministic answers in every status."""
    pg.create_dataset("photos")
    pg.upload("photos", "coins.jpg", (FIXTURES / "images" / "coins.jpg").read_bytes(), content_type="image/jpeg")
    for x, y in ((50, 50), (190, 150), (300, 250)):
        body = pg.point("photos", "coins.jpg", x, y, score_threshold=0.0).json()
        assert body["status"] == "success"
        assert 0 <= body["score"] <= 1
    body = pg.text("photos", "coins.jpg", "coin", confidence_threshold=0.0).json()
    assert body["status"] in ("success", "no_detection")


def test_registered_answers_win(shapes, pg, server, other):
    img = shapes["images"]["shapes-rect.png"]["id"]
    url = f"/_emulator/workspaces/{pg.ws['id']}/pictograph/answers"
    ann = {"id": "fixed-1", "name": "door", "type": "bbox", "bounding_box": {"x": 1, "y": 2, "w": 3, "h": 4},
           "confidence": 0.42, "created_by": "sam3", "attributes": []}
    r = server.put(url, json={"image_id": img, "prompt": "point", "status": "success", "annotations": [ann],
                              "score": 0.42})
    assert r.status_code == 200, r.text
    server.put(url, json={"image_id": img, "prompt": "text", "text_prompt": "door", "status": "success",
                          "annotations": [ann]})
    server.put(url, json={"image_id": img, "prompt": "box", "status": "no_detection"})
    before = pg.balance()
    body = pg.point("shapes", "shapes-rect.png", 50, 60).json()
    assert body["status"] == "success" and body["annotation"] == ann and body["annotations"] == [ann]
    assert body["score"] == 0.42
    body = pg.text("shapes", "shapes-rect.png", "door").json()
    assert body["annotations"] == [ann] and body["detection_count"] == 1
    assert pg.text("shapes", "shapes-rect.png", "white").json()["annotations"][0]["name"] == "white"  # computed
    assert pg.box("shapes", "shapes-rect.png", {"x": 20, "y": 30, "w": 90, "h": 70}).json()["status"] == \
        "no_detection"
    assert pg.balance() == before - 30_000 - 3 * 10_000    # answered prompts are charged like any other
    items = server.get(url).json()["items"]
    assert sorted(i["prompt"] for i in items) == ["box", "point", "text"]
    # strict validation of what is registered
    bad = [{"image_id": img, "prompt": "point", "status": "success", "annotations": [dict(ann, area=1)]},
           {"image_id": img, "prompt": "point", "status": "success", "annotations": []},
           {"image_id": img, "prompt": "point", "status": "no_detection", "annotations": [ann]},
           {"image_id": img, "prompt": "text", "status": "success", "annotations": [ann]},
           {"image_id": img, "prompt": "lasso", "status": "success"},
           {"image_id": img, "prompt": "point", "status": "in_progress"}]
    for b in bad:
        r = server.put(url, json=b)
        assert r.status_code == 400 and r.json()["error"]["code"] == "validation_error", (b, r.text)
    other_img = other.create_dataset("o") and other.upload("o", "o.png", png(solid(4, 4)))["id"]
    assert server.put(url, json={"image_id": other_img, "prompt": "box", "status": "no_detection"}).status_code == 404
    assert server.delete(url).status_code == 204
    assert server.get(url).json()["items"] == []
    assert pg.point("shapes", "shapes-rect.png", 50, 60).json()["annotation"]["name"] == "object"
