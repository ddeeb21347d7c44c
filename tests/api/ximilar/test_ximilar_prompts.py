"""Prompts (/vlm/v2/prompt/): the reference's curl bodies, types and formats,
shared references (update reaches every reader, delete nulls references),
search/type filters, errors in {"detail"} shape, auth and cross-workspace."""
import pytest

BODY = {
    "name": "Product Analysis System Prompt",
    "type": "system",
    "description": "System prompt for product image analysis",
    "content": "You are a helpful assistant that analyzes product images and provides structured data about them.",
}
PROMPT_KEYS = {"id", "name", "description", "content", "type", "format", "workspace"}


def test_create_get_list_patch_delete(xim):
    p = xim.create("vlm/v2/prompt/", BODY)
    assert PROMPT_KEYS <= set(p)
    assert p["format"] is None and p["workspace"] == xim.ws_id
    assert xim.fetch(f"vlm/v2/prompt/{p['id']}/") == p
    page = xim.fetch("vlm/v2/prompt/")
    assert page["count"] == 1 and page["next"] is None and page["previous"] is None
    assert page["results"][0]["id"] == p["id"]
    # The reference's PATCH body.
    upd = xim.ok(xim.patch(f"vlm/v2/prompt/{p['id']}/", {
        "content": "You are a helpful assistant that analyzes product images. Provide structured JSON output."}), 200)
    assert upd["content"].endswith("structured JSON output.") and upd["name"] == BODY["name"]
    # PUT is a full update.
    put = xim.ok(xim.put(f"vlm/v2/prompt/{p['id']}/", {"name": "renamed", "type": "system"}), 200)
    assert put["name"] == "renamed" and put["content"] is None and put["description"] is None
    r = xim.delete(f"vlm/v2/prompt/{p['id']}/")
    assert r.status_code == 204 and r.content == b""
    xim.error(xim.get(f"vlm/v2/prompt/{p['id']}/"), 404, "Not found.")
    xim.error(xim.delete(f"vlm/v2/prompt/{p['id']}/"), 404)


def test_types_formats_and_filters(xim):
    for t in ("system", "user", "template"):
        for f in (None, "json", "yaml", "xml", "csv"):
            body = {"name": f"{t}-{f}", "type": t}
            if f:
                body["format"] = f
            assert xim.create("vlm/v2/prompt/", body)["format"] == f
    assert xim.fetch("vlm/v2/prompt/?type=template")["count"] == 5
    assert xim.fetch("vlm/v2/prompt/", )["count"] == 15
    assert [p["name"] for p in xim.all("vlm/v2/prompt/", {"search": "user-j"})] == ["user-json"]
    assert xim.fetch("vlm/v2/prompt/?search=USER")["count"] == 5  # case-insensitive, like DRF's search
    xim.error(xim.get("vlm/v2/prompt/", params={"type": "assistant"}), 400, "type")


@pytest.mark.parametrize("body,field", [
    ({"type": "system"}, "name"),
    ({"name": "x"}, "type"),
    ({"name": "x", "type": "assistant"}, "type"),
    ({"name": "x", "type": "user", "format": "toml"}, "format"),
    ({"name": 5, "type": "user"}, "name"),
    ({"name": "x", "type": "user", "bogus": 1}, "bogus"),
    ({"name": "", "type": "user"}, "name"),
])
def test_create_validation(xim, body, field):
    err = xim.error(xim.post("vlm/v2/prompt/", body), 400)
    assert field in err["errors"] and err["detail"].startswith(field)


def test_type_cannot_change(xim):
    p = xim.create("vlm/v2/prompt/", {"name": "u", "type": "user"})
    xim.error(xim.patch(f"vlm/v2/prompt/{p['id']}/", {"type": "system"}), 400, "type")
    assert xim.ok(xim.patch(f"vlm/v2/prompt/{p['id']}/", {"type": "user", "format": "yaml"}), 200)["format"] == "yaml"


def test_shared_reference_update_and_delete(xim):
    sys_p = xim.create("vlm/v2/prompt/", {"name": "s", "type": "system", "content": "v1"})
    user_p = xim.create("vlm/v2/prompt/", {"name": "u", "type": "user", "content": "look"})
    tpl = xim.create("vlm/v2/prompt/", {"name": "t", "type": "template", "content": "{{a}}", "format": "json"})
    ds = xim.create("vlm/v2/dataset/", {"name": "d", "system_prompt_id": sys_p["id"], "user_prompt_id": user_p["id"],
                                         "result_template_id": tpl["id"]})
    task = xim.create("vlm/v2/task/", {"name": "t", "system_prompt_id": sys_p["id"], "user_prompt_id": user_p["id"]})
    assert ds["system_prompt"] == "v1" and task["system_prompt"] == "v1" and ds["result_format"] == "json"
    xim.ok(xim.patch(f"vlm/v2/prompt/{sys_p['id']}/", {"content": "v2"}), 200)
    xim.ok(xim.patch(f"vlm/v2/prompt/{tpl['id']}/", {"format": "yaml"}), 200)
    ds2 = xim.fetch(f"vlm/v2/dataset/{ds['id']}/")
    assert ds2["system_prompt"] == "v2" and ds2["result_format"] == "yaml"
    assert xim.fetch(f"vlm/v2/task/{task['id']}/")["system_prompt"] == "v2"
    assert xim.delete(f"vlm/v2/prompt/{sys_p['id']}/").status_code == 204
    assert xim.delete(f"vlm/v2/prompt/{tpl['id']}/").status_code == 204
    ds3 = xim.fetch(f"vlm/v2/dataset/{ds['id']}/")
    t3 = xim.fetch(f"vlm/v2/task/{task['id']}/")
    assert ds3["system_prompt_id"] is None and ds3["system_prompt"] is None
    assert ds3["result_template_id"] is None and ds3["result_template"] is None and ds3["result_format"] is None
    assert t3["system_prompt_id"] is None and t3["system_prompt"] is None
    assert t3["user_prompt"] == "look"


def test_auth_and_cross_workspace(xim, other):
    p = xim.create("vlm/v2/prompt/", {"name": "mine", "type": "user"})
    for r in (other.get(f"vlm/v2/prompt/{p['id']}/"), other.patch(f"vlm/v2/prompt/{p['id']}/", {"name": "x"}),
              other.delete(f"vlm/v2/prompt/{p['id']}/")):
        xim.error(r, 404, "Not found.")
    assert other.fetch("vlm/v2/prompt/")["count"] == 0
    # The other workspace's uuid as ?workspace= / "workspace" answers 404 too.
    xim.error(xim.get("vlm/v2/prompt/", params={"workspace": other.ws_id}), 404)
    xim.error(xim.post("vlm/v2/prompt/", {"name": "x", "type": "user", "workspace": other.ws_id}), 404)
    xim.error(xim.get("vlm/v2/prompt/", params={"workspace": "not-a-uuid"}), 400, "workspace")
    bad = xim.http.get(xim.url("vlm/v2/prompt/"), headers={"Authorization": "Token nope"})
    assert bad.status_code == 401 and bad.json() == {"detail": "Invalid token."}
    assert xim.http.get(xim.url("vlm/v2/prompt/")).status_code == 401
