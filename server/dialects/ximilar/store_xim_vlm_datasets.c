/* store_xim_vlm_datasets.c — SQL for VLM datasets. Prompt texts and the
 * result format are resolved by joins on every read; counts are index lookups.
 * Any thread. */
#include "store_xim_vlm_datasets.h"
#include "clock.h"
#include "core/ids.h"
#include "db.h"
#include "store_xim_rows.h"

#define DATASET_COLUMNS                                                                                         \
    "SELECT d.id, d.name, d.description, d.created_at, d.updated_at, d.format, tp.format AS template_format,"  \
    " d.system_prompt_id, d.user_prompt_id, d.result_template_id, sp.content AS system_prompt,"                \
    " up.content AS user_prompt, tp.content AS result_template,"                                               \
    " d.default_input_meta_data AS default_input_meta_data__json, d.meta_data AS meta_data__json,"             \
    " (SELECT COUNT(*) FROM xim_vlm_samples s WHERE s.dataset_id=d.id) AS samples_count,"                      \
    " (SELECT COUNT(*) FROM xim_vlm_variables v WHERE v.dataset_id=d.id) AS variables_count,"                  \
    " d.workspace_id AS workspace FROM xim_vlm_datasets d"                                                      \
    " LEFT JOIN xim_prompts sp ON sp.id=d.system_prompt_id LEFT JOIN xim_prompts up ON up.id=d.user_prompt_id"  \
    " LEFT JOIN xim_prompts tp ON tp.id=d.result_template_id"

st_result store_xim_vlm_datasets_create(const char *ws, const xim_vlm_dataset_fields *f, char id_out[37])
{
    sqlite3_stmt *st = db_stmt("INSERT INTO xim_vlm_datasets(id, workspace_id, name, description, format,"
                               " system_prompt_id, user_prompt_id, result_template_id, default_input_meta_data,"
                               " meta_data, created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,"
                               " COALESCE(?9,'{}'),COALESCE(?10,'{}'),?11,?11)");
    if (!st)
        return ST_ERROR;
    ids_uuid(id_out);
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->name, -1, SQLITE_STATIC);
    db_bind_text(st, 4, f->description);
    db_bind_text(st, 5, f->format);
    db_bind_text(st, 6, f->system_prompt_id);
    db_bind_text(st, 7, f->user_prompt_id);
    db_bind_text(st, 8, f->result_template_id);
    store_xim_bind_json(st, 9, f->default_input_meta_data);
    store_xim_bind_json(st, 10, f->meta_data);
    sqlite3_bind_int64(st, 11, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_xim_vlm_datasets_get(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(DATASET_COLUMNS " WHERE d.workspace_id=?1 AND d.id=?2");
    return store_xim_rows_one_ws(st, ws, id, out);
}

st_result store_xim_vlm_datasets_count(const char *ws, const char *search, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM xim_vlm_datasets d WHERE d.workspace_id=?1"
                               " AND (?2 IS NULL OR d.name LIKE ?2 ESCAPE '\\')");
    return store_xim_rows_count_like(st, ws, search, n);
}

st_result store_xim_vlm_datasets_list(const char *ws, const char *search, int64_t limit, int64_t offset,
                                      json_t **out)
{
    /* Page first, then count samples and variables for the page's rows only. */
    sqlite3_stmt *st = db_stmt("WITH page AS (SELECT d.rowid AS rid FROM xim_vlm_datasets d WHERE d.workspace_id=?1"
                               " AND (?2 IS NULL OR d.name LIKE ?2 ESCAPE '\\') ORDER BY d.rowid LIMIT ?3 OFFSET ?4) "
                               DATASET_COLUMNS " JOIN page ON page.rid=d.rowid ORDER BY page.rid");
    return store_xim_rows_page_like(st, ws, search, limit, offset, out);
}

st_result store_xim_vlm_datasets_update(const char *ws, const char *id, const xim_vlm_dataset_fields *f)
{
    sqlite3_stmt *st = db_stmt("UPDATE xim_vlm_datasets SET name=CASE WHEN ?3 THEN ?4 ELSE name END,"
                               " description=CASE WHEN ?5 THEN ?6 ELSE description END,"
                               " format=CASE WHEN ?7 THEN ?8 ELSE format END,"
                               " system_prompt_id=CASE WHEN ?9 THEN ?10 ELSE system_prompt_id END,"
                               " user_prompt_id=CASE WHEN ?11 THEN ?12 ELSE user_prompt_id END,"
                               " result_template_id=CASE WHEN ?13 THEN ?14 ELSE result_template_id END,"
                               " default_input_meta_data=CASE WHEN ?15 THEN ?16 ELSE default_input_meta_data END,"
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
    sqlite3_bind_int(st, 7, f->set_format);
    db_bind_text(st, 8, f->format);
    sqlite3_bind_int(st, 9, f->set_system);
    db_bind_text(st, 10, f->system_prompt_id);
    sqlite3_bind_int(st, 11, f->set_user);
    db_bind_text(st, 12, f->user_prompt_id);
    sqlite3_bind_int(st, 13, f->set_template);
    db_bind_text(st, 14, f->result_template_id);
    sqlite3_bind_int(st, 15, f->set_defaults);
    store_xim_bind_json(st, 16, f->default_input_meta_data);
    sqlite3_bind_int(st, 17, f->set_meta);
    store_xim_bind_json(st, 18, f->meta_data);
    sqlite3_bind_int64(st, 19, clock_now_ms());
    return store_xim_rows_change(st);
}

st_result store_xim_vlm_datasets_delete(const char *ws, const char *id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_vlm_datasets WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_change_ws(st, ws, id);
}
