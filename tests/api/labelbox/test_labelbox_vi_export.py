"""One store, several views: a Labelbox ground-truth import exported through the
Vi dialect as COCO carries the same geometry."""
import io
import json
import uuid
import zipfile

from labelbox.conftest import make_ready
from labelbox.lb_client import LB


def test_ground_truth_import_exports_as_coco_through_vi(server):
    ws = server.create_workspace("cross")
    lb = LB.for_workspace(server, ws)
    ready = make_ready(lb)
    lines = [
        {"uuid": str(uuid.uuid4()), "name": "bounding_box", "bbox": {"top": 40, "left": 32, "height": 48, "width": 64},
         "dataRow": {"globalKey": ready.gk}},
        {"uuid": str(uuid.uuid4()), "name": "polygon",
         "polygon": [{"x": 100, "y": 100}, {"x": 200, "y": 100}, {"x": 150, "y": 180}, {"x": 100, "y": 100}],
         "dataRow": {"globalKey": ready.gk}},
    ]
    imp = lb.import_file(ready.project, lines, mal=False)
    assert imp["state"] == "FINISHED"
    from vi.vi_client import ViClient
    vi = ViClient.for_workspace(server, ws)
    z = vi.export_zip(ready.dataset, "Coco")
    name = next(n for n in z.namelist() if n.endswith("annotations.json"))
    doc = json.loads(z.read(name))
    cats = {c["id"]: c["name"] for c in doc["categories"]}
    boxes = sorted((cats[a["category_id"]], [round(v, 3) for v in a["bbox"]]) for a in doc["annotations"])
    assert boxes == [("bounding_box", [32, 40, 64, 48]), ("polygon", [100, 100, 100, 80])]
    img = doc["images"][0]
    assert (img["width"], img["height"]) == (ready.w, ready.h)
