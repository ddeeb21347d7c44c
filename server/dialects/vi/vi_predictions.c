/* vi_predictions.c — hosted-style predictions on a trained run (spec §13.4):
 * POST /workspaces/{org}/runs/{run}/predictions.
 *
 * Body {"spec":{"taskType":"vqa"|"phrase-grounding"|"generic"|null,
 * "runOutputId":str|null, "assets":[{"assetId","datasetId"}|{"url"}|
 * {"base64"}], "userPrompt":str|null, "cot":bool, "stream":bool,
 * "generationConfig":object|null}}. Every field is checked here (400 naming
 * it); ids that name nothing in the workspace (run, output, dataset, asset)
 * are 404, another workspace's alike; a run still training is 409. What an
 * asset turns out to hold is the prediction's own business: an unreachable
 * URL or bytes that are not an image give that item `error`, not a failed
 * request.
 *
 * Each item runs the core model (core/predict.h) with the run's memory
 * (core/predict_recall.h); its raw output, truncated to maxNewTokens tokens,
 * is parsed with the client's algorithm (predict_parse), so `rawOutput`,
 * `thinking` and `result` always agree and a failure falls back to generic.
 * `stream:true` (one asset) answers text/event-stream: `delta` events
 * {"text"} token by token, then `final` with the Prediction (or `error`
 * {"message"}). Request threads only.
 */
#include "core/formats/format.h"
#include "core/hash.h"
#include "core/predict.h"
#include "core/predict_recall.h"
#include "core/store_assets.h"
#include "core/store_blobs.h"
#include "core/store_datasets.h"
#include "core/store_models.h"
#include "core/store_remote_files.h"
#include "vi.h"
#include "vi_runs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ASSETS 16
#define MAX_PROMPT 8192

typedef struct {
    predict_task task;
    int task_given;
    const char *prompt;
    int cot, stream;
    int64_t max_tokens;      /* 0 = unlimited */
    unsigned variant;
} pred_options;

/* One asset's bytes, or the reason it has none (item error). */
typedef struct {
    unsigned char *bytes;
    size_t len;
    char error[256];
} pred_source;

static int fail_field(vs_response *res, const char *field, const char *what)
{
    return vs_fail(res, 400, "validation_error", "Field '%s' %s", field, what);
}

static int only_keys(vs_response *res, const json_t *obj, const char *prefix, const char *const *keys)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        size_t i = 0;
        while (keys[i] && strcmp(keys[i], key) != 0)
            i++;
        if (!keys[i])
            return vs_fail(res, 400, "validation_error", "Unknown field '%s%.80s'", prefix, key);
    }
    return 0;
}

static const json_t *either(const json_t *obj, const char *camel, const char *snake)
{
    const json_t *v = json_object_get(obj, camel);
    return v ? v : json_object_get(obj, snake);
}

static int generation_config(vs_response *res, const json_t *g, pred_options *o)
{
    static const char *const keys[] = {"maxNewTokens", "max_new_tokens", "temperature", "topP", "top_p", "topK",
                                       "top_k", "repetitionPenalty", "repetition_penalty", "doSample", "do_sample",
                                       "seed", NULL};
    if (!g || json_is_null(g))
        return 0;
    if (!json_is_object(g))
        return fail_field(res, "spec.generationConfig", "must be an object");
    if (only_keys(res, g, "spec.generationConfig.", keys) != 0)
        return -1;
    const json_t *v = either(g, "maxNewTokens", "max_new_tokens");
    if (v && !json_is_null(v)) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65536)
            return fail_field(res, "spec.generationConfig.maxNewTokens", "must be an integer from 1 to 65536");
        o->max_tokens = json_integer_value(v);
    }
    double temperature = 0;
    v = json_object_get(g, "temperature");
    if (v && !json_is_null(v)) {
        if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 2)
            return fail_field(res, "spec.generationConfig.temperature", "must be a number from 0 to 2");
        temperature = json_number_value(v);
    }
    v = either(g, "topP", "top_p");
    if (v && !json_is_null(v) && (!json_is_number(v) || json_number_value(v) <= 0 || json_number_value(v) > 1))
        return fail_field(res, "spec.generationConfig.topP", "must be a number in (0, 1]");
    v = either(g, "topK", "top_k");
    if (v && !json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100000))
        return fail_field(res, "spec.generationConfig.topK", "must be a non-negative integer");
    v = either(g, "repetitionPenalty", "repetition_penalty");
    if (v && !json_is_null(v) && (!json_is_number(v) || json_number_value(v) <= 0 || json_number_value(v) > 10))
        return fail_field(res, "spec.generationConfig.repetitionPenalty", "must be a number in (0, 10]");
    v = either(g, "doSample", "do_sample");
    if (v && !json_is_null(v) && !json_is_boolean(v))
        return fail_field(res, "spec.generationConfig.doSample", "must be a boolean");
    int sample = !json_is_false(v);
    int64_t seed = 0;
    v = json_object_get(g, "seed");
    if (v && !json_is_null(v)) {
        if (!json_is_integer(v))
            return fail_field(res, "spec.generationConfig.seed", "must be an integer");
        seed = json_integer_value(v);
    }
    o->variant = sample ? predict_variant(seed, temperature, 0) : 0;
    return 0;
}

