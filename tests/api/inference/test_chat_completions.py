"""POST /v1/chat/completions, GET /v1/models, GET /v1/health/ready: the
OpenAI-compatible (NIM-style) prediction surface (shared/specs/vi.md §13.4).

Every answer is checked with the vendor client's parsing rules (think/answer
tags, fenced JSON, first JSON value, 0–1024 integer boxes): VQA, phrase
grounding and generic outputs parse to the expected types; streaming
reassembles to the non-streamed text; a training image (re-encoded and resized)
returns its own annotation; the same request gives the same bytes 20 times."""
import json

import pytest

from inference.conftest import PG_IMAGES
from inference.inf_client import (BLUE, RED, check_openai_error, chat, data_url, encode, reencoded,
                                  response_format, scene, sse_events, user_message, vendor_parse)

BASE = "visionstack-base"
SHAPES = [("circle", RED, (60, 60, 240, 240)), ("circle", RED, (420, 300, 520, 400)),
          ("rect", BLUE, (380, 40, 560, 200))]


@pytest.fixture
def shapes_png():
    return encode(scene(SHAPES))


def content_of(resp) -> str:
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["object"] == "chat.completion"
    assert body["id"].startswith("chatcmpl-")
    assert isinstance(body["created"], int)
    ch = body["choices"][0]
    assert ch["index"] == 0 and ch["message"]["role"] == "assistant"
    assert ch["finish_reason"] in ("stop", "length")
    u = body["usage"]
    assert u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"]
    return ch["message"]["content"]


def frame_box(box, w=640, h=480):
    x0, y0, x1, y1 = box
    return [round(x0 / w * 1024), round(y0 / h * 1024), round(x1 / w * 1024), round(y1 / h * 1024)]


def close(a, b, tol=12):
    return all(abs(p - q) <= tol for p, q in zip(a, b))


# ---------------------------------------------------------------- health, models


def test_health_ready_and_live(server):
    r = server.get("/v1/health/ready")
    assert r.status_code == 200 and r.json()["status"] == "ready"
    assert server.get("/v1/health/live").status_code == 200


def test_models_list_base_and_trained_runs(server, pg_run, other):
    data = server.get("/v1/models").json()
    assert data["object"] == "list"
    ids = [m["id"] for m in data["data"]]
    assert ids[0] == BASE and pg_run["model"] in ids
    for m in data["data"]:
        assert m["object"] == "model" and isinstance(m["created"], int)
    # A Vi key scopes the list to its workspace: the other workspace sees only the base model.
    scoped = server.get("/v1/models", headers={"Authorization": "Bearer " + other.secret}).json()
    assert [m["id"] for m in scoped["data"]] == [BASE]
    own = server.get("/v1/models", headers={"Authorization": "Bearer " + pg_run["vi"].secret}).json()
    assert [m["id"] for m in own["data"]] == [BASE, pg_run["model"]]
    assert server.get(f"/v1/models/{pg_run['model']}").json()["id"] == pg_run["model"]
    check_openai_error(server.get("/v1/models/nope"), 404, "model_not_found")


def test_unknown_model_is_404_in_openai_shape(server):
    err = check_openai_error(chat(server, "gpt-4o", "hi"), 404, "model_not_found", "model")
    assert err["type"] == "invalid_request_error"


def test_vi_key_scopes_models_and_unknown_key_is_401(server, pg_run, other, shapes_png):
    # Another workspace's key: the model is not found, exactly like an unknown id.
    r = chat(server, pg_run["model"], "hi", shapes_png, headers={"Authorization": "Bearer " + other.secret})
    check_openai_error(r, 404, "model_not_found")
    r = chat(server, pg_run["model"], "hi", shapes_png, headers={"Authorization": "Bearer " + pg_run["vi"].secret})
    assert r.status_code == 200
    err = check_openai_error(chat(server, BASE, "hi", headers={"Authorization": "Bearer dtvi_" + "x" * 98}), 401,
                             "invalid_api_key")
    assert err["type"] == "authentication_error"
    check_openai_error(server.get("/v1/models", headers={"Authorization": "Bearer dtvi_nope"}), 401)
    # OpenAI clients always send some key: anything that is not a Vi key is ignored.
    assert chat(server, BASE, "hi", headers={"Authorization": "Bearer sk-anything"}).status_code == 200


