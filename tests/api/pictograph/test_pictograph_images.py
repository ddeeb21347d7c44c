"""Images (spec §5.4, §6.3, §8): the 3-step upload (upload-url, PUT without
auth, register with dimension sniffing), the bulk variant, list with filters and
paging, get by file name / UUID (bytes and metadata), download by path, soft and
permanent delete, and every error the flow defines."""
import uuid

from conftest import FIXTURES
from pictograph.pg_client import A, assert_pg_error, field_errors, jpeg, png, solid


def test_upload_register_and_read_back(pg, server):
    d = pg.create_dataset("up")
    data = png(solid(40, 30, (10, 20, 30)))
    r = pg.post("/images/upload-url", json={"dataset": "up", "filename": "a.png", "directory_path": "/",
                                            "content_type": "image/png"})
    assert r.status_code == 200, r.text
    u = r.json()["data"]
    assert u["upload_url"].startswith(f"http://127.0.0.1:{server.port}/_blob/pictograph/")
    assert u["expires_in_minutes"] == 60 and u["filename"] == "a.png" and u["directory_path"] == "/"
    put = server.http.put(u["upload_url"], data=data, headers={"Content-Type": "image/png"})
    assert put.status_code in (200, 201)
    r = pg.post("/images/register", json={"dataset": d["id"], "filename": "a.png", "directory_path": "/",
                                          "file_size": len(data), "content_type": "image/png",
                                          "width": None, "height": None})
    assert r.status_code in (200, 201), r.text
    im = r.json()["data"]
    assert uuid.UUID(im["id"]) and im["dataset_id"] == d["id"]
    assert (im["width"], im["height"], im["file_size"]) == (40, 30, len(data))
    assert im["status"] == "new" and im["directory_path"] == "/" and im["content_type"] == "image/png"
    assert im["annotation_count"] == 0 and im["tags"] == [] and im["is_archived"] is False
    assert im["created_at"].endswith("Z")
    assert im["annotation_url"].endswith(f"/api/v1/developer/annotations/{d['id']}/a.png")

    # by UUID: bytes and metadata
    r = pg.get(f"/images/{im['id']}")
    assert r.status_code == 200 and r.content == data and r.headers["Content-Type"] == "image/png"
    r = pg.get(f"/images/{im['id']}/metadata")
    assert r.status_code == 200 and r.json()["data"]["filename"] == "a.png"
    # by path
    r = pg.get("/images/up/a.png")
    assert r.status_code == 200 and r.content == data
    # by file name through the list route (the SDK's get)
    r = pg.get("/images/", params={"dataset": "up", "limit": 2, "offset": 0, "filename": "a.png"})
    assert [x["id"] for x in r.json()["data"]] == [im["id"]]
    # server-supplied URLs resolve
    path = im["image_url"].split(str(server.port), 1)[1]
    assert server.get(path, headers={"X-API-Key": pg.key}).content == data


def test_register_errors(pg, server):
    pg.create_dataset("up")
    data = jpeg(solid(33, 21, (200, 10, 10)))
    assert_pg_error(pg.post("/images/upload-url", json={"dataset": "nope", "filename": "x.jpg",
                                                        "directory_path": "/", "content_type": "image/jpeg"}),
                    404, "not_found")
    # no bytes PUT yet
    r = pg.post("/images/register", json={"dataset": "up", "filename": "x.jpg", "directory_path": "/sub",
                                          "file_size": len(data), "content_type": "image/jpeg"})
    assert_pg_error(r, 400)
    im = pg.upload("up", "x.jpg", data, directory_path="sub/", content_type="image/jpeg")
    assert (im["width"], im["height"], im["directory_path"]) == (33, 21, "/sub")
    assert im["content_type"] == "image/jpeg"
    # path taken: upload-url and register both 409 "already exists"
    err = assert_pg_error(pg.post("/images/upload-url", json={"dataset": "up", "filename": "x.jpg",
                                                              "directory_path": "/sub",
                                                              "content_type": "image/jpeg"}), 409, "conflict")
    assert "already exists" in err["message"]
    err = assert_pg_error(pg.post("/images/register", json={"dataset": "up", "filename": "x.jpg",
                                                            "directory_path": "/sub", "file_size": len(data),
                                                            "content_type": "image/jpeg"}), 409, "conflict")
    assert "already exists" in err["message"]
    # the same name elsewhere is another image
    assert pg.upload("up", "x.jpg", data, content_type="image/jpeg")["directory_path"] == "/"
    # wrong size
    r = pg.post("/images/upload-url", json={"dataset": "up", "filename": "y.png", "directory_path": "/",
                                            "content_type": "image/png"})
    server.http.put(r.json()["data"]["upload_url"], data=png(solid(5, 5)))
    assert_pg_error(pg.post("/images/register", json={"dataset": "up", "filename": "y.png", "directory_path": "/",
                                                      "file_size": 3, "content_type": "image/png"}), 400)
    # not an image and no dimensions
    r = pg.post("/images/upload-url", json={"dataset": "up", "filename": "z.webp", "directory_path": "/",
                                            "content_type": "image/webp"})
    server.http.put(r.json()["data"]["upload_url"], data=b"RIFF....WEBPVP8 ")
    assert_pg_error(pg.post("/images/register", json={"dataset": "up", "filename": "z.webp",
                                                      "directory_path": "/", "content_type": "image/webp"}), 400)
    ok = pg.post("/images/register", json={"dataset": "up", "filename": "z.webp", "directory_path": "/",
                                           "content_type": "image/webp", "width": 7, "height": 9})
    assert ok.status_code in (200, 201) and ok.json()["data"]["width"] == 7


