"""A Labelbox client for the black-box tests: sends the vendor SDK's own query
texts (captured from labelbox-python 6.0.0 into sdk_queries.json), with its
headers and its multipart layout, so each test drives the server exactly as the
SDK would, in the SDK's order, without needing the SDK installed."""
from __future__ import annotations

import base64
import io
import json
import time
import uuid
from pathlib import Path

import requests
from PIL import Image

QUERIES = json.loads((Path(__file__).parent / "sdk_queries.json").read_text())
SDK_HEADERS = {"X-User-Agent": "python-sdk 6.0.0", "X-Python-Version": "3.11.2-final"}

# The ontology of the guide ("Step 2: Set up ontology"), as OntologyBuilder.asdict() sends it.
def _cls(type_, name, options=(), sub=False):
    c = {"type": type_, "instructions": name, "name": name, "required": False,
         "options": list(options), "schemaNodeId": None, "featureSchemaId": None}
    if not sub:
        c["scope"] = "global"
    return c


def _opt(value, options=()):
    return {"schemaNodeId": None, "featureSchemaId": None, "label": value, "value": value,
            "options": list(options)}


def _tool(tool, name, classifications=()):
    return {"tool": tool, "name": name, "required": False, "color": None,
            "classifications": list(classifications), "schemaNodeId": None, "featureSchemaId": None}


GUIDE_ONTOLOGY = {
    "tools": [
        _tool("rectangle", "bounding_box"),
        _tool("rectangle", "bbox_with_radio_subclass",
              [_cls("radio", "sub_radio_question", [_opt("first_sub_radio_answer")], sub=True)]),
        _tool("polygon", "polygon"),
        _tool("raster-segmentation", "mask"),
        _tool("raster-segmentation", "mask_with_text_subclass", [_cls("text", "sub_free_text", sub=True)]),
        _tool("point", "point"),
        _tool("line", "polyline"),
        _tool("edge", "relationship"),
    ],
    "classifications": [
        _cls("radio", "radio_question", [_opt("first_radio_answer"), _opt("second_radio_answer")]),
        _cls("checklist", "checklist_question", [_opt("first_checklist_answer"), _opt("second_checklist_answer")]),
        _cls("text", "free_text"),
        _cls("radio", "nested_radio_question", [_opt("first_radio_answer", [
            _cls("radio", "sub_radio_question", [_opt("first_sub_radio_answer")], sub=True)])]),
        _cls("checklist", "nested_checklist_question", [_opt("first_checklist_answer", [
            _cls("checklist", "sub_checklist_question", [_opt("first_sub_checklist_answer")], sub=True)])]),
    ],
}


def png_bytes(w, h, color=(90, 120, 150), mode="RGB"):
    buf = io.BytesIO()
    Image.new(mode, (w, h), color).save(buf, format="PNG")
    return buf.getvalue()


def jpeg_bytes(w, h, color=(90, 120, 150)):
    buf = io.BytesIO()
    Image.new("RGB", (w, h), color).save(buf, format="JPEG", quality=70)
    return buf.getvalue()


def ndjson(lines) -> bytes:
    return "\n".join(json.dumps(l) for l in lines).encode()


def parse_ndjson(text: str) -> list:
    """The SDK's own reader: lines joined by commas inside brackets."""
    return json.loads("[" + ",".join(text.splitlines()) + "]")


