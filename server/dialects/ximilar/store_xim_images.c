/* store_xim_images.c — SQL for Ximilar training images (see header).
 *
 * An image is three things written together: the content-addressed blob and the
 * core asset (dataset NULL, so every dialect's core views can see it), two
 * never-expiring 'get' transfers that make img_path and thumb_img_path plain
 * unauthenticated URLs, and the xim_images row. Deleting the asset cascades to
 * the row, labels, detection objects and sample links; the transfers are
 * removed explicitly. Any thread.
 */
#include "store_xim_images.h"
#include "clock.h"
#include "core/ids.h"
#include "core/store_assets.h"
#include "core/store_blobs.h"
#include "db.h"
#include "store_xim_rows.h"

#include <stdio.h>
#include <string.h>

/* Within the caller's transaction: thumbnail blob + both tokens + the row. */
static st_result insert_row(const char *ws, const asset_row *a, const void *thumb, size_t thumb_len, uint64_t phash,
                            const json_t *meta, int test_image, int noresize)
{
    blob_info thumb_blob;
    char img_token[49], thumb_token[49], thumb_name[64];
    st_result r = store_blobs_put(thumb, thumb_len, &thumb_blob);
    if (r != ST_OK)
        return r;
    snprintf(thumb_name, sizeof thumb_name, "%s-thumb.png", a->id);
    if ((r = store_xim_rows_download(ws, a->blob_sha256, a->mime, a->size, a->filename, "ximilar.image", a->id, img_token)) !=
            ST_OK ||
        (r = store_xim_rows_download(ws, thumb_blob.sha256, "image/png", thumb_blob.size, thumb_name, "ximilar.thumb", a->id,
                           thumb_token)) != ST_OK)
        return r;
    sqlite3_stmt *st = db_stmt("INSERT INTO xim_images(id, workspace_id, img_token, thumb_token, phash, meta_data,"
                               " test_image, noresize, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, img_token, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, thumb_token, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (int64_t)phash);
    if (meta)
        store_xim_bind_json(st, 6, meta);
    else
        sqlite3_bind_text(st, 6, "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, test_image);
    sqlite3_bind_int(st, 8, noresize);
    sqlite3_bind_int64(st, 9, a->created_at ? a->created_at : clock_now_ms());
    return db_exec_stmt(st);
}

static st_result find_duplicate(const char *ws, const char *sha, char dup_out[37])
{
    sqlite3_stmt *st = db_stmt("SELECT x.id FROM xim_images x JOIN assets a ON a.id=x.id"
                               " WHERE x.workspace_id=?1 AND a.blob_sha256=?2 ORDER BY x.rowid LIMIT 1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sha, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        db_col_copy(st, 0, dup_out, 37);
    sqlite3_reset(st);
    return r == ST_OK ? ST_CONFLICT : r == ST_NOT_FOUND ? ST_OK : r;
}

st_result store_xim_images_create(const xim_image_new *in, char id_out[37], char dup_out[37])
{
    blob_info info;
    asset_row a;
    dup_out[0] = 0;
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    if ((r = store_blobs_put(in->bytes, in->len, &info)) != ST_OK)
        goto fail;
    if ((r = find_duplicate(in->workspace_id, info.sha256, dup_out)) != ST_OK)
        goto fail;
    memset(&a, 0, sizeof a);
    ids_uuid(a.id);
    snprintf(a.workspace_id, sizeof a.workspace_id, "%s", in->workspace_id);
    snprintf(a.filename, sizeof a.filename, "%s.%s", a.id, in->ext);
    snprintf(a.blob_sha256, sizeof a.blob_sha256, "%s", info.sha256);
    snprintf(a.mime, sizeof a.mime, "%s", in->mime);
    a.width = in->width;
    a.height = in->height;
    a.size = (int64_t)in->len;
    snprintf(a.status, sizeof a.status, "ready");
    if ((r = store_assets_create(&a)) != ST_OK)
        goto fail;
    if ((r = insert_row(in->workspace_id, &a, in->thumb_png, in->thumb_len, in->phash, in->meta_data, in->test_image,
                        in->noresize)) != ST_OK)
        goto fail;
    if ((r = db_commit()) != ST_OK)
        return r;
    snprintf(id_out, 37, "%s", a.id);
    return ST_OK;
fail:
    db_rollback();
    return r;
}

int store_xim_images_adoptable(const char *ws, const char *id)
{
    sqlite3_stmt *st = db_stmt("SELECT 1 FROM assets a WHERE a.workspace_id=?1 AND a.id=?2"
                               " AND NOT EXISTS (SELECT 1 FROM xim_images x WHERE x.id=a.id)");
    return store_xim_rows_exist_ws(st, ws, id);
}

st_result store_xim_images_adopt(const char *ws, const char *asset_id, const void *thumb_png, size_t thumb_len,
                                 uint64_t phash)
{
    asset_row a;
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    if ((r = store_assets_get(ws, asset_id, &a)) != ST_OK)
        goto fail;
    if (!store_xim_images_adoptable(ws, asset_id)) {
        db_rollback();
        return ST_OK;
    }
    if ((r = insert_row(ws, &a, thumb_png, thumb_len, phash, NULL, 0, 0)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_xim_images_get(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(
        "SELECT x.id, x.workspace_id AS workspace, x.created_at, x.img_token, x.thumb_token, a.filename,"
        " a.width AS img_width, a.height AS img_height, x.meta_data AS meta_data__json,"
        " x.test_image AS test_image__bool, x.real AS real__bool, x.verify_count, x.noresize AS noresize__bool,"
        " x.phash, a.blob_sha256, a.mime FROM xim_images x JOIN assets a ON a.id=x.id"
        " WHERE x.workspace_id=?1 AND x.id=?2");
    return store_xim_rows_one_ws(st, ws, id, out);
}

st_result store_xim_images_labels(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt("SELECT l.id, l.name, l.type, il.value FROM xim_image_labels il"
                               " JOIN xim_labels l ON l.id=il.label_id"
                               " WHERE il.workspace_id=?1 AND il.image_id=?2 ORDER BY il.rowid");
    return store_xim_rows_all_ws(st, ws, id, out);
}

#define IMAGE_FILTER                                                                                            \
    " WHERE x.workspace_id=?1 AND (?2 IS NULL OR x.test_image=?2) AND (?3 IS NULL OR x.real=?3)"               \
    " AND (?4 IS NULL OR (x.verify_count>0)=?4)"                                                                \
    " AND (?5 IS NULL OR EXISTS (SELECT 1 FROM xim_image_labels l WHERE l.image_id=x.id AND l.label_id=?5))"    \
    " AND (?6 IS NULL OR NOT EXISTS (SELECT 1 FROM xim_image_labels l WHERE l.image_id=x.id AND l.label_id=?6))" \
    " AND (?7 IS NULL OR EXISTS (SELECT 1 FROM xim_dobjects o WHERE o.image_id=x.id AND o.label_id=?7))"

static void bind_filter(sqlite3_stmt *st, const char *ws, const xim_image_filter *f)
{
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    store_xim_bind_tristate(st, 2, f->test);
    store_xim_bind_tristate(st, 3, f->real);
    store_xim_bind_tristate(st, 4, f->verified);
    db_bind_text(st, 5, f->label);
    db_bind_text(st, 6, f->not_label);
    db_bind_text(st, 7, f->detection_label);
}

st_result store_xim_images_count(const char *ws, const xim_image_filter *f, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM xim_images x" IMAGE_FILTER);
    if (!st)
        return ST_ERROR;
    bind_filter(st, ws, f);
    return store_xim_rows_int(st, n);
}

st_result store_xim_images_list(const char *ws, const xim_image_filter *f, int64_t limit, int64_t offset,
                                json_t **out)
{
    sqlite3_stmt *st = db_stmt(
        "SELECT x.id, x.workspace_id AS workspace, x.created_at, x.img_token, x.thumb_token, a.filename,"
        " a.width AS img_width, a.height AS img_height, x.meta_data AS meta_data__json,"
        " x.test_image AS test_image__bool, x.real AS real__bool, x.verify_count, x.noresize AS noresize__bool,"
        " x.phash, a.blob_sha256, a.mime FROM xim_images x JOIN assets a ON a.id=x.id" IMAGE_FILTER
        " ORDER BY x.rowid LIMIT ?8 OFFSET ?9");
    if (!st)
        return ST_ERROR;
    bind_filter(st, ws, f);
    sqlite3_bind_int64(st, 8, limit);
    sqlite3_bind_int64(st, 9, offset);
    return store_xim_rows_all(st, out);
}

st_result store_xim_images_set_meta(const char *ws, const char *id, const json_t *meta)
{
    sqlite3_stmt *st = db_stmt("UPDATE xim_images SET meta_data=?3 WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    store_xim_bind_json(st, 3, meta);
    return store_xim_rows_change(st);
}

st_result store_xim_images_set_flags(const char *ws, const char *id, int test_image, int real)
{
    sqlite3_stmt *st = db_stmt("UPDATE xim_images SET test_image=COALESCE(?3, test_image), real=COALESCE(?4, real)"
                               " WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    store_xim_bind_tristate(st, 3, test_image);
    store_xim_bind_tristate(st, 4, real);
    return store_xim_rows_change(st);
}

st_result store_xim_images_delete(const char *ws, const char *id)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *tr = db_stmt("DELETE FROM transfers WHERE workspace_id=?1 AND token IN"
                               " (SELECT img_token FROM xim_images WHERE workspace_id=?1 AND id=?2"
                               "  UNION ALL SELECT thumb_token FROM xim_images WHERE workspace_id=?1 AND id=?2"
                               "  UNION ALL SELECT crop_token FROM xim_dobjects WHERE workspace_id=?1 AND image_id=?2)");
    sqlite3_stmt *as = db_stmt("DELETE FROM assets WHERE workspace_id=?1 AND id=?2"
                               " AND EXISTS (SELECT 1 FROM xim_images x WHERE x.id=?2)");
    if (!tr || !as) {
        r = ST_ERROR;
        goto fail;
    }
    sqlite3_bind_text(tr, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(tr, 2, id, -1, SQLITE_STATIC);
    if ((r = db_exec_stmt(tr)) != ST_OK)
        goto fail;
    sqlite3_bind_text(as, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(as, 2, id, -1, SQLITE_STATIC);
    if ((r = store_xim_rows_change(as)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

static int label_in_ws(const char *ws, const char *label_id)
{
    sqlite3_stmt *st = db_stmt("SELECT 1 FROM xim_labels WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_exist_ws(st, ws, label_id);
}

static int image_in_ws(const char *ws, const char *id)
{
    sqlite3_stmt *st = db_stmt("SELECT 1 FROM xim_images WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_exist_ws(st, ws, id);
}

static st_result link_label(const char *ws, const char *id, const char *label_id, const char *value)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO xim_image_labels(workspace_id, image_id, label_id, value, created_at)"
                               " VALUES (?1,?2,?3,?4,?5) ON CONFLICT(image_id, label_id) DO UPDATE SET"
                               " value=COALESCE(excluded.value, value)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, label_id, -1, SQLITE_STATIC);
    db_bind_text(st, 4, value);
    sqlite3_bind_int64(st, 5, clock_now_ms());
    return db_exec_stmt(st);
}

static st_result unlink_label(const char *ws, const char *id, const char *label_id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_image_labels WHERE workspace_id=?1 AND image_id=?2 AND label_id=?3");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, label_id, -1, SQLITE_STATIC);
    return db_exec_stmt(st);
}

st_result store_xim_images_add_label(const char *ws, const char *id, const char *label_id, const char *value)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    if (!image_in_ws(ws, id) || !label_in_ws(ws, label_id)) {
        r = ST_NOT_FOUND;
        goto fail;
    }
    if ((r = link_label(ws, id, label_id, value)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_xim_images_remove_label(const char *ws, const char *id, const char *label_id)
{
    if (!image_in_ws(ws, id) || !label_in_ws(ws, label_id))
        return ST_NOT_FOUND;
    return unlink_label(ws, id, label_id);
}

static const char *id_of(const json_t *e)
{
    if (json_is_object(e))
        e = json_object_get(e, "id");
    return json_string_value(e);
}

st_result store_xim_images_batch(const char *ws, const json_t *ids, const json_t *labels_set,
                                 const json_t *labels_add, const json_t *labels_remove, int test, int real,
                                 int64_t *updated, char missing[37])
{
    size_t i, k;
    json_t *e, *l;
    const json_t *lists[3] = {labels_set, labels_add, labels_remove};
    *updated = 0;
    missing[0] = 0;
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    for (int li = 0; li < 3; li++)
        json_array_foreach(lists[li], k, l) if (!label_in_ws(ws, id_of(l)))
        {
            snprintf(missing, 37, "%s", id_of(l));
            r = ST_NOT_FOUND;
            goto fail;
        }
    json_array_foreach(ids, i, e)
    {
        const char *id = id_of(e);
        if (!image_in_ws(ws, id)) {
            snprintf(missing, 37, "%s", id);
            r = ST_NOT_FOUND;
            goto fail;
        }
        if (labels_set) {
            sqlite3_stmt *clear = db_stmt("DELETE FROM xim_image_labels WHERE workspace_id=?1 AND image_id=?2");
            if (!clear) {
                r = ST_ERROR;
                goto fail;
            }
            sqlite3_bind_text(clear, 1, ws, -1, SQLITE_STATIC);
            sqlite3_bind_text(clear, 2, id, -1, SQLITE_STATIC);
            if ((r = db_exec_stmt(clear)) != ST_OK)
                goto fail;
            json_array_foreach(labels_set, k, l) if ((r = link_label(ws, id, id_of(l), NULL)) != ST_OK) goto fail;
        }
        json_array_foreach(labels_add, k, l) if ((r = link_label(ws, id, id_of(l), NULL)) != ST_OK) goto fail;
        json_array_foreach(labels_remove, k, l) if ((r = unlink_label(ws, id, id_of(l))) != ST_OK) goto fail;
        if ((test >= 0 || real >= 0) && (r = store_xim_images_set_flags(ws, id, test, real)) != ST_OK)
            goto fail;
        (*updated)++;
    }
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_xim_images_bytes(const char *ws, const char *id, unsigned char **data, size_t *len, char mime[64])
{
    sqlite3_stmt *st = db_stmt("SELECT a.blob_sha256, a.mime FROM assets a WHERE a.workspace_id=?1 AND a.id=?2");
    char sha[65] = "";
    *data = NULL;
    *len = 0;
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK) {
        db_col_copy(st, 0, sha, sizeof sha);
        db_col_copy(st, 1, mime, 64);
    }
    sqlite3_reset(st);
    if (r != ST_OK)
        return r;
    return store_blobs_load(sha, data, len);
}
