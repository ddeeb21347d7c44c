"""Security sweep over the route table itself (issue 8, evidence item 5).

Every vendor route this build serves is read from GET /_emulator/coverage (Vi,
Pictograph and Ximilar give method + path pattern; Labelbox gives GraphQL
operation names, sent through POST /graphql with the SDK's own query text).
Workspace A gets one of everything through each dialect first; workspace B is
the intruder. Then, for every route:

1. credentials — no key, an unknown key, another dialect's key: 401 in the
   dialect's error shape (Labelbox: AUTHENTICATION_ERROR in GraphQL errors);
2. isolation — B's valid key on A's ids answers 404 (Labelbox: an error or a
   null root) exactly as B's key on random ids does, and no answer to B ever
   holds one of A's ids or names that B did not send itself; afterwards A's
   resources are all still there;
3. malformed input, with A's own key on A's real ids (so that a 404 for an
   unknown id cannot hide a missing check):
   * strict (must be 4xx in the dialect's shape): malformed path parameters
     (path traversal ../../etc/passwd raw, %2F-encoded and %2e%2e%2f, SQL
     metacharacters ' OR 1=1 --, NUL, invalid UTF-8, 1e308, 2^64); bodies of
     every JSON route that are not an object, nested 10,000 levels deep, invalid
     UTF-8, raw or escaped NUL, integers of 2^64, reals of 1e400, truncated;
     each top-level field of a known-good body replaced by a value of the wrong
     JSON type;
   * lenient (never 5xx, 4xx only in the dialect's shape): 1e308 and the int64
     extremes in each field, SQL metacharacters and path traversal as string
     values and as query parameters — these are legal data for many fields
     ("file names are data, not file-system paths"), so a 2xx is allowed as
     long as no file content leaks (no /etc/passwd text in any answer).
   After each malformed request the server must still answer
   GET /_emulator/health, and at the end it must exit 0 on SIGTERM with no
   sanitizer report (the harness checks both).

Also: names and global keys are per workspace (B may reuse A's, so no 409 tells
B what A has); upload file names with traversal are data, and server-issued
blob URLs with traversal in the file-name segment answer 4xx. Vi's prediction
endpoint (/v1/..., listed with Vi) is open by design: it gets the malformed-input
classes, not the credential and isolation checks. Routes that land later are
picked up from the coverage list; a path parameter this file does not know is
filled with one of A's ids found by listing its collection (or an unknown id).

Bugs this sweep and the fuzz targets found are the strict xfail tests at the
end, each naming the file and the cause. One server serves the whole module
(populating A takes a few seconds); the numbers of requests per class are
printed (pytest -s) for the evidence report.
"""
from __future__ import annotations

import contextlib
import json
import re
import time
import uuid
from collections import Counter

import pytest
import requests

from conftest import Server
from labelbox.lb_client import LB, QUERIES
from labelbox.lb_client import png_bytes as lb_png
from pictograph.pg_client import PG
from shapes import SHAPES, ximilar_prediction_shape
from vi.vi_client import ViClient, jpeg_bytes, jsonl, png_bytes
from ximilar.xim_client import XimClient, b64, textured_image

TAG = "secretA" + uuid.uuid4().hex[:8]
DIALECTS = ("vi", "pictograph", "ximilar", "labelbox")   # vendor dialects with credentials
OPEN = ("inference",)                                      # served without credentials (Vi's NIM endpoint)
REST = ("vi", "pictograph", "ximilar")
STATS: Counter = Counter()
PASSWD = b"root:x:0:0"

# Path-parameter values, already in wire form (server.raw sends them verbatim).
PATH_CLASSES = {
    "traversal_raw": "../../etc/passwd",
    "traversal_encoded": "..%2F..%2Fetc%2Fpasswd",
    "traversal_dots": "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "sql": "%27%20OR%201%3D1%20--",
    "nul": "a%00b",
    "bad_utf8": "%FF%FE%C0%AF",
    "huge_real": "1e308",
    "huge_int": "18446744073709551616",
}

# Raw bodies for every route that parses JSON: all must be refused with a 4xx.
BODY_CLASSES = {
    "root_array": b"[]",
    "root_string": b'"x"',
    "root_number": b"42",
    "root_null": b"null",
    "deep_array": b"[" * 10000 + b"]" * 10000,
    "deep_object": b'{"a":' * 10000 + b"1" + b"}" * 10000,
    "bad_utf8": b'{"name": "\xff\xfe\xc0\xaf"}',
    "raw_nul": b'{"name": "a\x00b"}',
    "escaped_nul": b'{"name": "a\\u0000b"}',
    "huge_int": b'{"name": 18446744073709551616}',
    "huge_real": b'{"name": 1e400}',
    "truncated": b'{"name": ',
}

# Field values that are legal JSON: a 4xx or a 2xx, never a 5xx.
LENIENT_NUMBERS = [1e308, -1e308, -9223372036854775808, 9223372036854775807]
LENIENT_STRINGS = ["' OR 1=1 --", "../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "\" OR \"\"=\"", "a;DROP TABLE x"]
QUERY_CLASSES = {
    "huge": "limit=1e308&offset=18446744073709551616&page=-9223372036854775808&page_size=1e308&pageSize=1e308&s=1e308"
            "&first=18446744073709551616&skip=-1",
    "sql": "search=%27%20OR%201%3D1%20--&name=%27%20OR%201%3D1%20--&dataset=%27%20OR%201%3D1%20--"
           "&filename=%27%20OR%201%3D1%20--&task=%27%20OR%201%3D1%20--",
    "traversal": "filename=..%2F..%2Fetc%2Fpasswd&directory_path=..%2F..%2Fetc&dataset=..%2F..%2Fetc%2Fpasswd"
                 "&search=%2e%2e%2f",
    "nul_utf8": "search=a%00b&name=%FF%FE&limit=%00&pageToken=%FF",
}


# --------------------------------------------------------------------------- setup


def vi_headers(ws, org=None):
    return {"Authorization": "Bearer " + ws["keys"]["vi"]["secretKey"],
            "Organization-Id": org or ws["keys"]["vi"]["organizationId"], "Content-Type": "application/json"}


def creds(dialect, ws):
    if dialect == "vi":
        return vi_headers(ws)
    if dialect == "pictograph":
        return {"X-API-Key": ws["keys"]["pictograph"], "Content-Type": "application/json"}
    if dialect == "ximilar":
        return {"Authorization": "Token " + ws["keys"]["ximilar"], "Content-Type": "application/json"}
    if dialect in OPEN:
        return {"Content-Type": "application/json"}
    return {"Authorization": "Bearer " + ws["keys"]["labelbox"], "Content-Type": "application/json"}


def populate_vi(server, ws, ids):
    vi = ViClient.for_workspace(server, ws)
    dsid = vi.dataset_id(vi.create_dataset(f"{TAG}-vi-dataset"))
    s = vi.upload_assets(dsid, {f"{TAG}-vi.jpg": jpeg_bytes(32, 24)})
    asset = vi.assets(dsid)[0]["assetId"]
    imp = vi.upload_annotations(dsid, {"a.jsonl": jsonl({"asset_id": asset, "caption": f"{TAG} caption",
                                                          "grounded_phrases": [{"phrase": f"{TAG}",
                                                                                "bbox": [0.1, 0.1, 0.5, 0.5]}]})})
    ann = vi.annotations(dsid, asset)[0]["annotationId"]
    bulk = vi.ok("POST", f"{vi.d(dsid)}/deleteManyAssetsSessions", {"spec": {"filter": "zzz-nothing"}})
    ids["vi"] = {
        "org": vi.org, "ds": dsid, "asset": asset, "annotation": ann, "ingest": s["assetIngestionSessionId"],
        "import": imp["annotationImportSessionId"], "bulk": bulk["deleteManyAssetsSessionId"],
        "dexport": vi.export(dsid, "ViJsonl", annotation=False)["datasetExportId"],
        "aexport": vi.export(dsid, "Coco")["datasetExportId"],
    }


def populate_pictograph(server, ws, ids):
    pg = PG.for_workspace(server, ws)
    name = f"{TAG}-pg-dataset"
    ds = pg.create_dataset(name, classes=[{"name": "thing", "type": "bbox"}])
    fname = f"{TAG}-pg.png"
    img = pg.upload(name, fname, png_bytes(24, 16))
    ann = {"id": str(uuid.uuid4()), "name": f"{TAG}-label", "type": "bbox",
           "bounding_box": {"x": 1.0, "y": 1.0, "w": 5.0, "h": 5.0}}
    r = pg.post(f"/annotations/{name}/{fname}", json={"annotations": [ann]})
    assert r.status_code == 200, r.text
    pg.set_credits(100_000_000)
    r = pg.post("/auto-annotate/batch", json={"dataset_name": name, "image_filenames": [fname],
                                              "classes": [{"name": "thing", "output_type": "bbox"}]})
    assert r.status_code in (200, 201, 202), r.text
    ids["pictograph"] = {"dsname": name, "ds": ds["id"], "file": fname, "image": img["id"], "job": r.json()["job_id"],
                         "annotation": ann["id"]}


