"""The guide's whole import flow, sent as the SDK sends it and in the SDK's
order (spec §4 call order), with one valid NDJSON line of every annotation kind;
then the lifecycle variants: duplicate global keys, realistic (asynchronous)
replies, URL imports, whole-import failures, re-imports."""
import base64
import io
import json
import re
import uuid

import requests
from PIL import Image

from labelbox.lb_client import LB, GUIDE_ONTOLOGY, jpeg_bytes, ndjson, parse_ndjson, png_bytes, register_remote

IMG_URL = "https://storage.googleapis.com/labelbox-datasets/image_sample_data/2560px-Kitano_Street_Kobe01s5s4110.jpeg"
MASK_URL = "https://storage.googleapis.com/labelbox-datasets/image_sample_data/composite_mask.png"
GK = "2560px-Kitano_Street_Kobe01s5s4110.jpeg"
W, H = 2560, 1707
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
CUID = re.compile(r"^c[0-9a-z]{24}$")
POLYGON = [(1489.581, 183.934), (2278.306, 256.885), (2428.197, 200.437), (2560.0, 335.419),
           (2557.386, 503.165), (2320.596, 503.103), (2156.083, 628.943), (2161.111, 785.519),
           (2002.115, 894.647), (1838.456, 877.874), (1436.53, 874.636), (1411.403, 758.579),
           (1353.853, 751.74), (1345.264, 453.461), (1426.011, 421.129), (1489.581, 183.934)]
# a core annotation made by an import line: its id lies in the line's range
LINKED = "a.id BETWEEN l.first_annotation AND l.last_annotation AND a.asset_id=l.asset_id"
POLYLINE = [(2534.353, 249.471), (2429.492, 182.092), (2294.322, 221.962), (90.929, 326.412)]


def composite_mask():
    img = Image.new("RGB", (W, H), (0, 0, 0))
    img.paste((73, 39, 85), (100, 100, 400, 400))
    img.paste((255, 0, 0), (500, 100, 800, 400))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def binary_mask():
    img = Image.new("L", (W, H), 0)
    img.paste(1, (10, 10, 60, 60))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def guide_lines(mask_b64, with_relationship=True):
    """One valid line of every kind the guide shows (NDJSON form), keyed by kind."""
    src, dst = str(uuid.uuid4()), str(uuid.uuid4())
    lines = {
        "relationship": {"name": "relationship", "relationship": {"source": src, "target": dst,
                                                                  "type": "unidirectional"}},
        "radio": {"name": "radio_question", "answer": {"name": "first_radio_answer"}},
        "nested_radio": {"name": "nested_radio_question", "answer": {"name": "first_radio_answer", "classifications": [
            {"name": "sub_radio_question", "answer": {"name": "first_sub_radio_answer"}}]}},
        "nested_checklist": {"name": "nested_checklist_question", "answer": [{
            "name": "first_checklist_answer", "classifications": [
                {"name": "sub_checklist_question", "answer": {"name": "first_sub_checklist_answer"}}]}]},
        "checklist": {"name": "checklist_question", "answer": [{"name": "first_checklist_answer"},
                                                               {"name": "second_checklist_answer"}]},
        "text": {"name": "free_text", "answer": "sample text"},
        "bbox": {"name": "bounding_box", "bbox": {"top": 977, "left": 1690, "height": 330, "width": 225}},
        "bbox_subclass": {"name": "bbox_with_radio_subclass", "classifications": [
            {"name": "sub_radio_question", "answer": {"name": "first_sub_radio_answer"}}],
            "bbox": {"top": 933, "left": 541, "height": 191, "width": 330}},
        "polygon": {"name": "polygon", "polygon": [{"x": x, "y": y} for x, y in POLYGON]},
        "mask_url": {"name": "mask", "mask": {"instanceURI": MASK_URL, "colorRGB": [255, 0, 0]}},
        "mask_bytes": {"name": "mask_with_text_subclass", "mask": {"imBytes": mask_b64, "colorRGB": [73, 39, 85]},
                       "classifications": [{"name": "sub_free_text", "answer": "free text answer"}]},
        "mask_png": {"name": "mask", "mask": {"png": binary_mask()}},
        "point": {"name": "point", "classifications": [], "point": {"x": 1166.606, "y": 1441.768}},
        "polyline": {"name": "polyline", "classifications": [], "line": [{"x": x, "y": y} for x, y in POLYLINE]},
        "bbox_source": {"uuid": src, "name": "bounding_box",
                        "bbox": {"top": 1264.0, "left": 2096.0, "height": 425.0, "width": 144.0}},
        "bbox_target": {"uuid": dst, "name": "bounding_box",
                        "bbox": {"top": 1346.0, "left": 2272.0, "height": 358.0, "width": 144.0}},
    }
    if not with_relationship:
        del lines["relationship"]
    for line in lines.values():
        line["dataRow"] = {"globalKey": GK}
    return lines


