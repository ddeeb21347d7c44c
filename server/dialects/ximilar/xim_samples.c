/* xim_samples.c — /vlm/v2/sample: VLM samples (create, get, list with
 * dataset/test/search filters, update, delete) and the sample entity.
 *
 * On create without input_meta_data, the sample gets the dataset's
 * default_input_meta_data plus a null entry for each {{name}} of the user
 * prompt the defaults do not cover. PATCH merges input_meta_data into what is
 * there (PUT replaces it). A page of samples costs one list query plus three
 * indexed lookups per sample and one variables lookup per dataset on the page.
 * Request threads. */
#include "store_xim_samples.h"
#include "store_xim_variables.h"
#include "store_xim_vlm_datasets.h"
#include "xim_common.h"
#include "xim_routes.h"
#include "xim_samples.h"
#include "xim_template.h"
#include "xim_views.h"

#include <string.h>

static const char *const sample_types[] = {"single", "multi_random", "multi_ordered", NULL};
static const char *const sample_writable[] = {"dataset", "name", "description", "test", "type", "result_template",
                                              "user_prompt", "input_meta_data", "meta_data", NULL};
static const char *const sample_readonly[] = {"id", "dataset_name", "created_date", "images_count", "objects_count",
                                              "variables_count", "dataset_variables_config", "images",
                                              "variable_values", "result_format", NULL};

json_t *xim_samples_entity(const vs_request *req, vs_response *res, const char *ws, const json_t *row, json_t *cache,
                           const json_t *images_in, const json_t *values_in)
{
    static const char *const keys[] = {"id", "dataset", "dataset_name", "test", "name", "description", "type",
                                       "result_template", "user_prompt", "result_format", "input_meta_data",
                                       "meta_data", "objects_count", "workspace", NULL};
    const char *id = json_string_value(json_object_get(row, "id"));
    const char *dataset = json_string_value(json_object_get(row, "dataset"));
    json_t *vars = cache ? json_incref(json_object_get(cache, dataset)) : NULL;
    json_t *images = images_in ? json_incref((json_t *)images_in) : NULL;
    json_t *values = values_in ? json_incref((json_t *)values_in) : NULL;
    st_result r = ST_OK;
    if (!vars && (r = store_xim_variables_of_dataset(ws, dataset, &vars)) == ST_OK && cache)
        json_object_set(cache, dataset, vars);
    if (r == ST_OK && !images)
        r = store_xim_samples_images(ws, id, &images);
    if (r == ST_OK && !values)
        r = store_xim_samples_values(ws, id, &values);
    if (r != ST_OK) {
        json_decref(vars);
        json_decref(images);
        json_decref(values);
        xim_fail_store(res, r);
        return NULL;
    }
    json_t *out = json_object();
    for (size_t i = 0; keys[i]; i++)
        json_object_set(out, keys[i], json_object_get(row, keys[i]));
    xim_set_time(out, "created_date", json_integer_value(json_object_get(row, "created_at")));
    json_object_set_new(out, "dataset_variables_config", xim_views_variables_config(vars));
    json_t *list = json_array(), *vv = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(images, i, e) json_array_append_new(list, xim_views_sample_image(req, e));
    json_array_foreach(values, i, e) json_object_set(vv, json_string_value(json_object_get(e, "name")),
                                                     json_object_get(e, "value"));
    json_object_set_new(out, "images_count", json_integer((json_int_t)json_array_size(images)));
    json_object_set_new(out, "variables_count", json_integer((json_int_t)json_array_size(values)));
    json_object_set_new(out, "images", list);
    json_object_set_new(out, "variable_values", vv);
    json_decref(vars);
    json_decref(images);
    json_decref(values);
    return out;
}

/* Groups rows (each with "sample_id") into an object sample id → [rows]. */
static json_t *group_by_sample(const json_t *rows)
{
    json_t *out = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *sid = json_string_value(json_object_get(r, "sample_id"));
        json_t *list = json_object_get(out, sid);
        if (!list) {
            list = json_array();
            json_object_set_new(out, sid, list);
        }
        json_array_append(list, r);
    }
    return out;
}

