/* xim_sample_actions.c — the actions on /vlm/v2/sample/<id>/: add-images,
 * remove-images (design addition), add-objects, remove-objects, sample-images,
 * sample-objects, set-test, set-untest, add-variable-value and render (design
 * addition).
 *
 * Images given to add-images must be in the workspace: Ximilar training images,
 * or assets uploaded through another dialect, which get their Ximilar row
 * (download URLs, hash, thumbnail) on first use. A value given to
 * add-variable-value is checked against its variable's constraints and the 400
 * names the variable and the rule. Request threads. */
#include "core/image.h"
#include "store_xim_images.h"
#include "store_xim_samples.h"
#include "store_xim_variables.h"
#include "xim_common.h"
#include "xim_pixels.h"
#include "xim_render.h"
#include "xim_routes.h"
#include "xim_rules.h"
#include "xim_samples.h"
#include "xim_views.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define XIM_MAX_ITEMS 100
#define XIM_THUMB_SIDE 256

/* Gives a non-Ximilar asset of the workspace its Ximilar row. */
static st_result adopt(const char *ws, const char *id)
{
    unsigned char *bytes = NULL;
    uint8_t *thumb = NULL;
    size_t len = 0, thumb_len = 0;
    uint64_t hash = 0;
    char mime[64];
    st_result r = store_xim_images_bytes(ws, id, &bytes, &len, mime);
    if (r == ST_OK && xim_pixels_hash_and_thumb(bytes, len, XIM_THUMB_SIDE, &hash, &thumb, &thumb_len) != 0)
        r = ST_INVALID;
    if (r == ST_OK)
        r = store_xim_images_adopt(ws, id, thumb, thumb_len, hash);
    free(thumb);
    free(bytes);
    return r;
}

/* Normalises `key` (ids or objects) into [{id_key: id, text?, order?, resize?,
 * meta_data?}]; NULL after failing res. */
static json_t *read_items(const vs_request *req, vs_response *res, const char *key, const char *id_key, int images)
{
    json_t *list = json_object_get(req->json, key);
    if (!list) {
        xim_fail_required(res, key);
        return NULL;
    }
    if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > XIM_MAX_ITEMS) {
        xim_fail_field(res, key, "Expected a list of 1 to %d ids.", XIM_MAX_ITEMS);
        return NULL;
    }
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        json_t *item = json_object();
        json_t *idv = json_is_object(e) ? json_object_get(e, "id") : e;
        if (json_is_object(e) && !idv)
            idv = json_object_get(e, id_key);
        if (!json_is_string(idv) || !xim_is_uuid(json_string_value(idv))) {
            json_decref(item);
            json_decref(out);
            xim_fail_field(res, key, "Item %zu: must be a valid UUID.", i);
            return NULL;
        }
        char lower[37];
        for (int k = 0; k < 36; k++)
            lower[k] = (char)tolower((unsigned char)json_string_value(idv)[k]);
        lower[36] = 0;
        json_object_set_new(item, id_key, json_string(lower));
        if (json_is_object(e)) {
            json_t *text = json_object_get(e, "text"), *order = json_object_get(e, "order");
            json_t *resize = json_object_get(e, "resize"), *meta = json_object_get(e, "meta_data");
            if ((text && !json_is_string(text) && !json_is_null(text)) ||
                (order && !json_is_integer(order) && !json_is_null(order)) ||
                (images && resize && !json_is_string(resize) && !json_is_null(resize)) ||
                (meta && !json_is_object(meta) && !json_is_null(meta)) ||
                (json_is_integer(order) && (json_integer_value(order) < 0 || json_integer_value(order) > 1000000))) {
                json_decref(item);
                json_decref(out);
                xim_fail_field(res, key, "Item %zu: text and resize are strings, order an integer >= 0 and "
                                         "meta_data an object.", i);
                return NULL;
            }
            if (json_is_string(text))
                json_object_set(item, "text", text);
            if (json_is_integer(order))
                json_object_set(item, "order", order);
            if (images && json_is_string(resize))
                json_object_set(item, "resize", resize);
            if (json_is_object(meta))
                json_object_set(item, "meta_data", meta);
        }
        json_array_append_new(out, item);
    }
    return out;
}

static int begin(vs_request *req, vs_response *res, const char *const *writable, char ws[37], char id[37])
{
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_samples_get, ws, id) != 0 || xim_body_check(req, res, writable, NULL) != 0)
        return -1;
    return 0;
}

