/* vi_runs.h — Vi training runs, their model outputs and predictions (spec
 * vi.md §6 runs/models, §7.10, §11.3, §13.4): the request handlers routes.c
 * names, the "vi.train" job step job_types.c names, and the pieces the run,
 * model, training and prediction files share. Request threads and the worker.
 */
#ifndef VS_VI_RUNS_H
#define VS_VI_RUNS_H
#include <jansson.h>
#include "core/predict.h"
#include "request.h"
#include "store_vi_runs.h"
#include "worker.h"

#define VI_TRAIN_JOB "vi.train"

/* Handlers. */
int vi_runs_create(vs_request *req, vs_response *res);
int vi_runs_list(vs_request *req, vs_response *res);
int vi_runs_get(vs_request *req, vs_response *res);
int vi_runs_delete(vs_request *req, vs_response *res);
int vi_models_list(vs_request *req, vs_response *res);
int vi_models_get(vs_request *req, vs_response *res);
int vi_predictions_create(vs_request *req, vs_response *res);

/* The training job's step ("vi.train", payload {"run": id}). */
step_outcome vi_train_step(job_ctx *ctx);

/* The Run resource (kind "Run"); org is the Vi organization id. */
json_t *vi_run_json(const char *org, const vi_run_row *r);
/* The run named by the {run} path segment, in the caller's workspace; fails
 * res with a 404 otherwise. Free out with vi_run_row_free. */
int vi_run_resolve(const vs_request *req, vs_response *res, vi_run_row *out);

/* What a FlowSpec says (§11.3): the first block whose name contains
 * "dataset" gives settings.projectKind (generic when absent or unknown); a
 * "system-prompt" block gives settings.systemPrompt (NULL when absent; the
 * string belongs to flow). */
predict_task vi_flow_task(const json_t *flow);
const char *vi_flow_system_prompt(const json_t *flow);
#endif