def populate_ximilar(server, ws, ids):
    xim = XimClient.for_workspace(server, ws)
    img = xim.upload(textured_image(7))
    img2 = xim.upload(textured_image(8))
    rlabel = xim.create("recognition/v2/label/", {"name": f"{TAG}-cat", "type": "category"})
    rlabel2 = xim.create("recognition/v2/label/", {"name": f"{TAG}-dog", "type": "category"})
    rtask = xim.create("recognition/v2/task/", {"name": f"{TAG}-rtask", "type": "multi_class"})
    for lab in (rlabel, rlabel2):
        xim.ok(xim.post(f"recognition/v2/task/{rtask['id']}/add-label/", {"label_id": lab["id"]}), 200)
    xim.ok(xim.post(f"recognition/v2/training-image/{img['id']}/add-label", {"label_id": rlabel["id"]}), 200)
    xim.ok(xim.post(f"recognition/v2/training-image/{img2['id']}/add-label", {"label_id": rlabel2["id"]}), 200)
    dlabel = xim.create("detection/v2/label/", {"name": f"{TAG}-box"})
    dobj = xim.create("detection/v2/object/", {"detection_label": dlabel["id"], "image": img["id"],
                                               "data": [0, 0, 5, 5]})
    system = xim.prompt(f"{TAG}-sys", "system", "You are a helpful assistant.")
    user = xim.prompt(f"{TAG}-user", "user", "Analyse the image of a {{category}}.")
    tpl = xim.prompt(f"{TAG}-tpl", "template", '{"grade": {{grade}}}', "json")
    vds = xim.create("vlm/v2/dataset/", {"name": f"{TAG}-vds", "system_prompt_id": system["id"],
                                         "user_prompt_id": user["id"], "result_template_id": tpl["id"]})
    var = xim.create("vlm/v2/variable/", {"dataset": vds["id"], "name": "grade", "type": "float", "required": True,
                                          "min_value": 0.0, "max_value": 10.0, "step_size": 0.5})
    sample = xim.create("vlm/v2/sample/", {"dataset": vds["id"], "name": f"{TAG}-sample"})
    xim.ok(xim.post(f"vlm/v2/sample/{sample['id']}/add-images/", {"image_ids": [img["id"]]}), 200)
    xim.ok(xim.post(f"vlm/v2/sample/{sample['id']}/add-variable-value/",
                    {"dataset_variable": var["id"], "value": {"value": 5.0}}), 200)
    vtask = xim.create("vlm/v2/task/", {"name": f"{TAG}-vtask", "system_prompt_id": system["id"],
                                        "user_prompt_id": user["id"]})
    xim.ok(xim.post(f"vlm/v2/task/{vtask['id']}/add-dataset/", {"dataset_id": vds["id"]}), 200)
    xim.ok(xim.post(f"recognition/v2/task/{rtask['id']}/train/"), 200)
    xim.ok(xim.post(f"vlm/v2/task/{vtask['id']}/train/"), 200)
    assert server.post("/_emulator/clock/advance", json={"ms": 10_000}).status_code == 200
    rmodel = xim.all("recognition/v2/model/", {"task": rtask["id"]})
    vmodel = xim.all("vlm/v2/model/", {"task": vtask["id"]})
    assert rmodel and vmodel, (rmodel, vmodel)
    ids["ximilar"] = {
        "recognition/v2/training-image": img["id"], "recognition/v2/label": rlabel["id"],
        "recognition/v2/task": rtask["id"], "recognition/v2/model": rmodel[0]["id"],
        "detection/v2/label": dlabel["id"], "detection/v2/object": dobj["id"], "vlm/v2/prompt": tpl["id"],
        "vlm/v2/task": vtask["id"], "vlm/v2/dataset": vds["id"], "vlm/v2/variable": var["id"],
        "vlm/v2/sample": sample["id"], "vlm/v2/model": vmodel[0]["id"],
        "_img2": img2["id"], "_system": system["id"], "_user": user["id"], "_rlabel2": rlabel2["id"],
        "_img_path": img.get("img_path", ""),
    }


def populate_labelbox(server, ws, ids):
    lb = LB.for_workspace(server, ws)
    ds = lb.create_dataset(f"{TAG}-lb-dataset")
    url = lb.upload(lb_png(64, 48), "img.png", "image/png")
    gk = f"{TAG}-gk"
    chunk = json.dumps([{"id": {"type": "AUTO", "value": ""},
                         "payload": {"row_data": url, "global_key": gk, "dataset_id": ds["id"]}}])
    chunk_url = lb.upload(chunk.encode(), "application/json", "json_import.json")
    manifest = json.dumps({"source": "SDK", "item_count": 1, "chunk_uris": [chunk_url]}).encode()
    manifest_url = lb.upload(manifest, "manifest.json", "application/json")
    task = lb.data("UpsertDataRowsPyApi", {"manifestUri": manifest_url})["upsertDataRows"]
    assert task["status"] == "COMPLETE", task
    row = lb.succeeded_rows(task["id"])[0]["id"]
    ont = lb.create_ontology(name=f"{TAG}-ontology")
    project = lb.create_project(name=f"{TAG}-project")["id"]
    lb.connect_ontology(project, ont["id"])
    batch = lb.create_batch(project, name=f"{TAG}-batch", global_keys=[gk])["batch"]
    imp = lb.import_file(project, [{"name": "bounding_box", "bbox": {"top": 1, "left": 1, "height": 5, "width": 5},
                                    "dataRow": {"globalKey": gk}, "uuid": str(uuid.uuid4())}],
                         name=f"{TAG}-import")
    user = lb.data("GetUserPyApi")["user"]
    editor = lb.data("GetLabelingFrontendsPyApi", {"param_0": "Editor", "param_1": False})["labelingFrontends"][0]
    ids["labelbox"] = {"dataset": ds["id"], "task": task["id"], "row": row, "ontology": ont["id"],
                       "project": project, "batch": batch["id"], "import": imp["id"], "import_name": imp["name"],
                       "gk": gk, "user": user["id"], "editor": editor["id"], "url": url,
                       "manifest": manifest_url}


class Sweep:
    def __init__(self, server, a, b, ids, routes):
        self.server = server
        self.a = a
        self.b = b
        self.ids = ids
        self.routes = routes
        self.http = requests.Session()
        self.http.trust_env = False
        self.discovered = {}
        # Everything of A's that B must never read back (ids, names, keys).
        markers = {TAG}
        for d in ids.values():
            for k, v in d.items():
                if isinstance(v, str) and len(v) >= 8 and k not in ("editor", "url", "manifest", "_img_path"):
                    markers.add(v)
        markers.add(a["keys"]["vi"]["organizationId"])
        markers.update([a["keys"]["pictograph"], a["keys"]["ximilar"], a["keys"]["labelbox"],
                        a["keys"]["vi"]["secretKey"]])
        self.markers = markers

    # -- wire
    def send(self, method, path, headers, body=None):
        """(status, headers, bytes); body may be bytes, a JSON value, or None."""
        data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
        return self.server.raw(method, path, data, headers)

    def healthy(self, what):
        r = self.http.get(self.server.url("/_emulator/health"), timeout=30)
        assert r.status_code == 200, f"server unhealthy after {what}: {r.status_code}"
        assert self.server.running, f"server died after {what}:\n{self.server.stderr()[-3000:]}"

    def no_leak(self, what, request_text, response):
        text = response.decode("utf-8", "replace")
        for m in self.markers:
            if m not in request_text:
                assert m not in text, f"{what}: answer to workspace B holds A's {m!r}: {text[:600]}"
        assert PASSWD.decode() not in text, f"{what}: file content in the answer: {text[:600]}"


def either_ximilar_shape(body):
    if isinstance(body, dict) and "status" in body:
        ximilar_prediction_shape(body)
    else:
        SHAPES["ximilar"](body)


def shape_for(dialect, what):
    """Ximilar's prediction-style calls answer their own errors in
    {"status":{"code","text"}} (spec §4); failures decided before the handler
    runs (401, malformed body) keep {"detail"}, as the vendor's REST layer does."""
    if dialect == "ximilar" and re.search(r"/(classify|predict)\b", what):
        return either_ximilar_shape
    return SHAPES[dialect]


def expect_error(dialect, what, status, body, allowed=range(400, 500)):
    assert status in allowed, f"{what}: expected {allowed}, got {status}: {body[:600]!r}"
    try:
        decoded = json.loads(body)
    except ValueError:
        raise AssertionError(f"{what}: {status} body is not JSON: {body[:300]!r}") from None
    try:
        shape_for(dialect, what)(decoded)
    except AssertionError as e:
        raise AssertionError(f"{what}: {status} not in {dialect}'s error shape: {e}") from None
    return decoded


