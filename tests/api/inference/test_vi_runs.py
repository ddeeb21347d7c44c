"""Vi runs (training), model outputs and the model archive (shared/specs/vi.md
§6 runs/models, §7.10, §11.1, §11.3), checked the way the vendor client decodes
them: camelCase, integers as integers, `kind` equal to the class name, every
poll target reaching a terminal state, empty 204 bodies on DELETE."""
import io
import json
import struct
import tarfile

import pytest
import requests

from conftest import count_rows
from inference.inf_client import create_run, encode, scene, train, wait_run
from vi.vi_client import ViClient, check_condition, check_int, check_metadata, check_page, check_str, check_vi_error


def check_run(run: dict, org: str):
    assert run.get("kind", "Run") == "Run"
    check_str(run, "workspaceId", "runId", "selfLink", "etag")
    assert run["workspaceId"] == org
    flow = run["spec"]["flow"]
    check_str(flow, "name", "schema")
    assert isinstance(flow["tolerations"], dict) and isinstance(flow["settings"], dict)
    for b in flow["blocks"]:
        check_str(b, "block")
        assert isinstance(b["settings"], dict) and isinstance(b["style"], dict)
    st = run["status"]
    check_str(st, "log")
    check_int(st, "observedGeneration")
    for c in st["conditions"]:
        check_condition(c)
    check_metadata(run["metadata"])


def check_model(m: dict, org: str, run_id: str):
    check_str(m, "kind", "runId", "selfLink", "etag", "workspaceId", "runOutputId")
    assert m["runId"] == run_id and m["workspaceId"] == org
    check_metadata(m["metadata"])
    check_str(m["spec"], "kind")
    check_int(m["spec"], "epoch")
    check_int(m["status"], "observedGeneration")
    check_str(m["status"], "storageObject")
    assert isinstance(m["status"]["conditions"], list)


def dataset_block(run):
    return [b for b in run["spec"]["flow"]["blocks"] if "dataset" in b["block"]][0]


# ------------------------------------------------------------------ runs


def test_run_trains_and_reaches_every_condition(pg_data):
    vi = pg_data["vi"]
    run = create_run(vi, pg_data["dataset"]["datasetId"])
    check_run(run, vi.org)
    assert [c["condition"] for c in run["status"]["conditions"]] == ["Started", "Trained"]
    assert dataset_block(run)["settings"]["projectKind"] == "phrase-grounding"
    done = wait_run(vi, run["runId"])
    check_run(done, vi.org)
    assert all(c["status"] == "Reached" for c in done["status"]["conditions"]), done
    assert "memorised 3 of 3 images" in done["status"]["log"]
    assert done["status"]["observedGeneration"] > run["status"]["observedGeneration"]


def test_run_by_bare_dataset_id_and_with_a_flow(pg_data):
    vi = pg_data["vi"]
    flow = {"name": "my flow", "schema": "vi.flow/v1", "tolerations": {}, "settings": {},
            "blocks": [{"block": "dataset", "settings": {"projectKind": "vqa"}, "style": {}},
                       {"block": "system-prompt", "settings": {"systemPrompt": "Answer briefly."}, "style": {}}]}
    run = train(vi, pg_data["dsid"], flow=flow)
    blocks = run["spec"]["flow"]["blocks"]
    assert run["spec"]["flow"]["name"] == "my flow"
    assert dataset_block(run)["settings"]["projectKind"] == "vqa"
    assert [b["block"] for b in blocks] == ["dataset", "system-prompt", "model"]  # a model block is added
    # The dataset may also come from the flow alone.
    flow2 = {"blocks": [{"block": "dataset", "settings": {"datasetId": pg_data["dataset"]["datasetId"]}}]}
    r = vi.call("POST", f"{vi.base}/runs", {"spec": {"flow": flow2}})
    assert r.status_code == 201, r.text
    assert dataset_block(r.json())["settings"]["projectKind"] == "phrase-grounding"