def check_task(t):
    for k in ("completionPercentage", "createdAt", "errors", "metadata", "name", "result", "status", "type", "id",
              "updatedAt"):
        assert k in t, k
    assert t["type"] == "adv-upsert-data-rows" and TIME.match(t["createdAt"])


def check_import(i, state):
    for k in ("errorFileUrl", "inputFileUrl", "name", "progress", "state", "statusFileUrl", "id", "project"):
        assert k in i, k
    assert i["state"] == state, i
    for k in ("autoAuditNumberOfLabels", "autoAuditPercentage", "createdAt", "dataRowCount", "description",
              "editorTaskType", "isBenchmarkEnabled", "isConsensusEnabled", "lastActivityTime", "allowedMediaType",
              "modelSetupComplete", "name", "setupComplete", "id", "updatedAt", "uploadType"):
        assert k in i["project"], k


def test_guide_flow_in_sdk_order(server, lb):
    register_remote(server, IMG_URL, jpeg_bytes(W, H))
    mask = composite_mask()
    register_remote(server, MASK_URL, mask, "image/png")

    # Step 1: data rows (CreateDataset, organization, integrations, chunk, manifest, upsert, user, failures)
    ds = lb.data("CreateDatasetPyApi", {"name": "image-demo-dataset"})["createDataset"]
    assert CUID.match(ds["id"]) and ds["rowCount"] == 0 and TIME.match(ds["createdAt"])
    assert set(ds) >= {"createdAt", "description", "name", "rowCount", "id", "updatedAt"}
    org = lb.data("GetOrganizationPyApi")["organization"]
    assert set(org) >= {"createdAt", "name", "id", "updatedAt"}
    assert lb.data("getAllIntegrationsPyApi")["iamIntegrations"] == []
    task = lb.create_data_rows(ds["id"], [{"row_data": IMG_URL, "global_key": GK}])
    check_task(task)
    assert task["status"] == "COMPLETE"
    user = lb.data("GetUserPyApi")["user"]
    assert set(user) >= {"createdAt", "email", "intercomHash", "isExternalUser", "isViewer", "nickname", "name",
                         "picture", "id", "updatedAt"}
    assert lb.failed_rows(task["id"]) == []
    rows = lb.succeeded_rows(task["id"])
    assert [(r["globalKey"], r["rowData"], r["externalId"]) for r in rows] == [(GK, IMG_URL, None)]
    assert lb.data("GetDatasetPyApi", {"param_0": ds["id"]})["dataset"]["rowCount"] == 1

    # Step 2: ontology, ids filled and returned as an object
    ont = lb.create_ontology()
    assert ont["objectSchemaCount"] == 8 and ont["classificationSchemaCount"] == 5
    tools = {t["name"]: t for t in ont["normalized"]["tools"]}
    assert all(CUID.match(t["featureSchemaId"]) and CUID.match(t["schemaNodeId"]) for t in tools.values())
    assert tools["relationship"]["tool"] == "edge" and re.match(r"^#[0-9a-f]{6}$", tools["polygon"]["color"])
    sub = tools["bbox_with_radio_subclass"]["classifications"][0]
    assert sub["options"][0]["featureSchemaId"] and sub["options"][0]["label"] == "first_sub_radio_answer"

    # Step 3: project and connect_ontology (12 → 18)
    project = lb.create_project()
    assert project["setupComplete"] is None and project["allowedMediaType"] == "IMAGE"
    lb.connect_ontology(project["id"], ont["id"])
    p = lb.data("GetProjectPyApi", {"param_0": project["id"]})["project"]
    assert TIME.match(p["setupComplete"])
    got = lb.data("GetProjectOntologyPyApi", {"param_0": project["id"]})["project"]["ontology"]
    assert got["id"] == ont["id"]

    # Step 4: batch (on /_gql)
    batch = lb.create_batch(project["id"], global_keys=[GK], priority=1)
    assert batch["failedDataRowIds"] == [] and batch["batch"]["size"] == 1
    assert set(batch["batch"]) >= {"consensusSettingsJson", "createdAt", "name", "size", "id", "updatedAt"}

    # Steps 5-6: MAL import of every kind
    lines = guide_lines(base64.b64encode(mask).decode())
    payload = ndjson(lines.values())
    imp = lb.import_file(project["id"], lines.values(), mal=True, name="mal_job")
    check_import(imp, "FINISHED")
    assert imp["progress"] == "100%"
    assert lb.fetch(imp["inputFileUrl"]).encode() == payload
    err = requests.get(imp["errorFileUrl"], timeout=30)
    assert err.status_code == 200 and err.content == b""  # truly empty
    statuses = parse_ndjson(lb.fetch(imp["statusFileUrl"]))
    assert len(statuses) == len(lines)
    assert all(s["status"] == "SUCCESS" and "errors" not in s for s in statuses), statuses
    assert {s["dataRow"]["globalKey"] for s in statuses} == {GK}
    assert all(s["dataRow"]["id"] == rows[0]["id"] for s in statuses)
    by_uuid = {s["uuid"] for s in statuses}
    assert lines["bbox_source"]["uuid"] in by_uuid and len(by_uuid) == len(lines)
    again = lb.get_import(project["id"], "mal_job", mal=True)
    assert again["id"] == imp["id"] and again["state"] == "FINISHED"

    # ground truth: the same lines without the relationship
    gt = guide_lines(base64.b64encode(mask).decode(), with_relationship=False)
    imp2 = lb.import_file(project["id"], gt.values(), mal=False, name="label_import_job")
    check_import(imp2, "FINISHED")
    assert requests.get(imp2["errorFileUrl"], timeout=30).content == b""
    assert all(s["status"] == "SUCCESS" for s in parse_ndjson(lb.fetch(imp2["statusFileUrl"])))
    assert lb.get_import(project["id"], "label_import_job", mal=False)["id"] == imp2["id"]

    with server.db(readonly=True) as db:
        kinds = dict(db.execute("SELECT a.kind, COUNT(*) FROM annotations a JOIN labelbox_annotations l"
                                " ON " + LINKED + " WHERE l.import_id=? GROUP BY a.kind", (imp2["id"],)))
        assert kinds == {"bbox": 4, "polygon": 1, "polyline": 1, "point": 1, "mask": 3, "classification": 8,
                         "text": 2}
        box = db.execute("SELECT a.geometry, a.label, a.source FROM annotations a JOIN labelbox_annotations l ON "
                         + LINKED + " WHERE l.import_id=? AND a.label='bbox_with_radio_subclass'",
                         (imp2["id"],)).fetchone()
        assert json.loads(box[0]) == {"x": 541, "y": 933, "w": 330, "h": 191} and box[2] == "human"
        rels = db.execute("SELECT source_uuid, target_uuid, type FROM labelbox_relationships WHERE import_id=?",
                          (imp["id"],)).fetchall()
        assert rels == [(lines["bbox_source"]["uuid"], lines["bbox_target"]["uuid"], "unidirectional")]
        poly = json.loads(db.execute("SELECT a.geometry FROM annotations a JOIN labelbox_annotations l ON "
                                     + LINKED + " WHERE l.import_id=? AND a.kind='polygon'",
                                     (imp2["id"],)).fetchone()[0])
        assert len(poly["points"]) == len(POLYGON) - 1  # stored open
        mask_rows = [json.loads(g) for (g,) in db.execute(
            "SELECT a.geometry FROM annotations a JOIN labelbox_annotations l ON " + LINKED +
            " WHERE l.import_id=? AND a.kind='mask'", (imp2["id"],))]
        areas = sorted(sum(m["rle"]["counts"][1::2]) for m in mask_rows)
        assert areas == [2500, 90000, 90000]
        assert all(m["rle"]["size"] == [H, W] for m in mask_rows)


