"""Samples (/vlm/v2/sample/): the reference's bodies (create, add-images,
add-objects, remove-objects, set-test, set-untest, type and input-metadata
PATCHes, add-variable-value), the reference's response fields, input metadata
defaults and merging, image order/text/resize, the 10-object limit, filters,
the thumbnails behind sample-images / sample-objects, and isolation."""
import io
import re

import requests
from PIL import Image

from ximilar.xim_client import textured_image

SAMPLE_KEYS = {"id", "dataset", "dataset_name", "test", "name", "description", "type", "created_date",
               "result_template", "user_prompt", "input_meta_data", "meta_data", "images_count", "objects_count",
               "variables_count", "dataset_variables_config", "workspace"}


def test_reference_get_shape_and_defaults(xim, grading):
    g = grading
    s = xim.create("vlm/v2/sample/", {"dataset": g["dataset"]["id"], "name": "Sample 1", "test": False})
    assert SAMPLE_KEYS <= set(s)
    assert s["type"] == "multi_random" and s["test"] is False and s["description"] is None
    assert s["dataset_name"] == "My Training Dataset"
    assert s["result_template"] == '{"grade": {{grade}}, "explain": "{{explain}}"}'
    assert s["user_prompt"] == g["user"]["content"]
    # Dataset defaults + a null entry for each user-prompt placeholder they miss.
    assert s["input_meta_data"] == {"category": "jacket", "style": None}
    assert s["images_count"] == 0 and s["objects_count"] == 0 and s["variables_count"] == 0
    cfg = s["dataset_variables_config"]
    assert cfg["grade"] == {"id": g["grade"]["id"], "type": "float", "required": True, "min_value": 0.0,
                            "max_value": 10.0, "step_size": 0.5}
    assert cfg["explain"] == {"id": g["explain"]["id"], "type": "string", "required": False}
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", s["created_date"])
    assert xim.fetch(f"vlm/v2/sample/{s['id']}/") == s
    assert xim.fetch(f"vlm/v2/dataset/{g['dataset']['id']}/")["samples_count"] == 1


def test_patches_type_input_metadata_and_test_flag(xim, grading):
    s = xim.create("vlm/v2/sample/", {"dataset": grading["dataset"]["id"]})
    u = xim.ok(xim.patch(f"vlm/v2/sample/{s['id']}/", {"type": "multi_ordered"}), 200)
    assert u["type"] == "multi_ordered"
    xim.error(xim.patch(f"vlm/v2/sample/{s['id']}/", {"type": "double"}), 400, "type")
    u = xim.ok(xim.patch(f"vlm/v2/sample/{s['id']}/",
                         {"input_meta_data": {"style": "elegant", "category": "jacket"}}), 200)
    assert u["input_meta_data"] == {"category": "jacket", "style": "elegant"}
    u = xim.ok(xim.patch(f"vlm/v2/sample/{s['id']}/", {"input_meta_data": {"size": "M"}}), 200)
    assert u["input_meta_data"] == {"category": "jacket", "style": "elegant", "size": "M"}  # merged
    u = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/set-test/"), 200)
    assert u["test"] is True
    assert xim.fetch(f"vlm/v2/sample/?test=true&dataset={grading['dataset']['id']}")["count"] == 1
    assert xim.fetch("vlm/v2/sample/?test=false")["count"] == 0
    u = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/set-untest/"), 200)
    assert u["test"] is False
    u = xim.ok(xim.patch(f"vlm/v2/sample/{s['id']}/", {"result_template": "{{grade}}", "name": "n"}), 200)
    assert u["result_template"] == "{{grade}}" and u["name"] == "n"
    u = xim.ok(xim.patch(f"vlm/v2/sample/{s['id']}/", {"result_template": None}), 200)
    assert u["result_template"] == grading["template"]["content"]  # back to the dataset's
    xim.error(xim.patch(f"vlm/v2/sample/{s['id']}/", {"input_meta_data": [1]}), 400, "input_meta_data")
    xim.error(xim.get("vlm/v2/sample/", params={"test": "maybe"}), 400, "test")


