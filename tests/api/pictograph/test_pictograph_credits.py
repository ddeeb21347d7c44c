"""Credits (spec §4 402, §5.5, §6.6, §10.3; guide "Cost"): balance, estimate,
history; image sessions (3 credits to open, 1 per further prompt, closed after
300 s idle on the virtual clock); 402 with the amount required; nothing charged
or written on failure; Idempotency-Key replays without a second charge; the
control plane sets the balance exactly."""
import uuid

import pytest

from conftest import FIXTURES
from pictograph.pg_client import assert_pg_error, field_errors

CREDIT = 10_000
START = 1000 * CREDIT


def test_balance_shape(pg):
    r = pg.get("/credits/balance")
    assert r.status_code == 200
    b = r.json()
    assert b["included_allowance_micro_usd"] == START
    assert b["included_remaining_micro_usd"] == START
    assert b["credits_remaining"] == 1000 and b["credits_monthly_allowance"] == 1000
    assert b["period_spend_micro_usd"] == 0 and b["recent_history"] == []
    for k in ("budget_micro_usd", "period_overage_micro_usd", "budget_remaining_micro_usd"):
        assert b[k] == 0
    assert b["period_start"].endswith("Z") and b["credits_reset_at"].endswith("Z")


@pytest.mark.parametrize("op,unit,per", [
    ("training_a10g", "minute", 100_000), ("training_a100", "minute", 300_000), ("training_h100", "minute", 500_000),
    ("sam3_auto_annotation", "minute", 50_000), ("sam3_per_minute", "minute", 50_000),
    ("inference_t4", "minute", 10_000), ("image_edit_gemini_flash", "call", 20_000),
    ("image_generate_gemini_3_1_flash", "call", 20_000), ("image_edit_gemini_3_1_flash", "call", 20_000),
    ("sam3_image_session", "image", 30_000), ("sam3_batch_image", "image", 30_000),
])
def test_estimate(pg, op, unit, per):
    r = pg.get("/credits/estimate", params={"operation": op, "quantity": 7})
    assert r.status_code == 200, r.text
    e = r.json()
    assert (e["operation"], e["unit"], e["quantity"]) == (op, unit, 7)
    assert e["micro_usd_per_unit"] == per and e["total_micro_usd"] == 7 * per
    assert e["remaining_micro_usd"] == START and e["sufficient"] is True
    assert pg.get("/credits/estimate", params={"operation": op}).json()["quantity"] == 1


def test_estimate_errors(pg):
    pg.set_credits(5)
    e = pg.get("/credits/estimate", params={"operation": "training_h100", "quantity": 2}).json()
    assert e["sufficient"] is False and e["remaining_micro_usd"] == 5
    err = assert_pg_error(pg.get("/credits/estimate", params={"operation": "image_generate_imagen_fast"}), 400,
                          "validation_error")
    assert "image_generate_imagen_fast" in err["message"]
    assert (("query", "operation"), "missing") in field_errors(pg.get("/credits/estimate"))
    assert field_errors(pg.get("/credits/estimate", params={"operation": "inference_t4", "quantity": "1.5"}))
    assert field_errors(pg.get("/credits/estimate", params={"operation": "inference_t4", "quantity": 0}))