def test_duplicate_global_key_and_empty_dataset_delete(lb):
    url = lb.upload(png_bytes(32, 32), "a.png", "image/png")
    ds1 = lb.create_dataset("first")
    assert lb.create_data_rows(ds1["id"], [{"row_data": url, "global_key": "k1"}])["status"] == "COMPLETE"
    ds2 = lb.create_dataset("first")  # Labelbox allows two datasets with one name
    assert ds2["name"] == "first" and ds2["id"] != ds1["id"]
    task = lb.create_data_rows(ds2["id"], [{"row_data": url, "global_key": "k1"},
                                           {"row_data": url, "global_key": "k2", "external_id": "e2"},
                                           {"row_data": url, "global_key": "k2"}])
    assert task["status"] == "COMPLETE"
    failed = lb.failed_rows(task["id"])
    assert [f["message"] for f in failed] == ["Duplicate global key: 'k1'", "Duplicate global key: 'k2'"]
    assert failed[0]["spec"] == {"externalId": None, "globalKey": "k1", "rowData": url, "metadata": [],
                                 "attachments": []}
    assert [r["globalKey"] for r in lb.succeeded_rows(task["id"])] == ["k2"]
    # the guide's clean-up: an empty dataset left by a duplicate key is deleted
    ds3 = lb.create_dataset("image-demo-dataset")
    lb.create_data_rows(ds3["id"], [{"row_data": url, "global_key": "k1"}])
    assert lb.data("deleteDatasetPyApi", {"DatasetId": ds3["id"]})["updateDataset"] == {"id": ds3["id"]}
    assert lb.data("GetDatasetPyApi", {"param_0": ds3["id"]})["dataset"] is None


