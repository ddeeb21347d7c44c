/* xim_rtasks.c — /recognition/v2/task (classification tasks), their labels and
 * training, and /recognition/v2/model (their trained versions). A training is
 * the durable job "ximilar.recognition.train" (xim_rtrain.c); the task shows
 * its progress in last_train_status. Request threads. */
#include "store_xim_rtasks.h"
#include "worker.h"
#include "xim_common.h"
#include "xim_jobs.h"
#include "xim_routes.h"
#include "xim_views.h"

#include <string.h>

static const char *const task_types[] = {"multi_class", "multi_label", NULL};
static const char *const task_writable[] = {"name", "type", "description", NULL};
static const char *const task_readonly[] = {"id", "production_version", "last_train_status", "labels", "created",
                                            "last_train_error", NULL};

/* The task row in its wire shape, in place (labels stolen). */
static json_t *task_shape(json_t *row, json_t *labels)
{
    xim_set_time(row, "created", json_integer_value(json_object_get(row, "created_at")));
    json_object_del(row, "created_at");
    json_object_set_new(row, "labels", labels);
    return row;
}

static int reply_task(vs_response *res, const char *ws, const char *id, int status)
{
    json_t *row = NULL, *labels = NULL;
    st_result r = store_xim_rtasks_get(ws, id, &row);
    if (r == ST_OK)
        r = store_xim_rtasks_labels(ws, id, &labels);
    if (r != ST_OK) {
        json_decref(row);
        return xim_fail_store(res, r);
    }
    return vs_reply_json(res, status, task_shape(row, labels));
}

static int read_fields(vs_request *req, vs_response *res, xim_rtask_fields *f, int full)
{
    if (xim_body_check(req, res, task_writable, task_readonly) != 0)
        return -1;
    int n = xim_field_string(req->json, res, "name", 0, XIM_NAME_MAX, &f->name);
    int t = n < 0 ? -1 : xim_field_choice(req->json, res, "type", 0, task_types, &f->type);
    int d = t < 0 ? -1 : xim_field_string(req->json, res, "description", 1, XIM_TEXT_MAX, &f->description);
    if (d < 0)
        return -1;
    if ((full || n > 0) && (!f->name || !*f->name))
        return xim_fail_field(res, "name", f->name ? "This field may not be blank." : "This field is required.");
    f->set_name = n > 0;
    f->set_type = t > 0;
    f->set_description = d > 0 || full;
    return 0;
}

int xim_rtasks_create(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_rtask_fields f = {0};
    if (xim_workspace(req, res, ws) != 0 || read_fields(req, res, &f, 1) != 0)
        return -1;
    st_result r = store_xim_rtasks_create(ws, &f, id);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_task(res, ws, id, 201);
}

int xim_rtasks_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    return reply_task(res, ws, id, 200);
}

static json_t *task_view(const vs_request *req, const char *ws, json_t *row)
{
    (void)req;
    json_t *labels = NULL;
    store_xim_rtasks_labels(ws, json_string_value(json_object_get(row, "id")), &labels);
    return json_incref(task_shape(row, labels ? labels : json_array()));
}

int xim_rtasks_list(vs_request *req, vs_response *res)
{
    return xim_list_filtered(req, res, "search", store_xim_rtasks_count, store_xim_rtasks_list, task_view);
}

int xim_rtasks_update(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_rtask_fields f = {0};
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_rtasks_get, ws, id) != 0 ||
        read_fields(req, res, &f, strcmp(req->method, "PUT") == 0) != 0)
        return -1;
    st_result r = store_xim_rtasks_update(ws, id, &f);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_task(res, ws, id, 200);
}

int xim_rtasks_delete(vs_request *req, vs_response *res)
{
    return xim_delete(req, res, store_xim_rtasks_delete);
}

static int label_action(vs_request *req, vs_response *res, int add)
{
    static const char *const writable[] = {"label_id", NULL};
    char ws[37], id[37];
    const char *label = NULL;
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_rtasks_get, ws, id) != 0 || xim_body_check(req, res, writable, NULL) != 0 ||
        xim_field_ref(req->json, res, "label_id", 0, &label) < 0)
        return -1;
    if (!label)
        return xim_fail_required(res, "label_id");
    st_result r = add ? store_xim_rtasks_add_label(ws, id, label) : store_xim_rtasks_remove_label(ws, id, label);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_task(res, ws, id, 200);
}

int xim_rtasks_add_label(vs_request *req, vs_response *res) { return label_action(req, res, 1); }
int xim_rtasks_remove_label(vs_request *req, vs_response *res) { return label_action(req, res, 0); }

int xim_rtasks_train(vs_request *req, vs_response *res)
{
    char ws[37], id[37], model[37];
    int64_t images = 0, version = 0;
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_rtasks_get, ws, id) != 0 || xim_body_check(req, res, NULL, NULL) != 0)
        return -1;
    st_result r = store_xim_rtasks_labelled_images(ws, id, &images);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    if (images == 0)
        return xim_fail(res, 400, "The task cannot be trained: none of its labels has any training image.");
    r = store_xim_rtasks_enqueue(ws, id, XIM_JOB_RECOGNITION_TRAIN, model, &version);
    if (r == ST_CONFLICT)
        return xim_fail(res, 400, "The task is already being trained.");
    if (r != ST_OK)
        return xim_fail_store(res, r);
    worker_wake();
    return reply_task(res, ws, id, 200);
}

/* The model row in its wire shape, in place. */
static json_t *model_shape(json_t *row)
{
    xim_set_time(row, "created", json_integer_value(json_object_get(row, "created_at")));
    xim_set_time(row, "started", json_integer_value(json_object_get(row, "started_at")));
    xim_set_time(row, "finished", json_integer_value(json_object_get(row, "finished_at")));
    json_object_del(row, "created_at");
    json_object_del(row, "started_at");
    json_object_del(row, "finished_at");
    return row;
}

static int reply_model(vs_response *res, const char *ws, const char *id)
{
    json_t *row = NULL;
    st_result r = store_xim_rmodels_get(ws, id, &row);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return vs_reply_json(res, 200, model_shape(row));
}

int xim_rtasks_model_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    return reply_model(res, ws, id);
}

static json_t *model_view(const vs_request *req, const char *ws, json_t *row)
{
    (void)req;
    (void)ws;
    return json_incref(model_shape(row));
}

int xim_rtasks_model_list(vs_request *req, vs_response *res)
{
    return xim_list_filtered(req, res, "task", store_xim_rmodels_count, store_xim_rmodels_list, model_view);
}
