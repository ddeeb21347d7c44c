"""Fixtures for the prediction tests: Vi clients for two workspaces, and runs
trained on small datasets of known, annotated synthetic images."""
import pytest

from inference.inf_client import BLUE, GREEN, RED, encode, scene, train
from vi.vi_client import ViClient, jsonl

# Phrase-grounding training images: (shapes, caption, {phrase: pixel box}).
PG_IMAGES = {
    "ball.png": ([("circle", RED, (100, 100, 300, 300)), ("rect", BLUE, (380, 60, 560, 200))],
                 "a red ball next to a blue box",
                 {"red ball": (100, 100, 300, 300), "blue box": (380, 60, 560, 200)}),
    "tent.png": ([("triangle", GREEN, (200, 150, 500, 420)), ("circle", RED, (520, 40, 600, 120))],
                 "a green tent under a red sun",
                 {"green tent": (200, 150, 500, 420), "red sun": (520, 40, 600, 120)}),
}
VQA_IMAGE = ([("circle", BLUE, (60, 60, 220, 220)), ("circle", BLUE, (380, 220, 560, 400))],
             [("How many balls are there?", "two"), ("What colour are the balls?", "blue")])


def pg_lines(files):
    lines = []
    for name, (_, caption, phrases) in PG_IMAGES.items():
        lines.append({"asset_id": name, "caption": caption,
                      "grounded_phrases": [{"phrase": p, "bbox": [x0 / 640, y0 / 480, x1 / 640, y1 / 480]}
                                           for p, (x0, y0, x1, y1) in phrases.items()]})
    return jsonl(*lines)


@pytest.fixture
def vi(server):
    ws = server.create_workspace("predict")
    return ViClient.for_workspace(server, ws)


@pytest.fixture
def other(server):
    ws = server.create_workspace("other")
    return ViClient.for_workspace(server, ws)


@pytest.fixture
def pg_data(vi):
    """A phrase-grounding dataset: two annotated images and one without annotations."""
    ds = vi.create_dataset("shapes")
    dsid = vi.dataset_id(ds)
    files = {name: encode(scene(shapes)) for name, (shapes, _, _) in PG_IMAGES.items()}
    files["plain.png"] = encode(scene([("rect", GREEN, (250, 180, 390, 300))]))
    vi.upload_assets(dsid, files)
    s = vi.upload_annotations(dsid, {"lines.jsonl": pg_lines(files)})
    assert all(c["status"] == "Reached" for c in s["status"]["conditions"]), s
    return {"vi": vi, "dataset": ds, "dsid": dsid, "files": files,
            "assets": {a["filename"]: a for a in vi.assets(dsid)}}


@pytest.fixture
def pg_run(pg_data):
    run = train(pg_data["vi"], pg_data["dataset"]["datasetId"])
    return {**pg_data, "run": run, "model": run["runId"]}


@pytest.fixture
def vqa_run(vi):
    ds = vi.create_dataset("questions", "vqa")
    dsid = vi.dataset_id(ds)
    shapes, qas = VQA_IMAGE
    files = {"balls.png": encode(scene(shapes))}
    vi.upload_assets(dsid, files)
    line = {"asset_id": "balls.png",
            "contents": {"interactions": [{"question": q, "answer": a} for q, a in qas]}}
    s = vi.upload_annotations(dsid, {"qa.jsonl": jsonl(line)})
    assert all(c["status"] == "Reached" for c in s["status"]["conditions"]), s
    run = train(vi, ds["datasetId"])
    return {"vi": vi, "dataset": ds, "dsid": dsid, "files": files, "run": run, "model": run["runId"]}
