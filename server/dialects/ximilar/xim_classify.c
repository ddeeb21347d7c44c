/* xim_classify.c — POST /recognition/v2/classify: answers image records with a
 * recognition task's trained version. The version memorised the perceptual
 * hash of each labelled training image; a label's score falls with the Hamming
 * distance from the query to the nearest training image carrying it, so a
 * training image (even re-encoded or resized) gets its own labels with
 * probability near 1 and any other image a deterministic answer. Errors use the
 * prediction envelope {"status":{"code","text"}}. Request threads. */
#include "core/image.h"
#include "store_xim_rtasks.h"
#include "xim_common.h"
#include "xim_pixels.h"
#include "xim_records.h"
#include "xim_routes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define XIM_MAX_RECORDS 100

/* Minimal distance from hash to a memorised image carrying label id. */
static int label_distance(const json_t *memory, const char *label, uint64_t hash)
{
    int best = 64;
    size_t i, k;
    json_t *m, *l;
    json_array_foreach(memory, i, m) {
        json_array_foreach(json_object_get(m, "labels"), k, l) {
            if (strcmp(json_string_value(json_object_get(l, "id")), label) != 0)
                continue;
            int d = xim_pixels_hamming(hash, (uint64_t)json_integer_value(json_object_get(m, "phash")));
            if (d < best)
                best = d;
        }
    }
    return best;
}

static int by_prob_desc(const void *a, const void *b)
{
    double pa = json_real_value(json_object_get(*(json_t *const *)a, "prob"));
    double pb = json_real_value(json_object_get(*(json_t *const *)b, "prob"));
    return pa < pb ? 1 : pa > pb ? -1 : 0;
}

/* Fills out (a copy of the record) with best_label, labels and _status. */
static void classify_record(const char *ws, const json_t *record, const json_t *labels, const json_t *memory,
                            int multi_label, json_t *out)
{
    unsigned char *bytes = NULL;
    size_t len = 0;
    int code = 400;
    char msg[256];
    image_pixels px = {0};
    json_object_del(out, "_base64");
    int ok = xim_records_image(ws, record, &bytes, &len, &code, msg, sizeof msg) == 0;
    if (ok && image_decode(bytes, len, 0, &px) != 0) {
        ok = 0;
        code = 400;
        snprintf(msg, sizeof msg, "the image cannot be decoded (PNG or JPEG expected)");
    }
    if (!ok) {
        json_object_set_new(out, "_status", json_pack("{s:i,s:s}", "code", code, "text", msg));
        free(bytes);
        return;
    }
    uint64_t hash = xim_pixels_dhash(&px);
    json_object_set_new(out, "_width", json_integer(px.width));
    json_object_set_new(out, "_height", json_integer(px.height));
    image_free(&px);
    free(bytes);
    size_t n = json_array_size(labels), i;
    json_t **items = calloc(n ? n : 1, sizeof *items);
    double total = 0;
    double *score = calloc(n ? n : 1, sizeof *score);
    json_t *l;
    json_array_foreach(labels, i, l) {
        int d = label_distance(memory, json_string_value(json_object_get(l, "id")), hash);
        score[i] = exp(-(double)d / (multi_label ? 8.0 : 4.0));
        total += score[i];
    }
    json_t *list = json_array();
    json_array_foreach(labels, i, l) {
        double p = multi_label ? score[i] : total > 0 ? score[i] / total : 0;
        p = nearbyint(p * 100000) / 100000;
        items[i] = json_pack("{s:O,s:O,s:f}", "id", json_object_get(l, "id"), "name", json_object_get(l, "name"),
                             "prob", p);
    }
    qsort(items, n, sizeof *items, by_prob_desc);
    for (i = 0; i < n; i++)
        if (!multi_label || json_real_value(json_object_get(items[i], "prob")) >= 0.5 || i == 0)
            json_array_append(list, items[i]);
    json_object_set_new(out, "best_label", n ? json_deep_copy(items[0]) : json_null());
    json_object_set_new(out, "labels", list);
    json_object_set_new(out, "_status", json_pack("{s:i,s:s}", "code", 200, "text", "OK"));
    for (i = 0; i < n; i++)
        json_decref(items[i]);
    free(items);
    free(score);
}

int xim_classify(vs_request *req, vs_response *res)
{
    static const char *const writable[] = {"records", "task_id", "task", "version", "descriptor", NULL};
    char ws[37];
    const char *task = NULL;
    int64_t version = 0;
    json_t *model = NULL, *labels = NULL, *memory = NULL, *taskrow = NULL;
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
    task = json_string_value(tv);
    if (!task || !xim_is_uuid(task))
        return xim_fail_status(res, 400, "task_id: a task id is required");
    json_t *vv = json_object_get(req->json, "version");
    if (vv && !json_is_null(vv)) {
        if (!json_is_integer(vv) || json_integer_value(vv) < 1)
            return xim_fail_status(res, 400, "version: a positive integer is required");
        version = json_integer_value(vv);
    }
    st_result r = store_xim_rtasks_get(ws, task, &taskrow);
    if (r == ST_OK)
        r = store_xim_rmodels_pick(ws, task, version, &model);
    if (r == ST_NOT_FOUND) {
        json_decref(taskrow);
        return xim_fail_status(res, 404, taskrow ? "The task has no trained model%s." : "Task not found%s.",
                               version > 0 && taskrow ? " with this version" : "");
    }
    if (r == ST_OK)
        r = store_xim_rtasks_labels(ws, task, &labels);
    if (r == ST_OK)
        r = store_xim_rmodels_memory(ws, json_string_value(json_object_get(model, "id")), &memory);
    if (r != ST_OK) {
        json_decref(taskrow);
        json_decref(model);
        json_decref(labels);
        return xim_fail_store(res, r);
    }
    int multi_label = strcmp(json_string_value(json_object_get(taskrow, "type")), "multi_label") == 0;
    json_t *out = json_array();
    size_t i;
    json_t *rec;
    json_array_foreach(records, i, rec) {
        json_t *item = json_is_object(rec) ? json_deep_copy(rec) : json_object();
        if (!json_is_object(rec))
            json_object_set_new(item, "_status", json_pack("{s:i,s:s}", "code", 400, "text", "a record is an object"));
        else
            classify_record(ws, rec, labels, memory, multi_label, item);
        json_array_append_new(out, item);
    }
    json_t *body = json_pack("{s:o,s:O,s:O,s:{s:i,s:s}}", "records", out, "task_id", json_object_get(taskrow, "id"),
                             "version", json_object_get(model, "version"), "status", "code", 200, "text", "OK");
    json_decref(taskrow);
    json_decref(model);
    json_decref(labels);
    json_decref(memory);
    return vs_reply_json(res, 200, body);
}
