"""Detection labels (/detection/v2/label) and objects (/detection/v2/object):
pixel boxes checked against the image, references as ids or objects, nested
label/image objects in answers, updates (crop rebuilt), filters, isolation."""
import io

import requests
from PIL import Image

from ximilar.xim_client import textured_image


def test_label_crud(xim, other):
    lab = xim.create("detection/v2/label/", {"name": "car", "description": "cars", "color": "#00ff00",
                                              "output_name": "Car", "workspace": xim.ws_id})
    assert {"id", "name", "color", "description", "workspace", "recognition_tasks", "output_name"} <= set(lab)
    assert lab["color"] == "#00ff00" and lab["recognition_tasks"] == []
    assert xim.create("detection/v2/label/", {"name": "x"})["color"] == "#FFFFFF"
    xim.error(xim.post("detection/v2/label/", {"name": "bad", "color": "red"}), 400, "color")
    xim.error(xim.post("detection/v2/label/", {"color": "#000000"}), 400, "name")
    u = xim.ok(xim.patch(f"detection/v2/label/{lab['id']}", {"name": "auto"}), 200)
    assert u["name"] == "auto" and u["color"] == "#00ff00"
    assert xim.fetch("detection/v2/label/?search=aut")["count"] == 1
    xim.error(other.get(f"detection/v2/label/{lab['id']}"), 404)
    assert xim.delete(f"detection/v2/label/{lab['id']}/").status_code == 204
    xim.error(xim.get(f"detection/v2/label/{lab['id']}"), 404)


def test_object_crud_boxes_and_nesting(xim, other):
    img = xim.upload(textured_image(1, size=(300, 200)))
    lab = xim.create("detection/v2/label/", {"name": "car", "color": "#FF0000"})
    o = xim.create("detection/v2/object/", {"detection_label": lab["id"], "image": img["id"],
                                             "data": [10, 20, 110, 170], "meta_data": {"src": "t"}})
    assert o["data"] == [10, 20, 110, 170] and o["meta_data"] == {"src": "t"} and o["recognition_labels"] == []
    assert o["detection_label"]["id"] == lab["id"] and o["detection_label"]["color"] == "#FF0000"
    assert o["image"]["id"] == img["id"] and o["image"]["img_path"] == img["img_path"]
    assert o["image"]["thumb_img_path"] == img["thumb_img_path"] and o["workspace"] == xim.ws_id
    crop = Image.open(io.BytesIO(requests.get(o["thumb_img_path"], timeout=30).content))
    assert crop.size == (100, 150)
    # References sent back as the objects received are accepted; the crop follows the box.
    u = xim.ok(xim.put(f"detection/v2/object/{o['id']}", {"detection_label": o["detection_label"],
                                                          "image": o["image"], "data": [0, 0, 300, 200]}), 200)
    assert u["data"] == [0, 0, 300, 200] and u["meta_data"] == {"src": "t"}
    assert Image.open(io.BytesIO(requests.get(u["thumb_img_path"], timeout=30).content)).size == (256, 170)
    u = xim.ok(xim.patch(f"detection/v2/object/{o['id']}", {"meta_data": None}), 200)
    assert u["meta_data"] is None and u["data"] == [0, 0, 300, 200]
    for bad in ([0, 0, 301, 10], [5, 5, 5, 10], [-1, 0, 10, 10], [0, 0, 10], [0.5, 0, 10, 10], "0,0,1,1"):
        xim.error(xim.post("detection/v2/object/", {"detection_label": lab["id"], "image": img["id"], "data": bad}),
                  400, "data")
    xim.error(xim.post("detection/v2/object/", {"image": img["id"], "data": [0, 0, 1, 1]}), 400, "detection_label")
    xim.error(xim.post("detection/v2/object/", {"detection_label": lab["id"], "image": lab["id"],
                                                "data": [0, 0, 1, 1]}), 400, "image")
    img2 = xim.upload(textured_image(2))
    xim.create("detection/v2/object/", {"detection_label": lab["id"], "image": img2["id"], "data": [1, 1, 2, 2]})
    assert [x["id"] for x in xim.all("detection/v2/object/", {"image": img["id"]})] == [o["id"]]
    assert xim.fetch(f"detection/v2/object/?page=1&object_detection_label={lab['id']}")["count"] == 2
    assert xim.fetch(f"detection/v2/object/?object_labels={lab['id']}")["count"] == 0
    # Another workspace sees nothing and cannot use these ids.
    xim.error(other.get(f"detection/v2/object/{o['id']}"), 404)
    xim.error(other.delete(f"detection/v2/object/{o['id']}/"), 404)
    ol = other.create("detection/v2/label/", {"name": "theirs"})
    xim.error(other.post("detection/v2/object/", {"detection_label": ol["id"], "image": img["id"],
                                                  "data": [0, 0, 1, 1]}), 400, "image")
    assert xim.delete(f"detection/v2/object/{o['id']}/").status_code == 204
    xim.error(xim.get(f"detection/v2/object/{o['id']}"), 404)
