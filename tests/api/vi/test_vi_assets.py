"""Asset ingestion (spec §7.6, §7.7, §10), list/get/delete (§6, §13.3) and
asset download (§11.4), replayed as vi-sdk sends them."""
import requests

from vi.vi_client import check_asset, check_vi_error, crc32c_signed, jpeg_bytes, png_bytes


def finished(session):
    return {c["condition"]: c["status"] for c in session["status"]["conditions"]}


def test_upload_flow_and_probe(vi):
    d = vi.create_dataset("up")
    dsid = vi.dataset_id(d)
    files = {"a.jpg": jpeg_bytes(64, 48), "b.png": png_bytes(33, 17)}
    s = vi.upload_assets(dsid, files)
    assert finished(s) == {"Started": "Reached", "Finished": "Reached"}
    assert s["status"]["progressCount"] == {"total": 2, "succeeded": 2, "errored": 0}
    assert s["status"]["events"] == []
    # the create answer echoed every announced file with its crc32c as a signed int
    echoed = {a["metadata"]["filename"]: a["metadata"] for a in s["status"]["assets"]}
    assert echoed["a.jpg"]["crc32c"] == crc32c_signed(files["a.jpg"])
    assert echoed["b.png"]["size"] == len(files["b.png"])
    assets = {a["filename"]: a for a in vi.assets(dsid)}
    assert assets["a.jpg"]["metadata"]["width"] == 64 and assets["a.jpg"]["metadata"]["height"] == 48
    assert assets["b.png"]["metadata"]["mimeType"] == "image/png"
    assert assets["b.png"]["metadata"]["fileSize"] == len(files["b.png"])
    assert assets["a.jpg"]["datasetId"] == d["datasetId"]
    got = vi.ok("GET", f"{vi.d(dsid)}/assets/{assets['a.jpg']['assetId']}")
    check_asset(got, vi.org)
    assert "contents" not in got
    ds = vi.ok("GET", vi.d(dsid))
    assert ds["statistic"]["assetTotal"] == 2


def test_upload_errors_are_per_file(vi):
    dsid = vi.dataset_id(vi.create_dataset("bad"))
    good, other = jpeg_bytes(20, 20), png_bytes(10, 10)
    files = {"ok.jpg": good, "size.jpg": good, "crc.png": other, "mime.jpg": other}
    corrupt = {"size.jpg": good + b"extra", "crc.png": other[:-4] + b"\0\0\0\0"}
    s = vi.upload_assets(dsid, files, corrupt=corrupt)
    assert finished(s)["Finished"] == "Reached"
    assert s["status"]["progressCount"] == {"total": 4, "succeeded": 1, "errored": 3}
    codes = {}
    for e in s["status"]["events"]:
        assert e["kind"] == "Error"
        codes.update(e["files"])
    assert codes == {"size.jpg": "EBADSIZE", "crc.png": "ECORRUPT", "mime.jpg": "EBADMIME"}
    assert [a["filename"] for a in vi.assets(dsid)] == ["ok.jpg"]


def test_upload_idle_timeout_marks_missing_files(vi, server):
    dsid = vi.dataset_id(vi.create_dataset("idle"))
    server.post("/_emulator/clock", json={"mode": "frozen"})
    s = vi.upload_assets(dsid, {"here.jpg": jpeg_bytes(8, 8), "never.jpg": jpeg_bytes(9, 9)}, skip={"never.jpg"})
    sid = s["assetIngestionSessionId"]
    # here.jpg arrived, never.jpg did not: the session waits (the clock is frozen)
    s = vi.ok("GET", f"{vi.d(dsid)}/assetSources/managed/datature/transient/assetIngestionSessions/{sid}")
    assert finished(s)["Finished"] == "Waiting"
    assert s["status"]["progressCount"] == {"total": 2, "succeeded": 1, "errored": 0}
    assert server.post("/_emulator/clock/advance", json={"ms": 31000}).status_code == 200
    s = vi.wait_ingestion(dsid, sid)
    assert finished(s)["Finished"] == "Reached"
    assert s["status"]["progressCount"] == {"total": 2, "succeeded": 1, "errored": 1}
    assert any(e["files"] == {"never.jpg": "ETIMEOUT"} for e in s["status"]["events"])