class Problems(list):
    """Every violation of one test, reported together (the sweep is an inventory)."""

    @contextlib.contextmanager
    def check(self):
        try:
            yield
        except AssertionError as e:
            self.append(str(e).split("\nassert ")[0][:900])

    def assert_none(self):
        assert not self, f"{len(self)} problem(s):\n" + "\n".join(f"- {p}" for p in self[:80])


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("sweep"))
    srv.start()
    try:
        assert srv.post("/_emulator/clock", json={"mode": "frozen"}).status_code == 200
        a = srv.create_workspace(f"{TAG}-ws")
        b = srv.create_workspace("intruder")
        ids = {}
        cov = srv.get("/_emulator/coverage").json()["dialects"]
        # Vi's prediction endpoint (/v1/..., OpenAI/NIM style) is listed with Vi but is
        # its own surface: open without a key, OpenAI error bodies.
        nim = [r for r in cov.get("vi", []) if r["path"].startswith("/v1/")]
        if nim:
            cov["vi"] = [r for r in cov["vi"] if not r["path"].startswith("/v1/")]
            cov["inference"] = cov.get("inference", []) + nim
        if "vi" in cov:
            populate_vi(srv, a, ids)
        if "pictograph" in cov:
            populate_pictograph(srv, a, ids)
        if "ximilar" in cov:
            populate_ximilar(srv, a, ids)
        if "labelbox" in cov:
            populate_labelbox(srv, a, ids)
        sw = Sweep(srv, a, b, ids, cov)
        yield sw
    finally:
        print("\nsecurity sweep requests by class:", dict(sorted(STATS.items())))
        srv.stop()  # exit 0, no sanitizer report


# --------------------------------------------------------------- route instances


RANDOM = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def segment_values(sw, dialect, segs, i, who):
    """Alternatives for path segment i: a list of strings (may contain '/')."""
    s = segs[i]
    prev = segs[i - 1] if i else ""
    a = sw.ids.get(dialect, {})
    rnd = who == "R"
    if dialect == "vi":
        b_org = sw.b["keys"]["vi"]["organizationId"]
        org = a["org"] if who == "A" else b_org
        if s == "{org}":
            return [org]
        if s == "{ds}":
            if rnd:
                return [f"{org}_{RANDOM}"]
            return [f"{org}_{a['ds']}"] if who == "A" else [f"{org}_{a['ds']}", f"{a['org']}_{a['ds']}"]
        key = {"{asset}": "asset", "{annotation}": "annotation", "{export}": "dexport"
               if prev == "datasetExports" else "aexport"}.get(s)
        if s == "{session}":
            key = {"assetIngestionSessions": "ingest", "annotationImportSessions": "import",
                   "deleteManyAssetsSessions": "bulk"}.get(prev)
        if key:
            return [RANDOM if rnd else a[key]]
    if dialect == "pictograph" and (s == "{job_id}" or s == "**"):
        if s == "{job_id}":
            return [RANDOM if rnd else a["job"]]
        if s == "**":
            if rnd:
                return {"annotations": [f"{RANDOM}/x.png"], "datasets": [RANDOM],
                        "images": [RANDOM, f"{RANDOM}/metadata", f"{RANDOM}/x.png"]}[prev]
            return {"annotations": [f"{a['dsname']}/{a['file']}", f"{a['ds']}/{a['file']}"],
                    "datasets": [a["dsname"], a["ds"]],
                    "images": [a["image"], f"{a['image']}/metadata", f"{a['dsname']}/{a['file']}"]}[prev]
    if dialect == "ximilar" and s == "{id}" and "/".join(segs[:i]) in a:
        return [RANDOM if rnd else a["/".join(segs[:i])]]
    # A route that landed after this sweep was written: find one of A's ids by
    # listing the collection the parameter indexes; unknown ids when A has none.
    if rnd:
        return [RANDOM]
    found = discover(sw, dialect, segs, i)
    return [found or RANDOM]


def discover(sw, dialect, segs, i):
    key = (dialect, "/".join(segs[:i + 1]))
    if key in sw.discovered:
        return sw.discovered[key]
    found = None
    prefix = instances(sw, dialect, "/" + "/".join(segs[:i]), "A")[0][0] if i else "/"
    st, _, out = sw.send("GET", prefix, creds(dialect, sw.a))
    if st == 200:
        try:
            body = json.loads(out)
        except ValueError:
            body = None
        items = None
        if isinstance(body, dict):
            items = next((body[k] for k in ("items", "data", "results") if isinstance(body.get(k), list)), None)
        elif isinstance(body, list):
            items = body
        if items and isinstance(items[0], dict):
            name = segs[i].strip("{}").lower()
            keys = [k for k in items[0] if k.lower() in (name + "id", name + "_id")] + ["id"] + \
                [k for k in items[0] if k.endswith("Id")]
            found = next((items[0][k] for k in keys if isinstance(items[0].get(k), str)), None)
    if not found:
        STATS["unresolved " + dialect + " " + key[1]] += 1
    sw.discovered[key] = found
    if found:
        sw.markers.add(found)
    return found


def instances(sw, dialect, pattern, who):
    """Concrete paths for a pattern: [(path, [(start, end) of substituted segments])]."""
    segs = pattern.strip("/").split("/")
    out = [([], [])]
    for i, s in enumerate(segs):
        if s.startswith("{") or s == "**":
            nxt = []
            for parts, spans in out:
                for v in segment_values(sw, dialect, segs, i, who):
                    vs = v.split("/")
                    nxt.append((parts + vs, spans + [(len(parts), len(parts) + len(vs))]))
            out = nxt
        else:
            out = [(parts + [s], spans) for parts, spans in out]
    return [("/" + "/".join(parts), spans, parts) for parts, spans in out]


def has_params(pattern):
    return "{" in pattern or "**" in pattern


def only_org(pattern):
    return re.sub(r"\{org\}", "", pattern).find("{") < 0 and "**" not in pattern


# ----------------------------------------------------------------- valid bodies


