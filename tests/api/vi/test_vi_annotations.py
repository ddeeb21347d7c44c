"""Annotation import sessions, list/get/delete (spec §6, §7.8, §7.9, §8, §9,
§12) replayed as vi-sdk sends them, with the vendor guide's examples: the three
hand-written line formats, upload_and_verify, create_and_upload_annotations,
wait_until_done, the list/get/delete loops."""
import json
import time

from vi.vi_client import check_annotation, check_vi_error, crc32c_b64, jpeg_bytes, jsonl, png_bytes


def conds(s):
    return {c["condition"]: c["status"] for c in s["status"]["conditions"]}


def guide_line(asset_id):
    return {"asset_id": asset_id, "caption": "A cat sitting on a couch",
            "grounded_phrases": [{"phrase": "cat", "bbox": [0.1, 0.2, 0.5, 0.7]},
                                 {"phrase": "couch", "bbox": [0.6, 0.2, 0.9, 0.7]}]}


def test_upload_and_verify_guide_format(pg):
    vi, dsid, assets = pg
    lines = [guide_line(assets["cat.jpg"]["assetId"]), guide_line("couch.png"), guide_line("dog")]
    data = jsonl(*lines)
    s = vi.upload_annotations(dsid, {"annotations.jsonl": data})
    assert conds(s) == {"FilesInserted": "Reached", "Complete": "Reached"}
    local_count = sum(1 for _ in data.decode().splitlines())
    assert vi.total_annotations(s) == local_count == 3
    assert s["status"]["annotations"]["statusCount"] == {"Imported": 3}
    assert s["status"]["files"]["pageCount"] == 1
    assert s["status"]["files"]["totalSizeBytes"] == len(data)
    assert s["status"]["files"]["statusCount"]["Imported"] == 1
    duration = s["metadata"]["lastUpdated"] - s["metadata"]["timeCreated"]
    assert duration >= 0
    parts = vi.annotations(dsid, assets["cat.jpg"]["assetId"])
    assert [p["spec"]["contents"]["kind"] for p in parts] == ["Caption", "PhraseGroundingBoundingBox",
                                                             "PhraseGroundingBoundingBox"]
    caption, cat, couch = parts
    assert caption["spec"]["contents"]["contents"] == "A cat sitting on a couch"
    assert caption["spec"]["boundType"] == "none" and caption["spec"]["tag"] == 0
    assert cat["spec"]["contents"]["target"] == [2, 5]
    assert couch["spec"]["contents"]["target"] == [19, 24]
    b = cat["spec"]["contents"]["bound"]
    assert [[round(x, 9) for x in p] for p in b] == [[0.1, 0.2], [0.5, 0.2], [0.5, 0.7], [0.1, 0.7]]
    assert len({p["spec"]["aggregation"]["whole"]["id"] for p in parts}) == 1
    ds = vi.ok("GET", vi.d(dsid))
    assert ds["tags"] == {"cat": 0, "couch": 1}
    assert ds["statistic"]["tagsCount"] == {"cat": 3, "couch": 3}
    assert ds["statistic"]["annotationTotal"] == 9 and ds["statistic"]["assetAnnotated"] == 3
    assert couch["spec"]["tag"] == 1


def test_create_and_upload_annotations_by_stem(pg):
    """The guide's generator writes image_path.stem as asset_id."""
    vi, dsid, assets = pg
    lines = [{"asset_id": stem, "caption": f"Image of {stem}", "grounded_phrases": []} for stem in ("cat", "dog")]
    s = vi.upload_annotations(dsid, {"generated_annotations.jsonl": jsonl(*lines)})
    assert vi.total_annotations(s) == 2
    parts = vi.annotations(dsid, assets["dog.jpg"]["assetId"])
    assert [p["spec"]["contents"]["contents"] for p in parts] == ["Image of dog"]


