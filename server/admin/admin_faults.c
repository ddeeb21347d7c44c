/* admin_faults.c — fault rules: create, list, delete one, clear. */
#include "admin.h"
#include "../faults.h"

int admin_faults_create(vs_request *req, vs_response *res)
{
    json_t *rule = NULL;
    char err[200];
    if (faults_add(req->json, &rule, err, sizeof err) != 0)
        return vs_fail(res, 400, "validation_error", "%s", err);
    return vs_reply_json(res, 201, rule);
}

int admin_faults_list(vs_request *req, vs_response *res)
{
    (void)req;
    return vs_reply_json(res, 200, json_pack("{s:o}", "items", faults_list()));
}

int admin_faults_delete(vs_request *req, vs_response *res)
{
    if (faults_delete(vs_param(req, "id")) != 0)
        return vs_fail(res, 404, "not_found", "Fault rule not found");
    return vs_reply_empty(res, 204);
}

int admin_faults_clear(vs_request *req, vs_response *res)
{
    (void)req;
    faults_clear();
    return vs_reply_empty(res, 204);
}
