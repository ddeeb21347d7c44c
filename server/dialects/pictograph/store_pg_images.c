/* store_pg_images.c — SQL for the Pictograph view of assets (see the header).
 * Every statement is scoped by workspace_id. Any thread. */
#include "store_pg_images.h"
#include "db.h"

#include <stdlib.h>
#include <string.h>

/* Columns of one image, shared by every SELECT below. */
#define IMAGE_COLUMNS                                                                                              \
    "a.id, a.workspace_id, COALESCE(a.dataset_id,''), a.directory, a.filename, a.blob_sha256, a.mime, a.width,"   \
    " a.height, a.size, a.status, COALESCE(a.split,''), a.created_at, a.updated_at,"                               \
    " COALESCE(json_extract(a.attrs,'$.pictograph_tags'),'[]'),"                                                   \
    " COALESCE(json_extract(a.attrs,'$.pictograph_archived_at'),0),"                                               \
    " (SELECT COUNT(*) FROM annotations n WHERE n.asset_id=a.id AND n.kind IN ('bbox','polygon','polyline','point')),"\
    " (SELECT MIN(COALESCE(n.confidence,1.0)) FROM annotations n WHERE n.asset_id=a.id"                             \
    " AND n.kind IN ('bbox','polygon','polyline','point'))"

void pg_image_free(pg_image *im)
{
    free(im->tags);
    im->tags = NULL;
}

static int read_image(sqlite3_stmt *st, pg_image *im)
{
    memset(im, 0, sizeof *im);
    asset_row *a = &im->a;
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
    im->tags = db_col_strdup(st, 14);
    im->archived_at = sqlite3_column_int64(st, 15);
    im->annotation_count = sqlite3_column_int64(st, 16);
    im->has_min_confidence = sqlite3_column_type(st, 17) != SQLITE_NULL;
    im->min_confidence = sqlite3_column_double(st, 17);
    return im->tags ? 0 : -1;
}

static st_result get_one(sqlite3_stmt *st, pg_image *out)
{
    st_result r = db_step_row(st);
    if (r == ST_OK && read_image(st, out) != 0) {
        pg_image_free(out);
        r = ST_ERROR;
    }
    sqlite3_reset(st);
    return r;
}

st_result store_pg_images_get(const char *workspace_id, const char *id, pg_image *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " IMAGE_COLUMNS " FROM assets a WHERE a.workspace_id=?1 AND a.id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    return get_one(st, out);
}

st_result store_pg_images_by_path(const char *workspace_id, const char *dataset_id, const char *directory,
                                  const char *filename, pg_image *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " IMAGE_COLUMNS " FROM assets a WHERE a.workspace_id=?1 AND a.dataset_id=?2"
                               " AND a.directory=?3 AND a.filename=?4");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, directory, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, filename, -1, SQLITE_STATIC);
    return get_one(st, out);
}

st_result store_pg_images_by_name(const char *workspace_id, const char *dataset_id, const char *filename,
                                  pg_image *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " IMAGE_COLUMNS " FROM assets a WHERE a.workspace_id=?1 AND a.dataset_id=?2"
                               " AND a.filename=?3 ORDER BY a.directory <> '/', a.created_at, a.rowid LIMIT 1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, filename, -1, SQLITE_STATIC);
    return get_one(st, out);
}

st_result store_pg_images_ids_by_name(const char *workspace_id, const char *dataset_id, const char *filename,
                                      void (*cb)(const char *id, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT id FROM assets WHERE workspace_id=?1 AND dataset_id=?2 AND filename=?3"
                               " ORDER BY created_at, rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, filename, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cb((const char *)sqlite3_column_text(st, 0), arg);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

static void bind_filter(sqlite3_stmt *st, const char *workspace_id, const char *dataset_id, const pg_image_filter *f)
{
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    db_bind_text(st, 3, f->directory);
    db_bind_text(st, 4, f->status);
    db_bind_text(st, 5, f->split);
    db_bind_text(st, 6, f->filename);
    sqlite3_bind_int(st, 7, f->include_archived ? 1 : 0);
    if (f->has_min_confidence_lt)
        sqlite3_bind_double(st, 8, f->min_confidence_lt);
    else
        sqlite3_bind_null(st, 8);
}

#define IMAGE_FILTER                                                                                      \
    " WHERE a.workspace_id=?1 AND a.dataset_id=?2 AND (?3 IS NULL OR a.directory=?3)"                     \
    " AND (?4 IS NULL OR a.status=?4) AND (?5 IS NULL OR a.split=?5) AND (?6 IS NULL OR a.filename=?6)"    \
    " AND (?7 OR json_extract(a.attrs,'$.pictograph_archived_at') IS NULL)"                               \
    " AND (?8 IS NULL OR (SELECT MIN(COALESCE(n.confidence,1.0)) FROM annotations n WHERE n.asset_id=a.id" \
    " AND n.kind IN ('bbox','polygon','polyline','point')) < ?8)"

st_result store_pg_images_list(const char *workspace_id, const char *dataset_id, const pg_image_filter *f,
                               int64_t limit, int64_t offset, void (*cb)(const pg_image *, void *), void *arg,
                               int64_t *total)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM assets a" IMAGE_FILTER);
    if (!st)
        return ST_ERROR;
    bind_filter(st, workspace_id, dataset_id, f);
    st_result r = db_step_row(st);
    *total = r == ST_OK ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (r != ST_OK)
        return r;
    st = db_stmt("SELECT " IMAGE_COLUMNS " FROM assets a" IMAGE_FILTER
                 " ORDER BY a.created_at DESC, a.rowid DESC LIMIT ?9 OFFSET ?10");
    if (!st)
        return ST_ERROR;
    bind_filter(st, workspace_id, dataset_id, f);
    sqlite3_bind_int64(st, 9, limit);
    sqlite3_bind_int64(st, 10, offset);
    int rc;
    r = ST_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pg_image im;
        if (read_image(st, &im) != 0) {
            pg_image_free(&im);
            r = ST_ERROR;
            break;
        }
        cb(&im, arg);
        pg_image_free(&im);
    }
    sqlite3_reset(st);
    if (r != ST_OK)
        return r;
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_pg_images_archive(const char *workspace_id, const char *id, int64_t now)
{
    sqlite3_stmt *st = db_stmt("UPDATE assets SET attrs=json_set(attrs,'$.pictograph_archived_at',"
                               " COALESCE(json_extract(attrs,'$.pictograph_archived_at'), ?3)), updated_at=?3"
                               " WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        r = ST_NOT_FOUND;
    return r;
}

st_result store_pg_images_delete(const char *workspace_id, const char *id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM assets WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        r = ST_NOT_FOUND;
    return r;
}

st_result store_pg_images_add_tag(const char *workspace_id, const char *id, const char *tag, int64_t now)
{
    sqlite3_stmt *st = db_stmt("UPDATE assets SET attrs=json_set(attrs,'$.pictograph_tags',"
                               " json_insert(COALESCE(json_extract(attrs,'$.pictograph_tags'),json('[]')),'$[#]',?3)),"
                               " updated_at=?4 WHERE workspace_id=?1 AND id=?2 AND NOT EXISTS (SELECT 1 FROM"
                               " json_each(COALESCE(json_extract(assets.attrs,'$.pictograph_tags'),'[]')) WHERE value=?3)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, tag, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    return db_exec_stmt(st);
}