/* Checks one asset reference; fills src for inline bytes. */
static int asset_checked(const vs_request *req, vs_response *res, const json_t *a, size_t i, pred_source *src)
{
    static const char *const keys[] = {"assetId", "datasetId", "url", "base64", NULL};
    char field[64];
    snprintf(field, sizeof field, "spec.assets[%zu].", i);
    if (!json_is_object(a))
        return vs_fail(res, 400, "validation_error", "Field 'spec.assets[%zu]' must be an object", i);
    if (only_keys(res, a, field, keys) != 0)
        return -1;
    int by_id = json_object_get(a, "assetId") != NULL, by_url = json_object_get(a, "url") != NULL,
        by_b64 = json_object_get(a, "base64") != NULL;
    if (by_id + by_url + by_b64 != 1)
        return vs_fail(res, 400, "validation_error",
                       "Field 'spec.assets[%zu]' must hold exactly one of assetId (with datasetId), url, base64", i);
    if (by_id) {
        const char *asset = json_string_value(json_object_get(a, "assetId"));
        const char *ds = json_string_value(json_object_get(a, "datasetId"));
        if (!asset || !ds)
            return vs_fail(res, 400, "validation_error",
                           "Fields 'spec.assets[%zu].assetId' and 'datasetId' must both be strings", i);
        const char *org = vs_param(req, "org");
        size_t n = strlen(org);
        const char *id = strncmp(ds, org, n) == 0 && ds[n] == '_' ? ds + n + 1 : ds;
        asset_row row;
        if (!vi_id_ok(id) || strchr(id, '_') || strlen(id) >= 37 || !vi_id_ok(asset) || strlen(asset) >= 37)
            return vs_fail(res, 404, "not_found", "Asset '%.80s' not found", asset);
        st_result r = store_assets_get(req->workspace_id, asset, &row);
        if (r == ST_OK && strcmp(row.dataset_id, id) != 0)
            r = ST_NOT_FOUND;
        if (r == ST_NOT_FOUND)
            return vs_fail(res, 404, "not_found", "Asset '%.80s' not found in dataset '%.80s'", asset, ds);
        if (r != ST_OK)
            return vs_fail_store(res, r, "Asset");
        if ((r = store_blobs_load(row.blob_sha256, &src->bytes, &src->len)) != ST_OK)
            return vs_fail_store(res, r, "Asset bytes");
        return 0;
    }
    const char *text = json_string_value(json_object_get(a, by_url ? "url" : "base64"));
    if (!text || !*text)
        return vs_fail(res, 400, "validation_error", "Field 'spec.assets[%zu].%s' must be a non-empty string", i,
                       by_url ? "url" : "base64");
    char mime[64], err[160];
    if (by_b64 || strncmp(text, "data:", 5) == 0) {
        if (strncmp(text, "data:", 5) == 0) {
            if (predict_data_url_decode(text, strlen(text), &src->bytes, &src->len, mime, err, sizeof err) != 0)
                return vs_fail(res, 400, "validation_error", "Field 'spec.assets[%zu].%s': %s", i,
                               by_url ? "url" : "base64", err);
            return 0;
        }
        size_t n = strlen(text), cap = n / 4 * 3 + 3;
        src->bytes = malloc(cap);
        long got = src->bytes ? hash_base64_decode(text, n, src->bytes, cap) : -1;
        if (got <= 0)
            return vs_fail(res, 400, "validation_error", "Field 'spec.assets[%zu].base64' is not valid base64", i);
        src->len = (size_t)got;
        return 0;
    }
    if (strncmp(text, "http://", 7) != 0 && strncmp(text, "https://", 8) != 0)
        return vs_fail(res, 400, "validation_error", "Field 'spec.assets[%zu].url' must be an http(s) or data URL", i);
    if (strlen(text) > REMOTE_FILE_URL_MAX)
        return vs_fail(res, 400, "validation_error", "Field 'spec.assets[%zu].url' is too long", i);
    st_result r = store_remote_files_fetch(text, &src->bytes, &src->len, NULL);
    if (r == ST_NOT_FOUND)
        snprintf(src->error, sizeof src->error, "Could not fetch %.160s: the host is unreachable", text);
    else if (r != ST_OK)
        return vs_fail_store(res, r, "Remote file");
    return 0;
}

