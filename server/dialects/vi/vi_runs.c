/* vi_runs.c — Vi training runs: create (designed, spec §13 style), list, get,
 * delete, and the Run resource's JSON (§7.10).
 *
 * Create: POST /workspaces/{org}/runs {"spec":{"trainingProject":"{org}_{ds}"
 * | "{ds}" | null, "flow": FlowSpec | null}, "metadata":{"attributes":{}} |
 * null} → 201 Run. The dataset comes from spec.trainingProject, else
 * flow.trainingProject, else the flow's dataset block settings.datasetId. A
 * flow is completed, never rewritten: a dataset block (projectKind from the
 * dataset type: phrase-grounding, vqa, freeform → generic) and a model block
 * are added when missing. The run row, its model (core/store_models.h, same
 * id, state training) and the durable "vi.train" job are inserted in one
 * transaction, so a crash never leaves a run without its training.
 *
 * Conditions: Started (Reached at creation) and Trained (Waiting until the job
 * memorised the dataset and published the model archive, then Reached, or
 * FailedReach with a message); every run reaches a terminal state (trap 1).
 * DELETE answers an empty 204 (trap 6) and removes the model with the run.
 * Request threads only.
 */
#include "clock.h"
#include "core/ids.h"
#include "core/store_datasets.h"
#include "core/store_jobs.h"
#include "core/store_models.h"
#include "db.h"
#include "vi.h"
#include "vi_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BLOCKS 64
#define MAX_ATTRIBUTES 64

/* ---- flows ------------------------------------------------------------------ */

static const json_t *flow_block(const json_t *flow, const char *needle)
{
    size_t i;
    const json_t *b;
    json_array_foreach(json_object_get(flow, "blocks"), i, b) {
        const char *name = json_string_value(json_object_get(b, "block"));
        if (name && strstr(name, needle))
            return b;
    }
    return NULL;
}

predict_task vi_flow_task(const json_t *flow)
{
    const json_t *b = flow_block(flow, "dataset");
    predict_task t = PREDICT_GENERIC;
    const char *kind = json_string_value(json_object_get(json_object_get(b, "settings"), "projectKind"));
    if (kind && predict_task_from_name(kind, &t) != 0)
        t = PREDICT_GENERIC;
    return t;
}

const char *vi_flow_system_prompt(const json_t *flow)
{
    const json_t *b = flow_block(flow, "system-prompt");
    return json_string_value(json_object_get(json_object_get(b, "settings"), "systemPrompt"));
}

static const char *project_kind(const dataset_row *ds)
{
    vi_type t = vi_type_of(ds->type);
    return t == VI_TYPE_VQA ? "vqa" : t == VI_TYPE_FREEFORM ? "generic" : "phrase-grounding";
}

static const char *default_system_prompt(const char *kind)
{
    if (strcmp(kind, "vqa") == 0)
        return "You are a visual question answering model. Answer the question about the image in JSON: "
               "{\"vqa\":{\"answer\":...}}.";
    if (strcmp(kind, "phrase-grounding") == 0)
        return "You are a phrase grounding model. Describe the image and locate every phrase with boxes "
               "[xmin, ymin, xmax, ymax] in a 0-1024 frame, in JSON: {\"phrase_grounding\":{\"sentence\":..., "
               "\"groundings\":[...]}}.";
    return "You are a vision-language model. Answer the request about the image.";
}

static json_t *dataset_block(const char *segment, const char *kind)
{
    return json_pack("{s:s,s:{s:s,s:s,s:n},s:{}}", "block", "dataset", "settings", "datasetId", segment,
                     "projectKind", kind, "splitRatio", "style");
}

static json_t *model_block(void)
{
    return json_pack("{s:s,s:{s:{s:s,s:s},s:{s:b,s:s},s:{s:s},s:{s:b},s:i},s:{}}", "block", "model", "settings",
                     "architecture", "name", "visionstack-memoriser", "size", "1B", "quantization", "enabled", 0,
                     "type", "none", "compute", "precisionType", "float32", "evaluation", "enabled", 0, "epochs", 1,
                     "style");
}