def valid_body(sw, dialect, method, pattern, who="A"):
    """A body the route accepts from A (on A's ids), or None when none is known.
    The same body sent by B references A's ids and must be refused."""
    a = sw.ids.get(dialect, {})
    if dialect == "vi":
        if method == "POST" and pattern.endswith("/datasets"):
            return {"name": f"vi-new-{uuid.uuid4().hex[:6]}", "type": "phrase-grounding"}
        if pattern.endswith("assetIngestionSessions"):
            return {"spec": {"assets": [{"filename": "x.jpg", "mime": "image/jpeg", "size": 10, "crc32c": 1,
                                         "customMetadata": None, "kind": "Image"}], "kind": "Upload",
                             "failureMode": "FailAfterOne", "onAssetOverwritten": "RemoveLinkedResource"}}
        if pattern.endswith("annotationImportSessions"):
            return {"spec": {"uploadBefore": int(time.time() * 1000) + 3_300_000,
                             "failurePolicies": {"onBadAnnotation": "RejectSession", "onBadFile": "RejectSession",
                                                 "onOverwritten": "RejectSession"},
                             "source": "UploadedIndividualFiles"}, "metadata": {"attributes": {}}}
        if pattern.endswith("/files"):
            return {"files": {"b.jsonl": {"sizeBytes": 10, "crc32c": "AAAAAA==", "kind": "Unknown"}}}
        if pattern.endswith("/status"):
            return {"status": {"conditions": [{"condition": "FilesInserted", "status": "Reached",
                                               "lastTransitionTime": int(time.time() * 1000)}]}}
        if pattern.endswith("Exports") and method == "POST":
            return {"spec": {"format": "Coco", "options": {"normalized": True, "splitRatio": None}}}
        if pattern.endswith("deleteManyAssetsSessions"):
            return {"spec": {"filter": "zzz-nothing", "metadataQuery": None, "ruleQuery": None, "strictQuery": None}}
        return None
    if dialect == "pictograph":
        box = {"x": 1, "y": 1, "w": 4, "h": 4}
        base = {"dataset_name": a["dsname"], "image_filename": a["file"]}
        table = {
            "/api/v1/developer/auto-annotate/sam3/point": {**base, "x": 3, "y": 3, "name": "object"},
            "/api/v1/developer/auto-annotate/sam3/box": {**base, "box": box, "name": "object"},
            "/api/v1/developer/auto-annotate/sam3/text": {**base, "text_prompt": "thing", "max_detections": 5},
            "/api/v1/developer/auto-annotate/batch/quote": {"dataset_name": a["dsname"],
                                                            "image_filenames": [a["file"]],
                                                            "classes": [{"name": "thing", "output_type": "bbox"}]},
            "/api/v1/developer/auto-annotate/batch": {"dataset_name": a["dsname"], "image_filenames": [a["file"]],
                                                      "classes": [{"name": "thing", "output_type": "bbox"}]},
            "/api/v1/developer/annotations/bulk": {"saves": [{"image_id": a["image"], "annotations": []}]},
            "/api/v1/developer/annotations/**": {"annotations": [{"id": "n1", "name": "thing", "type": "bbox",
                                                                  "bounding_box": box}]},
            "/api/v1/developer/datasets": {"name": f"pg-new-{uuid.uuid4().hex[:6]}"},
            "/api/v1/developer/images/upload-url": {"dataset": a["dsname"], "filename": "n.png",
                                                    "directory_path": "/", "content_type": "image/png"},
            "/api/v1/developer/images/register": {"dataset": a["dsname"], "filename": "never-uploaded.png",
                                                  "directory_path": "/", "file_size": 10,
                                                  "content_type": "image/png", "width": 2, "height": 2},
            "/api/v1/developer/images/bulk-upload-url": {"dataset": a["dsname"], "images": [
                {"filename": "m.png", "directory_path": "/", "content_type": "image/png"}]},
            "/api/v1/developer/images/bulk-register": {"dataset": a["dsname"], "images": [
                {"filename": "never.png", "directory_path": "/", "file_size": 10, "content_type": "image/png",
                 "width": 2, "height": 2}]},
        }
        return table.get(pattern) if method == "POST" else None
    if dialect == "ximilar":
        x = a
        p = pattern.strip("/")
        table = {
            ("POST", "authorization/v2/authorize"): {"service": "vlm", "call_type": "authenticate"},
            ("POST", "recognition/v2/training-image/update"): {"images": [x["recognition/v2/training-image"]],
                                                               "mark-test": True},
            ("POST", "recognition/v2/training-image"): {"base64": b64(textured_image(3, size=(16, 12)))},
            ("PATCH", "recognition/v2/training-image/{id}"): {"test_image": False},
            ("PUT", "recognition/v2/training-image/{id}"): {"test_image": False},
            ("POST", "recognition/v2/training-image/{id}/add-label"): {"label_id": x["recognition/v2/label"]},
            ("POST", "recognition/v2/training-image/{id}/remove-label"): {"label_id": x["_rlabel2"]},
            ("POST", "recognition/v2/label"): {"name": f"l-{uuid.uuid4().hex[:6]}", "type": "tag"},
            ("PATCH", "recognition/v2/label/{id}"): {"description": "d"},
            ("PUT", "recognition/v2/label/{id}"): {"name": f"{TAG}-cat", "type": "category"},
            ("POST", "recognition/v2/task"): {"name": "t", "type": "multi_class"},
            ("PATCH", "recognition/v2/task/{id}"): {"description": "d"},
            ("PUT", "recognition/v2/task/{id}"): {"name": f"{TAG}-rtask", "type": "multi_class"},
            ("POST", "recognition/v2/task/{id}/add-label"): {"label_id": x["recognition/v2/label"]},
            ("POST", "recognition/v2/task/{id}/remove-label"): {"label_id": RANDOM},
            ("POST", "recognition/v2/classify"): {"task_id": x["recognition/v2/task"],
                                                  "records": [{"_id": x["recognition/v2/training-image"]}]},
            ("POST", "detection/v2/label"): {"name": "car"},
            ("PATCH", "detection/v2/label/{id}"): {"description": "d"},
            ("PUT", "detection/v2/label/{id}"): {"name": f"{TAG}-box"},
            ("POST", "detection/v2/object"): {"detection_label": x["detection/v2/label"],
                                              "image": x["recognition/v2/training-image"], "data": [1, 1, 3, 3]},
            ("PATCH", "detection/v2/object/{id}"): {"data": [0, 0, 6, 6]},
            ("PUT", "detection/v2/object/{id}"): {"detection_label": x["detection/v2/label"],
                                                  "image": x["recognition/v2/training-image"], "data": [0, 0, 5, 5]},
            ("POST", "vlm/v2/prompt"): {"name": "p", "type": "user", "content": "look"},
            ("PATCH", "vlm/v2/prompt/{id}"): {"content": '{"grade": {{grade}}}'},
            ("PUT", "vlm/v2/prompt/{id}"): {"name": f"{TAG}-tpl", "type": "template",
                                            "content": '{"grade": {{grade}}}', "format": "json"},
            ("POST", "vlm/v2/task"): {"name": "t2"},
            ("PATCH", "vlm/v2/task/{id}"): {"description": "d"},
            ("PUT", "vlm/v2/task/{id}"): {"name": f"{TAG}-vtask"},
            ("POST", "vlm/v2/task/{id}/add-dataset"): {"dataset_id": x["vlm/v2/dataset"]},
            ("POST", "vlm/v2/task/{id}/remove-dataset"): {"dataset_id": RANDOM},
            ("POST", "vlm/v2/dataset"): {"name": "d2"},
            ("PATCH", "vlm/v2/dataset/{id}"): {"description": "d"},
            ("PUT", "vlm/v2/dataset/{id}"): {"name": f"{TAG}-vds", "system_prompt_id": x["_system"],
                                             "user_prompt_id": x["_user"],
                                             "result_template_id": x["vlm/v2/prompt"]},
            ("POST", "vlm/v2/variable"): {"dataset": x["vlm/v2/dataset"], "name": "other", "type": "string"},
            ("PATCH", "vlm/v2/variable/{id}"): {"description": "d"},
            ("PUT", "vlm/v2/variable/{id}"): {"dataset": x["vlm/v2/dataset"], "name": "grade", "type": "float",
                                              "required": True, "min_value": 0.0, "max_value": 10.0},
            ("POST", "vlm/v2/sample"): {"dataset": x["vlm/v2/dataset"]},
            ("PATCH", "vlm/v2/sample/{id}"): {"name": f"{TAG}-sample"},
            ("PUT", "vlm/v2/sample/{id}"): {"dataset": x["vlm/v2/dataset"], "name": f"{TAG}-sample"},
            ("POST", "vlm/v2/sample/{id}/add-images"): {"image_ids": [x["_img2"]]},
            ("POST", "vlm/v2/sample/{id}/remove-images"): {"image_ids": [RANDOM]},
            ("POST", "vlm/v2/sample/{id}/add-objects"): {"detection_object_ids": [x["detection/v2/object"]]},
            ("POST", "vlm/v2/sample/{id}/remove-objects"): {"detection_object_ids": [RANDOM]},
            ("POST", "vlm/v2/sample/{id}/add-variable-value"): {"dataset_variable": x["vlm/v2/variable"],
                                                                "value": {"value": 5.0}},
            ("POST", "vlm/v2/predict"): {"task_id": x["vlm/v2/task"],
                                         "records": [{"_id": x["recognition/v2/training-image"]}]},
        }
        return table.get((method, p))
    if dialect == "inference" and (method, pattern) == ("POST", "/v1/chat/completions"):
        model = discover(sw, "inference", ["v1", "models", "{model}"], 2) or "no-such-model"
        return {"model": model, "messages": [{"role": "user", "content": "Describe the image."}],
                "max_tokens": 16, "temperature": 0.0, "stream": False}
    return None


def lb_variables(sw, op, who="A"):
    """Variables for a Labelbox operation that use A's resources."""
    a = sw.ids["labelbox"]
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if who == "R":
        a = {k: ("c" + uuid.uuid4().hex[:24] if isinstance(v, str) else v) for k, v in a.items()}
    table = {
        "GetDatasetPyApi": {"param_0": a["dataset"]},
        "deleteDatasetPyApi": {"DatasetId": a["dataset"]},
        "GetOntologyPyApi": {"param_0": a["ontology"]},
        "GetProjectPyApi": {"param_0": a["project"]},
        "GetProjectOntologyPyApi": {"param_0": a["project"]},
        "GetProjectLabelingFrontendPyApi": {"param_0": a["project"]},
        "ConnectOntologyPyApi": {"projectId": a["project"], "ontologyId": a["ontology"]},
        "ConnectProjectAndLabelingFrontendPyApi": {"projectId": a["project"], "labelingFrontendId": a["editor"]},
        "CreateLabelingFrontendOptionsPyApi": {"project": a["project"], "labelingFrontend": a["editor"],
                                               "customizationOptions": "{}"},
        "updateProjectPyApi": {"setupComplete": now, "ProjectId": a["project"]},
        "createBatchV2PyApi": {"projectId": a["project"], "batchInput": {
            "name": f"b-{uuid.uuid4().hex[:6]}", "dataRowIds": [a["row"]], "globalKeys": None, "priority": 1,
            "consensusSettings": None}},
        "createEmptyBatchPyApi": {"projectId": a["project"], "input": {"name": f"e-{uuid.uuid4().hex[:6]}"}},
        "addDataRowsToBatchAsyncPyApi": {"projectId": a["project"], "input": {"batchId": a["batch"],
                                                                                "dataRowIds": [a["row"]]}},
        "getProjectBatchPyApi": {"projectId": a["project"], "batchId": a["batch"]},
        "FailedDataRowImportsPyApi": {"taskId": a["task"], "first": 10, "from": None},
        "SuccessesfulDataRowImportsPyApi": {"taskId": a["task"], "first": 10, "from": None},
        "GetUserCreatedTasksPyApi": {"param_0": a["task"], "param_1": a["user"]},
        "CheckAllDataRowsHaveBeenProcessedPyApi": {"globalKeys": [a["gk"]]},
        "getLabelImportPyApi": {"projectId": a["project"], "name": a["import_name"]},
        "getModelAssistedLabelingPredictionImportPyApi": {"projectId": a["project"], "name": a["import_name"]},
        "createLabelImportByUrlPyApi": {"projectId": a["project"], "name": f"u-{uuid.uuid4().hex[:6]}",
                                        "fileUrl": "https://example.invalid/never.ndjson"},
        "createMALPredictionImportByUrlPyApi": {"projectId": a["project"], "name": f"u-{uuid.uuid4().hex[:6]}",
                                                "fileUrl": "https://example.invalid/never.ndjson"},
        "createLabelImportByFilePyApi": {"projectId": a["project"], "name": f"f-{uuid.uuid4().hex[:6]}",
                                         "file": None, "contentLength": 1},
        "createMALPredictionImportByFilePyApi": {"projectId": a["project"], "name": f"f-{uuid.uuid4().hex[:6]}",
                                                 "file": None, "contentLength": 1},
        "UpsertDataRowsPyApi": {"manifestUri": a["manifest"]},
        "UploadFile": {"file": None, "contentLength": 1, "sign": False},
        "CreateDatasetPyApi": {"name": "lb-new"},
        "CreateProjectPyApi": {"name": "p", "allowedMediaType": "IMAGE", "autoAuditPercentage": 0,
                               "autoAuditNumberOfLabels": 3, "isBenchmarkEnabled": True,
                               "isConsensusEnabled": True},
        "upsertRootSchemaNodePyApi": {"data": {"name": "o", "normalized": json.dumps({"tools": [],
                                                                                      "classifications": []}),
                                               "mediaType": "IMAGE"}},
        "GetLabelingFrontendsPyApi": {"param_0": "Editor", "param_1": False},
    }
    return table.get(op, {})