class LB:
    """One workspace's Labelbox client."""

    def __init__(self, server, key: str, realistic: bool = False):
        self.server = server
        self.key = key
        self.http = requests.Session()
        self.http.trust_env = False
        self.realistic = realistic

    @classmethod
    def for_workspace(cls, server, ws: dict) -> "LB":
        return cls(server, ws["keys"]["labelbox"])

    def headers(self, json_body=True, sdk_method="Client:call"):
        h = {"Authorization": f"Bearer {self.key}", **SDK_HEADERS, "X-SDK-Method": sdk_method}
        if json_body:
            h.update({"Accept": "application/json", "Content-Type": "application/json"})
        if self.realistic:
            h["X-Visionstack-Mode"] = "realistic"
        return h

    # -- raw calls
    def post(self, body, path="/graphql", headers=None) -> requests.Response:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return self.http.post(self.server.url(path), data=data, headers=headers or self.headers(), timeout=120)

    def call(self, op: str, variables: dict | None = None, path: str = "/graphql", query: str | None = None):
        """Sends an SDK operation; returns the parsed body (status checked < 500)."""
        r = self.post({"query": query or QUERIES[op], "variables": variables}, path)
        assert r.status_code < 500, r.text
        return r.json()

    def data(self, op: str, variables: dict | None = None, path: str = "/graphql", query: str | None = None):
        body = self.call(op, variables, path, query)
        assert "errors" not in body, body
        return body["data"]

    def error(self, op: str, variables: dict | None = None, path: str = "/graphql", query: str | None = None):
        body = self.call(op, variables, path, query)
        assert body["data"] is None and body["errors"], body
        err = body["errors"][0]
        assert err["extensions"]["code"], body
        return err

    def multipart(self, op: str, variables: dict, key: str, filename, content, ctype, query=None):
        """The SDK's GraphQL multipart upload: operations, map, then the file part."""
        ops = json.dumps({"variables": variables, "query": query or QUERIES[op]})
        files = {"operations": (None, ops), "map": (None, json.dumps({key: ["variables.file"]})),
                 key: (filename, content, ctype)}
        return self.http.post(self.server.url("/graphql"), files=files, headers=self.headers(json_body=False),
                              timeout=120)

    # -- the flow's steps
    def create_dataset(self, name="image-demo-dataset") -> dict:
        return self.data("CreateDatasetPyApi", {"name": name})["createDataset"]

    def upload(self, content: bytes, filename: str, ctype: str) -> str:
        """Client.upload_data: contentLength is the client's len(), not checked."""
        r = self.multipart("UploadFile", {"file": None, "contentLength": len(content), "sign": False}, "1",
                           filename, content, ctype)
        assert r.status_code == 200, r.text
        return r.json()["data"]["uploadFile"]["url"]

    def create_data_rows(self, dataset_id: str, rows: list[dict]) -> dict:
        """Dataset.create_data_rows: chunk (filename and type swapped) + manifest + upsert."""
        items = [{"id": {"type": "AUTO", "value": ""}, "payload": {**r, "dataset_id": dataset_id}} for r in rows]
        chunk = json.dumps(items)
        chunk_url = self.upload(chunk.encode(), "application/json", "json_import.json")
        manifest = json.dumps({"source": "SDK", "item_count": len(items), "chunk_uris": [chunk_url]}).encode()
        manifest_url = self.upload(manifest, "manifest.json", "application/json")
        return self.data("UpsertDataRowsPyApi", {"manifestUri": manifest_url})["upsertDataRows"]

    def failed_rows(self, task_id: str) -> list:
        out, cursor = [], None
        while True:
            d = self.data("FailedDataRowImportsPyApi", {"taskId": task_id, "first": 5000, "from": cursor})
            page = d["failedDataRowImports"]
            out += page["results"]
            cursor = page["after"]
            if not cursor:
                return out

    def succeeded_rows(self, task_id: str, first=5000) -> list:
        out, cursor = [], None
        while True:
            d = self.data("SuccessesfulDataRowImportsPyApi", {"taskId": task_id, "first": first, "from": cursor})
            page = d["successesfulDataRowImports"]
            out += page["nodes"]
            cursor = page["after"]
            if not cursor:
                return out

    def create_ontology(self, normalized=None, name="Image Annotation Import Demo Ontology") -> dict:
        n = GUIDE_ONTOLOGY if normalized is None else normalized
        return self.data("upsertRootSchemaNodePyApi", {"data": {
            "name": name, "normalized": json.dumps(n), "mediaType": "IMAGE"}})["upsertOntology"]

    def create_project(self, name="Image Annotation Import Demo") -> dict:
        return self.data("CreateProjectPyApi", {
            "name": name, "allowedMediaType": "IMAGE", "autoAuditPercentage": 0, "autoAuditNumberOfLabels": 3,
            "isBenchmarkEnabled": True, "isConsensusEnabled": True})["createProject"]

    def connect_ontology(self, project_id: str, ontology_id: str) -> None:
        """Project.connect_ontology, call for call."""
        o = self.data("GetProjectOntologyPyApi", {"param_0": project_id})["project"]["ontology"]
        assert o is None or (not o["normalized"]["tools"] and not o["normalized"]["classifications"])
        fe = self.data("GetProjectLabelingFrontendPyApi", {"param_0": project_id})["project"]["labelingFrontend"]
        if fe is None:
            fe = self.data("GetProjectLabelingFrontendPyApi", {"param_0": project_id})["project"]["labelingFrontend"]
            assert fe is None
            editor = self.data("GetLabelingFrontendsPyApi", {"param_0": "Editor", "param_1": False})
            editor = editor["labelingFrontends"][0]
            assert editor["name"] == "Editor"
            self.data("ConnectProjectAndLabelingFrontendPyApi",
                      {"projectId": project_id, "labelingFrontendId": editor["id"]})
            self.data("CreateLabelingFrontendOptionsPyApi", {
                "project": project_id, "labelingFrontend": editor["id"],
                "customizationOptions": json.dumps({"tools": [], "classifications": []})})
        self.data("ConnectOntologyPyApi", {"ontologyId": ontology_id, "projectId": project_id})
        self.data("updateProjectPyApi", {"setupComplete": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                         "ProjectId": project_id})

    def create_batch(self, project_id: str, name="image-demo-batch", global_keys=None, data_row_ids=None,
                     priority=1, expect_ok=True):
        assert self.data("CheckAllDataRowsHaveBeenProcessedPyApi", {"globalKeys": global_keys or []})[
            "queryAllDataRowsHaveBeenProcessed"]["allDataRowsHaveBeenProcessed"] is True
        body = self.call("createBatchV2PyApi", {"projectId": project_id, "batchInput": {
            "name": name, "dataRowIds": data_row_ids, "globalKeys": global_keys, "priority": priority,
            "consensusSettings": None}}, path="/_gql")
        if expect_ok:
            assert "errors" not in body, body
            return body["data"]["project"]["createBatchV2"]
        return body

    def import_file(self, project_id: str, lines, mal=True, name=None, raw: bytes | None = None):
        """MALPredictionImport / LabelImport .create_from_objects: the NDJSON as a multipart upload."""
        name = name or ("mal_job" if mal else "label_import_job") + str(uuid.uuid4())
        content = raw if raw is not None else ndjson(lines)
        op = "createMALPredictionImportByFilePyApi" if mal else "createLabelImportByFilePyApi"
        key = f"{project_id}__{name}.ndjson"
        # the client sends len(str(bytes)), which is not the byte count
        r = self.multipart(op, {"file": None, "contentLength": len(str(content)), "projectId": project_id,
                                "name": name}, key, key, content, "application/x-ndjson")
        assert r.status_code == 200, r.text
        body = r.json()
        assert "errors" not in body, body
        root = "createModelAssistedLabelingPredictionImport" if mal else "createLabelImport"
        return body["data"][root]

    def get_import(self, project_id: str, name: str, mal=True):
        op = "getModelAssistedLabelingPredictionImportPyApi" if mal else "getLabelImportPyApi"
        root = "modelAssistedLabelingPredictionImport" if mal else "labelImport"
        return self.data(op, {"projectId": project_id, "name": name})[root]

    def fetch(self, url: str) -> str:
        r = requests.get(url, timeout=60)
        assert r.status_code == 200, r.text
        return r.text


def register_remote(server, url: str, data: bytes, ctype: str = "image/jpeg"):
    r = server.put("/_emulator/remote-files", json={"url": url, "contentType": ctype,
                                                    "base64": base64.b64encode(data).decode()})
    assert r.status_code == 201, r.text
    return r.json()