def test_create_validation_and_filters(xim, grading):
    xim.error(xim.post("vlm/v2/sample/", {"name": "x"}), 400, "dataset")
    xim.error(xim.post("vlm/v2/sample/", {"dataset": "00000000-0000-4000-8000-000000000000"}), 400, "dataset")
    xim.error(xim.post("vlm/v2/sample/", {"dataset": grading["dataset"]["id"], "type": "all"}), 400, "type")
    s = xim.create("vlm/v2/sample/", {"dataset": grading["dataset"]["id"], "name": "Red jacket", "type": "single",
                                       "input_meta_data": {"k": "v"}})
    assert s["type"] == "single" and s["input_meta_data"] == {"k": "v"}
    xim.create("vlm/v2/sample/", {"dataset": grading["dataset"]["id"], "name": "Blue coat"})
    other_ds = xim.create("vlm/v2/dataset/", {"name": "o"})
    xim.create("vlm/v2/sample/", {"dataset": other_ds["id"], "name": "Green jacket"})
    assert xim.fetch(f"vlm/v2/sample/?dataset={grading['dataset']['id']}")["count"] == 2
    assert [x["name"] for x in xim.all("vlm/v2/sample/", {"search": "jacket"})] == ["Red jacket", "Green jacket"]
    xim.error(xim.get("vlm/v2/sample/", params={"dataset": "x"}), 400, "dataset")
    assert xim.delete(f"vlm/v2/sample/{s['id']}/").status_code == 204
    xim.error(xim.get(f"vlm/v2/sample/{s['id']}/"), 404)


def test_images_order_text_resize_and_thumbnails(xim, grading):
    s = xim.create("vlm/v2/sample/", {"dataset": grading["dataset"]["id"]})
    i1, i2, i3 = (xim.upload(textured_image(n, size=(400, 300))) for n in (101, 102, 103))
    out = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": [i1["id"], i2["id"]]}), 200)
    assert out["images_count"] == 2 and [x["image_id"] for x in out["images"]] == [i1["id"], i2["id"]]
    out = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": [
        {"id": i3["id"], "order": 0, "text": "front", "resize": "512x512", "meta_data": {"view": "front"}}]}), 200)
    items = xim.ok(xim.get(f"vlm/v2/sample/{s['id']}/sample-images/"), 200)
    assert isinstance(items, list) and len(items) == 3
    first = items[0]
    assert set(first) >= {"id", "image_id", "img_path", "thumb", "text", "order", "resize", "meta_data", "workspace"}
    assert first["image_id"] == i3["id"] and first["text"] == "front" and first["resize"] == "512x512"
    assert first["meta_data"] == {"view": "front"} and first["order"] == 0
    assert items[1]["text"] is None and items[1]["resize"] is None
    # img_path / thumb are absolute and fetchable without auth; the thumb is a smaller real image.
    full = requests.get(first["img_path"], timeout=30)
    thumb = requests.get(first["thumb"], timeout=30)
    assert full.status_code == 200 and thumb.status_code == 200
    assert Image.open(io.BytesIO(full.content)).size == (400, 300)
    tw, th = Image.open(io.BytesIO(thumb.content)).size
    assert max(tw, th) <= 256 and (tw, th) != (400, 300)
    # Adding the same image again does not duplicate it.
    out = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": [i1["id"]]}), 200)
    assert out["images_count"] == 3
    out = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/remove-images/", {"image_ids": [i2["id"]]}), 200)
    assert out["images_count"] == 2
    xim.error(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": ["x"]}), 400, "image_ids")
    xim.error(xim.post(f"vlm/v2/sample/{s['id']}/add-images/",
                       {"image_ids": ["00000000-0000-4000-8000-000000000000"]}), 400, "image_ids")
    xim.error(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {}), 400, "image_ids")