/* The Prediction of one asset; *raw_out (may be NULL) gets the raw output.
 * NULL with *failure set when the store or memory failed. */
static json_t *predict_one(const model_row *m, const pred_options *o, const pred_source *src, char **raw_out,
                           st_result *failure)
{
    *failure = ST_ERROR;
    predict_image im;
    memset(&im, 0, sizeof im);
    json_t *memory = NULL, *item = NULL;
    predict_output out;
    memset(&out, 0, sizeof out);
    char err[256], source[256] = "";
    const char *prompt = o->prompt ? o->prompt : predict_default_prompt(o->task);
    if (src->error[0] || predict_image_load(src->bytes, src->len, &im, err, sizeof err) != 0) {
        item = json_pack("{s:s,s:s,s:s,s:n,s:n,s:{s:s}}", "taskType", predict_task_name(o->task), "prompt", prompt,
                         "rawOutput", "", "thinking", "result", "error", "message", src->error[0] ? src->error : err);
        goto out;
    }
    st_result r = predict_recall(m->id, &im.sig, &memory, source, sizeof source);
    if (r != ST_OK && r != ST_NOT_FOUND) {
        *failure = r;
        goto out;
    }
    predict_request rq = {o->task, prompt, &im, memory, source[0] ? source : NULL, o->cot, o->variant};
    if (predict_run(&rq, &out) != 0)
        goto out;
    if (o->max_tokens > 0)
        out.raw[predict_token_prefix(out.raw, (size_t)o->max_tokens)] = 0;
    predict_parsed p;
    if (predict_parse(out.raw, o->task, &p) != 0)
        goto out;
    item = json_pack("{s:s,s:s,s:s,s:o,s:O,s:n}", "taskType", predict_task_name(p.task), "prompt", prompt, "rawOutput",
                     out.raw, "thinking", p.thinking ? json_string(p.thinking) : json_null(), "result", p.result,
                     "error");
    predict_parsed_free(&p);
    if (raw_out) {
        *raw_out = out.raw;
        out.raw = NULL;
    }
out:
    predict_output_free(&out);
    json_decref(memory);
    predict_image_free(&im);
    return item;
}

static void sse_event(format_buf *b, const char *event, json_t *data)
{
    char *text = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(data);
    if (!text) {
        b->failed = 1;
        return;
    }
    format_buf_printf(b, "event: %s\ndata: ", event);
    format_buf_puts(b, text);
    format_buf_puts(b, "\n\n");
    free(text);
}

static int reply_stream(vs_response *res, json_t *item, const char *raw)
{
    format_buf b = {0};
    const json_t *error = json_object_get(item, "error");
    if (json_is_object(error)) {
        sse_event(&b, "error", json_pack("{s:O}", "message", json_object_get(error, "message")));
    } else {
        for (size_t p = 0; raw && raw[p];) {
            size_t e = predict_token_end(raw, p);
            sse_event(&b, "delta", json_pack("{s:s%}", "text", raw + p, e - p));
            p = e;
        }
        sse_event(&b, "final", json_incref(item));
    }
    if (b.failed) {
        format_buf_free(&b);
        return vs_fail(res, 500, "internal", "Out of memory");
    }
    vs_add_header(res, "Cache-Control", "no-cache");
    return vs_reply_owned_bytes(res, 200, "text/event-stream", b.data, b.len);
}

