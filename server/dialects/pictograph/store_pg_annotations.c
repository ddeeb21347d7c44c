/* store_pg_annotations.c — SQL for the Pictograph view of annotations (see the
 * header). Any thread. */
#include "store_pg_annotations.h"
#include "core/ids.h"
#include "db.h"

st_result store_pg_annotations_list(const char *workspace_id, const char *asset_id,
                                    void (*cb)(const pg_ann_row *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT id, kind, label, geometry, attrs, confidence FROM annotations"
                               " WHERE workspace_id=?1 AND asset_id=?2 AND kind IN ('bbox','polygon','polyline','point')"
                               " ORDER BY created_at, rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pg_ann_row row = {
            .id = (const char *)sqlite3_column_text(st, 0),
            .kind = (const char *)sqlite3_column_text(st, 1),
            .label = (const char *)sqlite3_column_text(st, 2),
            .geometry = (const char *)sqlite3_column_text(st, 3),
            .attrs = (const char *)sqlite3_column_text(st, 4),
            .has_confidence = sqlite3_column_type(st, 5) != SQLITE_NULL,
            .confidence = sqlite3_column_double(st, 5),
        };
        cb(&row, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_pg_annotations_clear(const char *workspace_id, const char *asset_id, int64_t *removed)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM annotations WHERE workspace_id=?1 AND asset_id=?2"
                               " AND kind IN ('bbox','polygon','polyline','point')");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    st_result r = db_exec_stmt(st);
    *removed = r == ST_OK ? sqlite3_changes(db_conn()) : 0;
    return r;
}

st_result store_pg_annotations_insert(const pg_ann_insert *a, int64_t now)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO annotations(id, workspace_id, dataset_id, asset_id, kind, label, geometry,"
                               " confidence, source, attrs, created_at, updated_at)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)");
    if (!st)
        return ST_ERROR;
    char id[37];
    ids_uuid(id);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->label, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->geometry, -1, SQLITE_STATIC);
    if (a->has_confidence)
        sqlite3_bind_double(st, 8, a->confidence);
    else
        sqlite3_bind_null(st, 8);
    sqlite3_bind_text(st, 9, a->source ? a->source : "human", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, a->attrs ? a->attrs : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, now);
    return db_exec_stmt(st);
}
