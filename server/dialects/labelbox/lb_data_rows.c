/* lb_data_rows.c — data-row upserts and the task queries around them.
 *
 * UpsertDataRowsPyApi names a manifest (uploaded through UploadFile) whose chunk
 * URLs list the rows; the work is a durable task advanced by the labelbox.ingest
 * job (lb_ingest.c). The reply is the task: COMPLETE already in the default mode,
 * IN_PROGRESS in realistic mode. Successes and failures are read back page by
 * page with a cursor that is the next offset. HTTP pool threads. */
#include "db.h"
#include "lb_fields.h"
#include "lb_ids.h"
#include "lb_jobs.h"
#include "lb_ops.h"
#include "store_lb_rows.h"
#include "store_lb_tasks.h"
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LB_URL_MAX 4096
#define LB_PAGE_MAX 10000

typedef struct {
    const char *workspace_id;
    const char *task_id;
} task_ref;

static int task_done(void *arg)
{
    task_ref *t = arg;
    lb_task_row row;
    if (store_lb_tasks_get(t->workspace_id, t->task_id, &row) != ST_OK)
        return 1;
    int done = strcmp(row.status, "IN_PROGRESS") != 0;
    lb_task_row_free(&row);
    return done;
}

int lb_data_rows_upsert(lb_call *c)
{
    const char *manifest = NULL;
    if (lb_var_string(c, "manifestUri", 1, LB_URL_MAX, &manifest) < 0)
        return -1;
    lb_task_row t;
    memset(&t, 0, sizeof t);
    snprintf(t.workspace_id, sizeof t.workspace_id, "%s", c->req->workspace_id);
    snprintf(t.name, sizeof t.name, "Upsert data rows");
    snprintf(t.type, sizeof t.type, "adv-upsert-data-rows");
    t.manifest_url = (char *)manifest;
    st_result r = db_begin();
    if (r != ST_OK)
        return lb_error_store(c, r, "Task");
    json_t *payload = NULL;
    if ((r = store_lb_tasks_create(&t)) == ST_OK) {
        payload = json_pack("{s:s}", "task", t.id);
        r = lb_jobs_queue(c->req->workspace_id, LB_JOB_INGEST, payload);
    }
    json_decref(payload);
    if (r == ST_OK)
        r = db_commit();
    else
        db_rollback();
    if (r != ST_OK)
        return lb_error_store(c, r, "Task");
    if (c->realistic) {
        worker_wake();
        return lb_reply(c, "upsertDataRows", lb_fields_task(&t)); /* IN_PROGRESS: the client polls */
    }
    task_ref ref = {c->req->workspace_id, t.id};
    lb_jobs_wait(task_done, &ref, LB_JOB_WAIT_MS);
    lb_task_row now;
    if ((r = store_lb_tasks_get(c->req->workspace_id, t.id, &now)) != ST_OK)
        return lb_error_store(c, r, "Task");
    json_t *out = lb_fields_task(&now);
    lb_task_row_free(&now);
    return lb_reply(c, "upsertDataRows", out);
}

int lb_data_rows_task(lb_call *c)
{
    /* The SDK's two forms: ($param_0: task, $param_1: user) and ($taskId, $userId).
     * The user is the caller; its id is only type-checked. */
    static const char *const names[] = {"taskId", "param_0", NULL};
    const char *user = NULL;
    if (lb_var_string(c, "param_1", 0, 64, &user) < 0 || lb_var_string(c, "userId", 0, 64, &user) < 0)
        return -1;
    json_t *tasks = json_array();
    for (size_t i = 0; names[i]; i++) {
        const char *id = NULL;
        if (lb_var_string(c, names[i], 0, 64, &id) < 0) {
            json_decref(tasks);
            return -1;
        }
        lb_task_row t;
        st_result r = id ? store_lb_tasks_get(c->req->workspace_id, id, &t) : ST_NOT_FOUND;
        if (r == ST_OK) {
            json_array_append_new(tasks, lb_fields_task(&t));
            lb_task_row_free(&t);
            break;
        }
        if (r != ST_NOT_FOUND) {
            json_decref(tasks);
            return lb_error_store(c, r, "Task");
        }
    }
    return lb_reply(c, "user", json_pack("{s:o}", "createdTasks", tasks));
}

