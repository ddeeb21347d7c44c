/* store_vi_runs.c — SQL for Vi training runs (see store_vi_runs.h). The
 * Trained condition only moves from Waiting to a terminal state (compare and
 * set in the UPDATE), so a resumed training job cannot finish a run twice.
 * Any thread.
 */
#include "store_vi_runs.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUN_COLUMNS                                                                                          \
    "id, workspace_id, dataset_id, output_id, flow, training_project, attributes, trained, trained_at,"     \
    " message, log, archive_sha256, archive_bytes, token, token_expires, generation, created_at, updated_at"

void vi_run_row_free(vi_run_row *r)
{
    free(r->flow);
    free(r->training_project);
    free(r->attributes);
    free(r->message);
    free(r->log);
    r->flow = r->training_project = r->attributes = r->message = r->log = NULL;
}

static int read_run(sqlite3_stmt *st, vi_run_row *r)
{
    memset(r, 0, sizeof *r);
    db_col_copy(st, 0, r->id, sizeof r->id);
    db_col_copy(st, 1, r->workspace_id, sizeof r->workspace_id);
    db_col_copy(st, 2, r->dataset_id, sizeof r->dataset_id);
    db_col_copy(st, 3, r->output_id, sizeof r->output_id);
    r->flow = db_col_strdup(st, 4);
    r->training_project = db_col_strdup(st, 5);
    r->attributes = db_col_strdup(st, 6);
    db_col_copy(st, 7, r->trained, sizeof r->trained);
    r->trained_at = sqlite3_column_int64(st, 8);
    r->message = db_col_strdup(st, 9);
    r->log = db_col_strdup(st, 10);
    db_col_copy(st, 11, r->archive_sha256, sizeof r->archive_sha256);
    r->archive_bytes = sqlite3_column_int64(st, 12);
    db_col_copy(st, 13, r->token, sizeof r->token);
    r->token_expires = sqlite3_column_int64(st, 14);
    r->generation = sqlite3_column_int64(st, 15);
    r->created_at = sqlite3_column_int64(st, 16);
    r->updated_at = sqlite3_column_int64(st, 17);
    if (!r->flow || !r->attributes || !r->log) {
        vi_run_row_free(r);
        return -1;
    }
    return 0;
}

st_result store_vi_runs_create(const vi_run_row *r)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO vi_runs(id, workspace_id, dataset_id, output_id, flow, training_project,"
                               " attributes, log, generation, created_at, updated_at)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->output_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r->flow, -1, SQLITE_STATIC);
    db_bind_text(st, 6, r->training_project);
    sqlite3_bind_text(st, 7, r->attributes ? r->attributes : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->log ? r->log : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, r->created_at);
    return db_exec_stmt(st);
}

st_result store_vi_runs_get(const char *workspace_id, const char *id, vi_run_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " RUN_COLUMNS " FROM vi_runs WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK && read_run(st, out) != 0)
        r = ST_ERROR;
    sqlite3_reset(st);
    return r;
}

st_result store_vi_runs_list(const char *workspace_id, int64_t offset, int64_t limit,
                             void (*cb)(const vi_run_row *, void *), void *arg, int *more)
{
    *more = 0;
    sqlite3_stmt *st = db_stmt("SELECT " RUN_COLUMNS " FROM vi_runs WHERE workspace_id=?1"
                               " ORDER BY created_at, id LIMIT ?3 OFFSET ?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, offset);
    sqlite3_bind_int64(st, 3, limit + 1);
    int rc;
    int64_t n = 0;
    st_result r = ST_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++ == limit) {
            *more = 1;
            break;
        }
        vi_run_row row;
        if (read_run(st, &row) != 0) {
            r = ST_ERROR;
            break;
        }
        cb(&row, arg);
        vi_run_row_free(&row);
    }
    if (r == ST_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        r = db_result(rc);
    sqlite3_reset(st);
    return r;
}

st_result store_vi_runs_delete(const char *workspace_id, const char *id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM vi_runs WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        r = ST_NOT_FOUND;
    return r;
}

st_result store_vi_runs_log(const char *id, const char *log, int64_t now)
{
    sqlite3_stmt *st = db_stmt("UPDATE vi_runs SET log=?2, generation=generation+1, updated_at=?3"
                               " WHERE id=?1 AND trained='Waiting'");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, log, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    return db_exec_stmt(st);
}

st_result store_vi_runs_finish(const char *id, const char *trained, const char *message, const char *log,
                               const char *archive_sha256, int64_t archive_bytes, int64_t now)
{
    sqlite3_stmt *st = db_stmt("UPDATE vi_runs SET trained=?2, trained_at=?7, message=?3, log=?4, archive_sha256=?5,"
                               " archive_bytes=?6, generation=generation+1, updated_at=?7"
                               " WHERE id=?1 AND trained='Waiting'");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, trained, -1, SQLITE_STATIC);
    db_bind_text(st, 3, message);
    sqlite3_bind_text(st, 4, log ? log : "", -1, SQLITE_STATIC);
    db_bind_text(st, 5, archive_sha256);
    if (archive_sha256)
        sqlite3_bind_int64(st, 6, archive_bytes);
    else
        sqlite3_bind_null(st, 6);
    sqlite3_bind_int64(st, 7, now);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        r = ST_CONFLICT;
    return r;
}

st_result store_vi_runs_set_token(const char *id, const char *token, int64_t expires)
{
    sqlite3_stmt *st = db_stmt("UPDATE vi_runs SET token=?2, token_expires=?3 WHERE id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, token, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, expires);
    return db_exec_stmt(st);
}
