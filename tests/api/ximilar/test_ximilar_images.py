"""Training images (/recognition/v2/training-image): JSON upload with base64
(plain or data URI), entity shape, unauthenticated img_path / thumb_img_path,
metadata PUT, labels, the batch update, list filters, duplicates, delete,
validation and isolation."""
import io
import re

import requests
from PIL import Image

from ximilar.xim_client import b64, textured_image

IMAGE_KEYS = {"id", "created", "img_path", "thumb_img_path", "workspace", "img_width", "img_height", "meta_data",
              "test_image", "real", "verifyCount", "labels"}


def test_upload_shape_and_urls(xim):
    png = textured_image(1, size=(640, 480))
    img = xim.create("recognition/v2/training-image/", {"base64": b64(png), "noresize": True, "test_image": False,
                                                         "meta_data": {"sku": "A-1"}})
    assert IMAGE_KEYS <= set(img)
    assert img["workspace"] == xim.ws_id and isinstance(img["workspace"], str)
    assert (img["img_width"], img["img_height"]) == (640, 480)
    assert img["meta_data"] == {"sku": "A-1"} and img["labels"] == [] and img["verifyCount"] == 0
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", img["created"])
    for key in ("img_path", "thumb_img_path"):
        assert img[key].startswith(xim.base + "_blob/ximilar/"), img[key]
    full = requests.get(img["img_path"], timeout=30)  # no auth
    assert full.status_code == 200 and full.content == png
    thumb = requests.get(img["thumb_img_path"], timeout=30)
    assert thumb.status_code == 200 and thumb.headers["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(thumb.content)).size == (256, 192)
    # A data-URI JPEG works the same.
    jpg = textured_image(2, fmt="JPEG")
    j = xim.create("recognition/v2/training-image/", {"base64": "data:image/jpeg;base64," + b64(jpg)})
    assert requests.get(j["img_path"], timeout=30).content == jpg
    assert xim.fetch(f"recognition/v2/training-image/{img['id']}") == img


def test_duplicate_upload_names_the_existing_image(xim):
    data = textured_image(3)
    first = xim.upload(data)
    err = xim.error(xim.post("recognition/v2/training-image/", {"base64": b64(data)}), 400, "Image already exists")
    # The client's extraction: the uuid after "image ID" plus two characters.
    d = err["detail"]
    assert d[d.index("image ID") + len("image ID") + 2:][:36] == first["id"]


def test_upload_validation(xim):
    xim.error(xim.post("recognition/v2/training-image/", {}), 400, "base64")
    xim.error(xim.post("recognition/v2/training-image/", {"base64": "@@@"}), 400, "base64")
    xim.error(xim.post("recognition/v2/training-image/", {"base64": b64(b"GIF89a not supported")}), 400, "base64")
    xim.error(xim.post("recognition/v2/training-image/", {"base64": b64(textured_image(4)), "file": "x"}), 400, "file")
    xim.error(xim.post("recognition/v2/training-image/", {"base64": b64(textured_image(4)), "meta_data": []}), 400,
              "meta_data")


def test_metadata_labels_batch_and_filters(xim, other):
    a, b, c = (xim.upload(textured_image(n)) for n in (10, 11, 12))
    u = xim.ok(xim.put(f"recognition/v2/training-image/{a['id']}", {"meta_data": {"color": "red"}}), 200)
    assert u["meta_data"] == {"color": "red"}
    cat = xim.create("recognition/v2/label/", {"name": "cat", "type": "category", "description": "", "output_name": "cat"})
    dog = xim.create("recognition/v2/label/", {"name": "dog", "type": "tag"})
    u = xim.ok(xim.post(f"recognition/v2/training-image/{a['id']}/add-label", {"label_id": cat["id"]}), 200)
    assert [l["id"] for l in u["labels"]] == [cat["id"]] and u["labels"][0]["name"] == "cat"
    r = xim.ok(xim.post("recognition/v2/training-image/update", {
        "images": [b["id"], c["id"]], "labels-add": [dog["id"]], "mark-test": True, "workspace": "Default"}), 200)
    assert r == {"status": "OK", "updated": 2}
    assert xim.fetch(f"recognition/v2/training-image/{b['id']}")["test_image"] is True
    assert {i["id"] for i in xim.all("recognition/v2/training-image/", {"page": 1, "test": "true"})} == {b["id"], c["id"]}
    assert [i["id"] for i in xim.all("recognition/v2/training-image/", {"labels": cat["id"]})] == [a["id"]]
    assert {i["id"] for i in xim.all("recognition/v2/training-image/", {"not_labels": cat["id"]})} == {b["id"], c["id"]}
    r = xim.ok(xim.post("recognition/v2/training-image/update", {"images": [b["id"]], "labels-remove": [dog["id"]],
                                                                 "unmark-test": True, "mark-real": True}), 200)
    assert xim.fetch(f"recognition/v2/training-image/{b['id']}")["labels"] == []
    r = xim.ok(xim.post("recognition/v2/training-image/update", {"images": [c["id"]], "labels": [cat["id"]]}), 200)
    assert [l["id"] for l in xim.fetch(f"recognition/v2/training-image/{c['id']}")["labels"]] == [cat["id"]]
    xim.error(xim.post("recognition/v2/training-image/update", {"images": [a["id"]], "mark-test": True,
                                                                "unmark-test": True}), 400, "mark-test")
    theirs = other.upload(textured_image(13))
    xim.error(xim.post("recognition/v2/training-image/update", {"images": [theirs["id"]], "mark-test": True}), 404)
    u = xim.ok(xim.post(f"recognition/v2/training-image/{a['id']}/remove-label", {"label_id": cat["id"]}), 200)
    assert u["labels"] == []
    xim.error(xim.post(f"recognition/v2/training-image/{a['id']}/add-label", {}), 400, "label_id")


def test_detection_label_filter_delete_and_isolation(xim, other):
    a = xim.upload(textured_image(20))
    b = xim.upload(textured_image(21))
    lab = xim.create("detection/v2/label/", {"name": "car"})
    xim.create("detection/v2/object/", {"detection_label": lab["id"], "image": a["id"], "data": [0, 0, 10, 10]})
    assert [i["id"] for i in xim.all("recognition/v2/training-image/", {"detection_labels": lab["id"]})] == [a["id"]]
    for r in (other.get(f"recognition/v2/training-image/{a['id']}"),
              other.put(f"recognition/v2/training-image/{a['id']}", {"meta_data": {}}),
              other.delete(f"recognition/v2/training-image/{a['id']}/")):
        xim.error(r, 404, "Not found.")
    url = a["img_path"]
    assert xim.delete(f"recognition/v2/training-image/{a['id']}/").status_code == 204
    xim.error(xim.get(f"recognition/v2/training-image/{a['id']}"), 404)
    assert requests.get(url, timeout=30).status_code == 404  # its download is gone with it
    assert [i["id"] for i in xim.all("recognition/v2/training-image/")] == [b["id"]]
    assert xim.fetch("detection/v2/object/")["count"] == 0  # its objects went with it