# Labelbox operations whose variables name one of A's resources.
LB_ID_OPS = {"GetDatasetPyApi", "deleteDatasetPyApi", "GetOntologyPyApi", "GetProjectPyApi", "GetProjectOntologyPyApi",
             "GetProjectLabelingFrontendPyApi", "ConnectOntologyPyApi", "ConnectProjectAndLabelingFrontendPyApi",
             "CreateLabelingFrontendOptionsPyApi", "updateProjectPyApi", "createBatchV2PyApi",
             "createEmptyBatchPyApi", "addDataRowsToBatchAsyncPyApi", "getProjectBatchPyApi",
             "FailedDataRowImportsPyApi", "SuccessesfulDataRowImportsPyApi", "GetUserCreatedTasksPyApi",
             "getLabelImportPyApi", "getModelAssistedLabelingPredictionImportPyApi", "createLabelImportByUrlPyApi",
             "createMALPredictionImportByUrlPyApi", "createLabelImportByFilePyApi",
             "createMALPredictionImportByFilePyApi"}


def lb_query(op):
    return QUERIES.get(op) or f"query {op} {{ unknownRoot {{ id }} }}"


def lb_ops(sw):
    return [o["operation"] for o in sw.routes.get("labelbox", [])]


def route_list(sw, dialect):
    if dialect not in sw.routes:
        pytest.skip(f"{dialect} is not served by this build")
    return sw.routes[dialect]


# ----------------------------------------------------------------- 1. credentials


def test_every_served_dialect_is_swept(sweep):
    """A dialect that lands later must be added to this sweep, not skipped silently."""
    assert set(sweep.routes) <= set(DIALECTS + OPEN), sorted(set(sweep.routes) - set(DIALECTS + OPEN))
    for d in OPEN:
        for rt in sweep.routes.get(d, []):
            # Open dialects stay open by design (DESIGN.md: the NIM endpoint has no auth).
            assert rt["path"].startswith("/v1/"), rt


def other_key(dialect, ws):
    """A real key of the same workspace, but for another dialect."""
    return {"vi": ws["keys"]["pictograph"], "pictograph": ws["keys"]["labelbox"],
            "ximilar": ws["keys"]["labelbox"], "labelbox": ws["keys"]["ximilar"]}[dialect]


def bad_credentials(dialect, ws):
    org = ws["keys"]["vi"]["organizationId"]
    ct = {"Content-Type": "application/json"}
    if dialect == "vi":
        return [{**ct, "Organization-Id": org}, {**ct, "Authorization": "Bearer dtvi_" + "A" * 98, "Organization-Id": org},
                {**ct, "Authorization": "Bearer " + other_key(dialect, ws), "Organization-Id": org},
                {**ct, "Authorization": ws["keys"]["vi"]["secretKey"], "Organization-Id": org}]
    if dialect == "pictograph":
        return [ct, {**ct, "X-API-Key": "pk_nope"}, {**ct, "X-API-Key": other_key(dialect, ws)},
                {**ct, "Authorization": "Bearer " + ws["keys"]["pictograph"]}]
    if dialect == "ximilar":
        return [ct, {**ct, "Authorization": "Token nope"}, {**ct, "Authorization": "Token " + other_key(dialect, ws)},
                {**ct, "Authorization": "Bearer " + ws["keys"]["ximilar"]}]
    return [ct, {**ct, "Authorization": "Bearer nope"}, {**ct, "Authorization": "Bearer " + other_key(dialect, ws)},
            {**ct, "X-API-Key": ws["keys"]["labelbox"]}]


def first_instance(sw, dialect, pattern, who="A"):
    return instances(sw, dialect, pattern, who)[0][0] if has_params(pattern) else pattern


def body_for(sw, dialect, method, pattern):
    body = valid_body(sw, dialect, method, pattern)
    if body is None and method in ("POST", "PUT", "PATCH"):
        body = {}
    return body


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_route_refuses_missing_or_wrong_credentials(sweep, dialect):
    sw = sweep
    routes = route_list(sw, dialect)
    probs = Problems()
    n = 0
    if dialect == "labelbox":
        for op in lb_ops(sw):
            for path in ("/graphql", "/_gql"):
                for h in bad_credentials(dialect, sw.a):
                    body = {"query": lb_query(op), "variables": lb_variables(sw, op)}
                    st, _, out = sw.send("POST", path, h, body)
                    with probs.check():
                        dec = expect_error(dialect, f"{op} {sorted(h)}", st, out, allowed=(401,))
                        assert dec["errors"][0]["extensions"]["code"] == "AUTHENTICATION_ERROR", (op, dec)
                    n += 1
    else:
        for rt in routes:
            paths = [p for p, _, _ in instances(sw, dialect, rt["path"], "A")] if has_params(rt["path"]) \
                else [rt["path"]]
            for path in paths:
                for h in bad_credentials(dialect, sw.a):
                    st, _, out = sw.send(rt["method"], path, h, body_for(sw, dialect, rt["method"], rt["path"]))
                    with probs.check():
                        expect_error(dialect, f"{rt['method']} {path} with {sorted(h)}", st, out, allowed=(401,))
                    n += 1
    STATS["credentials"] += n
    assert n >= len(routes)
    probs.assert_none()


# ------------------------------------------------------------------- 2. isolation


def b_headers(sw, dialect, no_org=False):
    h = creds(dialect, sw.b)
    if no_org:
        h.pop("Organization-Id", None)
    return h


def comparable(text, ids):
    """An answer with the ids that differ between two calls blanked out."""
    for i in sorted(ids, key=len, reverse=True):
        text = text.replace(i, "<id>")
    return re.sub(r'"(requestId|request_id|at|timestamp|id|job_id|job)":\s*"[^"]*"', "", text)


def refused(dialect, what, st, out):
    """B's call naming A's resources: a 4xx in the dialect's shape, or (bulk and
    prediction calls that answer per item) a 2xx whose every item failed."""
    if st >= 400:
        expect_error(dialect, what, st, out)
        return
    dec = json.loads(out)
    if isinstance(dec, dict) and "failed" in dec:  # Pictograph bulk calls
        assert not dec.get("saved") and not dec.get("succeeded") and dec["failed"], f"{what}: {st} {dec}"
        return
    if isinstance(dec, dict) and isinstance(dec.get("records"), list):  # Ximilar prediction calls
        assert all(r.get("_status", {}).get("code", 200) >= 400 for r in dec["records"]), f"{what}: {st} {dec}"
        return
    raise AssertionError(f"{what}: B's call naming A's resources answered {st}: {out[:500]!r}")