def test_runs_list_pages_get_and_delete(server, pg_data):
    vi = pg_data["vi"]
    ids = [create_run(vi, pg_data["dsid"])["runId"] for _ in range(3)]
    for rid in ids:
        wait_run(vi, rid)
    seen, token = [], None
    while True:
        q = {"pageSize": 2, **({"pageToken": token} if token else {})}
        page = vi.ok("GET", f"{vi.base}/runs", params=q)
        check_page(page)
        assert len(page["items"]) <= 2
        for run in page["items"]:
            check_run(run, vi.org)
        seen += [r["runId"] for r in page["items"]]
        token = page["nextPage"]
        if not token:
            break
    assert seen == ids
    assert vi.ok("GET", f"{vi.base}/runs/{ids[0]}")["runId"] == ids[0]
    r = vi.call("DELETE", f"{vi.base}/runs/{ids[0]}")
    assert r.status_code == 204 and r.content == b""
    check_vi_error(vi.call("GET", f"{vi.base}/runs/{ids[0]}"), 404)
    check_vi_error(vi.call("DELETE", f"{vi.base}/runs/{ids[0]}"), 404)
    assert ids[0] not in [m["id"] for m in server.get("/v1/models").json()["data"]]


def test_run_of_a_deleted_dataset_fails_with_a_message(server, vi):
    ds = vi.create_dataset("gone")
    srv_clock = server.post("/_emulator/clock", json={"mode": "frozen"})
    assert srv_clock.status_code == 200
    # Delete the dataset in the same breath as the run's creation: the job finds it gone or trains
    # an empty set; either way the run reaches a terminal state.
    run = create_run(vi, ds["datasetId"])
    vi.call("DELETE", vi.d(ds["datasetId"]))
    done = wait_run(vi, run["runId"])
    trained = [c for c in done["status"]["conditions"] if c["condition"] == "Trained"][0]
    assert trained["status"] in ("Reached", "FailedReach")
    if trained["status"] == "FailedReach":
        assert trained["message"] == "the dataset was deleted"


@pytest.mark.parametrize("body,needle", [
    ({}, "spec"),
    ({"spec": []}, "spec"),
    ({"spec": {}}, "trainingProject"),
    ({"spec": {"trainingProject": 5}}, "trainingProject"),
    ({"spec": {"trainingProject": "x", "epochs": 3}}, "spec.epochs"),
    ({"spec": {"flow": {"blocks": "no"}}}, "blocks"),
    ({"spec": {"flow": {"blocks": [{"block": "dataset", "settings": {"projectKind": "detect"}}]}}}, "projectKind"),
    ({"spec": {"flow": {"color": 1}}}, "spec.flow.color"),
    ({"kind": "Flow", "spec": {}}, "kind"),
    ({"spec": {"trainingProject": "x"}, "metadata": {"attributes": {"a": 1}}}, "metadata.attributes"),
])
def test_create_run_validation(vi, body, needle):
    msg = check_vi_error(vi.call("POST", f"{vi.base}/runs", body), 400)
    assert needle in msg, msg


def test_create_run_on_unknown_or_foreign_dataset_is_404(vi, other, pg_data):
    check_vi_error(vi.call("POST", f"{vi.base}/runs", {"spec": {"trainingProject": "nothere"}}), 404)
    r = other.call("POST", f"{other.base}/runs", {"spec": {"trainingProject": pg_data["dsid"]}})
    check_vi_error(r, 404)
    r = other.call("POST", f"{other.base}/runs", {"spec": {"trainingProject": pg_data["dataset"]["datasetId"]}})
    check_vi_error(r, 404)


def test_runs_refuse_missing_wrong_and_mismatched_keys(server, vi, other):
    for path in (f"{vi.base}/runs", f"{vi.base}/runs/abc", f"{vi.base}/runs/abc/outputs"):
        check_vi_error(requests.get(server.url(path), timeout=30), 401)
        check_vi_error(requests.get(server.url(path), headers={"Authorization": "Bearer dtvi_" + "z" * 98,
                                                                "Organization-Id": vi.org}, timeout=30), 401)
        # A valid key of another organization: 403 (path org mismatch).
        check_vi_error(other.call("GET", path), 403)