static json_t *default_flow(const dataset_row *ds, const char *segment)
{
    const char *kind = project_kind(ds);
    char name[300];
    snprintf(name, sizeof name, "%s training", ds->name);
    return json_pack("{s:s,s:s,s:{},s:{},s:[o,{s:s,s:{s:s},s:{}},o],s:s}", "name", name, "schema", "vi.flow/v1",
                     "tolerations", "settings", "blocks", dataset_block(segment, kind), "block", "system-prompt",
                     "settings", "systemPrompt", default_system_prompt(kind), "style", model_block(),
                     "trainingProject", segment);
}

static int fail_field(vs_response *res, const char *field, const char *what)
{
    return vs_fail(res, 400, "validation_error", "Field '%s' %s", field, what);
}

/* Checks a client's FlowSpec and fills the pieces it may leave out; returns a
 * new reference or NULL with res failed. */
static json_t *flow_checked(const json_t *in, vs_response *res)
{
    static const char *const keys[] = {"name", "schema", "tolerations", "settings", "blocks", "trainingProject", NULL};
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)in, key, v) {
        size_t i = 0;
        while (keys[i] && strcmp(keys[i], key) != 0)
            i++;
        if (!keys[i]) {
            vs_fail(res, 400, "validation_error", "Unknown field 'spec.flow.%.80s'", key);
            return NULL;
        }
    }
    json_t *flow = json_deep_copy(in);
    if (!json_object_get(flow, "name"))
        json_object_set_new(flow, "name", json_string("training"));
    if (!json_object_get(flow, "schema"))
        json_object_set_new(flow, "schema", json_string("vi.flow/v1"));
    if (!json_object_get(flow, "tolerations"))
        json_object_set_new(flow, "tolerations", json_object());
    if (!json_object_get(flow, "settings"))
        json_object_set_new(flow, "settings", json_object());
    if (!json_object_get(flow, "blocks"))
        json_object_set_new(flow, "blocks", json_array());
    if (!json_is_string(json_object_get(flow, "name")) || !json_is_string(json_object_get(flow, "schema"))) {
        json_decref(flow);
        fail_field(res, "spec.flow.name", "and 'spec.flow.schema' must be strings");
        return NULL;
    }
    const json_t *tol = json_object_get(flow, "tolerations");
    int ok = json_is_object(tol);
    json_object_foreach((json_t *)tol, key, v) {
        size_t i;
        const json_t *s;
        ok = ok && json_is_array(v);
        json_array_foreach(v, i, s) ok = ok && json_is_string(s);
    }
    if (!ok) {
        json_decref(flow);
        fail_field(res, "spec.flow.tolerations", "must map strings to lists of strings");
        return NULL;
    }
    if (!json_is_object(json_object_get(flow, "settings"))) {
        json_decref(flow);
        fail_field(res, "spec.flow.settings", "must be an object");
        return NULL;
    }
    const json_t *tp = json_object_get(flow, "trainingProject");
    if (tp && !json_is_string(tp) && !json_is_null(tp)) {
        json_decref(flow);
        fail_field(res, "spec.flow.trainingProject", "must be a string");
        return NULL;
    }
    json_t *blocks = json_object_get(flow, "blocks");
    if (!json_is_array(blocks) || json_array_size(blocks) > MAX_BLOCKS) {
        json_decref(flow);
        fail_field(res, "spec.flow.blocks", "must be a list of at most 64 blocks");
        return NULL;
    }
    size_t i;
    json_t *b;
    json_array_foreach(blocks, i, b) {
        const char *name = json_string_value(json_object_get(b, "block"));
        if (!json_is_object(b) || !name || !*name) {
            json_decref(flow);
            fail_field(res, "spec.flow.blocks", "must hold objects with a non-empty string 'block'");
            return NULL;
        }
        json_object_foreach(b, key, v) {
            if (strcmp(key, "block") != 0 && strcmp(key, "settings") != 0 && strcmp(key, "style") != 0) {
                json_decref(flow);
                vs_fail(res, 400, "validation_error", "Unknown field 'spec.flow.blocks[%zu].%.80s'", i, key);
                return NULL;
            }
        }
        for (int k = 0; k < 2; k++) {
            const char *part = k ? "style" : "settings";
            json_t *o = json_object_get(b, part);
            if (!o)
                json_object_set_new(b, part, json_object());
            else if (!json_is_object(o)) {
                json_decref(flow);
                vs_fail(res, 400, "validation_error", "Field 'spec.flow.blocks[%zu].%s' must be an object", i, part);
                return NULL;
            }
        }
    }
    const json_t *ds = flow_block(flow, "dataset");
    const json_t *kind = json_object_get(json_object_get(ds, "settings"), "projectKind");
    predict_task t;
    const char *k = json_string_value(kind);
    if (kind && !json_is_null(kind) &&
        (!k || predict_task_from_name(k, &t) != 0 || strcmp(k, "freeform") == 0 || strcmp(k, "phrase_grounding") == 0)) {
        json_decref(flow);
        fail_field(res, "settings.projectKind", "of the dataset block must be 'phrase-grounding', 'vqa' or 'generic'");
        return NULL;
    }
    return flow;
}

