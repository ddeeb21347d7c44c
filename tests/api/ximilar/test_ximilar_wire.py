"""Wire behaviour the vendor's client depends on (spec §1-§6, trap checklist):
trailing slashes and no redirects, Token/JWT schemes, the workspace parameter,
DRF pagination with absolute `next` links that keep filters and workspace,
empty POST bodies, \\u escapes with surrogate pairs, 405/413/415/400 in the
{"detail"} shape, authorize and account calls."""
import json
from urllib.parse import parse_qs, urlparse

import requests

from ximilar.xim_client import XimClient


def test_trailing_slash_both_ways_and_no_redirect(xim):
    p = xim.create("vlm/v2/prompt/", {"name": "a", "type": "user"})
    for path in (f"/vlm/v2/prompt/{p['id']}", f"/vlm/v2/prompt/{p['id']}/"):
        r = xim.http.get(f"http://localhost:{xim.server.port}{path}", headers=xim.headers(), allow_redirects=False)
        assert r.status_code == 200 and r.json()["id"] == p["id"]
    # DELETE keeps the slash (urljoin); the other verbs strip it.
    r = xim.http.delete(f"http://localhost:{xim.server.port}/vlm/v2/prompt/{p['id']}/", headers=xim.headers(),
                        allow_redirects=False)
    assert r.status_code == 204
    r = xim.http.head(f"http://localhost:{xim.server.port}/vlm/v2/prompt", headers=xim.headers())
    assert r.status_code == 200


def test_token_and_jwt_schemes(xim):
    for scheme in ("Token", "JWT"):
        r = xim.http.get(xim.url("vlm/v2/task/"), headers=xim.headers(scheme))
        assert r.status_code == 200, scheme
    for hdr in ({}, {"Authorization": "Bearer " + xim.token}, {"Authorization": "Token wrong"},
                {"Authorization": "Token"}):
        r = xim.http.get(xim.url("vlm/v2/task/"), headers=hdr)
        assert r.status_code == 401 and r.json() == {"detail": "Invalid token."}


def test_workspace_parameter(xim, other):
    # Explicit workspace = the key's own: query on GET/DELETE, body on POST/PATCH.
    mine = XimClient(xim.server, xim.token, workspace=xim.ws_id)
    p = mine.create("vlm/v2/prompt/", {"name": "w", "type": "user"})
    assert p["workspace"] == xim.ws_id
    assert mine.fetch("vlm/v2/prompt/")["count"] == 1
    assert mine.ok(mine.patch(f"vlm/v2/prompt/{p['id']}/", {"name": "w2"}), 200)["name"] == "w2"
    # "Default" in the body (batch image update always sends it) = the key's workspace.
    assert xim.create("vlm/v2/prompt/", {"name": "d", "type": "user", "workspace": "Default"})["workspace"] == xim.ws_id
    # Upper-case ids are the same ids.
    assert xim.fetch(f"vlm/v2/prompt/{p['id'].upper()}/")["id"] == p["id"]
    # A workspace the key does not own: 404 like an unknown id, nothing revealed.
    foreign = XimClient(xim.server, xim.token, workspace=other.ws_id)
    xim.error(foreign.get("vlm/v2/prompt/"), 404, "Not found.")
    xim.error(foreign.post("vlm/v2/prompt/", {"name": "x", "type": "user"}), 404)
    xim.error(foreign.delete(f"vlm/v2/prompt/{p['id']}/"), 404)
    xim.error(xim.post("vlm/v2/prompt/", {"name": "x", "type": "user", "workspace": 5}), 400, "workspace")
    assert mine.delete(f"vlm/v2/prompt/{p['id']}/").status_code == 204


def test_pagination_next_previous_and_filters(xim):
    for i in range(45):
        xim.create("vlm/v2/prompt/", {"name": f"p{i:02d}", "type": "user" if i % 3 else "system"})
    first = xim.fetch("vlm/v2/prompt/?page=1")
    assert first["count"] == 45 and len(first["results"]) == 20 and first["previous"] is None
    nxt = urlparse(first["next"])
    assert first["next"].startswith(xim.base) and parse_qs(nxt.query)["page"] == ["2"]
    assert parse_qs(nxt.query)["workspace"] == [xim.ws_id]
    second = xim.ok(xim.http.get(first["next"], headers=xim.headers()), 200)
    assert second["previous"].startswith(xim.base) and len(second["results"]) == 20
    third = xim.ok(xim.http.get(second["next"], headers=xim.headers()), 200)
    assert third["next"] is None and len(third["results"]) == 5
    names = [p["name"] for p in xim.all("vlm/v2/prompt/")]
    assert names == [f"p{i:02d}" for i in range(45)]
    # Filters and page_size are kept in the links.
    f = xim.fetch("vlm/v2/prompt/?type=user&page_size=7&search=p")
    q = parse_qs(urlparse(f["next"]).query)
    assert q["type"] == ["user"] and q["page_size"] == ["7"] and q["search"] == ["p"]
    assert len(xim.all("vlm/v2/prompt/", {"type": "user", "page_size": 7})) == 30
    assert len(xim.fetch("vlm/v2/prompt/?page_size=1000")["results"]) == 45  # clamped to 100
    xim.error(xim.get("vlm/v2/prompt/?page=4"), 404, "Invalid page.")
    xim.error(xim.get("vlm/v2/prompt/?page=0"), 404, "Invalid page.")
    xim.error(xim.get("vlm/v2/prompt/?page_size=abc"), 400, "page_size")
    assert xim.fetch("vlm/v2/prompt/?page=last")["next"] is None


