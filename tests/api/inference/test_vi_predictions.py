"""Vi-native predictions on a trained run: POST /workspaces/{org}/runs/{r}/predictions
(shared/specs/vi.md §13.4). Each Prediction's `result` must be what the vendor
client's parser makes of its own `rawOutput`; training images answer with their
own annotations; streams are `delta` events then `final`."""
import base64
import json

import pytest

from inference.conftest import PG_IMAGES
from inference.inf_client import BLUE, RED, data_url, encode, named_events, reencoded, scene, vendor_parse
from vi.vi_client import check_vi_error

PROMPT_PG = "Describe and locate all visible objects in this image."


def predict(vi, run_id, assets, status=200, **spec):
    r = vi.call("POST", f"{vi.base}/runs/{run_id}/predictions", {"spec": {"assets": assets, **spec}})
    assert r.status_code == status, r.text
    return r.json() if status == 200 and not spec.get("stream") else r


def check_prediction(p: dict):
    assert set(p) == {"taskType", "prompt", "rawOutput", "thinking", "result", "error"}, p
    assert p["taskType"] in ("vqa", "phrase-grounding", "generic")
    assert isinstance(p["prompt"], str) and p["prompt"]
    if p["error"] is not None:
        assert isinstance(p["error"]["message"], str) and p["error"]["message"]
        return
    parsed = vendor_parse(p["rawOutput"], p["taskType"] if p["taskType"] != "generic" else "vqa")
    if p["taskType"] == "generic":
        assert p["result"] == p["rawOutput"]
    else:
        assert parsed["task"] == p["taskType"] and parsed["result"] == p["result"], (parsed, p)
    assert parsed["thinking"] == p["thinking"]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_training_images_return_their_annotations_in_order(pg_run):
    vi, rid = pg_run["vi"], pg_run["model"]
    assets = [{"assetId": pg_run["assets"]["tent.png"]["assetId"], "datasetId": pg_run["dataset"]["datasetId"]},
              {"base64": b64(reencoded(pg_run["files"]["ball.png"], scale=0.6))},
              {"assetId": pg_run["assets"]["ball.png"]["assetId"], "datasetId": pg_run["dsid"]}]
    out = predict(vi, rid, assets)
    assert out["kind"] == "PredictionList" and len(out["items"]) == 3
    for p in out["items"]:
        check_prediction(p)
        assert p["taskType"] == "phrase-grounding" and p["prompt"] == PROMPT_PG and p["thinking"] is None
    assert [p["result"]["sentence"] for p in out["items"]] == [PG_IMAGES["tent.png"][1], PG_IMAGES["ball.png"][1],
                                                               PG_IMAGES["ball.png"][1]]
    assert out["items"][1]["result"] == out["items"][2]["result"]


def test_task_type_override_prompt_and_cot(pg_run):
    vi, rid = pg_run["vi"], pg_run["model"]
    img = {"base64": b64(encode(scene([("circle", RED, (50, 50, 150, 150)), ("circle", RED, (300, 300, 400, 400))])))}
    out = predict(vi, rid, [img], taskType="vqa", userPrompt="How many red circles?", cot=True)
    p = out["items"][0]
    check_prediction(p)
    assert p["taskType"] == "vqa" and p["result"] == {"answer": "2"} and p["prompt"] == "How many red circles?"
    assert p["rawOutput"].startswith("<think>") and p["thinking"]
    out = predict(vi, rid, [img], taskType="generic")
    p = out["items"][0]
    check_prediction(p)
    assert p["taskType"] == "generic" and isinstance(p["result"], str) and "red circle" in p["result"]
    assert p["prompt"] == "Describe this image."


