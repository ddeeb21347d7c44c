"""The console's endpoints: embedded static files (/_emulator/ui/), the read-only
browse views (datasets, asset pages, one asset with every annotation, image bytes,
thumbnails) and the segmentation playground (POST /_emulator/assets/{id}/segment)."""
import hashlib
import io
import json
import time
import uuid
from pathlib import Path

import pytest
from PIL import Image

from conftest import DEMO, FIXTURES, REPO, assert_error, insert_rows

UI_DIR = REPO / "server" / "ui"
PHOTOS = "72416885-ec72-4d62-9b4a-9424b753b6b1"
SHAPES = "b8161e12-3f81-4cca-ac09-36ee945c88cb"
VQA = "32ea5779-a226-44f6-accf-d8f7ce526dd6"
ASSET_KEYS = {"id", "workspace", "dataset", "directory", "filename", "mime", "width", "height", "size", "sha256",
              "status", "split", "createdAt", "updatedAt", "imageUrl", "thumbnailUrl"}
ANNOTATION_KEYS = {"id", "kind", "label", "geometry", "text", "confidence", "source", "dialect", "attrs",
                   "createdAt", "updatedAt"}


def manifest():
    return json.loads((FIXTURES / "manifest.json").read_text())


def fixture_dataset(name):
    return next(d for d in manifest()["datasets"] if d["name"] == name)


def asset_by_file(srv, dataset, filename):
    items = srv.get(f"/_emulator/datasets/{dataset}/assets?limit=500").json()["items"]
    return next(a for a in items if a["filename"] == filename)


def png_size(data):
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "PNG"
        return im.size


# ----------------------------------------------------------------- static files


def test_console_files_are_embedded_byte_for_byte(server):
    files = sorted(p for p in UI_DIR.iterdir() if p.is_file())
    assert any(p.name == "index.html" for p in files)
    for p in files:
        r = server.get(f"/_emulator/ui/{p.name}")
        assert r.status_code == 200, p.name
        assert r.content == p.read_bytes(), p.name


@pytest.mark.parametrize("path", ["/_emulator/ui", "/_emulator/ui/", "/_emulator/ui/index.html"])
def test_index_served(server, path):
    r = server.get(path)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.content == (UI_DIR / "index.html").read_bytes()
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("name,ctype", [("app.js", "text/javascript; charset=utf-8"),
                                        ("style.css", "text/css; charset=utf-8"),
                                        ("favicon.svg", "image/svg+xml")])
def test_content_types(server, name, ctype):
    r = server.get(f"/_emulator/ui/{name}")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == ctype


def test_index_references_only_local_files(server):
    html = server.get("/_emulator/ui/").text
    assert "http://" not in html and "https://" not in html and "//" not in html.replace("://", "")
    for p in UI_DIR.iterdir():
        text = p.read_text(errors="replace")
        assert "https://" not in text, p.name
        assert "http://www.w3.org/2000/svg" in text or "http://" not in text, p.name