def test_task_pagination_with_cursor(lb):
    ds = lb.create_dataset()
    rows = [{"row_data": f"https://example.com/{i}.jpg", "global_key": f"g{i}"} for i in range(7)]
    task = lb.create_data_rows(ds["id"], rows)
    d = lb.data("SuccessesfulDataRowImportsPyApi", {"taskId": task["id"], "first": 3, "from": None})
    page = d["successesfulDataRowImports"]
    assert page["total"] == 7 and len(page["nodes"]) == 3 and page["after"]
    assert [r["globalKey"] for r in lb.succeeded_rows(task["id"], first=3)] == [f"g{i}" for i in range(7)]
    # rows at outside URLs are created without fetching: their size stays unknown
    assert all(r["rowData"].startswith("https://example.com/") for r in lb.succeeded_rows(task["id"]))


def test_realistic_mode_async_task_and_import(server, lb):
    real = LB(server, lb.key, realistic=True)
    server.post("/_emulator/clock", json={"mode": "frozen"})
    ds = real.create_dataset()
    task = real.create_data_rows(ds["id"], [{"row_data": "https://example.com/x.jpg", "global_key": "x"}])
    assert task["status"] == "IN_PROGRESS"
    user = real.data("GetUserPyApi")["user"]
    server.post("/_emulator/clock/advance", json={"ms": 0})
    polled = real.data("GetUserCreatedTasksPyApi", {"param_0": task["id"], "param_1": user["id"]})
    assert [t["status"] for t in polled["user"]["createdTasks"]] == ["COMPLETE"]
    by_id = real.data("GetUserCreatedTasksPyApi#byId", {"userId": user["id"], "taskId": task["id"]})
    assert by_id["user"]["createdTasks"][0]["id"] == task["id"]
    ont = real.create_ontology()
    project = real.create_project()
    real.connect_ontology(project["id"], ont["id"])
    real.create_batch(project["id"], global_keys=["x"])
    imp = real.import_file(project["id"], [{"name": "point", "point": {"x": 1, "y": 1},
                                            "dataRow": {"globalKey": "x"}}], name="async")
    check_import(imp, "RUNNING")
    assert imp["progress"] == "0%" and imp["statusFileUrl"] is None and imp["errorFileUrl"] is None
    assert real.fetch(imp["inputFileUrl"])  # the input is served at once
    server.post("/_emulator/clock/advance", json={"ms": 0})
    done = real.get_import(project["id"], "async")
    check_import(done, "FINISHED")
    assert [s["status"] for s in parse_ndjson(real.fetch(done["statusFileUrl"]))] == ["SUCCESS"]


