"""Organizations and datasets as vi-sdk calls them (spec §6, §7.2, §7.3, §7.5,
§13.2), plus the edge rules every Vi route shares: 401/403, {"message"} errors,
405/413/415/400 in the Vi shape, another workspace's ids answering 404."""
import requests

from vi.vi_client import check_dataset, check_page, check_vi_error, is_int

DEMO_PHOTOS = "72416885-ec72-4d62-9b4a-9424b753b6b1"
DEMO_VQA = "32ea5779-a226-44f6-accf-d8f7ce526dd6"


def test_organizations_list_and_get(demo_vi):
    page = demo_vi.ok("GET", "/workspaces")
    check_page(page, single=True)
    assert len(page["items"]) == 1
    org = page["items"][0]
    assert org["workspaceId"] == demo_vi.org
    assert org["kind"] == "Organization"
    for k in ("name", "selfLink", "etag"):
        assert isinstance(org[k], str)
    assert is_int(org["lastAccess"])
    assert isinstance(org["datasets"], list) and len(org["datasets"]) == 3
    assert set(org["billing"]) >= {"payer", "email", "subscriberId", "ledger", "tier"}
    assert isinstance(org["users"], dict) and isinstance(org["features"], dict)
    assert isinstance(org["lockStatus"]["isLocked"], bool)
    one = demo_vi.ok("GET", demo_vi.base)
    assert {k: v for k, v in one.items() if k != "lastAccess"} == {k: v for k, v in org.items() if k != "lastAccess"}


def test_datasets_list_one_page_and_get(demo_vi):
    page = demo_vi.ok("GET", f"{demo_vi.base}/datasets")
    check_page(page, single=True)
    assert {d["name"] for d in page["items"]} == {"demo-photos", "demo-shapes", "demo-vqa"}
    for d in page["items"]:
        check_dataset(d, demo_vi.org)
    photos = demo_vi.ok("GET", demo_vi.d(DEMO_PHOTOS))
    check_dataset(photos, demo_vi.org)
    assert photos["datasetId"] == f"{demo_vi.org}_{DEMO_PHOTOS}"
    assert photos["type"] == "phrase-grounding"
    assert photos["statistic"]["assetTotal"] == 5
    assert photos["statistic"]["assetAnnotated"] == 5
    assert photos["tags"]["cat"] >= 0 and photos["statistic"]["tagsCount"]["coin"] == 6
    assert photos["selfLink"] == demo_vi.d(DEMO_PHOTOS)
    vqa = demo_vi.ok("GET", demo_vi.d(DEMO_VQA))
    assert vqa["type"] == "vqa" and vqa["statistic"]["assetTotal"] == 2


def test_dataset_create_echo_and_conflict(vi):
    d = vi.create_dataset("cars", "phrase-grounding", description="my cars", owner="u1", content="Image",
                          localization="Datature/Multi", status=0, tags={"car": 3})
    check_dataset(d, vi.org)
    assert d["name"] == "cars" and d["description"] == "my cars" and d["owner"] == "u1"
    assert d["tags"] == {"car": 3}
    assert d["statistic"] == {"assetTotal": 0, "annotationTotal": 0, "tagsCount": {}, "assetAnnotated": 0}
    got = vi.ok("GET", vi.d(vi.dataset_id(d)))
    assert got["datasetId"] == d["datasetId"]
    check_vi_error(vi.call("POST", f"{vi.base}/datasets", {"name": "cars", "type": "vqa"}), 409)
    for t in ("vqa", "freeform"):
        assert vi.create_dataset(f"ds-{t}", t)["type"] == t
    names = [x["name"] for x in vi.ok("GET", f"{vi.base}/datasets")["items"]]
    assert sorted(names) == ["cars", "ds-freeform", "ds-vqa"]  # creation order; ties within a ms by id


def test_dataset_create_validation(vi):
    base = f"{vi.base}/datasets"
    assert "type" in check_vi_error(vi.call("POST", base, {"name": "x", "type": "boxes"}), 400)
    assert "name" in check_vi_error(vi.call("POST", base, {"type": "vqa"}), 400)
    assert "name" in check_vi_error(vi.call("POST", base, {"name": 7, "type": "vqa"}), 400)
    assert "bogus" in check_vi_error(vi.call("POST", base, {"name": "x", "type": "vqa", "bogus": 1}), 400)
    assert "tags" in check_vi_error(vi.call("POST", base, {"name": "x", "type": "vqa", "tags": {"a": 1.5}}), 400)
    assert "content" in check_vi_error(vi.call("POST", base, {"name": "x", "type": "vqa", "content": "Video"}), 400)


def test_dataset_delete_and_deletion_operation(vi):
    d = vi.create_dataset("gone")
    dsid = vi.dataset_id(d)
    r = vi.call("DELETE", vi.d(dsid))
    assert r.status_code == 200
    body = r.json()
    assert body["kind"] == "DeletedDataset" and body["datasetId"] == d["datasetId"]
    assert body["workspaceId"] == vi.org
    assert [c["condition"] for c in body["status"]["conditions"]] == ["Deleted"]
    assert body["status"]["conditions"][0]["status"] == "Reached"
    check_vi_error(vi.call("GET", vi.d(dsid)), 404)
    op = vi.ok("GET", f"{vi.d(dsid)}/deleteOperation")
    assert op["kind"] == "DeletedDataset" and op["status"]["conditions"][0]["status"] == "Reached"
    check_vi_error(vi.call("DELETE", vi.d(dsid)), 404)
    check_vi_error(vi.call("GET", f"{vi.d('nope')}/deleteOperation"), 404)


