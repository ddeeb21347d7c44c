/* xim_variables.c — /vlm/v2/variable: the variables (output schema) of a VLM
 * dataset. A definition is checked as a whole (xim_rules.c) on create and after
 * merging a PATCH: constraints must fit the type, bounds must be ordered and a
 * default must satisfy them. Names are identifiers, unique per dataset.
 * Request threads. */
#include "store_xim_variables.h"
#include "xim_common.h"
#include "xim_routes.h"
#include "xim_rules.h"
#include "xim_views.h"

#include <ctype.h>
#include <string.h>

static const char *const var_types[] = {"string", "integer", "float", "boolean", "array", "object", NULL};
static const char *const var_writable[] = {"dataset", "name", "type", "required", "description", "choices",
                                           "min_value", "max_value", "step_size", "min_length", "max_length",
                                           "default_value", NULL};
static const char *const var_readonly[] = {"id", "dataset_name", "created", NULL};

static int reply_variable(vs_response *res, const char *ws, const char *id, int status)
{
    json_t *row = NULL;
    st_result r = store_xim_variables_get(ws, id, &row);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    json_t *body = xim_views_variable(row);
    json_decref(row);
    return vs_reply_json(res, status, body);
}

static int identifier_ok(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return 0;
    return 1;
}

/* Numeric constraint: present → overrides cur; null clears. */
static int number_field(const vs_request *req, vs_response *res, const char *key, int *has, double *v)
{
    int is_null = 0;
    double d = 0;
    int rc = xim_field_number(req->json, res, key, 1, &d, &is_null);
    if (rc > 0) {
        *has = !is_null;
        *v = d;
    }
    return rc;
}

static int length_field(const vs_request *req, vs_response *res, const char *key, int *has, int64_t *v)
{
    int is_null = 0;
    int64_t n = 0;
    int rc = xim_field_int(req->json, res, key, 1, 0, XIM_VAR_LENGTH_MAX, &n, &is_null);
    if (rc > 0) {
        *has = !is_null;
        *v = n;
    }
    return rc;
}

/* Fills f from the current state (cur, may be NULL) overridden by the body. */
static int read_fields(vs_request *req, vs_response *res, const json_t *cur, xim_variable_fields *f, int full)
{
    if (xim_body_check(req, res, var_writable, var_readonly) != 0)
        return -1;
    memset(f, 0, sizeof *f);
    if (cur) {
        xim_var v;
        xim_var_from_json(cur, &v);
        f->dataset = json_string_value(json_object_get(cur, "dataset"));
        f->name = v.name;
        f->type = json_string_value(json_object_get(cur, "type"));
        f->required = v.required;
        f->description = json_string_value(json_object_get(cur, "description"));
        f->choices = v.choices;
        f->has_min = v.has_min, f->min_value = v.min_value;
        f->has_max = v.has_max, f->max_value = v.max_value;
        f->has_step = v.has_step, f->step_size = v.step_size;
        f->has_min_len = v.has_min_len, f->min_length = v.min_length;
        f->has_max_len = v.has_max_len, f->max_length = v.max_length;
        f->default_value = v.default_value;
    }
    const char *dataset = NULL, *name = NULL, *type = NULL, *description = NULL, *choices = NULL;
    int ds = xim_field_ref(req->json, res, "dataset", 0, &dataset);
    int n = ds < 0 ? -1 : xim_field_string(req->json, res, "name", 0, 128, &name);
    int t = n < 0 ? -1 : xim_field_choice(req->json, res, "type", 0, var_types, &type);
    int rq = t < 0 ? -1 : xim_field_bool(req->json, res, "required", &f->required);
    int d = rq < 0 ? -1 : xim_field_string(req->json, res, "description", 1, XIM_TEXT_MAX, &description);
    int c = d < 0 ? -1 : xim_field_string(req->json, res, "choices", 1, XIM_TEXT_MAX, &choices);
    if (c < 0 || number_field(req, res, "min_value", &f->has_min, &f->min_value) < 0 ||
        number_field(req, res, "max_value", &f->has_max, &f->max_value) < 0 ||
        number_field(req, res, "step_size", &f->has_step, &f->step_size) < 0 ||
        length_field(req, res, "min_length", &f->has_min_len, &f->min_length) < 0 ||
        length_field(req, res, "max_length", &f->has_max_len, &f->max_length) < 0)
        return -1;
    if (cur && ds > 0 && strcmp(dataset, f->dataset) != 0)
        return xim_fail_field(res, "dataset", "The dataset of a variable cannot be changed.");
    if (ds > 0)
        f->dataset = dataset;
    if (n > 0)
        f->name = name;
    if (t > 0)
        f->type = type;
    if (d > 0 || (full && cur))
        f->description = description;
    if (c > 0 || (full && cur))
        f->choices = choices && *choices ? choices : NULL;
    json_t *dv = json_object_get(req->json, "default_value");
    if (dv)
        f->default_value = json_is_null(dv) ? NULL : dv;
    if (!f->dataset)
        return xim_fail_required(res, "dataset");
    if (!f->name)
        return xim_fail_required(res, "name");
    if (!identifier_ok(f->name))
        return xim_fail_field(res, "name", "\"%.60s\" is not a valid identifier (letters, digits and _, not starting "
                                           "with a digit).", f->name);
    if (!f->type)
        return xim_fail_required(res, "type");
    xim_var v = {.name = f->name, .type = xim_var_type_from_name(f->type), .required = f->required,
                 .choices = f->choices, .has_min = f->has_min, .has_max = f->has_max, .has_step = f->has_step,
                 .has_min_len = f->has_min_len, .has_max_len = f->has_max_len, .min_value = f->min_value,
                 .max_value = f->max_value, .step_size = f->step_size, .min_length = f->min_length,
                 .max_length = f->max_length, .default_value = f->default_value};
    const char *field = NULL;
    char err[400];
    if (xim_var_check_definition(&v, &field, err, sizeof err) != 0)
        return xim_fail_field(res, field ? field : "type", "%s", err);
    return 0;
}

