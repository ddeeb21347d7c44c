/* inf_models.c — the /v1 model list and health probes, and what every /v1
 * call shares: the optional Vi key scope, model resolution and OpenAI-shaped
 * failures (see inf_routes.h). The list is the built-in visionstack-base
 * followed by the ready trained models of the scope (every live workspace
 * without a key), in creation order. Request threads only.
 */
#include "core/store_workspaces.h"
#include "inf_routes.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int inf_fail(vs_response *res, int status, const char *code, const char *param, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *details = json_pack("{s:s}", "code", code);
    if (param && *param)
        json_object_set_new(details, "param", json_string(param));
    return vs_fail_details(res, status, code, details, "%s", msg);
}

int inf_scope(vs_request *req, vs_response *res)
{
    const char *auth = vs_header(req, "Authorization");
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
        return 0;
    const char *secret = auth + 7;
    while (*secret == ' ')
        secret++;
    if (strncmp(secret, "dtvi_", 5) != 0)
        return 0;
    char org[VS_ORG_LEN];
    st_result r = store_keys_lookup("vi", secret, req->workspace_id, org);
    if (r == ST_BUSY) {
        vs_add_header(res, "Retry-After", "1");
        return inf_fail(res, 503, "busy", NULL, "The store is busy; retry shortly");
    }
    if (r != ST_OK) {
        req->workspace_id[0] = 0;
        return inf_fail(res, 401, "invalid_api_key", NULL, "Incorrect API key provided.");
    }
    return 0;
}

int inf_model_resolve(const vs_request *req, vs_response *res, const char *id, model_row *out, int *is_base)
{
    memset(out, 0, sizeof *out);
    *is_base = 0;
    if (strcmp(id, INF_BASE_MODEL) == 0) {
        snprintf(out->id, sizeof out->id, "%s", INF_BASE_MODEL);
        snprintf(out->task, sizeof out->task, "generic");
        snprintf(out->state, sizeof out->state, "ready");
        *is_base = 1;
        return 0;
    }
    const char *scope = req->workspace_id[0] ? req->workspace_id : NULL;
    st_result r = strlen(id) < sizeof out->id ? store_models_get(scope, id, out) : ST_NOT_FOUND;
    if (r == ST_OK && strcmp(out->state, "ready") != 0) {
        model_row_free(out);
        r = ST_NOT_FOUND;
    }
    if (r == ST_NOT_FOUND)
        return inf_fail(res, 404, "model_not_found", "model",
                        "The model `%.200s` does not exist or you do not have access to it.", id);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Model");
    return 0;
}

static json_t *model_json(const char *id, int64_t created_ms, const char *task)
{
    return json_pack("{s:s,s:s,s:I,s:s,s:s,s:n,s:i,s:s,s:[]}", "id", id, "object", "model", "created",
                     (json_int_t)(created_ms / 1000), "owned_by", "visionstack", "root", id, "parent",
                     "max_model_len", 32768, "task", task, "permission");
}

static void add_model(const model_row *m, void *arg)
{
    json_array_append_new(arg, model_json(m->id, m->created_at, m->task));
}

int inf_models_list(vs_request *req, vs_response *res)
{
    if (inf_scope(req, res) != 0)
        return -1;
    json_t *data = json_array();
    json_array_append_new(data, model_json(INF_BASE_MODEL, 0, "generic"));
    st_result r = store_models_list_ready(req->workspace_id[0] ? req->workspace_id : NULL, add_model, data);
    if (r != ST_OK) {
        json_decref(data);
        return vs_fail_store(res, r, "Models");
    }
    return vs_reply_json(res, 200, json_pack("{s:s,s:o}", "object", "list", "data", data));
}

int inf_models_get(vs_request *req, vs_response *res)
{
    if (inf_scope(req, res) != 0)
        return -1;
    model_row m;
    int is_base;
    if (inf_model_resolve(req, res, vs_param(req, "model"), &m, &is_base) != 0)
        return -1;
    vs_reply_json(res, 200, model_json(m.id, is_base ? 0 : m.created_at, m.task));
    model_row_free(&m);
    return 0;
}

int inf_health_ready(vs_request *req, vs_response *res)
{
    (void)req;
    return vs_reply_json(res, 200, json_pack("{s:s,s:s,s:s}", "object", "health.response", "message",
                                             "Service is ready.", "status", "ready"));
}

int inf_health_live(vs_request *req, vs_response *res)
{
    (void)req;
    return vs_reply_json(res, 200, json_pack("{s:s,s:s,s:s}", "object", "health.response", "message",
                                             "Service is live.", "status", "live"));
}
