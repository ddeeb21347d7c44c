/* xim_datasets.c — /vlm/v2/dataset: VLM datasets. The prompt references are
 * type-checked (system / user / template); the resolved texts and
 * result_format (the template's format, else the dataset's own `format`) are
 * read-only. `version` is the date of the last save. Request threads. */
#include "store_xim_vlm_datasets.h"
#include "xim_common.h"
#include "xim_prompts.h"
#include "xim_routes.h"

#include <string.h>

static const char *const formats[] = {"json", "yaml", "xml", "csv", NULL};
static const char *const dataset_writable[] = {"name", "description", "format", "system_prompt_id", "user_prompt_id",
                                               "result_template_id", "default_input_meta_data", "meta_data", NULL};
static const char *const dataset_readonly[] = {"id", "version", "created_date", "result_format", "system_prompt",
                                               "user_prompt", "result_template", "samples_count", "variables_count",
                                               NULL};

static json_t *xim_datasets_view(const json_t *row)
{
    static const char *const keys[] = {"id", "name", "description", "format", "default_input_meta_data", "meta_data",
                                       "samples_count", "variables_count", "system_prompt_id", "user_prompt_id",
                                       "result_template_id", "system_prompt", "user_prompt", "result_template",
                                       "workspace", NULL};
    json_t *out = json_object();
    for (size_t i = 0; keys[i]; i++)
        json_object_set(out, keys[i], json_object_get(row, keys[i]));
    char date[11];
    xim_time_date(json_integer_value(json_object_get(row, "updated_at")), date);
    json_object_set_new(out, "version", json_string(date));
    xim_set_time(out, "created_date", json_integer_value(json_object_get(row, "created_at")));
    json_t *tf = json_object_get(row, "template_format");
    json_object_set(out, "result_format", json_is_string(tf) ? tf : json_object_get(row, "format"));
    return out;
}

static json_t *dataset_view(const vs_request *req, const char *ws, json_t *row)
{
    (void)req;
    (void)ws;
    return xim_datasets_view(row);
}

static int reply_dataset(vs_response *res, const char *ws, const char *id, int status)
{
    return xim_reply_get(NULL, res, store_xim_vlm_datasets_get, dataset_view, ws, id, status);
}

static int read_fields(vs_request *req, vs_response *res, const char *ws, xim_vlm_dataset_fields *f, int full)
{
    json_t *defaults = NULL, *meta = NULL;
    if (xim_body_check(req, res, dataset_writable, dataset_readonly) != 0)
        return -1;
    int n = xim_field_string(req->json, res, "name", 0, XIM_NAME_MAX, &f->name);
    int d = n < 0 ? -1 : xim_field_string(req->json, res, "description", 1, XIM_TEXT_MAX, &f->description);
    int fm = d < 0 ? -1 : xim_field_choice(req->json, res, "format", 1, formats, &f->format);
    int di = fm < 0 ? -1 : xim_field_object(req->json, res, "default_input_meta_data", 0, &defaults);
    int m = di < 0 ? -1 : xim_field_object(req->json, res, "meta_data", 0, &meta);
    int s = m < 0 ? -1 : xim_prompts_ref(req, res, ws, "system_prompt_id", "system", &f->system_prompt_id);
    int u = s < 0 ? -1 : xim_prompts_ref(req, res, ws, "user_prompt_id", "user", &f->user_prompt_id);
    int t = u < 0 ? -1 : xim_prompts_ref(req, res, ws, "result_template_id", "template", &f->result_template_id);
    if (t < 0)
        return -1;
    if ((full || n > 0) && (!f->name || !*f->name))
        return xim_fail_field(res, "name", f->name ? "This field may not be blank." : "This field is required.");
    f->set_name = n > 0;
    f->set_description = d > 0 || full;
    f->set_format = fm > 0 || full;
    f->set_defaults = di > 0;
    f->set_meta = m > 0;
    f->default_input_meta_data = defaults;
    f->meta_data = meta;
    f->set_system = s > 0 || full;
    f->set_user = u > 0 || full;
    f->set_template = t > 0 || full;
    return 0;
}

int xim_datasets_create(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_vlm_dataset_fields f = {0};
    if (xim_workspace(req, res, ws) != 0 || read_fields(req, res, ws, &f, 1) != 0)
        return -1;
    st_result r = store_xim_vlm_datasets_create(ws, &f, id);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_dataset(res, ws, id, 201);
}

int xim_datasets_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    return reply_dataset(res, ws, id, 200);
}

int xim_datasets_list(vs_request *req, vs_response *res)
{
    return xim_list_filtered(req, res, "search", store_xim_vlm_datasets_count, store_xim_vlm_datasets_list,
                             dataset_view);
}

int xim_datasets_update(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_vlm_dataset_fields f = {0};
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_vlm_datasets_get, ws, id) != 0 ||
        read_fields(req, res, ws, &f, strcmp(req->method, "PUT") == 0) != 0)
        return -1;
    st_result r = store_xim_vlm_datasets_update(ws, id, &f);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_dataset(res, ws, id, 200);
}

int xim_datasets_delete(vs_request *req, vs_response *res)
{
    return xim_delete(req, res, store_xim_vlm_datasets_delete);
}
