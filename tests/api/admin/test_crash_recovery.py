"""kill -9 in the middle of a workspace purge: the store stays consistent and the
job resumes at the next start."""
import hashlib
import time

import pytest

from conftest import db_connect, insert_rows

KEEP_BLOB = b"bytes of the workspace we keep"
GONE_BLOB = b"bytes of the workspace we purge"
BATCH = 500  # PURGE_BATCH in server/job_types.c


def snapshot_counts(conn, ws):
    q = lambda sql: conn.execute(sql, (ws,)).fetchone()[0]
    return {
        "workspaces": q("SELECT COUNT(*) FROM workspaces WHERE id=?"),
        "api_keys": q("SELECT COUNT(*) FROM api_keys WHERE workspace_id=?"),
        "datasets": q("SELECT COUNT(*) FROM datasets WHERE workspace_id=?"),
        "assets": q("SELECT COUNT(*) FROM assets WHERE workspace_id=?"),
        "annotations": q("SELECT COUNT(*) FROM annotations WHERE workspace_id=?"),
    }


def blob_count(conn, data):
    return conn.execute("SELECT COUNT(*) FROM blobs WHERE sha256=?", (hashlib.sha256(data).hexdigest(),)).fetchone()[0]


def test_purge_resumes_after_kill9(make_server):
    n = 300_000
    for attempt in range(3):
        srv = make_server(name=f"crash{attempt}")
        w1 = srv.create_workspace("keep")
        w2 = srv.create_workspace("purge")
        srv.stop()
        insert_rows(srv.db_path, w1["id"], 1000, blob=KEEP_BLOB)
        insert_rows(srv.db_path, w2["id"], n, blob=GONE_BLOB)
        conn = db_connect(srv.db_path, readonly=True)
        keep_before = snapshot_counts(conn, w1["id"])
        conn.close()
        assert keep_before == {"workspaces": 1, "api_keys": 4, "datasets": 1, "assets": 1, "annotations": 1000}
        srv.start()

        job_id = srv.delete(f"/_emulator/workspaces/{w2['id']}").headers["X-Purge-Job"]
        deadline = time.monotonic() + 30
        while True:
            j = srv.job(job_id)
            if j["state"] != "running" or j["progress"] > 0:
                break
            assert time.monotonic() < deadline, j
            time.sleep(0.002)
        srv.kill9()

        conn = db_connect(srv.db_path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            state, progress, attempts = conn.execute(
                "SELECT state, progress, attempts FROM jobs WHERE id=?", (job_id,)).fetchone()
            left = conn.execute("SELECT COUNT(*) FROM annotations WHERE workspace_id=?", (w2["id"],)).fetchone()[0]
            keep_after = snapshot_counts(conn, w1["id"])
            keep_blob = blob_count(conn, KEEP_BLOB)
        finally:
            conn.close()
        if state != "running" or not 0 < progress < n or left == 0:
            print(f"purge of {n} rows finished before the kill (state {state}, progress {progress}); retrying")
            n *= 2
            continue
        break
    else:
        pytest.fail("could not kill the server in the middle of the purge job")

    print(f"killed mid-purge: progress {progress} of {n} rows, {left} left, attempts {attempts}")
    assert attempts == 1
    deleted = n - left
    assert progress <= deleted <= progress + BATCH, (progress, deleted)  # each batch commits on its own
    assert keep_after == keep_before
    assert keep_blob == 1

    srv.start()
    j = srv.wait_job(job_id, timeout=120)
    assert j["state"] == "succeeded", j
    assert j["attempts"] >= 2, j  # resumed, not restarted from scratch by a new job
    assert n - BATCH <= j["result"]["rowsRemoved"] <= n + 4, j
    assert "recovered 1 job" in srv.stderr()

    conn = db_connect(srv.db_path, readonly=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert snapshot_counts(conn, w2["id"]) == dict.fromkeys(keep_before, 0)
        assert blob_count(conn, GONE_BLOB) == 0
        assert snapshot_counts(conn, w1["id"]) == keep_before
        assert blob_count(conn, KEEP_BLOB) == 1
    finally:
        conn.close()
    assert srv.workspace_ids() == [w1["id"]]
    assert srv.get(f"/_emulator/workspaces/{w1['id']}").json() == w1
    assert srv.get(f"/_emulator/workspaces/{w2['id']}").status_code == 404


def test_kill9_while_idle_loses_nothing(server):
    ws = server.create_workspace("w")
    server.post("/_emulator/snapshots", json={"name": "s"})
    server.kill9()
    server.start()
    assert server.get(f"/_emulator/workspaces/{ws['id']}").json() == ws
    assert [i["name"] for i in server.get("/_emulator/snapshots").json()["items"]] == ["s"]
    with server.db(readonly=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sigterm_mid_purge_stops_between_batches(make_server):
    """SIGTERM must not wait for a long job to run to its end: the purge is
    resumable, so the worker should stop after the batch in hand (a big
    workspace would otherwise hold shutdown for minutes, past any stop grace)."""
    n = 300_000
    srv = make_server(name="term")
    ws = srv.create_workspace("big")
    srv.stop()
    insert_rows(srv.db_path, ws["id"], n)
    srv.start()
    job_id = srv.delete(f"/_emulator/workspaces/{ws['id']}").headers["X-Purge-Job"]
    deadline = time.monotonic() + 30
    while srv.job(job_id)["progress"] == 0:
        assert time.monotonic() < deadline
        time.sleep(0.002)
    t0 = time.monotonic()
    srv.stop()  # clean exit 0 is still required
    print(f"\nstop took {time.monotonic() - t0:.3f}s")
    conn = db_connect(srv.db_path, readonly=True)
    try:
        state, progress = conn.execute("SELECT state, progress FROM jobs WHERE id=?", (job_id,)).fetchone()
        left = conn.execute("SELECT COUNT(*) FROM annotations WHERE workspace_id=?", (ws["id"],)).fetchone()[0]
    finally:
        conn.close()
    assert state == "running" and left > n // 2, \
        f"shutdown ran the whole purge first (state {state}, progress {progress}, {left} rows left)"
    srv.start()
    j = srv.wait_job(job_id, timeout=120)
    # A clean stop releases the claim: resuming is not counted as a retry, so the
    # job keeps its whole retry budget for real crashes.
    assert j["state"] == "succeeded" and j["attempts"] == 1, j
