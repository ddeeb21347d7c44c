"""End to end: prompts → dataset with variables → samples with images and
values → task → train (durable job on the virtual clock) → poll until trained →
predictions (a training image gives its rendered result, a new image gives valid
output) → model archive download. Also the failure paths of training."""
import io
import json
import zipfile

import requests
import yaml

from ximilar.conftest import make_grading_dataset
from ximilar.xim_client import b64, reencode, textured_image


def freeze(server):
    r = server.post("/_emulator/clock", json={"mode": "frozen"})
    assert r.status_code == 200, r.text
    return r.json()["now"]


def advance(server, ms):
    r = server.post("/_emulator/clock/advance", json={"ms": ms})
    assert r.status_code == 200, r.text


def annotated_sample(xim, ds, grade_var, explain_var, seed, grade, explain, test=False):
    img = xim.upload(textured_image(seed))
    s = xim.create("vlm/v2/sample/", {"dataset": ds["id"], "name": f"Sample {seed}", "test": test})
    xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": [img["id"]]}), 200)
    xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-variable-value/",
                    {"dataset_variable": grade_var["id"], "value": {"value": grade}}), 200)
    xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-variable-value/",
                    {"dataset_variable": explain_var["id"], "value": {"value": explain}}), 200)
    return s, img


def make_task(xim, g, auto_deploy=True):
    task = xim.create("vlm/v2/task/", {"name": "My Custom Task", "description": "Custom VLM task",
                                        "auto_deploy": auto_deploy, "system_prompt_id": g["system"]["id"],
                                        "user_prompt_id": g["user"]["id"]})
    xim.ok(xim.post(f"vlm/v2/task/{task['id']}/add-dataset/", {"dataset_id": g["dataset"]["id"]}), 200)
    return task


def train(server, xim, task):
    t = xim.ok(xim.post(f"vlm/v2/task/{task['id']}/train/"), 200)
    # The worker may already have moved on by the time the answer is built.
    assert t["last_train_status"] in ("IN_QUEUE", "TRAINING", "FAILED")
    advance(server, 0)  # let the worker take the snapshot at the current virtual time
    return t