# ------------------------------------------------------------------ task outputs


def test_vqa_on_unseen_image_counts_and_names_colours(server, shapes_png):
    for q, want in [("How many red circles are there?", "2"), ("How many blue objects?", "1"),
                    ("What colour is the square?", "blue"), ("Is there a green triangle?", "No"),
                    ("Is there a red circle?", "Yes")]:
        text = content_of(chat(server, BASE, q, shapes_png, response_format=response_format("vqa")))
        assert json.loads(text) == {"vqa": {"answer": want}}, (q, text)  # strict: exactly the task JSON
        p = vendor_parse(text, "vqa")
        assert p["task"] == "vqa" and p["result"]["answer"] == want and p["thinking"] is None


def test_phrase_grounding_on_unseen_image(server, shapes_png):
    text = content_of(chat(server, BASE, "Describe and locate all visible objects in this image.", shapes_png,
                           response_format=response_format("phrase_grounding")))
    doc = json.loads(text)
    p = vendor_parse(text, "phrase-grounding")
    assert p["task"] == "phrase-grounding", text
    g = {x["phrase"]: x["grounding"] for x in p["result"]["groundings"]}
    assert set(g) == {"medium red circle", "small red circle", "medium blue square"}, g
    assert close(g["medium red circle"][0], frame_box((60, 60, 240, 240)))
    assert close(g["medium blue square"][0], frame_box((380, 40, 560, 200)))
    assert "on a white background" in doc["phrase_grounding"]["sentence"]
    for phrase in g:
        assert phrase in doc["phrase_grounding"]["sentence"]


def test_task_from_user_words_without_response_format(server, shapes_png):
    # A question → VQA JSON; "locate" → phrase grounding JSON; anything else → generic text.
    p = vendor_parse(content_of(chat(server, BASE, "How many circles?", shapes_png)), "vqa")
    assert p["task"] == "vqa" and p["result"]["answer"] == "2"
    p = vendor_parse(content_of(chat(server, BASE, "Locate the objects", shapes_png)), "phrase-grounding")
    assert p["task"] == "phrase-grounding"
    text = content_of(chat(server, BASE, "Write a caption", shapes_png))
    assert vendor_parse(text, "vqa")["task"] == "generic"
    assert text.endswith("on a white background.") and "a medium red circle" in text


def test_chain_of_thought_tags_when_asked(server, shapes_png):
    body = {"model": BASE, "messages": [
        {"role": "system", "content": "Think first inside <think></think>, then answer inside <answer></answer>."},
        user_message("How many red circles are there?", shapes_png)]}
    text = content_of(server.post("/v1/chat/completions", json=body))
    assert text.startswith("<think>") and "</think><answer>" in text and text.endswith("</answer>")
    p = vendor_parse(text, "vqa")
    assert p["task"] == "vqa" and p["result"]["answer"] == "2"
    assert p["thinking"] and "salient object" in p["thinking"]
    # chat_template_kwargs.enable_thinking asks for the same; a response_format never gets tags.
    text = content_of(chat(server, BASE, "How many red circles?", shapes_png,
                           chat_template_kwargs={"enable_thinking": True}))
    assert text.startswith("<think>")
    text = content_of(chat(server, BASE, "How many red circles?", shapes_png, response_format=response_format("vqa"),
                           chat_template_kwargs={"enable_thinking": True}))
    assert text == '{"vqa":{"answer":"2"}}'


