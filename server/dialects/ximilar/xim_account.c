/* xim_account.c — /authorization/v2/authorize and the account calls the
 * generic client makes. In the emulator one Ximilar token belongs to one
 * workspace, so the "user" is that workspace: user_id and default_workspace are
 * its id, and the workspace list has exactly it. Request threads. */
#include "core/store_workspaces.h"
#include "xim_common.h"
#include "xim_routes.h"

#include <stdio.h>

int xim_account_authorize(vs_request *req, vs_response *res)
{
    static const char *const writable[] = {"service", "call_type", NULL};
    const char *service = NULL, *call_type = NULL;
    if (xim_body_check(req, res, writable, NULL) != 0 ||
        xim_field_string(req->json, res, "service", 1, XIM_NAME_MAX, &service) < 0 ||
        xim_field_string(req->json, res, "call_type", 1, XIM_NAME_MAX, &call_type) < 0)
        return -1;
    json_t *body = json_pack("{s:s,s:s,s:s}", "user_id", req->workspace_id, "status", "OK", "call_type",
                             call_type ? call_type : "authenticate");
    json_object_set_new(body, "service", service ? json_string(service) : json_null());
    return vs_reply_json(res, 200, body);
}

static json_t *workspace_entity(const ws_row *w)
{
    return json_pack("{s:s,s:s}", "id", w->id, "name", w->name);
}

int xim_account_user(vs_request *req, vs_response *res)
{
    ws_row w;
    st_result r = store_workspaces_get(req->workspace_id, &w, NULL);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    char email[300];
    snprintf(email, sizeof email, "%s@localhost", w.id);
    json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:[o]}", "id", w.id, "email", email, "first_name", w.name,
                             "default_workspace", w.id, "workspaces", workspace_entity(&w));
    xim_set_time(body, "date_joined", w.created_at);
    return vs_reply_json(res, 200, body);
}

int xim_account_workspaces(vs_request *req, vs_response *res)
{
    ws_row w;
    xim_page page;
    if (xim_page_parse(req, res, &page) != 0)
        return -1;
    st_result r = store_workspaces_get(req->workspace_id, &w, NULL);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    if (xim_page_check(res, &page, 1) != 0)
        return -1;
    return xim_page_reply(req, res, &page, 1, json_pack("[o]", workspace_entity(&w)), w.id, NULL);
}