/* Adds what a client's flow left out, now that the dataset is known. */
static void flow_complete(json_t *flow, const dataset_row *ds, const char *segment)
{
    json_t *blocks = json_object_get(flow, "blocks");
    json_t *b = (json_t *)flow_block(flow, "dataset");
    if (!b) {
        json_array_insert_new(blocks, 0, dataset_block(segment, project_kind(ds)));
    } else {
        json_t *settings = json_object_get(b, "settings");
        const json_t *kind = json_object_get(settings, "projectKind");
        if (!json_is_string(kind))
            json_object_set_new(settings, "projectKind", json_string(project_kind(ds)));
        if (!json_is_string(json_object_get(settings, "datasetId")))
            json_object_set_new(settings, "datasetId", json_string(segment));
    }
    if (!flow_block(flow, "model"))
        json_array_append_new(blocks, model_block());
    if (!json_is_string(json_object_get(flow, "trainingProject")))
        json_object_set_new(flow, "trainingProject", json_string(segment));
}

/* ---- the Run resource ---------------------------------------------------------- */

json_t *vi_run_json(const char *org, const vi_run_row *r)
{
    json_t *flow = json_loads(r->flow, 0, NULL);
    json_t *attrs = json_loads(r->attributes, 0, NULL);
    json_t *conditions = json_array();
    json_array_append_new(conditions, vi_condition("Started", "Reached", r->created_at, NULL, NULL));
    json_array_append_new(conditions, vi_condition("Trained", r->trained,
                                                   r->trained_at ? r->trained_at : r->created_at, NULL, r->message));
    char link[256];
    snprintf(link, sizeof link, "/workspaces/%s/runs/%s", org, r->id);
    json_t *spec = json_pack("{s:o}", "flow", flow ? flow : json_object());
    if (r->training_project)
        json_object_set_new(spec, "trainingProject", json_string(r->training_project));
    return json_pack("{s:s,s:s,s:s,s:o,s:{s:s,s:I,s:o},s:o,s:s,s:o}", "kind", "Run", "workspaceId", org, "runId",
                     r->id, "spec", spec, "status", "log", r->log, "observedGeneration", (json_int_t)r->generation,
                     "conditions", conditions, "metadata",
                     vi_metadata(r->created_at, r->updated_at, r->generation, attrs ? attrs : json_object()),
                     "selfLink", link, "etag", vi_etag(r->generation));
}

int vi_run_resolve(const vs_request *req, vs_response *res, vi_run_row *out)
{
    memset(out, 0, sizeof *out);
    const char *id = vs_param(req, "run");
    if (!id || !vi_id_ok(id) || strlen(id) >= sizeof out->id)
        return vs_fail(res, 404, "not_found", "Run '%.80s' not found", id ? id : "");
    st_result r = store_vi_runs_get(req->workspace_id, id, out);
    if (r == ST_NOT_FOUND)
        return vs_fail(res, 404, "not_found", "Run '%.80s' not found", id);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Run");
    return 0;
}

/* ---- create ------------------------------------------------------------------- */

/* "{org}_{ds}" or "{ds}" → a dataset of the workspace; 404 otherwise. */
static int resolve_dataset(const vs_request *req, vs_response *res, const char *org, const char *ref,
                           dataset_row *out)
{
    const char *id = ref;
    size_t n = strlen(org);
    if (strncmp(ref, org, n) == 0 && ref[n] == '_')
        id = ref + n + 1;
    if (!*id || strchr(id, '_') || !vi_id_ok(id) || strlen(id) >= 37)
        return vs_fail(res, 404, "not_found", "Dataset '%.80s' not found", ref);
    st_result r = store_datasets_get(req->workspace_id, id, out);
    if (r == ST_NOT_FOUND)
        return vs_fail(res, 404, "not_found", "Dataset '%.80s' not found", ref);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Dataset");
    return 0;
}

