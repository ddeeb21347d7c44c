"""Every Vi route refuses a missing or unknown key with 401 {"message"}, and an
id that belongs to another workspace answers 404 exactly like an unknown id."""
import pytest
import requests

from vi.vi_client import ViClient, check_vi_error, jpeg_bytes, jsonl

ROUTES = [
    ("GET", "/workspaces"),
    ("GET", "{B}"),
    ("GET", "{B}/datasets"),
    ("POST", "{B}/datasets"),
    ("GET", "{D}"),
    ("DELETE", "{D}"),
    ("GET", "{D}/deleteOperation"),
    ("POST", "{D}/deleteManyAssetsSessions"),
    ("GET", "{D}/deleteManyAssetsSessions/{bulk}"),
    ("POST", "{D}/datasetExports"),
    ("GET", "{D}/datasetExports"),
    ("GET", "{D}/datasetExports/{dexp}"),
    ("POST", "{D}/annotationExports"),
    ("GET", "{D}/annotationExports"),
    ("GET", "{D}/annotationExports/{aexp}"),
    ("GET", "{D}/assets"),
    ("GET", "{D}/assets/{asset}"),
    ("DELETE", "{D}/assets/{asset}"),
    ("POST", "{D}/assetSources/managed/datature/transient/assetIngestionSessions"),
    ("GET", "{D}/assetSources/managed/datature/transient/assetIngestionSessions/{ingest}"),
    ("GET", "{D}/assets/{asset}/annotations"),
    ("GET", "{D}/assets/{asset}/annotations/{ann}"),
    ("DELETE", "{D}/assets/{asset}/annotations/{ann}"),
    ("POST", "{D}/annotationImportSessions"),
    ("GET", "{D}/annotationImportSessions/{imp}"),
    ("POST", "{D}/annotationImportSessions/{imp}/files"),
    ("PATCH", "{D}/annotationImportSessions/{imp}/status"),
]


@pytest.fixture
def owned(server):
    """A workspace holding one of everything, and its ids."""
    ws = server.create_workspace("owner")
    vi = ViClient.for_workspace(server, ws)
    dsid = vi.dataset_id(vi.create_dataset("everything"))
    s = vi.upload_assets(dsid, {"a.jpg": jpeg_bytes(16, 16)})
    asset = vi.assets(dsid)[0]["assetId"]
    imp = vi.upload_annotations(dsid, {"a.jsonl": jsonl({"asset_id": asset, "caption": "a thing"})})
    ann = vi.annotations(dsid, asset)[0]["annotationId"]
    bulk = vi.ok("POST", f"{vi.d(dsid)}/deleteManyAssetsSessions", {"spec": {"filter": "zzz"}})
    ids = {"ds": dsid, "asset": asset, "ann": ann, "ingest": s["assetIngestionSessionId"],
           "imp": imp["annotationImportSessionId"], "bulk": bulk["deleteManyAssetsSessionId"],
           "dexp": vi.export(dsid, "ViJsonl", annotation=False)["datasetExportId"],
           "aexp": vi.export(dsid, "Coco")["datasetExportId"]}
    return vi, ids


def fill(path, vi, ids, dsid):
    return path.format(B=vi.base, D=vi.d(dsid), **ids)


@pytest.mark.parametrize("method,path", ROUTES)
def test_missing_or_unknown_key_is_401(owned, method, path):
    vi, ids = owned
    url = vi.server.url(fill(path, vi, ids, ids["ds"]))
    r = requests.request(method, url, headers={"Organization-Id": vi.org, "Content-Type": "application/json"},
                         data=b"{}" if method in ("POST", "PATCH") else None, timeout=30)
    check_vi_error(r, 401)
    r = requests.request(method, url, headers=vi.headers(Authorization="Bearer dtvi_" + "A" * 98),
                         data=b"{}" if method in ("POST", "PATCH") else None, timeout=30)
    check_vi_error(r, 401)
    r = requests.request(method, url, headers=vi.headers(Authorization=vi.secret), timeout=30)
    check_vi_error(r, 401)


def test_other_workspace_ids_are_404(owned, server):
    owner, ids = owned
    ws = server.create_workspace("intruder")
    me = ViClient.for_workspace(server, ws)
    mine = me.dataset_id(me.create_dataset("mine"))
    bodies = {"POST": {}, "PATCH": {"status": {"conditions": [{"condition": "FilesInserted", "status": "Reached"}]}}}
    for method, path in ROUTES:
        if "{D}" not in path:
            continue
        # their dataset id under my org, and their other ids under my dataset
        for dsid in (ids["ds"], mine):
            if dsid == mine and not any(k in path for k in ("{asset}", "{ann}", "{ingest}", "{imp}", "{bulk}",
                                                              "{dexp}", "{aexp}")):
                continue
            full = fill(path, me, ids, dsid)
            body = bodies.get(method)
            if path.endswith("/files"):
                body = {"files": {"a.jsonl": {"sizeBytes": 1, "crc32c": "AAAAAA==", "kind": "Unknown"}}}
            if path.endswith("annotationImportSessions") or path.endswith("Exports") \
                    or path.endswith("assetIngestionSessions") or path.endswith("deleteManyAssetsSessions"):
                if dsid == mine:
                    continue
                body = {"spec": {"assets": [{"filename": "x.jpg", "mime": "image/jpeg", "size": 1}]}} \
                    if path.endswith("assetIngestionSessions") else {}
            r = me.call(method, full, body)
            check_vi_error(r, 404)
    # nothing of theirs changed
    assert len(owner.annotations(ids["ds"], ids["asset"])) == 1
    assert owner.ok("GET", owner.d(ids["ds"]))["statistic"]["assetTotal"] == 1