int xim_sample_actions_add_images(vs_request *req, vs_response *res)
{
    static const char *const writable[] = {"image_ids", NULL};
    char ws[37], id[37], missing[37];
    int64_t added = 0;
    if (begin(req, res, writable, ws, id) != 0)
        return -1;
    json_t *items = read_items(req, res, "image_ids", "image_id", 1);
    if (!items)
        return -1;
    size_t i;
    json_t *it;
    st_result r = ST_OK;
    json_array_foreach(items, i, it) {
        const char *image = json_string_value(json_object_get(it, "image_id"));
        if (store_xim_images_adoptable(ws, image) && (r = adopt(ws, image)) != ST_OK)
            break;
    }
    if (r == ST_OK)
        r = store_xim_samples_add_images(ws, id, items, &added, missing);
    json_decref(items);
    if (r == ST_NOT_FOUND && missing[0])
        return xim_fail_field(res, "image_ids", "Invalid pk \"%s\" - object does not exist.", missing);
    if (r == ST_INVALID)
        return xim_fail_field(res, "image_ids", "An image could not be decoded.");
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return xim_samples_reply(req, res, ws, id, 200);
}

/* remove-images / remove-objects: the ids under field (items keyed id_key)
 * leave the sample through remove; -1 after failing res. */
typedef st_result (*remove_fn)(const char *ws, const char *id, const json_t *ids, int64_t *removed);
static int remove_items(vs_request *req, vs_response *res, const char *field, const char *id_key, int images,
                        remove_fn drop, char ws[37], char id[37], int64_t *removed)
{
    const char *const writable[] = {field, NULL};
    if (begin(req, res, writable, ws, id) != 0)
        return -1;
    json_t *items = read_items(req, res, field, id_key, images);
    if (!items)
        return -1;
    json_t *ids = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) json_array_append(ids, json_object_get(it, id_key));
    st_result r = drop(ws, id, ids, removed);
    json_decref(ids);
    json_decref(items);
    return r == ST_OK ? 0 : xim_fail_store(res, r);
}

int xim_sample_actions_remove_images(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    int64_t removed = 0;
    if (remove_items(req, res, "image_ids", "image_id", 1, store_xim_samples_remove_images, ws, id, &removed) != 0)
        return -1;
    return xim_samples_reply(req, res, ws, id, 200);
}

int xim_sample_actions_add_objects(vs_request *req, vs_response *res)
{
    static const char *const writable[] = {"detection_object_ids", NULL};
    char ws[37], id[37], missing[37];
    int64_t added = 0;
    if (begin(req, res, writable, ws, id) != 0)
        return -1;
    json_t *items = read_items(req, res, "detection_object_ids", "object_id", 0);
    if (!items)
        return -1;
    st_result r = store_xim_samples_add_objects(ws, id, items, &added, missing);
    json_decref(items);
    if (r == ST_NOT_FOUND && missing[0])
        return xim_fail_field(res, "detection_object_ids", "Invalid pk \"%s\" - object does not exist.", missing);
    if (r == ST_INVALID)
        return xim_fail_field(res, "detection_object_ids", "A sample can have at most %d detection objects.",
                              XIM_SAMPLE_MAX_OBJECTS);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return vs_reply_json(res, 200, json_pack("{s:I}", "added", (json_int_t)added));
}

int xim_sample_actions_remove_objects(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    int64_t removed = 0;
    if (remove_items(req, res, "detection_object_ids", "object_id", 0, store_xim_samples_remove_objects, ws, id,
                     &removed) != 0)
        return -1;
    return vs_reply_json(res, 200, json_pack("{s:I}", "removed", (json_int_t)removed));
}

/* sample-images / sample-objects: every row of list, each through view. */
static int reply_members(vs_request *req, vs_response *res, st_result (*list)(const char *, const char *, json_t **),
                         json_t *(*view)(const vs_request *, const json_t *))
{
    char ws[37], id[37];
    json_t *row = NULL, *rows = NULL;
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    st_result r = store_xim_samples_get(ws, id, &row);
    json_decref(row);
    if (r == ST_OK)
        r = list(ws, id, &rows);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(rows, i, e) json_array_append_new(out, view(req, e));
    json_decref(rows);
    return vs_reply_json(res, 200, out);
}