def test_vqa_and_freeform_guide_formats(vi):
    dsid = vi.dataset_id(vi.create_dataset("vqa", "vqa"))
    vi.upload_assets(dsid, {"q.jpg": jpeg_bytes(10, 10)})
    aid = vi.assets(dsid)[0]["assetId"]
    line = {"asset_id": aid, "contents": {"interactions": [
        {"question": "What is the cat doing?", "answer": "Sitting on a couch"},
        {"question": "Colour?", "answer": "grey"}]}}
    s = vi.upload_annotations(dsid, {"vqa.jsonl": jsonl(line)})
    assert vi.total_annotations(s) == 1
    parts = vi.annotations(dsid, aid)
    assert [p["spec"]["contents"]["contents"] for p in parts] == [
        "What is the cat doing?", "Sitting on a couch", "Colour?", "grey"]
    assert [p["spec"]["tag"] for p in parts] == [1, 1, 2, 2]
    assert all(p["spec"]["aggregation"]["thisPart"]["role"] == "Caption" for p in parts)
    assert len({p["spec"]["aggregation"]["whole"]["id"] for p in parts}) == 1

    fds = vi.dataset_id(vi.create_dataset("ff", "freeform"))
    vi.upload_assets(fds, {"f.png": png_bytes(10, 10)})
    fid = vi.assets(fds)[0]["assetId"]
    text = json.dumps({"vendor": "Acme Supply Co.", "invoice_number": "INV-2024-00142", "total": "918.00"})
    s = vi.upload_annotations(fds, {"ff.jsonl": jsonl({"asset_id": fid, "contents": {"response": text}})})
    assert vi.total_annotations(s) == 1
    parts = vi.annotations(fds, fid)
    assert len(parts) == 1 and parts[0]["spec"]["contents"]["contents"] == text
    # a phrase-grounding line does not fit a VQA dataset
    bad = {"asset_id": aid, "contents": {"type": "PhraseGrounding", "caption": "x", "groundedPhrases": []}}
    s = vi.upload_annotations(dsid, {"bad.jsonl": jsonl(bad)})
    assert conds(s)["Complete"] == "FailedReach"
    assert "line 1" in s["status"]["reason"] and "does not match" in s["status"]["reason"]


def test_canonical_lines_multiple_files_and_folders(pg):
    vi, dsid, assets = pg
    canon = {"id": "line-one", "asset": {"type": "Image", "filename": "cat.jpg", "height": 480, "width": 640},
             "contents": {"type": "PhraseGrounding", "caption": "two cats",
                          "groundedPhrases": [{"phrase": "cats", "startTokenIndex": 4, "endTokenIndex": 8,
                                               "bounds": [[0.1, 0.1], [0.3, 0.1], [0.3, 0.4], [0.1, 0.4]]}]}}
    f1 = jsonl(canon)
    f2 = jsonl(guide_line("dog.jpg"), {"asset_id": "couch", "caption": "", "grounded_phrases": []})
    s = vi.upload_annotations(dsid, {"batch1.jsonl": f1, "batch2.jsonl": f2})
    assert vi.total_annotations(s) == 3
    assert s["status"]["files"]["pageCount"] == 2
    parts = vi.annotations(dsid, assets["cat.jpg"]["assetId"])
    assert parts[0]["spec"]["aggregation"]["whole"]["id"] == "line-one"
    assert parts[1]["spec"]["contents"]["target"] == [4, 8]
    # the empty line is accepted and writes nothing
    assert vi.annotations(dsid, assets["couch.png"]["assetId"]) == []


def test_failure_policies(pg):
    vi, dsid, assets = pg
    good = guide_line("cat.jpg")
    bad_box = {"asset_id": "dog.jpg", "grounded_phrases": [{"phrase": "dog", "bbox": [0.5, 0.5, 0.2, 0.9]}]}
    unknown = {"asset_id": "nope.jpg", "caption": "x"}
    data = jsonl(good, bad_box, unknown)

    s = vi.upload_annotations(dsid, {"a.jsonl": data})  # client default: RejectSession
    assert conds(s) == {"FilesInserted": "Reached", "Complete": "FailedReach"}
    assert vi.total_annotations(s) == 0
    assert "a.jsonl line 2" in s["status"]["reason"]
    assert all(c.get("reason") is None for c in s["status"]["conditions"])
    assert vi.ok("GET", vi.d(dsid))["statistic"]["annotationTotal"] == 0

    s = vi.upload_annotations(dsid, {"a.jsonl": data, "b.jsonl": jsonl(good)},
                              policies={"onBadAnnotation": "RejectFile"})
    assert conds(s)["Complete"] == "Reached"
    assert vi.total_annotations(s) == 1
    assert s["status"]["files"]["statusCount"] == {"Uploaded": 2, "Imported": 1, "Rejected": 1}
    assert vi.ok("GET", vi.d(dsid))["statistic"]["annotationTotal"] == 3

    s = vi.upload_annotations(dsid, {"c.jsonl": data}, policies={"onBadAnnotation": "Warn"})
    assert conds(s)["Complete"] == "Reached"
    assert vi.total_annotations(s) == 1
    assert s["status"]["files"]["statusCount"]["RejectedAnnotations"] == 2
    assert "c.jsonl line 2" in s["status"]["reason"] and "c.jsonl line 3" in s["status"]["reason"]
    assert "nope.jpg" in s["status"]["reason"]


