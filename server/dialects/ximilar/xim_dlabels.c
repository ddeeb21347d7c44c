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

static json_t *dlabel_view(const vs_request *req, const char *ws, json_t *row)
{
    (void)req;
    (void)ws;
    return xim_views_dlabel(row);
}

static int reply_dlabel(vs_response *res, const char *ws, const char *id, int status)
{
    return xim_reply_get(NULL, res, store_xim_dlabels_get, dlabel_view, ws, id, status);
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
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    return reply_dlabel(res, ws, id, 200);
}

int xim_dlabels_list(vs_request *req, vs_response *res)
{
    return xim_list_filtered(req, res, "search", store_xim_dlabels_count, store_xim_dlabels_list, dlabel_view);
}

int xim_dlabels_update(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_dlabel_fields f = {0};
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_dlabels_get, ws, id) != 0 ||
        read_fields(req, res, &f, strcmp(req->method, "PUT") == 0) != 0)
        return -1;
    st_result r = store_xim_dlabels_update(ws, id, &f);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_dlabel(res, ws, id, 200);
}

int xim_dlabels_delete(vs_request *req, vs_response *res)
{
    return xim_delete(req, res, store_xim_dlabels_delete);
}
