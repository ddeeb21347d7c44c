"""Every Ximilar route of the build (from /_emulator/coverage): without a key,
with a wrong key and with another dialect's key the answer is 401
{"detail": "Invalid token."}; every route with an id answers a well-formed
unknown id with 404 {"detail": "Not found."}-style bodies, never a 5xx."""
import json
import uuid

import pytest
import requests

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def routes(server):
    r = server.get("/_emulator/coverage")
    assert r.status_code == 200
    items = r.json()["dialects"]["ximilar"]
    assert len(items) >= 85
    return items


def concrete(path):
    return path.replace("{id}", UNKNOWN)


def test_every_route_requires_the_ximilar_key(server):
    ws = server.create_workspace("k")
    base = f"http://localhost:{server.port}"
    for rt in routes(server):
        url = base + concrete(rt["path"])
        for headers in ({}, {"Authorization": "Token nope"}, {"Authorization": "Bearer " + ws["keys"]["labelbox"]},
                        {"Authorization": "Token " + ws["keys"]["pictograph"]}):
            body = "{}" if rt["method"] in ("POST", "PUT", "PATCH") else None
            h = dict(headers)
            if body:
                h["Content-Type"] = "application/json"
            r = requests.request(rt["method"], url, headers=h, data=body, timeout=30)
            assert r.status_code == 401, (rt, headers, r.status_code, r.text)
            assert r.json() == {"detail": "Invalid token."}, (rt, r.text)


def test_unknown_ids_are_404_everywhere(server):
    ws = server.create_workspace("k")
    h = {"Authorization": "Token " + ws["keys"]["ximilar"], "Content-Type": "application/json"}
    base = f"http://localhost:{server.port}"
    for rt in routes(server):
        if "{id}" not in rt["path"]:
            continue
        bodies = {"add-images": {"image_ids": [UNKNOWN]}, "remove-images": {"image_ids": [UNKNOWN]},
                  "add-objects": {"detection_object_ids": [UNKNOWN]},
                  "remove-objects": {"detection_object_ids": [UNKNOWN]},
                  "add-variable-value": {"dataset_variable": UNKNOWN, "value": {"value": 1}},
                  "add-dataset": {"dataset_id": UNKNOWN}, "remove-dataset": {"dataset_id": UNKNOWN},
                  "add-label": {"label_id": UNKNOWN}, "remove-label": {"label_id": UNKNOWN}}
        last = rt["path"].rstrip("/").rsplit("/", 1)[-1]
        body = bodies.get(last, {}) if rt["method"] in ("POST", "PUT", "PATCH") else None
        r = requests.request(rt["method"], base + concrete(rt["path"]), headers=h,
                             data=json.dumps(body) if body is not None else None, timeout=30)
        assert r.status_code == 404, (rt, r.status_code, r.text)
        assert "detail" in r.json(), (rt, r.text)
