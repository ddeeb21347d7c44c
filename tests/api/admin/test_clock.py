"""The virtual clock: get, freeze, set, advance."""
import time

import pytest

from conftest import assert_error

T0 = 1700000000000


def clock(server):
    r = server.get("/_emulator/clock")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"mode", "now"}
    assert body["mode"] in ("real", "frozen")
    assert isinstance(body["now"], int)
    return body


def set_clock(server, body):
    r = server.post("/_emulator/clock", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert set(out) == {"mode", "now"}
    return out


def advance(server, ms):
    r = server.post("/_emulator/clock/advance", json={"ms": ms})
    assert r.status_code == 200, r.text
    out = r.json()
    assert set(out) == {"mode", "now"}
    return out


def test_default_is_real_time(server):
    c = clock(server)
    assert c["mode"] == "real"
    assert abs(c["now"] - time.time() * 1000) < 5000
    time.sleep(0.05)
    assert clock(server)["now"] >= c["now"] + 40


def test_freeze_at_instant(server):
    assert set_clock(server, {"mode": "frozen", "now": T0}) == {"mode": "frozen", "now": T0}
    time.sleep(0.1)
    assert clock(server) == {"mode": "frozen", "now": T0}


def test_freeze_without_now_keeps_current_time(server):
    before = time.time() * 1000
    out = set_clock(server, {"mode": "frozen"})
    assert out["mode"] == "frozen"
    assert before - 1000 <= out["now"] <= time.time() * 1000 + 1000
    time.sleep(0.05)
    assert clock(server) == out


def test_advance_frozen(server):
    set_clock(server, {"mode": "frozen", "now": T0})
    assert advance(server, 5000) == {"mode": "frozen", "now": T0 + 5000}
    assert clock(server) == {"mode": "frozen", "now": T0 + 5000}
    assert advance(server, 1) == {"mode": "frozen", "now": T0 + 5001}
    assert advance(server, 0) == {"mode": "frozen", "now": T0 + 5001}


def test_set_now_while_frozen(server):
    set_clock(server, {"mode": "frozen", "now": T0})
    assert set_clock(server, {"now": T0 - 1000}) == {"mode": "frozen", "now": T0 - 1000}  # mode kept; may go back


def test_real_resumes_from_frozen_instant(server):
    set_clock(server, {"mode": "frozen", "now": T0})
    advance(server, 5000)
    out = set_clock(server, {"mode": "real"})
    assert out["mode"] == "real"
    assert T0 + 5000 <= out["now"] < T0 + 5000 + 2000
    time.sleep(0.1)
    c = clock(server)
    assert c["mode"] == "real"
    assert T0 + 5000 + 80 <= c["now"] < T0 + 5000 + 10_000


def test_real_at_instant_then_runs(server):
    out = set_clock(server, {"mode": "real", "now": T0})
    assert out["mode"] == "real" and T0 <= out["now"] < T0 + 2000
    time.sleep(0.05)
    assert clock(server)["now"] >= T0 + 40


def test_back_to_wall_clock(server):
    set_clock(server, {"mode": "frozen", "now": T0})
    wall = int(time.time() * 1000)
    out = set_clock(server, {"mode": "real", "now": wall})
    assert abs(out["now"] - time.time() * 1000) < 2000


def test_advance_in_real_mode(server):
    c = clock(server)
    out = advance(server, 3_600_000)
    assert out["mode"] == "real"
    assert c["now"] + 3_600_000 <= out["now"] < c["now"] + 3_600_000 + 5000


def test_workspace_created_at_follows_frozen_clock(server):
    set_clock(server, {"mode": "frozen", "now": T0})
    ws = server.create_workspace("frozen")
    assert ws["createdAt"] == T0
    advance(server, 1234)
    assert server.create_workspace("later")["createdAt"] == T0 + 1234
    assert [i["createdAt"] for i in server.get("/_emulator/workspaces").json()["items"]] == [T0, T0 + 1234]


@pytest.mark.parametrize("body", [
    {"ms": -1}, {}, {"ms": None}, {"ms": "5"}, {"ms": 1.5}, {"ms": True}, {"ms": 5, "extra": 1},
    {"ms": 3153600000001},
])
def test_advance_bad_body(server, body):
    before = clock(server)
    assert_error(server.post("/_emulator/clock/advance", json=body), 400, "validation_error")
    assert clock(server)["mode"] == before["mode"] == "real"


@pytest.mark.parametrize("body", [
    {"mode": "x"}, {"mode": "FROZEN"}, {"mode": 1}, {"mode": "frozen", "now": -1}, {"mode": "frozen", "now": "1"},
    {"mode": "frozen", "now": 1.5}, {"mode": "frozen", "now": 253402300800000}, {"mode": "frozen", "extra": 1},
    {"speed": 2},
])
def test_set_bad_body(server, body):
    assert_error(server.post("/_emulator/clock", json=body), 400, "validation_error")
    assert clock(server)["mode"] == "real"


def test_unknown_field_is_named(server):
    err = assert_error(server.post("/_emulator/clock", json={"mode": "frozen", "tz": "UTC"}), 400)
    assert "tz" in err["message"]
    err = assert_error(server.post("/_emulator/clock/advance", json={"ms": 1, "seconds": 1}), 400)
    assert "seconds" in err["message"]


def test_clock_wrong_content_type(server):
    assert_error(server.post("/_emulator/clock", data=b'{"mode":"frozen"}', headers={"Content-Type": "text/plain"}),
                 415)


def test_integers_beyond_64_bits(server):
    assert_error(server.post("/_emulator/clock/advance", json={"ms": 10 ** 20}), 400)
    assert_error(server.post("/_emulator/clock", json={"mode": "frozen", "now": 10 ** 19}), 400)
    assert clock(server)["mode"] == "real"


def test_limits_accepted(server):
    assert set_clock(server, {"mode": "frozen", "now": 0}) == {"mode": "frozen", "now": 0}
    assert advance(server, 3153600000000)["now"] == 3153600000000
    assert set_clock(server, {"now": 253402300799999})["now"] == 253402300799999