def test_etag_revalidates(server):
    r = server.get("/_emulator/ui/app.js")
    etag = r.headers["ETag"]
    again = server.get("/_emulator/ui/app.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    other = server.get("/_emulator/ui/app.js", headers={"If-None-Match": '"00000000"'})
    assert other.status_code == 200


def test_head(server):
    r = server.head("/_emulator/ui/style.css")
    assert r.status_code == 200
    assert int(r.headers["Content-Length"]) == (UI_DIR / "style.css").stat().st_size


@pytest.mark.parametrize("path", [
    "/_emulator/ui/nope.js",
    "/_emulator/ui/../ui/index.html",
    "/_emulator/ui/%2e%2e/%2e%2e/etc/passwd",
    "/_emulator/ui/sub/index.html",
    "/_emulator/ui/..%2findex.html",
    "/_emulator/ui/.index.html",
    "/_emulator/ui/meson.build",
])
def test_unknown_or_traversing_names_are_404(server, path):
    status, headers, body = server.raw("GET", path)
    assert status == 404, path
    err = json.loads(body)["error"]
    assert err["code"] == "not_found"


def test_ui_is_open_but_data_needs_the_admin_key(make_server):
    srv = make_server(name="keyed", seed=FIXTURES, args=["--admin-key", "sekret-key-1"])
    assert srv.get("/_emulator/ui/").status_code == 200
    assert srv.get("/_emulator/ui/app.js").status_code == 200
    ds = f"/_emulator/workspaces/{DEMO['id']}/datasets"
    assert_error(srv.get(ds), 401, "unauthorized")
    assert_error(srv.get(ds, headers={"Authorization": "Bearer wrong"}), 401, "unauthorized")
    ok = srv.get(ds, headers={"Authorization": "Bearer sekret-key-1"})
    assert ok.status_code == 200
    ds_id = ok.json()["items"][0]["id"]
    for path in (f"/_emulator/datasets/{ds_id}", f"/_emulator/datasets/{SHAPES}/assets"):
        assert_error(srv.get(path), 401, "unauthorized")
    a = srv.get(f"/_emulator/datasets/{SHAPES}/assets", headers={"Authorization": "Bearer sekret-key-1"}).json()
    aid = a["items"][0]["id"]
    for path in (f"/_emulator/assets/{aid}", f"/_emulator/assets/{aid}/image", f"/_emulator/assets/{aid}/thumbnail"):
        assert_error(srv.get(path), 401, "unauthorized")
        assert srv.get(path, headers={"Authorization": "Bearer sekret-key-1"}).status_code == 200
    assert_error(srv.post(f"/_emulator/assets/{aid}/segment", json={"point": [1, 1]}), 401, "unauthorized")


# ----------------------------------------------------------------- datasets


def test_workspace_datasets_with_counts(demo_server):
    r = demo_server.get(f"/_emulator/workspaces/{DEMO['id']}/datasets")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"workspace", "counts", "items"}
    assert body["workspace"]["id"] == DEMO["id"] and body["workspace"]["name"] == "demo"
    m = manifest()
    n_assets = sum(len(d["assets"]) for d in m["datasets"])
    n_ann = sum(len(a["annotations"]) for d in m["datasets"] for a in d["assets"])
    assert body["counts"] == {"datasets": 3, "assets": n_assets, "looseAssets": 0, "annotations": n_ann,
                              "activeJobs": 0}
    by_name = {d["name"]: d for d in body["items"]}
    assert set(by_name) == {d["name"] for d in m["datasets"]}
    for d in m["datasets"]:
        got = by_name[d["name"]]
        assert got["id"] == d["id"]
        assert got["workspace"] == DEMO["id"]
        assert got["type"] == d.get("type", "phrase-grounding")
        assert got["assetCount"] == len(d["assets"])
        assert got["annotationCount"] == sum(len(a["annotations"]) for a in d["assets"])
        assert got["attrs"] == {}
        assert isinstance(got["createdAt"], int)


def test_datasets_of_unknown_or_deleted_workspace(server):
    assert_error(server.get(f"/_emulator/workspaces/{uuid.uuid4()}/datasets"), 404, "not_found")
    ws = server.create_workspace("gone")
    assert server.get(f"/_emulator/workspaces/{ws['id']}/datasets").json()["items"] == []
    assert server.delete(f"/_emulator/workspaces/{ws['id']}").status_code == 204
    assert_error(server.get(f"/_emulator/workspaces/{ws['id']}/datasets"), 404, "not_found")
    assert_error(server.get(f"/_emulator/workspaces/{ws['id']}/assets"), 404, "not_found")


def test_dataset_get(demo_server):
    r = demo_server.get(f"/_emulator/datasets/{SHAPES}")
    assert r.status_code == 200
    d = r.json()
    assert d["name"] == "demo-shapes" and d["workspace"] == DEMO["id"] and d["assetCount"] == 4
    assert_error(demo_server.get(f"/_emulator/datasets/{uuid.uuid4()}"), 404, "not_found")
    assert_error(demo_server.get("/_emulator/datasets/not-a-uuid"), 404, "not_found")


