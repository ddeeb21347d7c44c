"""Ximilar rows and the rest of the store: images uploaded through another
dialect (core assets) used in VLM samples, workspace reset and delete removing
every Ximilar row (the purge job knows the tables), and isolation of keys."""
import time

import requests

from conftest import count_rows, insert_rows
from ximilar.xim_client import XimClient, textured_image

XIM_TABLES = ["xim_images", "xim_labels", "xim_image_labels", "xim_rtasks", "xim_rtask_labels", "xim_rmodels",
              "xim_rmodel_memory", "xim_dlabels", "xim_dobjects", "xim_prompts", "xim_vlm_datasets", "xim_vlm_tasks",
              "xim_vlm_task_datasets", "xim_vlm_variables", "xim_vlm_samples", "xim_vlm_sample_images",
              "xim_vlm_sample_objects", "xim_vlm_values", "xim_vlm_models", "xim_vlm_memory"]


def populate(server, xim):
    """One of everything, including a trained VLM and recognition model."""
    server.post("/_emulator/clock", json={"mode": "frozen"})
    img = xim.upload(textured_image(1))
    lab = xim.create("recognition/v2/label/", {"name": "cat", "type": "category"})
    xim.ok(xim.post(f"recognition/v2/training-image/{img['id']}/add-label", {"label_id": lab["id"]}), 200)
    rt = xim.create("recognition/v2/task/", {"name": "r", "type": "multi_class"})
    xim.ok(xim.post(f"recognition/v2/task/{rt['id']}/add-label/", {"label_id": lab["id"]}), 200)
    xim.ok(xim.post(f"recognition/v2/task/{rt['id']}/train/"), 200)
    server.post("/_emulator/clock/advance", json={"ms": 0})  # the worker takes the snapshot now
    dl = xim.create("detection/v2/label/", {"name": "box"})
    obj = xim.create("detection/v2/object/", {"detection_label": dl["id"], "image": img["id"], "data": [0, 0, 5, 5]})
    p = xim.create("vlm/v2/prompt/", {"name": "t", "type": "template", "content": "{{g}}"})
    ds = xim.create("vlm/v2/dataset/", {"name": "d", "result_template_id": p["id"]})
    v = xim.create("vlm/v2/variable/", {"dataset": ds["id"], "name": "g", "type": "integer"})
    s = xim.create("vlm/v2/sample/", {"dataset": ds["id"]})
    xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": [img["id"]]}), 200)
    xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-objects/", {"detection_object_ids": [obj["id"]]}), 200)
    xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-variable-value/", {"dataset_variable": v["id"],
                                                                    "value": {"value": 3}}), 200)
    t = xim.create("vlm/v2/task/", {"name": "t"})
    xim.ok(xim.post(f"vlm/v2/task/{t['id']}/add-dataset/", {"dataset_id": ds["id"]}), 200)
    xim.ok(xim.post(f"vlm/v2/task/{t['id']}/train/"), 200)
    server.post("/_emulator/clock/advance", json={"ms": 0})
    assert server.post("/_emulator/clock/advance", json={"ms": 5000}).status_code == 200
    assert xim.fetch(f"vlm/v2/task/{t['id']}/")["last_train_status"] == "TRAINED"
    return img


def test_asset_from_another_dialect_joins_a_sample(server, xim, grading):
    png = textured_image(77, size=(200, 100))
    ids = insert_rows(server.db_path, xim.ws_id, 0, blob=png)
    s = xim.create("vlm/v2/sample/", {"dataset": grading["dataset"]["id"]})
    out = xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": [ids["asset"]]}), 200)
    assert out["images_count"] == 1 and out["images"][0]["image_id"] == ids["asset"]
    assert requests.get(out["images"][0]["img_path"], timeout=30).content == png
    assert requests.get(out["images"][0]["thumb"], timeout=30).status_code == 200
    # It is now usable as a Ximilar image too.
    assert xim.fetch(f"recognition/v2/training-image/{ids['asset']}")["id"] == ids["asset"]
    # Bytes that are not an image cannot join.
    junk = insert_rows(server.db_path, xim.ws_id, 0)
    xim.error(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": [junk["asset"]]}), 400, "image_ids")


def test_workspace_reset_and_delete_remove_every_ximilar_row(server):
    a = server.create_workspace("a")
    b = server.create_workspace("b")
    xa, xb = XimClient.for_workspace(server, a), XimClient.for_workspace(server, b)
    populate(server, xa)
    img_b = populate(server, xb)
    for t in XIM_TABLES:
        assert count_rows(server.db_path, t, a["id"]) > 0, t
    r = server.post(f"/_emulator/workspaces/{a['id']}/reset", json={})
    assert r.status_code in (200, 204), r.text
    for t in XIM_TABLES:
        assert count_rows(server.db_path, t, a["id"]) == 0, t
    assert xa.fetch("vlm/v2/sample/")["count"] == 0
    populate(server, xa)
    assert server.delete(f"/_emulator/workspaces/{a['id']}").status_code == 204
    deadline = time.monotonic() + 30
    while any(count_rows(server.db_path, t, a["id"]) for t in XIM_TABLES):
        assert time.monotonic() < deadline, "purge did not finish"
        server.post("/_emulator/clock/advance", json={"ms": 1000})
        time.sleep(0.05)
    # The other workspace is untouched and its URLs still work.
    for t in XIM_TABLES:
        assert count_rows(server.db_path, t, b["id"]) > 0, t
    assert requests.get(img_b["img_path"], timeout=30).status_code == 200
    assert xb.fetch("vlm/v2/sample/")["count"] == 1
    r = requests.get(xa.url("vlm/v2/sample/"), headers=xa.headers())
    assert r.status_code == 401
