/* inf_routes.h — the inference dialect: the OpenAI-compatible (NIM-style)
 * prediction endpoint mounted at /v1 (spec vi.md §13.4), as routes.c names its
 * handlers, and the pieces its files share. Request threads only.
 *
 * Auth (DESIGN.md: none for this mount, as a NIM container has none): a model
 * is resolved across every live workspace by its id. A Vi secret key sent as
 * `Authorization: Bearer dtvi_…` scopes the request to its workspace (models
 * of other workspaces are then 404, like unknown ones); an unknown dtvi_ key
 * is 401. Other bearer values are ignored, since OpenAI clients always send
 * one.
 */
#ifndef VS_INF_ROUTES_H
#define VS_INF_ROUTES_H
#include "core/predict.h"
#include "core/store_models.h"
#include "request.h"

/* The built-in model with no training. */
#define INF_BASE_MODEL "visionstack-base"

int inf_health_ready(vs_request *req, vs_response *res);
int inf_health_live(vs_request *req, vs_response *res);
int inf_models_list(vs_request *req, vs_response *res);
int inf_models_get(vs_request *req, vs_response *res);
int inf_chat_completions(vs_request *req, vs_response *res);

/* Applies the optional Vi key: sets req->workspace_id when one is sent; 401
 * (res failed, -1) for an unknown dtvi_ key. */
int inf_scope(vs_request *req, vs_response *res);
/* The model `id` in the request's scope: the base model (out->id =
 * INF_BASE_MODEL, task generic, *is_base = 1) or a ready trained model. 404
 * with code model_not_found otherwise. Free out with model_row_free. */
int inf_model_resolve(const vs_request *req, vs_response *res, const char *id, model_row *out, int *is_base);
/* A 400 in OpenAI's shape naming param (may be NULL), with code. */
int inf_fail(vs_response *res, int status, const char *code, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
#endif
