"""Edge behaviour of POST /graphql and /_gql: authentication, dispatch, variable
validation, cross-workspace isolation (another workspace's ids answer exactly
like unknown ids), the HTTP-level refusals (405, 413, 415, 400) in the GraphQL
error shape, and the per-operation errors of spec §3.1 and §4."""
import json

import pytest
import requests

from labelbox.lb_client import LB, QUERIES, png_bytes


def codes(resp):
    body = resp.json()
    assert body["data"] is None
    return [e["extensions"]["code"] for e in body["errors"]]


def test_authentication(server, lb):
    q = {"query": QUERIES["GetUserPyApi"], "variables": {}}
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Token {lb.key}"}):
        r = requests.post(server.url("/graphql"), json=q, headers=headers, timeout=30)
        assert r.status_code == 401 and codes(r) == ["AUTHENTICATION_ERROR"]
    r = requests.post(server.url("/_gql"), json=q, headers={"Authorization": f"Bearer {lb.key}"}, timeout=30)
    assert r.status_code == 200 and r.json()["data"]["user"]["id"]


def test_dispatch_on_operation_name_in_the_text(lb):
    err = lb.error("x", query="query SomethingElsePyApi { user { id } }")
    assert err == {"message": "Unsupported operation SomethingElsePyApi",
                   "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}
    assert lb.error("x", query="{ user { id } }")["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    # a comment and an alias do not matter; the same name with another root field is not the same operation
    assert lb.data("x", query="# c\n  query GetUserPyApi { me: user { id } }")["user"]["id"]
    e = lb.error("x", query="mutation upsertRootSchemaNodePyApi($data: X!){ upsertRootSchemaNode(data:$data){id} }",
                 variables={"data": {}})
    assert e["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    r = lb.post({"variables": {}})
    assert codes(r) == ["GRAPHQL_PARSE_FAILED"]
    r = lb.post(b"{not json")
    assert r.status_code == 400 and codes(r) == ["GRAPHQL_PARSE_FAILED"]
    r = lb.post({"query": QUERIES["GetUserPyApi"], "variables": [1]})
    assert codes(r) == ["MALFORMED_REQUEST"]


def test_http_refusals_in_graphql_shape(server, lb):
    r = requests.get(server.url("/graphql"), headers=lb.headers(), timeout=30)
    assert r.status_code == 405 and codes(r) == ["GRAPHQL_VALIDATION_FAILED"] and "POST" in r.headers["Allow"]
    r = requests.post(server.url("/graphql"), data="query GetUserPyApi{user{id}}",
                      headers={**lb.headers(), "Content-Type": "text/plain"}, timeout=30)
    assert r.status_code == 415 and codes(r) == ["MALFORMED_REQUEST"]
    big = b'{"query":"' + b"x" * (1024 * 1024 + 10) + b'"}'
    r = requests.post(server.url("/graphql"), data=big, headers=lb.headers(), timeout=30)
    assert r.status_code == 413 and codes(r) == ["MALFORMED_REQUEST"]
    r = requests.post(server.url("/graphql"), data=b'"just a string"', headers=lb.headers(), timeout=30)
    assert r.status_code == 400 and codes(r) == ["GRAPHQL_PARSE_FAILED"]
    r = requests.post(server.url("/graphql"), data=b'[{"query": "x"}]', headers=lb.headers(), timeout=30)
    assert r.status_code == 400 and codes(r) == ["MALFORMED_REQUEST"]
    r = requests.post(server.url("/graphql"), data=b"--x\r\n", timeout=30,
                      headers={**lb.headers(json_body=False), "Content-Type": "multipart/form-data"})
    assert codes(r) == ["GRAPHQL_PARSE_FAILED"]


def test_missing_and_wrong_variables(lb):
    for op, variables in (("CreateDatasetPyApi", {}), ("CreateDatasetPyApi", {"name": 5}),
                          ("CreateProjectPyApi", {"name": "p", "isBenchmarkEnabled": "yes"}),
                          ("upsertRootSchemaNodePyApi", {"data": {"name": "o", "normalized": "{oops"}}),
                          ("upsertRootSchemaNodePyApi", {"data": {"name": "o", "normalized": "{}", "extra": 1}}),
                          ("upsertRootSchemaNodePyApi", {"data": {"name": "o", "normalized": json.dumps(
                              {"tools": [{"tool": "rectangle"}]})}}),
                          ("UpsertDataRowsPyApi", {}),
                          ("FailedDataRowImportsPyApi", {"taskId": "t", "first": 0, "from": None})):
        err = lb.error(op, variables)
        assert err["extensions"]["code"] == "MALFORMED_REQUEST", (op, err)
    err = lb.error("CreateDatasetPyApi", {})
    assert "$name" in err["message"]


def test_upload_file_requires_the_file_and_tolerates_quirks(server, lb):
    err = lb.error("UploadFile", {"file": None, "contentLength": 3, "sign": False})
    assert err["extensions"]["code"] == "MALFORMED_REQUEST"
    # swapped filename/content type and a wrong contentLength: the real part is stored
    r = lb.multipart("UploadFile", {"file": None, "contentLength": 999, "sign": False}, "1", "application/json",
                     b'[{"a":1}]', "json_import.json")
    up = r.json()["data"]["uploadFile"]
    assert up["filename"] == "json_import.json" and up["url"].endswith("/json_import.json")
    got = requests.get(up["url"], timeout=30)
    assert got.content == b'[{"a":1}]' and got.headers["Content-Type"] == "application/json"


def test_cross_workspace_ids_are_unknown(ready, other_lb):
    o = other_lb
    assert o.data("GetProjectPyApi", {"param_0": ready.project})["project"] is None
    assert o.data("GetDatasetPyApi", {"param_0": ready.dataset})["dataset"] is None
    assert o.data("GetOntologyPyApi", {"param_0": ready.ontology["id"]})["ontology"] is None
    assert o.data("GetProjectOntologyPyApi", {"param_0": ready.project})["project"] is None
    for op, v in (("ConnectOntologyPyApi", {"projectId": ready.project, "ontologyId": ready.ontology["id"]}),
                  ("deleteDatasetPyApi", {"DatasetId": ready.dataset}),
                  ("updateProjectPyApi", {"ProjectId": ready.project, "setupComplete": None})):
        assert o.error(op, v)["extensions"]["code"] == "RESOURCE_NOT_FOUND"
    assert o.error("createBatchV2PyApi", {"projectId": ready.project, "batchInput": {
        "name": "b", "globalKeys": [ready.gk]}}, path="/_gql")["extensions"]["code"] == "RESOURCE_NOT_FOUND"
    # the other workspace's own project cannot take this workspace's rows
    op = o.create_project()
    res = o.create_batch(op["id"], global_keys=[ready.gk])
    assert res["failedDataRowIds"] == [ready.gk] and res["batch"]["size"] == 0
    body = o.call("createMALPredictionImportByFilePyApi", query=QUERIES["createMALPredictionImportByFilePyApi"],
                  variables={"projectId": ready.project, "name": "x"})
    assert body["errors"][0]["extensions"]["code"] in ("MALFORMED_REQUEST", "RESOURCE_NOT_FOUND")
    r = o.multipart("createMALPredictionImportByFilePyApi", {"file": None, "contentLength": 1,
                                                             "projectId": ready.project, "name": "x"},
                    "k", "k", b"{}", "application/x-ndjson")
    assert codes(r) == ["RESOURCE_NOT_FOUND"]
    assert o.get_import(ready.project, "x") is None


def test_batches(ready):
    lb = ready.lb
    body = lb.create_batch(ready.project, name="image-demo-batch", global_keys=[ready.gk], expect_ok=False)
    assert body["errors"][0]["extensions"]["code"] == "RESOURCE_CONFLICT"
    for p in (0, 6):
        body = lb.create_batch(ready.project, name=f"p{p}", global_keys=[ready.gk], priority=p, expect_ok=False)
        assert body["errors"][0]["extensions"]["code"] == "MALFORMED_REQUEST"
    res = lb.create_batch(ready.project, name="again", data_row_ids=[ready.row, ready.outside, "cmissing"],
                          priority=5)
    assert res["failedDataRowIds"] == [ready.row, "cmissing"] and res["batch"]["size"] == 1
    assert lb.data("GetProjectPyApi", {"param_0": ready.project})["project"]["dataRowCount"] == 2
    # the asynchronous path (1000+ rows): empty batch, add task, task poll, batch read
    ds = lb.create_dataset("big")
    keys = [f"big-{i}" for i in range(1200)]
    lb.create_data_rows(ds["id"], [{"row_data": f"https://example.com/{k}.jpg", "global_key": k} for k in keys])
    empty = lb.data("createEmptyBatchPyApi", {"projectId": ready.project, "input": {
        "name": "bulk", "consensusSettings": None}}, path="/_gql")["project"]["createEmptyBatch"]
    task = lb.data("addDataRowsToBatchAsyncPyApi", {"projectId": ready.project, "input": {
        "batchId": empty["id"], "dataRowIds": None, "globalKeys": keys + ["nope"], "priority": 2}},
        path="/_gql")["project"]["addDataRowsToBatchAsync"]
    user = lb.data("GetUserPyApi")["user"]
    t = lb.data("GetUserCreatedTasksPyApi", {"param_0": task["taskId"], "param_1": user["id"]})
    t = t["user"]["createdTasks"][0]
    assert t["status"] == "COMPLETE" and t["type"] == "add-data-rows-to-batch"
    assert t["result"] == {"failedDataRowIds": ["nope"]}
    got = lb.data("getProjectBatchPyApi", {"projectId": ready.project, "batchId": empty["id"]}, path="/_gql")
    assert got["project"]["batches"]["nodes"][0]["size"] == 1200


def test_ontology_connection_rules(ready):
    lb = ready.lb
    second = lb.create_ontology(name="another")
    err = lb.error("ConnectOntologyPyApi", {"projectId": ready.project, "ontologyId": second["id"]})
    assert err["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
    # the same ontology again is fine
    lb.data("ConnectOntologyPyApi", {"projectId": ready.project, "ontologyId": ready.ontology["id"]})
    err = lb.error("ConnectOntologyPyApi", {"projectId": ready.project, "ontologyId": "cmissing"})
    assert err["extensions"]["code"] == "RESOURCE_NOT_FOUND"
    assert lb.data("GetLabelingFrontendsPyApi", {"param_0": "Other", "param_1": False})["labelingFrontends"] == []
    err = lb.error("ConnectProjectAndLabelingFrontendPyApi", {"projectId": ready.project,
                                                              "labelingFrontendId": "cnot"})
    assert err["extensions"]["code"] == "RESOURCE_NOT_FOUND"
    err = lb.error("updateProjectPyApi", {"ProjectId": ready.project, "setupComplete": "yesterday"})
    assert err["extensions"]["code"] == "MALFORMED_REQUEST"


def test_legacy_setup_options_attach_an_ontology(lb):
    p = lb.create_project("legacy")
    editor = lb.data("GetLabelingFrontendsPyApi", {"param_0": "Editor", "param_1": False})["labelingFrontends"][0]
    options = json.dumps({"tools": [{"tool": "point", "name": "dot"}], "classifications": []})
    lfo = lb.data("CreateLabelingFrontendOptionsPyApi", {"project": p["id"], "labelingFrontend": editor["id"],
                                                         "customizationOptions": options})
    assert lfo["createLabelingFrontendOptions"]["customizationOptions"] == options
    o = lb.data("GetProjectOntologyPyApi", {"param_0": p["id"]})["project"]["ontology"]
    assert [t["name"] for t in o["normalized"]["tools"]] == ["dot"]


def test_coverage_lists_the_operations(server):
    r = server.get("/_emulator/coverage")
    assert r.status_code == 200
    ops = {o["operation"] for o in r.json()["dialects"]["labelbox"]}
    assert {"UpsertDataRowsPyApi", "createBatchV2PyApi", "createLabelImportByFilePyApi"} <= ops
