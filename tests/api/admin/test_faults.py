"""Fault rules (/_emulator/faults): matching, firing policies, dialect error shapes.

Faults apply to matched vendor routes after authentication (never to the control
plane). The transfer-URL routes (/_blob/...) exist in every build and answer 404 for
an unknown token, which makes them a convenient target here; the dialect suites
test faults on their own routes."""
import time

import requests

TOKEN = "A" * 48
BLOB = f"/_blob/vi/{TOKEN}"


def add(server, **rule):
    r = server.post("/_emulator/faults", json=rule)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["fired"] == 0 and isinstance(body["id"], str)
    for k, v in rule.items():
        assert body[k] == v
    return body


def statuses(server, n, path=BLOB):
    return [server.get(path).status_code for _ in range(n)]


def test_times_fails_the_next_n_then_recovers(server):
    rule = add(server, dialect="blob", status=503, times=2, retry_after=3)
    first = server.get(BLOB)
    assert first.status_code == 503
    assert first.headers["Retry-After"] == "3"
    assert first.json()["error"]["code"] == "unavailable"
    assert statuses(server, 2) == [503, 404]
    items = server.get("/_emulator/faults").json()["items"]
    assert [(i["id"], i["fired"], i["matched"]) for i in items] == [(rule["id"], 2, 3)]


def test_nth_fails_only_that_call(server):
    add(server, route="/_blob/*/*", status=500, nth=3)
    assert statuses(server, 5) == [404, 404, 500, 404, 404]


def test_rate_with_seed_is_reproducible(make_server):
    runs = []
    for i in range(2):
        srv = make_server(name=f"rate{i}")
        add(srv, dialect="blob", status=502, rate=0.5, seed=42)
        runs.append(statuses(srv, 40))
    assert runs[0] == runs[1]
    assert 5 < runs[0].count(502) < 35  # a fraction, not all or nothing


def test_method_and_route_must_match(server):
    add(server, method="put", route="/_blob/vi/**", status=409)
    assert server.get(BLOB).status_code == 404           # GET: not matched
    assert server.put(BLOB, data=b"x").status_code == 409
    assert server.get(f"/_blob/labelbox/{TOKEN}").status_code == 404


def test_quota_window_answers_429_with_retry_after(server):
    server.post("/_emulator/clock", json={"mode": "frozen", "now": 1_700_000_000_000})
    add(server, dialect="blob", quota=2, window_ms=10_000)
    assert statuses(server, 2) == [404, 404]
    r = server.get(BLOB)
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "10"
    server.post("/_emulator/clock/advance", json={"ms": 4000})
    assert server.get(BLOB).headers["Retry-After"] == "6"
    server.post("/_emulator/clock/advance", json={"ms": 6000})
    assert statuses(server, 2) == [404, 404]


def test_latency_is_added(server):
    add(server, dialect="blob", latency_ms=300, times=1)
    t0 = time.monotonic()
    assert server.get(BLOB).status_code == 404
    assert time.monotonic() - t0 >= 0.3


def test_reset_connection_drops_without_answer(server):
    add(server, dialect="blob", reset_connection=True, times=1)
    try:
        server.get(BLOB)
        raised = False
    except requests.ConnectionError:
        raised = True
    assert raised
    assert server.get(BLOB).status_code == 404
    assert server.get("/_emulator/health").status_code == 200


def test_control_plane_is_never_faulted(server):
    add(server, status=503)  # no dialect: every vendor route
    assert server.get("/_emulator/health").status_code == 200
    assert server.get("/_emulator/faults").status_code == 200
    assert server.get(BLOB).status_code == 503


def test_delete_and_clear(server):
    a = add(server, dialect="blob", status=500)
    add(server, dialect="vi", status=500)
    assert server.delete(f"/_emulator/faults/{a['id']}").status_code == 204
    assert server.delete(f"/_emulator/faults/{a['id']}").status_code == 404
    assert len(server.get("/_emulator/faults").json()["items"]) == 1
    assert server.delete("/_emulator/faults").status_code == 204
    assert server.get("/_emulator/faults").json() == {"items": []}
    assert server.get(BLOB).status_code == 404


def test_bad_rules_are_rejected_naming_the_field(server):
    cases = [
        ({"status": 503, "bogus": 1}, "bogus"),
        ({"status": 99}, "status"),
        ({"status": "503"}, "status"),
        ({"dialect": "aws", "status": 500}, "dialect"),
        ({"route": "no-slash", "status": 500}, "route"),
        ({"rate": 1.5, "status": 500}, "rate"),
        ({"latency_ms": -1}, "latency_ms"),
        ({"quota": 5}, "window_ms"),
        ({"dialect": "vi"}, "action"),
        ({"reset_connection": "yes"}, "reset_connection"),
    ]
    for body, word in cases:
        r = server.post("/_emulator/faults", json=body)
        assert r.status_code == 400, (body, r.text)
        assert word in r.json()["error"]["message"], (body, r.text)
    assert server.get("/_emulator/faults").json() == {"items": []}


def test_next_two_pictograph_calls_503_then_the_third_succeeds(server):
    """Issue 8, "must show": a rule that fails the next two Pictograph calls with
    503 in Pictograph's error shape (with Retry-After, which the vendor's client
    honours), after which the third call succeeds untouched."""
    ws = server.create_workspace("pg-faults")
    h = {"X-API-Key": ws["keys"]["pictograph"]}
    path = "/api/v1/developer/credits/balance"
    assert server.get(path, headers=h).status_code == 200
    rule = add(server, dialect="pictograph", status=503, times=2, retry_after=1)
    for _ in range(2):
        r = server.get(path, headers=h)
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"] == "1"
        err = r.json()["error"]
        assert set(err) == {"code", "message", "details"} and err["code"] == "unavailable", r.text
    third = server.get(path, headers=h)
    assert third.status_code == 200, third.text
    assert third.json()["included_remaining_micro_usd"] >= 0
    items = server.get("/_emulator/faults").json()["items"]
    assert [(i["id"], i["fired"], i["matched"]) for i in items] == [(rule["id"], 2, 3)]


def test_workspace_match_and_uniform_latency(make_server):
    """A rule scoped to one workspace leaves the others alone; a latency range
    draws each delay from [latency_ms, latency_max_ms], reproducibly by seed."""
    srv = make_server(name="ws-latency")
    a = srv.create_workspace("a")
    b = srv.create_workspace("b")
    path = "/api/v1/developer/credits/balance"
    add(srv, workspace=a["id"], status=500)
    assert srv.get(path, headers={"X-API-Key": a["keys"]["pictograph"]}).status_code == 500
    assert srv.get(path, headers={"X-API-Key": b["keys"]["pictograph"]}).status_code == 200
    srv.delete("/_emulator/faults")
    add(srv, dialect="blob", latency_ms=50, latency_max_ms=250, seed=7)
    took = []
    for _ in range(4):
        t0 = time.monotonic()
        assert srv.get(BLOB).status_code == 404
        took.append(time.monotonic() - t0)
    assert all(0.05 <= t < 0.25 + 0.2 for t in took), took
    assert max(took) - min(took) > 0.01, took  # drawn, not fixed
