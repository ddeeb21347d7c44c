"""Datasets (spec §5.3, §6.2): create, list with offset/limit paging, get by
name or UUID (names may hold '/' and spaces), include_images, delete; 409 on a
duplicate name; 422 field errors; 401; another workspace's ids are 404."""
import urllib.parse
import uuid

from pictograph.pg_client import A, PG, assert_pg_error, field_errors, png, solid


def test_create_get_list_delete(pg):
    d = pg.create_dataset("cars", description="road", readme="# Cars",
                          annotation_types=["bbox", "polygon", "box", "bbox"],
                          classes=[{"name": "car", "type": "bbox", "color": "#ff0000"}, {"name": "person"}])
    assert uuid.UUID(d["id"]) and d["name"] == "cars" and d["created_at"].endswith("Z")
    assert d["organization_id"] == pg.ws["id"]
    assert d["description"] == "road" and d["readme"] == "# Cars"
    assert d["annotation_types"] == ["bbox", "polygon", "box"]
    assert d["classes"][0] == {"name": "car", "type": "bbox", "color": "#ff0000"}
    assert d["classes"][1]["name"] == "person" and d["classes"][1]["color"].startswith("#")
    assert d["image_count"] == 0 and d["total_size"] == 0 and d["is_archived"] is False

    for ref in ("cars", d["id"]):
        r = pg.get(f"/datasets/{ref}")
        assert r.status_code == 200, r.text
        assert r.json()["data"]["id"] == d["id"]

    r = pg.get("/datasets/")
    assert r.status_code == 200
    body = r.json()
    assert [x["name"] for x in body["data"]] == ["cars"]
    assert body["pagination"] == {"limit": 100, "offset": 0, "total": 1, "has_more": False}

    r = pg.delete("/datasets/cars")
    assert r.status_code == 200
    assert r.json()["data"] == {"id": d["id"], "name": "cars", "deleted": True}
    assert_pg_error(pg.get("/datasets/cars"), 404, "not_found")
    assert_pg_error(pg.delete(f"/datasets/{d['id']}"), 404, "not_found")


def test_defaults_and_duplicate(pg):
    d = pg.create_dataset("plain")
    assert d["annotation_types"] == ["bbox"] and d["classes"] == []
    r = pg.post("/datasets/", json={"name": "plain"})
    assert_pg_error(r, 409, "conflict")


def test_pagination(pg):
    for i in range(5):
        pg.create_dataset(f"d{i}")
    r = pg.get("/datasets/", params={"limit": 2, "offset": 0})
    assert [x["name"] for x in r.json()["data"]] == ["d0", "d1"]
    assert r.json()["pagination"] == {"limit": 2, "offset": 0, "total": 5, "has_more": True}
    r = pg.get("/datasets/", params={"limit": 2, "offset": 4})
    assert [x["name"] for x in r.json()["data"]] == ["d4"]
    assert r.json()["pagination"]["has_more"] is False
    r = pg.get("/datasets/", params={"limit": 5000})
    assert r.json()["pagination"]["limit"] == 1000
    assert pg.get("/datasets/", params={"archived": "true"}).json()["data"] == []
    assert field_errors(pg.get("/datasets/", params={"limit": "x"})) == [(("query", "limit"), "int_parsing")]
    assert field_errors(pg.get("/datasets/", params={"offset": "-1"}))[0][0] == ("query", "offset")
    assert field_errors(pg.get("/datasets/", params={"archived": "maybe"}))[0][0] == ("query", "archived")


def test_name_with_slash_and_spaces(pg):
    d = pg.create_dataset("road signs/x")
    enc = urllib.parse.quote("road signs/x", safe="")
    r = pg.get(f"/datasets/{enc}")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["id"] == d["id"]
    pg.upload(d["id"], "a b.png", png(solid(8, 8)), directory_path="/val")
    r = pg.get(f"/annotations/{enc}/val/a%20b.png")
    assert r.status_code == 200, r.text
    assert r.json()["filename"] == "a b.png"
    r = pg.get(f"/images/{enc}/val/a%20b.png")
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"


def test_include_images(pg):
    d = pg.create_dataset("with-images")
    ids = [pg.upload("with-images", f"{i}.png", png(solid(4 + i, 4)))["id"] for i in range(3)]
    r = pg.get("/datasets/with-images", params={"include_images": "true", "images_limit": 2, "images_offset": 0})
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["image_count"] == 3
    assert len(data["images"]) == 2
    for im in data["images"]:
        assert {"id", "filename", "created_at", "annotation_count"} <= set(im)
    r = pg.get("/datasets/with-images", params={"include_images": "true", "images_limit": 10000})
    assert sorted(i["id"] for i in r.json()["data"]["images"]) == sorted(ids)
    assert "images" not in pg.get(f"/datasets/{d['id']}").json()["data"]
    assert field_errors(pg.get("/datasets/with-images", params={"images_limit": 10001}))[0][0] == (
        "query", "images_limit")


def test_validation_errors(pg):
    errs = field_errors(pg.post("/datasets/", json={}))
    assert (("body", "name"), "missing") in errs
    errs = field_errors(pg.post("/datasets/", json={"name": "  "}))
    assert (("body", "name"), "value_error") in errs
    errs = field_errors(pg.post("/datasets/", json={"name": "x", "colour": 1}))
    assert (("body", "colour"), "extra_forbidden") in errs
    errs = field_errors(pg.post("/datasets/", json={"name": "x", "annotation_types": ["bbox", "mask"]}))
    assert (("body", "annotation_types", 1), "literal_error") in errs
    errs = field_errors(pg.post("/datasets/", json={"name": "x", "classes": [{"name": ""}, {"name": "a" * 121},
                                                                           {"name": "ok", "shade": 1}]}))
    assert (("body", "classes", 0, "name"), "string_too_short") in errs
    assert (("body", "classes", 1, "name"), "string_too_long") in errs
    assert (("body", "classes", 2, "shade"), "extra_forbidden") in errs
    assert pg.get("/datasets/").json()["pagination"]["total"] == 0


def test_auth_and_isolation(pg, other, server):
    d = pg.create_dataset("mine")
    assert_pg_error(server.get(A + "/datasets/"), 401, "unauthorized")
    assert_pg_error(server.get(A + "/datasets/", headers={"X-API-Key": "pk_live_nope"}), 401, "unauthorized")
    assert_pg_error(pg.get("/datasets/", key=""), 401)
    assert_pg_error(other.get(f"/datasets/{d['id']}"), 404, "not_found")
    assert_pg_error(other.get("/datasets/mine"), 404, "not_found")
    assert_pg_error(other.delete(f"/datasets/{d['id']}"), 404, "not_found")
    assert other.get("/datasets/").json()["data"] == []
    # the same name is free in another workspace
    assert other.create_dataset("mine")["id"] != d["id"]
