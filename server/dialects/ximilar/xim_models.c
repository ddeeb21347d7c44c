/* xim_models.c — /vlm/v2/model (design addition in the style of the
 * recognition models): the versions of a VLM task with their training status
 * and sample counts, and request-download/, which hands out the absolute,
 * unauthenticated URL of the version's ZIP archive. Request threads. */
#include "store_xim_vlm_models.h"
#include "xim_common.h"
#include "xim_routes.h"

#include <stdio.h>
#include <string.h>

static json_t *model_view(const json_t *row)
{
    static const char *const keys[] = {"id", "task", "task_name", "version", "train_status", "training_samples",
                                       "test_samples", "skipped_samples", "error", "workspace", NULL};
    json_t *out = json_object();
    for (size_t i = 0; keys[i]; i++)
        json_object_set(out, keys[i], json_object_get(row, keys[i]));
    xim_set_time(out, "created", json_integer_value(json_object_get(row, "created_at")));
    xim_set_time(out, "started", json_integer_value(json_object_get(row, "started_at")));
    xim_set_time(out, "finished", json_integer_value(json_object_get(row, "finished_at")));
    return out;
}

int xim_models_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    json_t *row = NULL;
    if (xim_workspace(req, res, ws) != 0 || xim_path_id(req, res, "id", id) != 0)
        return -1;
    st_result r = store_xim_vlm_models_get(ws, id, &row);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    json_t *body = model_view(row);
    json_decref(row);
    return vs_reply_json(res, 200, body);
}

int xim_models_list(vs_request *req, vs_response *res)
{
    static const char *const carry[] = {"task", NULL};
    char ws[37];
    xim_page page;
    const char *task = NULL;
    int64_t count = 0;
    json_t *rows = NULL;
    if (xim_workspace(req, res, ws) != 0 || xim_page_parse(req, res, &page) != 0 ||
        xim_query_uuid(req, res, "task", &task) < 0)
        return -1;
    st_result r = store_xim_vlm_models_count(ws, task, &count);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    if (xim_page_check(res, &page, count) != 0)
        return -1;
    if ((r = store_xim_vlm_models_list(ws, task, page.size, page.offset, &rows)) != ST_OK)
        return xim_fail_store(res, r);
    json_t *results = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) json_array_append_new(results, model_view(row));
    json_decref(rows);
    return xim_page_reply(req, res, &page, count, results, ws, carry);
}

int xim_models_download(vs_request *req, vs_response *res)
{
    char ws[37], id[37], url[1024], name[128];
    json_t *row = NULL;
    if (xim_workspace(req, res, ws) != 0 || xim_path_id(req, res, "id", id) != 0)
        return -1;
    st_result r = store_xim_vlm_models_get(ws, id, &row);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    const char *token = json_string_value(json_object_get(row, "archive_token"));
    if (strcmp(json_string_value(json_object_get(row, "train_status")), "TRAINED") != 0 || !token) {
        json_decref(row);
        return xim_fail(res, 400, "The model is not trained; only a trained model can be downloaded.");
    }
    snprintf(name, sizeof name, "model-v%lld.zip", (long long)json_integer_value(json_object_get(row, "version")));
    xim_blob_url(req, token, name, url, sizeof url);
    json_decref(row);
    return vs_reply_json(res, 200, json_pack("{s:s}", "download_url", url));
}
