/* store_xim_rtasks.c — SQL for recognition tasks, labels links, model versions
 * and their memory. A training snapshots the task's labelled images when it
 * starts (so later label edits do not change a trained version) and the version
 * number is taken when it is queued. Any thread. */
#include "store_xim_rtasks.h"
#include "clock.h"
#include "core/ids.h"
#include "core/store_jobs.h"
#include "db.h"
#include "store_xim_rows.h"

#include <stdio.h>
#include <string.h>

#define RTASK_COLUMNS                                                                                         \
    "SELECT t.id, t.name, t.type, t.description, t.production_version, t.last_train_status,"                 \
    " t.last_train_error, t.workspace_id AS workspace, t.created_at FROM xim_rtasks t"

st_result store_xim_rtasks_create(const char *ws, const xim_rtask_fields *f, char id_out[37])
{
    sqlite3_stmt *st = db_stmt("INSERT INTO xim_rtasks(id, workspace_id, name, type, description, created_at)"
                               " VALUES (?1,?2,?3,?4,?5,?6)");
    if (!st)
        return ST_ERROR;
    ids_uuid(id_out);
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, f->type ? f->type : "multi_class", -1, SQLITE_STATIC);
    db_bind_text(st, 5, f->description);
    sqlite3_bind_int64(st, 6, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_xim_rtasks_get(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(RTASK_COLUMNS " WHERE t.workspace_id=?1 AND t.id=?2");
    return store_xim_rows_one_ws(st, ws, id, out);
}

st_result store_xim_rtasks_count(const char *ws, const char *search, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM xim_rtasks t WHERE t.workspace_id=?1"
                               " AND (?2 IS NULL OR t.name LIKE ?2 ESCAPE '\\')");
    return store_xim_rows_count_like(st, ws, search, n);
}

st_result store_xim_rtasks_list(const char *ws, const char *search, int64_t limit, int64_t offset, json_t **out)
{
    sqlite3_stmt *st = db_stmt(RTASK_COLUMNS " WHERE t.workspace_id=?1 AND (?2 IS NULL OR t.name LIKE ?2 ESCAPE '\\')"
                                             " ORDER BY t.rowid LIMIT ?3 OFFSET ?4");
    return store_xim_rows_page_like(st, ws, search, limit, offset, out);
}

st_result store_xim_rtasks_update(const char *ws, const char *id, const xim_rtask_fields *f)
{
    sqlite3_stmt *st = db_stmt("UPDATE xim_rtasks SET name=CASE WHEN ?3 THEN ?4 ELSE name END,"
                               " type=CASE WHEN ?5 THEN ?6 ELSE type END,"
                               " description=CASE WHEN ?7 THEN ?8 ELSE description END"
                               " WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, f->set_name);
    db_bind_text(st, 4, f->name);
    sqlite3_bind_int(st, 5, f->set_type);
    db_bind_text(st, 6, f->type);
    sqlite3_bind_int(st, 7, f->set_description);
    db_bind_text(st, 8, f->description);
    return store_xim_rows_change(st);
}

st_result store_xim_rtasks_delete(const char *ws, const char *id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_rtasks WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_change_ws(st, ws, id);
}

st_result store_xim_rtasks_add_label(const char *ws, const char *task, const char *label)
{
    sqlite3_stmt *st = db_stmt("INSERT OR IGNORE INTO xim_rtask_labels(workspace_id, task_id, label_id, created_at)"
                               " SELECT ?1, t.id, l.id, ?4 FROM xim_rtasks t, xim_labels l"
                               " WHERE t.workspace_id=?1 AND t.id=?2 AND l.workspace_id=?1 AND l.id=?3");
    sqlite3_stmt *chk = db_stmt("SELECT (SELECT COUNT(*) FROM xim_rtasks WHERE workspace_id=?1 AND id=?2) +"
                                " (SELECT COUNT(*) FROM xim_labels WHERE workspace_id=?1 AND id=?3)");
    return store_xim_rows_link(chk, st, ws, task, label);
}

st_result store_xim_rtasks_remove_label(const char *ws, const char *task, const char *label)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_rtask_labels WHERE workspace_id=?1 AND task_id=?2 AND label_id=?3");
    return store_xim_rows_unlink(st, ws, task, label);
}

