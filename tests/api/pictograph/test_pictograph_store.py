"""The Pictograph view over the shared store: datasets, images and annotations
are core rows other dialects see; deleting a workspace purges the Pictograph
tables too; a batch survives a crash and finishes without charging any image
twice."""
import time

from conftest import FIXTURES, count_rows
from pictograph.pg_client import png, solid

PG_TABLES = ("pictograph_credits", "pictograph_ledger", "pictograph_sessions", "pictograph_idempotency",
             "pictograph_batches")


def test_vi_sees_pictograph_data(pg, server):
    d = pg.create_dataset("shared-view")
    im = pg.upload("shared-view", "a.png", png(solid(20, 10)))
    pg.post("/annotations/shared-view/a.png", json={"annotations": [
        {"id": "c1", "name": "car", "type": "bbox", "bounding_box": {"x": 1, "y": 1, "w": 5, "h": 4}}]})
    org = pg.ws["keys"]["vi"]["organizationId"]
    h = {"Authorization": "Bearer " + pg.ws["keys"]["vi"]["secretKey"], "Organization-Id": org}
    r = server.get(f"/workspaces/{org}/datasets/{d['id']}", headers=h)
    assert r.status_code == 200, r.text
    assert "shared-view" in r.text
    r = server.get(f"/workspaces/{org}/datasets/{d['id']}/assets", headers=h)
    assert r.status_code == 200 and im["id"] in r.text
    r = server.get(f"/workspaces/{org}/datasets/{d['id']}/assets/{im['id']}/annotations", headers=h)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) == 1 and items[0]["spec"]["boundType"] == "box"
    # Vi reads the same box, normalised to the 20x10 image
    assert items[0]["spec"]["contents"]["bound"][0] == [0.05, 0.1]


def test_workspace_delete_purges_pictograph_rows(shapes, pg, server):
    ws = pg.ws["id"]
    pg.point("shapes", "shapes-rect.png", 50, 60)
    j = pg.post("/auto-annotate/batch", json={"dataset_name": "shapes", "image_filenames": ["shapes-rect.png"],
                                              "classes": [{"name": "white"}]}).json()
    deadline = time.monotonic() + 10
    while pg.get(f"/auto-annotate/batch/{j['job_id']}").json()["status"] != "completed":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    pg.set_credits(123)
    for t in PG_TABLES:
        assert count_rows(server.db_path, t, ws) > 0, t
    assert server.delete(f"/_emulator/workspaces/{ws}").status_code == 204
    server.post("/_emulator/clock/advance", json={"ms": 0})
    for t in PG_TABLES + ("assets", "annotations", "datasets", "jobs"):
        assert count_rows(server.db_path, t, ws) == 0, t


def test_batch_resumes_after_a_crash(make_server):
    from conftest import Server  # noqa: F401 - the fixture builds it
    from pictograph.pg_client import PG
    srv = make_server(name="crash", env={"VISIONSTACK_PICTOGRAPH_BATCH_IMAGE_MS": "300"})
    pg = PG(srv, srv.create_workspace("crash"))
    pg.create_dataset("shapes")
    names = ["shapes-rect.png", "shapes-circle.png", "shapes-multi.png", "shapes-alpha.png"]
    for n in names:
        pg.upload("shapes", n, (FIXTURES / "images" / n).read_bytes())
    before = pg.balance()
    j = pg.post("/auto-annotate/batch", json={"dataset_name": "shapes", "image_filenames": names,
                                              "classes": [{"name": "object", "output_type": "bbox"}]}).json()
    deadline = time.monotonic() + 10
    while pg.get(f"/auto-annotate/batch/{j['job_id']}").json()["processed_images"] < 1:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    srv.kill9()
    srv.start()
    pg = PG(srv, pg.ws)
    deadline = time.monotonic() + 20
    while True:
        cur = pg.get(f"/auto-annotate/batch/{j['job_id']}").json()
        if cur["status"] == "completed":
            break
        assert cur["status"] in ("pending", "running") and time.monotonic() < deadline, cur
        time.sleep(0.05)
    assert cur["processed_images"] == 4 and cur["failed_images"] == 0
    assert pg.balance() == before - 4 * 30_000
    per_image = [len(pg.get(f"/annotations/shapes/{n}").json()["annotations"]) for n in names]
    assert per_image == [1, 1, 1, 1]