def test_upload_validation(pg):
    pg.create_dataset("v")
    errs = field_errors(pg.post("/images/upload-url", json={"dataset": "v", "filename": "a/b.png",
                                                           "directory_path": "/../x", "content_type": "text/plain",
                                                           "extra": 1}))
    locs = {loc for loc, _ in errs}
    assert {("body", "filename"), ("body", "directory_path"), ("body", "content_type"), ("body", "extra")} <= locs
    errs = field_errors(pg.post("/images/upload-url", json={"filename": "a.png"}))
    assert (("body", "dataset"), "missing") in errs
    errs = field_errors(pg.post("/images/register", json={"dataset": "v", "filename": "a.png", "width": 0}))
    assert (("body", "width"), "greater_than_equal") in errs


def test_put_needs_no_auth_and_url_is_single_path(pg, server):
    pg.create_dataset("p")
    r = pg.post("/images/upload-url", json={"dataset": "p", "filename": "q.png", "directory_path": "/",
                                            "content_type": "image/png"})
    url = r.json()["data"]["upload_url"]
    put = server.http.put(url, data=png(solid(3, 3)), headers={"Content-Type": "image/png"})
    assert put.status_code in (200, 201) and put.json()


def test_bulk_upload(pg, server):
    pg.create_dataset("bulk")
    pg.upload("bulk", "taken.png", png(solid(2, 2)))
    files = [("one.png", png(solid(10, 11))), ("two.png", png(solid(12, 13))), ("taken.png", png(solid(3, 3)))]
    r = pg.post("/images/bulk-upload-url", json={"dataset": "bulk", "images": [
        {"filename": f, "directory_path": "/b", "content_type": "image/png"} for f, _ in files]})
    assert r.status_code == 200, r.text
    urls = r.json()["data"]["upload_urls"]
    assert [u["filename"] for u in urls] == ["one.png", "two.png", "taken.png"]
    for (_, data), u in zip(files, urls):
        assert server.http.put(u["upload_url"], data=data).status_code in (200, 201)
    # the last one goes to the root, where taken.png exists
    r = pg.post("/images/bulk-register", json={"dataset": "bulk", "images": [
        {"filename": "one.png", "directory_path": "/b", "file_size": len(files[0][1]), "content_type": "image/png",
         "width": None, "height": None},
        {"filename": "two.png", "directory_path": "/b", "file_size": len(files[1][1]), "content_type": "image/png",
         "width": None, "height": None},
        {"filename": "never.png", "directory_path": "/b", "file_size": 5, "content_type": "image/png",
         "width": None, "height": None}]})
    assert r.status_code == 200, r.text
    res = r.json()["data"]
    assert sorted(i["filename"] for i in res["succeeded"]) == ["one.png", "two.png"]
    assert res["succeeded"][0]["width"] == 10
    assert [f["filename"] for f in res["failed"]] == ["never.png"]
    assert res["failed"][0]["directory_path"] == "/b" and res["failed"][0]["error"]
    too_many = [{"filename": f"{i}.png", "directory_path": "/", "content_type": "image/png"} for i in range(501)]
    assert (("body", "images"), "too_long") in field_errors(
        pg.post("/images/bulk-upload-url", json={"dataset": "bulk", "images": too_many}))


def test_list_filters_and_paging(pg, server):
    d = pg.create_dataset("lst")
    ids = {}
    for i, (name, directory) in enumerate([("a.png", "/"), ("b.png", "/train"), ("c.png", "/train"),
                                           ("a.png", "/val")]):
        ids[(directory, name)] = pg.upload("lst", name, png(solid(5 + i, 5)), directory_path=directory)["id"]
    r = pg.get("/images/", params={"dataset": "lst"})
    body = r.json()
    assert body["pagination"] == {"limit": 100, "offset": 0, "total": 4, "has_more": False}
    # newest first
    assert body["data"][0]["id"] == ids[("/val", "a.png")]
    r = pg.get("/images/", params={"dataset": d["id"], "directory_path": "/train"})
    assert sorted(x["filename"] for x in r.json()["data"]) == ["b.png", "c.png"]
    r = pg.get("/images/", params={"dataset": "lst", "filename": "a.png", "limit": 2})
    assert len(r.json()["data"]) == 2  # the SDK calls this "ambiguous"
    r = pg.get("/images/", params={"dataset": "lst", "limit": 3, "offset": 0})
    assert len(r.json()["data"]) == 3 and r.json()["pagination"]["has_more"] is True
    r = pg.get("/images/", params={"dataset": "lst", "limit": 3, "offset": 3})
    assert len(r.json()["data"]) == 1 and r.json()["pagination"]["has_more"] is False
    assert pg.get("/images/", params={"dataset": "lst", "status": "new"}).json()["pagination"]["total"] == 4
    assert pg.get("/images/", params={"dataset": "lst", "status": "complete"}).json()["data"] == []
    assert pg.get("/images/", params={"dataset": "lst", "split": "train"}).json()["data"] == []
    assert pg.get("/images/", params={"dataset": "lst", "min_confidence_lt": 0.5}).json()["data"] == []
    for bad in ({"status": "in_progress"}, {"split": "validation"}, {"min_confidence_lt": "low"},
                {"directory_path": "/a/../b"}, {"include_archived": "yes"}):
        assert field_errors(pg.get("/images/", params={"dataset": "lst", **bad}))
    assert (("query", "dataset"), "missing") in field_errors(pg.get("/images/"))
    assert_pg_error(pg.get("/images/", params={"dataset": "nope"}), 404, "not_found")


