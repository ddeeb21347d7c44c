/* admin_workspaces.c — tenants and their keys, deletion, per-workspace reset. */
#include "admin.h"
#include "../core/store_workspaces.h"
#include "../worker.h"

static json_t *workspace_json(const ws_row *w, const ws_keys *k)
{
    json_t *o = json_pack("{s:s,s:s,s:I}", "id", w->id, "name", w->name, "createdAt", (json_int_t)w->created_at);
    if (k)
        json_object_set_new(o, "keys",
                            json_pack("{s:{s:s,s:s},s:s,s:s,s:s}", "vi", "secretKey", k->vi_secret, "organizationId",
                                      k->vi_org, "pictograph", k->pictograph, "ximilar", k->ximilar, "labelbox",
                                      k->labelbox));
    return o;
}

int admin_workspaces_create(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"name", NULL};
    const char *name = NULL;
    if (vs_body_allow(req, res, allowed) || vs_body_string(req, res, "name", 1, 200, &name))
        return -1;
    ws_row w;
    ws_keys k;
    st_result r = store_workspaces_create(name, NULL, NULL, &w, &k);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Workspace");
    return vs_reply_json(res, 201, workspace_json(&w, &k));
}

static void add_item(const ws_row *w, void *arg) { json_array_append_new(arg, workspace_json(w, NULL)); }

int admin_workspaces_list(vs_request *req, vs_response *res)
{
    (void)req;
    json_t *items = json_array();
    st_result r = store_workspaces_list(add_item, items);
    if (r != ST_OK) {
        json_decref(items);
        return vs_fail_store(res, r, "Workspaces");
    }
    return vs_reply_json(res, 200, json_pack("{s:o}", "items", items));
}

int admin_workspaces_get(vs_request *req, vs_response *res)
{
    ws_row w;
    ws_keys k;
    st_result r = store_workspaces_get(vs_param(req, "id"), &w, &k);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Workspace");
    return vs_reply_json(res, 200, workspace_json(&w, &k));
}

int admin_workspaces_delete(vs_request *req, vs_response *res)
{
    char job[37];
    st_result r = store_workspaces_delete(vs_param(req, "id"), job);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Workspace");
    worker_wake();
    vs_add_header(res, "X-Purge-Job", job);
    return vs_reply_empty(res, 204);
}

int admin_workspaces_reset(vs_request *req, vs_response *res)
{
    st_result r = store_workspaces_clear(vs_param(req, "id"));
    if (r != ST_OK)
        return vs_fail_store(res, r, "Workspace");
    return vs_reply_empty(res, 204);
}
