/* xim_predict.c — POST /vlm/v2/predict (design addition; the reference has no
 * hosted VLM inference call). Shaped like the vendor's prediction calls:
 *
 *   {"task_id": "<id>", "version": <int, optional: default production version,
 *    else the latest trained>, "dataset_id": "<id, optional>",
 *    "records": [{"_base64" | "_url" | "_id": ..., "images": [record, ...]?,
 *                 "input_meta_data": {...}?}, ...], "workspace"}
 *   → {"records": [{...the record without image bytes, "_output": "<text>",
 *        "_format": "json"|..., "_matched": {"sample_id","image_id",
 *        "distance"} | null, "_finish_reason": "stop"|"length",
 *        "_status": {"code", "text"}}], "task_id", "version", "model_id",
 *      "status": {"code": 200, "text": "OK"}}
 *
 * A record is one image, or several in `images` (a multi-image sample). The
 * version memorised every training image's perceptual hash: when an input image
 * is within XIM_MATCH_DISTANCE bits of one, the answer is that sample's
 * rendered result. Otherwise the answer is synthesized deterministically from
 * the image hash: values that satisfy every variable's constraints rendered
 * through the dataset's template, so it parses in the result format. Output is
 * cut at max_tokens (4 characters a token), as a model's would be. Errors use
 * the prediction envelope. Request threads.
 */
#include "core/image.h"
#include "store_xim_vlm_models.h"
#include "store_xim_vlm_tasks.h"
#include "xim_common.h"
#include "xim_pixels.h"
#include "xim_records.h"
#include "xim_render.h"
#include "xim_routes.h"
#include "xim_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XIM_MAX_RECORDS 100
#define XIM_MAX_IMAGES 16
#define XIM_MATCH_DISTANCE 10

typedef struct {
    const char *ws;
    const json_t *memory, *dataset; /* dataset: the spec entry answering unseen images */
    int64_t max_tokens;
} predict_ctx;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The hash of one image record; 0 or -1 with code/msg. */
static int record_hash(const predict_ctx *pc, const json_t *rec, uint64_t *hash, int *code, char *msg, size_t cap)
{
    unsigned char *bytes = NULL;
    size_t len = 0;
    image_pixels px = {0};
    if (xim_records_image(pc->ws, rec, &bytes, &len, code, msg, cap) != 0)
        return -1;
    int rc = image_decode(bytes, len, 0, &px);
    free(bytes);
    if (rc != 0) {
        *code = 400;
        snprintf(msg, cap, "the image cannot be decoded (PNG or JPEG expected)");
        return -1;
    }
    *hash = xim_pixels_dhash(&px);
    image_free(&px);
    return 0;
}

/* Answer for unseen images: synthesized values rendered through the dataset. */
static char *synthesize(const predict_ctx *pc, uint64_t seed, const char **format, char *err, size_t cap)
{
    json_t *vars = json_object_get(pc->dataset, "variables");
    json_t *values = json_object();
    size_t i;
    json_t *row;
    json_array_foreach(vars, i, row) {
        xim_var v;
        xim_var_from_json(row, &v);
        json_object_set_new(values, v.name, xim_var_synthesize(&v, seed ^ fnv1a(v.name)));
    }
    const char *tpl = json_string_value(json_object_get(pc->dataset, "result_template"));
    *format = tpl && *tpl ? json_string_value(json_object_get(pc->dataset, "result_format")) : "json";
    char *text = xim_render_result(tpl, *format, vars, values, err, cap);
    json_decref(values);
    return text;
}

static void answer(const predict_ctx *pc, const json_t *rec, json_t *out)
{
    char msg[512];
    int code = 400;
    uint64_t hashes[XIM_MAX_IMAGES];
    size_t n = 0;
    json_t *images = json_object_get(rec, "images");
    json_object_del(out, "_base64");
    if (json_is_array(images)) {
        json_t *copy = json_object_get(out, "images");
        size_t i;
        json_t *img;
        if (json_array_size(images) == 0 || json_array_size(images) > XIM_MAX_IMAGES) {
            snprintf(msg, sizeof msg, "images: give 1 to %d image records", XIM_MAX_IMAGES);
            goto fail;
        }
        json_array_foreach(images, i, img) {
            if (!json_is_object(img)) {
                snprintf(msg, sizeof msg, "images: item %zu is not a record", i);
                goto fail;
            }
            if (record_hash(pc, img, &hashes[n], &code, msg, sizeof msg) != 0)
                goto fail;
            n++;
            json_object_del(json_array_get(copy, i), "_base64");
        }
    } else {
        if (record_hash(pc, rec, &hashes[0], &code, msg, sizeof msg) != 0)
            goto fail;
        n = 1;
    }
    int best = 65;
    const json_t *match = NULL;
    size_t i, k;
    json_t *m;
    for (k = 0; k < n; k++)
        json_array_foreach(pc->memory, i, m) {
            int d = xim_pixels_hamming(hashes[k], (uint64_t)json_integer_value(json_object_get(m, "phash")));
            if (d < best) {
                best = d;
                match = m;
            }
        }
    char *text = NULL;
    const char *format = NULL;
    if (match && best <= XIM_MATCH_DISTANCE) {
        text = strdup(json_string_value(json_object_get(match, "output")));
        format = json_string_value(json_object_get(match, "format"));
        json_object_set_new(out, "_matched", json_pack("{s:O,s:O,s:i}", "sample_id", json_object_get(match, "sample_id"),
                                                       "image_id", json_object_get(match, "image_id"), "distance", best));
    } else {
        text = synthesize(pc, hashes[0], &format, msg, sizeof msg);
        json_object_set_new(out, "_matched", json_null());
        if (!text) {
            code = 422;
            goto fail;
        }
    }
    const char *finish = "stop";
    if (pc->max_tokens > 0 && strlen(text) > (size_t)pc->max_tokens * 4) {
        size_t cut = (size_t)pc->max_tokens * 4;
        while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
            cut--; /* never split a UTF-8 sequence */
        text[cut] = 0;
        finish = "length";
    }
    json_object_set_new(out, "_output", json_string(text));
    json_object_set_new(out, "_format", format ? json_string(format) : json_null());
    json_object_set_new(out, "_finish_reason", json_string(finish));
    json_object_set_new(out, "_status", json_pack("{s:i,s:s}", "code", 200, "text", "OK"));
    free(text);
    return;
fail:
    json_object_set_new(out, "_status", json_pack("{s:i,s:s}", "code", code, "text", msg));
}

