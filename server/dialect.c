/* dialect.c — per-dialect key extraction and error shapes.
 *
 * Error shapes (DESIGN.md): control plane and transfer URLs {"error":{code,
 * message,details}}; Vi {"message"}; Pictograph {"error":{code,message,details}};
 * Ximilar {"detail"}; Labelbox GraphQL {"data":null,"errors":[{message,
 * extensions:{code}}]}; inference (/v1) OpenAI {"error":{message,type,param,
 * code}}. Keys: Vi Bearer + Organization-Id (must equal an {org}
 * path segment), Pictograph X-API-Key, Ximilar "Token"/"JWT", Labelbox Bearer.
 * Stateless apart from the admin key set once at start-up.
 */
#include "dialect.h"
#include "core/store_workspaces.h"
#include "router.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static char g_admin_key[256];

void dialect_set_admin_key(const char *key) { snprintf(g_admin_key, sizeof g_admin_key, "%s", key ? key : ""); }

const char *dialect_name(vs_dialect d)
{
    static const char *names[DIALECT_COUNT] = {"admin", "vi", "pictograph", "ximilar", "labelbox", "blob", "inference"};
    return (unsigned)d < DIALECT_COUNT ? names[d] : "admin";
}

static json_t *details_or_empty(const vs_response *res)
{
    return res->err_details ? json_incref(res->err_details) : json_object();
}

/* Labelbox codes by HTTP status (spec §3.1). */
static const char *labelbox_code(const vs_response *res)
{
    switch (res->err_status) {
    case 401: return "AUTHENTICATION_ERROR";
    case 403: return "AUTHORIZATION_ERROR";
    case 404: return "RESOURCE_NOT_FOUND";
    case 409: return "RESOURCE_CONFLICT";
    case 400:
    case 413:
    case 415:
    case 422:
        return strcmp(res->err_code, "parse_error") == 0 ? "GRAPHQL_PARSE_FAILED" : "MALFORMED_REQUEST";
    case 405: return "GRAPHQL_VALIDATION_FAILED";
    case 429: return "RATE_LIMITED";
    default: return "INTERNAL_SERVER_ERROR";
    }
}

/* OpenAI's error type by status (inference dialect). */
static const char *openai_type(int status)
{
    if (status == 401)
        return "authentication_error";
    if (status == 403)
        return "permission_error";
    if (status == 429)
        return "rate_limit_error";
    return status >= 500 ? "server_error" : "invalid_request_error";
}

json_t *dialect_error_body(vs_dialect d, const vs_response *res)
{
    switch (d) {
    case DIALECT_INFERENCE: {
        /* OpenAI: {"error":{"message","type","param","code"}}; param and code
         * from the details when the handler named them. */
        const char *param = json_string_value(json_object_get(res->err_details, "param"));
        const char *code = json_string_value(json_object_get(res->err_details, "code"));
        return json_pack("{s:{s:s,s:s,s:o,s:s}}", "error", "message", res->err_message, "type",
                         openai_type(res->err_status), "param", param ? json_string(param) : json_null(), "code",
                         code ? code : res->err_code);
    }
    case DIALECT_VI:
        return json_pack("{s:s}", "message", res->err_message);
    case DIALECT_XIMILAR: {
        json_t *body = json_pack("{s:s}", "detail", res->err_message);
        if (res->err_details && json_object_get(res->err_details, "errors"))
            json_object_set(body, "errors", json_object_get(res->err_details, "errors"));
        return body;
    }
    case DIALECT_LABELBOX:
        return json_pack("{s:n,s:[{s:s,s:{s:s}}]}", "data", "errors", "message", res->err_message,
                         "extensions", "code", labelbox_code(res));
    case DIALECT_PICTOGRAPH:
    case DIALECT_ADMIN:
    case DIALECT_BLOB:
    default:
        return json_pack("{s:{s:s,s:s,s:o}}", "error", "code", res->err_code, "message", res->err_message,
                         "details", details_or_empty(res));
    }
}

/* "Bearer x" / "Token x" → x when the scheme matches (case-insensitive). */
static const char *credential(const char *header, const char *scheme)
{
    if (!header)
        return NULL;
    size_t n = strlen(scheme);
    if (strncasecmp(header, scheme, n) != 0 || header[n] != ' ')
        return NULL;
    header += n;
    while (*header == ' ')
        header++;
    return *header ? header : NULL;
}

static int fail_unauthorized(vs_request *req, vs_response *res)
{
    if (req->dialect == DIALECT_XIMILAR)
        return vs_fail(res, 401, "unauthorized", "Invalid token.");
    if (req->dialect == DIALECT_LABELBOX)
        return vs_fail(res, 401, "unauthorized", "Invalid API key");
    return vs_fail(res, 401, "unauthorized", "Missing or unknown API key");
}

int dialect_authenticate(vs_request *req, vs_response *res)
{
    const char *secret = NULL;
    const char *key_dialect = dialect_name(req->dialect);
    switch (req->dialect) {
    case DIALECT_ADMIN:
        if (!g_admin_key[0])
            return 0;
        secret = credential(vs_header(req, "Authorization"), "Bearer");
        if (!secret || strcmp(secret, g_admin_key) != 0)
            return vs_fail(res, 401, "unauthorized", "Missing or wrong admin key");
        return 0;
    case DIALECT_VI:
    case DIALECT_LABELBOX:
        secret = credential(vs_header(req, "Authorization"), "Bearer");
        break;
    case DIALECT_PICTOGRAPH:
        secret = vs_header(req, "X-API-Key");
        break;
    case DIALECT_XIMILAR:
        secret = credential(vs_header(req, "Authorization"), "Token");
        if (!secret)
            secret = credential(vs_header(req, "Authorization"), "JWT");
        break;
    default:
        return 0;
    }
    if (!secret || !*secret)
        return fail_unauthorized(req, res);
    char org[VS_ORG_LEN] = "";
    st_result r = store_keys_lookup(key_dialect, secret, req->workspace_id, org);
    if (r == ST_BUSY)
        return vs_fail(res, 503, "busy", "The store is busy; retry");
    if (r != ST_OK)
        return fail_unauthorized(req, res);
    if (req->dialect == DIALECT_VI) {
        const char *hdr = vs_header(req, "Organization-Id");
        const char *path_org = vs_param(req, "org");
        if (path_org && strcmp(path_org, org) != 0)
            return vs_fail(res, 403, "forbidden", "Organization-Id does not match the workspace in the path");
        if (hdr && *hdr && strcmp(hdr, org) != 0)
            return vs_fail(res, 403, "forbidden", "Organization-Id does not match the API key");
    }
    return 0;
}