st_result store_xim_rtasks_labels(const char *ws, const char *task, json_t **out)
{
    sqlite3_stmt *st = db_stmt("SELECT l.id, l.name, l.type, l.output_name FROM xim_rtask_labels tl"
                               " JOIN xim_labels l ON l.id=tl.label_id WHERE tl.workspace_id=?1 AND tl.task_id=?2"
                               " ORDER BY tl.rowid");
    return store_xim_rows_all_ws(st, ws, task, out);
}

st_result store_xim_rtasks_labelled_images(const char *ws, const char *task, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(DISTINCT il.image_id) FROM xim_image_labels il"
                               " JOIN xim_rtask_labels tl ON tl.label_id=il.label_id"
                               " WHERE tl.workspace_id=?1 AND tl.task_id=?2");
    return store_xim_rows_int_ws(st, ws, task, n);
}

st_result store_xim_rtasks_enqueue(const char *ws, const char *task, const char *job_type, char model_out[37],
                                   int64_t *version)
{
    char job_id[37], payload[160];
    int64_t busy = 0, now = clock_now_ms();
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *chk = db_stmt("SELECT COUNT(*) FROM xim_rmodels WHERE workspace_id=?1 AND task_id=?2"
                                " AND train_status IN ('IN_QUEUE','TRAINING')");
    sqlite3_stmt *ver = db_stmt("SELECT COALESCE(MAX(version),0)+1 FROM xim_rmodels WHERE task_id=?1");
    sqlite3_stmt *ins = db_stmt("INSERT INTO xim_rmodels(id, workspace_id, task_id, version, train_status, created_at)"
                                " VALUES (?1,?2,?3,?4,'IN_QUEUE',?5)");
    sqlite3_stmt *upd = db_stmt("UPDATE xim_rtasks SET last_train_status='IN_QUEUE', last_train_error=NULL"
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
    sqlite3_bind_text(ins, 1, model_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, task, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 4, *version);
    sqlite3_bind_int64(ins, 5, now);
    if ((r = db_exec_stmt(ins)) != ST_OK)
        goto fail;
    sqlite3_bind_text(upd, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(upd, 2, task, -1, SQLITE_STATIC);
    if ((r = store_xim_rows_change(upd)) != ST_OK)
        goto fail;
    snprintf(payload, sizeof payload, "{\"model\":\"%s\"}", model_out);
    if ((r = store_jobs_insert(ws, job_type, payload, now, job_id)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_xim_rmodels_begin(const char *model, int64_t now, int64_t *images)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *clear = db_stmt("DELETE FROM xim_rmodel_memory WHERE model_id=?1");
    sqlite3_stmt *mem = db_stmt(
        "INSERT INTO xim_rmodel_memory(workspace_id, model_id, image_id, phash, labels)"
        " SELECT m.workspace_id, m.id, x.id, x.phash,"
        "  (SELECT json_group_array(json_object('id', l.id, 'name', l.name)) FROM xim_image_labels il2"
        "   JOIN xim_rtask_labels tl2 ON tl2.label_id=il2.label_id AND tl2.task_id=m.task_id"
        "   JOIN xim_labels l ON l.id=il2.label_id WHERE il2.image_id=x.id)"
        " FROM xim_rmodels m JOIN xim_images x ON x.workspace_id=m.workspace_id"
        " WHERE m.id=?1 AND x.test_image=0 AND EXISTS (SELECT 1 FROM xim_image_labels il"
        "  JOIN xim_rtask_labels tl ON tl.label_id=il.label_id WHERE tl.task_id=m.task_id AND il.image_id=x.id)");
    sqlite3_stmt *upd = db_stmt("UPDATE xim_rmodels SET train_status='TRAINING', started_at=?2,"
                                " images_count=(SELECT COUNT(*) FROM xim_rmodel_memory WHERE model_id=?1)"
                                " WHERE id=?1 AND train_status IN ('IN_QUEUE','TRAINING')");
    sqlite3_stmt *task = db_stmt("UPDATE xim_rtasks SET last_train_status='TRAINING'"
                                 " WHERE id=(SELECT task_id FROM xim_rmodels WHERE id=?1)");
    sqlite3_stmt *cnt = db_stmt("SELECT images_count FROM xim_rmodels WHERE id=?1");
    if (!clear || !mem || !upd || !task || !cnt) {
        r = ST_ERROR;
        goto fail;
    }
    sqlite3_bind_text(clear, 1, model, -1, SQLITE_STATIC);
    sqlite3_bind_text(mem, 1, model, -1, SQLITE_STATIC);
    sqlite3_bind_text(upd, 1, model, -1, SQLITE_STATIC);
    sqlite3_bind_int64(upd, 2, now);
    sqlite3_bind_text(task, 1, model, -1, SQLITE_STATIC);
    sqlite3_bind_text(cnt, 1, model, -1, SQLITE_STATIC);
    if ((r = db_exec_stmt(clear)) != ST_OK || (r = db_exec_stmt(mem)) != ST_OK ||
        (r = store_xim_rows_change(upd)) != ST_OK || (r = db_exec_stmt(task)) != ST_OK ||
        (r = store_xim_rows_int(cnt, images)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_xim_rmodels_finish(const char *model, int ok, const char *error, int64_t now)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *upd = db_stmt("UPDATE xim_rmodels SET train_status=?2, error=?3, finished_at=?4"
                                " WHERE id=?1 AND train_status IN ('IN_QUEUE','TRAINING')");
    sqlite3_stmt *task = db_stmt(
        "UPDATE xim_rtasks SET last_train_status=?2, last_train_error=?3,"
        " production_version=CASE WHEN ?2='TRAINED' THEN (SELECT version FROM xim_rmodels WHERE id=?1)"
        "  ELSE production_version END WHERE id=(SELECT task_id FROM xim_rmodels WHERE id=?1)");
    if (!upd || !task) {
        r = ST_ERROR;
        goto fail;
    }
    const char *state = ok ? "TRAINED" : "FAILED";
    sqlite3_bind_text(upd, 1, model, -1, SQLITE_STATIC);
    sqlite3_bind_text(upd, 2, state, -1, SQLITE_STATIC);
    db_bind_text(upd, 3, error);
    sqlite3_bind_int64(upd, 4, now);
    sqlite3_bind_text(task, 1, model, -1, SQLITE_STATIC);
    sqlite3_bind_text(task, 2, state, -1, SQLITE_STATIC);
    db_bind_text(task, 3, error);
    if ((r = store_xim_rows_change(upd)) != ST_OK || (r = db_exec_stmt(task)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

#define RMODEL_COLUMNS                                                                                        \
    "SELECT m.id, m.task_id AS task, t.name AS task_name, m.version, m.train_status, m.images_count, m.error," \
    " m.workspace_id AS workspace, m.created_at, m.started_at, m.finished_at FROM xim_rmodels m"               \
    " JOIN xim_rtasks t ON t.id=m.task_id"

st_result store_xim_rmodels_get(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(RMODEL_COLUMNS " WHERE (?1 IS NULL OR m.workspace_id=?1) AND m.id=?2");
    return store_xim_rows_one_ws(st, ws, id, out);
}

st_result store_xim_rmodels_state(const char *model, char state_out[16])
{
    sqlite3_stmt *st = db_stmt("SELECT train_status FROM xim_rmodels WHERE id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, model, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        db_col_copy(st, 0, state_out, 16);
    sqlite3_reset(st);
    return r;
}

st_result store_xim_rmodels_count(const char *ws, const char *task, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM xim_rmodels m WHERE m.workspace_id=?1"
                               " AND (?2 IS NULL OR m.task_id=?2)");
    return store_xim_rows_int_ws(st, ws, task, n);
}

st_result store_xim_rmodels_list(const char *ws, const char *task, int64_t limit, int64_t offset, json_t **out)
{
    sqlite3_stmt *st = db_stmt(RMODEL_COLUMNS " WHERE m.workspace_id=?1 AND (?2 IS NULL OR m.task_id=?2)"
                                              " ORDER BY m.rowid LIMIT ?3 OFFSET ?4");
    return store_xim_rows_page_ws(st, ws, task, limit, offset, out);
}

st_result store_xim_rmodels_pick(const char *ws, const char *task, int64_t version, json_t **out)
{
    sqlite3_stmt *st = db_stmt(RMODEL_COLUMNS " WHERE m.workspace_id=?1 AND m.task_id=?2 AND m.train_status='TRAINED'"
                                              " ORDER BY CASE WHEN ?3>0 THEN m.version=?3"
                                              "  ELSE m.version=COALESCE(t.production_version,-1) END DESC,"
                                              "  m.version DESC LIMIT 1");
    return store_xim_rows_pick(st, ws, task, version, out);
}

st_result store_xim_rmodels_memory(const char *ws, const char *model, json_t **out)
{
    sqlite3_stmt *st = db_stmt("SELECT image_id, phash, labels AS labels__json FROM xim_rmodel_memory"
                               " WHERE workspace_id=?1 AND model_id=?2 ORDER BY rowid");
    return store_xim_rows_all_ws(st, ws, model, out);
}