def test_sessions_and_history(shapes, pg, server):
    server.post("/_emulator/clock", json={"mode": "frozen"})
    base = pg.balance()
    assert pg.point("shapes", "shapes-rect.png", 50, 60).status_code == 200
    assert pg.balance() == base - 30_000
    pg.box("shapes", "shapes-rect.png", {"x": 20, "y": 30, "w": 90, "h": 70})
    pg.text("shapes", "shapes-rect.png", "white")
    assert pg.balance() == base - 50_000
    pg.point("shapes", "shapes-circle.png", 128, 96)        # another image: a new session
    assert pg.balance() == base - 80_000
    server.post("/_emulator/clock/advance", json={"ms": 299_000})
    pg.point("shapes", "shapes-rect.png", 50, 60)            # still open (idle < 300 s)
    assert pg.balance() == base - 90_000
    server.post("/_emulator/clock/advance", json={"ms": 300_000})
    pg.point("shapes", "shapes-rect.png", 50, 60)            # idle 300 s: closed, reopened
    assert pg.balance() == base - 120_000

    r = pg.get("/credits/history", params={"limit": 2})
    h = r.json()
    assert h["pagination"] == {"limit": 2, "offset": 0, "total": 6, "has_more": True}
    newest = h["entries"][0]
    assert newest["operation"] == "sam3_image_session" and newest["amount"] == -30_000
    assert newest["balance_after"] == base - 120_000
    assert newest["metadata"]["image_id"] == shapes["images"]["shapes-rect.png"]["id"]
    assert newest["metadata"]["prompt"] == "point"
    all_entries = pg.get("/credits/history", params={"limit": 50}).json()["entries"]
    assert [e["amount"] for e in all_entries] == [-30_000, -10_000, -30_000, -10_000, -10_000, -30_000]
    assert [e["operation"] for e in all_entries][:2] == ["sam3_image_session", "sam3_prompt"]
    bal = pg.get("/credits/balance").json()
    assert bal["period_spend_micro_usd"] == 120_000
    assert [e["id"] for e in bal["recent_history"]] == [e["id"] for e in all_entries]
    assert pg.get("/credits/history", params={"offset": 6}).json()["entries"] == []
    # statuses other than success are charged too
    before = pg.balance()
    assert pg.point("shapes", "shapes-rect.png", 900, 900).json()["status"] == "no_detection"
    assert pg.balance() == before - 10_000


def test_402_charges_and_writes_nothing(shapes, pg):
    pg.set_credits(20_000)
    hist = pg.get("/credits/history").json()["pagination"]["total"]
    err = assert_pg_error(pg.point("shapes", "shapes-rect.png", 50, 60), 402, "insufficient_credits")
    d = err["details"]
    assert d["required_micro_usd"] == 30_000 and d["required"] == 30_000
    assert d["remaining_micro_usd"] == 20_000 and d["unit"] == "micro_usd" and d["upgrade_url"]
    assert pg.balance() == 20_000
    assert pg.get("/credits/history").json()["pagination"]["total"] == hist
    # no session was opened either: the next prompt still needs the session price
    assert_pg_error(pg.box("shapes", "shapes-rect.png", {"x": 0, "y": 0, "w": 50, "h": 50}), 402)
    pg.set_credits(30_000)
    assert pg.point("shapes", "shapes-rect.png", 50, 60).status_code == 200
    assert pg.balance() == 0
    # an open session and no money: a real 0 is kept in the 402
    err = assert_pg_error(pg.point("shapes", "shapes-rect.png", 50, 60), 402)
    assert err["details"]["remaining_micro_usd"] == 0 and err["details"]["required_micro_usd"] == 10_000
    pg.set_credits(10_000)
    assert pg.point("shapes", "shapes-rect.png", 50, 60).status_code == 200
    assert pg.balance() == 0


def test_rejected_requests_are_free(shapes, pg):
    before = pg.balance()
    field_errors(pg.point("shapes", "shapes-rect.png", "x", 1))
    assert_pg_error(pg.point("shapes", "missing.png", 1, 1), 404)
    assert_pg_error(pg.point("missing", "shapes-rect.png", 1, 1), 404)
    assert pg.balance() == before
    assert pg.get("/credits/history").json()["entries"] == []


def test_idempotency_key_replays_without_second_charge(shapes, pg):
    key = uuid.uuid4().hex
    body = {"dataset_name": "shapes", "image_filename": "shapes-multi.png", "x": 70, "y": 50}
    before = pg.balance()
    r1 = pg.post("/auto-annotate/sam3/point", json=body, headers={"Idempotency-Key": key})
    r2 = pg.post("/auto-annotate/sam3/point", json=body, headers={"Idempotency-Key": key})
    assert r1.status_code == r2.status_code == 200
    assert r1.content == r2.content
    assert r2.headers.get("Idempotent-Replayed") == "true"
    assert pg.balance() == before - 30_000
    # the key with another request is refused
    r3 = pg.post("/auto-annotate/sam3/point", json=dict(body, x=71), headers={"Idempotency-Key": key})
    assert_pg_error(r3, 422, "validation_error")
    # no key: no dedupe
    pg.post("/auto-annotate/sam3/point", json=body, idem=False)
    pg.post("/auto-annotate/sam3/point", json=body, idem=False)
    assert pg.balance() == before - 50_000
    # an error is not stored: the same key runs for real once the cause is gone
    k2 = uuid.uuid4().hex
    pg.set_credits(0)
    assert_pg_error(pg.post("/auto-annotate/sam3/point", json=body, headers={"Idempotency-Key": k2}), 402)
    pg.set_credits(10_000)
    assert pg.post("/auto-annotate/sam3/point", json=body, headers={"Idempotency-Key": k2}).status_code == 200
    assert pg.balance() == 0
    assert_pg_error(pg.post("/auto-annotate/sam3/point", json=body, headers={"Idempotency-Key": "has space"}), 400)


