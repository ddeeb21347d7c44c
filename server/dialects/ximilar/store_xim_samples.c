/* store_xim_samples.c — SQL for VLM samples and their images, objects and
 * values. Multi-row changes (adding images or objects, merging metadata) run in
 * one BEGIN IMMEDIATE transaction, which is also what makes the 10-object limit
 * race-free. Listing a page is one indexed query plus three small per-sample
 * lookups done by the caller. Any thread. */
#include "store_xim_samples.h"
#include "clock.h"
#include "core/ids.h"
#include "db.h"
#include "store_xim_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE_COLUMNS                                                                                          \
    "SELECT s.id, s.dataset_id AS dataset, d.name AS dataset_name, s.test AS test__bool, s.name, s.description," \
    " s.type, s.created_at, COALESCE(s.result_template, tp.content) AS result_template,"                        \
    " COALESCE(s.user_prompt, up.content) AS user_prompt, s.result_template AS own_result_template,"            \
    " s.user_prompt AS own_user_prompt, COALESCE(tp.format, d.format) AS result_format,"                        \
    " s.input_meta_data AS input_meta_data__json, s.meta_data AS meta_data__json,"                              \
    " (SELECT COUNT(*) FROM xim_vlm_sample_objects o WHERE o.sample_id=s.id) AS objects_count,"                 \
    " s.workspace_id AS workspace FROM xim_vlm_samples s JOIN xim_vlm_datasets d ON d.id=s.dataset_id"          \
    " LEFT JOIN xim_prompts tp ON tp.id=d.result_template_id LEFT JOIN xim_prompts up ON up.id=d.user_prompt_id"
#define SAMPLE_FILTER                                                                                           \
    " WHERE s.workspace_id=?1 AND (?2 IS NULL OR s.dataset_id=?2) AND (?3 IS NULL OR s.test=?3)"                \
    " AND (?4 IS NULL OR s.name LIKE ?4 ESCAPE '\\')"
/* The same filter for a given dataset, written so that the (workspace_id,
 * dataset_id) index applies: a deep page then skips index entries only. */
#define SAMPLE_FILTER_DATASET                                                                                   \
    " WHERE s.workspace_id=?1 AND s.dataset_id=?2 AND (?3 IS NULL OR s.test=?3)"                                \
    " AND (?4 IS NULL OR s.name LIKE ?4 ESCAPE '\\')"

st_result store_xim_samples_create(const char *ws, const xim_sample_fields *f, char id_out[37])
{
    sqlite3_stmt *st = db_stmt("INSERT INTO xim_vlm_samples(id, workspace_id, dataset_id, name, description, test, type,"
                               " result_template, user_prompt, input_meta_data, meta_data, created_at, updated_at)"
                               " SELECT ?1, ?2, d.id, ?4, ?5, ?6, ?7, ?8, ?9, COALESCE(?10,'{}'), COALESCE(?11,'{}'),"
                               " ?12, ?12 FROM xim_vlm_datasets d WHERE d.workspace_id=?2 AND d.id=?3");
    if (!st)
        return ST_ERROR;
    ids_uuid(id_out);
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->dataset, -1, SQLITE_STATIC);
    db_bind_text(st, 4, f->name);
    db_bind_text(st, 5, f->description);
    sqlite3_bind_int(st, 6, f->test);
    sqlite3_bind_text(st, 7, f->type ? f->type : "multi_random", -1, SQLITE_STATIC);
    db_bind_text(st, 8, f->result_template);
    db_bind_text(st, 9, f->user_prompt);
    store_xim_bind_json(st, 10, f->input_meta_data);
    store_xim_bind_json(st, 11, f->meta_data);
    sqlite3_bind_int64(st, 12, clock_now_ms());
    return store_xim_rows_change(st);
}

st_result store_xim_samples_get(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(SAMPLE_COLUMNS " WHERE s.workspace_id=?1 AND s.id=?2");
    return store_xim_rows_one_ws(st, ws, id, out);
}

static void bind_filter(sqlite3_stmt *st, const char *ws, const char *dataset, int test, const char *like)
{
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    db_bind_text(st, 2, dataset);
    store_xim_bind_tristate(st, 3, test);
    db_bind_text(st, 4, like);
}