def test_end_to_end_train_predict_download(server, xim, grading):
    g = grading
    freeze(server)
    s1, img1 = annotated_sample(xim, g["dataset"], g["grade"], g["explain"], 1, 8.5, 'Nice "leather" jacket')
    s2, img2 = annotated_sample(xim, g["dataset"], g["grade"], g["explain"], 2, 3.0, "Worn out")
    annotated_sample(xim, g["dataset"], g["grade"], g["explain"], 3, 5.0, "test only", test=True)
    task = make_task(xim, g)
    assert task["production_version"] == 0 and task["last_version"] == 0
    train(server, xim, task)
    # The job has started (TRAINING) but waits for 2 s of virtual time.
    t = xim.fetch(f"vlm/v2/task/{task['id']}/")
    assert t["last_train_status"] in ("IN_QUEUE", "TRAINING")
    assert t["last_version"] == 0
    advance(server, 2000)
    t = xim.fetch(f"vlm/v2/task/{task['id']}/")
    assert t["last_train_status"] == "TRAINED", t
    assert t["last_version"] == 1 and t["production_version"] == 1
    assert t["training_time"] == 2
    models = xim.all("vlm/v2/model/", {"task": task["id"]})
    assert len(models) == 1
    m = models[0]
    assert m["version"] == 1 and m["train_status"] == "TRAINED"
    assert m["training_samples"] == 2 and m["test_samples"] == 1

    # A training image (re-encoded and resized as the client does) → its rendered result.
    rec = {"_base64": b64(reencode(textured_image(1))), "_file": "/tmp/local.jpg"}
    out = xim.ok(xim.post("vlm/v2/predict/", {"task_id": task["id"], "records": [rec]}), 200)
    assert out["status"]["code"] == 200 and out["version"] == 1
    r0 = out["records"][0]
    assert r0["_status"]["code"] == 200
    assert "_base64" not in r0 and r0["_file"] == "/tmp/local.jpg"
    assert json.loads(r0["_output"]) == {"grade": 8.5, "explain": 'Nice "leather" jacket'}
    assert r0["_matched"]["sample_id"] == s1["id"]
    # By uploaded image id.
    out = xim.ok(xim.post("vlm/v2/predict/", {"task_id": task["id"], "records": [{"_id": img2["id"]}]}), 200)
    assert json.loads(out["records"][0]["_output"]) == {"grade": 3.0, "explain": "Worn out"}
    # An unseen image → deterministic, valid output within the constraints.
    unseen = {"_base64": b64(textured_image(999), data_uri=True)}
    a = xim.ok(xim.post("vlm/v2/predict/", {"task_id": task["id"], "records": [unseen]}), 200)["records"][0]
    b = xim.ok(xim.post("vlm/v2/predict/", {"task_id": task["id"], "records": [unseen]}), 200)["records"][0]
    assert a["_matched"] is None and a["_output"] == b["_output"]
    v = json.loads(a["_output"])
    assert 0.0 <= v["grade"] <= 10.0 and (v["grade"] * 2) == int(v["grade"] * 2)
    assert isinstance(v["explain"], str)

    # The model archive: a real ZIP fetched without auth.
    d = xim.ok(xim.get(f"vlm/v2/model/{m['id']}/request-download/"), 200)
    assert d["download_url"].startswith(xim.base)
    z = requests.get(d["download_url"], timeout=30)
    assert z.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(z.content))
    names = set(zf.namelist())
    assert {"adapter_config.json", "config.json", "training_data.jsonl"} <= names
    assert json.loads(zf.read("adapter_config.json"))["version"] == 1
    lines = [json.loads(x) for x in zf.read("training_data.jsonl").decode().splitlines()]
    assert len(lines) == 2 and {x["sample_id"] for x in lines} == {s1["id"], s2["id"]}

    # Training again gives version 2; without auto_deploy production stays.
    xim.ok(xim.patch(f"vlm/v2/task/{task['id']}/", {"auto_deploy": False}), 200)
    train(server, xim, task)
    advance(server, 2000)
    t = xim.fetch(f"vlm/v2/task/{task['id']}/")
    assert t["last_version"] == 2 and t["production_version"] == 1
    # production_version may be moved to a trained version only.
    assert xim.ok(xim.patch(f"vlm/v2/task/{task['id']}/", {"production_version": 2}), 200)["production_version"] == 2
    xim.error(xim.patch(f"vlm/v2/task/{task['id']}/", {"production_version": 7}), 400, "production_version")
    # A specific version can be asked for.
    out = xim.ok(xim.post("vlm/v2/predict/", {"task_id": task["id"], "version": 1,
                                               "records": [{"_id": img1["id"]}]}), 200)
    assert out["version"] == 1


def test_training_is_a_durable_job_and_reports_progress(server, xim, grading):
    g = grading
    freeze(server)
    annotated_sample(xim, g["dataset"], g["grade"], g["explain"], 11, 7.0, "ok")
    task = make_task(xim, g)
    train(server, xim, task)
    # A second train/ while one is unfinished is refused.
    xim.error(xim.post(f"vlm/v2/task/{task['id']}/train/"), 400, "already")
    jobs = server.get("/_emulator/jobs").json()
    items = jobs.get("items", jobs)
    assert any(j["type"] == "ximilar.vlm.train" for j in items)
    advance(server, 1999)
    assert xim.fetch(f"vlm/v2/task/{task['id']}/")["last_train_status"] == "TRAINING"
    advance(server, 1)
    assert xim.fetch(f"vlm/v2/task/{task['id']}/")["last_train_status"] == "TRAINED"


def test_train_without_dataset_or_values_is_400(server, xim, grading):
    g = grading
    task = xim.create("vlm/v2/task/", {"name": "empty"})
    xim.error(xim.post(f"vlm/v2/task/{task['id']}/train/"), 400, "no datasets")
    xim.ok(xim.post(f"vlm/v2/task/{task['id']}/add-dataset/", {"dataset_id": g["dataset"]["id"]}), 200)
    s = xim.create("vlm/v2/sample/", {"dataset": g["dataset"]["id"]})
    xim.error(xim.post(f"vlm/v2/task/{task['id']}/train/"), 400, "variable values")
    # A test sample with values does not count.
    xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-variable-value/",
                    {"dataset_variable": g["grade"]["id"], "value": {"value": 1.0}}), 200)
    xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/set-test/"), 200)
    xim.error(xim.post(f"vlm/v2/task/{task['id']}/train/"), 400)
    # Predicting with an untrained task answers in the prediction envelope.
    r = xim.post("vlm/v2/predict/", {"task_id": task["id"], "records": [{"_base64": b64(textured_image(1))}]})
    assert r.status_code == 404 and r.json()["status"]["code"] == 404


