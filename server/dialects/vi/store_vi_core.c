/* store_vi_core.c — SQL the Vi dialect runs against the core tables: it needs the
 * annotations' attrs (JSONL line id, phrase span, VQA order), per-dataset label
 * statistics for Dataset.tags, and a lean insert for the import worker. The
 * core's own stores stay untouched; every statement is scoped by workspace_id.
 * Any thread.
 */
#include "store_vi_core.h"
#include <stddef.h>
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static st_result finish_rows(sqlite3_stmt *st, int rc)
{
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_vi_annotations_by_asset(const char *workspace_id, const char *asset_id,
                                        void (*cb)(const vi_ann_row *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT id, asset_id, kind, label, geometry, text, attrs, created_at, updated_at"
                               " FROM annotations WHERE workspace_id=?1 AND asset_id=?2 ORDER BY created_at, rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vi_ann_row a = {col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4),
                        sqlite3_column_type(st, 5) == SQLITE_NULL ? NULL : col(st, 5),
                        col(st, 6), sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 8)};
        cb(&a, arg);
    }
    return finish_rows(st, rc);
}

st_result store_vi_annotations_delete(const char *workspace_id, const char *asset_id, const char *id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM annotations WHERE workspace_id=?1 AND asset_id=?2 AND id=?3");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        return ST_NOT_FOUND;
    return r;
}

st_result store_vi_annotations_has_whole(const char *workspace_id, const char *asset_id, const char *whole)
{
    sqlite3_stmt *st = db_stmt("SELECT 1 FROM annotations WHERE workspace_id=?1 AND asset_id=?2"
                               " AND kind IN ('bbox','polygon','polyline','mask','text')"
                               " AND COALESCE(json_extract(attrs, '$.vi.whole'), asset_id)=?3 LIMIT 1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, whole, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOT_FOUND : db_result(rc);
}

st_result store_vi_annotations_delete_whole(const char *workspace_id, const char *asset_id, const char *whole)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM annotations WHERE workspace_id=?1 AND asset_id=?2"
                               " AND kind IN ('bbox','polygon','polyline','mask','text')"
                               " AND COALESCE(json_extract(attrs, '$.vi.whole'), asset_id)=?3");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, whole, -1, SQLITE_STATIC);
    return db_exec_stmt(st);
}

st_result store_vi_annotations_delete_asset(const char *workspace_id, const char *asset_id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM annotations WHERE workspace_id=?1 AND asset_id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    return db_exec_stmt(st);
}

st_result store_vi_annotations_insert(const vi_ann_insert *a)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO annotations(id, workspace_id, dataset_id, asset_id, kind, label, geometry,"
                               " text, source, attrs, created_at, updated_at)"
                               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,'human',?9,?10,?10)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->label ? a->label : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->geometry ? a->geometry : "{}", -1, SQLITE_STATIC);
    if (a->text)
        sqlite3_bind_text(st, 8, a->text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 8);
    sqlite3_bind_text(st, 9, a->attrs ? a->attrs : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, a->now);
    return db_exec_stmt(st);
}

st_result store_vi_foreign_keys(int on)
{
    sqlite3_stmt *st = on ? db_stmt("PRAGMA foreign_keys=ON") : db_stmt("PRAGMA foreign_keys=OFF");
    return st ? db_exec_stmt(st) : ST_ERROR;
}

st_result store_vi_wholes_get(const char *workspace_id, const char *dataset_id, const char *whole, char asset_out[37])
{
    sqlite3_stmt *st =
        db_stmt("SELECT asset_id FROM vi_wholes WHERE workspace_id=?1 AND dataset_id=?2 AND whole_id=?3");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, whole, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    st_result r = rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOT_FOUND : db_result(rc);
    if (rc == SQLITE_ROW)
        db_col_copy(st, 0, asset_out, 37);
    sqlite3_reset(st);
    return r;
}