def test_vqa_run_answers_the_nearest_question(vqa_run):
    vi, rid = vqa_run["vi"], vqa_run["model"]
    img = {"base64": b64(reencoded(vqa_run["files"]["balls.png"]))}
    out = predict(vi, rid, [img, img], userPrompt="How many balls do you see?")
    for p in out["items"]:
        check_prediction(p)
        assert p["taskType"] == "vqa" and p["result"] == {"answer": "two"}
    p = predict(vi, rid, [img])["items"][0]  # the default prompt: "What is in this image?"
    assert p["prompt"] == "What is in this image?" and p["taskType"] == "vqa"


def test_max_new_tokens_truncates_and_falls_back_to_generic(pg_run):
    vi, rid = pg_run["vi"], pg_run["model"]
    img = {"base64": b64(pg_run["files"]["ball.png"])}
    full = predict(vi, rid, [img])["items"][0]
    cut = predict(vi, rid, [img], generationConfig={"maxNewTokens": 6})["items"][0]
    check_prediction(cut)
    assert cut["taskType"] == "generic" and full["rawOutput"].startswith(cut["rawOutput"])
    snake = predict(vi, rid, [img], generationConfig={"max_new_tokens": 6, "temperature": 0.5, "top_p": 0.9,
                                                      "do_sample": True, "seed": 1})["items"][0]
    assert snake["rawOutput"] == cut["rawOutput"]


def test_determinism_across_20_calls(pg_run):
    vi, rid = pg_run["vi"], pg_run["model"]
    assets = [{"base64": b64(encode(scene([("rect", BLUE, (10, 10, 300, 200))])))},
              {"base64": b64(pg_run["files"]["tent.png"])}]
    outs = {json.dumps(predict(vi, rid, assets, cot=True, generationConfig={"temperature": 0.9, "seed": 5}))
            for _ in range(20)}
    assert len(outs) == 1


def test_item_errors_for_unreachable_urls_and_non_images(server, pg_run):
    vi, rid = pg_run["vi"], pg_run["model"]
    url = "https://cdn.example.test/ball.png"
    assert server.put("/_emulator/remote-files", json={"url": url, "contentType": "image/png",
                                                       "base64": b64(pg_run["files"]["ball.png"])}).status_code == 201
    out = predict(vi, rid, [{"url": url}, {"url": "https://nowhere.example.test/x.png"}, {"base64": b64(b"not an image")},
                            {"url": data_url(pg_run["files"]["tent.png"])}])
    items = out["items"]
    for p in items:
        check_prediction(p)
    assert items[0]["result"]["sentence"] == PG_IMAGES["ball.png"][1]
    assert "unreachable" in items[1]["error"]["message"] and items[1]["result"] is None
    assert items[2]["error"] is not None
    assert items[3]["result"]["sentence"] == PG_IMAGES["tent.png"][1]


def test_stream_is_deltas_then_final(pg_run):
    vi, rid = pg_run["vi"], pg_run["model"]
    img = {"base64": b64(pg_run["files"]["ball.png"])}
    full = predict(vi, rid, [img], cot=True)["items"][0]
    r = predict(vi, rid, [img], cot=True, stream=True)
    assert r.headers["Content-Type"].startswith("text/event-stream")
    events = named_events(r.text)
    assert [e for e, _ in events[:-1]] == ["delta"] * (len(events) - 1) and events[-1][0] == "final"
    assert "".join(d["text"] for _, d in events[:-1]) == full["rawOutput"]
    assert events[-1][1] == full
    r = predict(vi, rid, [{"base64": b64(b"nope")}], stream=True)
    events = named_events(r.text)
    assert [e for e, _ in events] == ["error"] and events[0][1]["message"]


