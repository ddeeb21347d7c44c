/* lb_batches.c — batches: how data rows enter a project. createBatchV2 adds up
 * to 1000 rows at once; larger batches are an empty batch plus an asynchronous
 * add, whose task is complete by the time it is first read. Identifiers that
 * name no data row of the workspace, and rows the project already holds, are
 * reported back as failed; the rest are added in one transaction with the batch.
 * HTTP pool threads. */
#include "db.h"
#include "lb_fields.h"
#include "lb_ops.h"
#include "store_lb_projects.h"
#include "store_lb_rows.h"
#include "store_lb_tasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LB_BATCH_MAX 100000

static int check_project(lb_call *c, const char *id)
{
    lb_project_row p;
    st_result r = store_lb_projects_get(c->req->workspace_id, id, &p);
    if (r != ST_OK)
        return lb_error_store(c, r, "Project");
    lb_project_row_free(&p);
    return 0;
}

static int read_priority(lb_call *c, json_t *input, const char *obj, int *out)
{
    json_t *v = json_object_get(input, "priority");
    *out = 5;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5)
        return lb_error(c, LB_MALFORMED, "%s.priority must be an integer between 1 (highest) and 5 (lowest)", obj);
    *out = (int)json_integer_value(v);
    return 0;
}

/* The identifiers to add: exactly the non-empty one of dataRowIds / globalKeys. */
static int read_rows(lb_call *c, json_t *input, const char *obj, json_t **list, int *by_key)
{
    json_t *ids = NULL, *keys = NULL;
    if (lb_field_string_list(c, input, obj, "dataRowIds", 0, 64, &ids) < 0 ||
        lb_field_string_list(c, input, obj, "globalKeys", 0, LB_GLOBAL_KEY_MAX, &keys) < 0)
        return -1;
    size_t ni = ids ? json_array_size(ids) : 0, nk = keys ? json_array_size(keys) : 0;
    if (ni && nk)
        return lb_error(c, LB_MALFORMED, "Provide either %s.dataRowIds or %s.globalKeys, not both", obj, obj);
    if (!ni && !nk)
        return lb_error(c, LB_MALFORMED, "You need at least one data row in a batch");
    if (ni + nk > LB_BATCH_MAX)
        return lb_error(c, LB_MALFORMED, "A batch holds at most 100000 data rows");
    *list = ni ? ids : keys;
    *by_key = nk > 0;
    return 0;
}

/* Adds the rows inside the caller's transaction; failed identifiers go to failed. */
static st_result add_rows(const char *ws, const char *project, const char *batch, json_t *list, int by_key,
                          json_t *failed, int64_t *added)
{
    json_t *seen = json_object();
    size_t i;
    json_t *item;
    st_result r = ST_OK;
    *added = 0;
    json_array_foreach(list, i, item) {
        const char *value = json_string_value(item);
        lb_datarow row;
        r = store_lb_rows_get(ws, by_key, value, &row);
        if (r == ST_NOT_FOUND) {
            json_array_append(failed, item);
            r = ST_OK;
            continue;
        }
        if (r != ST_OK)
            break;
        int repeat = json_object_get(seen, row.asset_id) != NULL;
        json_object_set_new(seen, row.asset_id, json_true());
        if (!repeat) {
            r = store_lb_batches_add_row(ws, project, batch, row.asset_id);
            if (r == ST_OK)
                (*added)++;
            else if (r == ST_CONFLICT)
                json_array_append(failed, item);
        }
        lb_datarow_free(&row);
        if (r == ST_CONFLICT)
            r = ST_OK;
        if (r != ST_OK)
            break;
    }
    json_decref(seen);
    return r;
}

static char *consensus_text(json_t *input)
{
    json_t *v = json_object_get(input, "consensusSettings");
    return json_is_object(v) ? json_dumps(v, JSON_COMPACT) : NULL;
}

int lb_batches_create(lb_call *c)
{
    static const char *const allowed[] = {"name", "dataRowIds", "globalKeys", "priority", "consensusSettings", NULL};
    const char *project = NULL, *name = NULL;
    json_t *input = json_object_get(c->vars, "batchInput");
    if (lb_var_string(c, "projectId", 1, 64, &project) < 0)
        return -1;
    if (!json_is_object(input))
        return lb_error(c, LB_MALFORMED, "Variable \"$batchInput\" of type \"CreateBatchInput!\" was not provided.");
    json_t *list = NULL;
    int by_key = 0, priority = 5;
    if (lb_field_allow(c, input, "CreateBatchInput", allowed) < 0 ||
        lb_field_string(c, input, "batchInput", "name", 1, 255, &name) < 0 ||
        read_priority(c, input, "batchInput", &priority) < 0 || read_rows(c, input, "batchInput", &list, &by_key) < 0 ||
        check_project(c, project) < 0)
        return -1;
    lb_batch_row b;
    memset(&b, 0, sizeof b);
    snprintf(b.workspace_id, sizeof b.workspace_id, "%s", c->req->workspace_id);
    snprintf(b.project_id, sizeof b.project_id, "%s", project);
    snprintf(b.name, sizeof b.name, "%s", name);
    b.priority = priority;
    b.consensus_settings = consensus_text(input);
    json_t *failed = json_array();
    int64_t added = 0;
    st_result r = db_begin();
    if (r == ST_OK) {
        r = store_lb_batches_create(&b);
        if (r == ST_OK)
            r = add_rows(c->req->workspace_id, project, b.id, list, by_key, failed, &added);
        if (r == ST_OK)
            r = db_commit();
        else
            db_rollback();
    }
    lb_batch_row_free(&b);
    if (r != ST_OK) {
        json_decref(failed);
        if (r == ST_CONFLICT)
            return lb_error(c, LB_CONFLICT, "A batch named '%.200s' already exists in project %s", name, project);
        return lb_error_store(c, r, "Batch");
    }
    lb_batch_row fresh;
    if ((r = store_lb_batches_get(c->req->workspace_id, project, b.id, &fresh)) != ST_OK) {
        json_decref(failed);
        return lb_error_store(c, r, "Batch");
    }
    json_t *out = json_pack("{s:{s:o,s:o}}", "createBatchV2", "batch", lb_fields_batch(&fresh), "failedDataRowIds",
                            failed);
    lb_batch_row_free(&fresh);
    return lb_reply(c, "project", out);
}