def test_custom_json_schema_is_obeyed(server, shapes_png):
    schema = {"type": "object", "properties": {
        "count": {"type": "integer", "minimum": 0},
        "objects": {"type": "array", "items": {"type": "object", "properties": {
            "label": {"type": "string"}, "color": {"type": "string"}}, "required": ["label", "color"]}},
        "mood": {"type": "string", "enum": ["calm", "busy"]},
        "summary": {"type": "string", "maxLength": 20}},
        "required": ["count", "objects", "mood", "summary"], "additionalProperties": False}
    text = content_of(chat(server, BASE, "Summarise", shapes_png,
                           response_format={"type": "json_schema", "json_schema": {"name": "scene", "schema": schema}}))
    doc = json.loads(text)
    assert set(doc) == {"count", "objects", "mood", "summary"}
    assert doc["count"] == 3 and len(doc["objects"]) == 3
    assert {o["color"] for o in doc["objects"]} == {"red", "blue"}
    assert doc["mood"] in ("calm", "busy") and len(doc["summary"]) <= 20
    obj = json.loads(content_of(chat(server, BASE, "Describe it", shapes_png, response_format={"type": "json_object"})))
    assert isinstance(obj, dict) and obj["response"]


# ------------------------------------------------------------------ memory


def test_training_image_returns_its_own_annotation(server, pg_run):
    name = "ball.png"
    _, caption, phrases = PG_IMAGES[name]
    sent = reencoded(pg_run["files"][name], scale=0.5)  # JPEG, half size: the signature still matches
    text = content_of(chat(server, pg_run["model"], "Describe and locate all visible objects in this image.", sent,
                           response_format=response_format("phrase_grounding")))
    p = vendor_parse(text, "phrase-grounding")
    assert p["task"] == "phrase-grounding"
    assert p["result"]["sentence"] == caption
    got = {g["phrase"]: g["grounding"] for g in p["result"]["groundings"]}
    assert set(got) == set(phrases)
    for phrase, box in phrases.items():
        assert got[phrase] == [frame_box(box)], (phrase, got[phrase])
    # The run's own task (phrase grounding) applies without a response_format too.
    p = vendor_parse(content_of(chat(server, pg_run["model"], "What is here", sent)), "phrase-grounding")
    assert p["task"] == "phrase-grounding" and p["result"]["sentence"] == caption


def test_unseen_image_on_a_trained_model_is_answered_from_pixels(server, pg_run):
    unseen = encode(scene([("rect", RED, (100, 100, 160, 160))]))
    p = vendor_parse(content_of(chat(server, pg_run["model"], None, unseen)), "phrase-grounding")
    assert p["task"] == "phrase-grounding"
    assert [g["phrase"] for g in p["result"]["groundings"]] == ["small red square"]


def test_vqa_model_answers_the_nearest_question(server, vqa_run):
    sent = reencoded(vqa_run["files"]["balls.png"], scale=0.75)
    for q, want in [("how many balls are in the picture", "two"), ("What color are those balls?", "blue")]:
        text = content_of(chat(server, vqa_run["model"], q, sent, response_format=response_format("vqa")))
        assert vendor_parse(text, "vqa")["result"] == {"answer": want}, (q, text)


# ------------------------------------------------------------ sampling, streaming


def test_determinism_across_20_calls(server, pg_run, shapes_png):
    for model, img in ((BASE, shapes_png), (pg_run["model"], pg_run["files"]["tent.png"])):
        body = {"model": model, "messages": [user_message("Describe and locate all visible objects.", img)],
                "temperature": 0.8, "seed": 7, "response_format": response_format("phrase_grounding")}
        outs = {content_of(server.post("/v1/chat/completions", json=body)) for _ in range(20)}
        assert len(outs) == 1, outs


def test_seed_picks_a_phrasing_but_never_other_boxes(server, shapes_png):
    texts = {}
    for seed in range(12):
        text = content_of(chat(server, BASE, "Describe", shapes_png, temperature=1.0, seed=seed))
        texts[seed] = text
    assert len(set(texts.values())) > 1
    greedy = content_of(chat(server, BASE, "Describe", shapes_png, temperature=0))
    assert greedy == content_of(chat(server, BASE, "Describe", shapes_png, temperature=0, seed=99))
    boxes = set()
    for seed in range(6):
        text = content_of(chat(server, BASE, "Locate", shapes_png, temperature=1.0, seed=seed,
                               response_format=response_format("phrase_grounding")))
        boxes.add(json.dumps(json.loads(text)["phrase_grounding"]["groundings"]))
    assert len(boxes) == 1


