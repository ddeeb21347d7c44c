/* xim_tasks.c — /vlm/v2/task: VLM tasks, their datasets and training.
 *
 * train/ checks synchronously what the reference requires (a connected dataset,
 * a non-test sample with values), then queues the durable job
 * "ximilar.vlm.train" (xim_train.c) with a new version number; the task shows
 * the progress in last_train_status (IN_QUEUE → TRAINING → TRAINED | FAILED).
 * production_version may be moved by PATCH, but only to a trained version.
 * Request threads. */
#include "store_xim_vlm_tasks.h"
#include "store_xim_vlm_models.h"
#include "worker.h"
#include "xim_common.h"
#include "xim_jobs.h"
#include "xim_prompts.h"
#include "xim_routes.h"

#include <string.h>

static const char *const task_writable[] = {"name", "description", "auto_deploy", "max_tokens", "training_params",
                                            "system_prompt_id", "user_prompt_id", "production_version", NULL};
static const char *const task_readonly[] = {"id", "created", "last_version", "datasets", "dataset_count",
                                            "training_time", "system_prompt", "user_prompt", "last_train_status",
                                            "last_train_error", NULL};

/* The task row in its wire shape, in place (datasets stolen). */
static json_t *task_shape(json_t *row, json_t *datasets)
{
    xim_set_time(row, "created", json_integer_value(json_object_get(row, "created_at")));
    json_object_del(row, "created_at");
    json_object_set_new(row, "datasets", datasets);
    return row;
}

static int reply_task(vs_response *res, const char *ws, const char *id, int status)
{
    json_t *row = NULL, *datasets = NULL;
    st_result r = store_xim_vlm_tasks_get(ws, id, &row);
    if (r == ST_OK)
        r = store_xim_vlm_tasks_datasets(ws, id, &datasets);
    if (r != ST_OK) {
        json_decref(row);
        return xim_fail_store(res, r);
    }
    return vs_reply_json(res, status, task_shape(row, datasets));
}

static int read_fields(vs_request *req, vs_response *res, const char *ws, xim_vlm_task_fields *f, int full)
{
    json_t *params = NULL;
    int is_null = 0;
    if (xim_body_check(req, res, task_writable, task_readonly) != 0)
        return -1;
    int n = xim_field_string(req->json, res, "name", 0, XIM_NAME_MAX, &f->name);
    int d = n < 0 ? -1 : xim_field_string(req->json, res, "description", 1, XIM_TEXT_MAX, &f->description);
    int a = d < 0 ? -1 : xim_field_bool(req->json, res, "auto_deploy", &f->auto_deploy);
    int m = a < 0 ? -1 : xim_field_int(req->json, res, "max_tokens", 0, 1, 1000000, &f->max_tokens, NULL);
    int p = m < 0 ? -1 : xim_field_object(req->json, res, "training_params", 1, &params);
    int pv = p < 0 ? -1 : xim_field_int(req->json, res, "production_version", 1, 0, 1000000, &f->production_version,
                                        &is_null);
    int s = pv < 0 ? -1 : xim_prompts_ref(req, res, ws, "system_prompt_id", "system", &f->system_prompt_id);
    int u = s < 0 ? -1 : xim_prompts_ref(req, res, ws, "user_prompt_id", "user", &f->user_prompt_id);
    if (u < 0)
        return -1;
    if ((full || n > 0) && (!f->name || !*f->name))
        return xim_fail_field(res, "name", f->name ? "This field may not be blank." : "This field is required.");
    f->set_name = n > 0;
    f->set_description = d > 0 || full;
    f->set_auto_deploy = a > 0;
    f->set_max_tokens = m > 0;
    f->set_params = p > 0;
    f->training_params = params;
    if (p > 0 && !params)
        f->training_params = NULL; /* null resets to {} below */
    f->set_production = pv > 0 && !is_null;
    f->set_system = s > 0 || full;
    f->set_user = u > 0 || full;
    return 0;
}

