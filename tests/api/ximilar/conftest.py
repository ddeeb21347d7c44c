"""Fixtures for the Ximilar dialect tests: a fresh workspace with a client that
speaks like the vendor's SDK (base URL on "localhost"), a second workspace for
cross-tenant checks, and builders for a VLM dataset with variables."""
import pytest

from ximilar.xim_client import XimClient


@pytest.fixture
def xim(server):
    ws = server.create_workspace("ximilar-tests")
    c = XimClient.for_workspace(server, ws)
    c.ws_id = ws["id"]
    return c


@pytest.fixture
def other(server):
    ws = server.create_workspace("other")
    c = XimClient.for_workspace(server, ws)
    c.ws_id = ws["id"]
    return c


def make_grading_dataset(xim, fmt="json", template=None):
    """Prompts + dataset + the reference's two variables (grade, explain)."""
    system = xim.prompt("sys", "system", "You are a helpful assistant.")
    user = xim.prompt("user", "user", "Analyse the image of a {{category}} in {{style}} style.")
    tpl = xim.prompt("tpl", "template", template or '{"grade": {{grade}}, "explain": "{{explain}}"}', fmt)
    ds = xim.create("vlm/v2/dataset/", {"name": "My Training Dataset", "system_prompt_id": system["id"],
                                         "user_prompt_id": user["id"], "result_template_id": tpl["id"],
                                         "default_input_meta_data": {"category": "jacket"}})
    grade = xim.create("vlm/v2/variable/", {"dataset": ds["id"], "name": "grade", "type": "float", "required": True,
                                            "min_value": 0.0, "max_value": 10.0, "step_size": 0.5})
    explain = xim.create("vlm/v2/variable/", {"dataset": ds["id"], "name": "explain", "type": "string",
                                              "required": False})
    return {"system": system, "user": user, "template": tpl, "dataset": ds, "grade": grade, "explain": explain}


@pytest.fixture
def grading(xim):
    return make_grading_dataset(xim)
