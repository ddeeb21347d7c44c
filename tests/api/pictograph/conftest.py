"""Fixtures for the Pictograph dialect tests: a workspace's client, a second
workspace for cross-tenant checks, and a dataset holding the synthetic shapes."""
import pytest

from conftest import FIXTURES
from pictograph.pg_client import PG


@pytest.fixture
def pg(server):
    return PG.for_workspace(server, server.create_workspace("pictograph-tests"))


@pytest.fixture
def other(server):
    return PG.for_workspace(server, server.create_workspace("other"))


@pytest.fixture
def shapes(pg):
    """A dataset "shapes" with the four fixture PNGs at the root, plus
    shapes-multi.png again under /val."""
    ds = pg.create_dataset("shapes", classes=[{"name": "thing", "type": "polygon"}])
    images = {}
    for name in ("shapes-rect.png", "shapes-circle.png", "shapes-multi.png", "shapes-alpha.png"):
        images[name] = pg.upload("shapes", name, (FIXTURES / "images" / name).read_bytes())
    images["val/shapes-multi.png"] = pg.upload("shapes", "shapes-multi.png",
                                               (FIXTURES / "images" / "shapes-multi.png").read_bytes(),
                                               directory_path="/val")
    return {"dataset": ds, "images": images}