def test_rows_of_a_deleted_workspace_are_not_found_before_the_purge(server):
    ws = server.create_workspace("w")
    ids = insert_rows(server.db_path, ws["id"], 3)
    assert server.get(f"/_emulator/assets/{ids['asset']}").status_code == 200
    # Deleted but not yet purged: mark the row as DELETE does, with no purge job.
    with server.db() as conn:
        conn.execute("UPDATE workspaces SET deleted_at=1 WHERE id=?", (ws["id"],))
    for path in (f"/_emulator/datasets/{ids['dataset']}", f"/_emulator/datasets/{ids['dataset']}/assets",
                 f"/_emulator/assets/{ids['asset']}", f"/_emulator/assets/{ids['asset']}/image",
                 f"/_emulator/assets/{ids['asset']}/thumbnail"):
        assert_error(server.get(path), 404, "not_found")
    assert_error(server.post(f"/_emulator/assets/{ids['asset']}/segment", json={"point": [1, 1]}), 404, "not_found")


# ----------------------------------------------------------------- asset pages


def test_dataset_assets_pages(demo_server):
    full = demo_server.get(f"/_emulator/datasets/{PHOTOS}/assets")
    assert full.status_code == 200
    body = full.json()
    assert set(body) == {"items", "total", "offset", "limit"}
    assert body["total"] == 5 and body["offset"] == 0 and body["limit"] == 60
    files = [a["filename"] for a in body["items"]]
    assert files == [a["file"] for a in fixture_dataset("demo-photos")["assets"]]
    for a, want in zip(body["items"], fixture_dataset("demo-photos")["assets"]):
        assert set(a) == ASSET_KEYS | {"annotationCount"}
        assert a["id"] == want["id"]
        assert a["dataset"] == PHOTOS and a["workspace"] == DEMO["id"]
        assert a["annotationCount"] == len(want["annotations"])
        raw = (FIXTURES / "images" / want["file"]).read_bytes()
        assert a["size"] == len(raw)
        assert a["sha256"] == hashlib.sha256(raw).hexdigest()
        assert a["imageUrl"] == f"/_emulator/assets/{a['id']}/image"
        assert a["thumbnailUrl"] == f"/_emulator/assets/{a['id']}/thumbnail"
    with Image.open(FIXTURES / "images" / "coffee.jpg") as im:
        coffee = next(a for a in body["items"] if a["filename"] == "coffee.jpg")
        assert (coffee["width"], coffee["height"]) == im.size
        assert coffee["mime"] == "image/jpeg"

    paged = []
    for offset in range(0, 6, 2):
        r = demo_server.get(f"/_emulator/datasets/{PHOTOS}/assets?offset={offset}&limit=2").json()
        assert r["total"] == 5 and r["offset"] == offset and r["limit"] == 2
        paged += [a["id"] for a in r["items"]]
    assert paged == [a["id"] for a in body["items"]]
    assert demo_server.get(f"/_emulator/datasets/{PHOTOS}/assets?offset=99").json()["items"] == []


@pytest.mark.parametrize("query,field", [("limit=0", "limit"), ("limit=501", "limit"), ("limit=abc", "limit"),
                                         ("limit=-1", "limit"), ("limit=", "limit"), ("offset=-1", "offset"),
                                         ("offset=1.5", "offset"), ("offset=x", "offset"),
                                         ("offset=99999999999999999999", "offset")])
def test_bad_paging_is_400(demo_server, query, field):
    err = assert_error(demo_server.get(f"/_emulator/datasets/{PHOTOS}/assets?{query}"), 400, "validation_error")
    assert f"'{field}'" in err["message"]


def test_unknown_dataset_assets_404(demo_server):
    assert_error(demo_server.get(f"/_emulator/datasets/{uuid.uuid4()}/assets"), 404, "not_found")