def test_streaming_reassembles_to_the_same_text(server, pg_run, shapes_png):
    for model, img, fmt in ((BASE, shapes_png, response_format("phrase_grounding")),
                            (pg_run["model"], pg_run["files"]["ball.png"], None),
                            (BASE, shapes_png, None)):
        extra = {"response_format": fmt} if fmt else {}
        full = content_of(chat(server, model, "Describe and locate all visible objects.", img, **extra))
        r = chat(server, model, "Describe and locate all visible objects.", img, stream=True,
                 stream_options={"include_usage": True}, **extra)
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith("text/event-stream")
        chunks = [json.loads(e) for e in sse_events(r.text)]
        assert all(c["object"] == "chat.completion.chunk" for c in chunks)
        assert len({c["id"] for c in chunks}) == 1
        assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
        text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
        assert text == full
        finals = [c["choices"][0]["finish_reason"] for c in chunks if c["choices"] and c["choices"][0]["finish_reason"]]
        assert finals == ["stop"]
        usage = chunks[-1]
        assert usage["choices"] == [] and usage["usage"]["completion_tokens"] == len(chunks) - 3
        assert all(c["usage"] is None for c in chunks[:-1])


def test_stream_without_usage_has_no_usage_chunk(server, shapes_png):
    r = chat(server, BASE, "How many circles?", shapes_png, stream=True)
    chunks = [json.loads(e) for e in sse_events(r.text)]
    assert all("usage" not in c for c in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["choices"][0]["delta"] == {}


def test_max_tokens_truncates_honestly(server, shapes_png):
    full = content_of(chat(server, BASE, "Locate", shapes_png, response_format=response_format("phrase_grounding")))
    r = chat(server, BASE, "Locate", shapes_png, max_tokens=7, response_format=response_format("phrase_grounding"))
    body = r.json()
    cut = body["choices"][0]["message"]["content"]
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] == 7
    assert full.startswith(cut) and len(cut) < len(full)
    assert vendor_parse(cut, "phrase-grounding")["task"] == "generic"
    r = chat(server, BASE, "Locate", shapes_png, max_completion_tokens=5, stream=True)
    chunks = [json.loads(e) for e in sse_events(r.text)]
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"
    assert len([c for c in chunks if c["choices"][0]["delta"].get("content")]) == 5


def test_stop_sequences_and_n_choices(server, shapes_png):
    full = content_of(chat(server, BASE, "Describe", shapes_png, temperature=0))
    r = chat(server, BASE, "Describe", shapes_png, temperature=0, stop=[" on a"])
    assert r.json()["choices"][0]["message"]["content"] == full.split(" on a")[0]
    assert r.json()["choices"][0]["finish_reason"] == "stop"
    body = chat(server, BASE, "Describe", shapes_png, n=3, temperature=1.0, seed=3).json()
    assert [c["index"] for c in body["choices"]] == [0, 1, 2]
    r = chat(server, BASE, "Describe", shapes_png, n=2, stream=True)
    idx = {json.loads(e)["choices"][0]["index"] for e in sse_events(r.text)}
    assert idx == {0, 1}


def test_usage_counts_text_and_image_tokens(server):
    img = encode(scene([], size=(280, 280)))
    without = chat(server, BASE, "Describe this", None).json()["usage"]["prompt_tokens"]
    with_img = chat(server, BASE, "Describe this", img).json()["usage"]["prompt_tokens"]
    assert with_img - without == 100  # 10x10 patches of 28x28


# ------------------------------------------------------------------ images


def test_image_from_registered_remote_url(server, shapes_png):
    url = "https://images.example.test/shapes.png"
    r = server.put("/_emulator/remote-files", json={"url": url, "contentType": "image/png",
                                                    "base64": data_url(shapes_png).split(",", 1)[1]})
    assert r.status_code == 201, r.text
    body = {"model": BASE, "messages": [{"role": "user", "content": [
        {"type": "text", "text": "How many red circles?"}, {"type": "image_url", "image_url": {"url": url}}]}]}
    assert vendor_parse(content_of(server.post("/v1/chat/completions", json=body)), "vqa")["result"]["answer"] == "2"
    body["messages"][0]["content"][1]["image_url"]["url"] = "https://unregistered.example.test/x.png"
    check_openai_error(server.post("/v1/chat/completions", json=body), 400, "invalid_image_url")