static int store_result(vs_response *res, st_result r, const char *dataset)
{
    if (r == ST_CONFLICT)
        return xim_fail_field(res, "name", "A variable with this name already exists in the dataset.");
    if (r == ST_NOT_FOUND && dataset)
        return xim_fail_field(res, "dataset", "Invalid pk \"%s\" - object does not exist.", dataset);
    return xim_fail_store(res, r);
}

int xim_variables_create(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_variable_fields f;
    if (xim_workspace(req, res, ws) != 0 || read_fields(req, res, NULL, &f, 1) != 0)
        return -1;
    st_result r = store_xim_variables_create(ws, &f, id);
    if (r != ST_OK)
        return store_result(res, r, f.dataset);
    return reply_variable(res, ws, id, 201);
}

int xim_variables_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    return reply_variable(res, ws, id, 200);
}

static json_t *variable_view(const vs_request *req, const char *ws, json_t *row)
{
    (void)req;
    (void)ws;
    return xim_views_variable(row);
}

int xim_variables_list(vs_request *req, vs_response *res)
{
    static const char *const carry[] = {"dataset", "search", NULL};
    char ws[37];
    xim_page page;
    const char *dataset = NULL, *search = NULL;
    int64_t count = 0;
    json_t *rows = NULL;
    if (xim_workspace(req, res, ws) != 0 || xim_page_parse(req, res, &page) != 0 ||
        xim_query_uuid(req, res, "dataset", &dataset) < 0 ||
        xim_query_text(req, res, "search", XIM_NAME_MAX, &search) < 0)
        return -1;
    st_result r = store_xim_variables_count(ws, dataset, search, &count);
    if (xim_page_counted(res, &page, r, count) != 0)
        return -1;
    r = store_xim_variables_list(ws, dataset, search, page.size, page.offset, &rows);
    return xim_page_reply_rows(req, res, &page, count, r, rows, ws, carry, variable_view);
}

int xim_variables_update(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    json_t *cur = NULL;
    xim_variable_fields f;
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    st_result r = store_xim_variables_get(ws, id, &cur);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    int rc = read_fields(req, res, cur, &f, strcmp(req->method, "PUT") == 0);
    if (rc == 0 && (r = store_xim_variables_update(ws, id, &f)) != ST_OK)
        rc = store_result(res, r, NULL);
    json_decref(cur);
    if (rc != 0)
        return -1;
    return reply_variable(res, ws, id, 200);
}

int xim_variables_delete(vs_request *req, vs_response *res)
{
    return xim_delete(req, res, store_xim_variables_delete);
}
