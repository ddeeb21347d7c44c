"""Recognition labels, tasks and models (/recognition/v2/label, task, model),
training as a durable job and classify (prediction envelope)."""
from ximilar.xim_client import b64, reencode, textured_image


def advance(server, ms):
    assert server.post("/_emulator/clock/advance", json={"ms": ms}).status_code == 200


def test_labels_crud_and_filters(xim, other):
    lab = xim.create("recognition/v2/label/", {"name": "cat", "type": "category", "description": "a cat",
                                                "output_name": "Cat"})
    assert lab["images_count"] == 0 and lab["type"] == "category"
    xim.create("recognition/v2/label/", {"name": "fluffy", "type": "tag"})
    assert xim.fetch("recognition/v2/label/?type=tag")["count"] == 1
    assert xim.fetch("recognition/v2/label/?search=ca")["count"] == 1
    xim.error(xim.post("recognition/v2/label/", {"name": "x", "type": "kind"}), 400, "type")
    u = xim.ok(xim.put(f"recognition/v2/label/{lab['id']}", {"name": "kitty", "type": "category"}), 200)
    assert u["name"] == "kitty" and u["description"] is None
    xim.error(other.get(f"recognition/v2/label/{lab['id']}"), 404)
    assert xim.delete(f"recognition/v2/label/{lab['id']}/").status_code == 204


def test_task_train_models_and_classify(server, xim, other):
    server.post("/_emulator/clock", json={"mode": "frozen"})
    task = xim.create("recognition/v2/task/", {"name": "pets", "type": "multi_class", "description": "cats vs dogs"})
    assert task["production_version"] is None and task["type"] == "multi_class" and task["labels"] == []
    cat = xim.create("recognition/v2/label/", {"name": "cat", "type": "category"})
    dog = xim.create("recognition/v2/label/", {"name": "dog", "type": "category"})
    xim.error(xim.post(f"recognition/v2/task/{task['id']}/train/"), 400, "no")
    for lab in (cat, dog):
        t = xim.ok(xim.post(f"recognition/v2/task/{task['id']}/add-label/", {"label_id": lab["id"]}), 200)
    assert [l["id"] for l in t["labels"]] == [cat["id"], dog["id"]]
    images = {}
    for n, lab in ((1, cat), (2, cat), (3, dog), (4, dog)):
        img = xim.upload(textured_image(n))
        xim.ok(xim.post(f"recognition/v2/training-image/{img['id']}/add-label", {"label_id": lab["id"]}), 200)
        images[n] = img
    xim.ok(xim.post(f"recognition/v2/task/{task['id']}/train/"), 200)
    advance(server, 0)
    xim.error(xim.post(f"recognition/v2/task/{task['id']}/train/"), 400, "already")
    advance(server, 2000)
    t = xim.fetch(f"recognition/v2/task/{task['id']}/")
    assert t["last_train_status"] == "TRAINED" and t["production_version"] == 1
    models = xim.all("recognition/v2/model/", {"task": task["id"]})
    m = xim.fetch(f"recognition/v2/model/{models[0]['id']}")
    assert m["task"] == task["id"] and m["task_name"] == "pets" and m["version"] == 1
    assert m["train_status"] == "TRAINED" and m["images_count"] == 4
    out = xim.ok(xim.post("recognition/v2/classify/", {
        "task_id": task["id"], "records": [{"_base64": b64(reencode(textured_image(3)))}, {"_id": images[1]["id"]},
                                           {"_url": images[2]["img_path"]}, {"_base64": "###"}]}), 200)
    assert out["status"] == {"code": 200, "text": "OK"}
    r = out["records"]
    assert r[0]["best_label"]["name"] == "dog" and r[0]["best_label"]["prob"] > 0.9
    assert r[1]["best_label"]["name"] == "cat" and r[2]["best_label"]["name"] == "cat"
    assert r[3]["_status"]["code"] == 400
    assert all("_base64" not in x for x in r)
    bad = xim.post("recognition/v2/classify/", {"records": [{"_base64": "x"}]})
    assert bad.status_code == 400 and bad.json()["status"]["code"] == 400
    gone = other.post("recognition/v2/classify/", {"task_id": task["id"], "records": [{"_id": images[1]["id"]}]})
    assert gone.status_code == 404 and gone.json()["status"]["code"] == 404
    t = xim.ok(xim.post(f"recognition/v2/task/{task['id']}/remove-label/", {"label_id": dog["id"]}), 200)
    assert [l["id"] for l in t["labels"]] == [cat["id"]]
    xim.error(other.get(f"recognition/v2/task/{task['id']}/"), 404)
    xim.error(other.get(f"recognition/v2/model/{m['id']}"), 404)
    assert xim.fetch("recognition/v2/task/?search=pet")["count"] == 1
    u = xim.ok(xim.patch(f"recognition/v2/task/{task['id']}/", {"type": "multi_label"}), 200)
    assert u["type"] == "multi_label"
    assert xim.delete(f"recognition/v2/task/{task['id']}/").status_code == 204