def test_bad_images_are_400(server):
    for url, code in [("data:image/png;base64,@@@", "invalid_image_url"), ("data:text/plain;base64,aGk=",
                                                                            "invalid_image_url"),
                      ("data:image/png;base64,aGVsbG8gd29ybGQ=", "invalid_image"), ("ftp://x/y.png",
                                                                                     "invalid_image_url")]:
        body = {"model": BASE, "messages": [{"role": "user", "content": [{"type": "image_url",
                                                                          "image_url": {"url": url}}]}]}
        check_openai_error(server.post("/v1/chat/completions", json=body), 400, code)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("body,param", [
    ({"messages": [{"role": "user", "content": "hi"}]}, "model"),
    ({"model": BASE}, "messages"),
    ({"model": BASE, "messages": []}, "messages"),
    ({"model": BASE, "messages": [{"role": "robot", "content": "hi"}]}, "messages[0]"),
    ({"model": BASE, "messages": [{"role": "user", "content": [{"type": "audio"}]}]}, "messages[0].content[0]"),
    ({"model": BASE, "messages": [{"role": "user", "content": 5}]}, "messages[0]"),
    ({"model": BASE, "messages": [{"role": "user", "content": "hi"}], "temperature": 3}, "temperature"),
    ({"model": BASE, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 0}, "max_tokens"),
    ({"model": BASE, "messages": [{"role": "user", "content": "hi"}], "n": 9}, "n"),
    ({"model": BASE, "messages": [{"role": "user", "content": "hi"}], "stream": "yes"}, "stream"),
    ({"model": BASE, "messages": [{"role": "user", "content": "hi"}], "tools": []}, "tools"),
    ({"model": BASE, "messages": [{"role": "user", "content": "hi"}], "logprobs": True}, "logprobs"),
    ({"model": BASE, "messages": [{"role": "user", "content": "hi"}],
      "response_format": {"type": "json_schema"}}, "response_format.json_schema"),
    ({"model": BASE, "messages": [{"role": "user", "content": "hi"}],
      "response_format": {"type": "xml"}}, "response_format.type"),
    ({"model": BASE, "messages": [{"role": "user", "content": "hi"}], "stream_options": {"include_usage": True}},
     "stream_options"),
])
def test_bad_bodies_are_400_naming_the_parameter(server, body, param):
    err = check_openai_error(server.post("/v1/chat/completions", json=body), 400, param=param)
    assert err["type"] == "invalid_request_error"


def test_transport_errors_in_openai_shape(server):
    # 405 with Allow, 415, 400 malformed JSON, 413 from Content-Length, 404 unknown /v1 route.
    r = server.get("/v1/chat/completions")
    check_openai_error(r, 405)
    assert "POST" in r.headers["Allow"]
    check_openai_error(server.post("/v1/chat/completions", data="hi", headers={"Content-Type": "text/plain"}), 415)
    check_openai_error(server.post("/v1/chat/completions", data="{bad", headers={"Content-Type": "application/json"}),
                       400)
    st, hdrs, out = server.raw("POST", "/v1/chat/completions", None,
                               {"Content-Type": "application/json", "Content-Length": str(65 * 1024 * 1024)})
    assert st == 413
    err = json.loads(out)["error"]
    assert set(err) == {"message", "type", "param", "code"}
    check_openai_error(server.get("/v1/embeddings"), 404)


def test_no_image_still_answers(server):
    text = content_of(chat(server, BASE, "Locate things", None, response_format=response_format("phrase_grounding")))
    assert vendor_parse(text, "phrase-grounding")["task"] == "phrase-grounding"
    text = content_of(chat(server, BASE, "Hello there", None))
    assert text
