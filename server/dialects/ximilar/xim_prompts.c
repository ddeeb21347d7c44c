/* xim_prompts.c — /vlm/v2/prompt: shared prompts (system, user, template) with
 * an optional output format. The type is fixed at creation; tasks and datasets
 * read the content through their prompt ids, so an update reaches every reader
 * and a delete nulls every reference (foreign keys ON DELETE SET NULL).
 * Request threads. */
#include "store_xim_prompts.h"
#include "xim_prompts.h"
#include "xim_common.h"
#include "xim_routes.h"
#include "xim_views.h"

#include <string.h>

#define XIM_PROMPT_MAX (512 * 1024)

static const char *const prompt_types[] = {"system", "user", "template", NULL};
static const char *const prompt_formats[] = {"json", "yaml", "xml", "csv", NULL};
static const char *const prompt_writable[] = {"name", "type", "description", "content", "format", NULL};
static const char *const prompt_readonly[] = {"id", "created", "updated", NULL};

static int reply_prompt(vs_response *res, const char *ws, const char *id, int status)
{
    json_t *row = NULL;
    st_result r = store_xim_prompts_get(ws, id, &row);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    json_t *body = xim_views_prompt(row);
    json_decref(row);
    return vs_reply_json(res, status, body);
}

/* current_type: NULL on create; else the stored type, which may not change. */
static int read_fields(vs_request *req, vs_response *res, xim_prompt_fields *f, int full, const char *current_type)
{
    if (xim_body_check(req, res, prompt_writable, prompt_readonly) != 0)
        return -1;
    int n = xim_field_string(req->json, res, "name", 0, XIM_NAME_MAX, &f->name);
    int t = n < 0 ? -1 : xim_field_choice(req->json, res, "type", 0, prompt_types, &f->type);
    int d = t < 0 ? -1 : xim_field_string(req->json, res, "description", 1, XIM_TEXT_MAX, &f->description);
    int c = d < 0 ? -1 : xim_field_string(req->json, res, "content", 1, XIM_PROMPT_MAX, &f->content);
    int fm = c < 0 ? -1 : xim_field_choice(req->json, res, "format", 1, prompt_formats, &f->format);
    if (fm < 0)
        return -1;
    if ((full || n > 0) && (!f->name || !*f->name))
        return xim_fail_field(res, "name", f->name ? "This field may not be blank." : "This field is required.");
    if (!current_type && !f->type)
        return xim_fail_required(res, "type");
    if (current_type && f->type && strcmp(current_type, f->type) != 0)
        return xim_fail_field(res, "type", "The type of a prompt cannot be changed.");
    f->set_name = n > 0;
    f->set_description = d > 0 || full;
    f->set_content = c > 0 || full;
    f->set_format = fm > 0 || full;
    return 0;
}

int xim_prompts_create(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_prompt_fields f = {0};
    if (xim_workspace(req, res, ws) != 0 || read_fields(req, res, &f, 1, NULL) != 0)
        return -1;
    st_result r = store_xim_prompts_create(ws, &f, id);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_prompt(res, ws, id, 201);
}

int xim_prompts_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    return reply_prompt(res, ws, id, 200);
}

static json_t *prompt_view(const vs_request *req, const char *ws, json_t *row)
{
    (void)req;
    (void)ws;
    return xim_views_prompt(row);
}

int xim_prompts_list(vs_request *req, vs_response *res)
{
    static const char *const carry[] = {"search", "type", NULL};
    char ws[37];
    xim_page page;
    const char *search = NULL, *type = NULL;
    int64_t count = 0;
    json_t *rows = NULL;
    if (xim_workspace(req, res, ws) != 0 || xim_page_parse(req, res, &page) != 0 ||
        xim_query_text(req, res, "search", XIM_NAME_MAX, &search) < 0 ||
        xim_query_choice(req, res, "type", prompt_types, &type) < 0)
        return -1;
    st_result r = store_xim_prompts_count(ws, search, type, &count);
    if (xim_page_counted(res, &page, r, count) != 0)
        return -1;
    r = store_xim_prompts_list(ws, search, type, page.size, page.offset, &rows);
    return xim_page_reply_rows(req, res, &page, count, r, rows, ws, carry, prompt_view);
}

int xim_prompts_update(vs_request *req, vs_response *res)
{
    char ws[37], id[37], type[16];
    xim_prompt_fields f = {0};
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    st_result r = store_xim_prompts_type(ws, id, type);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    if (read_fields(req, res, &f, strcmp(req->method, "PUT") == 0, type) != 0)
        return -1;
    if ((r = store_xim_prompts_update(ws, id, &f)) != ST_OK)
        return xim_fail_store(res, r);
    return reply_prompt(res, ws, id, 200);
}

int xim_prompts_delete(vs_request *req, vs_response *res)
{
    return xim_delete(req, res, store_xim_prompts_delete);
}

int xim_prompts_ref(const vs_request *req, vs_response *res, const char *ws, const char *field, const char *type,
                    const char **id)
{
    int has = xim_field_ref(req->json, res, field, 1, id);
    if (has <= 0 || !*id)
        return has;
    char actual[16];
    st_result r = store_xim_prompts_type(ws, *id, actual);
    if (r == ST_NOT_FOUND)
        return xim_fail_field(res, field, "Invalid pk \"%s\" - object does not exist.", *id);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    if (strcmp(actual, type) != 0)
        return xim_fail_field(res, field, "The prompt must be a %s prompt, not a %s prompt.", type, actual);
    return 1;
}