def test_another_workspaces_run_is_404_everywhere(pg_run, other):
    vi, rid = pg_run["vi"], pg_run["model"]
    out = pg_run["run"]
    ob = other.base
    model = vi.ok("GET", f"{vi.base}/runs/{rid}/outputs", params={"intent": "sdkLocalDeploy"})["items"][0]
    for method, path, body in [
        ("GET", f"{ob}/runs/{rid}", None), ("DELETE", f"{ob}/runs/{rid}", None),
        ("GET", f"{ob}/runs/{rid}/outputs", None), ("GET", f"{ob}/runs/{rid}/outputs/{model['runOutputId']}", None),
        ("POST", f"{ob}/runs/{rid}/predictions", {"spec": {"assets": [{"base64": "aGk="}]}}),
    ]:
        check_vi_error(other.call(method, path, body), 404)
    assert vi.ok("GET", f"{vi.base}/runs/{rid}")["runId"] == out["runId"]


# ------------------------------------------------------------------ models


def test_models_list_and_get_with_the_doubled_query(server, pg_run):
    vi, rid = pg_run["vi"], pg_run["model"]
    # The client's literal URL: ?intent=sdkLocalDeploy?pageSize=10
    st, _, body = server.raw("GET", f"{vi.base}/runs/{rid}/outputs?intent=sdkLocalDeploy?pageSize=10",
                             headers=vi.headers())
    assert st == 200, body
    page = json.loads(body)
    check_page(page)
    assert len(page["items"]) == 1
    m = page["items"][0]
    check_model(m, vi.org, rid)
    assert "contents" not in m["status"]
    st, _, body = server.raw("GET", f"{vi.base}/runs/{rid}/outputs?intent=sdkLocalDeploy?pageSize=0",
                             headers=vi.headers())
    assert st == 400
    one = vi.ok("GET", f"{vi.base}/runs/{rid}/outputs/{m['runOutputId']}", params={"intent": "sdkLocalDeploy"})
    assert [x["runOutputId"] for x in one["items"]] == [m["runOutputId"]]
    check_vi_error(vi.call("GET", f"{vi.base}/runs/{rid}/outputs/nope"), 404)


def test_model_download_is_a_real_tar(server, pg_run):
    vi, rid = pg_run["vi"], pg_run["model"]
    page = vi.ok("GET", f"{vi.base}/runs/{rid}/outputs", params={"intent": "sdkLocalDeploy", "contents": "y"})
    dl = page["items"][-1]["status"]["contents"]["downloadUrl"]
    check_str(dl, "url")
    check_int(dl, "expiresAt")
    data = vi.download(dl["url"])  # HEAD + exact 64 KiB Range GETs, no auth
    tar = tarfile.open(fileobj=io.BytesIO(data))
    names = tar.getnames()
    assert "model_full/run.json" in names
    assert any(n.startswith("model_full/") and n.endswith(".safetensors") for n in names)
    run = json.loads(tar.extractfile("model_full/run.json").read())
    assert run["runId"] == rid
    assert dataset_block(run)["settings"]["projectKind"] == "phrase-grounding"
    st = tar.extractfile("model_full/model.safetensors").read()
    (n,) = struct.unpack("<Q", st[:8])
    header = json.loads(st[8:8 + n])
    sig = header["memory.signature_dct"]
    assert sig["dtype"] == "I64" and sig["shape"] == [3]
    assert len(st) == 8 + n + header["memory.colour_grid"]["data_offsets"][1]
    lines = tar.extractfile("model_full/memory.jsonl").read().decode().splitlines()
    mem = {json.loads(x)["filename"]: json.loads(x)["memory"] for x in lines}
    assert mem["ball.png"]["caption"] == "a red ball next to a blue box"
    # The same URL again until it expires; after the virtual clock passes it, a new one.
    again = vi.ok("GET", f"{vi.base}/runs/{rid}/outputs", params={"intent": "sdkLocalDeploy", "contents": "y"})
    assert again["items"][0]["status"]["contents"]["downloadUrl"]["url"] == dl["url"]
    assert server.post("/_emulator/clock/advance", json={"ms": 8 * 24 * 3600 * 1000}).status_code == 200
    assert requests.head(dl["url"], timeout=30).status_code == 403
    fresh = vi.ok("GET", f"{vi.base}/runs/{rid}/outputs", params={"intent": "sdkLocalDeploy", "contents": "y"})
    url2 = fresh["items"][0]["status"]["contents"]["downloadUrl"]["url"]
    assert url2 != dl["url"] and vi.download(url2) == data


