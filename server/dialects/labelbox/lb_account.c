/* lb_account.c — the caller's organisation and user, and IAM integrations.
 * A key belongs to one workspace, which is the vendor's organisation; each has
 * one user. Their ids are derived from the workspace id, so they are stable
 * without a table. Integrations are always empty: a default one would make the
 * client sign and validate datasets through calls outside this contract. */
#include "core/store_workspaces.h"
#include "lb_fields.h"
#include "lb_ops.h"

#include <string.h>

static int workspace(lb_call *c, ws_row *w)
{
    st_result r = store_workspaces_get(c->req->workspace_id, w, NULL);
    return r == ST_OK ? 0 : lb_error_store(c, r, "Organization");
}

int lb_account_organization(lb_call *c)
{
    ws_row w;
    if (workspace(c, &w) != 0)
        return -1;
    return lb_reply(c, "organization", lb_fields_org(&w));
}

int lb_account_user(lb_call *c)
{
    ws_row w;
    if (workspace(c, &w) != 0)
        return -1;
    return lb_reply(c, "user", lb_fields_user(&w));
}

int lb_account_integrations(lb_call *c)
{
    /* the root is iamIntegrations (client 6.x), or organization{iamIntegrations} */
    if (strcmp(c->root, "organization") == 0)
        return lb_reply(c, "organization", json_pack("{s:[]}", "iamIntegrations"));
    return lb_reply(c, "iamIntegrations", json_array());
}