def test_bad_files(pg):
    vi, dsid, assets = pg
    good = jsonl(guide_line("cat.jpg"))
    # size mismatch (CRC also off): RejectSession fails the session, nothing written
    s = vi.upload_annotations(dsid, {"x.jsonl": good}, corrupt={"x.jsonl": good + b"\n"})
    assert conds(s)["Complete"] == "FailedReach" and "size" in s["status"]["reason"]
    # Warn on bad files: the good file goes in, the bad one is skipped
    s = vi.upload_annotations(dsid, {"x.jsonl": good, "y.jsonl": good}, policies={"onBadFile": "Warn"},
                              corrupt={"y.jsonl": good[:-3] + b"}}\n"})
    assert conds(s)["Complete"] == "Reached" and vi.total_annotations(s) == 1
    assert "CRC32C" in s["status"]["reason"]
    # a registered file that never arrives
    now = int(time.time() * 1000)
    sess = vi.ok("POST", f"{vi.d(dsid)}/annotationImportSessions",
                 {"spec": {"uploadBefore": now + 3300000, "failurePolicies": {
                     "onBadAnnotation": "Warn", "onBadFile": "RejectSession", "onOverwritten": "Warn"},
                     "source": "UploadedIndividualFiles"}, "metadata": {"attributes": {"by": "test"}}})
    sid = sess["annotationImportSessionId"]
    assert sess["metadata"]["attributes"] == {"by": "test"}
    vi.ok("POST", f"{vi.d(dsid)}/annotationImportSessions/{sid}/files",
          {"files": {"ghost.jsonl": {"sizeBytes": 5, "crc32c": crc32c_b64(b"hello"), "kind": "Unknown"}}})
    vi.ok("PATCH", f"{vi.d(dsid)}/annotationImportSessions/{sid}/status",
          {"status": {"conditions": [{"condition": "FilesInserted", "status": "Reached", "lastTransitionTime": now}]}})
    s = vi.wait_import(dsid, sid)
    assert conds(s)["Complete"] == "FailedReach" and "never uploaded" in s["status"]["reason"]


def test_overwrite_policy(pg):
    vi, dsid, assets = pg
    line = {"id": "w1", "asset_id": "cat.jpg", "caption": "first", "grounded_phrases": []}
    vi.upload_annotations(dsid, {"a.jsonl": jsonl(line)})
    again = {**line, "caption": "second"}
    s = vi.upload_annotations(dsid, {"a.jsonl": jsonl(again)})
    assert conds(s)["Complete"] == "FailedReach" and "already exists" in s["status"]["reason"]
    s = vi.upload_annotations(dsid, {"a.jsonl": jsonl(again)}, policies={"onOverwritten": "Warn"})
    assert conds(s)["Complete"] == "Reached" and vi.total_annotations(s) == 1
    parts = vi.annotations(dsid, assets["cat.jpg"]["assetId"])
    assert [p["spec"]["contents"]["contents"] for p in parts] == ["second"]