def test_overwrite_policies(pg):
    vi, dsid, assets = pg
    cat = assets["cat.jpg"]["assetId"]
    line = {"asset_id": cat, "caption": "a cat", "grounded_phrases": [{"phrase": "cat", "bbox": [0.1, 0.1, 0.5, 0.5]}]}
    from vi.vi_client import jsonl
    vi.upload_annotations(dsid, {"a.jsonl": jsonl(line)})
    assert len(vi.annotations(dsid, cat)) == 2
    # KeepLinkedResource (singular, as the client may send) keeps annotations; echoed plural
    s = vi.upload_assets(dsid, {"cat.jpg": jpeg_bytes(640, 480, (1, 2, 3))}, overwrite="KeepLinkedResource")
    assert s["spec"]["onAssetOverwritten"] == "KeepLinkedResources"
    assert len(vi.annotations(dsid, cat)) == 2
    # RemoveLinkedResource replaces the bytes and drops the annotations; the asset id stays
    vi.upload_assets(dsid, {"cat.jpg": jpeg_bytes(320, 200)}, overwrite="RemoveLinkedResource")
    assert vi.annotations(dsid, cat) == []
    a = vi.ok("GET", f"{vi.d(dsid)}/assets/{cat}")
    assert (a["metadata"]["width"], a["metadata"]["height"]) == (320, 200)
    assert len(vi.assets(dsid)) == 3


def test_ingestion_validation(vi):
    dsid = vi.dataset_id(vi.create_dataset("v"))
    path = f"{vi.d(dsid)}/assetSources/managed/datature/transient/assetIngestionSessions"
    asset = {"filename": "a.jpg", "mime": "image/jpeg", "size": 10, "crc32c": 1, "customMetadata": None,
             "kind": "Image"}
    spec = {"kind": "Upload", "failureMode": "FailAfterOne", "onAssetOverwritten": "RemoveLinkedResource"}
    check_vi_error(vi.call("POST", path, {"spec": {**spec, "assets": []}}), 400)
    check_vi_error(vi.call("POST", path, {"spec": {**spec, "assets": [{**asset, "size": 1.0}]}}), 400)
    check_vi_error(vi.call("POST", path, {"spec": {**spec, "assets": [{**asset, "filename": "../x.jpg"}]}}), 400)
    check_vi_error(vi.call("POST", path, {"spec": {**spec, "assets": [{**asset, "crc32c": 1 << 40}]}}), 400)
    check_vi_error(vi.call("POST", path, {"spec": {**spec, "failureMode": "Never", "assets": [asset]}}), 400)
    check_vi_error(vi.call("POST", path, {"spec": {**spec, "assets": [{**asset, "customMetadata": [1]}]}}), 400)
    check_vi_error(vi.call("GET", f"{path}/00000000-0000-4000-8000-000000000000"), 404)


def test_custom_metadata_round_trip(vi):
    dsid = vi.dataset_id(vi.create_dataset("meta"))
    data = jpeg_bytes(12, 12)
    path = f"{vi.d(dsid)}/assetSources/managed/datature/transient/assetIngestionSessions"
    body = {"spec": {"assets": [{"filename": "m.jpg", "mime": "image/jpeg", "size": len(data),
                                 "crc32c": crc32c_signed(data), "customMetadata": {"site": "A", "n": 3, "ok": True},
                                 "kind": "Image"}],
                     "kind": "Upload", "failureMode": "FailAfterAll", "onAssetOverwritten": "RemoveLinkedResource"}}
    s = vi.ok("POST", path, body)
    requests.put(s["status"]["assets"][0]["upload"]["url"], data=data, timeout=30)
    vi.wait_ingestion(dsid, s["assetIngestionSessionId"])
    a = vi.assets(dsid)[0]
    assert a["metadata"]["customMetadata"] == {"site": "A", "n": 3, "ok": True}
    assert a["metadata"]["customMetadataCount"] == 3


