/* store_datasets.c — SQL for datasets. Counts are computed from the asset and
 * annotation rows on read (indexed), so they can never drift from the truth.
 * Every query is scoped by workspace_id: another workspace's id is simply not
 * found. Any thread.
 *
 * Counting walks the dataset's whole range of an index: ~50 ms for 1,000,000
 * annotations, paid by every dataset-scoped call of every dialect (Vi resolves the
 * dataset on each call, export polls included). So each thread keeps the last
 * few counts it computed, keyed by its connection and the store's data version
 * (db_data_version: any commit by any connection, or a restore, moves it). The
 * version is read while the dataset row's statement is running, so counts and row
 * come from the same snapshot; an unchanged store gives the same counts. Inside an
 * explicit transaction the caller may hold uncommitted rows that the version does
 * not show, so counts are taken fresh there and not kept. */
#include "store_datasets.h"
#include "../clock.h"
#include "../db.h"
#include "ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATASET_COLUMNS "d.id, d.workspace_id, d.name, d.type, d.description, d.attrs, d.created_at, d.updated_at"

#define COUNT_CACHE 8

typedef struct {
    uint64_t conn;    /* db_conn_serial(); 0 = empty */
    uint32_t version; /* db_data_version() when counted */
    char id[37];
    int64_t assets, annotations;
} count_entry;

static _Thread_local count_entry g_counts[COUNT_CACHE];
static _Thread_local unsigned g_counts_next;

static st_result count_rows(const char *id, int64_t *assets, int64_t *annotations)
{
    sqlite3_stmt *a = db_stmt("SELECT COUNT(*) FROM assets a WHERE a.dataset_id=?1");
    sqlite3_stmt *n = db_stmt("SELECT COUNT(*) FROM annotations n WHERE n.dataset_id=?1");
    if (!a || !n)
        return ST_ERROR;
    sqlite3_bind_text(a, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(n, 1, id, -1, SQLITE_STATIC);
    st_result r = db_step_row(a);
    if (r == ST_OK)
        *assets = sqlite3_column_int64(a, 0);
    sqlite3_reset(a);
    if (r == ST_OK && (r = db_step_row(n)) == ST_OK)
        *annotations = sqlite3_column_int64(n, 0);
    sqlite3_reset(n);
    return r;
}

/* Fills d's counts; call while the statement that read d is still running. */
static st_result read_counts(dataset_row *d)
{
    uint32_t version = 0;
    uint64_t conn = db_conn_serial();
    int cacheable = conn && sqlite3_get_autocommit(db_conn()) && db_data_version(&version) == 0;
    for (int i = 0; cacheable && i < COUNT_CACHE; i++) {
        const count_entry *e = &g_counts[i];
        if (e->conn == conn && e->version == version && strcmp(e->id, d->id) == 0) {
            d->asset_count = e->assets;
            d->annotation_count = e->annotations;
            return ST_OK;
        }
    }
    st_result r = count_rows(d->id, &d->asset_count, &d->annotation_count);
    if (r == ST_OK && cacheable) {
        count_entry *e = &g_counts[g_counts_next++ % COUNT_CACHE];
        e->conn = conn;
        e->version = version;
        snprintf(e->id, sizeof e->id, "%s", d->id);
        e->assets = d->asset_count;
        e->annotations = d->annotation_count;
    }
    return r;
}

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
}

/* out may be NULL: an existence check, which needs no counts. */
static st_result get_one(sqlite3_stmt *st, dataset_row *out)
{
    st_result r = db_step_row(st);
    if (r == ST_OK && out) {
        read_row(st, out);
        if ((r = read_counts(out)) != ST_OK)
            dataset_row_free(out);
    }
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
    int rc = SQLITE_DONE;
    st_result r = ST_OK;
    while (r == ST_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        dataset_row d;
        read_row(st, &d);
        if ((r = read_counts(&d)) == ST_OK)
            cb(&d, arg);
        dataset_row_free(&d);
    }
    sqlite3_reset(st);
    if (r != ST_OK)
        return r;
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