def test_soft_and_permanent_delete(pg):
    pg.create_dataset("del")
    a = pg.upload("del", "a.png", png(solid(4, 4)))
    b = pg.upload("del", "b.png", png(solid(4, 5)), directory_path="/x")
    r = pg.delete("/images/del/a.png")
    assert r.status_code == 200 and r.json()["data"] == {"id": a["id"], "deleted": True, "permanent": False}
    assert [x["id"] for x in pg.get("/images/", params={"dataset": "del"}).json()["data"]] == [b["id"]]
    arch = pg.get("/images/", params={"dataset": "del", "include_archived": "true"}).json()["data"]
    assert {x["id"]: x["is_archived"] for x in arch} == {a["id"]: True, b["id"]: False}
    ds = pg.get("/datasets/del").json()["data"]
    assert (ds["image_count"], ds["archived_image_count"]) == (1, 1)
    # archived images stay addressable
    assert pg.get(f"/images/{a['id']}/metadata").json()["data"]["is_archived"] is True
    r = pg.delete("/images/del/x/b.png", params={"permanent": "true"})
    assert r.json()["data"] == {"id": b["id"], "deleted": True, "permanent": True}
    assert_pg_error(pg.get(f"/images/{b['id']}"), 404, "not_found")
    assert_pg_error(pg.delete("/images/del/x/b.png"), 404, "not_found")
    assert_pg_error(pg.delete("/images/nope/a.png"), 404, "not_found")


def test_isolation(pg, other):
    pg.create_dataset("iso")
    im = pg.upload("iso", "a.png", png(solid(4, 4)))
    other.create_dataset("iso")
    assert_pg_error(other.get(f"/images/{im['id']}"), 404, "not_found")
    assert_pg_error(other.get(f"/images/{im['id']}/metadata"), 404, "not_found")
    assert_pg_error(other.get("/images/iso/a.png"), 404, "not_found")
    assert_pg_error(other.delete("/images/iso/a.png"), 404, "not_found")
    assert other.get("/images/", params={"dataset": "iso"}).json()["data"] == []
    assert_pg_error(other.get("/images/", params={"dataset": im["dataset_id"]}), 404, "not_found")
    assert_pg_error(pg.get("/images/", params={"dataset": "iso"}, key="wrong"), 401, "unauthorized")


def test_fixture_photo_upload(pg):
    pg.create_dataset("photos")
    data = (FIXTURES / "images" / "coins.jpg").read_bytes()
    im = pg.upload("photos", "coins.jpg", data, content_type="image/jpeg")
    assert (im["width"], im["height"]) == (384, 303)


def test_parallel_uploads(pg, server):
    """upload_from_directory: GET the dataset, create it on 404, then 8 threads upload with dataset=<uuid>."""
    from concurrent.futures import ThreadPoolExecutor

    import requests
    assert_pg_error(pg.get("/datasets/folder"), 404, "not_found")
    d = pg.create_dataset("folder")
    h = {"X-API-Key": pg.key}

    def one(i):
        with requests.Session() as s:
            data = png(solid(8 + i, 8))
            meta = {"dataset": d["id"], "filename": f"img-{i:02d}.png", "directory_path": f"/cls{i % 3}",
                    "content_type": "image/png"}
            u = s.post(server.url(A + "/images/upload-url"), json=meta,
                       headers={**h, "Idempotency-Key": uuid.uuid4().hex}).json()["data"]["upload_url"]
            assert s.put(u, data=data).status_code in (200, 201)
            r = s.post(server.url(A + "/images/register"), json={**meta, "file_size": len(data)},
                       headers={**h, "Idempotency-Key": uuid.uuid4().hex})
            assert r.status_code in (200, 201), r.text
            return r.json()["data"]

    with ThreadPoolExecutor(8) as ex:
        got = list(ex.map(one, range(24)))
    assert len({g["id"] for g in got}) == 24
    assert pg.get("/images/", params={"dataset": "folder"}).json()["pagination"]["total"] == 24