int xim_samples_reply(vs_request *req, vs_response *res, const char *ws, const char *id, int status)
{
    json_t *row = NULL;
    st_result r = store_xim_samples_get(ws, id, &row);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    json_t *body = xim_samples_entity(req, res, ws, row, NULL, NULL, NULL);
    json_decref(row);
    if (!body)
        return -1;
    return vs_reply_json(res, status, body);
}

/* The dataset's default input metadata plus null for each user-prompt
 * placeholder it does not cover. New reference. */
static json_t *default_input(const json_t *dataset, const char *own_prompt)
{
    json_t *out = json_deep_copy(json_object_get(dataset, "default_input_meta_data"));
    if (!json_is_object(out)) {
        json_decref(out);
        out = json_object();
    }
    const char *prompt = own_prompt ? own_prompt : json_string_value(json_object_get(dataset, "user_prompt"));
    json_t *names = xim_template_names(prompt);
    size_t i;
    json_t *n;
    json_array_foreach(names, i, n) if (!json_object_get(out, json_string_value(n)))
        json_object_set_new(out, json_string_value(n), json_null());
    json_decref(names);
    return out;
}

static int read_fields(vs_request *req, vs_response *res, xim_sample_fields *f, int full, int creating)
{
    json_t *input = NULL, *meta = NULL;
    if (xim_body_check(req, res, sample_writable, sample_readonly) != 0)
        return -1;
    int ds = xim_field_ref(req->json, res, "dataset", 0, &f->dataset);
    int n = ds < 0 ? -1 : xim_field_string(req->json, res, "name", 1, XIM_NAME_MAX, &f->name);
    int d = n < 0 ? -1 : xim_field_string(req->json, res, "description", 1, XIM_TEXT_MAX, &f->description);
    int t = d < 0 ? -1 : xim_field_bool(req->json, res, "test", &f->test);
    int ty = t < 0 ? -1 : xim_field_choice(req->json, res, "type", 0, sample_types, &f->type);
    int rt = ty < 0 ? -1 : xim_field_string(req->json, res, "result_template", 1, XIM_TEXT_MAX, &f->result_template);
    int up = rt < 0 ? -1 : xim_field_string(req->json, res, "user_prompt", 1, XIM_TEXT_MAX, &f->user_prompt);
    int in = up < 0 ? -1 : xim_field_object(req->json, res, "input_meta_data", 0, &input);
    int m = in < 0 ? -1 : xim_field_object(req->json, res, "meta_data", 0, &meta);
    if (m < 0)
        return -1;
    if (creating && !f->dataset)
        return xim_fail_required(res, "dataset");
    f->set_name = n > 0 || full;
    f->set_description = d > 0 || full;
    f->set_test = t > 0;
    f->set_type = ty > 0;
    f->set_template = rt > 0 || full;
    f->set_prompt = up > 0 || full;
    f->set_input = in > 0;
    f->set_meta = m > 0;
    f->input_meta_data = input;
    f->meta_data = meta;
    return 0;
}

int xim_samples_create(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_sample_fields f = {0};
    json_t *dataset = NULL, *input = NULL;
    if (xim_workspace(req, res, ws) != 0 || read_fields(req, res, &f, 1, 1) != 0)
        return -1;
    st_result r = store_xim_vlm_datasets_get(ws, f.dataset, &dataset);
    if (r == ST_NOT_FOUND)
        return xim_fail_field(res, "dataset", "Invalid pk \"%s\" - object does not exist.", f.dataset);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    if (!f.input_meta_data) {
        input = default_input(dataset, f.user_prompt);
        f.input_meta_data = input;
    }
    r = store_xim_samples_create(ws, &f, id);
    json_decref(input);
    json_decref(dataset);
    if (r == ST_NOT_FOUND)
        return xim_fail_field(res, "dataset", "Invalid pk \"%s\" - object does not exist.", f.dataset);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return xim_samples_reply(req, res, ws, id, 201);
}

