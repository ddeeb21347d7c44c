/* admin_jobs.c — read-only view of durable jobs across workspaces. */
#include "admin.h"
#include "../core/store_jobs.h"

#include <stdlib.h>

static json_t *parsed_or_null(const char *text)
{
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return v ? v : json_null();
}

static json_t *job_json(const job_row *j)
{
    return json_pack("{s:s,s:s?,s:s,s:s,s:o,s:o,s:s?,s:I,s:I,s:i,s:I,s:I,s:I}", "id", j->id, "workspace",
                     j->workspace_id[0] ? j->workspace_id : NULL, "type", j->type, "state", j->state, "payload",
                     parsed_or_null(j->payload), "result", parsed_or_null(j->result), "error", j->error, "progress",
                     (json_int_t)j->progress, "total", (json_int_t)j->total, "attempts", j->attempts, "runAt",
                     (json_int_t)j->run_at, "createdAt", (json_int_t)j->created_at, "updatedAt",
                     (json_int_t)j->updated_at);
}

static void add_item(const job_row *j, void *arg) { json_array_append_new(arg, job_json(j)); }

int admin_jobs_list(vs_request *req, vs_response *res)
{
    const char *limit_s = vs_query(req, "limit");
    int limit = limit_s ? atoi(limit_s) : 100;
    if (limit < 1 || limit > 1000)
        return vs_fail(res, 400, "validation_error", "Query 'limit' must be between 1 and 1000");
    json_t *items = json_array();
    st_result r = store_jobs_list(vs_query(req, "workspace"), limit, add_item, items);
    if (r != ST_OK) {
        json_decref(items);
        return vs_fail_store(res, r, "Jobs");
    }
    return vs_reply_json(res, 200, json_pack("{s:o}", "items", items));
}

int admin_jobs_get(vs_request *req, vs_response *res)
{
    job_row j;
    st_result r = store_jobs_get(vs_param(req, "id"), NULL, &j);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Job");
    json_t *body = job_json(&j);
    job_row_free(&j);
    return vs_reply_json(res, 200, body);
}