@pytest.mark.parametrize("dialect", REST)
def test_another_workspace_gets_404_and_never_data(sweep, dialect):
    sw = sweep
    routes = route_list(sw, dialect)
    probs = Problems()
    n = 0
    b_org = sw.b["keys"]["vi"]["organizationId"]
    for rt in routes:
        method, pattern = rt["method"], rt["path"]
        body_b = body_for(sw, dialect, method, pattern)
        body_text = json.dumps(body_b) if body_b is not None else ""
        if not has_params(pattern) or (dialect == "vi" and only_org(pattern)):
            # No id of A's in the path: B works on its own data; whatever it sends
            # that names A's resources must be refused, and nothing of A's comes back.
            heads = [b_headers(sw, dialect), b_headers(sw, dialect, no_org=True)] if dialect == "vi" \
                else [b_headers(sw, dialect)]
            for h in heads:
                path = pattern.replace("{org}", b_org)
                st, _, out = sw.send(method, path, h, body_b)
                with probs.check():
                    assert st < 500, f"B {method} {path}: {st} {out[:400]!r}"
                    if any(m in body_text for m in sw.markers):
                        refused(dialect, f"B {method} {path} naming A's ids", st, out)
                    sw.no_leak(f"B {method} {path}", body_text, out)
                n += 1
            continue
        foreign = instances(sw, dialect, pattern, "B")
        random_ = instances(sw, dialect, pattern, "R")
        for path, _, _ in foreign:
            st, _, out = sw.send(method, path, b_headers(sw, dialect), body_b)
            with probs.check():
                expect_error(dialect, f"B {method} {path} (A's ids)", st, out, allowed=(404,))
            with probs.check():
                sw.no_leak(f"B {method} {path}", path + body_text, out)
            n += 1
            if dialect == "vi":
                # B's key without Organization-Id: still nothing of A's.
                st, _, out = sw.send(method, path, b_headers(sw, dialect, no_org=True), body_b)
                with probs.check():
                    expect_error(dialect, f"B(no org header) {method} {path}", st, out, allowed=(403, 404))
                    sw.no_leak(f"B(no org header) {method} {path}", path + body_text, out)
                n += 1
        for path, _, _ in random_:
            st, _, out = sw.send(method, path, b_headers(sw, dialect), body_b)
            with probs.check():
                expect_error(dialect, f"B {method} {path} (random ids)", st, out, allowed=(404,))
            n += 1
        # A's ids and unknown ids are indistinguishable to B (same status, same body
        # once the ids themselves are blanked).
        fst, _, fout = sw.send(method, foreign[0][0], b_headers(sw, dialect), body_b)
        rst, _, rout = sw.send(method, random_[0][0], b_headers(sw, dialect), body_b)
        a_ids = [v for v in sw.ids[dialect].values() if isinstance(v, str) and v] + [RANDOM, sw.ids.get("vi", {}).get(
            "org", RANDOM)]
        with probs.check():
            assert fst == rst and comparable(fout.decode(), a_ids) == comparable(rout.decode(), a_ids), \
                f"{method} {pattern}: A's id answers {fst} {fout[:300]!r}, an unknown id {rst} {rout[:300]!r}"
        n += 2
    if dialect == "vi":
        # The org segment itself: B's key on A's org answers as on an unknown org.
        a_org = sw.ids["vi"]["org"]
        for same_header in (True, False):
            fst, _, fout = sw.send("GET", f"/workspaces/{a_org}/datasets",
                                   vi_headers(sw.b, a_org if same_header else None))
            rst, _, rout = sw.send("GET", f"/workspaces/{RANDOM}/datasets",
                                   vi_headers(sw.b, RANDOM if same_header else None))
            with probs.check():
                expect_error("vi", "B on A's org", fst, fout, allowed=(403, 404))
                assert fst == rst, (fst, fout, rst, rout)
                sw.no_leak("B on A's org", "", fout)
            n += 2
    STATS["isolation"] += n
    with probs.check():
        assert_a_intact(sw, dialect)
    probs.assert_none()


def assert_a_intact(sw, dialect):
    """Nothing B sent removed or changed A's resources."""
    a = sw.ids[dialect]
    h = creds(dialect, sw.a)
    if dialect == "vi":
        base = f"/workspaces/{a['org']}/datasets/{a['org']}_{a['ds']}"
        checks = [base, f"{base}/assets/{a['asset']}", f"{base}/assets/{a['asset']}/annotations/{a['annotation']}"]
    elif dialect == "pictograph":
        p = "/api/v1/developer"
        checks = [f"{p}/datasets/{a['dsname']}", f"{p}/images/{a['image']}/metadata",
                  f"{p}/auto-annotate/batch/{a['job']}"]
        st, _, out = sw.send("GET", f"{p}/annotations/{a['dsname']}/{a['file']}", h)
        assert st == 200 and json.loads(out)["annotations"][0]["id"] == a["annotation"], out[:400]
    else:
        checks = ["/" + k + "/" + v for k, v in a.items() if not k.startswith("_")]
    for path in checks:
        st, _, out = sw.send("GET", path, h)
        assert st == 200, f"A lost {path}: {st} {out[:300]!r}"


def lb_outcome(dec):
    """What a GraphQL answer says, ids aside: the error code, or the data's shape."""
    if "errors" in dec:
        return ("error", dec["errors"][0]["extensions"]["code"])
    return ("data", comparable(json.dumps(dec["data"], sort_keys=True), []))


def test_labelbox_another_workspace_never_reads_or_changes_a(sweep):
    sw = sweep
    route_list(sw, "labelbox")
    probs = Problems()
    n = 0
    h = b_headers(sw, "labelbox")
    for op in lb_ops(sw):
        for path in ("/graphql", "/_gql"):
            body = {"query": lb_query(op), "variables": lb_variables(sw, op, "A")}
            st, _, out = sw.send("POST", path, h, body)
            n += 1
            with probs.check():
                assert st < 500, f"B {op}: {st} {out[:400]!r}"
                sw.no_leak(f"B {op}", json.dumps(body), out)
            if op not in LB_ID_OPS:
                continue
            # Naming A's resource answers exactly what naming an unknown one does:
            # the same error code, or the same (empty) data.
            st2, _, out2 = sw.send("POST", path, h, {"query": lb_query(op), "variables": lb_variables(sw, op, "R")})
            n += 1
            with probs.check():
                dec, d2 = json.loads(out), json.loads(out2)
                if "errors" in dec:
                    SHAPES["labelbox"](dec)
                assert st == st2 and lb_outcome(dec) == lb_outcome(d2), f"B {op} on A's ids: {dec} / unknown: {d2}"
    STATS["isolation"] += n
    with probs.check():
        lb = LB.for_workspace(sw.server, sw.a)
        a = sw.ids["labelbox"]
        assert lb.data("GetDatasetPyApi", {"param_0": a["dataset"]})["dataset"]["id"] == a["dataset"]
        assert lb.data("GetProjectPyApi", {"param_0": a["project"]})["project"]["id"] == a["project"]
        assert lb.get_import(a["project"], a["import_name"])["id"] == a["import"]
    probs.assert_none()


def test_names_are_per_workspace_so_conflicts_reveal_nothing(sweep):
    """B creating resources under A's names and A's global key succeeds: a 409
    would tell B that A has them."""
    sw = sweep
    probs = Problems()
    if "pictograph" in sw.routes:
        r = PG.for_workspace(sw.server, sw.b).post("/datasets/", json={"name": sw.ids["pictograph"]["dsname"]})
        with probs.check():
            assert r.status_code == 201, f"Pictograph dataset under A's name: {r.status_code} {r.text[:300]}"
    if "vi" in sw.routes:
        vi = ViClient.for_workspace(sw.server, sw.b)
        r = vi.call("POST", f"{vi.base}/datasets", {"name": f"{TAG}-vi-dataset", "type": "phrase-grounding"})
        with probs.check():
            assert r.status_code == 201, f"Vi dataset under A's name: {r.status_code} {r.text[:300]}"
    if "ximilar" in sw.routes:
        xim = XimClient.for_workspace(sw.server, sw.b)
        for path, body in (("recognition/v2/label/", {"name": f"{TAG}-cat", "type": "category"}),
                           ("vlm/v2/prompt/", {"name": f"{TAG}-tpl", "type": "user"})):
            r = xim.post(path, body)
            with probs.check():
                assert r.status_code == 201, f"Ximilar {path} under A's name: {r.status_code} {r.text[:300]}"
    if "labelbox" in sw.routes:
        lb = LB.for_workspace(sw.server, sw.b)
        with probs.check():
            ds = lb.create_dataset(f"{TAG}-lb-dataset")
            url = lb.upload(lb_png(8, 8), "img.png", "image/png")
            task = lb.create_data_rows(ds["id"], [{"row_data": url, "global_key": sw.ids["labelbox"]["gk"]}])
            assert task["status"] == "COMPLETE" and lb.failed_rows(task["id"]) == [], \
                f"Labelbox: A's global key refused for B: {lb.failed_rows(task['id'])}"
    probs.assert_none()


# --------------------------------------------------------------- 3. malformed input


def json_routes(sw, dialect):
    """(method, pattern) of the routes that parse a JSON body, told apart from the
    ones that ignore a body by their answer to a truncated body (400 before auth)."""
    out = []
    for rt in sw.routes[dialect]:
        if rt["method"] not in ("POST", "PUT", "PATCH"):
            continue
        st, _, _ = sw.send(rt["method"], first_instance(sw, dialect, rt["path"], "R"),
                           {"Content-Type": "application/json"}, b'{"a":')
        if st == 400:
            out.append((rt["method"], rt["path"]))
        else:
            assert st in (401, 404, 415) or dialect in OPEN and st < 500, (rt, st)
    return out


# Fields whose contract takes more than one JSON type (spec): only the types
# outside it are wrong.
WRONG_OVERRIDES = {
    ("vi", "spec.filter"): [[1, 2], 12345],          # str | object | null (vi.md, deleteManyAssetsSessions)
}