/* taskId, first and the cursor ("from": an offset written as a string). */
static int page_args(lb_call *c, const char **task, int64_t *offset, int64_t *limit)
{
    const char *from = NULL;
    *limit = 5000;
    *offset = 0;
    if (lb_var_string(c, "taskId", 1, 64, task) < 0 || lb_var_int(c, "first", 0, 1, LB_PAGE_MAX, limit) < 0 ||
        lb_var_string(c, "from", 0, 32, &from) < 0)
        return -1;
    if (from) {
        char *end = NULL;
        long long v = strtoll(from, &end, 10);
        if (!*from || *end || v < 0)
            return lb_error(c, LB_MALFORMED, "Variable \"$from\" is not a cursor this server issued.");
        *offset = v;
    }
    return 0;
}

static json_t *cursor(int64_t offset, int64_t count, int64_t total)
{
    if (offset + count >= total || count == 0)
        return json_null();
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)(offset + count));
    return json_string(buf);
}

static void add_failure(const char *message, const char *spec, void *arg)
{
    json_t *s = json_loads(spec, 0, NULL);
    json_array_append_new(arg, json_pack("{s:s,s:o}", "message", message, "spec", s ? s : json_object()));
}

int lb_data_rows_failed(lb_call *c)
{
    const char *task = NULL;
    int64_t offset, limit, total = 0;
    if (page_args(c, &task, &offset, &limit) != 0)
        return -1;
    lb_task_row t;
    st_result r = store_lb_tasks_get(c->req->workspace_id, task, &t);
    if (r != ST_OK)
        return lb_error_store(c, r, "Task");
    lb_task_row_free(&t);
    json_t *results = json_array();
    r = store_lb_task_failures_page(c->req->workspace_id, task, offset, limit, add_failure, results, &total);
    if (r != ST_OK) {
        json_decref(results);
        return lb_error_store(c, r, "Task");
    }
    json_t *after = cursor(offset, (int64_t)json_array_size(results), total);
    return lb_reply(c, "failedDataRowImports",
                    json_pack("{s:o,s:I,s:o}", "after", after, "total", (json_int_t)total, "results", results));
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static void add_success(const lb_datarow *r, void *arg)
{
    json_array_append_new(arg, json_pack("{s:s,s:o,s:o,s:o}", "id", r->asset_id, "externalId",
                                         str_or_null(r->external_id), "globalKey", str_or_null(r->global_key),
                                         "rowData", str_or_null(r->row_data)));
}

int lb_data_rows_succeeded(lb_call *c)
{
    const char *task = NULL;
    int64_t offset, limit, total = 0;
    if (page_args(c, &task, &offset, &limit) != 0)
        return -1;
    lb_task_row t;
    st_result r = store_lb_tasks_get(c->req->workspace_id, task, &t);
    if (r != ST_OK)
        return lb_error_store(c, r, "Task");
    lb_task_row_free(&t);
    json_t *nodes = json_array();
    r = store_lb_rows_by_task(c->req->workspace_id, task, offset, limit, add_success, nodes, &total);
    if (r != ST_OK) {
        json_decref(nodes);
        return lb_error_store(c, r, "Task");
    }
    json_t *after = cursor(offset, (int64_t)json_array_size(nodes), total);
    return lb_reply(c, "successesfulDataRowImports",
                    json_pack("{s:o,s:o,s:I}", "nodes", nodes, "after", after, "total", (json_int_t)total));
}

int lb_data_rows_processed(lb_call *c)
{
    json_t *keys = NULL, *ids = NULL;
    if (lb_var_string_list(c, "globalKeys", 0, 512, &keys) < 0 || lb_var_string_list(c, "dataRowIds", 0, 64, &ids) < 0)
        return -1;
    /* rows exist once their task has run; only an unfinished task means "not yet" */
    int64_t pending = 0;
    st_result r = store_lb_tasks_in_progress(c->req->workspace_id, &pending);
    if (r != ST_OK)
        return lb_error_store(c, r, "Data rows");
    return lb_reply(c, "queryAllDataRowsHaveBeenProcessed",
                    json_pack("{s:b}", "allDataRowsHaveBeenProcessed", pending == 0));
}