def boxes(xim, n, image_id=None):
    img = image_id or xim.upload(textured_image(200, size=(300, 200)))["id"]
    lab = xim.create("detection/v2/label/", {"name": "car", "color": "#FF0000"})
    return img, lab, [xim.create("detection/v2/object/", {"detection_label": lab["id"], "image": img,
                                                           "data": [10 + i, 15, 100 + i, 150]}) for i in range(n)]


def test_objects_limit_and_listing(xim, grading):
    s = xim.create("vlm/v2/sample/", {"dataset": grading["dataset"]["id"]})
    img, lab, objs = boxes(xim, 11)
    r = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-objects/",
                        {"detection_object_ids": [objs[0]["id"], objs[1]["id"]]}), 200)
    assert r == {"added": 2}
    r = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-objects/",
                        {"detection_object_ids": [o["id"] for o in objs[2:10]]}), 200)
    assert r == {"added": 8}
    # The 11th object is refused, and nothing of that call is kept.
    xim.error(xim.post(f"vlm/v2/sample/{s['id']}/add-objects/", {"detection_object_ids": [objs[10]["id"]]}),
              400, "at most 10")
    assert xim.fetch(f"vlm/v2/sample/{s['id']}/")["objects_count"] == 10
    r = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/remove-objects/", {"detection_object_ids": [objs[0]["id"]]}), 200)
    assert r == {"removed": 1}
    r = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/remove-objects/", {"detection_object_ids": [objs[0]["id"]]}), 200)
    assert r == {"removed": 0}
    items = xim.ok(xim.get(f"vlm/v2/sample/{s['id']}/sample-objects/"), 200)
    assert len(items) == 9
    it = items[0]
    assert set(it) >= {"id", "detection_object_id", "image_id", "image_url", "thumb_url", "label_name", "label_color",
                       "bbox", "text", "order", "meta_data", "workspace"}
    assert it["detection_object_id"] == objs[1]["id"] and it["image_id"] == img
    assert it["label_name"] == "car" and it["label_color"] == "#FF0000" and it["bbox"] == [11, 15, 101, 150]
    crop = requests.get(it["thumb_url"], timeout=30)
    assert crop.status_code == 200 and Image.open(io.BytesIO(crop.content)).size == (90, 135)
    xim.error(xim.post(f"vlm/v2/sample/{s['id']}/add-objects/",
                       {"detection_object_ids": ["00000000-0000-4000-8000-000000000000"]}), 400,
              "detection_object_ids")


def test_reference_workspace_examples(xim, grading):
    # "Create a sample in a specific workspace" and "Get all samples from a specific workspace".
    s = xim.create("vlm/v2/sample/", {"dataset": grading["dataset"]["id"], "workspace": xim.ws_id})
    assert s["workspace"] == xim.ws_id
    page = xim.fetch(f"vlm/v2/sample/?workspace={xim.ws_id}")
    assert page["count"] == 1 and page["results"][0]["id"] == s["id"]


def test_sample_isolation(xim, other, grading):
    s = xim.create("vlm/v2/sample/", {"dataset": grading["dataset"]["id"]})
    for r in (other.get(f"vlm/v2/sample/{s['id']}/"), other.patch(f"vlm/v2/sample/{s['id']}/", {"name": "x"}),
              other.delete(f"vlm/v2/sample/{s['id']}/"), other.post(f"vlm/v2/sample/{s['id']}/set-test/"),
              other.get(f"vlm/v2/sample/{s['id']}/sample-images/"),
              other.get(f"vlm/v2/sample/{s['id']}/sample-objects/")):
        xim.error(r, 404, "Not found.")
    # Another workspace's images cannot be added.
    theirs = other.upload(textured_image(300))
    xim.error(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": [theirs["id"]]}), 400, "image_ids")
    xim.error(other.post("vlm/v2/sample/", {"dataset": grading["dataset"]["id"]}), 400, "dataset")
    assert other.fetch("vlm/v2/sample/")["count"] == 0
