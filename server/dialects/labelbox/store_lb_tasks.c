/* store_lb_tasks.c — SQL for labelbox_tasks and labelbox_task_failures. Every
 * read is scoped by workspace (the worker passes NULL for "any"). Any thread. */
#include "store_lb_tasks.h"
#include "clock.h"
#include "db.h"
#include "lb_ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TASK_COLUMNS                                                                                         \
    "id, workspace_id, name, type, status, manifest_url, chunks_done, progress, result, errors, created_at,"  \
    " updated_at"

void lb_task_row_free(lb_task_row *t)
{
    free(t->manifest_url);
    free(t->result);
    free(t->errors);
    t->manifest_url = t->result = t->errors = NULL;
}

static void text(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", s ? (const char *)s : "");
}

st_result store_lb_tasks_create(lb_task_row *t)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO labelbox_tasks(id, workspace_id, name, type, status, manifest_url,"
                               " chunks_done, progress, result, errors, created_at, updated_at)"
                               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?11)");
    if (!st)
        return ST_ERROR;
    if (!t->id[0])
        lb_ids_cuid(t->id);
    if (!t->status[0])
        snprintf(t->status, sizeof t->status, "IN_PROGRESS");
    t->created_at = t->updated_at = clock_now_ms();
    sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, t->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, t->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, t->manifest_url ? t->manifest_url : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, t->chunks_done);
    sqlite3_bind_double(st, 8, t->progress);
    db_bind_text(st, 9, t->result);
    db_bind_text(st, 10, t->errors);
    sqlite3_bind_int64(st, 11, t->created_at);
    return db_exec_stmt(st);
}

st_result store_lb_tasks_get(const char *workspace_id, const char *id, lb_task_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " TASK_COLUMNS " FROM labelbox_tasks WHERE id=?1"
                               " AND (?2 IS NULL OR workspace_id=?2)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    db_bind_text(st, 2, workspace_id);
    int rc = sqlite3_step(st);
    st_result r = rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOT_FOUND : db_result(rc);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        text(st, 0, out->id, sizeof out->id);
        text(st, 1, out->workspace_id, sizeof out->workspace_id);
        text(st, 2, out->name, sizeof out->name);
        text(st, 3, out->type, sizeof out->type);
        text(st, 4, out->status, sizeof out->status);
        out->manifest_url = db_col_strdup(st, 5);
        out->chunks_done = sqlite3_column_int(st, 6);
        out->progress = sqlite3_column_double(st, 7);
        out->result = db_col_strdup(st, 8);
        out->errors = db_col_strdup(st, 9);
        out->created_at = sqlite3_column_int64(st, 10);
        out->updated_at = sqlite3_column_int64(st, 11);
    }
    sqlite3_reset(st);
    return r;
}

st_result store_lb_tasks_advance(const char *id, int chunks_done, double progress)
{
    sqlite3_stmt *st =
        db_stmt("UPDATE labelbox_tasks SET chunks_done=?2, progress=?3, updated_at=?4 WHERE id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, chunks_done);
    sqlite3_bind_double(st, 3, progress);
    sqlite3_bind_int64(st, 4, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_lb_tasks_finish(const char *id, const char *status, const char *result_json, const char *errors_json)
{
    sqlite3_stmt *st = db_stmt("UPDATE labelbox_tasks SET status=?2, progress=1.0, result=?3, errors=?4,"
                               " updated_at=?5 WHERE id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    db_bind_text(st, 3, result_json);
    db_bind_text(st, 4, errors_json);
    sqlite3_bind_int64(st, 5, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_lb_tasks_in_progress(const char *workspace_id, int64_t *count)
{
    sqlite3_stmt *st =
        db_stmt("SELECT COUNT(*) FROM labelbox_tasks WHERE workspace_id=?1 AND status='IN_PROGRESS'");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ST_OK : db_result(rc);
}

st_result store_lb_task_failures_add(const char *task_id, const char *workspace_id, const char *message,
                                     const char *spec_json)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO labelbox_task_failures(task_id, workspace_id, seq, message, spec)"
                               " VALUES (?1, ?2, (SELECT COALESCE(MAX(seq),0)+1 FROM labelbox_task_failures"
                               " WHERE task_id=?1), ?3, ?4)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, task_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, message, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, spec_json, -1, SQLITE_STATIC);
    return db_exec_stmt(st);
}

st_result store_lb_task_failures_page(const char *workspace_id, const char *task_id, int64_t offset, int64_t limit,
                                      void (*cb)(const char *message, const char *spec_json, void *), void *arg,
                                      int64_t *total)
{
    sqlite3_stmt *count = db_stmt("SELECT COUNT(*) FROM labelbox_task_failures WHERE task_id=?1 AND workspace_id=?2");
    if (!count)
        return ST_ERROR;
    sqlite3_bind_text(count, 1, task_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(count, 2, workspace_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(count);
    *total = rc == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
    sqlite3_reset(count);
    if (rc != SQLITE_ROW)
        return db_result(rc);
    sqlite3_stmt *st = db_stmt("SELECT message, spec FROM labelbox_task_failures WHERE task_id=?1 AND"
                               " workspace_id=?2 ORDER BY seq LIMIT ?3 OFFSET ?4");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, task_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, limit);
    sqlite3_bind_int64(st, 4, offset);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cb((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1), arg);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}