def test_training_fails_with_a_reason(server, xim):
    freeze(server)
    g = make_grading_dataset(xim, template='{"grade": {{grade}}, "oops": {{missing_var}}}', fmt="json")
    annotated_sample(xim, g["dataset"], g["grade"], g["explain"], 21, 2.5, "x")
    task = make_task(xim, g)
    train(server, xim, task)
    advance(server, 10)
    t = xim.fetch(f"vlm/v2/task/{task['id']}/")
    assert t["last_train_status"] == "FAILED"
    assert "missing_var" in t["last_train_error"]
    assert t["last_version"] == 0 and t["production_version"] == 0
    m = xim.all("vlm/v2/model/", {"task": task["id"]})[0]
    assert m["train_status"] == "FAILED" and "missing_var" in m["error"]
    xim.error(xim.get(f"vlm/v2/model/{m['id']}/request-download/"), 400, "not trained")


def test_incomplete_samples_are_skipped(server, xim, grading):
    g = grading
    freeze(server)
    annotated_sample(xim, g["dataset"], g["grade"], g["explain"], 31, 9.0, "complete")
    # explain only: grade is required and has no default → skipped.
    img = xim.upload(textured_image(32))
    s = xim.create("vlm/v2/sample/", {"dataset": g["dataset"]["id"]})
    xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": [img["id"]]}), 200)
    xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-variable-value/",
                    {"dataset_variable": g["explain"]["id"], "value": {"value": "partial"}}), 200)
    xim.error(xim.get(f"vlm/v2/sample/{s['id']}/render/"), 400, "grade")
    task = make_task(xim, g)
    train(server, xim, task)
    advance(server, 2000)
    m = xim.all("vlm/v2/model/", {"task": task["id"]})[0]
    assert m["train_status"] == "TRAINED" and m["training_samples"] == 1 and m["skipped_samples"] == 1


def test_yaml_xml_csv_results(server, xim):
    freeze(server)
    cases = {
        "yaml": 'grade: {{grade}}\nexplain: "{{explain}}"\n',
        "xml": "<result><grade>{{grade}}</grade><explain>{{explain}}</explain></result>",
        "csv": 'grade,explain\n{{grade}},"{{explain}}"\n',
    }
    for i, (fmt, tpl) in enumerate(cases.items()):
        g = make_grading_dataset(xim, template=tpl, fmt=fmt)
        s, img = annotated_sample(xim, g["dataset"], g["grade"], g["explain"], 40 + i, 4.5,
                                  'He said "<hi> & bye", ok')
        r = xim.fetch(f"vlm/v2/sample/{s['id']}/render/")
        assert r["result_format"] == fmt
        text = r["result"]
        if fmt == "yaml":
            assert yaml.safe_load(text) == {"grade": 4.5, "explain": 'He said "<hi> & bye", ok'}
        elif fmt == "xml":
            import xml.etree.ElementTree as ET
            root = ET.fromstring(text)
            assert root.find("explain").text == 'He said "<hi> & bye", ok'
        else:
            import csv
            rows = list(csv.reader(io.StringIO(text)))
            assert rows == [["grade", "explain"], ["4.5", 'He said "<hi> & bye", ok']]
        task = make_task(xim, g)
        train(server, xim, task)
        advance(server, 2000)
        assert xim.fetch(f"vlm/v2/task/{task['id']}/")["last_train_status"] == "TRAINED"
        unseen = xim.ok(xim.post("vlm/v2/predict/", {"task_id": task["id"],
                                                       "records": [{"_base64": b64(textured_image(500 + i))}]}),
                        200)["records"][0]
        assert unseen["_format"] == fmt
        if fmt == "yaml":
            assert set(yaml.safe_load(unseen["_output"])) == {"grade", "explain"}
        elif fmt == "xml":
            import xml.etree.ElementTree as ET
            ET.fromstring(unseen["_output"])
        else:
            import csv
            assert len(list(csv.reader(io.StringIO(unseen["_output"])))) == 2


