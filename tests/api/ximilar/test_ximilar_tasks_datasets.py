"""VLM tasks (/vlm/v2/task/) and datasets (/vlm/v2/dataset/): CRUD, the
reference's response fields, add-dataset / remove-dataset with the reference's
bodies, type-checked prompt references, filters, errors and isolation."""
import re

TASK_KEYS = {"id", "name", "created", "description", "auto_deploy", "production_version", "last_version",
             "max_tokens", "datasets", "dataset_count", "training_params", "training_time", "system_prompt_id",
             "user_prompt_id", "system_prompt", "user_prompt", "workspace", "last_train_status"}
DATASET_KEYS = {"id", "name", "description", "version", "created_date", "result_format", "default_input_meta_data",
                "meta_data", "samples_count", "variables_count", "system_prompt_id", "user_prompt_id",
                "result_template_id", "system_prompt", "user_prompt", "result_template", "workspace"}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def test_task_crud_and_defaults(xim):
    t = xim.create("vlm/v2/task/", {"name": "My Custom Task",
                                     "description": "Custom VLM task for structured image analysis"})
    assert TASK_KEYS <= set(t)
    assert t["auto_deploy"] is False and t["production_version"] == 0 and t["last_version"] == 0
    assert t["max_tokens"] == 1000 and t["datasets"] == [] and t["dataset_count"] == 0
    assert t["training_params"] == {} and t["training_time"] == 0 and t["last_train_status"] is None
    assert ISO.match(t["created"]) and t["workspace"] == xim.ws_id
    assert xim.fetch(f"vlm/v2/task/{t['id']}/") == t
    u = xim.ok(xim.patch(f"vlm/v2/task/{t['id']}/", {"auto_deploy": True, "max_tokens": 200,
                                                      "training_params": {"epochs": 3}}), 200)
    assert u["auto_deploy"] is True and u["max_tokens"] == 200 and u["training_params"] == {"epochs": 3}
    assert xim.fetch("vlm/v2/task/?search=custom")["count"] == 1
    assert xim.fetch("vlm/v2/task/?search=nothing")["count"] == 0
    assert xim.delete(f"vlm/v2/task/{t['id']}/").status_code == 204
    xim.error(xim.get(f"vlm/v2/task/{t['id']}/"), 404)


def test_task_validation(xim):
    xim.error(xim.post("vlm/v2/task/", {}), 400, "name")
    xim.error(xim.post("vlm/v2/task/", {"name": "t", "max_tokens": 0}), 400, "max_tokens")
    xim.error(xim.post("vlm/v2/task/", {"name": "t", "auto_deploy": "yes"}), 400, "auto_deploy")
    xim.error(xim.post("vlm/v2/task/", {"name": "t", "training_params": [1]}), 400, "training_params")
    xim.error(xim.post("vlm/v2/task/", {"name": "t", "last_version": 3, "nope": 1}), 400, "nope")
    user = xim.create("vlm/v2/prompt/", {"name": "u", "type": "user"})
    # A prompt of the wrong type, and an unknown prompt id.
    xim.error(xim.post("vlm/v2/task/", {"name": "t", "system_prompt_id": user["id"]}), 400, "system_prompt_id")
    xim.error(xim.post("vlm/v2/task/", {"name": "t", "user_prompt_id": "00000000-0000-4000-8000-000000000000"}),
              400, "user_prompt_id")
    # Read-only fields sent back are ignored.
    t = xim.create("vlm/v2/task/", {"name": "t", "last_version": 9, "datasets": ["x"]})
    assert t["last_version"] == 0 and t["datasets"] == []


