/* store_pg_idem.c — SQL for pictograph_idempotency (see the header). Any thread. */
#include "store_pg_idem.h"
#include "db.h"

#include <stdlib.h>

void pg_idem_row_free(pg_idem_row *r)
{
    free(r->body);
    r->body = NULL;
}

st_result store_pg_idem_get(const char *workspace_id, const char *key, int64_t now, int64_t window_ms,
                            pg_idem_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT request_hash, status, body FROM pictograph_idempotency"
                               " WHERE workspace_id=?1 AND key=?2 AND created_at > ?3");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now - window_ms);
    st_result r = db_step_row(st);
    if (r == ST_OK) {
        db_col_copy(st, 0, out->request_hash, sizeof out->request_hash);
        out->status = sqlite3_column_int(st, 1);
        out->body = db_col_strdup(st, 2);
        if (!out->body)
            r = ST_ERROR;
    }
    sqlite3_reset(st);
    return r;
}

st_result store_pg_idem_put(const char *workspace_id, const char *key, const char *request_hash, int status,
                            const char *body, int64_t now, int64_t window_ms)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM pictograph_idempotency WHERE workspace_id=?1 AND key=?2 AND created_at <= ?3");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now - window_ms);
    st_result r = db_exec_stmt(st);
    if (r != ST_OK)
        return r;
    st = db_stmt("INSERT INTO pictograph_idempotency(workspace_id, key, request_hash, status, body, created_at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, request_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, status);
    sqlite3_bind_text(st, 5, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    return db_exec_stmt(st);
}