def test_workspace_level_assets(server):
    ws = server.create_workspace("w")
    other = server.create_workspace("other")
    insert_rows(server.db_path, ws["id"], 0)  # an asset in a dataset: not listed below
    data = (FIXTURES / "images" / "shapes-rect.png").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    now = int(time.time() * 1000)
    loose = [str(uuid.uuid4()) for _ in range(3)]
    with server.db() as conn:
        conn.execute("INSERT OR IGNORE INTO blobs(sha256,size,crc32c,md5,bytes,created_at) VALUES (?,?,?,?,?,?)",
                     (sha, len(data), 0, hashlib.md5(data).hexdigest(), data, now))
        for i, aid in enumerate(loose):
            conn.execute("INSERT INTO assets(id,workspace_id,dataset_id,filename,blob_sha256,mime,width,height,size,"
                         "created_at,updated_at) VALUES (?,?,NULL,?,?,?,?,?,?,?,?)",
                         (aid, ws["id"], f"t{i}.png", sha, "image/png", 128, 128, len(data), now + i, now + i))
        conn.execute("INSERT INTO assets(id,workspace_id,dataset_id,filename,blob_sha256,mime,width,height,size,"
                     "created_at,updated_at) VALUES (?,?,NULL,?,?,?,?,?,?,?,?)",
                     (str(uuid.uuid4()), other["id"], "x.png", sha, "image/png", 128, 128, len(data), now, now))
    counts = server.get(f"/_emulator/workspaces/{ws['id']}/datasets").json()["counts"]
    assert counts["looseAssets"] == 3 and counts["assets"] == 4
    r = server.get(f"/_emulator/workspaces/{ws['id']}/assets").json()
    assert r["total"] == 3
    assert [a["id"] for a in r["items"]] == loose
    assert all(a["dataset"] is None for a in r["items"])
    one = server.get(f"/_emulator/assets/{loose[1]}").json()
    assert one["dataset"] is None and one["datasetInfo"] is None
    assert (one["prev"], one["next"]) == (loose[0], loose[2])
    assert server.get(f"/_emulator/assets/{loose[0]}/thumbnail").status_code == 200


# ----------------------------------------------------------------- one asset


def test_asset_with_every_annotation(demo_server):
    for ds in manifest()["datasets"]:
        for want in ds["assets"]:
            r = demo_server.get(f"/_emulator/assets/{want['id']}")
            assert r.status_code == 200
            a = r.json()
            assert set(a) == ASSET_KEYS | {"datasetInfo", "prev", "next", "annotations"}
            assert a["datasetInfo"] == {"id": ds["id"], "name": ds["name"], "type": ds.get("type", "phrase-grounding")}
            assert [x["id"] for x in a["annotations"]] == [x["id"] for x in want["annotations"]]
            for got, exp in zip(a["annotations"], want["annotations"]):
                assert set(got) == ANNOTATION_KEYS
                assert got["kind"] == exp["kind"]
                assert got["label"] == exp.get("label", "")
                assert got["source"] == "human"
                assert got["dialect"] is None
                assert got["attrs"] == {}
                if exp["kind"] in ("bbox", "polygon", "polyline", "point"):
                    assert got["geometry"] == exp["geometry"]
                if exp["kind"] == "text":
                    assert got["text"] == exp["text"]
                else:
                    assert got["text"] is None
                assert got["confidence"] is None


def test_prev_and_next_follow_the_listing(demo_server):
    items = demo_server.get(f"/_emulator/datasets/{SHAPES}/assets").json()["items"]
    ids = [a["id"] for a in items]
    for i, aid in enumerate(ids):
        a = demo_server.get(f"/_emulator/assets/{aid}").json()
        assert a["prev"] == (ids[i - 1] if i else None)
        assert a["next"] == (ids[i + 1] if i + 1 < len(ids) else None)