def test_empty_post_bodies(server, xim, grading):
    s = xim.create("vlm/v2/sample/", {"dataset": grading["dataset"]["id"]})
    url = xim.url(f"vlm/v2/sample/{s['id']}/set-test/")
    auth = {"Authorization": "Token " + xim.token}
    r = requests.post(url, headers={**auth, "Content-Type": "application/json"})  # no body, JSON type
    assert r.status_code == 200 and r.json()["test"] is True
    r = requests.post(xim.url(f"vlm/v2/sample/{s['id']}/set-untest/"), headers=auth)  # no body, no type
    assert r.status_code == 200 and r.json()["test"] is False


def test_unicode_escapes_with_surrogate_pairs(xim):
    name = "Caf\u00e9 \U0001F600 \u017elu\u0165"
    raw = json.dumps({"name": name, "type": "user", "content": "\U0001F4F7 photo"})
    assert "\\ud83d\\ude00" in raw  # what json.dumps sends
    r = xim.http.post(xim.url("vlm/v2/prompt/"), data=raw, headers=xim.headers())
    p = xim.ok(r, 201)
    assert p["name"] == name and p["content"] == "\U0001F4F7 photo"
    assert xim.fetch(f"vlm/v2/prompt/{p['id']}/")["name"] == name


def test_error_shapes_405_413_415_400(xim):
    base = f"http://localhost:{xim.server.port}"
    r = requests.put(base + "/vlm/v2/prompt", headers=xim.headers(), data="{}")
    assert r.status_code == 405 and "detail" in r.json() and "Allow" in r.headers
    big = json.dumps({"name": "x" * (1024 * 1024 + 10), "type": "user"})
    r = requests.post(base + "/vlm/v2/prompt", headers=xim.headers(), data=big)
    assert r.status_code == 413 and "detail" in r.json()
    r = requests.post(base + "/vlm/v2/prompt", headers={**xim.headers(), "Content-Type": "text/plain"},
                      data='{"name":"x","type":"user"}')
    assert r.status_code == 415 and "detail" in r.json()
    r = requests.post(base + "/vlm/v2/prompt", headers=xim.headers(), data="{not json")
    assert r.status_code == 400 and "detail" in r.json()
    r = requests.post(base + "/vlm/v2/prompt", headers=xim.headers(), data="[1, 2]")
    assert r.status_code == 400 and "detail" in r.json()
    r = requests.get(base + "/vlm/v2/nothing-here", headers=xim.headers())
    assert r.status_code == 404 and "detail" in r.json()
    r = requests.get(base + "/vlm/v2/prompt/not-a-uuid", headers=xim.headers())
    assert r.status_code == 404 and r.json() == {"detail": "Not found."}


def test_authorize_and_account(xim):
    r = xim.ok(xim.post("authorization/v2/authorize", {"service": "custom-recognition", "call_type": "authenticate"}),
               200)
    assert r["user_id"] == xim.ws_id and r["status"] == "OK" and r["service"] == "custom-recognition"
    r = requests.post(xim.url("authorization/v2/authorize"), headers={"Authorization": "Token bad",
                                                                      "Content-Type": "application/json"},
                      data='{"service":"x","call_type":"authenticate"}')
    assert r.status_code == 401 and r.json() == {"detail": "Invalid token."}
    for path in ("account/v2/user/", "account/v2/details/"):
        u = xim.fetch(path)
        assert u["default_workspace"] == xim.ws_id and u["workspaces"][0]["id"] == xim.ws_id
    ws = xim.fetch("account/v2/workspace/")
    assert ws["count"] == 1 and ws["results"][0]["id"] == xim.ws_id and ws["next"] is None


def test_demo_workspace_token(demo_server):
    from conftest import DEMO
    c = XimClient(demo_server, DEMO["keys"]["ximilar"])
    assert c.fetch("vlm/v2/prompt/")["count"] == 0
    assert c.ok(c.post("authorization/v2/authorize", {"service": "custom-recognition",
                                                      "call_type": "authenticate"}), 200)["user_id"] == DEMO["id"]
    # The demo images (uploaded as core assets) can be put into a VLM sample.
    assets = []
    with demo_server.db(readonly=True) as conn:
        assets = [r[0] for r in conn.execute("SELECT id FROM assets WHERE workspace_id=? ORDER BY rowid LIMIT 2",
                                             (DEMO["id"],))]
    ds = c.create("vlm/v2/dataset/", {"name": "demo"})
    s = c.create("vlm/v2/sample/", {"dataset": ds["id"]})
    out = c.ok(c.post(f"vlm/v2/sample/{s['id']}/add-images/", {"image_ids": assets}), 200)
    assert out["images_count"] == len(assets) == 2
    assert requests.get(out["images"][0]["thumb"], timeout=30).status_code == 200
