"""Helpers for the prediction tests: the vendor client's parsing rules for raw
model output (shared/specs/vi.md §13.4, the same algorithm as the vendor SDK),
synthetic images of known content, data URLs, chat-completion calls, SSE
parsing and training a Vi run.

The vendor SDK is not installable here, so its parser is written from the spec:
  1. thinking = trimmed content of the first <think>…</think>, else None;
  2. candidate = trimmed content of the first <answer>…</answer>; if absent and a
     think block exists, the text with all think blocks removed; else the whole
     output;
  3. strip one enclosing Markdown code fence when the candidate is exactly fenced;
  4. from the first '{' or '[', decode one JSON value and ignore the rest;
  5. validate the task shape (VQA answer non-empty; phrase grounding sentence,
     ≥1 grounding, each with ≥1 box of 4 integers in 0..1024);
  6. any failure → generic with the full raw output.
"""
from __future__ import annotations

import base64
import io
import json
import re
import time

from PIL import Image, ImageDraw

from vi.vi_client import ViClient

PG_SCHEMA = {
    "type": "object",
    "properties": {
        "phrase_grounding": {
            "type": "object",
            "properties": {
                "sentence": {"type": "string"},
                "groundings": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "phrase": {"type": "string"},
                            "grounding": {"type": "array",
                                          "items": {"type": "array", "items": {"type": "integer"}}},
                        },
                        "required": ["phrase", "grounding"],
                    },
                },
            },
            "required": ["sentence", "groundings"],
        }
    },
    "required": ["phrase_grounding"],
}
VQA_SCHEMA = {
    "type": "object",
    "properties": {"vqa": {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}},
    "required": ["vqa"],
}


def response_format(task: str) -> dict:
    if task == "vqa":
        return {"type": "json_schema", "json_schema": {"name": "VQAResponse", "schema": VQA_SCHEMA, "strict": True}}
    return {"type": "json_schema",
            "json_schema": {"name": "PhraseGroundingResponse", "schema": PG_SCHEMA, "strict": True}}


# ------------------------------------------------------------------ vendor parser


def _unfence(s: str) -> str:
    m = re.fullmatch(r"```[^\n]*\n(.*)```", s, re.S)
    return m.group(1).strip() if m else s


def vendor_parse(raw: str, task: str) -> dict:
    """→ {"task", "thinking", "result"} exactly as the vendor client would."""
    m = re.search(r"<think>(.*?)</think>", raw, re.S)
    thinking = m.group(1).strip() if m else None
    if task == "generic":
        return {"task": "generic", "thinking": thinking, "result": raw}
    a = re.search(r"<answer>(.*?)</answer>", raw, re.S)
    if a:
        cand = a.group(1).strip()
    elif m:
        cand = re.sub(r"<think>.*?</think>", "", raw, flags=re.S).strip()
    else:
        cand = raw.strip()
    cand = _unfence(cand)
    idx = [i for i in (cand.find("{"), cand.find("[")) if i >= 0]
    try:
        if not idx:
            raise ValueError("no JSON")
        doc, _ = json.JSONDecoder().raw_decode(cand[min(idx):])
        if task == "vqa":
            ans = doc["vqa"]["answer"]
            assert isinstance(ans, str) and ans
            return {"task": "vqa", "thinking": thinking, "result": {"answer": ans}}
        pg = doc["phrase_grounding"]
        assert isinstance(pg["sentence"], str) and pg["sentence"]
        gs = pg["groundings"]
        assert isinstance(gs, list) and gs
        for g in gs:
            assert isinstance(g["phrase"], str) and g["phrase"]
            assert isinstance(g["grounding"], list) and g["grounding"]
            for box in g["grounding"]:
                assert isinstance(box, list) and len(box) == 4
                assert all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 1024 for v in box)
        return {"task": "phrase-grounding", "thinking": thinking,
                "result": {"sentence": pg["sentence"],
                           "groundings": [{"phrase": g["phrase"], "grounding": g["grounding"]} for g in gs]}}
    except (ValueError, KeyError, TypeError, AssertionError):
        return {"task": "generic", "thinking": thinking, "result": raw}


# ------------------------------------------------------------------------ images

WHITE = (255, 255, 255)
RED = (220, 30, 30)
BLUE = (30, 60, 220)
GREEN = (40, 170, 60)


