/* store_xim_detection.c — SQL for detection labels and objects. An object and
 * its crop download are written in one transaction; replacing a crop removes
 * the old download row in the same transaction. Any thread. */
#include "store_xim_detection.h"
#include "clock.h"
#include "core/ids.h"
#include "core/store_blobs.h"
#include "db.h"
#include "store_xim_rows.h"

#include <stdio.h>
#include <string.h>

st_result store_xim_dlabels_create(const char *ws, const xim_dlabel_fields *f, char id_out[37])
{
    sqlite3_stmt *st = db_stmt("INSERT INTO xim_dlabels(id, workspace_id, name, description, color, output_name,"
                               " created_at) VALUES (?1,?2,?3,?4,?5,?6,?7)");
    if (!st)
        return ST_ERROR;
    ids_uuid(id_out);
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->name, -1, SQLITE_STATIC);
    db_bind_text(st, 4, f->description);
    sqlite3_bind_text(st, 5, f->color ? f->color : "#FFFFFF", -1, SQLITE_STATIC);
    db_bind_text(st, 6, f->output_name);
    sqlite3_bind_int64(st, 7, clock_now_ms());
    return db_exec_stmt(st);
}

#define DLABEL_COLUMNS                                                                                 \
    "SELECT l.id, l.name, l.description, l.color, l.output_name, l.workspace_id AS workspace,"        \
    " l.created_at FROM xim_dlabels l"

st_result store_xim_dlabels_get(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(DLABEL_COLUMNS " WHERE l.workspace_id=?1 AND l.id=?2");
    return store_xim_rows_one_ws(st, ws, id, out);
}

st_result store_xim_dlabels_count(const char *ws, const char *search, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM xim_dlabels l WHERE l.workspace_id=?1"
                               " AND (?2 IS NULL OR l.name LIKE ?2 ESCAPE '\\')");
    return store_xim_rows_count_like(st, ws, search, n);
}

st_result store_xim_dlabels_list(const char *ws, const char *search, int64_t limit, int64_t offset, json_t **out)
{
    sqlite3_stmt *st = db_stmt(DLABEL_COLUMNS " WHERE l.workspace_id=?1 AND (?2 IS NULL OR l.name LIKE ?2 ESCAPE '\\')"
                                              " ORDER BY l.rowid LIMIT ?3 OFFSET ?4");
    return store_xim_rows_page_like(st, ws, search, limit, offset, out);
}