st_result store_xim_samples_count(const char *ws, const char *dataset, int test, const char *search, int64_t *n)
{
    sqlite3_stmt *st = dataset ? db_stmt("SELECT COUNT(*) FROM xim_vlm_samples s" SAMPLE_FILTER_DATASET)
                               : db_stmt("SELECT COUNT(*) FROM xim_vlm_samples s" SAMPLE_FILTER);
    if (!st)
        return ST_ERROR;
    char *like = store_xim_like(search);
    bind_filter(st, ws, dataset, test, like);
    st_result r = store_xim_rows_int(st, n);
    free(like);
    return r;
}

st_result store_xim_samples_list(const char *ws, const char *dataset, int test, const char *search, int64_t limit,
                                 int64_t offset, json_t **out)
{
    /* Page the bare rowids first: the per-sample counts are then computed for
     * the page only, not for every row the sorter would see. */
    sqlite3_stmt *st = dataset ? db_stmt("WITH page AS (SELECT s.rowid AS rid FROM xim_vlm_samples s"
                                         SAMPLE_FILTER_DATASET " ORDER BY s.rowid LIMIT ?5 OFFSET ?6) "
                                         SAMPLE_COLUMNS " JOIN page ON page.rid=s.rowid ORDER BY page.rid")
                               : db_stmt("WITH page AS (SELECT s.rowid AS rid FROM xim_vlm_samples s" SAMPLE_FILTER
                                         " ORDER BY s.rowid LIMIT ?5 OFFSET ?6) " SAMPLE_COLUMNS
                                         " JOIN page ON page.rid=s.rowid ORDER BY page.rid");
    if (!st)
        return ST_ERROR;
    char *like = store_xim_like(search);
    bind_filter(st, ws, dataset, test, like);
    sqlite3_bind_int64(st, 5, limit);
    sqlite3_bind_int64(st, 6, offset);
    st_result r = store_xim_rows_all(st, out);
    free(like);
    return r;
}