int xim_predict(vs_request *req, vs_response *res)
{
    static const char *const writable[] = {"task_id", "task", "version", "dataset_id", "records", NULL};
    char ws[37];
    int64_t version = 0;
    json_t *model = NULL, *memory = NULL, *task = NULL;
    int rc = -1;
    if (xim_workspace(req, res, ws) != 0 || xim_body_check(req, res, writable, NULL) != 0)
        return -1;
    json_t *records = json_object_get(req->json, "records");
    if (!json_is_array(records) || json_array_size(records) == 0)
        return xim_fail_status(res, 400, "records: a non-empty list of image records is required");
    if (json_array_size(records) > XIM_MAX_RECORDS)
        return xim_fail_status(res, 400, "records: at most %d records per call", XIM_MAX_RECORDS);
    json_t *tv = json_object_get(req->json, "task_id");
    if (!tv)
        tv = json_object_get(req->json, "task");
    const char *task_id = json_string_value(tv);
    if (!task_id || !xim_is_uuid(task_id))
        return xim_fail_status(res, 400, "task_id: a task id is required");
    json_t *vv = json_object_get(req->json, "version");
    if (vv && !json_is_null(vv)) {
        if (!json_is_integer(vv) || json_integer_value(vv) < 1)
            return xim_fail_status(res, 400, "version: a positive integer is required");
        version = json_integer_value(vv);
    }
    json_t *dv = json_object_get(req->json, "dataset_id");
    const char *dataset_id = json_string_value(dv);
    if (dv && !json_is_null(dv) && (!dataset_id || !xim_is_uuid(dataset_id)))
        return xim_fail_status(res, 400, "dataset_id: must be a dataset id");
    st_result r = store_xim_vlm_tasks_get(ws, task_id, &task);
    if (r == ST_NOT_FOUND) {
        xim_fail_status(res, 404, "Task not found.");
        goto out;
    }
    if (r == ST_OK)
        r = store_xim_vlm_models_pick(ws, task_id, version, &model);
    if (r == ST_NOT_FOUND) {
        xim_fail_status(res, 404, version ? "The task has no trained version %lld." : "The task has no trained model.",
                        (long long)version);
        goto out;
    }
    if (r == ST_OK)
        r = store_xim_vlm_models_memory(ws, json_string_value(json_object_get(model, "id")), &memory);
    if (r != ST_OK) {
        xim_fail_store(res, r);
        goto out;
    }
    json_t *datasets = json_object_get(json_object_get(model, "spec"), "datasets");
    const json_t *dataset = json_array_get(datasets, 0);
    if (dataset_id) {
        size_t i;
        json_t *d;
        dataset = NULL;
        json_array_foreach(datasets, i, d) if (strcasecmp(json_string_value(json_object_get(d, "id")), dataset_id) == 0)
            dataset = d;
        if (!dataset) {
            xim_fail_status(res, 400, "dataset_id: the version was not trained on this dataset");
            goto out;
        }
    }
    predict_ctx pc = {.ws = ws, .memory = memory, .dataset = dataset,
                      .max_tokens = json_integer_value(json_object_get(task, "max_tokens"))};
    json_t *out_records = json_array();
    size_t i;
    json_t *rec;
    json_array_foreach(records, i, rec) {
        json_t *item = json_is_object(rec) ? json_deep_copy(rec) : json_object();
        if (json_is_object(rec))
            answer(&pc, rec, item);
        else
            json_object_set_new(item, "_status", json_pack("{s:i,s:s}", "code", 400, "text", "a record is an object"));
        json_array_append_new(out_records, item);
    }
    rc = vs_reply_json(res, 200, json_pack("{s:o,s:s,s:O,s:O,s:{s:i,s:s}}", "records", out_records, "task_id", task_id,
                                           "version", json_object_get(model, "version"), "model_id",
                                           json_object_get(model, "id"), "status", "code", 200, "text", "OK"));
out:
    json_decref(task);
    json_decref(model);
    json_decref(memory);
    return rc;
}
