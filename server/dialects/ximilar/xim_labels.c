/* xim_labels.c — /recognition/v2/label: recognition labels (category or tag).
 * List filters: search (name), type, task. Request threads. */
#include "store_xim_labels.h"
#include "xim_common.h"
#include "xim_routes.h"
#include "xim_views.h"

#include <string.h>

static const char *const label_types[] = {"category", "tag", NULL};
static const char *const label_writable[] = {"name", "type", "description", "output_name", NULL};
static const char *const label_readonly[] = {"id", "images_count", NULL};

static json_t *label_view(const vs_request *req, const char *ws, json_t *row)
{
    (void)req;
    (void)ws;
    return xim_views_label(row);
}

static int reply_label(vs_response *res, const char *ws, const char *id, int status)
{
    return xim_reply_get(NULL, res, store_xim_labels_get, label_view, ws, id, status);
}

/* Reads the writable fields; full = PUT/POST semantics (name required). */
static int read_fields(vs_request *req, vs_response *res, xim_label_fields *f, int full)
{
    if (xim_body_check(req, res, label_writable, label_readonly) != 0)
        return -1;
    int n = xim_field_string(req->json, res, "name", 0, XIM_NAME_MAX, &f->name);
    int t = n < 0 ? -1 : xim_field_choice(req->json, res, "type", 0, label_types, &f->type);
    int d = t < 0 ? -1 : xim_field_string(req->json, res, "description", 1, XIM_TEXT_MAX, &f->description);
    int o = d < 0 ? -1 : xim_field_string(req->json, res, "output_name", 1, XIM_NAME_MAX, &f->output_name);
    if (o < 0)
        return -1;
    if (full && (!f->name || !*f->name))
        return xim_fail_field(res, "name", f->name ? "This field may not be blank." : "This field is required.");
    if (n > 0 && !*f->name)
        return xim_fail_field(res, "name", "This field may not be blank.");
    f->set_name = n > 0;
    f->set_type = t > 0;
    f->set_description = d > 0 || full;
    f->set_output_name = o > 0 || full;
    return 0;
}

int xim_labels_create(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_label_fields f = {0};
    if (xim_workspace(req, res, ws) != 0 || read_fields(req, res, &f, 1) != 0)
        return -1;
    st_result r = store_xim_labels_create(ws, &f, id);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_label(res, ws, id, 201);
}

int xim_labels_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    return reply_label(res, ws, id, 200);
}

int xim_labels_list(vs_request *req, vs_response *res)
{
    static const char *const carry[] = {"search", "type", "task", NULL};
    char ws[37];
    xim_page page;
    const char *search = NULL, *type = NULL, *task = NULL;
    int64_t count = 0;
    json_t *rows = NULL;
    if (xim_workspace(req, res, ws) != 0 || xim_page_parse(req, res, &page) != 0 ||
        xim_query_text(req, res, "search", XIM_NAME_MAX, &search) < 0 ||
        xim_query_choice(req, res, "type", label_types, &type) < 0 || xim_query_uuid(req, res, "task", &task) < 0)
        return -1;
    st_result r = store_xim_labels_count(ws, search, type, task, &count);
    if (xim_page_counted(res, &page, r, count) != 0)
        return -1;
    r = store_xim_labels_list(ws, search, type, task, page.size, page.offset, &rows);
    return xim_page_reply_rows(req, res, &page, count, r, rows, ws, carry, label_view);
}

int xim_labels_update(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_label_fields f = {0};
    int full = strcmp(req->method, "PUT") == 0;
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_labels_get, ws, id) != 0 || read_fields(req, res, &f, full) != 0)
        return -1;
    st_result r = store_xim_labels_update(ws, id, &f);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_label(res, ws, id, 200);
}

int xim_labels_delete(vs_request *req, vs_response *res)
{
    return xim_delete(req, res, store_xim_labels_delete);
}