@pytest.mark.parametrize("spec,needle", [
    ({}, "spec.assets"),
    ({"assets": []}, "spec.assets"),
    ({"assets": [{"base64": "aGk="}] * 17}, "spec.assets"),
    ({"assets": [{}]}, "exactly one"),
    ({"assets": [{"url": "x", "base64": "aGk="}]}, "exactly one"),
    ({"assets": [{"assetId": "a"}]}, "datasetId"),
    ({"assets": [{"path": "/etc/passwd"}]}, "spec.assets[0].path"),
    ({"assets": [{"base64": "@@@"}]}, "base64"),
    ({"assets": [{"url": "file:///etc/passwd"}]}, "url"),
    ({"assets": [{"base64": "aGk="}], "taskType": "detection"}, "taskType"),
    ({"assets": [{"base64": "aGk="}], "cot": "yes"}, "cot"),
    ({"assets": [{"base64": "aGk="}] * 2, "stream": True}, "stream"),
    ({"assets": [{"base64": "aGk="}], "generationConfig": {"beams": 2}}, "beams"),
    ({"assets": [{"base64": "aGk="}], "generationConfig": {"maxNewTokens": 0}}, "maxNewTokens"),
    ({"assets": [{"base64": "aGk="}], "generationConfig": {"temperature": "hot"}}, "temperature"),
    ({"assets": [{"base64": "aGk="}], "userPrompt": 3}, "userPrompt"),
    ({"assets": [{"base64": "aGk="}], "runOutputId": 3}, "runOutputId"),
])
def test_bad_prediction_bodies_are_400(pg_run, spec, needle):
    vi, rid = pg_run["vi"], pg_run["model"]
    msg = check_vi_error(vi.call("POST", f"{vi.base}/runs/{rid}/predictions", {"spec": spec}), 400)
    assert needle in msg, msg
    check_vi_error(vi.call("POST", f"{vi.base}/runs/{rid}/predictions", {"spec": spec, "extra": 1}), 400)


def test_unknown_ids_are_404(pg_run, other):
    vi, rid = pg_run["vi"], pg_run["model"]
    img = [{"base64": b64(pg_run["files"]["ball.png"])}]
    check_vi_error(vi.call("POST", f"{vi.base}/runs/nope/predictions", {"spec": {"assets": img}}), 404)
    check_vi_error(vi.call("POST", f"{vi.base}/runs/{rid}/predictions",
                           {"spec": {"assets": img, "runOutputId": "other-output"}}), 404)
    check_vi_error(vi.call("POST", f"{vi.base}/runs/{rid}/predictions",
                           {"spec": {"assets": [{"assetId": "nope", "datasetId": pg_run["dsid"]}]}}), 404)
    # An asset of another dataset, or of another workspace, is not found either.
    ds2 = vi.create_dataset("second")
    check_vi_error(vi.call("POST", f"{vi.base}/runs/{rid}/predictions", {"spec": {"assets": [
        {"assetId": pg_run["assets"]["ball.png"]["assetId"], "datasetId": ds2["datasetId"]}]}}), 404)
    theirs = other.create_dataset("theirs")
    other.upload_assets(other.dataset_id(theirs), {"t.png": encode(scene([]))})
    asset = other.assets(other.dataset_id(theirs))[0]
    check_vi_error(vi.call("POST", f"{vi.base}/runs/{rid}/predictions", {"spec": {"assets": [
        {"assetId": asset["assetId"], "datasetId": theirs["datasetId"]}]}}), 404)
    r = predict(vi, rid, [{"base64": b64(pg_run["files"]["ball.png"])}],
                runOutputId=vi.ok("GET", f"{vi.base}/runs/{rid}/outputs",
                                  params={"intent": "sdkLocalDeploy"})["items"][0]["runOutputId"])
    assert r["items"][0]["error"] is None


def test_413_and_415_in_vi_shape(server, pg_run):
    vi, rid = pg_run["vi"], pg_run["model"]
    path = f"{vi.base}/runs/{rid}/predictions"
    st, _, out = server.raw("POST", path, None, {**vi.headers(), "Content-Length": str(65 * 1024 * 1024)})
    assert st == 413 and set(json.loads(out)) == {"message"}
    check_vi_error(server.post(path, data="x", headers={**vi.headers(), "Content-Type": "text/plain"}), 415)
    check_vi_error(server.put(path, json={}, headers=vi.headers()), 405)
