/* store_xim_vlm_tasks.c — SQL for VLM tasks and task↔dataset links. The
 * production version may only point at a TRAINED version (checked in the
 * UPDATE itself, so there is no window between check and write). Any thread. */
#include "store_xim_vlm_tasks.h"
#include "clock.h"
#include "core/ids.h"
#include "db.h"
#include "store_xim_rows.h"

#define TASK_COLUMNS                                                                                         \
    "SELECT t.id, t.name, t.created_at, t.description, t.auto_deploy AS auto_deploy__bool,"                  \
    " t.production_version, t.last_version, t.max_tokens, t.training_params AS training_params__json,"        \
    " t.training_time, t.system_prompt_id, t.user_prompt_id, sp.content AS system_prompt,"                    \
    " up.content AS user_prompt, t.last_train_status, t.last_train_error, t.workspace_id AS workspace,"       \
    " (SELECT COUNT(*) FROM xim_vlm_task_datasets td WHERE td.task_id=t.id) AS dataset_count"                 \
    " FROM xim_vlm_tasks t LEFT JOIN xim_prompts sp ON sp.id=t.system_prompt_id"                              \
    " LEFT JOIN xim_prompts up ON up.id=t.user_prompt_id"

st_result store_xim_vlm_tasks_create(const char *ws, const xim_vlm_task_fields *f, char id_out[37])
{
    sqlite3_stmt *st = db_stmt("INSERT INTO xim_vlm_tasks(id, workspace_id, name, description, auto_deploy, max_tokens,"
                               " training_params, system_prompt_id, user_prompt_id, created_at, updated_at)"
                               " VALUES (?1,?2,?3,?4,?5,?6,COALESCE(?7,'{}'),?8,?9,?10,?10)");
    if (!st)
        return ST_ERROR;
    ids_uuid(id_out);
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->name, -1, SQLITE_STATIC);
    db_bind_text(st, 4, f->description);
    sqlite3_bind_int(st, 5, f->set_auto_deploy ? f->auto_deploy : 0);
    sqlite3_bind_int64(st, 6, f->set_max_tokens ? f->max_tokens : 1000);
    store_xim_bind_json(st, 7, f->training_params);
    db_bind_text(st, 8, f->system_prompt_id);
    db_bind_text(st, 9, f->user_prompt_id);
    sqlite3_bind_int64(st, 10, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_xim_vlm_tasks_get(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(TASK_COLUMNS " WHERE t.workspace_id=?1 AND t.id=?2");
    return store_xim_rows_one_ws(st, ws, id, out);
}

st_result store_xim_vlm_tasks_datasets(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt("SELECT dataset_id FROM xim_vlm_task_datasets WHERE workspace_id=?1 AND task_id=?2"
                               " ORDER BY rowid");
    *out = NULL;
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_string((const char *)sqlite3_column_text(st, 0)));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return db_result(rc);
    }
    *out = arr;
    return ST_OK;
}

st_result store_xim_vlm_tasks_count(const char *ws, const char *search, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM xim_vlm_tasks t WHERE t.workspace_id=?1"
                               " AND (?2 IS NULL OR t.name LIKE ?2 ESCAPE '\\')");
    return store_xim_rows_count_like(st, ws, search, n);
}

st_result store_xim_vlm_tasks_list(const char *ws, const char *search, int64_t limit, int64_t offset, json_t **out)
{
    sqlite3_stmt *st = db_stmt(TASK_COLUMNS " WHERE t.workspace_id=?1 AND (?2 IS NULL OR t.name LIKE ?2 ESCAPE '\\')"
                                            " ORDER BY t.rowid LIMIT ?3 OFFSET ?4");
    return store_xim_rows_page_like(st, ws, search, limit, offset, out);
}