def test_asset_shows_masks_confidence_source_and_attrs(server):
    ws = server.create_workspace("w")
    ids = insert_rows(server.db_path, ws["id"], 1)
    now = int(time.time() * 1000)
    mask = {"rle": {"counts": [3, 4, 93], "size": [10, 10]}}
    with server.db() as conn:
        conn.execute("INSERT INTO annotations(id,workspace_id,dataset_id,asset_id,kind,label,geometry,confidence,"
                     "source,attrs,created_at,updated_at) VALUES (?,?,?,?,'mask','blob',?,0.875,'model',?,?,?)",
                     (str(uuid.uuid4()), ws["id"], ids["dataset"], ids["asset"], json.dumps(mask),
                      json.dumps({"pictograph": {"model": "sam"}}), now + 1, now + 1))
        conn.execute("INSERT INTO annotations(id,workspace_id,dataset_id,asset_id,kind,label,geometry,text,"
                     "source,created_at,updated_at) VALUES (?,?,?,?,'text','caption','{}',?,'human',?,?)",
                     (str(uuid.uuid4()), ws["id"], ids["dataset"], ids["asset"], "naïve “quoted” ✓", now + 2, now + 2))
    a = server.get(f"/_emulator/assets/{ids['asset']}").json()
    kinds = [x["kind"] for x in a["annotations"]]
    assert kinds == ["bbox", "mask", "text"]
    m = a["annotations"][1]
    assert m["geometry"] == mask and m["confidence"] == 0.875 and m["source"] == "model"
    assert m["attrs"] == {"pictograph": {"model": "sam"}}
    assert m["dialect"] == "pictograph"
    text = a["annotations"][2]
    assert text["text"] == "naïve “quoted” ✓" and text["source"] == "human" and text["dialect"] is None


def test_unknown_asset_404(demo_server):
    for suffix in ("", "/image", "/thumbnail"):
        assert_error(demo_server.get(f"/_emulator/assets/{uuid.uuid4()}{suffix}"), 404, "not_found")


# ----------------------------------------------------------------- image and thumbnail


def test_image_bytes(demo_server):
    for want in fixture_dataset("demo-photos")["assets"] + fixture_dataset("demo-shapes")["assets"]:
        r = demo_server.get(f"/_emulator/assets/{want['id']}/image")
        assert r.status_code == 200
        raw = (FIXTURES / "images" / want["file"]).read_bytes()
        assert r.content == raw
        assert r.headers["Content-Type"] == ("image/png" if want["file"].endswith(".png") else "image/jpeg")
        assert r.headers["ETag"] == f'"image-{hashlib.sha256(raw).hexdigest()}"'
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        again = demo_server.get(f"/_emulator/assets/{want['id']}/image", headers={"If-None-Match": r.headers["ETag"]})
        assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("size", [None, 16, 100, 256, 1024])
def test_thumbnail_sizes(demo_server, size):
    for want in fixture_dataset("demo-photos")["assets"] + fixture_dataset("demo-shapes")["assets"]:
        q = "" if size is None else f"?size={size}"
        r = demo_server.get(f"/_emulator/assets/{want['id']}/thumbnail{q}")
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"] == "image/png"
        with Image.open(FIXTURES / "images" / want["file"]) as im:
            w, h = im.size
        edge = 256 if size is None else size
        tw, th = png_size(r.content)
        if max(w, h) <= edge:
            assert (tw, th) == (w, h)   # never enlarged
        else:
            assert max(tw, th) == edge
            assert abs(tw / th - w / h) < 0.05 + 1 / min(tw, th)


def test_thumbnail_is_an_area_average(demo_server):
    rect = next(a for a in fixture_dataset("demo-shapes")["assets"] if a["file"] == "shapes-rect.png")
    r = demo_server.get(f"/_emulator/assets/{rect['id']}/thumbnail?size=64")
    with Image.open(io.BytesIO(r.content)) as im:
        im = im.convert("RGB")
        assert im.size == (64, 64)
        # The white rectangle covers columns 32..95 and rows 40..87 of 128x128:
        # every 2x2 cell is wholly inside or outside, except none; so exact values.
        assert im.getpixel((16, 20)) == (255, 255, 255)
        assert im.getpixel((47, 43)) == (255, 255, 255)
        assert im.getpixel((15, 20)) == (0, 0, 0)
        assert im.getpixel((16, 19)) == (0, 0, 0)
    r = demo_server.get(f"/_emulator/assets/{rect['id']}/thumbnail?size=16")
    with Image.open(io.BytesIO(r.content)) as im:
        im = im.convert("RGB")
        # 8x8 cells: rows 40..87 start at cell row 5 (40/8); cell (4, 5) is all white.
        assert im.getpixel((4, 5)) == (255, 255, 255)
        assert im.getpixel((3, 5)) == (0, 0, 0)


