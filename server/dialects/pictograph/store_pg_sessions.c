/* store_pg_sessions.c — SQL for pictograph_sessions (see the header). Any thread. */
#include "store_pg_sessions.h"
#include "db.h"

st_result store_pg_sessions_peek(const char *workspace_id, const char *asset_id, int64_t now, int64_t idle_ms,
                                 int *open)
{
    sqlite3_stmt *st = db_stmt("SELECT last_used_at FROM pictograph_sessions WHERE workspace_id=?1 AND asset_id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    *open = r == ST_OK && now - sqlite3_column_int64(st, 0) < idle_ms;
    sqlite3_reset(st);
    return r == ST_NOT_FOUND ? ST_OK : r;
}

st_result store_pg_sessions_touch(const char *workspace_id, const char *asset_id, int64_t now, int64_t idle_ms,
                                  int *was_open)
{
    st_result r = store_pg_sessions_peek(workspace_id, asset_id, now, idle_ms, was_open);
    if (r != ST_OK)
        return r;
    sqlite3_stmt *st = db_stmt("INSERT INTO pictograph_sessions(workspace_id, asset_id, opened_at, last_used_at, prompts)"
                               " VALUES (?1, ?2, ?3, ?3, 1) ON CONFLICT(workspace_id, asset_id) DO UPDATE SET"
                               " opened_at=CASE WHEN ?4 THEN opened_at ELSE excluded.opened_at END,"
                               " prompts=CASE WHEN ?4 THEN prompts + 1 ELSE 1 END,"
                               " last_used_at=excluded.last_used_at");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int(st, 4, *was_open);
    return db_exec_stmt(st);
}