st_result store_xim_dlabels_update(const char *ws, const char *id, const xim_dlabel_fields *f)
{
    sqlite3_stmt *st = db_stmt("UPDATE xim_dlabels SET name=CASE WHEN ?3 THEN ?4 ELSE name END,"
                               " description=CASE WHEN ?5 THEN ?6 ELSE description END,"
                               " color=CASE WHEN ?7 THEN ?8 ELSE color END,"
                               " output_name=CASE WHEN ?9 THEN ?10 ELSE output_name END"
                               " WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, f->set_name);
    db_bind_text(st, 4, f->name);
    sqlite3_bind_int(st, 5, f->set_description);
    db_bind_text(st, 6, f->description);
    sqlite3_bind_int(st, 7, f->set_color);
    db_bind_text(st, 8, f->color);
    sqlite3_bind_int(st, 9, f->set_output_name);
    db_bind_text(st, 10, f->output_name);
    return store_xim_rows_change(st);
}

st_result store_xim_dlabels_delete(const char *ws, const char *id)
{
    sqlite3_stmt *tr = db_stmt("DELETE FROM transfers WHERE workspace_id=?1 AND token IN"
                               " (SELECT crop_token FROM xim_dobjects WHERE workspace_id=?1 AND label_id=?2)");
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_dlabels WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_delete_ws(tr, st, ws, id);
}

/* Within the caller's transaction: the crop bytes and their download. */
static st_result make_crop(const char *ws, const char *object_id, const void *png, size_t len, char token_out[49])
{
    blob_info info;
    char name[256];
    st_result r = store_blobs_put(png, len, &info);
    if (r != ST_OK)
        return r;
    snprintf(name, sizeof name, "%s-crop.png", object_id);
    return store_xim_rows_download(ws, info.sha256, "image/png", info.size, name, "ximilar.crop", object_id, token_out);
}

static st_result refs_exist(const char *ws, const char *label, const char *image)
{
    sqlite3_stmt *st = db_stmt("SELECT (SELECT COUNT(*) FROM xim_dlabels WHERE workspace_id=?1 AND id=?2) +"
                               " (SELECT COUNT(*) FROM xim_images WHERE workspace_id=?1 AND id=?3)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, image, -1, SQLITE_STATIC);
    int64_t n = 0;
    st_result r = store_xim_rows_int(st, &n);
    return r != ST_OK ? r : n == 2 ? ST_OK : ST_NOT_FOUND;
}

st_result store_xim_dobjects_create(const char *ws, const xim_dobject_fields *f, char id_out[37])
{
    char token[49];
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *st = db_stmt("INSERT INTO xim_dobjects(id, workspace_id, label_id, image_id, xmin, ymin, xmax, ymax,"
                               " meta_data, crop_token, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
    if (!st) {
        r = ST_ERROR;
        goto fail;
    }
    if ((r = refs_exist(ws, f->label_id, f->image_id)) != ST_OK)
        goto fail;
    ids_uuid(id_out);
    if ((r = make_crop(ws, id_out, f->crop_png, f->crop_len, token)) != ST_OK)
        goto fail;
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->label_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, f->image_id, -1, SQLITE_STATIC);
    for (int k = 0; k < 4; k++)
        sqlite3_bind_int(st, 5 + k, f->box[k]);
    store_xim_bind_json(st, 9, f->meta_data);
    sqlite3_bind_text(st, 10, token, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, clock_now_ms());
    if ((r = db_exec_stmt(st)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

#define DOBJECT_COLUMNS                                                                                        \
    "SELECT o.id, o.workspace_id AS workspace, o.created_at, o.xmin, o.ymin, o.xmax, o.ymax,"                 \
    " o.meta_data AS meta_data__json, o.crop_token, l.id AS label_id, l.name AS label_name,"                   \
    " l.color AS label_color, l.description AS label_description, l.output_name AS label_output_name,"        \
    " x.id AS image_id, x.img_token, x.thumb_token, a.filename, a.width AS img_width, a.height AS img_height" \
    " FROM xim_dobjects o JOIN xim_dlabels l ON l.id=o.label_id JOIN xim_images x ON x.id=o.image_id"          \
    " JOIN assets a ON a.id=o.image_id"

st_result store_xim_dobjects_get(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(DOBJECT_COLUMNS " WHERE o.workspace_id=?1 AND o.id=?2");
    return store_xim_rows_one_ws(st, ws, id, out);
}

st_result store_xim_dobjects_count(const char *ws, const char *image, const char *label, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM xim_dobjects o WHERE o.workspace_id=?1"
                               " AND (?2 IS NULL OR o.image_id=?2) AND (?3 IS NULL OR o.label_id=?3)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    db_bind_text(st, 2, image);
    db_bind_text(st, 3, label);
    return store_xim_rows_int(st, n);
}

st_result store_xim_dobjects_list(const char *ws, const char *image, const char *label, int64_t limit,
                                  int64_t offset, json_t **out)
{
    sqlite3_stmt *st = db_stmt(DOBJECT_COLUMNS " WHERE o.workspace_id=?1 AND (?2 IS NULL OR o.image_id=?2)"
                                               " AND (?3 IS NULL OR o.label_id=?3) ORDER BY o.rowid LIMIT ?4 OFFSET ?5");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    db_bind_text(st, 2, image);
    db_bind_text(st, 3, label);
    sqlite3_bind_int64(st, 4, limit);
    sqlite3_bind_int64(st, 5, offset);
    return store_xim_rows_all(st, out);
}

st_result store_xim_dobjects_update(const char *ws, const char *id, const xim_dobject_fields *f)
{
    char token[49] = "";
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *old = db_stmt("DELETE FROM transfers WHERE workspace_id=?1 AND token="
                                " (SELECT crop_token FROM xim_dobjects WHERE workspace_id=?1 AND id=?2)");
    sqlite3_stmt *st = db_stmt("UPDATE xim_dobjects SET label_id=?3, image_id=?4, xmin=?5, ymin=?6, xmax=?7, ymax=?8,"
                               " meta_data=CASE WHEN ?9 THEN ?10 ELSE meta_data END,"
                               " crop_token=COALESCE(?11, crop_token) WHERE workspace_id=?1 AND id=?2");
    if (!old || !st) {
        r = ST_ERROR;
        goto fail;
    }
    if ((r = refs_exist(ws, f->label_id, f->image_id)) != ST_OK)
        goto fail;
    if (f->crop_png) {
        sqlite3_bind_text(old, 1, ws, -1, SQLITE_STATIC);
        sqlite3_bind_text(old, 2, id, -1, SQLITE_STATIC);
        if ((r = db_exec_stmt(old)) != ST_OK || (r = make_crop(ws, id, f->crop_png, f->crop_len, token)) != ST_OK)
            goto fail;
    }
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->label_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, f->image_id, -1, SQLITE_STATIC);
    for (int k = 0; k < 4; k++)
        sqlite3_bind_int(st, 5 + k, f->box[k]);
    sqlite3_bind_int(st, 9, f->set_meta);
    store_xim_bind_json(st, 10, f->meta_data);
    db_bind_text(st, 11, token[0] ? token : NULL);
    if ((r = store_xim_rows_change(st)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_xim_dobjects_delete(const char *ws, const char *id)
{
    sqlite3_stmt *tr = db_stmt("DELETE FROM transfers WHERE workspace_id=?1 AND token="
                               " (SELECT crop_token FROM xim_dobjects WHERE workspace_id=?1 AND id=?2)");
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_dobjects WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_delete_ws(tr, st, ws, id);
}