def test_predict_options_multi_image_max_tokens_and_dataset(server, xim, grading):
    g = grading
    freeze(server)
    s1, img1 = annotated_sample(xim, g["dataset"], g["grade"], g["explain"], 61, 6.5, "x" * 40)
    task = make_task(xim, g)
    xim.ok(xim.patch(f"vlm/v2/task/{task['id']}/", {"max_tokens": 5}), 200)
    train(server, xim, task)
    advance(server, 2000)
    # A record with several images matches through any of them.
    rec = {"images": [{"_base64": b64(textured_image(999))}, {"_id": img1["id"]}], "note": "kept"}
    out = xim.ok(xim.post("vlm/v2/predict/", {"task_id": task["id"], "records": [rec]}), 200)["records"][0]
    assert out["_matched"]["sample_id"] == s1["id"] and out["note"] == "kept"
    assert all("_base64" not in i for i in out["images"])
    # max_tokens (5 tokens ~ 20 characters) cuts the output like a model would.
    assert out["_finish_reason"] == "length" and len(out["_output"]) == 20
    xim.ok(xim.patch(f"vlm/v2/task/{task['id']}/", {"max_tokens": 1000}), 200)
    out = xim.ok(xim.post("vlm/v2/predict/", {"task_id": task["id"], "records": [rec]}), 200)["records"][0]
    assert out["_finish_reason"] == "stop" and json.loads(out["_output"])["grade"] == 6.5
    # dataset_id must be one the version was trained on.
    out = xim.ok(xim.post("vlm/v2/predict/", {"task_id": task["id"], "dataset_id": g["dataset"]["id"],
                                               "records": [{"_base64": b64(textured_image(5))}]}), 200)
    assert out["records"][0]["_status"]["code"] == 200
    r = xim.post("vlm/v2/predict/", {"task_id": task["id"], "dataset_id": task["id"],
                                     "records": [{"_base64": b64(textured_image(5))}]})
    assert r.status_code == 400 and r.json()["status"]["code"] == 400
    # Bad records get their own status; the call still answers 200.
    out = xim.ok(xim.post("vlm/v2/predict/", {"task_id": task["id"], "records": [
        {"_base64": "%%%"}, {"_id": "00000000-0000-4000-8000-000000000000"}, {"_url": "http://example.invalid/x.png"},
        {"nothing": 1}, 5, {"images": []}]}), 200)
    codes = [x["_status"]["code"] for x in out["records"]]
    assert codes == [400, 404, 404, 400, 400, 400]
    for body in ({"records": [{"_id": img1["id"]}]}, {"task_id": task["id"]}, {"task_id": task["id"], "records": []},
                 {"task_id": task["id"], "version": 0, "records": [{"_id": img1["id"]}]}):
        r = xim.post("vlm/v2/predict/", body)
        assert r.status_code == 400 and r.json()["status"]["code"] == 400, body
    r = xim.post("vlm/v2/predict/", {"task_id": task["id"], "version": 9, "records": [{"_id": img1["id"]}]})
    assert r.status_code == 404


def test_training_duration_follows_the_server_setting(make_server):
    srv = make_server(env={"VISIONSTACK_XIMILAR_TRAINING_MS": "500"})
    ws = srv.create_workspace("t")
    from ximilar.xim_client import XimClient
    xim = XimClient.for_workspace(srv, ws)
    g = make_grading_dataset(xim)
    freeze(srv)
    annotated_sample(xim, g["dataset"], g["grade"], g["explain"], 71, 1.0, "a")
    task = make_task(xim, g)
    train(srv, xim, task)
    advance(srv, 499)
    assert xim.fetch(f"vlm/v2/task/{task['id']}/")["last_train_status"] == "TRAINING"
    advance(srv, 1)
    t = xim.fetch(f"vlm/v2/task/{task['id']}/")
    assert t["last_train_status"] == "TRAINED" and t["training_time"] == 1  # 0.5 s rounds to 1