int xim_sample_actions_images(vs_request *req, vs_response *res)
{
    return reply_members(req, res, store_xim_samples_images, xim_views_sample_image);
}

int xim_sample_actions_objects(vs_request *req, vs_response *res)
{
    return reply_members(req, res, store_xim_samples_objects, xim_views_sample_object);
}

static int set_test(vs_request *req, vs_response *res, int test)
{
    char ws[37], id[37];
    if (begin(req, res, NULL, ws, id) != 0)
        return -1;
    xim_sample_fields f = {.set_test = 1, .test = test};
    st_result r = store_xim_samples_update(ws, id, &f);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return xim_samples_reply(req, res, ws, id, 200);
}

int xim_sample_actions_set_test(vs_request *req, vs_response *res) { return set_test(req, res, 1); }
int xim_sample_actions_set_untest(vs_request *req, vs_response *res) { return set_test(req, res, 0); }

int xim_sample_actions_add_value(vs_request *req, vs_response *res)
{
    static const char *const writable[] = {"dataset_variable", "value", NULL};
    char ws[37], id[37], err[400];
    const char *variable = NULL;
    json_t *var = NULL, *sample = NULL;
    if (begin(req, res, writable, ws, id) != 0 ||
        xim_field_ref(req->json, res, "dataset_variable", 0, &variable) < 0)
        return -1;
    if (!variable)
        return xim_fail_required(res, "dataset_variable");
    json_t *value = json_object_get(req->json, "value");
    if (!value)
        return xim_fail_required(res, "value");
    /* The reference wraps the value: {"value": {"value": 8.5}}. */
    if (json_is_object(value) && json_object_size(value) == 1 && json_object_get(value, "value"))
        value = json_object_get(value, "value");
    st_result r = store_xim_samples_get(ws, id, &sample);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    r = store_xim_variables_get(ws, variable, &var);
    int same = r == ST_OK && strcmp(json_string_value(json_object_get(var, "dataset")),
                                    json_string_value(json_object_get(sample, "dataset"))) == 0;
    json_decref(sample);
    if (r != ST_OK && r != ST_NOT_FOUND)
        return xim_fail_store(res, r);
    if (!same) {
        json_decref(var);
        return xim_fail_field(res, "dataset_variable", "Invalid pk \"%s\" - no such variable in the sample's dataset.",
                              variable);
    }
    xim_var v;
    xim_var_from_json(var, &v);
    json_t *stored = NULL;
    if (!json_is_null(value)) {
        if (xim_var_check_value(&v, value, err, sizeof err) != 0) {
            json_decref(var);
            return vs_fail_details(res, 400, "validation_error", json_pack("{s:{s:[s]}}", "errors", "value", err),
                                   "%s", err);
        }
        stored = xim_var_normalize(&v, value);
    }
    json_decref(var);
    r = store_xim_samples_set_value(ws, id, variable, stored);
    json_decref(stored);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return xim_samples_reply(req, res, ws, id, 200);
}

int xim_sample_actions_render(vs_request *req, vs_response *res)
{
    char ws[37], id[37], err[512];
    json_t *sample = NULL, *vars = NULL, *values = NULL;
    int rc = -1;
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    st_result r = store_xim_samples_get(ws, id, &sample);
    if (r == ST_OK)
        r = store_xim_variables_of_dataset(ws, json_string_value(json_object_get(sample, "dataset")), &vars);
    if (r == ST_OK)
        r = store_xim_samples_values(ws, id, &values);
    if (r != ST_OK) {
        xim_fail_store(res, r);
        goto out;
    }
    json_t *by_name = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(values, i, e) json_object_set(by_name, json_string_value(json_object_get(e, "name")),
                                                     json_object_get(e, "value"));
    const char *tpl = json_string_value(json_object_get(sample, "result_template"));
    const char *format = json_string_value(json_object_get(sample, "result_format"));
    char *text = xim_render_result(tpl, format, vars, by_name, err, sizeof err);
    json_decref(by_name);
    if (!text) {
        xim_fail(res, 400, "%s", err);
        goto out;
    }
    json_t *body = json_pack("{s:s,s:s?,s:O}", "result", text, "result_format", tpl && *tpl ? format : "json",
                             "sample", json_object_get(sample, "id"));
    free(text);
    rc = vs_reply_json(res, 200, body);
out:
    json_decref(sample);
    json_decref(vars);
    json_decref(values);
    return rc;
}