def test_list_pagination_get_delete(pg):
    vi, dsid, assets = pg
    aid = assets["cat.jpg"]["assetId"]
    phrases = [{"phrase": f"thing{i}", "bbox": [0.01 * i, 0.0, 0.01 * i + 0.1, 0.5]} for i in range(24)]
    vi.upload_annotations(dsid, {"many.jsonl": jsonl({"asset_id": aid, "caption": "lots of things",
                                                      "grounded_phrases": phrases})})
    path = f"{vi.d(dsid)}/assets/{aid}/annotations"
    first = vi.ok("GET", path)  # default pageSize 10
    assert len(first["items"]) == 10 and first["nextPage"]
    seen, token, pages = [], None, 0
    while True:
        q = {"pageSize": 7}
        if token:
            q["pageToken"] = token
        page = vi.ok("GET", path, params=q)
        pages += 1
        assert len(page["items"]) <= 7
        seen += [a["annotationId"] for a in page["items"]]
        token = page["nextPage"]
        if not token:
            break
    assert pages == 4 and len(seen) == 25 == len(set(seen))
    assert len(vi.annotations(dsid, aid, page_size=25)) == 25
    exact = vi.ok("GET", path, params={"pageSize": 25})
    assert exact["nextPage"] is None
    check_vi_error(vi.call("GET", path, params={"pageSize": 0}), 400)
    check_vi_error(vi.call("GET", path, params={"pageSize": 1001}), 400)
    check_vi_error(vi.call("GET", path, params={"pageToken": "abc"}), 400)
    one = vi.ok("GET", f"{path}/{seen[3]}")
    check_annotation(one, vi.org)
    assert one["annotationId"] == seen[3]
    # delete every annotation the way the guide loops over them
    for ann in vi.annotations(dsid, aid):
        r = vi.call("DELETE", f"{path}/{ann['annotationId']}")
        assert r.status_code == 204 and r.content == b""
    assert vi.annotations(dsid, aid) == []
    check_vi_error(vi.call("GET", f"{path}/{seen[3]}"), 404)
    check_vi_error(vi.call("DELETE", f"{path}/{seen[3]}"), 404)


def test_annotations_cross_workspace(pg, other):
    vi, dsid, assets = pg
    aid = assets["cat.jpg"]["assetId"]
    vi.upload_annotations(dsid, {"a.jsonl": jsonl(guide_line(aid))})
    ann = vi.annotations(dsid, aid)[0]["annotationId"]
    theirs = other.dataset_id(other.create_dataset("t"))
    check_vi_error(other.call("GET", f"{other.d(theirs)}/assets/{aid}/annotations"), 404)
    check_vi_error(other.call("GET", f"{other.d(theirs)}/assets/{aid}/annotations/{ann}"), 404)
    check_vi_error(other.call("DELETE", f"{other.d(theirs)}/assets/{aid}/annotations/{ann}"), 404)
    check_vi_error(other.call("GET", f"{other.d(dsid)}/assets/{aid}/annotations"), 404)
    check_vi_error(other.call("GET", f"{vi.d(dsid)}/assets/{aid}/annotations"), 403)
    assert len(vi.annotations(dsid, aid)) == 3


def test_session_state_rules(pg):
    vi, dsid, assets = pg
    base = f"{vi.d(dsid)}/annotationImportSessions"
    now = int(time.time() * 1000)
    sess = vi.ok("POST", base, {"spec": {"uploadBefore": now + 60000, "failurePolicies": {
        "onBadAnnotation": "RejectSession", "onBadFile": "RejectSession", "onOverwritten": "RejectSession"},
        "source": "UploadedIndividualFiles"}, "metadata": {"attributes": {}}})
    sid = sess["annotationImportSessionId"]
    assert conds(sess) == {"FilesInserted": "Waiting"}
    # registration validation
    check_vi_error(vi.call("POST", f"{base}/{sid}/files", {"files": {}}), 400)
    check_vi_error(vi.call("POST", f"{base}/{sid}/files",
                           {"files": {"a/b.jsonl": {"sizeBytes": 1, "crc32c": "AAAAAA==", "kind": "Unknown"}}}), 400)
    check_vi_error(vi.call("POST", f"{base}/{sid}/files",
                           {"files": {"a.jsonl": {"sizeBytes": 1, "crc32c": "nope", "kind": "Unknown"}}}), 400)
    # the client's failure PATCH: FailedReach with UserUploadErrored
    r = vi.ok("PATCH", f"{base}/{sid}/status", {"status": {"conditions": [
        {"condition": "FilesInserted", "status": "FailedReach", "lastTransitionTime": now,
         "reason": "UserUploadErrored"}]}})
    assert r["status"]["conditions"] == [{**r["status"]["conditions"][0], "condition": "FilesInserted",
                                          "status": "FailedReach", "reason": "UserUploadErrored"}]
    # terminal: PATCH again and registration are conflicts
    check_vi_error(vi.call("PATCH", f"{base}/{sid}/status", {"status": {"conditions": [
        {"condition": "FilesInserted", "status": "Reached", "lastTransitionTime": now}]}}), 409)
    check_vi_error(vi.call("POST", f"{base}/{sid}/files",
                           {"files": {"a.jsonl": {"sizeBytes": 1, "crc32c": "AAAAAA==", "kind": "Unknown"}}}), 409)
    # bad PATCH bodies
    check_vi_error(vi.call("PATCH", f"{base}/{sid}/status", {"status": {"conditions": [
        {"condition": "FilesInserted", "status": "Reached", "reason": "Because"}]}}), 400)
    check_vi_error(vi.call("PATCH", f"{base}/{sid}/status", {"status": {}}), 400)
    check_vi_error(vi.call("POST", base, {"spec": {"failurePolicies": {"onBadFile": "Ignore"}}}), 400)
    check_vi_error(vi.call("GET", f"{base}/00000000-0000-4000-8000-000000000000"), 404)


