/* store_xim_vlm_models.c — SQL for VLM model versions and their memory.
 * Every worker move is a compare-and-set on train_status inside one
 * transaction, so a task deleted or a model finished in the meantime is simply
 * left alone (ST_CONFLICT / ST_NOT_FOUND). Any thread. */
#include "store_xim_vlm_models.h"
#include "clock.h"
#include "core/ids.h"
#include "core/store_blobs.h"
#include "core/store_jobs.h"
#include "db.h"
#include "store_xim_rows.h"

#include <stdio.h>
#include <string.h>

#define MODEL_COLUMNS                                                                                        \
    "SELECT m.id, m.task_id AS task, t.name AS task_name, m.version, m.train_status, m.training_samples,"    \
    " m.test_samples, m.skipped_samples, m.error, m.spec AS spec__json, m.archive_token, m.created_at,"      \
    " m.started_at, m.finished_at, m.workspace_id AS workspace FROM xim_vlm_models m"                        \
    " JOIN xim_vlm_tasks t ON t.id=m.task_id"

st_result store_xim_vlm_models_enqueue(const char *ws, const char *task, const char *job_type, char model_out[37],
                                       int64_t *version)
{
    char job_id[37], payload[160];
    int64_t busy = 0, now = clock_now_ms();
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *chk = db_stmt("SELECT COUNT(*) FROM xim_vlm_models WHERE workspace_id=?1 AND task_id=?2"
                                " AND train_status IN ('IN_QUEUE','TRAINING')");
    sqlite3_stmt *ver = db_stmt("SELECT COALESCE(MAX(version),0)+1 FROM xim_vlm_models WHERE task_id=?1");
    sqlite3_stmt *ins = db_stmt("INSERT INTO xim_vlm_models(id, workspace_id, task_id, version, train_status, job_id,"
                                " created_at) VALUES (?1,?2,?3,?4,'IN_QUEUE',?5,?6)");
    sqlite3_stmt *upd = db_stmt("UPDATE xim_vlm_tasks SET last_train_status='IN_QUEUE', last_train_error=NULL"
                                " WHERE workspace_id=?1 AND id=?2");
    if (!chk || !ver || !ins || !upd) {
        r = ST_ERROR;
        goto fail;
    }
    sqlite3_bind_text(chk, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(chk, 2, task, -1, SQLITE_STATIC);
    if ((r = store_xim_rows_int(chk, &busy)) != ST_OK)
        goto fail;
    if (busy) {
        r = ST_CONFLICT;
        goto fail;
    }
    sqlite3_bind_text(ver, 1, task, -1, SQLITE_STATIC);
    if ((r = store_xim_rows_int(ver, version)) != ST_OK)
        goto fail;
    ids_uuid(model_out);
    snprintf(payload, sizeof payload, "{\"model\":\"%s\"}", model_out);
    if ((r = store_jobs_insert(ws, job_type, payload, now, job_id)) != ST_OK)
        goto fail;
    sqlite3_bind_text(ins, 1, model_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, task, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 4, *version);
    sqlite3_bind_text(ins, 5, job_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 6, now);
    if ((r = db_exec_stmt(ins)) != ST_OK)
        goto fail;
    sqlite3_bind_text(upd, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(upd, 2, task, -1, SQLITE_STATIC);
    if ((r = store_xim_rows_change(upd)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_xim_vlm_models_get(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(MODEL_COLUMNS " WHERE (?1 IS NULL OR m.workspace_id=?1) AND m.id=?2");
    return store_xim_rows_one_ws(st, ws, id, out);
}

st_result store_xim_vlm_models_count(const char *ws, const char *task, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM xim_vlm_models m WHERE m.workspace_id=?1"
                               " AND (?2 IS NULL OR m.task_id=?2)");
    return store_xim_rows_int_ws(st, ws, task, n);
}

st_result store_xim_vlm_models_list(const char *ws, const char *task, int64_t limit, int64_t offset, json_t **out)
{
    sqlite3_stmt *st = db_stmt(MODEL_COLUMNS " WHERE m.workspace_id=?1 AND (?2 IS NULL OR m.task_id=?2)"
                                             " ORDER BY m.rowid LIMIT ?3 OFFSET ?4");
    return store_xim_rows_page_ws(st, ws, task, limit, offset, out);
}

st_result store_xim_vlm_models_pick(const char *ws, const char *task, int64_t version, json_t **out)
{
    sqlite3_stmt *st = db_stmt(MODEL_COLUMNS " WHERE m.workspace_id=?1 AND m.task_id=?2 AND m.train_status='TRAINED'"
                                             " ORDER BY CASE WHEN ?3>0 THEN m.version=?3"
                                             "  ELSE m.version=t.production_version END DESC, m.version DESC LIMIT 1");
    return store_xim_rows_pick(st, ws, task, version, out);
}

st_result store_xim_vlm_models_begin(const char *model, const json_t *spec, const json_t *memory, int64_t training,
                                     int64_t test, int64_t skipped, int64_t now)
{
    size_t i;
    json_t *m;
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *upd = db_stmt("UPDATE xim_vlm_models SET train_status='TRAINING', spec=?2, training_samples=?3,"
                                " test_samples=?4, skipped_samples=?5, started_at=COALESCE(started_at, ?6)"
                                " WHERE id=?1 AND train_status IN ('IN_QUEUE','TRAINING')");
    sqlite3_stmt *clear = db_stmt("DELETE FROM xim_vlm_memory WHERE model_id=?1");
    sqlite3_stmt *ins = db_stmt("INSERT INTO xim_vlm_memory(workspace_id, model_id, sample_id, dataset_id, image_id,"
                                " phash, output, format) SELECT workspace_id, id, ?2, ?3, ?4, ?5, ?6, ?7"
                                " FROM xim_vlm_models WHERE id=?1");
    sqlite3_stmt *task = db_stmt("UPDATE xim_vlm_tasks SET last_train_status='TRAINING'"
                                 " WHERE id=(SELECT task_id FROM xim_vlm_models WHERE id=?1)");
    if (!upd || !clear || !ins || !task) {
        r = ST_ERROR;
        goto fail;
    }
    sqlite3_bind_text(upd, 1, model, -1, SQLITE_STATIC);
    store_xim_bind_json(upd, 2, spec);
    sqlite3_bind_int64(upd, 3, training);
    sqlite3_bind_int64(upd, 4, test);
    sqlite3_bind_int64(upd, 5, skipped);
    sqlite3_bind_int64(upd, 6, now);
    if ((r = store_xim_rows_change(upd)) != ST_OK) {
        if (r == ST_NOT_FOUND)
            r = ST_CONFLICT;
        goto fail;
    }
    sqlite3_bind_text(clear, 1, model, -1, SQLITE_STATIC);
    if ((r = db_exec_stmt(clear)) != ST_OK)
        goto fail;
    json_array_foreach(memory, i, m) {
        sqlite3_bind_text(ins, 1, model, -1, SQLITE_STATIC);
        db_bind_text(ins, 2, json_string_value(json_object_get(m, "sample_id")));
        db_bind_text(ins, 3, json_string_value(json_object_get(m, "dataset_id")));
        db_bind_text(ins, 4, json_string_value(json_object_get(m, "image_id")));
        sqlite3_bind_int64(ins, 5, json_integer_value(json_object_get(m, "phash")));
        db_bind_text(ins, 6, json_string_value(json_object_get(m, "output")));
        db_bind_text(ins, 7, json_string_value(json_object_get(m, "format")));
        if ((r = db_exec_stmt(ins)) != ST_OK)
            goto fail;
    }
    sqlite3_bind_text(task, 1, model, -1, SQLITE_STATIC);
    if ((r = db_exec_stmt(task)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_xim_vlm_models_fail(const char *model, const char *error, int64_t now)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *upd = db_stmt("UPDATE xim_vlm_models SET train_status='FAILED', error=?2, finished_at=?3"
                                " WHERE id=?1 AND train_status IN ('IN_QUEUE','TRAINING')");
    sqlite3_stmt *task = db_stmt("UPDATE xim_vlm_tasks SET last_train_status='FAILED', last_train_error=?2"
                                 " WHERE id=(SELECT task_id FROM xim_vlm_models WHERE id=?1)");
    if (!upd || !task) {
        r = ST_ERROR;
        goto fail;
    }
    sqlite3_bind_text(upd, 1, model, -1, SQLITE_STATIC);
    db_bind_text(upd, 2, error);
    sqlite3_bind_int64(upd, 3, now);
    sqlite3_bind_text(task, 1, model, -1, SQLITE_STATIC);
    db_bind_text(task, 2, error);
    if ((r = store_xim_rows_change(upd)) != ST_OK || (r = db_exec_stmt(task)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_xim_vlm_models_finish(const char *model, const void *zip, size_t zip_len, const char *zip_name,
                                      int64_t now)
{
    blob_info info;
    char token[49];
    json_t *row = NULL;
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *sel = db_stmt("SELECT workspace_id, train_status FROM xim_vlm_models WHERE id=?1");
    sqlite3_stmt *upd = db_stmt("UPDATE xim_vlm_models SET train_status='TRAINED', archive_token=?2, finished_at=?3"
                                " WHERE id=?1 AND train_status='TRAINING'");
    sqlite3_stmt *task = db_stmt(
        "UPDATE xim_vlm_tasks SET last_train_status='TRAINED', last_train_error=NULL,"
        " last_version=MAX(last_version, m.version),"
        " production_version=CASE WHEN auto_deploy THEN m.version ELSE production_version END,"
        " training_time=CAST(ROUND((?2 - m.created_at) / 1000.0) AS INTEGER)"
        " FROM (SELECT task_id, version, created_at FROM xim_vlm_models WHERE id=?1) AS m"
        " WHERE xim_vlm_tasks.id=m.task_id");
    if (!sel || !upd || !task) {
        r = ST_ERROR;
        goto fail;
    }
    sqlite3_bind_text(sel, 1, model, -1, SQLITE_STATIC);
    if ((r = store_xim_rows_one(sel, &row)) != ST_OK)
        goto fail;
    if (strcmp(json_string_value(json_object_get(row, "train_status")), "TRAINING") != 0) {
        r = ST_CONFLICT;
        goto fail;
    }
    if ((r = store_blobs_put(zip, zip_len, &info)) != ST_OK)
        goto fail;
    if ((r = store_xim_rows_download(json_string_value(json_object_get(row, "workspace_id")), info.sha256,
                                     "application/zip", info.size, zip_name, "ximilar.model", model, token)) != ST_OK)
        goto fail;
    sqlite3_bind_text(upd, 1, model, -1, SQLITE_STATIC);
    sqlite3_bind_text(upd, 2, token, -1, SQLITE_STATIC);
    sqlite3_bind_int64(upd, 3, now);
    if ((r = store_xim_rows_change(upd)) != ST_OK)
        goto fail;
    sqlite3_bind_text(task, 1, model, -1, SQLITE_STATIC);
    sqlite3_bind_int64(task, 2, now);
    if ((r = db_exec_stmt(task)) != ST_OK)
        goto fail;
    json_decref(row);
    return db_commit();
fail:
    json_decref(row);
    db_rollback();
    return r;
}

st_result store_xim_vlm_models_memory(const char *ws, const char *model, json_t **out)
{
    sqlite3_stmt *st = db_stmt("SELECT sample_id, dataset_id, image_id, phash, output, format FROM xim_vlm_memory"
                               " WHERE workspace_id=?1 AND model_id=?2 ORDER BY rowid");
    return store_xim_rows_all_ws(st, ws, model, out);
}
