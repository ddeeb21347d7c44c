"""Fixtures for the Vi dialect tests: a fresh workspace with its Vi client, a
phrase-grounding dataset with uploaded images, and the demo workspace's client."""
import pytest

from conftest import DEMO
from vi.vi_client import ViClient, jpeg_bytes, png_bytes


@pytest.fixture
def vi(server):
    ws = server.create_workspace("vi-tests")
    return ViClient.for_workspace(server, ws)


@pytest.fixture
def other(server):
    """A second workspace on the same server (cross-tenant checks)."""
    ws = server.create_workspace("other")
    return ViClient.for_workspace(server, ws)


@pytest.fixture
def demo_vi(demo_server):
    return ViClient(demo_server, DEMO["keys"]["vi"]["secretKey"], DEMO["keys"]["vi"]["organizationId"])


IMAGES = {"cat.jpg": (640, 480), "couch.png": (200, 100), "dog.jpg": (320, 240)}


@pytest.fixture
def pg(vi):
    """A phrase-grounding dataset holding three images; returns (client, dataset id, {filename: asset})."""
    ds = vi.create_dataset("pg")
    dsid = vi.dataset_id(ds)
    files = {n: (png_bytes(w, h) if n.endswith(".png") else jpeg_bytes(w, h)) for n, (w, h) in IMAGES.items()}
    s = vi.upload_assets(dsid, files)
    assert s["status"]["progressCount"] == {"total": 3, "succeeded": 3, "errored": 0}
    assets = {a["filename"]: a for a in vi.assets(dsid)}
    return vi, dsid, assets