def test_import_name_unique_per_project(ready):
    line = [{"name": "point", "point": {"x": 1, "y": 1}, "dataRow": {"globalKey": ready.gk}}]
    ready.lb.import_file(ready.project, line, name="same")
    r = ready.lb.multipart("createLabelImportByFilePyApi", {"file": None, "contentLength": 1,
                                                            "projectId": ready.project, "name": "same"},
                           "k", "k", ndjson(line), "application/x-ndjson")
    assert r.status_code == 200
    assert r.json()["errors"][0]["extensions"]["code"] == "RESOURCE_CONFLICT"
    assert ready.lb.get_import(ready.project, "nope") is None


def test_url_imports(server, ready):
    line = ndjson([{"name": "point", "point": {"x": 5, "y": 5}, "dataRow": {"globalKey": ready.gk}}])
    url = ready.lb.upload(line, "x.ndjson", "application/x-ndjson")
    assert requests.head(url, timeout=30).status_code == 200  # the client HEADs first
    for op, root in (("createMALPredictionImportByUrlPyApi", "createModelAssistedLabelingPredictionImport"),
                     ("createLabelImportByUrlPyApi", "createLabelImport")):
        imp = ready.lb.data(op, {"projectId": ready.project, "name": op, "fileUrl": url})[root]
        check_import(imp, "FINISHED")
        assert imp["inputFileUrl"] == url
        assert [s["status"] for s in parse_ndjson(ready.lb.fetch(imp["statusFileUrl"]))] == ["SUCCESS"]
    outside = "https://files.example.com/preds.ndjson"
    imp = ready.lb.data("createMALPredictionImportByUrlPyApi",
                        {"projectId": ready.project, "name": "offline", "fileUrl": outside})[
        "createModelAssistedLabelingPredictionImport"]
    check_import(imp, "FAILED")
    failure = parse_ndjson(ready.lb.fetch(imp["errorFileUrl"]))
    assert len(failure) == 1 and outside in failure[0]["errors"][0]["message"]
    register_remote(server, outside, line, "application/x-ndjson")
    imp = ready.lb.data("createMALPredictionImportByUrlPyApi",
                        {"projectId": ready.project, "name": "registered", "fileUrl": outside})[
        "createModelAssistedLabelingPredictionImport"]
    check_import(imp, "FINISHED")


