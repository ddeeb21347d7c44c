/* request.c — lookups on a request and the builders for a response.
 * Handlers call these; the HTTP layer frees the response with vs_response_free. */
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *vs_header(const vs_request *req, const char *name)
{
    return req->header_fn ? req->header_fn(req->conn, name) : NULL;
}

const char *vs_query(const vs_request *req, const char *name)
{
    return req->query_fn ? req->query_fn(req->conn, name) : NULL;
}

const char *vs_param(const vs_request *req, const char *name)
{
    for (int i = 0; i < req->nparams; i++)
        if (req->param_names[i] && strcmp(req->param_names[i], name) == 0)
            return req->params[i];
    return NULL;
}

int vs_reply_json(vs_response *res, int status, json_t *body)
{
    json_decref(res->json);
    res->status = status;
    res->json = body;
    snprintf(res->content_type, sizeof res->content_type, "application/json");
    return 0;
}

int vs_reply_empty(vs_response *res, int status)
{
    res->status = status;
    res->content_type[0] = 0;
    return 0;
}

int vs_reply_owned_bytes(vs_response *res, int status, const char *content_type, unsigned char *data, size_t len)
{
    free(res->raw);
    res->status = status;
    res->raw = data;
    res->raw_len = len;
    snprintf(res->content_type, sizeof res->content_type, "%s", content_type);
    return 0;
}

int vs_reply_bytes(vs_response *res, int status, const char *content_type, const void *data, size_t len)
{
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy)
        return vs_fail(res, 500, "internal", "Out of memory");
    if (len)
        memcpy(copy, data, len);
    return vs_reply_owned_bytes(res, status, content_type, copy, len);
}

void vs_add_header(vs_response *res, const char *name, const char *value)
{
    if (res->nheaders >= VS_MAX_RESPONSE_HEADERS)
        return;
    res->header_names[res->nheaders] = strdup(name);
    res->header_values[res->nheaders] = strdup(value);
    res->nheaders++;
}

__attribute__((format(printf, 5, 0))) static int vfail(vs_response *res, int status, const char *code, json_t *details, const char *fmt, va_list ap)
{
    res->err_status = status;
    snprintf(res->err_code, sizeof res->err_code, "%s", code);
    vsnprintf(res->err_message, sizeof res->err_message, fmt, ap);
    json_decref(res->err_details);
    res->err_details = details;
    return -1;
}

int vs_fail(vs_response *res, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(res, status, code, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int vs_fail_details(vs_response *res, int status, const char *code, json_t *details, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(res, status, code, details, fmt, ap);
    va_end(ap);
    return -1;
}

void vs_response_free(vs_response *res)
{
    json_decref(res->json);
    json_decref(res->err_details);
    free(res->raw);
    for (int i = 0; i < res->nheaders; i++) {
        free(res->header_names[i]);
        free(res->header_values[i]);
    }
    memset(res, 0, sizeof *res);
}

int vs_fail_store(vs_response *res, st_result r, const char *what)
{
    switch (r) {
    case ST_NOT_FOUND:
        return vs_fail(res, 404, "not_found", "%s not found", what);
    case ST_CONFLICT:
        return vs_fail(res, 409, "conflict", "%s already exists or is in use", what);
    case ST_INVALID:
        return vs_fail(res, 400, "validation_error", "%s is invalid", what);
    case ST_BUSY:
        vs_add_header(res, "Retry-After", "1");
        return vs_fail(res, 503, "busy", "The store is busy; retry shortly");
    case ST_OK:
    case ST_ERROR:
    default:
        return vs_fail(res, 500, "internal", "Internal store error");
    }
}

int vs_body_allow(const vs_request *req, vs_response *res, const char *const *allowed)
{
    const char *key;
    json_t *value;
    json_object_foreach(req->json, key, value) {
        int known = 0;
        for (size_t i = 0; allowed[i]; i++)
            if (strcmp(allowed[i], key) == 0)
                known = 1;
        if (!known)
            return vs_fail(res, 400, "validation_error", "Unknown field '%.100s'", key);
    }
    return 0;
}

int vs_body_string(const vs_request *req, vs_response *res, const char *key, int required, size_t max_len,
                   const char **out)
{
    json_t *v = req->json ? json_object_get(req->json, key) : NULL;
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return vs_fail(res, 400, "validation_error", "Field '%s' is required", key);
        return 0;
    }
    if (!json_is_string(v))
        return vs_fail(res, 400, "validation_error", "Field '%s' must be a string", key);
    size_t n = json_string_length(v);
    if (required && n == 0)
        return vs_fail(res, 400, "validation_error", "Field '%s' must not be empty", key);
    if (n > max_len)
        return vs_fail(res, 400, "validation_error", "Field '%s' is longer than %zu characters", key, max_len);
    if (strlen(json_string_value(v)) != n)
        return vs_fail(res, 400, "validation_error", "Field '%s' contains a NUL character", key);
    *out = json_string_value(v);
    return 0;
}

int vs_body_int(const vs_request *req, vs_response *res, const char *key, int required, int64_t min, int64_t max,
                int64_t *out)
{
    json_t *v = req->json ? json_object_get(req->json, key) : NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return vs_fail(res, 400, "validation_error", "Field '%s' is required", key);
        return 1;
    }
    if (!json_is_integer(v))
        return vs_fail(res, 400, "validation_error", "Field '%s' must be an integer", key);
    json_int_t n = json_integer_value(v);
    if (n < min || n > max)
        return vs_fail(res, 400, "validation_error", "Field '%s' must be between %lld and %lld", key, (long long)min,
                       (long long)max);
    *out = n;
    return 0;
}
