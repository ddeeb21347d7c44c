/* xim_dlabels.c — /detection/v2/label: detection labels (name, colour,
 * description, output name). Request threads. */
#include "store_xim_detection.h"
#include "xim_common.h"
#include "xim_routes.h"
#include "xim_views.h"

#include <ctype.h>
#include <string.h>

static const char *const dlabel_writable[] = {"name", "description", "color", "output_name", NULL};
static const char *const dlabel_readonly[] = {"id", "recognition_tasks", NULL};

static int reply_dlabel(vs_response *res, const char *ws, const char *id, int status)
{
    json_t *row = NULL;
    st_result r = store_xim_dlabels_get(ws, id, &row);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    json_t *body = xim_views_dlabel(row);
    json_decref(row);
    return vs_reply_json(res, status, body);
}

static int color_ok(const char *c)
{
    if (strlen(c) != 7 || c[0] != '#')
        return 0;
    for (int i = 1; i < 7; i++)
        if (!isxdigit((unsigned char)c[i]))
            return 0;
    return 1;
}

/* DRF looks the object up before reading the body: an unknown id is 404 even
 * when the body is also wrong. */
static int dlabel_exists(const char *ws, const char *id, vs_response *res)
{
    json_t *row = NULL;
    st_result r = store_xim_dlabels_get(ws, id, &row);
    json_decref(row);
    return r == ST_OK ? 0 : xim_fail_store(res, r);
}

static int read_fields(vs_request *req, vs_response *res, xim_dlabel_fields *f, int full)
{
    if (xim_body_check(req, res, dlabel_writable, dlabel_readonly) != 0)
        return -1;
    int n = xim_field_string(req->json, res, "name", 0, XIM_NAME_MAX, &f->name);
    int d = n < 0 ? -1 : xim_field_string(req->json, res, "description", 1, XIM_TEXT_MAX, &f->description);
    int c = d < 0 ? -1 : xim_field_string(req->json, res, "color", 0, 16, &f->color);
    int o = c < 0 ? -1 : xim_field_string(req->json, res, "output_name", 1, XIM_NAME_MAX, &f->output_name);
    if (o < 0)
        return -1;
    if ((full || n > 0) && (!f->name || !*f->name))
        return xim_fail_field(res, "name", f->name ? "This field may not be blank." : "This field is required.");
    if (f->color && !color_ok(f->color))
        return xim_fail_field(res, "color", "Enter a colour as #RRGGBB.");
    f->set_name = n > 0;
    f->set_description = d > 0 || full;
    f->set_color = c > 0;
    f->set_output_name = o > 0 || full;
    return 0;
}

int xim_dlabels_create(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_dlabel_fields f = {0};
    if (xim_workspace(req, res, ws) != 0 || read_fields(req, res, &f, 1) != 0)
        return -1;
    st_result r = store_xim_dlabels_create(ws, &f, id);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_dlabel(res, ws, id, 201);
}

int xim_dlabels_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace(req, res, ws) != 0 || xim_path_id(req, res, "id", id) != 0)
        return -1;
    return reply_dlabel(res, ws, id, 200);
}

int xim_dlabels_list(vs_request *req, vs_response *res)
{
    static const char *const carry[] = {"search", NULL};
    char ws[37];
    xim_page page;
    const char *search = NULL;
    int64_t count = 0;
    json_t *rows = NULL;
    if (xim_workspace(req, res, ws) != 0 || xim_page_parse(req, res, &page) != 0 ||
        xim_query_text(req, res, "search", XIM_NAME_MAX, &search) < 0)
        return -1;
    st_result r = store_xim_dlabels_count(ws, search, &count);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    if (xim_page_check(res, &page, count) != 0)
        return -1;
    if ((r = store_xim_dlabels_list(ws, search, page.size, page.offset, &rows)) != ST_OK)
        return xim_fail_store(res, r);
    json_t *results = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) json_array_append_new(results, xim_views_dlabel(row));
    json_decref(rows);
    return xim_page_reply(req, res, &page, count, results, ws, carry);
}

int xim_dlabels_update(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_dlabel_fields f = {0};
    if (xim_workspace(req, res, ws) != 0 || xim_path_id(req, res, "id", id) != 0 ||
        dlabel_exists(ws, id, res) != 0 || read_fields(req, res, &f, strcmp(req->method, "PUT") == 0) != 0)
        return -1;
    st_result r = store_xim_dlabels_update(ws, id, &f);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_dlabel(res, ws, id, 200);
}

int xim_dlabels_delete(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace(req, res, ws) != 0 || xim_path_id(req, res, "id", id) != 0)
        return -1;
    st_result r = store_xim_dlabels_delete(ws, id);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return vs_reply_empty(res, 204);
}
