/* store_pg_answers.c — SQL for pictograph_answers (see the header). Any thread. */
#include "store_pg_answers.h"
#include "db.h"

st_result store_pg_answers_put(const char *workspace_id, const char *asset_id, const char *kind, const char *text,
                               const char *response_json, int64_t now)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO pictograph_answers(workspace_id, asset_id, kind, text, response, created_at)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(asset_id, kind, text) DO UPDATE SET"
                               " response=excluded.response, created_at=excluded.created_at");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, response_json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    return db_exec_stmt(st);
}

st_result store_pg_answers_get(const char *workspace_id, const char *asset_id, const char *kind, const char *text,
                               char **response_json)
{
    sqlite3_stmt *st = db_stmt("SELECT response FROM pictograph_answers WHERE workspace_id=?1 AND asset_id=?2"
                               " AND kind=?3 AND text=?4");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK && !(*response_json = db_col_strdup(st, 0)))
        r = ST_ERROR;
    sqlite3_reset(st);
    return r;
}

st_result store_pg_answers_list(const char *workspace_id, void (*cb)(const pg_answer_row *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT asset_id, kind, text, response, created_at FROM pictograph_answers"
                               " WHERE workspace_id=?1 ORDER BY created_at, rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pg_answer_row row = {(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                             (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
                             sqlite3_column_int64(st, 4)};
        cb(&row, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_pg_answers_clear(const char *workspace_id, int64_t *removed)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM pictograph_answers WHERE workspace_id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    st_result r = db_exec_stmt(st);
    *removed = r == ST_OK ? sqlite3_changes(db_conn()) : 0;
    return r;
}