/* metadata.attributes as JSON text (malloc'd), or NULL with res failed. */
static char *attributes_of(const json_t *metadata, vs_response *res)
{
    if (metadata && !json_is_null(metadata) && !json_is_object(metadata)) {
        fail_field(res, "metadata", "must be an object");
        return NULL;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)metadata, key, v) {
        if (strcmp(key, "attributes") != 0) {
            vs_fail(res, 400, "validation_error", "Unknown field 'metadata.%.80s'", key);
            return NULL;
        }
    }
    const json_t *attrs = json_object_get(metadata, "attributes");
    if (attrs && !json_is_null(attrs)) {
        int ok = json_is_object(attrs) && json_object_size(attrs) <= MAX_ATTRIBUTES;
        json_object_foreach((json_t *)attrs, key, v) ok = ok && json_is_string(v) && json_string_length(v) <= 1024;
        if (!ok) {
            fail_field(res, "metadata.attributes", "must map at most 64 keys to strings");
            return NULL;
        }
        return json_dumps(attrs, JSON_COMPACT | JSON_PRESERVE_ORDER);
    }
    return strdup("{}");
}

static const char *flow_dataset_ref(const json_t *flow)
{
    if (!flow)
        return NULL;
    const char *tp = json_string_value(json_object_get(flow, "trainingProject"));
    if (tp && *tp)
        return tp;
    const json_t *b = flow_block(flow, "dataset");
    const char *id = json_string_value(json_object_get(json_object_get(b, "settings"), "datasetId"));
    return id && *id ? id : NULL;
}

