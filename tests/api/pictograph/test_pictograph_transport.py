"""Transport rules for the Pictograph mount (spec §2, §3, §4, §12): the error
shape on 400/401/404/405/413/415, trailing slashes served without redirects,
JSON bodies on every 2xx (cancel and deletes included), empty POST bodies, and
numbers that arrive as floats."""
import json

from pictograph.pg_client import A, assert_pg_error, png, solid

MiB = 1024 * 1024


def test_error_shapes_on_transport_failures(pg, server):
    h = {"X-API-Key": pg.key, "Content-Type": "application/json"}
    # 405 with Allow
    r = server.put(A + "/credits/balance", headers=h, data="{}")
    assert_pg_error(r, 405)
    assert "GET" in r.headers["Allow"]
    # 413 from Content-Length, before the body is read
    status, headers, body = server.raw("POST", A + "/datasets/", headers={**h, "Content-Length": str(2 * MiB)})
    assert status == 413
    assert set(json.loads(body)["error"]) == {"code", "message", "details"}
    # 415
    r = server.post(A + "/datasets/", headers={"X-API-Key": pg.key, "Content-Type": "text/plain"}, data="name=x")
    assert_pg_error(r, 415)
    # 400: malformed JSON, a non-object body, invalid UTF-8
    assert_pg_error(server.post(A + "/datasets/", headers=h, data="{"), 400)
    assert_pg_error(server.post(A + "/datasets/", headers=h, data="[1]"), 400)
    assert_pg_error(server.post(A + "/datasets/", headers=h, data=b'{"name":"\xff"}'), 400)
    # 404 for routes the dialect does not serve, in the dialect's shape
    assert_pg_error(pg.get("/no-such-thing"), 404)
    # 401 comes in the same shape
    assert_pg_error(server.get(A + "/credits/balance"), 401, "unauthorized")


def test_trailing_slashes_and_no_redirects(pg, server):
    pg.create_dataset("slash")
    for path in ("/datasets/", "/datasets", "/datasets/slash", "/datasets/slash/", "/credits/balance/",
                 "/images/?dataset=slash"):
        r = server.get(A + path, headers={"X-API-Key": pg.key}, allow_redirects=False)
        assert r.status_code == 200, (path, r.status_code)
        assert r.json()


def test_every_2xx_has_a_json_body(pg, server):
    pg.create_dataset("bodies")
    pg.upload("bodies", "a.png", png(solid(4, 4)))
    for r in (pg.delete("/annotations/bodies/a.png"), pg.delete("/images/bodies/a.png"),
              pg.delete("/datasets/bodies")):
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
        assert isinstance(r.json(), dict) and r.json()


def test_empty_post_body_and_float_numbers(shapes, pg, server):
    # cancel sends Content-Length: 0 and no body
    j = pg.post("/auto-annotate/batch", json={"dataset_name": "shapes", "image_filenames": ["shapes-rect.png"],
                                              "classes": [{"name": "x"}], "top_k": 1.0}).json()
    status, headers, body = server.raw("POST", A + f"/auto-annotate/batch/{j['job_id']}/cancel",
                                       headers={"X-API-Key": pg.key, "Content-Length": "0"})
    assert status in (200, 409) and json.loads(body)
    # whole numbers may arrive as floats
    r = pg.text("shapes", "shapes-multi.png", "blue", max_detections=5.0)
    assert r.status_code == 200, r.text
    assert pg.get("/credits/estimate", params={"operation": "inference_t4", "quantity": 3}).json()["quantity"] == 3


def test_coverage_lists_pictograph_routes(server):
    r = server.get("/_emulator/coverage")
    assert r.status_code == 200
    paths = {(x["method"], x["path"]) for x in r.json()["dialects"]["pictograph"]}
    assert ("POST", A + "/auto-annotate/sam3/point") in paths
    assert ("GET", A + "/credits/balance") in paths
