/* store_datasets.c — SQL for datasets. Counts are computed from the asset and
 * annotation rows on read (indexed), so they can never drift from the truth.
 * Every query is scoped by workspace_id: another workspace's id is simply not
 * found. Any thread. */
#include "store_datasets.h"
#include "../clock.h"
#include "../db.h"
#include "ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATASET_COLUMNS                                                                                      \
    "d.id, d.workspace_id, d.name, d.type, d.description, d.attrs, d.created_at, d.updated_at,"              \
    " (SELECT COUNT(*) FROM assets a WHERE a.dataset_id=d.id),"                                              \
    " (SELECT COUNT(*) FROM annotations n WHERE n.dataset_id=d.id)"

void dataset_row_free(dataset_row *d)
{
    free(d->description);
    free(d->attrs);
    d->description = d->attrs = NULL;
}

static void read_row(sqlite3_stmt *st, dataset_row *d)
{
    memset(d, 0, sizeof *d);
    snprintf(d->id, sizeof d->id, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(d->workspace_id, sizeof d->workspace_id, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(d->name, sizeof d->name, "%s", (const char *)sqlite3_column_text(st, 2));
    snprintf(d->type, sizeof d->type, "%s", (const char *)sqlite3_column_text(st, 3));
    d->description = db_col_strdup(st, 4);
    d->attrs = db_col_strdup(st, 5);
    d->created_at = sqlite3_column_int64(st, 6);
    d->updated_at = sqlite3_column_int64(st, 7);
    d->asset_count = sqlite3_column_int64(st, 8);
    d->annotation_count = sqlite3_column_int64(st, 9);
}

static st_result get_one(sqlite3_stmt *st, dataset_row *out)
{
    st_result r = db_step_row(st);
    if (r == ST_OK && out)
        read_row(st, out);
    sqlite3_reset(st);
    return r;
}

st_result store_datasets_create(const char *workspace_id, const char *fixed_id, const char *name, const char *type,
                                const char *description, const char *attrs_json, dataset_row *out)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO datasets(id, workspace_id, name, type, description, attrs, created_at,"
                               " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
    if (!st)
        return ST_ERROR;
    char id[37];
    if (fixed_id)
        snprintf(id, sizeof id, "%s", fixed_id);
    else
        ids_uuid(id);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, description ? description : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, attrs_json ? attrs_json : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, clock_now_ms());
    st_result r = db_exec_stmt(st);
    if (r != ST_OK || !out)
        return r;
    return store_datasets_get(workspace_id, id, out);
}

st_result store_datasets_get(const char *workspace_id, const char *id, dataset_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " DATASET_COLUMNS " FROM datasets d WHERE d.workspace_id=?1 AND d.id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    return get_one(st, out);
}

st_result store_datasets_get_by_name(const char *workspace_id, const char *name, dataset_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " DATASET_COLUMNS " FROM datasets d WHERE d.workspace_id=?1 AND d.name=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    return get_one(st, out);
}

st_result store_datasets_list(const char *workspace_id, void (*cb)(const dataset_row *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT " DATASET_COLUMNS " FROM datasets d WHERE d.workspace_id=?1"
                               " ORDER BY d.created_at, d.rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        dataset_row d;
        read_row(st, &d);
        cb(&d, arg);
        dataset_row_free(&d);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_datasets_delete(const char *workspace_id, const char *id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM datasets WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        return ST_NOT_FOUND;
    return r;
}