def test_thumbnail_of_grayscale_and_alpha_images(demo_server):
    for name in ("coins.jpg", "shapes-alpha.png"):
        ds = "demo-photos" if name.endswith(".jpg") else "demo-shapes"
        want = next(a for a in fixture_dataset(ds)["assets"] if a["file"] == name)
        r = demo_server.get(f"/_emulator/assets/{want['id']}/thumbnail?size=64")
        assert r.status_code == 200
        assert max(png_size(r.content)) == 64


def test_thumbnail_etag_and_bad_size(demo_server):
    want = fixture_dataset("demo-shapes")["assets"][0]
    path = f"/_emulator/assets/{want['id']}/thumbnail"
    r = demo_server.get(path + "?size=64")
    etag = r.headers["ETag"]
    assert etag.startswith('"thumb64-')
    assert demo_server.get(path + "?size=64", headers={"If-None-Match": etag}).status_code == 304
    assert demo_server.get(path + "?size=65", headers={"If-None-Match": etag}).status_code == 200
    for bad in ("0", "15", "1025", "abc", "-5", "", "64.0"):
        err = assert_error(demo_server.get(path + f"?size={bad}"), 400, "validation_error")
        assert "'size'" in err["message"]


def test_thumbnail_of_bytes_that_are_not_an_image(server):
    ws = server.create_workspace("w")
    ids = insert_rows(server.db_path, ws["id"], 0, blob=b"definitely not an image")
    assert server.get(f"/_emulator/assets/{ids['asset']}/image").content == b"definitely not an image"
    assert_error(server.get(f"/_emulator/assets/{ids['asset']}/thumbnail"), 422, "unprocessable")
    assert_error(server.post(f"/_emulator/assets/{ids['asset']}/segment", json={"point": [1, 1]}), 422,
                 "unprocessable")


# ----------------------------------------------------------------- segmentation playground


def multi(srv):
    return asset_by_file(srv, SHAPES, "shapes-multi.png")


def check_region(region):
    assert set(region) == {"polygon", "rings", "bbox", "area", "score", "contrast", "compactness", "evidence", "lab"}
    assert region["polygon"]["points"] == region["rings"][0]
    assert 0 <= region["score"] <= 1


