/* store_assets.c — SQL for assets, always scoped by workspace. Any thread. */
#include "store_assets.h"
#include "../clock.h"
#include "../db.h"
#include "ids.h"

#include <stdio.h>
#include <string.h>

#define ASSET_COLUMNS                                                                                       \
    "id, workspace_id, dataset_id, directory, filename, blob_sha256, mime, width, height, size, status,"   \
    " COALESCE(split,''), created_at, updated_at"

static void read_row(sqlite3_stmt *st, asset_row *a)
{
    memset(a, 0, sizeof *a);
    db_col_copy(st, 0, a->id, sizeof a->id);
    db_col_copy(st, 1, a->workspace_id, sizeof a->workspace_id);
    db_col_copy(st, 2, a->dataset_id, sizeof a->dataset_id);
    db_col_copy(st, 3, a->directory, sizeof a->directory);
    db_col_copy(st, 4, a->filename, sizeof a->filename);
    db_col_copy(st, 5, a->blob_sha256, sizeof a->blob_sha256);
    db_col_copy(st, 6, a->mime, sizeof a->mime);
    a->width = sqlite3_column_int(st, 7);
    a->height = sqlite3_column_int(st, 8);
    a->size = sqlite3_column_int64(st, 9);
    db_col_copy(st, 10, a->status, sizeof a->status);
    db_col_copy(st, 11, a->split, sizeof a->split);
    a->created_at = sqlite3_column_int64(st, 12);
    a->updated_at = sqlite3_column_int64(st, 13);
}

st_result store_assets_create(asset_row *a)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO assets(id, workspace_id, dataset_id, directory, filename, blob_sha256, mime,"
                               " width, height, size, status, split, created_at, updated_at)"
                               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?13)");
    if (!st)
        return ST_ERROR;
    if (!a->id[0])
        ids_uuid(a->id);
    if (!a->directory[0])
        snprintf(a->directory, sizeof a->directory, "/");
    if (!a->status[0])
        snprintf(a->status, sizeof a->status, "new");
    a->created_at = a->updated_at = clock_now_ms();
    sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->workspace_id, -1, SQLITE_STATIC);
    db_bind_text(st, 3, a->dataset_id[0] ? a->dataset_id : NULL);
    sqlite3_bind_text(st, 4, a->directory, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->filename, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->blob_sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->mime, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, a->width);
    sqlite3_bind_int(st, 9, a->height);
    sqlite3_bind_int64(st, 10, a->size);
    sqlite3_bind_text(st, 11, a->status, -1, SQLITE_STATIC);
    db_bind_text(st, 12, a->split[0] ? a->split : NULL);
    sqlite3_bind_int64(st, 13, a->created_at);
    return db_exec_stmt(st);
}

st_result store_assets_get(const char *workspace_id, const char *id, asset_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " ASSET_COLUMNS " FROM assets WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        read_row(st, out);
    sqlite3_reset(st);
    return r;
}

st_result store_assets_list(const char *workspace_id, const char *dataset_id, void (*cb)(const asset_row *, void *),
                            void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT " ASSET_COLUMNS " FROM assets WHERE workspace_id=?1"
                               " AND (?2 IS NULL OR dataset_id=?2) ORDER BY created_at, rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    db_bind_text(st, 2, dataset_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        asset_row a;
        read_row(st, &a);
        cb(&a, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_assets_set_content(const char *workspace_id, const char *id, const char *blob_sha256,
                                   const char *mime, int width, int height, int64_t size)
{
    sqlite3_stmt *st = db_stmt("UPDATE assets SET blob_sha256=?3, mime=?4, width=?5, height=?6, size=?7,"
                               " updated_at=?8 WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, blob_sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, mime, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, width);
    sqlite3_bind_int(st, 6, height);
    sqlite3_bind_int64(st, 7, size);
    sqlite3_bind_int64(st, 8, clock_now_ms());
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        return ST_NOT_FOUND;
    return r;
}
