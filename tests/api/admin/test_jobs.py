"""Durable jobs: the workspace.purge job and clock-driven settling."""
import json
import re
import time
import uuid

import pytest

from conftest import assert_error, count_rows, insert_rows

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
JOB_KEYS = {"id", "workspace", "type", "state", "payload", "result", "error", "progress", "total", "attempts",
            "runAt", "createdAt", "updatedAt"}
T0 = 1700000000000


def check_job_shape(j):
    assert set(j) == JOB_KEYS, j
    assert UUID_RE.match(j["id"])
    assert j["state"] in ("queued", "running", "succeeded", "failed", "cancelled")
    for k in ("progress", "total", "attempts", "runAt", "createdAt", "updatedAt"):
        assert isinstance(j[k], int), k
    assert j["workspace"] is None or isinstance(j["workspace"], str)
    assert j["error"] is None or isinstance(j["error"], str)


def insert_job(server, *, type_="workspace.purge", payload=None, run_at, state="queued"):
    job_id = str(uuid.uuid4())
    with server.db() as conn:
        conn.execute("INSERT INTO jobs(id, type, state, payload, run_at, created_at, updated_at)"
                     " VALUES (?,?,?,?,?,?,?)",
                     (job_id, type_, state, json.dumps(payload or {}), run_at, run_at, run_at))
    return job_id


def test_delete_queues_purge_job(server):
    ws = server.create_workspace("w")
    insert_rows(server.db_path, ws["id"], 1200)
    r = server.delete(f"/_emulator/workspaces/{ws['id']}")
    assert r.status_code == 204
    job_id = r.headers["X-Purge-Job"]
    assert UUID_RE.match(job_id)

    listed = server.get("/_emulator/jobs")
    assert listed.status_code == 200
    assert set(listed.json()) == {"items"}
    items = listed.json()["items"]
    assert [j["id"] for j in items] == [job_id]
    check_job_shape(items[0])
    assert items[0]["type"] == "workspace.purge"
    assert items[0]["payload"] == {"workspace": ws["id"]}

    j = server.wait_job(job_id)
    check_job_shape(j)
    assert j["state"] == "succeeded", j
    assert j["attempts"] == 1
    assert j["error"] is None
    # 1200 annotations + asset + dataset + workspace + blob
    assert j["result"] == {"workspace": ws["id"], "rowsRemoved": 1204}
    assert j["progress"] == 1204
    for table in ("annotations", "assets", "datasets", "workspaces", "api_keys", "blobs"):
        assert count_rows(server.db_path, table) == 0, table


def test_purge_leaves_other_workspaces_alone(server):
    keep = server.create_workspace("keep")
    gone = server.create_workspace("gone")
    shared = b"shared-bytes"
    insert_rows(server.db_path, keep["id"], 700, blob=shared)
    insert_rows(server.db_path, gone["id"], 900, blob=shared)
    server.wait_job(server.delete(f"/_emulator/workspaces/{gone['id']}").headers["X-Purge-Job"])
    assert count_rows(server.db_path, "annotations") == count_rows(server.db_path, "annotations", keep["id"]) == 700
    assert count_rows(server.db_path, "assets") == 1
    assert count_rows(server.db_path, "blobs") == 1  # still used by keep
    assert count_rows(server.db_path, "api_keys", keep["id"]) == 4
    assert server.workspace_ids() == [keep["id"]]


def test_get_job(server):
    ws = server.create_workspace("w")
    job_id = server.delete(f"/_emulator/workspaces/{ws['id']}").headers["X-Purge-Job"]
    r = server.get(f"/_emulator/jobs/{job_id}")
    assert r.status_code == 200
    check_job_shape(r.json())
    assert r.json()["id"] == job_id


def test_get_unknown_job_is_404(server):
    assert_error(server.get(f"/_emulator/jobs/{uuid.uuid4()}"), 404, "not_found")


def test_list_newest_first_and_limit(server):
    server.post("/_emulator/clock", json={"mode": "frozen", "now": T0})
    ids = []
    for i in range(3):
        ws = server.create_workspace(f"w{i}")
        ids.append(server.delete(f"/_emulator/workspaces/{ws['id']}").headers["X-Purge-Job"])
        server.post("/_emulator/clock/advance", json={"ms": 10})
    items = server.get("/_emulator/jobs").json()["items"]
    assert [j["id"] for j in items] == ids[::-1]
    assert [j["createdAt"] for j in items] == [T0 + 20, T0 + 10, T0]
    assert [j["id"] for j in server.get("/_emulator/jobs?limit=2").json()["items"]] == ids[:0:-1]


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "abc"])
def test_list_bad_limit(server, limit):
    assert_error(server.get(f"/_emulator/jobs?limit={limit}"), 400, "validation_error")


def test_advance_returns_after_purge_finished(server):
    ws = server.create_workspace("big")
    insert_rows(server.db_path, ws["id"], 60_000)
    server.post("/_emulator/clock", json={"mode": "frozen", "now": T0})
    job_id = server.delete(f"/_emulator/workspaces/{ws['id']}").headers["X-Purge-Job"]
    r = server.post("/_emulator/clock/advance", json={"ms": 1})
    assert r.status_code == 200
    assert r.json() == {"mode": "frozen", "now": T0 + 1}
    j = server.job(job_id)
    assert j["state"] == "succeeded", j
    assert j["result"]["rowsRemoved"] == 60_004
    assert count_rows(server.db_path, "annotations") == 0


def test_advance_runs_only_what_became_due(server):
    server.post("/_emulator/clock", json={"mode": "frozen", "now": T0})
    later = insert_job(server, payload={"workspace": str(uuid.uuid4())}, run_at=T0 + 10_000)
    assert server.post("/_emulator/clock/advance", json={"ms": 5_000}).status_code == 200
    j = server.job(later)
    assert (j["state"], j["attempts"]) == ("queued", 0)
    assert server.post("/_emulator/clock/advance", json={"ms": 5_000}).status_code == 200
    j = server.job(later)
    assert j["state"] == "succeeded", j
    assert j["attempts"] == 1
    assert j["result"]["rowsRemoved"] == 0


def test_set_clock_runs_due_jobs(server):
    server.post("/_emulator/clock", json={"mode": "frozen", "now": T0})
    later = insert_job(server, payload={"workspace": "x"}, run_at=T0 + 60_000)
    assert server.post("/_emulator/clock", json={"now": T0 + 60_000}).status_code == 200
    assert server.job(later)["state"] == "succeeded"


def test_unknown_job_type_fails(server):
    server.post("/_emulator/clock", json={"mode": "frozen", "now": T0})
    job_id = insert_job(server, type_="no.such.type", run_at=T0)
    server.post("/_emulator/clock/advance", json={"ms": 1})
    j = server.job(job_id)
    assert j["state"] == "failed"
    assert j["error"] == "unknown job type"


def test_purge_without_workspace_in_payload_fails(server):
    server.post("/_emulator/clock", json={"mode": "frozen", "now": T0})
    job_id = insert_job(server, payload={}, run_at=T0)
    server.post("/_emulator/clock/advance", json={"ms": 1})
    j = server.job(job_id)
    assert j["state"] == "failed"
    assert "workspace" in j["error"]


def test_queued_job_survives_restart(server):
    server.post("/_emulator/clock", json={"mode": "frozen", "now": T0})
    job_id = insert_job(server, payload={"workspace": "x"}, run_at=T0 + 10 ** 12)  # far in the future
    server.restart()
    j = server.job(job_id)
    assert (j["state"], j["attempts"]) == ("queued", 0)