def test_dataset_segment_rules(vi):
    d = vi.create_dataset("seg")
    dsid = vi.dataset_id(d)
    assert "_" not in dsid
    # bare id works; a wrong org prefix is not found; an unknown id is not found
    assert vi.ok("GET", f"{vi.base}/datasets/{dsid}")["datasetId"] == d["datasetId"]
    check_vi_error(vi.call("GET", f"{vi.base}/datasets/someoneelse_{dsid}"), 404)
    check_vi_error(vi.call("GET", f"{vi.base}/datasets/{vi.org}_00000000-0000-4000-8000-000000000000"), 404)
    # trailing slash is harmless
    assert vi.call("GET", vi.d(dsid) + "/").status_code == 200


def test_auth_errors(vi, server):
    path = f"{vi.base}/datasets"
    r = vi.call("GET", path, headers={"Organization-Id": vi.org})
    check_vi_error(r, 401)
    r = vi.call("GET", path, headers=vi.headers(Authorization="Bearer dtvi_" + "x" * 98))
    check_vi_error(r, 401)
    r = vi.call("GET", path, headers=vi.headers(**{"Organization-Id": "not-mine"}))
    check_vi_error(r, 403)
    r = vi.call("GET", "/workspaces/not-mine/datasets")
    check_vi_error(r, 403)


def test_cross_workspace_is_not_found(vi, other):
    d = other.create_dataset("theirs")
    dsid = other.dataset_id(d)
    # Under my org, their dataset id does not exist.
    check_vi_error(vi.call("GET", vi.d(dsid)), 404)
    check_vi_error(vi.call("DELETE", vi.d(dsid)), 404)
    check_vi_error(vi.call("GET", f"{vi.d(dsid)}/assets"), 404)
    # And their org path is refused to my key.
    check_vi_error(vi.call("GET", other.d(dsid)), 403)
    assert other.ok("GET", other.d(dsid))["name"] == "theirs"


def test_edge_errors_in_vi_shape(vi, server):
    path = f"{vi.base}/datasets"
    # 405 with Allow
    r = vi.call("PUT", path, {"name": "x"})
    check_vi_error(r, 405)
    assert "POST" in r.headers.get("Allow", "")
    # 415: wrong content type on a JSON route
    r = vi.http.post(server.url(path), data=b"name=x", headers=vi.headers(**{"Content-Type": "text/plain"}))
    check_vi_error(r, 415)
    # 400: malformed JSON, and a JSON body that is not an object
    r = vi.http.post(server.url(path), data=b"{bad", headers=vi.headers())
    check_vi_error(r, 400)
    r = vi.http.post(server.url(path), data=b"[1]", headers=vi.headers())
    check_vi_error(r, 400)
    # 413: over the 1 MiB JSON cap, refused from Content-Length
    big = b'{"name":"' + b"x" * (1024 * 1024 + 10) + b'","type":"vqa"}'
    r = vi.http.post(server.url(path), data=big, headers=vi.headers())
    check_vi_error(r, 413)
    # unknown route under the mount: typed "not emulated", Vi shape
    r = vi.call("GET", f"{vi.base}/nothing-here")
    assert "Not emulated" in check_vi_error(r, 404)


def test_get_and_delete_send_content_type_json(vi):
    """The client sends Content-Type: application/json with no body on GET/DELETE."""
    d = vi.create_dataset("ct")
    r = vi.call("GET", vi.d(vi.dataset_id(d)))
    assert r.status_code == 200
    r = requests.delete(vi.server.url(vi.d(vi.dataset_id(d))), headers=vi.headers(), timeout=30)
    assert r.status_code == 200


def test_workspace_delete_purges_vi_rows(pg, server):
    """Vi's own tables are in the workspace purge: nothing of a deleted tenant stays."""
    from conftest import count_rows
    from vi.vi_client import jsonl
    vi, dsid, assets = pg
    vi.upload_annotations(dsid, {"a.jsonl": jsonl({"id": "w1", "asset_id": "cat", "caption": "a cat"})})
    vi.export(dsid, "Coco")
    vi.ok("POST", f"{vi.d(dsid)}/deleteManyAssetsSessions", {"spec": {"filter": "dog"}})
    ws = next(w["id"] for w in server.get("/_emulator/workspaces").json()["items"] if w["name"] == "vi-tests")
    tables = ["vi_asset_sessions", "vi_asset_files", "vi_import_sessions", "vi_wholes", "vi_exports",
              "vi_bulk_deletions"]
    assert all(count_rows(server.db_path, t, ws) > 0 for t in tables)
    r = server.delete(f"/_emulator/workspaces/{ws}")
    assert r.status_code == 204
    assert server.wait_job(r.headers["X-Purge-Job"])["state"] == "succeeded"
    for t in tables + ["vi_deleted_datasets", "annotations", "assets", "datasets", "transfers"]:
        assert count_rows(server.db_path, t, ws) == 0, t