def test_whole_import_failures(lb, ready):
    project = lb.create_project("no ontology")
    imp = lb.import_file(project["id"], [{"name": "x", "point": {"x": 1, "y": 1}, "dataRow": {"id": "c1"}}])
    check_import(imp, "FAILED")
    assert "no ontology" in parse_ndjson(lb.fetch(imp["errorFileUrl"]))[0]["errors"][0]["message"]
    for raw in (b"", b"not json at all\n[1,2]\n"):
        imp = lb.import_file(ready.project, None, raw=raw)
        check_import(imp, "FAILED")
        assert imp["statusFileUrl"] is None and len(parse_ndjson(lb.fetch(imp["errorFileUrl"]))) == 1


def test_mal_uuid_overrides_and_ground_truth_replaces(server, ready):
    u = str(uuid.uuid4())
    first = {"uuid": u, "name": "point", "point": {"x": 1, "y": 1}, "dataRow": {"globalKey": ready.gk}}
    second = dict(first, point={"x": 2, "y": 2})
    ready.lb.import_file(ready.project, [first], name="m1")
    ready.lb.import_file(ready.project, [second], name="m2")
    gt1 = ready.lb.import_file(ready.project, [dict(first, uuid=str(uuid.uuid4()))], mal=False, name="g1")
    gt2 = ready.lb.import_file(ready.project, [dict(second, uuid=str(uuid.uuid4()))], mal=False, name="g2")
    with server.db(readonly=True) as db:
        q = "SELECT a.geometry FROM annotations a JOIN labelbox_annotations l ON " + LINKED + " WHERE l.kind=?"
        assert [json.loads(g) for (g,) in db.execute(q, ("mal",))] == [{"x": 2, "y": 2}]
        assert [json.loads(g) for (g,) in db.execute(q, ("label",))] == [{"x": 2, "y": 2}]
        src = dict(db.execute("SELECT a.source, COUNT(*) FROM annotations a GROUP BY a.source"))
        assert src == {"model": 1, "human": 1}
    assert gt1["state"] == gt2["state"] == "FINISHED"


def test_workspace_reset_and_delete_remove_labelbox_rows(server):
    from labelbox.conftest import make_ready
    tables = ("labelbox_tasks", "labelbox_task_failures", "labelbox_data_rows", "labelbox_ontologies",
              "labelbox_projects", "labelbox_batches", "labelbox_project_rows", "labelbox_imports",
              "labelbox_annotations", "labelbox_relationships")
    for action in ("reset", "delete"):
        ws = server.create_workspace(action)
        lb = LB.for_workspace(server, ws)
        ready = make_ready(lb)
        a, b = str(uuid.uuid4()), str(uuid.uuid4())
        lines = [{"uuid": a, "name": "point", "point": {"x": 1, "y": 1}, "dataRow": {"globalKey": ready.gk}},
                 {"uuid": b, "name": "point", "point": {"x": 2, "y": 2}, "dataRow": {"globalKey": ready.gk}},
                 {"name": "relationship", "relationship": {"source": a, "target": b},
                  "dataRow": {"globalKey": ready.gk}}]
        lb.import_file(ready.project, lines)
        lb.create_data_rows(ready.dataset, [{"row_data": "https://example.com/x.jpg", "global_key": ready.gk}])
        with server.db(readonly=True) as db:
            assert all(db.execute(f"SELECT COUNT(*) FROM {t} WHERE workspace_id=?", (ws["id"],)).fetchone()[0]
                       for t in tables)
        if action == "reset":
            assert server.post(f"/_emulator/workspaces/{ws['id']}/reset", json={}).status_code == 204
        else:
            r = server.delete(f"/_emulator/workspaces/{ws['id']}")
            assert r.status_code == 204
            assert server.wait_job(r.headers["X-Purge-Job"])["state"] == "succeeded"
        with server.db(readonly=True) as db:
            left = {t: db.execute(f"SELECT COUNT(*) FROM {t} WHERE workspace_id=?", (ws["id"],)).fetchone()[0]
                    for t in tables}
        assert not any(left.values()), left
