/* store_jobs.c — SQL for the jobs table and the one transition table.
 *
 * Invariant: a job's state only moves along `transitions` below, by a
 * compare-and-set UPDATE, so a cancel racing the worker's finish has exactly one
 * winner. Called from request threads (insert, get, cancel) and the worker thread
 * (claim, progress, transition).
 */
#include "store_jobs.h"
#include "../clock.h"
#include "../db.h"
#include "ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *from, *to;
} transitions[] = {
    {"queued", "running"},    {"queued", "cancelled"}, {"queued", "failed"},
    {"running", "succeeded"}, {"running", "failed"},   {"running", "cancelled"},
};

int store_jobs_can_move(const char *from, const char *to)
{
    for (size_t i = 0; i < sizeof transitions / sizeof *transitions; i++)
        if (strcmp(transitions[i].from, from) == 0 && strcmp(transitions[i].to, to) == 0)
            return 1;
    return 0;
}

void job_row_free(job_row *j)
{
    free(j->payload);
    free(j->result);
    free(j->error);
    j->payload = j->result = j->error = NULL;
}

#define JOB_COLUMNS "id, workspace_id, type, state, payload, result, error, progress, total, attempts, run_at, created_at, updated_at"

static void read_row(sqlite3_stmt *st, job_row *j)
{
    memset(j, 0, sizeof *j);
    db_col_copy(st, 0, j->id, sizeof j->id);
    db_col_copy(st, 1, j->workspace_id, sizeof j->workspace_id);
    db_col_copy(st, 2, j->type, sizeof j->type);
    db_col_copy(st, 3, j->state, sizeof j->state);
    j->payload = db_col_strdup(st, 4);
    j->result = db_col_strdup(st, 5);
    j->error = db_col_strdup(st, 6);
    j->progress = sqlite3_column_int64(st, 7);
    j->total = sqlite3_column_int64(st, 8);
    j->attempts = sqlite3_column_int(st, 9);
    j->run_at = sqlite3_column_int64(st, 10);
    j->created_at = sqlite3_column_int64(st, 11);
    j->updated_at = sqlite3_column_int64(st, 12);
}

st_result store_jobs_insert(const char *workspace_id, const char *type, const char *payload_json,
                            int64_t run_at, char id_out[37])
{
    sqlite3_stmt *st = db_stmt("INSERT INTO jobs(id, workspace_id, type, state, payload, run_at, created_at, updated_at)"
                               " VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6, ?6)");
    if (!st)
        return ST_ERROR;
    ids_uuid(id_out);
    int64_t now = clock_now_ms();
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    db_bind_text(st, 2, workspace_id && *workspace_id ? workspace_id : NULL);
    sqlite3_bind_text(st, 3, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, payload_json ? payload_json : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, run_at > 0 ? run_at : now);
    sqlite3_bind_int64(st, 6, now);
    return db_exec_stmt(st);
}

st_result store_jobs_claim_due(int64_t now, job_row *out)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *st = db_stmt("SELECT " JOB_COLUMNS " FROM jobs WHERE state IN ('queued','running') AND run_at <= ?1"
                               " ORDER BY run_at, created_at LIMIT 1");
    if (!st) {
        db_rollback();
        return ST_ERROR;
    }
    sqlite3_bind_int64(st, 1, now);
    if ((r = db_step_row(st)) != ST_OK) {
        sqlite3_reset(st);
        db_rollback();
        return r;
    }
    read_row(st, out);
    sqlite3_reset(st);
    if (strcmp(out->state, "queued") == 0) {
        sqlite3_stmt *up = db_stmt("UPDATE jobs SET state='running', attempts=attempts+1, updated_at=?2 WHERE id=?1");
        if (!up) {
            r = ST_ERROR;
            goto fail;
        }
        sqlite3_bind_text(up, 1, out->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 2, now);
        if ((r = db_exec_stmt(up)) != ST_OK)
            goto fail;
        snprintf(out->state, sizeof out->state, "running");
        out->attempts++;
    }
    if ((r = db_commit()) != ST_OK)
        goto fail;
    return ST_OK;
fail:
    db_rollback();
    job_row_free(out);
    return r;
}

