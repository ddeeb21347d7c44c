/* pg_answers.c — control-plane registration of exact prompt answers
 * (specs/pictograph.md §10.1: "a registered answer wins over the computed one").
 *
 *   PUT    /_emulator/workspaces/{id}/pictograph/answers
 *          {"image_id", "prompt": "point"|"box"|"text", "text_prompt" (text only),
 *           "status", "annotations": [strict annotation objects], "score"}
 *   GET    /_emulator/workspaces/{id}/pictograph/answers   -> {"items": [...]}
 *   DELETE /_emulator/workspaces/{id}/pictograph/answers   -> 204
 *
 * A point or box answer applies to every prompt of that kind on the image; a
 * text answer to that exact text prompt. Prompts answered this way are priced
 * and charged like computed ones. The answer is validated as strictly as a
 * client's annotations (a success has annotations, the other statuses none; a
 * point success has exactly one). Request threads.
 */
#include "pg.h"
#include "pg_annotation.h"
#include "pg_answers.h"
#include "clock.h"
#include "core/store_workspaces.h"
#include "dialects/pictograph/store_pg_answers.h"

#include <stdlib.h>
#include <string.h>

static int fail_400(pg_errs *e, vs_response *res)
{
    json_t *errors = e->errors;
    e->errors = NULL;
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return 0;
    }
    json_t *first = json_array_get(errors, 0);
    json_t *loc = json_object_get(first, "loc");
    const char *field = json_string_value(json_array_get(loc, json_array_size(loc) - 1));
    return vs_fail_details(res, 400, "validation_error", json_pack("{s:o}", "errors", errors),
                           "Field '%s': %s", field ? field : "body", json_string_value(json_object_get(first, "msg")));
}

static int workspace_exists(const vs_request *req, vs_response *res)
{
    ws_row w;
    st_result r = store_workspaces_get(vs_param(req, "id"), &w, NULL);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Workspace");
    return 0;
}

int pg_answers_put(vs_request *req, vs_response *res)
{
    static const char *const keys[] = {"image_id", "prompt", "text_prompt", "status", "annotations", "score", NULL};
    if (workspace_exists(req, res) != 0)
        return -1;
    const char *ws = vs_param(req, "id");
    pg_errs e;
    pg_errs_init(&e);
    const char *image = NULL, *kind = NULL, *text = NULL, *status = NULL;
    double score = 0;
    pg_field_keys(&e, req->json, NULL, keys);
    pg_field_str(&e, req->json, NULL, "image_id", 1, 64, &image);
    if (pg_field_str(&e, req->json, NULL, "prompt", 1, 16, &kind) > 0 && strcmp(kind, "point") != 0 &&
        strcmp(kind, "box") != 0 && strcmp(kind, "text") != 0)
        pg_errs_add(&e, pg_loc(NULL, "prompt"), "literal_error", "Input should be 'point', 'box' or 'text'");
    pg_field_str(&e, req->json, NULL, "text_prompt", kind && strcmp(kind, "text") == 0, 1000, &text);
    if (pg_field_str(&e, req->json, NULL, "status", 1, 32, &status) > 0 && strcmp(status, "success") != 0 &&
        strcmp(status, "no_detection") != 0 && strcmp(status, "below_threshold") != 0)
        pg_errs_add(&e, pg_loc(NULL, "status"), "literal_error",
                    "Input should be 'success', 'no_detection' or 'below_threshold'");
    int has_score = pg_field_num(&e, req->json, NULL, "score", 0, 0.0, 1.0, &score) > 0;
    const json_t *anns = json_object_get(req->json, "annotations");
    json_t *loc = pg_loc(NULL, "annotations");
    size_t n = 0;
    if (anns && !json_is_null(anns) && !json_is_array(anns)) {
        pg_errs_add(&e, json_copy(loc), "list_type", "Input should be a valid list");
    } else if (json_is_array(anns)) {
        n = json_array_size(anns);
        for (size_t i = 0; i < n; i++) {
            json_t *at = pg_loc_i(loc, i);
            pg_ann a;
            if (pg_ann_parse(json_array_get(anns, i), at, &e, &a) == 0)
                pg_ann_clear(&a);
            json_decref(at);
        }
    }
    if (status && kind && pg_errs_count(&e) == 0) {
        int success = strcmp(status, "success") == 0;
        if (success && (n == 0 || (strcmp(kind, "point") == 0 && n != 1)))
            pg_errs_add(&e, json_copy(loc), "value_error",
                        "Value error, a success carries its annotations (exactly one for a point)");
        if (!success && n)
            pg_errs_add(&e, json_copy(loc), "value_error", "Value error, only a success carries annotations");
    }
    json_decref(loc);
    if (fail_400(&e, res) != 0)
        return -1;
    pg_image im;
    st_result r = store_pg_images_get(ws, image, &im);
    if (r == ST_NOT_FOUND)
        return vs_fail(res, 404, "not_found", "Image '%.64s' not found in workspace", image);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Image");
    pg_image_free(&im);
    json_t *list = json_is_array(anns) ? json_incref((json_t *)anns) : json_array();
    json_t *stored = json_pack("{s:s,s:o,s:o}", "status", status, "annotations", list, "score",
                               has_score && strcmp(kind, "text") != 0 ? json_real(score) : json_null());
    char *text_json = json_dumps(stored, JSON_COMPACT);
    r = text_json ? store_pg_answers_put(ws, image, kind, text ? text : "", text_json, clock_now_ms()) : ST_ERROR;
    free(text_json);
    if (r != ST_OK) {
        json_decref(stored);
        return vs_fail_store(res, r, "Answer");
    }
    json_object_set_new(stored, "image_id", json_string(image));
    json_object_set_new(stored, "prompt", json_string(kind));
    json_object_set_new(stored, "text_prompt", text ? json_string(text) : json_null());
    return vs_reply_json(res, 200, stored);
}

static void add_answer(const pg_answer_row *row, void *arg)
{
    json_t *o = json_loads(row->response, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        o = json_object();
    }
    json_object_set_new(o, "image_id", json_string(row->asset_id));
    json_object_set_new(o, "prompt", json_string(row->kind));
    json_object_set_new(o, "text_prompt", row->text[0] ? json_string(row->text) : json_null());
    json_array_append_new(arg, o);
}

int pg_answers_list(vs_request *req, vs_response *res)
{
    if (workspace_exists(req, res) != 0)
        return -1;
    json_t *items = json_array();
    st_result r = store_pg_answers_list(vs_param(req, "id"), add_answer, items);
    if (r != ST_OK) {
        json_decref(items);
        return vs_fail_store(res, r, "Answers");
    }
    return vs_reply_json(res, 200, json_pack("{s:o}", "items", items));
}

int pg_answers_clear(vs_request *req, vs_response *res)
{
    if (workspace_exists(req, res) != 0)
        return -1;
    int64_t removed = 0;
    st_result r = store_pg_answers_clear(vs_param(req, "id"), &removed);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Answers");
    return vs_reply_empty(res, 204);
}

json_t *pg_answers_find(const char *workspace_id, const char *asset_id, const char *kind, const char *text)
{
    char *stored = NULL;
    if (store_pg_answers_get(workspace_id, asset_id, kind, text ? text : "", &stored) != ST_OK)
        return NULL;
    json_t *o = json_loads(stored, 0, NULL);
    free(stored);
    if (!json_is_object(o)) {
        json_decref(o);
        return NULL;
    }
    return o;
}
