/* store_models.c — SQL for trained models and their memory (see
 * store_models.h). Reads join workspaces so a model of a deleted workspace is
 * gone at once, before its purge removes the rows. Writes join the caller's
 * transaction (the training job commits a batch of memory rows, or a model's
 * final state with its run, atomically). Any thread.
 */
#include "store_models.h"
#include "../db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODEL_COLUMNS                                                                                        \
    "m.id, m.workspace_id, m.task, m.system_prompt, m.dataset_id, m.state, m.items, m.created_at, m.updated_at"

void model_row_free(model_row *m)
{
    free(m->system_prompt);
    m->system_prompt = NULL;
}

static void read_model(sqlite3_stmt *st, model_row *m)
{
    memset(m, 0, sizeof *m);
    db_col_copy(st, 0, m->id, sizeof m->id);
    db_col_copy(st, 1, m->workspace_id, sizeof m->workspace_id);
    db_col_copy(st, 2, m->task, sizeof m->task);
    m->system_prompt = db_col_strdup(st, 3);
    db_col_copy(st, 4, m->dataset_id, sizeof m->dataset_id);
    db_col_copy(st, 5, m->state, sizeof m->state);
    m->items = sqlite3_column_int64(st, 6);
    m->created_at = sqlite3_column_int64(st, 7);
    m->updated_at = sqlite3_column_int64(st, 8);
}

st_result store_models_create(const model_row *m)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO predict_models(id, workspace_id, task, system_prompt, dataset_id, state,"
                               " items, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'training', 0, ?6, ?6)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->task, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, m->system_prompt ? m->system_prompt : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, m->dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, m->created_at);
    return db_exec_stmt(st);
}

st_result store_models_get(const char *workspace_id, const char *id, model_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " MODEL_COLUMNS " FROM predict_models m JOIN workspaces w ON w.id=m.workspace_id"
                               " WHERE m.id=?2 AND (?1 IS NULL OR m.workspace_id=?1) AND w.deleted_at IS NULL");
    if (!st)
        return ST_ERROR;
    if (workspace_id)
        sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 1);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        read_model(st, out);
    sqlite3_reset(st);
    return r;
}

st_result store_models_list_ready(const char *workspace_id, void (*cb)(const model_row *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT " MODEL_COLUMNS " FROM predict_models m JOIN workspaces w ON w.id=m.workspace_id"
                               " WHERE m.state='ready' AND (?1 IS NULL OR m.workspace_id=?1) AND w.deleted_at IS NULL"
                               " ORDER BY m.created_at, m.id");
    if (!st)
        return ST_ERROR;
    if (workspace_id)
        sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 1);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        model_row m;
        read_model(st, &m);
        cb(&m, arg);
        model_row_free(&m);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_models_set_state(const char *id, const char *state, int64_t items, int64_t now)
{
    sqlite3_stmt *st = db_stmt("UPDATE predict_models SET state=?2, items=?3, updated_at=?4 WHERE id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, items);
    sqlite3_bind_int64(st, 4, now);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        r = ST_NOT_FOUND;
    return r;
}

st_result store_models_delete(const char *workspace_id, const char *id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM predict_models WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        r = ST_NOT_FOUND;
    return r;
}

st_result store_models_memory_put(const char *model_id, const char *workspace_id, const char *asset_id,
                                  int64_t position, const char *filename, const char *signature,
                                  const char *memory_json)
{
    sqlite3_stmt *st = db_stmt("INSERT OR REPLACE INTO predict_memory(model_id, workspace_id, asset_id, position,"
                               " filename, signature, memory) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, model_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, asset_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, position);
    sqlite3_bind_text(st, 5, filename, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, signature, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, memory_json, -1, SQLITE_STATIC);
    return db_exec_stmt(st);
}

st_result store_models_memory_count(const char *model_id, int64_t *out)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM predict_memory WHERE model_id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, model_id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return r;
}

static st_result memory_rows(sqlite3_stmt *st, const char *model_id, int with_memory,
                             void (*cb)(const model_memory_row *, void *), void *arg)
{
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, model_id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        model_memory_row m = {
            (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
            (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
            with_memory ? (const char *)sqlite3_column_text(st, 4) : NULL,
        };
        cb(&m, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_models_memory_scan(const char *model_id, void (*cb)(const model_memory_row *, void *), void *arg)
{
    return memory_rows(db_stmt("SELECT asset_id, position, filename, signature FROM predict_memory"
                               " WHERE model_id=?1 ORDER BY position, asset_id"),
                       model_id, 0, cb, arg);
}

st_result store_models_memory_list(const char *model_id, void (*cb)(const model_memory_row *, void *), void *arg)
{
    return memory_rows(db_stmt("SELECT asset_id, position, filename, signature, memory FROM predict_memory"
                               " WHERE model_id=?1 ORDER BY position, asset_id"),
                       model_id, 1, cb, arg);
}

st_result store_models_memory_get(const char *model_id, const char *asset_id, char **memory_json)
{
    *memory_json = NULL;
    sqlite3_stmt *st = db_stmt("SELECT memory FROM predict_memory WHERE model_id=?1 AND asset_id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, model_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asset_id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK && !(*memory_json = db_col_strdup(st, 0)))
        r = ST_ERROR;
    sqlite3_reset(st);
    return r;
}
