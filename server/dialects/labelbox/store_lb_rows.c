/* store_lb_rows.c — SQL for labelbox_data_rows, always joined to the core asset
 * it describes and scoped by workspace. Any thread. */
#include "store_lb_rows.h"
#include "clock.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_COLUMNS                                                                                          \
    "a.id, COALESCE(a.dataset_id,''), d.global_key, d.external_id, d.row_data, d.media_type, a.width,"       \
    " a.height, a.blob_sha256, a.mime, a.created_at, a.updated_at"

void lb_datarow_free(lb_datarow *r)
{
    free(r->global_key);
    free(r->external_id);
    free(r->row_data);
    free(r->media_type);
    r->global_key = r->external_id = r->row_data = r->media_type = NULL;
}

static void text(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", s ? (const char *)s : "");
}

/* Fills r; strings borrowed from the statement when own == 0. */
static void read_row(sqlite3_stmt *st, lb_datarow *r, int own)
{
    memset(r, 0, sizeof *r);
    text(st, 0, r->asset_id, sizeof r->asset_id);
    text(st, 1, r->dataset_id, sizeof r->dataset_id);
    for (int i = 0; i < 4; i++) {
        char **slot = i == 0 ? &r->global_key : i == 1 ? &r->external_id : i == 2 ? &r->row_data : &r->media_type;
        *slot = own ? db_col_strdup(st, 2 + i) : (char *)sqlite3_column_text(st, 2 + i);
    }
    r->width = sqlite3_column_int(st, 6);
    r->height = sqlite3_column_int(st, 7);
    text(st, 8, r->blob_sha256, sizeof r->blob_sha256);
    text(st, 9, r->mime, sizeof r->mime);
    r->created_at = sqlite3_column_int64(st, 10);
    r->updated_at = sqlite3_column_int64(st, 11);
}

st_result store_lb_rows_create(const char *workspace_id, const char *asset_id, const char *dataset_id,
                               const char *global_key, const char *external_id, const char *row_data,
                               const char *media_type, const char *task_id)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO labelbox_data_rows(asset_id, workspace_id, dataset_id, global_key,"
                               " external_id, row_data, media_type, task_id, created_at)"
                               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dataset_id, -1, SQLITE_STATIC);
    db_bind_text(st, 4, global_key);
    db_bind_text(st, 5, external_id);
    sqlite3_bind_text(st, 6, row_data, -1, SQLITE_STATIC);
    db_bind_text(st, 7, media_type);
    db_bind_text(st, 8, task_id);
    sqlite3_bind_int64(st, 9, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_lb_rows_key_taken(const char *workspace_id, const char *global_key, int *exists)
{
    sqlite3_stmt *st = db_stmt("SELECT 1 FROM labelbox_data_rows WHERE workspace_id=?1 AND global_key=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, global_key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *exists = rc == SQLITE_ROW;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_lb_rows_get(const char *workspace_id, int by_key, const char *value, lb_datarow *out)
{
    sqlite3_stmt *st =
        by_key ? db_stmt("SELECT " ROW_COLUMNS " FROM labelbox_data_rows d JOIN assets a ON a.id=d.asset_id"
                         " WHERE d.workspace_id=?1 AND d.global_key=?2")
               : db_stmt("SELECT " ROW_COLUMNS " FROM assets a LEFT JOIN labelbox_data_rows d ON d.asset_id=a.id"
                         " WHERE a.workspace_id=?1 AND a.id=?2 AND a.dataset_id IS NOT NULL");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    st_result r = rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOT_FOUND : db_result(rc);
    if (rc == SQLITE_ROW)
        read_row(st, out, 1);
    sqlite3_reset(st);
    return r;
}

st_result store_lb_rows_by_task(const char *workspace_id, const char *task_id, int64_t offset, int64_t limit,
                                void (*cb)(const lb_datarow *, void *), void *arg, int64_t *total)
{
    sqlite3_stmt *count = db_stmt("SELECT COUNT(*) FROM labelbox_data_rows WHERE workspace_id=?1 AND task_id=?2");
    if (!count)
        return ST_ERROR;
    sqlite3_bind_text(count, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(count, 2, task_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(count);
    *total = rc == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
    sqlite3_reset(count);
    if (rc != SQLITE_ROW)
        return db_result(rc);
    sqlite3_stmt *st = db_stmt("SELECT " ROW_COLUMNS " FROM labelbox_data_rows d JOIN assets a ON a.id=d.asset_id"
                               " WHERE d.workspace_id=?1 AND d.task_id=?2 ORDER BY d.rowid LIMIT ?3 OFFSET ?4");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, task_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, limit);
    sqlite3_bind_int64(st, 4, offset);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        lb_datarow r;
        read_row(st, &r, 0);
        cb(&r, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_lb_rows_of_project(const char *workspace_id, const char *project_id,
                                   void (*cb)(const lb_datarow *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT " ROW_COLUMNS " FROM labelbox_project_rows p JOIN assets a ON a.id=p.asset_id"
                               " LEFT JOIN labelbox_data_rows d ON d.asset_id=a.id"
                               " WHERE p.workspace_id=?1 AND p.project_id=?2 ORDER BY p.rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, project_id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        lb_datarow r;
        read_row(st, &r, 0);
        cb(&r, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}