def test_idempotency_window_is_24h(shapes, pg, server):
    server.post("/_emulator/clock", json={"mode": "frozen"})
    key = uuid.uuid4().hex
    body = {"name": "again"}
    assert pg.post("/datasets/", json=body, headers={"Idempotency-Key": key}).status_code == 201
    r = pg.post("/datasets/", json=body, headers={"Idempotency-Key": key})
    assert r.status_code == 201 and r.headers.get("Idempotent-Replayed") == "true"
    server.post("/_emulator/clock/advance", json={"ms": 24 * 3600 * 1000 + 1})
    assert_pg_error(pg.post("/datasets/", json=body, headers={"Idempotency-Key": key}), 409, "conflict")


def test_idempotency_is_per_workspace(shapes, pg, other):
    key = uuid.uuid4().hex
    assert pg.post("/datasets/", json={"name": "k"}, headers={"Idempotency-Key": key}).status_code == 201
    r = other.post("/datasets/", json={"name": "k"}, headers={"Idempotency-Key": key})
    assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    assert r.json()["data"]["organization_id"] == other.ws["id"]


def test_control_plane_credits(pg, server):
    r = server.put(f"/_emulator/workspaces/{pg.ws['id']}/credits", json={"micro_usd": 1234})
    assert r.status_code == 200 and r.json() == {"micro_usd": 1234}
    assert pg.balance() == 1234
    assert server.put("/_emulator/workspaces/" + str(uuid.uuid4()) + "/credits",
                      json={"micro_usd": 1}).status_code == 404
    assert server.put(f"/_emulator/workspaces/{pg.ws['id']}/credits", json={"micro_usd": -1}).status_code == 400
    assert server.put(f"/_emulator/workspaces/{pg.ws['id']}/credits", json={"credits": 1}).status_code == 400
    assert server.put(f"/_emulator/workspaces/{pg.ws['id']}/credits", json={}).status_code == 400
    # a workspace reset restores the starting allowance
    assert server.post(f"/_emulator/workspaces/{pg.ws['id']}/reset", json={}).status_code == 204
    assert pg.balance() == START


def test_demo_workspace_has_credits(demo_server):
    from conftest import DEMO
    from pictograph.pg_client import PG
    pg = PG(demo_server, DEMO)
    assert pg.balance() == START
    r = pg.point("demo-shapes", "shapes-rect.png", 50, 60)
    assert r.status_code == 200 and r.json()["status"] == "success", r.text
    assert FIXTURES.exists()


def test_concurrent_retries_charge_once(shapes, pg, server):
    from concurrent.futures import ThreadPoolExecutor

    import requests
    key = uuid.uuid4().hex
    body = {"dataset_name": "shapes", "image_filename": "shapes-circle.png", "x": 128, "y": 96}
    before = pg.balance()

    def one(_):
        with requests.Session() as s:
            return s.post(server.url("/api/v1/developer/auto-annotate/sam3/point"), json=body,
                          headers={"X-API-Key": pg.key, "Idempotency-Key": key})

    with ThreadPoolExecutor(8) as ex:
        got = list(ex.map(one, range(8)))
    assert all(r.status_code == 200 for r in got), [r.text for r in got]
    assert len({r.content for r in got}) == 1
    assert pg.balance() == before - 30_000
    assert pg.get("/credits/history").json()["pagination"]["total"] == 1