st_result store_vi_wholes_put(const char *workspace_id, const char *dataset_id, const char *whole, const char *asset_id)
{
    sqlite3_stmt *st = db_stmt("INSERT OR REPLACE INTO vi_wholes(workspace_id, dataset_id, whole_id, asset_id)"
                               " VALUES (?1, ?2, ?3, ?4)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, whole, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, asset_id, -1, SQLITE_STATIC);
    return db_exec_stmt(st);
}

st_result store_vi_dataset_labels(const char *workspace_id, const char *dataset_id,
                                  void (*cb)(const char *label, int64_t count, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT label, COUNT(*) FROM annotations WHERE dataset_id=?2 AND workspace_id=?1"
                               " AND kind IN ('bbox','polygon','polyline','mask') GROUP BY label ORDER BY MIN(rowid)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cb(col(st, 0), sqlite3_column_int64(st, 1), arg);
    return finish_rows(st, rc);
}

st_result store_vi_dataset_annotated(const char *workspace_id, const char *dataset_id, int64_t *out)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM assets a WHERE a.workspace_id=?1 AND a.dataset_id=?2"
                               " AND EXISTS (SELECT 1 FROM annotations n WHERE n.asset_id=a.id)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ST_OK : db_result(rc);
}

#define VI_ASSET_COLUMNS                                                                                    \
    "a.id, a.workspace_id, COALESCE(a.dataset_id,''), a.directory, a.filename, a.blob_sha256, a.mime,"      \
    " a.width, a.height, a.size, a.status, COALESCE(a.split,''), a.created_at, a.updated_at, a.attrs"

static void read_asset(sqlite3_stmt *st, asset_row *a)
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

st_result store_vi_assets_list(const char *workspace_id, const char *dataset_id,
                               void (*cb)(const vi_asset_row *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT " VI_ASSET_COLUMNS ", (SELECT COUNT(*) FROM annotations n WHERE n.asset_id=a.id)"
                               " FROM assets a WHERE a.workspace_id=?1 AND a.dataset_id=?2"
                               " ORDER BY a.created_at, a.rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vi_asset_row v;
        read_asset(st, &v.a);
        v.attrs = col(st, 14);
        v.annotations = sqlite3_column_int64(st, 15);
        cb(&v, arg);
    }
    return finish_rows(st, rc);
}

st_result store_vi_assets_get(const char *workspace_id, const char *dataset_id, const char *id, asset_row *out,
                              char **attrs_out)
{
    sqlite3_stmt *st = db_stmt("SELECT " VI_ASSET_COLUMNS " FROM assets a WHERE a.workspace_id=?1"
                               " AND a.dataset_id=?2 AND a.id=?3");
    if (!st)
        return ST_ERROR;
    if (attrs_out)
        *attrs_out = NULL;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    st_result r = rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOT_FOUND : db_result(rc);
    if (rc == SQLITE_ROW) {
        read_asset(st, out);
        if (attrs_out)
            *attrs_out = strdup(col(st, 14));
    }
    sqlite3_reset(st);
    return r;
}

st_result store_vi_assets_find(const char *workspace_id, const char *dataset_id, const char *filename,
                               asset_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " VI_ASSET_COLUMNS " FROM assets a WHERE a.workspace_id=?1"
                               " AND a.dataset_id=?2 AND a.directory='/' AND a.filename=?3");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, filename, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    st_result r = rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOT_FOUND : db_result(rc);
    if (rc == SQLITE_ROW)
        read_asset(st, out);
    sqlite3_reset(st);
    return r;
}

st_result store_vi_assets_delete(const char *workspace_id, const char *dataset_id, const char *id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM assets WHERE workspace_id=?1 AND dataset_id=?2 AND id=?3");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        return ST_NOT_FOUND;
    return r;
}

st_result store_vi_assets_replace(const asset_row *a)
{
    sqlite3_stmt *st = db_stmt("UPDATE assets SET blob_sha256=?3, mime=?4, width=?5, height=?6, size=?7,"
                               " updated_at=?8 WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, a->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->blob_sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->mime, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, a->width);
    sqlite3_bind_int(st, 6, a->height);
    sqlite3_bind_int64(st, 7, a->size);
    sqlite3_bind_int64(st, 8, a->updated_at);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        return ST_NOT_FOUND;
    return r;
}

st_result store_vi_assets_set_attrs(const char *workspace_id, const char *id, const char *attrs_json)
{
    sqlite3_stmt *st = db_stmt("UPDATE assets SET attrs=?3 WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, attrs_json ? attrs_json : "{}", -1, SQLITE_STATIC);
    return db_exec_stmt(st);
}

st_result store_vi_asset_label_counts(const char *workspace_id, const char *asset_id,
                                      void (*cb)(const char *label, int64_t count, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT label, COUNT(*) FROM annotations WHERE workspace_id=?1 AND asset_id=?2"
                               " AND kind IN ('bbox','polygon','polyline','mask') GROUP BY label ORDER BY MIN(rowid)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cb(col(st, 0), sqlite3_column_int64(st, 1), arg);
    return finish_rows(st, rc);
}