int vi_runs_create(vs_request *req, vs_response *res)
{
    static const char *const top[] = {"kind", "spec", "metadata", NULL};
    static const char *const spec_keys[] = {"trainingProject", "flow", NULL};
    json_t *flow = NULL;
    char *attributes = NULL, *flow_text = NULL;
    dataset_row ds = {0};
    int have_ds = 0, rc = -1;
    if (vs_body_allow(req, res, top) != 0)
        goto out;
    const json_t *kind = json_object_get(req->json, "kind");
    if (kind && !json_is_null(kind) && !(json_is_string(kind) && strcmp(json_string_value(kind), "Run") == 0)) {
        fail_field(res, "kind", "must be \"Run\"");
        goto out;
    }
    const json_t *spec = json_object_get(req->json, "spec");
    if (!json_is_object(spec)) {
        fail_field(res, "spec", spec ? "must be an object" : "is required");
        goto out;
    }
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)spec, key, v) {
        size_t i = 0;
        while (spec_keys[i] && strcmp(spec_keys[i], key) != 0)
            i++;
        if (!spec_keys[i]) {
            vs_fail(res, 400, "validation_error", "Unknown field 'spec.%.80s'", key);
            goto out;
        }
    }
    const json_t *tp = json_object_get(spec, "trainingProject");
    if (tp && !json_is_null(tp) &&
        (!json_is_string(tp) || json_string_length(tp) == 0 || json_string_length(tp) > 300)) {
        fail_field(res, "spec.trainingProject", "must be a dataset id");
        goto out;
    }
    const json_t *in_flow = json_object_get(spec, "flow");
    if (in_flow && !json_is_null(in_flow)) {
        if (!json_is_object(in_flow)) {
            fail_field(res, "spec.flow", "must be an object");
            goto out;
        }
        if (!(flow = flow_checked(in_flow, res)))
            goto out;
    }
    if (!(attributes = attributes_of(json_object_get(req->json, "metadata"), res)))
        goto out;
    const char *ref = json_is_string(tp) ? json_string_value(tp) : flow_dataset_ref(flow);
    if (!ref) {
        fail_field(res, "spec.trainingProject", "is required (the dataset to train on)");
        goto out;
    }
    const char *org = vs_param(req, "org");
    if (resolve_dataset(req, res, org, ref, &ds) != 0)
        goto out;
    have_ds = 1;
    char segment[VS_ORG_LEN + 40];
    snprintf(segment, sizeof segment, "%s_%s", org, ds.id);
    if (flow)
        flow_complete(flow, &ds, segment);
    else
        flow = default_flow(&ds, segment);
    if (!flow || !(flow_text = json_dumps(flow, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
        vs_fail(res, 500, "internal", "Out of memory");
        goto out;
    }

    vi_run_row run;
    memset(&run, 0, sizeof run);
    ids_uuid(run.id);
    ids_uuid(run.output_id);
    snprintf(run.workspace_id, sizeof run.workspace_id, "%s", req->workspace_id);
    snprintf(run.dataset_id, sizeof run.dataset_id, "%s", ds.id);
    run.flow = flow_text;
    run.training_project = (char *)(json_is_string(tp) ? json_string_value(tp) : segment);
    run.attributes = attributes;
    run.log = (char *)"Queued for training.\n";
    run.created_at = clock_now_ms();
    model_row m;
    memset(&m, 0, sizeof m);
    snprintf(m.id, sizeof m.id, "%s", run.id);
    snprintf(m.workspace_id, sizeof m.workspace_id, "%s", req->workspace_id);
    snprintf(m.task, sizeof m.task, "%s", predict_task_name(vi_flow_task(flow)));
    m.system_prompt = (char *)vi_flow_system_prompt(flow);
    snprintf(m.dataset_id, sizeof m.dataset_id, "%s", ds.id);
    m.created_at = run.created_at;
    char payload[96], job_id[37];
    snprintf(payload, sizeof payload, "{\"run\":\"%s\"}", run.id);
    st_result r = db_begin();
    if (r == ST_OK) {
        if ((r = store_vi_runs_create(&run)) != ST_OK || (r = store_models_create(&m)) != ST_OK ||
            (r = store_jobs_insert(req->workspace_id, VI_TRAIN_JOB, payload, run.created_at, job_id)) != ST_OK)
            db_rollback();
        else
            r = db_commit();
    }
    if (r != ST_OK) {
        vs_fail_store(res, r, "Run");
        goto out;
    }
    worker_wake();
    vi_run_row stored;
    if ((r = store_vi_runs_get(req->workspace_id, run.id, &stored)) != ST_OK) {
        vs_fail_store(res, r, "Run");
        goto out;
    }
    vs_reply_json(res, 201, vi_run_json(org, &stored));
    vi_run_row_free(&stored);
    rc = 0;
out:
    if (have_ds)
        dataset_row_free(&ds);
    json_decref(flow);
    free(flow_text);
    free(attributes);
    return rc;
}

/* ---- list, get, delete --------------------------------------------------------- */

typedef struct {
    const char *org;
    json_t *items;
} list_acc;

static void add_run(const vi_run_row *r, void *arg)
{
    list_acc *acc = arg;
    json_array_append_new(acc->items, vi_run_json(acc->org, r));
}

int vi_runs_list(vs_request *req, vs_response *res)
{
    int64_t size, offset;
    if (vi_query_page(req, res, &size, &offset) != 0)
        return -1;
    list_acc acc = {vs_param(req, "org"), json_array()};
    int more = 0;
    st_result r = store_vi_runs_list(req->workspace_id, offset, size, add_run, &acc, &more);
    if (r != ST_OK) {
        json_decref(acc.items);
        return vs_fail_store(res, r, "Runs");
    }
    char next[32];
    snprintf(next, sizeof next, "%lld", (long long)(offset + size));
    return vs_reply_json(res, 200, vi_page(acc.items, more ? next : NULL));
}

int vi_runs_get(vs_request *req, vs_response *res)
{
    vi_run_row run;
    if (vi_run_resolve(req, res, &run) != 0)
        return -1;
    vs_reply_json(res, 200, vi_run_json(vs_param(req, "org"), &run));
    vi_run_row_free(&run);
    return 0;
}

int vi_runs_delete(vs_request *req, vs_response *res)
{
    vi_run_row run;
    if (vi_run_resolve(req, res, &run) != 0)
        return -1;
    st_result r = db_begin();
    if (r == ST_OK) {
        if ((r = store_vi_runs_delete(req->workspace_id, run.id)) != ST_OK ||
            ((r = store_models_delete(req->workspace_id, run.id)) != ST_OK && r != ST_NOT_FOUND))
            db_rollback();
        else
            r = db_commit();
    }
    vi_run_row_free(&run);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Run");
    return vs_reply_empty(res, 204);
}