int xim_tasks_create(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_vlm_task_fields f = {0};
    if (xim_workspace(req, res, ws) != 0 || read_fields(req, res, ws, &f, 1) != 0)
        return -1;
    if (f.set_production && f.production_version != 0)
        return xim_fail_field(res, "production_version", "Version %lld has not been trained.",
                              (long long)f.production_version);
    st_result r = store_xim_vlm_tasks_create(ws, &f, id);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_task(res, ws, id, 201);
}

int xim_tasks_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    return reply_task(res, ws, id, 200);
}

static json_t *task_view(const vs_request *req, const char *ws, json_t *row)
{
    (void)req;
    json_t *datasets = NULL;
    store_xim_vlm_tasks_datasets(ws, json_string_value(json_object_get(row, "id")), &datasets);
    return json_incref(task_shape(row, datasets ? datasets : json_array()));
}

int xim_tasks_list(vs_request *req, vs_response *res)
{
    return xim_list_filtered(req, res, "search", store_xim_vlm_tasks_count, store_xim_vlm_tasks_list, task_view);
}

int xim_tasks_update(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_vlm_task_fields f = {0};
    json_t *empty = json_object();
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_vlm_tasks_get, ws, id) != 0 ||
        read_fields(req, res, ws, &f, strcmp(req->method, "PUT") == 0) != 0) {
        json_decref(empty);
        return -1;
    }
    if (f.set_params && !f.training_params)
        f.training_params = empty;
    st_result r = store_xim_vlm_tasks_update(ws, id, &f);
    json_decref(empty);
    if (r == ST_INVALID)
        return xim_fail_field(res, "production_version", "Version %lld of this task has not been trained.",
                              (long long)f.production_version);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_task(res, ws, id, 200);
}

int xim_tasks_delete(vs_request *req, vs_response *res)
{
    return xim_delete(req, res, store_xim_vlm_tasks_delete);
}

static int dataset_action(vs_request *req, vs_response *res, int add)
{
    static const char *const writable[] = {"dataset_id", NULL};
    char ws[37], id[37];
    const char *dataset = NULL;
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_vlm_tasks_get, ws, id) != 0 || xim_body_check(req, res, writable, NULL) != 0 ||
        xim_field_ref(req->json, res, "dataset_id", 0, &dataset) < 0)
        return -1;
    if (!dataset)
        return xim_fail_required(res, "dataset_id");
    st_result r = add ? store_xim_vlm_tasks_add_dataset(ws, id, dataset) : store_xim_vlm_tasks_remove_dataset(ws, id, dataset);
    if (r == ST_NOT_FOUND)
        return xim_fail_field(res, "dataset_id", add ? "Invalid pk \"%s\" - object does not exist."
                                                     : "The dataset %s is not connected to this task.", dataset);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_task(res, ws, id, 200);
}

int xim_tasks_add_dataset(vs_request *req, vs_response *res) { return dataset_action(req, res, 1); }
int xim_tasks_remove_dataset(vs_request *req, vs_response *res) { return dataset_action(req, res, 0); }

int xim_tasks_train(vs_request *req, vs_response *res)
{
    char ws[37], id[37], model[37];
    json_t *task = NULL;
    int64_t annotated = 0, version = 0;
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_vlm_tasks_get, ws, id) != 0 || xim_body_check(req, res, NULL, NULL) != 0)
        return -1;
    st_result r = store_xim_vlm_tasks_get(ws, id, &task);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    int64_t datasets = json_integer_value(json_object_get(task, "dataset_count"));
    json_decref(task);
    if (datasets == 0)
        return xim_fail(res, 400, "The task cannot be trained: it has no datasets.");
    if ((r = store_xim_vlm_tasks_annotated_samples(ws, id, &annotated)) != ST_OK)
        return xim_fail_store(res, r);
    if (annotated == 0)
        return xim_fail(res, 400, "The task cannot be trained: its datasets have no non-test sample with "
                                  "variable values.");
    r = store_xim_vlm_models_enqueue(ws, id, XIM_JOB_VLM_TRAIN, model, &version);
    if (r == ST_CONFLICT)
        return xim_fail(res, 400, "The task is already being trained.");
    if (r != ST_OK)
        return xim_fail_store(res, r);
    worker_wake();
    return reply_task(res, ws, id, 200);
}
