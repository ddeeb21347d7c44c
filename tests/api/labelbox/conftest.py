"""Fixtures for the Labelbox dialect tests: a workspace's client, a second
workspace (cross-tenant checks), and a project ready for imports (the guide's
ontology, one 640x480 data row uploaded through UploadFile and batched)."""
from types import SimpleNamespace

import pytest

from labelbox.lb_client import LB, png_bytes

W, H = 640, 480


@pytest.fixture
def lb(server):
    return LB.for_workspace(server, server.create_workspace("labelbox-tests"))


@pytest.fixture
def other_lb(server):
    return LB.for_workspace(server, server.create_workspace("other"))


def make_ready(lb, gk="img-1", w=W, h=H):
    ds = lb.create_dataset()
    url = lb.upload(png_bytes(w, h), "img.png", "image/png")
    task = lb.create_data_rows(ds["id"], [{"row_data": url, "global_key": gk},
                                          {"row_data": url, "global_key": gk + "-outside"}])
    assert task["status"] == "COMPLETE", task
    rows = {r["globalKey"]: r for r in lb.succeeded_rows(task["id"])}
    ont = lb.create_ontology()
    project = lb.create_project()
    lb.connect_ontology(project["id"], ont["id"])
    batch = lb.create_batch(project["id"], global_keys=[gk])
    assert batch["failedDataRowIds"] == []
    return SimpleNamespace(lb=lb, project=project["id"], dataset=ds["id"], ontology=ont, gk=gk,
                           row=rows[gk]["id"], outside=rows[gk + "-outside"]["id"], w=w, h=h)


@pytest.fixture
def ready(lb):
    return make_ready(lb)