def test_segment_point(demo_server):
    a = multi(demo_server)
    r = demo_server.post(f"/_emulator/assets/{a['id']}/segment", json={"point": [60, 50]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["mode"] == "point"
    assert len(body["items"]) == 1
    region = body["items"][0]
    check_region(region)
    assert region["polygon"]["points"] == [[24, 24], [120, 24], [120, 88], [24, 88]]
    assert region["bbox"] == {"x": 24, "y": 24, "w": 96, "h": 64}
    assert region["area"] == 6144
    assert region["score"] >= 0.9
    # Deterministic, and nothing is stored.
    assert demo_server.post(f"/_emulator/assets/{a['id']}/segment", json={"point": [60, 50]}).json() == body
    assert demo_server.get(f"/_emulator/assets/{a['id']}").json()["annotations"] == \
        demo_server.get(f"/_emulator/assets/{a['id']}").json()["annotations"]
    n = demo_server.get(f"/_emulator/workspaces/{DEMO['id']}/datasets").json()["counts"]["annotations"]
    assert n == sum(len(x["annotations"]) for d in manifest()["datasets"] for x in d["assets"])


def test_segment_points_with_negative(demo_server):
    a = multi(demo_server)
    r = demo_server.post(f"/_emulator/assets/{a['id']}/segment",
                         json={"points": [[60, 50], [100, 70]], "negativePoints": [[232, 72]]})
    assert r.status_code == 200, r.text
    assert r.json()["items"][0]["bbox"] == {"x": 24, "y": 24, "w": 96, "h": 64}


def test_segment_box(demo_server):
    a = multi(demo_server)
    r = demo_server.post(f"/_emulator/assets/{a['id']}/segment", json={"box": [180, 20, 110, 105]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["mode"] == "box"
    assert body["items"][0]["bbox"] == {"x": 188, "y": 28, "w": 88, "h": 88}
    check_region(body["items"][0])
    # A box on plain background finds nothing: an empty list, not an error.
    empty = demo_server.post(f"/_emulator/assets/{a['id']}/segment", json={"box": [2, 100, 10, 10]})
    assert empty.status_code == 200 and empty.json()["items"] == []


def test_segment_text(demo_server):
    a = multi(demo_server)
    r = demo_server.post(f"/_emulator/assets/{a['id']}/segment", json={"text": "green triangle"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["mode"] == "text"
    assert body["items"][0]["bbox"] == {"x": 76, "y": 132, "w": 168, "h": 84}
    every = demo_server.post(f"/_emulator/assets/{a['id']}/segment", json={"text": "things", "maxResults": 2}).json()
    assert 1 <= len(every["items"]) <= 2
    for region in every["items"]:
        check_region(region)


@pytest.mark.parametrize("body,needle", [
    ({}, "exactly one prompt"),
    ({"point": [1, 1], "box": [0, 0, 5, 5]}, "exactly one prompt"),
    ({"point": [1]}, "'point'"),
    ({"point": "1,1"}, "'point'"),
    ({"point": [1, "1"]}, "'point'"),
    ({"point": [1, None]}, "'point'"),
    ({"points": []}, "'points'"),
    ({"points": [[1, 1]] * 33}, "'points'"),
    ({"points": [[1, 1], [2]]}, "'points'"),
    ({"point": [1, 1], "negativePoints": [[1]]}, "'negativePoints'"),
    ({"box": [0, 0, 5]}, "'box'"),
    ({"box": [0, 0, 0, 5]}, "'box'"),
    ({"box": [0, 0, 5, -1]}, "'box'"),
    ({"box": [0, 0, 5, 5], "negativeBoxes": [[0, 0, 1]]}, "'negativeBoxes'"),
    ({"box": [0, 0, 5, 5], "negativeBoxes": [[0, 0, 1, 1]] * 17}, "'negativeBoxes'"),
    ({"text": ""}, "'text'"),
    ({"text": 5}, "'text'"),
    ({"text": "x" * 501}, "'text'"),
    ({"text": "red", "maxResults": 0}, "'maxResults'"),
    ({"text": "red", "maxResults": 257}, "'maxResults'"),
    ({"text": "red", "maxResults": "3"}, "'maxResults'"),
    ({"negativePoints": [[1, 1]], "text": "red"}, "'negativePoints'"),
    ({"negativeBoxes": [[1, 1, 2, 2]], "point": [1, 1]}, "'negativeBoxes'"),
    ({"point": [1, 1], "extra": 1}, "'extra'"),
    ({"point": [-1, 5]}, "outside"),
    ({"point": [320, 5]}, "outside"),
    ({"points": [[5, 5], [5, 240]]}, "outside"),
])
def test_segment_bad_bodies(demo_server, body, needle):
    a = multi(demo_server)
    err = assert_error(demo_server.post(f"/_emulator/assets/{a['id']}/segment", json=body), 400, "validation_error")
    assert needle in err["message"], err


def test_segment_transport_errors(demo_server):
    a = multi(demo_server)
    path = f"/_emulator/assets/{a['id']}/segment"
    assert_error(demo_server.post(f"/_emulator/assets/{uuid.uuid4()}/segment", json={"point": [1, 1]}), 404,
                 "not_found")
    r = demo_server.put(path, json={"point": [1, 1]})
    assert_error(r, 405)
    assert "POST" in r.headers["Allow"]
    assert_error(demo_server.post(path, data='{"point":[1,1]}', headers={"Content-Type": "text/plain"}), 415)
    assert_error(demo_server.post(path, data="{not json", headers={"Content-Type": "application/json"}), 400)
    assert_error(demo_server.post(path, data=b'{"text":"' + b"a" * (1024 * 1024 + 10) + b'"}',
                                  headers={"Content-Type": "application/json"}), 413)
    assert_error(demo_server.post(path, data=json.dumps([1, 2]), headers={"Content-Type": "application/json"}), 400)