int xim_samples_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    return xim_samples_reply(req, res, ws, id, 200);
}

int xim_samples_list(vs_request *req, vs_response *res)
{
    static const char *const carry[] = {"dataset", "test", "search", NULL};
    char ws[37];
    xim_page page;
    const char *dataset = NULL, *search = NULL;
    int test = -1;
    int64_t count = 0;
    json_t *rows = NULL;
    if (xim_workspace(req, res, ws) != 0 || xim_page_parse(req, res, &page) != 0 ||
        xim_query_uuid(req, res, "dataset", &dataset) < 0 || xim_query_bool(req, res, "test", &test) < 0 ||
        xim_query_text(req, res, "search", XIM_NAME_MAX, &search) < 0)
        return -1;
    st_result r = store_xim_samples_count(ws, dataset, test, search, &count);
    if (xim_page_counted(res, &page, r, count) != 0)
        return -1;
    if ((r = store_xim_samples_list(ws, dataset, test, search, page.size, page.offset, &rows)) != ST_OK)
        return xim_fail_store(res, r);
    /* One query each for the page's images and values, not one per sample. */
    json_t *ids = json_array(), *images = NULL, *values = NULL;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) json_array_append(ids, json_object_get(row, "id"));
    r = store_xim_samples_images_of(ws, ids, &images);
    if (r == ST_OK)
        r = store_xim_samples_values_of(ws, ids, &values);
    json_decref(ids);
    if (r != ST_OK) {
        json_decref(images);
        json_decref(rows);
        return xim_fail_store(res, r);
    }
    json_t *images_by = group_by_sample(images), *values_by = group_by_sample(values), *empty = json_array();
    json_decref(images);
    json_decref(values);
    json_t *results = json_array(), *cache = json_object();
    int failed = 0;
    json_array_foreach(rows, i, row) {
        const char *sid = json_string_value(json_object_get(row, "id"));
        json_t *im = json_object_get(images_by, sid), *va = json_object_get(values_by, sid);
        json_t *e = xim_samples_entity(req, res, ws, row, cache, im ? im : empty, va ? va : empty);
        if (!e) {
            failed = 1;
            break;
        }
        json_array_append_new(results, e);
    }
    json_decref(empty);
    json_decref(images_by);
    json_decref(values_by);
    json_decref(cache);
    json_decref(rows);
    if (failed) {
        json_decref(results);
        return -1;
    }
    return xim_page_reply(req, res, &page, count, results, ws, carry);
}

int xim_samples_update(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_sample_fields f = {0};
    json_t *cur = NULL;
    int full = strcmp(req->method, "PUT") == 0;
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_samples_get, ws, id) != 0 || read_fields(req, res, &f, full, 0) != 0)
        return -1;
    st_result r = store_xim_samples_get(ws, id, &cur);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    int same = !f.dataset || strcmp(f.dataset, json_string_value(json_object_get(cur, "dataset"))) == 0;
    json_decref(cur);
    if (!same)
        return xim_fail_field(res, "dataset", "The dataset of a sample cannot be changed.");
    const json_t *merge = NULL;
    if (f.set_input && !full) {
        merge = f.input_meta_data; /* PATCH merges; PUT replaces */
        f.set_input = 0;
    }
    if ((r = store_xim_samples_update(ws, id, &f)) != ST_OK)
        return xim_fail_store(res, r);
    if (merge && (r = store_xim_samples_merge_input(ws, id, merge)) != ST_OK)
        return xim_fail_store(res, r);
    return xim_samples_reply(req, res, ws, id, 200);
}

int xim_samples_delete(vs_request *req, vs_response *res)
{
    return xim_delete(req, res, store_xim_samples_delete);
}
