/* store_browse.c — SQL behind the console's read-only views.
 *
 * Every statement joins the owning workspace and requires it to be live
 * (deleted_at IS NULL), so rows waiting for their purge job are invisible, and
 * every listing is scoped by workspace_id like the dialects' own queries.
 * Listings are in creation order (created_at, then rowid as the tie-break), the
 * same order store_assets_list and store_annotations_list_by_asset use, so the
 * console's pages and neighbours agree with what the dialects show.
 * Any thread; nothing here writes.
 */
#include "store_browse.h"
#include "../db.h"

#include <stdio.h>
#include <string.h>

/* Same columns, in the same order, as store_assets.c reads. */
#define BROWSE_ASSET_COLUMNS                                                                                 \
    "a.id, a.workspace_id, COALESCE(a.dataset_id,''), a.directory, a.filename, a.blob_sha256, a.mime,"       \
    " a.width, a.height, a.size, a.status, COALESCE(a.split,''), a.created_at, a.updated_at,"                \
    " (SELECT COUNT(*) FROM annotations n WHERE n.asset_id=a.id)"

static void store_browse_read_asset(sqlite3_stmt *st, asset_row *a, int64_t *annotations)
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
    *annotations = sqlite3_column_int64(st, 14);
}

st_result store_browse_counts(const char *workspace_id, browse_counts *out)
{
    sqlite3_stmt *st = db_stmt("SELECT (SELECT COUNT(*) FROM datasets WHERE workspace_id=w.id),"
                               " (SELECT COUNT(*) FROM assets WHERE workspace_id=w.id),"
                               " (SELECT COUNT(*) FROM assets WHERE workspace_id=w.id AND dataset_id IS NULL),"
                               " (SELECT COUNT(*) FROM datasets d JOIN annotations n ON n.dataset_id=d.id WHERE d.workspace_id=w.id),"
                               " (SELECT COUNT(*) FROM jobs WHERE workspace_id=w.id AND state IN ('queued','running'))"
                               " FROM workspaces w WHERE w.id=?1 AND w.deleted_at IS NULL");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK) {
        out->datasets = sqlite3_column_int64(st, 0);
        out->assets = sqlite3_column_int64(st, 1);
        out->loose_assets = sqlite3_column_int64(st, 2);
        out->annotations = sqlite3_column_int64(st, 3);
        out->jobs_active = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    return r;
}

/* Reads the single text column of a one-row lookup into ws_out. */
static st_result store_browse_owner(sqlite3_stmt *st, const char *id, char ws_out[37])
{
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        db_col_copy(st, 0, ws_out, 37);
    sqlite3_reset(st);
    return r;
}

st_result store_browse_dataset_owner(const char *dataset_id, char ws_out[37])
{
    return store_browse_owner(db_stmt("SELECT d.workspace_id FROM datasets d JOIN workspaces w ON w.id=d.workspace_id"
                                      " WHERE d.id=?1 AND w.deleted_at IS NULL"),
                              dataset_id, ws_out);
}

st_result store_browse_asset_owner(const char *asset_id, char ws_out[37])
{
    return store_browse_owner(db_stmt("SELECT a.workspace_id FROM assets a JOIN workspaces w ON w.id=a.workspace_id"
                                      " WHERE a.id=?1 AND w.deleted_at IS NULL"),
                              asset_id, ws_out);
}

/* `dataset_id IS ?2` matches the workspace-level assets when ?2 is NULL. */
st_result store_browse_assets_page(const char *workspace_id, const char *dataset_id, int64_t offset, int limit,
                                   void (*cb)(const asset_row *, int64_t annotations, void *), void *arg,
                                   int64_t *total)
{
    sqlite3_stmt *count = db_stmt("SELECT COUNT(*) FROM assets WHERE workspace_id=?1 AND dataset_id IS ?2");
    if (!count)
        return ST_ERROR;
    sqlite3_bind_text(count, 1, workspace_id, -1, SQLITE_STATIC);
    db_bind_text(count, 2, dataset_id);
    st_result r = db_step_row(count);
    if (r == ST_OK)
        *total = sqlite3_column_int64(count, 0);
    sqlite3_reset(count);
    if (r != ST_OK)
        return r;
    sqlite3_stmt *st = db_stmt("SELECT " BROWSE_ASSET_COLUMNS " FROM assets a WHERE a.workspace_id=?1"
                               " AND a.dataset_id IS ?2 ORDER BY a.created_at, a.rowid LIMIT ?3 OFFSET ?4");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    db_bind_text(st, 2, dataset_id);
    sqlite3_bind_int(st, 3, limit);
    sqlite3_bind_int64(st, 4, offset);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        asset_row a;
        int64_t n = 0;
        store_browse_read_asset(st, &a, &n);
        cb(&a, n, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_browse_neighbours(const char *workspace_id, const char *asset_id, char prev_out[37],
                                  char next_out[37])
{
    sqlite3_stmt *st = db_stmt(
        "WITH me AS (SELECT dataset_id, created_at, rowid AS r FROM assets WHERE workspace_id=?1 AND id=?2)"
        " SELECT (SELECT a.id FROM assets a WHERE a.workspace_id=?1 AND a.dataset_id IS me.dataset_id"
        "   AND (a.created_at < me.created_at OR (a.created_at = me.created_at AND a.rowid < me.r))"
        "   ORDER BY a.created_at DESC, a.rowid DESC LIMIT 1),"
        " (SELECT a.id FROM assets a WHERE a.workspace_id=?1 AND a.dataset_id IS me.dataset_id"
        "   AND (a.created_at > me.created_at OR (a.created_at = me.created_at AND a.rowid > me.r))"
        "   ORDER BY a.created_at, a.rowid LIMIT 1)"
        " FROM me");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK) {
        db_col_copy(st, 0, prev_out, 37);
        db_col_copy(st, 1, next_out, 37);
    }
    sqlite3_reset(st);
    return r;
}

st_result store_browse_annotations(const char *workspace_id, const char *asset_id,
                                   void (*cb)(const annotation_row *, const char *attrs, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT id, dataset_id, kind, label, geometry, text, confidence, source, attrs,"
                               " created_at, updated_at FROM annotations WHERE workspace_id=?1 AND asset_id=?2"
                               " ORDER BY created_at, rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        annotation_row a;
        memset(&a, 0, sizeof a);
        db_col_copy(st, 0, a.id, sizeof a.id);
        snprintf(a.workspace_id, sizeof a.workspace_id, "%s", workspace_id);
        db_col_copy(st, 1, a.dataset_id, sizeof a.dataset_id);
        snprintf(a.asset_id, sizeof a.asset_id, "%s", asset_id);
        db_col_copy(st, 2, a.kind, sizeof a.kind);
        db_col_copy(st, 3, a.label, sizeof a.label);
        a.geometry = (const char *)sqlite3_column_text(st, 4);
        a.text = (const char *)sqlite3_column_text(st, 5);
        a.has_confidence = sqlite3_column_type(st, 6) != SQLITE_NULL;
        a.confidence = sqlite3_column_double(st, 6);
        db_col_copy(st, 7, a.source, sizeof a.source);
        const char *attrs = (const char *)sqlite3_column_text(st, 8);
        a.created_at = sqlite3_column_int64(st, 9);
        a.updated_at = sqlite3_column_int64(st, 10);
        cb(&a, attrs ? attrs : "{}", arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}