def test_an_empty_dataset_trains_a_model_that_memorised_nothing(server, vi):
    ds = vi.create_dataset("empty")
    run = train(vi, ds["datasetId"])  # an empty dataset still trains (nothing memorised)
    assert "memorised 0 of 0" in run["status"]["log"]
    page = vi.ok("GET", f"{vi.base}/runs/{run['runId']}/outputs", params={"intent": "sdkLocalDeploy"})
    assert len(page["items"]) == 1


# ------------------------------------------------------------------ lifecycle


def test_training_is_a_durable_job(server, pg_run):
    jobs = [j for j in server.get("/_emulator/jobs").json()["items"] if j["type"] == "vi.train"]
    assert len(jobs) == 1 and jobs[0]["state"] == "succeeded"
    assert jobs[0]["payload"] == {"run": pg_run["model"]} and jobs[0]["progress"] == jobs[0]["total"] == 3


def test_workspace_delete_and_reset_remove_runs_and_models(server, pg_run, vqa_run):
    ws_id = server.get("/_emulator/workspaces").json()["items"][0]["id"]
    for table in ("vi_runs", "predict_models", "predict_memory"):
        assert count_rows(server.db_path, table, ws_id) > 0, table
    r = server.post(f"/_emulator/workspaces/{ws_id}/reset", json={})
    assert r.status_code in (200, 204), r.text
    for table in ("vi_runs", "predict_models", "predict_memory"):
        assert count_rows(server.db_path, table, ws_id) == 0, table
    assert [m["id"] for m in server.get("/v1/models").json()["data"]] == ["visionstack-base"]


def test_deleted_workspace_models_vanish_at_once_and_are_purged(server, pg_run):
    ws_id = server.get("/_emulator/workspaces").json()["items"][0]["id"]
    r = server.delete(f"/_emulator/workspaces/{ws_id}")
    assert r.status_code == 204
    assert pg_run["model"] not in [m["id"] for m in server.get("/v1/models").json()["data"]]
    assert server.post("/v1/chat/completions", json={"model": pg_run["model"], "messages": [
        {"role": "user", "content": "hi"}]}).status_code == 404
    assert server.wait_job(r.headers["X-Purge-Job"])["state"] == "succeeded"
    for table in ("vi_runs", "predict_models", "predict_memory", "transfers", "blobs"):
        assert count_rows(server.db_path, table) == 0, table


def test_training_resumes_after_kill_9(make_server):
    """A crash in the middle of training: on restart the durable job resumes and
    the run still memorises every image exactly once."""
    srv = make_server(name="crash")
    ws = srv.create_workspace("crash")
    vi = ViClient.for_workspace(srv, ws)
    ds = vi.create_dataset("many")
    files = {f"img{i:02d}.png": encode(scene([("rect", (i * 5, 255 - i * 5, 128), (i, i, 40 + i, 30 + i))],
                                             size=(96, 72))) for i in range(48)}
    vi.upload_assets(vi.dataset_id(ds), files)
    run = create_run(vi, ds["datasetId"])
    srv.kill9()
    srv.start()
    vi = ViClient.for_workspace(srv, ws)
    done = wait_run(vi, run["runId"])
    assert all(c["status"] == "Reached" for c in done["status"]["conditions"]), done
    assert "memorised 48 of 48 images" in done["status"]["log"]
    assert count_rows(srv.db_path, "predict_memory") == 48
    jobs = [j for j in srv.get("/_emulator/jobs").json()["items"] if j["type"] == "vi.train"]
    assert [j["state"] for j in jobs] == ["succeeded"]