st_result store_xim_samples_update(const char *ws, const char *id, const xim_sample_fields *f)
{
    sqlite3_stmt *st = db_stmt("UPDATE xim_vlm_samples SET name=CASE WHEN ?3 THEN ?4 ELSE name END,"
                               " description=CASE WHEN ?5 THEN ?6 ELSE description END,"
                               " test=CASE WHEN ?7 THEN ?8 ELSE test END, type=CASE WHEN ?9 THEN ?10 ELSE type END,"
                               " result_template=CASE WHEN ?11 THEN ?12 ELSE result_template END,"
                               " user_prompt=CASE WHEN ?13 THEN ?14 ELSE user_prompt END,"
                               " input_meta_data=CASE WHEN ?15 THEN ?16 ELSE input_meta_data END,"
                               " meta_data=CASE WHEN ?17 THEN ?18 ELSE meta_data END, updated_at=?19"
                               " WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, f->set_name);
    db_bind_text(st, 4, f->name);
    sqlite3_bind_int(st, 5, f->set_description);
    db_bind_text(st, 6, f->description);
    sqlite3_bind_int(st, 7, f->set_test);
    sqlite3_bind_int(st, 8, f->test);
    sqlite3_bind_int(st, 9, f->set_type);
    db_bind_text(st, 10, f->type);
    sqlite3_bind_int(st, 11, f->set_template);
    db_bind_text(st, 12, f->result_template);
    sqlite3_bind_int(st, 13, f->set_prompt);
    db_bind_text(st, 14, f->user_prompt);
    sqlite3_bind_int(st, 15, f->set_input);
    store_xim_bind_json(st, 16, f->input_meta_data);
    sqlite3_bind_int(st, 17, f->set_meta);
    store_xim_bind_json(st, 18, f->meta_data);
    sqlite3_bind_int64(st, 19, clock_now_ms());
    return store_xim_rows_change(st);
}

st_result store_xim_samples_merge_input(const char *ws, const char *id, const json_t *patch)
{
    json_t *current = NULL;
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *sel = db_stmt("SELECT input_meta_data AS v__json FROM xim_vlm_samples WHERE workspace_id=?1 AND id=?2");
    sqlite3_stmt *upd = db_stmt("UPDATE xim_vlm_samples SET input_meta_data=?3, updated_at=?4"
                                " WHERE workspace_id=?1 AND id=?2");
    if (!sel || !upd) {
        r = ST_ERROR;
        goto fail;
    }
    sqlite3_bind_text(sel, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(sel, 2, id, -1, SQLITE_STATIC);
    json_t *row = NULL;
    if ((r = store_xim_rows_one(sel, &row)) != ST_OK)
        goto fail;
    current = json_incref(json_object_get(row, "v"));
    json_decref(row);
    if (!json_is_object(current)) {
        json_decref(current);
        current = json_object();
    }
    json_object_update(current, (json_t *)patch);
    sqlite3_bind_text(upd, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(upd, 2, id, -1, SQLITE_STATIC);
    store_xim_bind_json(upd, 3, current);
    sqlite3_bind_int64(upd, 4, clock_now_ms());
    if ((r = db_exec_stmt(upd)) != ST_OK)
        goto fail;
    json_decref(current);
    return db_commit();
fail:
    json_decref(current);
    db_rollback();
    return r;
}

st_result store_xim_samples_delete(const char *ws, const char *id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_vlm_samples WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_change_ws(st, ws, id);
}

static int sample_in_ws(const char *ws, const char *id)
{
    sqlite3_stmt *st = db_stmt("SELECT 1 FROM xim_vlm_samples WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_exist_ws(st, ws, id);
}

st_result store_xim_samples_add_images(const char *ws, const char *id, const json_t *items, int64_t *added,
                                       char missing[37])
{
    size_t i;
    json_t *it;
    *added = 0;
    missing[0] = 0;
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *img = db_stmt("SELECT 1 FROM xim_images WHERE workspace_id=?1 AND id=?2");
    sqlite3_stmt *next = db_stmt("SELECT COALESCE(MAX(ord)+1, 0) FROM xim_vlm_sample_images WHERE sample_id=?1");
    sqlite3_stmt *shift = db_stmt("UPDATE xim_vlm_sample_images SET ord=ord+1 WHERE sample_id=?1 AND ord>=?2"
                                  " AND image_id<>?3");
    sqlite3_stmt *ins = db_stmt(
        "INSERT INTO xim_vlm_sample_images(id, workspace_id, sample_id, image_id, text, ord, resize, meta_data,"
        " created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,COALESCE(?8,'{}'),?9) ON CONFLICT(sample_id, image_id) DO UPDATE SET"
        " text=COALESCE(excluded.text, text), ord=CASE WHEN ?10 THEN excluded.ord ELSE ord END,"
        " resize=COALESCE(excluded.resize, resize), meta_data=CASE WHEN ?8 IS NULL THEN meta_data ELSE excluded.meta_data END");
    if (!img || !next || !shift || !ins) {
        r = ST_ERROR;
        goto fail;
    }
    if (!sample_in_ws(ws, id)) {
        r = ST_NOT_FOUND;
        goto fail;
    }
    json_array_foreach(items, i, it) {
        const char *image = json_string_value(json_object_get(it, "image_id"));
        int found = store_xim_rows_exist_ws(img, ws, image);
        if (!found) {
            snprintf(missing, 37, "%s", image ? image : "");
            r = ST_NOT_FOUND;
            goto fail;
        }
        json_t *order = json_object_get(it, "order");
        int64_t ord = 0;
        if (json_is_integer(order)) {
            /* An explicit position is an insertion: later images move down. */
            ord = json_integer_value(order);
            sqlite3_bind_text(shift, 1, id, -1, SQLITE_STATIC);
            sqlite3_bind_int64(shift, 2, ord);
            sqlite3_bind_text(shift, 3, image, -1, SQLITE_STATIC);
            if ((r = db_exec_stmt(shift)) != ST_OK)
                goto fail;
        } else {
            sqlite3_bind_text(next, 1, id, -1, SQLITE_STATIC);
            if ((r = store_xim_rows_int(next, &ord)) != ST_OK)
                goto fail;
        }
        char rel[37];
        ids_uuid(rel);
        sqlite3_bind_text(ins, 1, rel, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, ws, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, image, -1, SQLITE_STATIC);
        db_bind_text(ins, 5, json_string_value(json_object_get(it, "text")));
        sqlite3_bind_int64(ins, 6, ord);
        db_bind_text(ins, 7, json_string_value(json_object_get(it, "resize")));
        store_xim_bind_json(ins, 8, json_object_get(it, "meta_data"));
        sqlite3_bind_int64(ins, 9, clock_now_ms());
        sqlite3_bind_int(ins, 10, json_is_integer(order));
        if ((r = db_exec_stmt(ins)) != ST_OK)
            goto fail;
        (*added)++;
    }
    return db_commit();
fail:
    db_rollback();
    return r;
}

/* remove-images / remove-objects: in one transaction, st (?1 ws, ?2 sample,
 * ?3 member) for every id of ids; *removed counts the rows gone. */
static st_result remove_members(sqlite3_stmt *st, const char *ws, const char *id, const json_t *ids, int64_t *removed)
{
    size_t i;
    json_t *e;
    *removed = 0;
    if (!sample_in_ws(ws, id))
        return ST_NOT_FOUND;
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    if (!st) {
        r = ST_ERROR;
        goto fail;
    }
    json_array_foreach(ids, i, e) {
        sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, json_string_value(e), -1, SQLITE_STATIC);
        if ((r = db_exec_stmt(st)) != ST_OK)
            goto fail;
        *removed += sqlite3_changes(db_conn());
    }
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_xim_samples_remove_images(const char *ws, const char *id, const json_t *image_ids, int64_t *removed)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_vlm_sample_images WHERE workspace_id=?1 AND sample_id=?2"
                               " AND image_id=?3");
    return remove_members(st, ws, id, image_ids, removed);
}

st_result store_xim_samples_images(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt("SELECT si.id, si.image_id, si.text, si.ord AS \"order\", si.resize,"
                               " si.meta_data AS meta_data__json, si.workspace_id AS workspace, x.img_token,"
                               " x.thumb_token, a.filename, x.phash FROM xim_vlm_sample_images si"
                               " JOIN xim_images x ON x.id=si.image_id JOIN assets a ON a.id=si.image_id"
                               " WHERE si.workspace_id=?1 AND si.sample_id=?2 ORDER BY si.ord, si.rowid");
    return store_xim_rows_all_ws(st, ws, id, out);
}

st_result store_xim_samples_add_objects(const char *ws, const char *id, const json_t *items, int64_t *added,
                                        char missing[37])
{
    size_t i;
    json_t *it;
    int64_t count = 0;
    *added = 0;
    missing[0] = 0;
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *obj = db_stmt("SELECT 1 FROM xim_dobjects WHERE workspace_id=?1 AND id=?2");
    sqlite3_stmt *next = db_stmt("SELECT COALESCE(MAX(ord)+1, 0) FROM xim_vlm_sample_objects WHERE sample_id=?1");
    sqlite3_stmt *cnt = db_stmt("SELECT COUNT(*) FROM xim_vlm_sample_objects WHERE sample_id=?1");
    sqlite3_stmt *ins = db_stmt("INSERT OR IGNORE INTO xim_vlm_sample_objects(id, workspace_id, sample_id, object_id,"
                                " text, ord, meta_data, created_at) VALUES (?1,?2,?3,?4,?5,?6,COALESCE(?7,'{}'),?8)");
    if (!obj || !next || !cnt || !ins) {
        r = ST_ERROR;
        goto fail;
    }
    if (!sample_in_ws(ws, id)) {
        r = ST_NOT_FOUND;
        goto fail;
    }
    json_array_foreach(items, i, it) {
        const char *object = json_string_value(json_object_get(it, "object_id"));
        int found = store_xim_rows_exist_ws(obj, ws, object);
        if (!found) {
            snprintf(missing, 37, "%s", object ? object : "");
            r = ST_NOT_FOUND;
            goto fail;
        }
        json_t *order = json_object_get(it, "order");
        int64_t ord = 0;
        if (json_is_integer(order)) {
            ord = json_integer_value(order);
        } else {
            sqlite3_bind_text(next, 1, id, -1, SQLITE_STATIC);
            if ((r = store_xim_rows_int(next, &ord)) != ST_OK)
                goto fail;
        }
        char rel[37];
        ids_uuid(rel);
        sqlite3_bind_text(ins, 1, rel, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, ws, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, object, -1, SQLITE_STATIC);
        db_bind_text(ins, 5, json_string_value(json_object_get(it, "text")));
        sqlite3_bind_int64(ins, 6, ord);
        store_xim_bind_json(ins, 7, json_object_get(it, "meta_data"));
        sqlite3_bind_int64(ins, 8, clock_now_ms());
        if ((r = db_exec_stmt(ins)) != ST_OK)
            goto fail;
        *added += sqlite3_changes(db_conn());
    }
    sqlite3_bind_text(cnt, 1, id, -1, SQLITE_STATIC);
    if ((r = store_xim_rows_int(cnt, &count)) != ST_OK)
        goto fail;
    if (count > XIM_SAMPLE_MAX_OBJECTS) {
        r = ST_INVALID;
        goto fail;
    }
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_xim_samples_remove_objects(const char *ws, const char *id, const json_t *object_ids,
                                           int64_t *removed)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_vlm_sample_objects WHERE workspace_id=?1 AND sample_id=?2"
                               " AND object_id=?3");
    return remove_members(st, ws, id, object_ids, removed);
}

st_result store_xim_samples_objects(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(
        "SELECT so.id, so.object_id AS detection_object_id, o.image_id, x.img_token, o.crop_token, a.filename,"
        " l.name AS label_name, l.color AS label_color, o.xmin, o.ymin, o.xmax, o.ymax, so.text, so.ord AS \"order\","
        " so.meta_data AS meta_data__json, so.workspace_id AS workspace FROM xim_vlm_sample_objects so"
        " JOIN xim_dobjects o ON o.id=so.object_id JOIN xim_dlabels l ON l.id=o.label_id"
        " JOIN xim_images x ON x.id=o.image_id JOIN assets a ON a.id=o.image_id"
        " WHERE so.workspace_id=?1 AND so.sample_id=?2 ORDER BY so.ord, so.rowid");
    return store_xim_rows_all_ws(st, ws, id, out);
}

st_result store_xim_samples_set_value(const char *ws, const char *id, const char *variable, const json_t *value)
{
    sqlite3_stmt *chk = db_stmt("SELECT 1 FROM xim_vlm_samples s JOIN xim_vlm_variables v ON v.dataset_id=s.dataset_id"
                                " WHERE s.workspace_id=?1 AND s.id=?2 AND v.id=?3");
    sqlite3_stmt *set = db_stmt("INSERT INTO xim_vlm_values(workspace_id, sample_id, variable_id, value, updated_at)"
                                " VALUES (?1,?2,?3,?4,?5) ON CONFLICT(sample_id, variable_id) DO UPDATE SET"
                                " value=excluded.value, updated_at=excluded.updated_at");
    sqlite3_stmt *del = db_stmt("DELETE FROM xim_vlm_values WHERE workspace_id=?1 AND sample_id=?2 AND variable_id=?3");
    if (!chk || !set || !del)
        return ST_ERROR;
    sqlite3_bind_text(chk, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(chk, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(chk, 3, variable, -1, SQLITE_STATIC);
    int found = sqlite3_step(chk) == SQLITE_ROW;
    sqlite3_reset(chk);
    if (!found)
        return ST_NOT_FOUND;
    sqlite3_stmt *st = value ? set : del;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, variable, -1, SQLITE_STATIC);
    if (value) {
        store_xim_bind_json(st, 4, value);
        sqlite3_bind_int64(st, 5, clock_now_ms());
    }
    return db_exec_stmt(st);
}

st_result store_xim_samples_values(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt("SELECT x.variable_id, v.name, x.value AS value__json FROM xim_vlm_values x"
                               " JOIN xim_vlm_variables v ON v.id=x.variable_id"
                               " WHERE x.workspace_id=?1 AND x.sample_id=?2 ORDER BY v.rowid");
    return store_xim_rows_all_ws(st, ws, id, out);
}

st_result store_xim_samples_images_of(const char *ws, const json_t *ids, json_t **out)
{
    sqlite3_stmt *st = db_stmt("SELECT si.sample_id, si.id, si.image_id, si.text, si.ord AS \"order\", si.resize,"
                               " si.meta_data AS meta_data__json, si.workspace_id AS workspace, x.img_token,"
                               " x.thumb_token, a.filename, x.phash FROM xim_vlm_sample_images si"
                               " JOIN xim_images x ON x.id=si.image_id JOIN assets a ON a.id=si.image_id"
                               " WHERE si.workspace_id=?1 AND si.sample_id IN (SELECT value FROM json_each(?2))"
                               " ORDER BY si.sample_id, si.ord, si.rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    store_xim_bind_json(st, 2, ids);
    return store_xim_rows_all(st, out);
}

st_result store_xim_samples_values_of(const char *ws, const json_t *ids, json_t **out)
{
    sqlite3_stmt *st = db_stmt("SELECT x.sample_id, x.variable_id, v.name, x.value AS value__json FROM xim_vlm_values x"
                               " JOIN xim_vlm_variables v ON v.id=x.variable_id"
                               " WHERE x.workspace_id=?1 AND x.sample_id IN (SELECT value FROM json_each(?2))"
                               " ORDER BY x.sample_id, v.rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    store_xim_bind_json(st, 2, ids);
    return store_xim_rows_all(st, out);
}