def test_add_and_remove_dataset(xim, other):
    t = xim.create("vlm/v2/task/", {"name": "t"})
    d1 = xim.create("vlm/v2/dataset/", {"name": "d1"})
    d2 = xim.create("vlm/v2/dataset/", {"name": "d2"})
    r = xim.ok(xim.post(f"vlm/v2/task/{t['id']}/add-dataset/", {"dataset_id": d1["id"]}), 200)
    assert r["datasets"] == [d1["id"]] and r["dataset_count"] == 1
    r = xim.ok(xim.post(f"vlm/v2/task/{t['id']}/add-dataset/", {"dataset_id": d2["id"]}), 200)
    r = xim.ok(xim.post(f"vlm/v2/task/{t['id']}/add-dataset/", {"dataset_id": d2["id"]}), 200)  # idempotent
    assert r["datasets"] == [d1["id"], d2["id"]]
    r = xim.ok(xim.post(f"vlm/v2/task/{t['id']}/remove-dataset/", {"dataset_id": d1["id"]}), 200)
    assert r["datasets"] == [d2["id"]]
    xim.error(xim.post(f"vlm/v2/task/{t['id']}/remove-dataset/", {"dataset_id": d1["id"]}), 400, "dataset_id")
    xim.error(xim.post(f"vlm/v2/task/{t['id']}/add-dataset/", {}), 400, "dataset_id")
    # Another workspace's dataset is unknown here; another workspace's task is 404.
    od = other.create("vlm/v2/dataset/", {"name": "theirs"})
    xim.error(xim.post(f"vlm/v2/task/{t['id']}/add-dataset/", {"dataset_id": od["id"]}), 400, "dataset_id")
    xim.error(other.post(f"vlm/v2/task/{t['id']}/add-dataset/", {"dataset_id": od["id"]}), 404)
    # Deleting a dataset disconnects it.
    assert xim.delete(f"vlm/v2/dataset/{d2['id']}/").status_code == 204
    assert xim.fetch(f"vlm/v2/task/{t['id']}/")["datasets"] == []


def test_dataset_crud_fields_and_formats(xim):
    tpl = xim.create("vlm/v2/prompt/", {"name": "t", "type": "template", "format": "json",
                                         "content": '{"grade": {{grade}}, "explain": "{{explain}}"}'})
    d = xim.create("vlm/v2/dataset/", {"name": "My Training Dataset", "description": "Training samples for the task",
                                        "result_template_id": tpl["id"], "default_input_meta_data": {"category": "jacket"}})
    assert DATASET_KEYS <= set(d)
    assert re.match(r"^\d{4}-\d\d-\d\d$", d["version"]) and ISO.match(d["created_date"])
    assert d["result_format"] == "json" and d["result_template"] == tpl["content"]
    assert d["samples_count"] == 0 and d["variables_count"] == 0 and d["meta_data"] == {}
    # Without a template the dataset's own format is the result format.
    d2 = xim.create("vlm/v2/dataset/", {"name": "plain", "format": "csv"})
    assert d2["result_format"] == "csv"
    u = xim.ok(xim.patch(f"vlm/v2/dataset/{d2['id']}/", {"format": None, "meta_data": {"k": 1}}), 200)
    assert u["result_format"] is None and u["meta_data"] == {"k": 1}
    xim.error(xim.patch(f"vlm/v2/dataset/{d2['id']}/", {"result_template_id": d["id"]}), 400, "result_template_id")
    xim.error(xim.patch(f"vlm/v2/dataset/{d2['id']}/", {"format": "ini"}), 400, "format")
    xim.error(xim.patch(f"vlm/v2/dataset/{d2['id']}/", {"meta_data": None}), 400, "meta_data")
    xim.error(xim.post("vlm/v2/dataset/", {"description": "no name"}), 400, "name")
    assert [x["name"] for x in xim.all("vlm/v2/dataset/")] == ["My Training Dataset", "plain"]
    assert xim.fetch("vlm/v2/dataset/?search=plain")["count"] == 1
    assert xim.delete(f"vlm/v2/dataset/{d['id']}/").status_code == 204
    assert xim.fetch("vlm/v2/dataset/")["count"] == 1


def test_dataset_isolation(xim, other):
    d = xim.create("vlm/v2/dataset/", {"name": "mine"})
    xim.error(other.get(f"vlm/v2/dataset/{d['id']}/"), 404)
    xim.error(other.patch(f"vlm/v2/dataset/{d['id']}/", {"name": "x"}), 404)
    xim.error(other.delete(f"vlm/v2/dataset/{d['id']}/"), 404)
    xim.error(other.get("vlm/v2/dataset/not-a-uuid/"), 404)
    # A prompt of another workspace cannot be referenced.
    op = other.create("vlm/v2/prompt/", {"name": "s", "type": "system"})
    xim.error(xim.patch(f"vlm/v2/dataset/{d['id']}/", {"system_prompt_id": op["id"]}), 400, "system_prompt_id")