st_result store_jobs_state(const char *id, char state_out[16])
{
    sqlite3_stmt *st = db_stmt("SELECT state FROM jobs WHERE id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        db_col_copy(st, 0, state_out, 16);
    sqlite3_reset(st);
    return r;
}

st_result store_jobs_transition(const char *id, const char *to, const char *result_json, const char *error)
{
    char from[16];
    st_result r = store_jobs_state(id, from);
    if (r != ST_OK)
        return r;
    if (!store_jobs_can_move(from, to))
        return ST_CONFLICT;
    sqlite3_stmt *st = db_stmt("UPDATE jobs SET state=?2, result=COALESCE(?3, result), error=COALESCE(?4, error),"
                               " updated_at=?5 WHERE id=?1 AND state=?6");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    db_bind_text(st, 3, result_json);
    db_bind_text(st, 4, error);
    sqlite3_bind_int64(st, 5, clock_now_ms());
    sqlite3_bind_text(st, 6, from, -1, SQLITE_STATIC);
    r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        return ST_CONFLICT;
    return r;
}

st_result store_jobs_progress(const char *id, int64_t progress, int64_t total, int64_t run_at)
{
    sqlite3_stmt *st = db_stmt("UPDATE jobs SET progress=?2, total=?3, run_at=?4, updated_at=?5 WHERE id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, progress);
    sqlite3_bind_int64(st, 3, total);
    sqlite3_bind_int64(st, 4, run_at);
    sqlite3_bind_int64(st, 5, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_jobs_get(const char *id, const char *workspace_id, job_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " JOB_COLUMNS " FROM jobs WHERE id=?1 AND (?2 IS NULL OR workspace_id=?2)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    db_bind_text(st, 2, workspace_id);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        read_row(st, out);
    sqlite3_reset(st);
    return r;
}

st_result store_jobs_next_due(int64_t *run_at)
{
    sqlite3_stmt *st = db_stmt("SELECT MIN(run_at) FROM jobs WHERE state IN ('queued','running')");
    if (!st)
        return ST_ERROR;
    int rc = sqlite3_step(st);
    st_result r = ST_NOT_FOUND;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *run_at = sqlite3_column_int64(st, 0);
        r = ST_OK;
    } else if (rc != SQLITE_ROW) {
        r = db_result(rc);
    }
    sqlite3_reset(st);
    return r;
}

st_result store_jobs_list(const char *workspace_id, int limit, void (*cb)(const job_row *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT " JOB_COLUMNS " FROM jobs WHERE (?1 IS NULL OR workspace_id=?1)"
                               " ORDER BY created_at DESC, id LIMIT ?2");
    if (!st)
        return ST_ERROR;
    db_bind_text(st, 1, workspace_id);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : 100);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        job_row j;
        read_row(st, &j);
        cb(&j, arg);
        job_row_free(&j);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

int store_jobs_recover(int (*limit)(const char *type))
{
    sqlite3_stmt *st = db_stmt("SELECT id, type, attempts FROM jobs WHERE state='running'");
    if (!st)
        return -1;
    struct pending {
        char id[37];
        int resume;
        int attempts;
    } *rows = NULL;
    size_t n = 0, cap = 0;
    int rc, touched = -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            struct pending *grown = realloc(rows, cap * sizeof *rows);
            if (!grown)
                goto out;
            rows = grown;
        }
        db_col_copy(st, 0, rows[n].id, sizeof rows[n].id);
        int attempts = sqlite3_column_int(st, 2);
        rows[n].attempts = attempts;
        rows[n].resume = attempts < limit((const char *)sqlite3_column_text(st, 1));
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        goto out;
    touched = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].resume) {
            sqlite3_stmt *up = db_stmt("UPDATE jobs SET attempts=attempts+1, updated_at=?2 WHERE id=?1");
            if (!up)
                continue;
            sqlite3_bind_text(up, 1, rows[i].id, -1, SQLITE_STATIC);
            sqlite3_bind_int64(up, 2, clock_now_ms());
            if (db_exec_stmt(up) == ST_OK)
                touched++;
        } else {
            char reason[160];
            snprintf(reason, sizeof reason, "interrupted by a server restart after %d attempt(s); not resumable",
                     rows[i].attempts);
            if (store_jobs_transition(rows[i].id, "failed", NULL, reason) == ST_OK)
                touched++;
        }
    }
out:
    free(rows);
    return touched;
}

st_result store_jobs_counts(void (*cb)(const char *type, const char *state, int64_t n, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT type, state, COUNT(*) FROM jobs GROUP BY type, state ORDER BY type, state");
    if (!st)
        return ST_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cb((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
           sqlite3_column_int64(st, 2), arg);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_jobs_release(const char *id)
{
    sqlite3_stmt *st = db_stmt("UPDATE jobs SET attempts=MAX(attempts-1, 0) WHERE id=?1 AND state='running'");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    return db_exec_stmt(st);
}