st_result store_xim_vlm_tasks_update(const char *ws, const char *id, const xim_vlm_task_fields *f)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *chk = db_stmt("SELECT COUNT(*) FROM xim_vlm_models WHERE workspace_id=?1 AND task_id=?2"
                                " AND version=?3 AND train_status='TRAINED'");
    sqlite3_stmt *st = db_stmt("UPDATE xim_vlm_tasks SET name=CASE WHEN ?3 THEN ?4 ELSE name END,"
                               " description=CASE WHEN ?5 THEN ?6 ELSE description END,"
                               " auto_deploy=CASE WHEN ?7 THEN ?8 ELSE auto_deploy END,"
                               " max_tokens=CASE WHEN ?9 THEN ?10 ELSE max_tokens END,"
                               " training_params=CASE WHEN ?11 THEN ?12 ELSE training_params END,"
                               " system_prompt_id=CASE WHEN ?13 THEN ?14 ELSE system_prompt_id END,"
                               " user_prompt_id=CASE WHEN ?15 THEN ?16 ELSE user_prompt_id END,"
                               " production_version=CASE WHEN ?17 THEN ?18 ELSE production_version END,"
                               " updated_at=?19 WHERE workspace_id=?1 AND id=?2");
    if (!chk || !st) {
        r = ST_ERROR;
        goto fail;
    }
    if (f->set_production && f->production_version != 0) {
        int64_t n = 0;
        sqlite3_bind_text(chk, 1, ws, -1, SQLITE_STATIC);
        sqlite3_bind_text(chk, 2, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(chk, 3, f->production_version);
        if ((r = store_xim_rows_int(chk, &n)) != ST_OK)
            goto fail;
        if (n == 0) {
            r = ST_INVALID;
            goto fail;
        }
    }
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, f->set_name);
    db_bind_text(st, 4, f->name);
    sqlite3_bind_int(st, 5, f->set_description);
    db_bind_text(st, 6, f->description);
    sqlite3_bind_int(st, 7, f->set_auto_deploy);
    sqlite3_bind_int(st, 8, f->auto_deploy);
    sqlite3_bind_int(st, 9, f->set_max_tokens);
    sqlite3_bind_int64(st, 10, f->max_tokens);
    sqlite3_bind_int(st, 11, f->set_params);
    store_xim_bind_json(st, 12, f->training_params);
    sqlite3_bind_int(st, 13, f->set_system);
    db_bind_text(st, 14, f->system_prompt_id);
    sqlite3_bind_int(st, 15, f->set_user);
    db_bind_text(st, 16, f->user_prompt_id);
    sqlite3_bind_int(st, 17, f->set_production);
    sqlite3_bind_int64(st, 18, f->production_version);
    sqlite3_bind_int64(st, 19, clock_now_ms());
    if ((r = store_xim_rows_change(st)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_xim_vlm_tasks_delete(const char *ws, const char *id)
{
    sqlite3_stmt *tr = db_stmt("DELETE FROM transfers WHERE workspace_id=?1 AND token IN"
                               " (SELECT archive_token FROM xim_vlm_models WHERE workspace_id=?1 AND task_id=?2)");
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_vlm_tasks WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_delete_ws(tr, st, ws, id);
}

st_result store_xim_vlm_tasks_add_dataset(const char *ws, const char *task, const char *dataset)
{
    sqlite3_stmt *st = db_stmt("INSERT OR IGNORE INTO xim_vlm_task_datasets(workspace_id, task_id, dataset_id,"
                               " created_at) SELECT ?1, t.id, d.id, ?4 FROM xim_vlm_tasks t, xim_vlm_datasets d"
                               " WHERE t.workspace_id=?1 AND t.id=?2 AND d.workspace_id=?1 AND d.id=?3");
    sqlite3_stmt *chk = db_stmt("SELECT (SELECT COUNT(*) FROM xim_vlm_tasks WHERE workspace_id=?1 AND id=?2) +"
                                " (SELECT COUNT(*) FROM xim_vlm_datasets WHERE workspace_id=?1 AND id=?3)");
    return store_xim_rows_link(chk, st, ws, task, dataset);
}

st_result store_xim_vlm_tasks_remove_dataset(const char *ws, const char *task, const char *dataset)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_vlm_task_datasets WHERE workspace_id=?1 AND task_id=?2"
                               " AND dataset_id=?3");
    return store_xim_rows_unlink(st, ws, task, dataset);
}

st_result store_xim_vlm_tasks_annotated_samples(const char *ws, const char *task, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM xim_vlm_samples s JOIN xim_vlm_task_datasets td"
                               " ON td.dataset_id=s.dataset_id WHERE td.workspace_id=?1 AND td.task_id=?2"
                               " AND s.test=0 AND EXISTS (SELECT 1 FROM xim_vlm_values v WHERE v.sample_id=s.id)");
    return store_xim_rows_int_ws(st, ws, task, n);
}