def test_upload_deadline(pg, server):
    vi, dsid, assets = pg
    server.post("/_emulator/clock", json={"mode": "frozen"})
    now = server.get("/_emulator/clock").json()["now"]
    base = f"{vi.d(dsid)}/annotationImportSessions"
    sess = vi.ok("POST", base, {"spec": {"uploadBefore": now + 1000, "failurePolicies": {
        "onBadAnnotation": "Warn", "onBadFile": "Warn", "onOverwritten": "Warn"}, "source": "UploadedIndividualFiles"},
        "metadata": {"attributes": {}}})
    sid = sess["annotationImportSessionId"]
    server.post("/_emulator/clock/advance", json={"ms": 2000})
    s = vi.ok("GET", f"{base}/{sid}")
    c = s["status"]["conditions"][0]
    assert c["condition"] == "FilesInserted" and c["status"] == "FailedReach" and c.get("reason") is None
    assert c["message"] == "upload deadline passed"
    check_vi_error(vi.call("PATCH", f"{base}/{sid}/status", {"status": {"conditions": [
        {"condition": "FilesInserted", "status": "Reached", "lastTransitionTime": now}]}}), 409)


def test_wait_until_done_separately(pg):
    vi, dsid, assets = pg
    s = vi.upload_annotations(dsid, {"a.jsonl": jsonl(guide_line("cat"))}, wait=False)
    assert "Complete" in conds(s)
    done = vi.wait_import(dsid, s["annotationImportSessionId"])
    assert done["status"]["annotations"]["statusCount"] == {"Imported": 1}


def test_other_dialects_annotations_show_in_vi(demo_vi):
    """Boxes, polygons and captions written by the fixtures (core) read as parts."""
    ds = "b8161e12-3f81-4cca-ac09-36ee945c88cb"
    assets = demo_vi.assets(ds)
    multi = next(a for a in assets if a["filename"] == "shapes-multi.png")
    parts = demo_vi.annotations(ds, multi["assetId"])
    boxes = [p for p in parts if p["spec"]["contents"]["kind"] == "PhraseGroundingBoundingBox"]
    caps = [p for p in parts if p["spec"]["contents"]["kind"] == "Caption"]
    assert len(caps) == 1 and caps[0]["spec"]["contents"]["contents"].startswith("rectangle bbox")
    rect = next(p for p in boxes if p["spec"]["contents"]["target"] == [0, 9])
    b = rect["spec"]["contents"]["bound"]
    assert abs(b[0][0] - 24 / 320) < 1e-9 and abs(b[2][1] - 88 / 240) < 1e-9
    vqa = demo_vi.assets("32ea5779-a226-44f6-accf-d8f7ce526dd6")
    qparts = demo_vi.annotations("32ea5779-a226-44f6-accf-d8f7ce526dd6", vqa[0]["assetId"])
    assert [p["spec"]["contents"]["contents"] for p in qparts][:2] == ["What drink is in the cup?", "espresso"]