def wrong_type(value):
    if isinstance(value, bool):
        return [{"x": 1}]
    if isinstance(value, (int, float)):
        return ["not-a-number", {"x": 1}]
    if isinstance(value, str):
        return [{"x": 1}, [1, 2]]
    if isinstance(value, list):
        return ["not-a-list", {"x": 1}]
    if isinstance(value, dict):
        return [[1, 2], 12345]
    return []


def mutations(body, make, dialect=None):
    """Each top-level field (and each field one level down) replaced in turn."""
    for k, v in body.items():
        for w in WRONG_OVERRIDES.get((dialect, k), None) or make(v):
            yield k, {**body, k: w}
        if isinstance(v, dict):
            for k2, v2 in v.items():
                for w in WRONG_OVERRIDES.get((dialect, f"{k}.{k2}"), None) or make(v2):
                    yield f"{k}.{k2}", {**body, k: {**v, k2: w}}


def lenient_values(v):
    if isinstance(v, bool) or v is None:
        return []
    if isinstance(v, (int, float)):
        return LENIENT_NUMBERS
    if isinstance(v, str):
        return LENIENT_STRINGS + LENIENT_NUMBERS[:1]
    return []


def lenient_check(sw, dialect, what, st, out):
    assert st < 500, f"{what}: {st} {out[:500]!r}"
    if st >= 400:
        expect_error(dialect, what, st, out)
    assert PASSWD not in out, f"{what}: file content in the answer"


@pytest.mark.parametrize("dialect", REST + OPEN)
def test_malformed_path_parameters_are_4xx(sweep, dialect):
    sw = sweep
    routes = route_list(sw, dialect)
    h = creds(dialect, sw.a)
    probs = Problems()
    n = 0
    for rt in routes:
        if not has_params(rt["path"]):
            continue
        body = body_for(sw, dialect, rt["method"], rt["path"])
        path, spans, parts = instances(sw, dialect, rt["path"], "A")[0]
        for start, end in spans:
            for cls, bad in PATH_CLASSES.items():
                p = "/" + "/".join(parts[:start] + [bad] + parts[end:])
                st, _, out = sw.send(rt["method"], p, h, body)
                with probs.check():
                    expect_error(dialect, f"{rt['method']} {p} [{cls}]", st, out)
                    assert PASSWD not in out
                with probs.check():
                    sw.healthy(f"{rt['method']} {p}")
                n += 1
    STATS["malformed_path"] += n
    probs.assert_none()


@pytest.mark.parametrize("dialect", DIALECTS + OPEN)
def test_malformed_bodies_are_4xx(sweep, dialect):
    sw = sweep
    route_list(sw, dialect)
    h = creds(dialect, sw.a)
    probs = Problems()
    n = 0
    targets = [("POST", "/graphql"), ("POST", "/_gql")] if dialect == "labelbox" else json_routes(sw, dialect)
    assert targets, dialect
    for method, pattern in targets:
        path = first_instance(sw, dialect, pattern)
        for cls, raw in BODY_CLASSES.items():
            st, _, out = sw.send(method, path, h, raw)
            with probs.check():
                expect_error(dialect, f"{method} {path} [{cls}]", st, out)
            with probs.check():
                sw.healthy(f"{method} {path} [{cls}]")
            n += 1
    STATS["malformed_body"] += n
    STATS[f"json_routes_{dialect}"] = len(targets)
    probs.assert_none()


@pytest.mark.parametrize("dialect", REST + OPEN)
def test_wrong_field_types_are_4xx(sweep, dialect):
    sw = sweep
    route_list(sw, dialect)
    h = creds(dialect, sw.a)
    probs = Problems()
    n = covered = 0
    for method, pattern in json_routes(sw, dialect):
        body = valid_body(sw, dialect, method, pattern)
        if not body:
            continue
        covered += 1
        path = first_instance(sw, dialect, pattern)
        for field, bad in mutations(body, wrong_type, dialect):
            st, _, out = sw.send(method, path, h, bad)
            with probs.check():
                expect_error(dialect, f"{method} {pattern} with {field}={json.dumps(bad)[:160]}", st, out)
            with probs.check():
                sw.healthy(f"{method} {path} [{field}]")
            n += 1
    STATS["wrong_types"] += n
    STATS[f"wrong_type_routes_{dialect}"] = covered
    probs.assert_none()


# Variables whose value changes nothing in the emulator's answer (the caller's own user
# id, "deleted: false" for the editor), so only an explicit type check catches a wrong
# type there: there is no GraphQL engine checking declared variable types.
LB_UNREAD_VARIABLES = {("GetUserCreatedTasksPyApi", "param_1"), ("GetLabelingFrontendsPyApi", "param_1")}


def test_labelbox_unread_variables_are_type_checked(sweep):
    sw = sweep
    route_list(sw, "labelbox")
    h = creds("labelbox", sw.a)
    probs = Problems()
    for op, field in sorted(LB_UNREAD_VARIABLES):
        for bad in ({"x": 1}, [1, 2]):
            variables = {**lb_variables(sw, op), field: bad}
            st, _, out = sw.send("POST", "/graphql", h, {"query": lb_query(op), "variables": variables})
            with probs.check():
                expect_error("labelbox", f"{op} with {field}={json.dumps(bad)}", st, out, allowed=(200, 400))
    probs.assert_none()


def test_labelbox_wrong_variable_types_are_graphql_errors(sweep):
    sw = sweep
    route_list(sw, "labelbox")
    h = creds("labelbox", sw.a)
    probs = Problems()
    n = 0
    for op in lb_ops(sw):
        variables = lb_variables(sw, op)
        for field, bad in mutations(variables, wrong_type, "labelbox"):
            if (op, field) in LB_UNREAD_VARIABLES:
                continue
            st, _, out = sw.send("POST", "/graphql", h, {"query": lb_query(op), "variables": bad})
            with probs.check():
                dec = expect_error("labelbox", f"{op} with {field}={json.dumps(bad)[:160]}", st, out,
                                   allowed=(200, 400))
                assert dec["errors"][0]["extensions"]["code"] in (
                    "MALFORMED_REQUEST", "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"), (op, field, dec)
            with probs.check():
                sw.healthy(op)
            n += 1
        # The query text itself: 10k nesting, SQL in the name, huge, not a string.
        for q in ("{" * 10000 + "}" * 10000, f"query {op}' OR 1=1 -- {{ x }}", "mutation " + "a" * 100000, 12345,
                  ["query", op], None, "query" + "(" * 10000):
            st, _, out = sw.send("POST", "/graphql", h, {"query": q, "variables": variables})
            with probs.check():
                expect_error("labelbox", f"{op} query={str(q)[:60]}", st, out, allowed=(200, 400, 413))
            with probs.check():
                sw.healthy(op)
            n += 1
        st, _, out = sw.send("POST", "/graphql", h, {"query": lb_query(op), "variables": [1, 2]})
        with probs.check():
            expect_error("labelbox", f"{op} variables=[1,2]", st, out, allowed=(200, 400))
        n += 1
    STATS["wrong_types"] += n
    probs.assert_none()


@pytest.mark.parametrize("dialect", DIALECTS + OPEN)
def test_lenient_values_never_5xx(sweep, dialect):
    """Huge numbers, SQL metacharacters and traversal strings in every field of a
    good body, and as query parameters of every GET route."""
    sw = sweep
    routes = route_list(sw, dialect)
    h = creds(dialect, sw.a)
    probs = Problems()
    n = 0
    if dialect == "labelbox":
        for op in lb_ops(sw):
            if op == "deleteDatasetPyApi":
                continue
            for field, bad in mutations(lb_variables(sw, op), lenient_values, "labelbox"):
                st, _, out = sw.send("POST", "/graphql", h, {"query": lb_query(op), "variables": bad})
                with probs.check():
                    assert st < 500, (op, field, st, out[:400])
                    dec = json.loads(out)
                    if "errors" in dec:
                        SHAPES["labelbox"](dec)
                    assert PASSWD not in out
                with probs.check():
                    sw.healthy(op)
                n += 1
    else:
        for method, pattern in json_routes(sw, dialect):
            body = valid_body(sw, dialect, method, pattern)
            if not body:
                continue
            path = first_instance(sw, dialect, pattern)
            for field, bad in mutations(body, lenient_values, dialect):
                st, _, out = sw.send(method, path, h, bad)
                with probs.check():
                    lenient_check(sw, dialect, f"{method} {pattern} {field}={json.dumps(bad)[:160]}", st, out)
                with probs.check():
                    sw.healthy(f"{method} {path}")
                n += 1
        for rt in routes:
            if rt["method"] != "GET":
                continue
            path = first_instance(sw, dialect, rt["path"])
            for cls, q in QUERY_CLASSES.items():
                st, _, out = sw.send("GET", f"{path}?{q}", h)
                with probs.check():
                    lenient_check(sw, dialect, f"GET {rt['path']}?[{cls}]", st, out)
                with probs.check():
                    sw.healthy(f"GET {path}?{cls}")
                n += 1
    STATS["lenient"] += n
    probs.assert_none()


