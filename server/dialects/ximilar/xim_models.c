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

static json_t *model_list_view(const vs_request *req, const char *ws, json_t *row)
{
    (void)req;
    (void)ws;
    return model_view(row);
}

int xim_models_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    return xim_reply_get(req, res, store_xim_vlm_models_get, model_list_view, ws, id, 200);
}

int xim_models_list(vs_request *req, vs_response *res)
{
    return xim_list_filtered(req, res, "task", store_xim_vlm_models_count, store_xim_vlm_models_list,
                             model_list_view);
}

int xim_models_download(vs_request *req, vs_response *res)
{
    char ws[37], id[37], url[1024], name[128];
    json_t *row = NULL;
    if (xim_workspace_id(req, res, ws, id) != 0)
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