int vi_predictions_create(vs_request *req, vs_response *res)
{
    static const char *const top[] = {"spec", NULL};
    static const char *const spec_keys[] = {"taskType", "runOutputId", "assets", "userPrompt", "cot", "stream",
                                            "generationConfig", NULL};
    pred_options o;
    memset(&o, 0, sizeof o);
    pred_source src[MAX_ASSETS];
    memset(src, 0, sizeof src);
    size_t nassets = 0;
    vi_run_row run;
    int have_run = 0, rc = -1;
    model_row m;
    int have_model = 0;
    json_t *items = NULL;
    char *raw = NULL;
    if (vi_run_resolve(req, res, &run) != 0)
        return -1;
    have_run = 1;
    if (vs_body_allow(req, res, top) != 0)
        goto out;
    const json_t *spec = json_object_get(req->json, "spec");
    if (!json_is_object(spec)) {
        fail_field(res, "spec", spec ? "must be an object" : "is required");
        goto out;
    }
    if (only_keys(res, spec, "spec.", spec_keys) != 0)
        goto out;
    const json_t *v = json_object_get(spec, "taskType");
    if (v && !json_is_null(v)) {
        const char *t = json_string_value(v);
        if (!t || (strcmp(t, "vqa") != 0 && strcmp(t, "phrase-grounding") != 0 && strcmp(t, "generic") != 0)) {
            fail_field(res, "spec.taskType", "must be 'vqa', 'phrase-grounding', 'generic' or null");
            goto out;
        }
        predict_task_from_name(t, &o.task);
        o.task_given = 1;
    }
    const json_t *output = json_object_get(spec, "runOutputId");
    if (output && !json_is_null(output) && !json_is_string(output)) {
        fail_field(res, "spec.runOutputId", "must be a string or null");
        goto out;
    }
    v = json_object_get(spec, "userPrompt");
    if (v && !json_is_null(v)) {
        if (!json_is_string(v) || json_string_length(v) > MAX_PROMPT ||
            strlen(json_string_value(v)) != json_string_length(v)) {
            fail_field(res, "spec.userPrompt", "must be a string of at most 8192 characters");
            goto out;
        }
        o.prompt = json_string_length(v) ? json_string_value(v) : NULL;
    }
    const char *flags[] = {"cot", "stream"};
    for (int k = 0; k < 2; k++) {
        v = json_object_get(spec, flags[k]);
        if (v && !json_is_null(v) && !json_is_boolean(v)) {
            vs_fail(res, 400, "validation_error", "Field 'spec.%s' must be a boolean", flags[k]);
            goto out;
        }
        *(k ? &o.stream : &o.cot) = json_is_true(v);
    }
    if (generation_config(res, json_object_get(spec, "generationConfig"), &o) != 0)
        goto out;
    const json_t *assets = json_object_get(spec, "assets");
    if (!json_is_array(assets) || json_array_size(assets) == 0 || json_array_size(assets) > MAX_ASSETS) {
        fail_field(res, "spec.assets", "must be a list of 1 to 16 assets");
        goto out;
    }
    if (o.stream && json_array_size(assets) != 1) {
        fail_field(res, "spec.stream", "needs exactly one asset");
        goto out;
    }
    if (strcmp(run.trained, "Reached") != 0) {
        vs_fail(res, 409, "conflict", "Run '%s' has not finished training", run.id);
        goto out;
    }
    if (json_is_string(output) && strcmp(json_string_value(output), run.output_id) != 0) {
        vs_fail(res, 404, "not_found", "Model output '%.80s' of run '%s' not found", json_string_value(output), run.id);
        goto out;
    }
    for (nassets = 0; nassets < json_array_size(assets); nassets++)
        if (asset_checked(req, res, json_array_get(assets, nassets), nassets, &src[nassets]) != 0) {
            nassets++;
            goto out;
        }
    st_result r = store_models_get(req->workspace_id, run.id, &m);
    if (r != ST_OK) {
        vs_fail_store(res, r, "Model");
        goto out;
    }
    have_model = 1;
    if (!o.task_given)
        predict_task_from_name(m.task, &o.task);
    items = json_array();
    for (size_t i = 0; i < nassets; i++) {
        st_result err;
        json_t *item = predict_one(&m, &o, &src[i], o.stream ? &raw : NULL, &err);
        if (!item) {
            vs_fail_store(res, err, "Prediction");
            goto out;
        }
        json_array_append_new(items, item);
    }
    if (o.stream)
        rc = reply_stream(res, json_array_get(items, 0), raw);
    else
        rc = vs_reply_json(res, 200, json_pack("{s:s,s:O}", "kind", "PredictionList", "items", items));
out:
    for (size_t i = 0; i < nassets; i++)
        free(src[i].bytes);
    json_decref(items);
    free(raw);
    if (have_model)
        model_row_free(&m);
    if (have_run)
        vi_run_row_free(&run);
    return rc;
}