int lb_batches_create_empty(lb_call *c)
{
    static const char *const allowed[] = {"name", "consensusSettings", NULL};
    const char *project = NULL, *name = NULL;
    json_t *input = json_object_get(c->vars, "input");
    if (lb_var_string(c, "projectId", 1, 64, &project) < 0)
        return -1;
    if (!json_is_object(input))
        return lb_error(c, LB_MALFORMED, "Variable \"$input\" of type \"CreateEmptyBatchInput!\" was not provided.");
    if (lb_field_allow(c, input, "CreateEmptyBatchInput", allowed) < 0 ||
        lb_field_string(c, input, "input", "name", 1, 255, &name) < 0 || check_project(c, project) < 0)
        return -1;
    lb_batch_row b;
    memset(&b, 0, sizeof b);
    snprintf(b.workspace_id, sizeof b.workspace_id, "%s", c->req->workspace_id);
    snprintf(b.project_id, sizeof b.project_id, "%s", project);
    snprintf(b.name, sizeof b.name, "%s", name);
    b.priority = 5;
    b.consensus_settings = consensus_text(input);
    st_result r = store_lb_batches_create(&b);
    lb_batch_row_free(&b);
    if (r == ST_CONFLICT)
        return lb_error(c, LB_CONFLICT, "A batch named '%.200s' already exists in project %s", name, project);
    if (r != ST_OK)
        return lb_error_store(c, r, "Batch");
    return lb_reply(c, "project", json_pack("{s:{s:s}}", "createEmptyBatch", "id", b.id));
}

int lb_batches_add_async(lb_call *c)
{
    static const char *const allowed[] = {"batchId", "dataRowIds", "globalKeys", "priority", NULL};
    const char *project = NULL, *batch = NULL;
    json_t *input = json_object_get(c->vars, "input");
    if (lb_var_string(c, "projectId", 1, 64, &project) < 0)
        return -1;
    if (!json_is_object(input))
        return lb_error(c, LB_MALFORMED, "Variable \"$input\" of type \"AddDataRowsToBatchInput!\" was not provided.");
    json_t *list = NULL;
    int by_key = 0, priority = 5;
    if (lb_field_allow(c, input, "AddDataRowsToBatchInput", allowed) < 0 ||
        lb_field_string(c, input, "input", "batchId", 1, 64, &batch) < 0 ||
        read_priority(c, input, "input", &priority) < 0 || read_rows(c, input, "input", &list, &by_key) < 0)
        return -1;
    lb_batch_row b;
    st_result r = store_lb_batches_get(c->req->workspace_id, project, batch, &b);
    if (r != ST_OK)
        return lb_error_store(c, r, "Batch");
    lb_batch_row_free(&b);
    json_t *failed = json_array();
    int64_t added = 0;
    lb_task_row t;
    memset(&t, 0, sizeof t);
    snprintf(t.workspace_id, sizeof t.workspace_id, "%s", c->req->workspace_id);
    snprintf(t.name, sizeof t.name, "Add data rows to batch");
    snprintf(t.type, sizeof t.type, "add-data-rows-to-batch");
    snprintf(t.status, sizeof t.status, "COMPLETE");
    t.progress = 1.0;
    json_t *result = json_pack("{s:O}", "failedDataRowIds", failed);
    if ((r = db_begin()) == ST_OK) {
        r = add_rows(c->req->workspace_id, project, batch, list, by_key, failed, &added);
        char *text = json_dumps(result, JSON_COMPACT);
        t.result = text;
        if (r == ST_OK)
            r = store_lb_tasks_create(&t);
        t.result = NULL;
        free(text);
        if (r == ST_OK)
            r = db_commit();
        else
            db_rollback();
    }
    json_decref(result);
    json_decref(failed);
    if (r != ST_OK)
        return lb_error_store(c, r, "Batch");
    return lb_reply(c, "project", json_pack("{s:{s:s}}", "addDataRowsToBatchAsync", "taskId", t.id));
}

int lb_batches_get(lb_call *c)
{
    const char *project = NULL, *batch = NULL;
    if (lb_var_string(c, "projectId", 1, 64, &project) < 0 || lb_var_string(c, "batchId", 1, 64, &batch) < 0)
        return -1;
    lb_batch_row b;
    st_result r = store_lb_batches_get(c->req->workspace_id, project, batch, &b);
    json_t *nodes = json_array();
    if (r == ST_OK) {
        json_array_append_new(nodes, lb_fields_batch(&b));
        lb_batch_row_free(&b);
    } else if (r != ST_NOT_FOUND) {
        json_decref(nodes);
        return lb_error_store(c, r, "Batch");
    }
    return lb_reply(c, "project", json_pack("{s:{s:o}}", "batches", "nodes", nodes));
}