def test_list_sort_filter_one_page(pg):
    vi, dsid, assets = pg
    names = lambda **q: [a["filename"] for a in vi.assets(dsid, **q)]  # noqa: E731
    assert names() == ["cat.jpg", "couch.png", "dog.jpg"]
    assert names(sortBy="filename", o="desc") == ["dog.jpg", "couch.png", "cat.jpg"]
    assert names(sortBy="metadata.fileSize", o="asc")[0] == min(assets, key=lambda n: assets[n]["metadata"]["fileSize"])
    ids = sorted(a["assetId"] for a in assets.values())
    assert [a["assetId"] for a in vi.assets(dsid, sortBy="assetId", o="asc")] == ids
    assert names(filter="CO") == ["couch.png"]
    assert names(filter="{'a': 1}") == ["cat.jpg", "couch.png", "dog.jpg"]
    # the client sends s=1 for a peek and still needs one page with nextPage null
    page = vi.ok("GET", f"{vi.d(dsid)}/assets", params={"s": 1, "metadataQuery": "x", "pageAfter": "y"})
    assert page["nextPage"] is None
    check_vi_error(vi.call("GET", f"{vi.d(dsid)}/assets", params={"sortBy": "size"}), 400)
    check_vi_error(vi.call("GET", f"{vi.d(dsid)}/assets", params={"s": "ten"}), 400)
    check_vi_error(vi.call("GET", f"{vi.d(dsid)}/assets", params={"o": "up"}), 400)


def test_asset_download_contents(pg):
    """assets.download: GET D (assetTotal), GET D/assets?s=1000&contents=y, then plain GETs."""
    vi, dsid, assets = pg
    total = vi.ok("GET", vi.d(dsid))["statistic"]["assetTotal"]
    listed = vi.assets(dsid, contents="y")
    assert len(listed) == total == 3
    for a in listed:
        url = a["contents"]["asset"]["url"]
        assert url.split("?")[0].rsplit("/", 1)[-1] == a["filename"]
        r = requests.get(url, timeout=30)  # no auth
        assert r.status_code == 200 and len(r.content) == a["metadata"]["fileSize"]
        h = requests.head(url, timeout=30)
        assert int(h.headers["Content-Length"]) == a["metadata"]["fileSize"]
        part = requests.get(url, headers={"Range": "bytes=2-9"}, timeout=30)
        assert part.status_code == 206 and part.content == r.content[2:10]
    one = vi.ok("GET", f"{vi.d(dsid)}/assets/{listed[0]['assetId']}", params={"contents": "y"})
    assert one["contents"]["thumbnail"]["url"]


def test_delete_asset_empty_body(pg):
    vi, dsid, assets = pg
    aid = assets["dog.jpg"]["assetId"]
    r = vi.call("DELETE", f"{vi.d(dsid)}/assets/{aid}")
    assert r.status_code == 204 and r.content == b""
    check_vi_error(vi.call("GET", f"{vi.d(dsid)}/assets/{aid}"), 404)
    check_vi_error(vi.call("DELETE", f"{vi.d(dsid)}/assets/{aid}"), 404)
    assert len(vi.assets(dsid)) == 2


def test_assets_cross_workspace(pg, other):
    vi, dsid, assets = pg
    mine = other.dataset_id(other.create_dataset("mine"))
    aid = assets["cat.jpg"]["assetId"]
    # their asset id under my dataset: not found
    check_vi_error(other.call("GET", f"{other.d(mine)}/assets/{aid}"), 404)
    check_vi_error(other.call("DELETE", f"{other.d(mine)}/assets/{aid}"), 404)


def test_bulk_delete(pg):
    vi, dsid, assets = pg
    path = f"{vi.d(dsid)}/deleteManyAssetsSessions"
    s = vi.ok("POST", path, {"spec": {"filter": "dog", "metadataQuery": None, "ruleQuery": None,
                                      "strictQuery": None}})
    assert s["kind"] == "BulkAssetDeletionSession"
    assert s["status"]["conditions"][0] == {**s["status"]["conditions"][0], "condition": "Deleted", "status": "Reached"}
    assert [a["filename"] for a in vi.assets(dsid)] == ["cat.jpg", "couch.png"]
    again = vi.ok("GET", f"{path}/{s['deleteManyAssetsSessionId']}")
    assert again["deleteManyAssetsSessionId"] == s["deleteManyAssetsSessionId"]
    vi.ok("POST", path, {"spec": {"filter": None, "metadataQuery": None, "ruleQuery": None, "strictQuery": None}})
    assert vi.assets(dsid) == []
    check_vi_error(vi.call("POST", path, {"spec": {"strictQuery": "yes"}}), 400)
