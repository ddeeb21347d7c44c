/* store_pg_datasets.c — SQL for the Pictograph view of datasets (see the
 * header). Any thread. */
#include "store_pg_datasets.h"
#include "db.h"

#include <stdio.h>
#include <string.h>

st_result store_pg_datasets_stats(const char *workspace_id, const char *dataset_id, pg_dataset_stats *out)
{
    sqlite3_stmt *st = db_stmt("SELECT"
                               " COALESCE(SUM(json_extract(attrs,'$.pictograph_archived_at') IS NULL),0),"
                               " COALESCE(SUM(json_extract(attrs,'$.pictograph_archived_at') IS NULL"
                               " AND status='complete'),0),"
                               " COALESCE(SUM(json_extract(attrs,'$.pictograph_archived_at') IS NOT NULL),0),"
                               " COALESCE(SUM(CASE WHEN json_extract(attrs,'$.pictograph_archived_at') IS NULL"
                               " THEN size ELSE 0 END),0)"
                               " FROM assets WHERE workspace_id=?1 AND dataset_id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK) {
        out->image_count = sqlite3_column_int64(st, 0);
        out->completed = sqlite3_column_int64(st, 1);
        out->archived = sqlite3_column_int64(st, 2);
        out->total_size = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    return r;
}

st_result store_pg_datasets_list(const char *workspace_id, int64_t limit, int64_t offset,
                                 void (*cb)(const dataset_row *, void *), void *arg, int64_t *total)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM datasets WHERE workspace_id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    *total = r == ST_OK ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (r != ST_OK)
        return r;
    st = db_stmt("SELECT id, name, type, description, attrs, created_at, updated_at FROM datasets"
                 " WHERE workspace_id=?1 ORDER BY created_at, rowid LIMIT ?2 OFFSET ?3");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, limit);
    sqlite3_bind_int64(st, 3, offset);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        dataset_row d;
        memset(&d, 0, sizeof d);
        db_col_copy(st, 0, d.id, sizeof d.id);
        snprintf(d.workspace_id, sizeof d.workspace_id, "%s", workspace_id);
        db_col_copy(st, 1, d.name, sizeof d.name);
        db_col_copy(st, 2, d.type, sizeof d.type);
        d.description = (char *)sqlite3_column_text(st, 3);
        d.attrs = (char *)sqlite3_column_text(st, 4);
        d.created_at = sqlite3_column_int64(st, 5);
        d.updated_at = sqlite3_column_int64(st, 6);
        cb(&d, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_pg_datasets_set_classes(const char *workspace_id, const char *dataset_id, const char *classes_json,
                                        int64_t now)
{
    sqlite3_stmt *st = db_stmt("UPDATE datasets SET attrs=json_set(attrs,'$.pictograph_classes',json(?3)),"
                               " updated_at=?4 WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, classes_json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        r = ST_NOT_FOUND;
    return r;
}