def scene(shapes, size=(640, 480), bg=WHITE) -> Image.Image:
    """shapes: [(kind, colour, (x0, y0, x1, y1))], kind ∈ circle, rect, triangle."""
    im = Image.new("RGB", size, bg)
    d = ImageDraw.Draw(im)
    for kind, colour, (x0, y0, x1, y1) in shapes:
        if kind == "circle":
            d.ellipse((x0, y0, x1, y1), fill=colour)
        elif kind == "rect":
            d.rectangle((x0, y0, x1 - 1, y1 - 1), fill=colour)
        else:
            d.polygon([(x0, y1), ((x0 + x1) / 2, y0), (x1, y1)], fill=colour)
    return im


def encode(im: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def reencoded(png: bytes, scale: float = 0.5, quality: int = 80) -> bytes:
    """The same picture as the client might send it: resized, as JPEG."""
    im = Image.open(io.BytesIO(png)).convert("RGB")
    im = im.resize((max(1, int(im.width * scale)), max(1, int(im.height * scale))), Image.LANCZOS)
    return encode(im, "JPEG", quality=quality)


def data_url(data: bytes, mime: str | None = None) -> str:
    if mime is None:
        mime = "image/png" if data[:4] == b"\x89PNG" else "image/jpeg"
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def user_message(text: str | None, image: bytes | None = None) -> dict:
    parts = []
    if image is not None:
        parts.append({"type": "image_url", "image_url": {"url": data_url(image)}})
    if text is not None:
        parts.append({"type": "text", "text": text})
    return {"role": "user", "content": parts}


# -------------------------------------------------------------------------- calls


def chat(server, model: str, text: str | None, image: bytes | None = None, headers=None, **extra):
    body = {"model": model, "messages": [user_message(text, image)], **extra}
    return server.post("/v1/chat/completions", json=body, headers=headers or {})


def check_openai_error(resp, status: int, code: str | None = None, param: str | None = None) -> dict:
    assert resp.status_code == status, f"{resp.status_code} {resp.text}"
    assert resp.headers.get("Content-Type", "").startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"message", "type", "param", "code"}, err
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["type"], str) and err["type"]
    if code is not None:
        assert err["code"] == code, err
    if param is not None:
        assert err["param"] == param, err
    return err


def sse_events(text: str) -> list[str]:
    """The data payloads of an OpenAI event stream, checking the framing exactly:
    every event is one `data: …` line followed by a blank line, the last is [DONE]."""
    assert text.endswith("data: [DONE]\n\n"), text[-200:]
    blocks = text.split("\n\n")
    assert blocks[-1] == ""
    out = []
    for b in blocks[:-1]:
        assert b.startswith("data: ") and "\n" not in b, repr(b[:200])
        out.append(b[len("data: "):])
    assert out[-1] == "[DONE]"
    return out[:-1]


def named_events(text: str) -> list[tuple[str, dict]]:
    """Vi prediction streams: `event: <name>\\ndata: <json>\\n\\n` blocks."""
    blocks = text.split("\n\n")
    assert blocks[-1] == "", repr(text[-100:])
    out = []
    for b in blocks[:-1]:
        lines = b.split("\n")
        assert len(lines) == 2 and lines[0].startswith("event: ") and lines[1].startswith("data: "), repr(b[:200])
        out.append((lines[0][7:], json.loads(lines[1][6:])))
    return out


# ------------------------------------------------------------------------ training


def create_run(vi: ViClient, dataset_id: str, **spec) -> dict:
    body = {"spec": {"trainingProject": dataset_id, **spec}}
    r = vi.call("POST", f"{vi.base}/runs", body)
    assert r.status_code == 201, r.text
    return r.json()


def wait_run(vi: ViClient, run_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = vi.ok("GET", f"{vi.base}/runs/{run_id}")
        trained = [c for c in run["status"]["conditions"] if c["condition"] == "Trained"][0]
        if trained["status"] != "Waiting":
            return run
        assert time.monotonic() < deadline, run
        time.sleep(0.05)


def train(vi: ViClient, dataset_id: str, **spec) -> dict:
    run = create_run(vi, dataset_id, **spec)
    run = wait_run(vi, run["runId"])
    trained = [c for c in run["status"]["conditions"] if c["condition"] == "Trained"][0]
    assert trained["status"] == "Reached", run
    return run