def test_file_names_are_data_not_paths(sweep):
    """Traversal in upload file names: stored as a name or refused, never a file
    read; server-issued blob URLs with traversal in the file-name segment: 4xx."""
    sw = sweep
    probs = Problems()
    n = 0
    names = ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/etc/passwd",
             "..\\..\\windows\\win.ini", "a\u0000b.png"]
    if "pictograph" in sw.routes:
        pg = PG.for_workspace(sw.server, sw.a)
        for nm in names:
            r = pg.post("/images/upload-url", json={"dataset": sw.ids["pictograph"]["dsname"], "filename": nm,
                                                    "directory_path": "/", "content_type": "image/png"})
            with probs.check():
                lenient_check(sw, "pictograph", f"upload-url {nm!r}", r.status_code, r.content)
                if r.status_code == 200:
                    url = r.json()["data"]["upload_url"]
                    put = sw.http.put(url, data=png_bytes(4, 4), headers={"Content-Type": "image/png"}, timeout=30)
                    assert put.status_code < 500, put.text
                    assert PASSWD not in sw.http.get(url, timeout=30).content
            n += 1
    if "labelbox" in sw.routes:
        lb = LB.for_workspace(sw.server, sw.a)
        for nm in names[:5]:
            r = lb.multipart("UploadFile", {"file": None, "contentLength": 3, "sign": False}, "1", nm, b"abc",
                             "text/plain")
            with probs.check():
                assert r.status_code < 500, r.text
                body = r.json()
                if "errors" not in body:
                    url = body["data"]["uploadFile"]["url"]
                    got = sw.http.get(url, timeout=30)
                    assert got.status_code == 200 and got.content == b"abc", (nm, url, got.status_code)
            n += 1
    if "vi" in sw.routes:
        a = sw.ids["vi"]
        for nm in names[:5]:
            body = {"spec": {"assets": [{"filename": nm, "mime": "image/jpeg", "size": 10, "crc32c": 1,
                                         "customMetadata": None, "kind": "Image"}], "kind": "Upload",
                             "failureMode": "FailAfterOne", "onAssetOverwritten": "RemoveLinkedResource"}}
            st, _, out = sw.send("POST", f"/workspaces/{a['org']}/datasets/{a['org']}_{a['ds']}/assetSources/managed/"
                                 "datature/transient/assetIngestionSessions", creds("vi", sw.a), body)
            with probs.check():
                lenient_check(sw, "vi", f"ingestion filename {nm!r}", st, out)
            n += 1
    token = "A" * 48
    for d in ("vi", "pictograph", "labelbox", "ximilar"):
        for tail in ("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "a%00b"):
            for method in ("GET", "PUT"):
                st, _, out = sw.send(method, f"/_blob/{d}/{token}/{tail}", {}, b"x" if method == "PUT" else None)
                with probs.check():
                    assert 400 <= st < 500 and PASSWD not in out, (d, tail, method, st, out[:300])
                with probs.check():
                    sw.healthy(f"/_blob/{d}/{tail}")
                n += 1
    STATS["file_names"] += n
    probs.assert_none()


# Found by tests/fuzz/fuzz_labelbox_ndjson: such a line used to get the status line {}.
def test_labelbox_import_line_with_invalid_utf8_gets_a_failure_status(sweep):
    sw = sweep
    route_list(sw, "labelbox")
    lb = LB.for_workspace(sw.server, sw.a)
    a = sw.ids["labelbox"]
    good = json.dumps({"name": "bounding_box", "uuid": str(uuid.uuid4()), "dataRow": {"globalKey": a["gk"]},
                       "bbox": {"top": 1, "left": 1, "height": 5, "width": 5}}).encode()
    imp = lb.import_file(a["project"], None, raw=good + b'\n{"uuid":"\xd2\xce"}\n', name=f"utf8-{uuid.uuid4().hex}")
    assert imp["state"] == "FINISHED", imp
    status = [json.loads(x) for x in sw.http.get(imp["statusFileUrl"], timeout=30).text.splitlines()]
    assert status[0]["status"] == "SUCCESS", status
    assert status[1].get("status") == "FAILURE" and status[1].get("errors"), status[1]


def test_ximilar_integer_variable_with_fractional_step_is_refused_or_predicted_consistently(sweep):
    sw = sweep
    route_list(sw, "ximilar")
    xim = XimClient.for_workspace(sw.server, sw.a)
    tpl = xim.prompt("grid-tpl", "template", '{"n": {{n}}}', "json")
    ds = xim.create("vlm/v2/dataset/", {"name": "grid", "result_template_id": tpl["id"]})
    r = xim.post("vlm/v2/variable/", {"dataset": ds["id"], "name": "n", "type": "integer", "min_value": 91,
                                      "step_size": 1.5})
    if r.status_code == 400:  # refusing the definition is a fine answer too
        return
    var = xim.ok(r, 201)
    for k in range(2):
        img = xim.upload(textured_image(300 + k, size=(48, 32)))
        s = xim.create("vlm/v2/sample/", {"dataset": ds["id"]})
        xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": [img["id"]]}), 200)
        xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-variable-value/",
                        {"dataset_variable": var["id"], "value": {"value": 91}}), 200)
    task = xim.create("vlm/v2/task/", {"name": "grid"})
    xim.ok(xim.post(f"vlm/v2/task/{task['id']}/add-dataset/", {"dataset_id": ds["id"]}), 200)
    xim.ok(xim.post(f"vlm/v2/task/{task['id']}/train/"), 200)
    assert sw.server.post("/_emulator/clock/advance", json={"ms": 10_000}).status_code == 200
    assert xim.fetch(f"vlm/v2/task/{task['id']}/")["last_train_status"] == "TRAINED"
    records = [{"_base64": b64(textured_image(500 + i, size=(40, 30)))} for i in range(6)]
    out = xim.ok(xim.post("vlm/v2/predict/", {"task_id": task["id"], "records": records}), 200)
    bad = [rec["_status"] for rec in out["records"] if rec["_status"]["code"] != 200]
    assert not bad, bad


def test_ximilar_integer_variable_bounds_beyond_int64_are_refused(sweep):
    sw = sweep
    route_list(sw, "ximilar")
    xim = XimClient.for_workspace(sw.server, sw.a)
    ds = xim.create("vlm/v2/dataset/", {"name": "huge-bounds"})
    for bounds in ({"min_value": 6e75}, {"max_value": -6e75}, {"min_value": 1e19, "max_value": 1e20}):
        r = xim.post("vlm/v2/variable/", {"dataset": ds["id"], "name": "n", "type": "integer", **bounds})
        xim.error(r, 400)


# Found by tests/fuzz/fuzz_body_validators: a definition no value can satisfy used to be
# stored (201) and /vlm/v2/predict then broke it (record _status 422) for unseen images;
# float steps such as 1/15 were rounded off their own grid.
@pytest.mark.parametrize("spec", [{"type": "string", "choices": "reen,blue", "min_length": 9},
                                  {"type": "float", "step_size": 0.06666666666666667}], ids=["choices", "float-step"])
def test_ximilar_variables_are_refused_or_predicted_consistently(sweep, spec):
    sw = sweep
    route_list(sw, "ximilar")
    xim = XimClient.for_workspace(sw.server, sw.a)
    tag = uuid.uuid4().hex[:6]
    tpl = xim.prompt(f"c-{tag}", "template", '{"m": "{{m}}"}', "json")
    ds = xim.create("vlm/v2/dataset/", {"name": f"consistent-{tag}", "result_template_id": tpl["id"]})
    r = xim.post("vlm/v2/variable/", {"dataset": ds["id"], "name": "n", **spec})
    if "choices" in spec:  # no choice is 9 characters long: refused, naming the field
        assert xim.error(r, 400)["detail"].startswith("choices"), r.text
        return
    xim.ok(r, 201)
    m = xim.create("vlm/v2/variable/", {"dataset": ds["id"], "name": "m", "type": "string"})
    for k in range(2):
        img = xim.upload(textured_image(int(tag, 16) % 100000 + 1000 + k, size=(48, 32)))
        s = xim.create("vlm/v2/sample/", {"dataset": ds["id"]})
        xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": [img["id"]]}), 200)
        xim.ok(xim.post(f"vlm/v2/sample/{s['id']}/add-variable-value/",
                        {"dataset_variable": m["id"], "value": {"value": "hi"}}), 200)
    task = xim.create("vlm/v2/task/", {"name": f"consistent-{tag}"})
    xim.ok(xim.post(f"vlm/v2/task/{task['id']}/add-dataset/", {"dataset_id": ds["id"]}), 200)
    xim.ok(xim.post(f"vlm/v2/task/{task['id']}/train/"), 200)
    assert sw.server.post("/_emulator/clock/advance", json={"ms": 10_000}).status_code == 200
    records = [{"_base64": b64(textured_image(700 + i, size=(40, 30)))} for i in range(8)]
    out = xim.ok(xim.post("vlm/v2/predict/", {"task_id": task["id"], "records": records}), 200)
    bad = [rec["_status"] for rec in out["records"] if rec["_status"]["code"] != 200]
    assert not bad, bad
