/* xim_common.c — shared edge logic of the Ximilar dialect (see xim_common.h).
 *
 * Errors mimic Django REST framework, which the vendor runs: field problems are
 * {"detail": "<field>: <message>", "errors": {"<field>": ["<message>"]}} with
 * DRF's wording ("This field is required.", "Must be a valid UUID."), unknown
 * ids and foreign workspaces are a bare 404 "Not found.", and page numbers past
 * the end are 404 "Invalid page.". Stateless; any request thread.
 */
#include "xim_common.h"
#include "core/transfer.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int xim_is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!isxdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

int xim_not_found(vs_response *res) { return vs_fail(res, 404, "not_found", "Not found."); }

int xim_fail(vs_response *res, int status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *code = status == 404 ? "not_found" : status == 401 ? "unauthorized" : status == 403 ? "forbidden"
                       : status >= 500                          ? "internal"
                                                                : "validation_error";
    return vs_fail(res, status, code, "%s", msg);
}

int xim_fail_field(vs_response *res, const char *field, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *details = json_pack("{s:{s:[s]}}", "errors", field, msg);
    return vs_fail_details(res, 400, "validation_error", details, "%s: %s", field, msg);
}

int xim_fail_status(vs_response *res, int status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vs_reply_json(res, status, json_pack("{s:{s:i,s:s}}", "status", "code", status, "text", msg));
}

int xim_fail_required(vs_response *res, const char *field)
{
    return xim_fail_field(res, field, "This field is required.");
}

int xim_fail_store(vs_response *res, st_result r)
{
    switch (r) {
    case ST_NOT_FOUND:
        return xim_not_found(res);
    case ST_CONFLICT:
        return xim_fail(res, 400, "The request conflicts with the current state of the resource.");
    case ST_INVALID:
        return xim_fail(res, 400, "Invalid value.");
    case ST_BUSY:
        vs_add_header(res, "Retry-After", "1");
        return vs_fail(res, 503, "busy", "The store is busy; retry shortly.");
    case ST_OK:
    case ST_ERROR:
    default:
        return vs_fail(res, 500, "internal", "A server error occurred.");
    }
}

static int is_write(const vs_request *req)
{
    return strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0 || strcmp(req->method, "PATCH") == 0;
}

int xim_workspace(vs_request *req, vs_response *res, char ws[37])
{
    const char *given = NULL;
    json_t *body = is_write(req) && req->json ? json_object_get(req->json, "workspace") : NULL;
    if (body && !json_is_null(body)) {
        if (json_is_object(body))
            body = json_object_get(body, "id");
        if (!json_is_string(body))
            return xim_fail_field(res, "workspace", "Must be a valid UUID.");
        given = json_string_value(body);
    }
    if (!given)
        given = vs_query(req, "workspace");
    snprintf(ws, 37, "%s", req->workspace_id);
    if (!given || !*given || strcmp(given, "Default") == 0)
        return 0;
    if (!xim_is_uuid(given))
        return xim_fail_field(res, "workspace", "Must be a valid UUID.");
    if (strcasecmp(given, req->workspace_id) != 0)
        return xim_not_found(res);
    return 0;
}

int xim_path_id(const vs_request *req, vs_response *res, const char *name, char out[37])
{
    const char *v = vs_param(req, name);
    if (!xim_is_uuid(v))
        return xim_not_found(res);
    for (int i = 0; i < 36; i++)
        out[i] = (char)tolower((unsigned char)v[i]);
    out[36] = 0;
    return 0;
}

int xim_body_check(const vs_request *req, vs_response *res, const char *const *writable, const char *const *readonly)
{
    const char *key;
    json_t *value;
    json_object_foreach(req->json, key, value) {
        int known = strcmp(key, "workspace") == 0;
        for (size_t i = 0; !known && writable && writable[i]; i++)
            known = strcmp(writable[i], key) == 0;
        for (size_t i = 0; !known && readonly && readonly[i]; i++)
            known = strcmp(readonly[i], key) == 0;
        if (!known)
            return xim_fail_field(res, key, "Unknown field.");
    }
    return 0;
}

int xim_field_string(const json_t *body, vs_response *res, const char *key, int nullable, size_t max_len,
                     const char **out)
{
    json_t *v = json_object_get(body, key);
    *out = NULL;
    if (!v)
        return 0;
    if (json_is_null(v)) {
        if (!nullable)
            return xim_fail_field(res, key, "This field may not be null.");
        return 1;
    }
    if (!json_is_string(v))
        return xim_fail_field(res, key, "Not a valid string.");
    size_t n = json_string_length(v);
    if (strlen(json_string_value(v)) != n)
        return xim_fail_field(res, key, "Null characters are not allowed.");
    if (n > max_len)
        return xim_fail_field(res, key, "Ensure this field has no more than %zu characters.", max_len);
    *out = json_string_value(v);
    return 1;
}

int xim_field_choice(const json_t *body, vs_response *res, const char *key, int nullable,
                     const char *const *choices, const char **out)
{
    int rc = xim_field_string(body, res, key, nullable, 64, out);
    if (rc <= 0 || !*out)
        return rc;
    for (size_t i = 0; choices[i]; i++)
        if (strcmp(choices[i], *out) == 0)
            return 1;
    return xim_fail_field(res, key, "\"%.40s\" is not a valid choice.", *out);
}

int xim_field_bool(const json_t *body, vs_response *res, const char *key, int *out)
{
    json_t *v = json_object_get(body, key);
    if (!v)
        return 0;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 1;
    }
    if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
        *out = (int)json_integer_value(v);
        return 1;
    }
    return xim_fail_field(res, key, "Must be a valid boolean.");
}

int xim_field_int(const json_t *body, vs_response *res, const char *key, int nullable, int64_t min, int64_t max,
                  int64_t *out, int *is_null)
{
    json_t *v = json_object_get(body, key);
    if (is_null)
        *is_null = 0;
    if (!v)
        return 0;
    if (json_is_null(v)) {
        if (!nullable)
            return xim_fail_field(res, key, "This field may not be null.");
        if (is_null)
            *is_null = 1;
        return 1;
    }
    int64_t n;
    if (json_is_integer(v))
        n = json_integer_value(v);
    else if (json_is_real(v) && json_real_value(v) == nearbyint(json_real_value(v)) &&
             fabs(json_real_value(v)) < 9e15)
        n = (int64_t)json_real_value(v);
    else
        return xim_fail_field(res, key, "A valid integer is required.");
    if (n < min)
        return xim_fail_field(res, key, "Ensure this value is greater than or equal to %lld.", (long long)min);
    if (n > max)
        return xim_fail_field(res, key, "Ensure this value is less than or equal to %lld.", (long long)max);
    *out = n;
    return 1;
}

int xim_field_number(const json_t *body, vs_response *res, const char *key, int nullable, double *out, int *is_null)
{
    json_t *v = json_object_get(body, key);
    if (is_null)
        *is_null = 0;
    if (!v)
        return 0;
    if (json_is_null(v)) {
        if (!nullable)
            return xim_fail_field(res, key, "This field may not be null.");
        if (is_null)
            *is_null = 1;
        return 1;
    }
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return xim_fail_field(res, key, "A valid number is required.");
    *out = json_number_value(v);
    return 1;
}

int xim_field_object(const json_t *body, vs_response *res, const char *key, int nullable, json_t **out)
{
    json_t *v = json_object_get(body, key);
    *out = NULL;
    if (!v)
        return 0;
    if (json_is_null(v)) {
        if (!nullable)
            return xim_fail_field(res, key, "This field may not be null.");
        return 1;
    }
    if (!json_is_object(v))
        return xim_fail_field(res, key, "Expected a JSON object.");
    *out = v;
    return 1;
}

int xim_field_ref(const json_t *body, vs_response *res, const char *key, int nullable, const char **out)
{
    json_t *v = json_object_get(body, key);
    *out = NULL;
    if (!v)
        return 0;
    if (json_is_null(v)) {
        if (!nullable)
            return xim_fail_field(res, key, "This field may not be null.");
        return 1;
    }
    if (json_is_object(v))
        v = json_object_get(v, "id");
    if (!json_is_string(v) || !xim_is_uuid(json_string_value(v)))
        return xim_fail_field(res, key, "Must be a valid UUID.");
    *out = json_string_value(v);
    return 1;
}

int xim_field_id_list(const json_t *body, vs_response *res, const char *key, size_t max, json_t **out)
{
    json_t *v = json_object_get(body, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return xim_fail_field(res, key, "Expected a list of items.");
    if (json_array_size(v) == 0)
        return xim_fail_field(res, key, "This list may not be empty.");
    if (json_array_size(v) > max)
        return xim_fail_field(res, key, "Ensure this list has no more than %zu items.", max);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        if (json_is_object(e))
            e = json_object_get(e, "id");
        if (!json_is_string(e) || !xim_is_uuid(json_string_value(e)))
            return xim_fail_field(res, key, "Item %zu: must be a valid UUID.", i);
    }
    *out = v;
    return 1;
}

int xim_query_bool(const vs_request *req, vs_response *res, const char *name, int *out)
{
    const char *v = vs_query(req, name);
    if (!v)
        return 0;
    if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0) {
        *out = 1;
        return 1;
    }
    if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0) {
        *out = 0;
        return 1;
    }
    return xim_fail_field(res, name, "Must be a valid boolean.");
}

int xim_query_uuid(const vs_request *req, vs_response *res, const char *name, const char **out)
{
    const char *v = vs_query(req, name);
    if (!v || !*v)
        return 0;
    if (!xim_is_uuid(v))
        return xim_fail_field(res, name, "Must be a valid UUID.");
    *out = v;
    return 1;
}

int xim_query_text(const vs_request *req, vs_response *res, const char *name, size_t max_len, const char **out)
{
    const char *v = vs_query(req, name);
    if (!v || !*v)
        return 0;
    if (strlen(v) > max_len)
        return xim_fail_field(res, name, "Ensure this value has no more than %zu characters.", max_len);
    *out = v;
    return 1;
}

int xim_query_choice(const vs_request *req, vs_response *res, const char *name, const char *const *choices,
                     const char **out)
{
    const char *v = vs_query(req, name);
    if (!v || !*v)
        return 0;
    for (size_t i = 0; choices[i]; i++)
        if (strcmp(choices[i], v) == 0) {
            *out = choices[i];
            return 1;
        }
    return xim_fail_field(res, name, "Select a valid choice. %.40s is not one of the available choices.", v);
}

void xim_time_iso(int64_t ms, char out[32])
{
    time_t secs = (time_t)(ms / 1000);
    int64_t frac = ms % 1000;
    if (frac < 0) {
        frac += 1000;
        secs--;
    }
    struct tm tm;
    gmtime_r(&secs, &tm);
    char date[24];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%.19s.%03d000Z", date, (int)frac);
}

void xim_time_date(int64_t ms, char out[11])
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char date[16];
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    snprintf(out, 11, "%.10s", date);
}

void xim_set_time(json_t *obj, const char *key, int64_t ms)
{
    char iso[32];
    if (ms <= 0) {
        json_object_set_new(obj, key, json_null());
        return;
    }
    xim_time_iso(ms, iso);
    json_object_set_new(obj, key, json_string(iso));
}

static int parse_positive(const char *s, int64_t *out)
{
    if (!s || !*s || strlen(s) > 12)
        return -1;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (v < 1)
        return -1;
    *out = v;
    return 0;
}

int xim_page_parse(const vs_request *req, vs_response *res, xim_page *p)
{
    p->page = 1;
    p->size = 20;
    const char *page = vs_query(req, "page");
    const char *size = vs_query(req, "page_size");
    if (page && *page && strcmp(page, "last") != 0 && parse_positive(page, &p->page) != 0)
        return xim_fail(res, 404, "Invalid page.");
    if (size && *size) {
        if (parse_positive(size, &p->size) != 0)
            return xim_fail_field(res, "page_size", "A valid positive integer is required.");
        if (p->size > 100)
            p->size = 100;
    }
    if (page && strcmp(page, "last") == 0)
        p->page = -1; /* resolved by xim_page_check once the count is known */
    p->offset = p->page > 0 ? (p->page - 1) * p->size : 0;
    return 0;
}

int xim_page_check(vs_response *res, xim_page *p, int64_t count)
{
    int64_t pages = count > 0 ? (count + p->size - 1) / p->size : 1;
    if (p->page < 0)
        p->page = pages;
    p->offset = (p->page - 1) * p->size;
    if (p->page > pages)
        return xim_fail(res, 404, "Invalid page.");
    return 0;
}

static void url_encode_append(char *out, size_t cap, const char *s)
{
    size_t len = strlen(out);
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p && len + 4 < cap; p++) {
        if (isalnum(*p) || strchr("-._~", *p)) {
            out[len++] = (char)*p;
        } else {
            out[len++] = '%';
            out[len++] = hex[*p >> 4];
            out[len++] = hex[*p & 15];
        }
    }
    out[len] = 0;
}

static void append(char *out, size_t cap, const char *s)
{
    size_t len = strlen(out);
    snprintf(out + len, cap - len, "%s", s);
}

static json_t *page_url(const vs_request *req, const xim_page *p, int64_t page, const char *ws,
                        const char *const *carry)
{
    char url[2048];
    snprintf(url, sizeof url, "http://%s%s?page=%lld", req->host, req->path, (long long)page);
    if (vs_query(req, "page_size")) {
        char n[32];
        snprintf(n, sizeof n, "&page_size=%lld", (long long)p->size);
        append(url, sizeof url, n);
    }
    for (size_t i = 0; carry && carry[i]; i++) {
        const char *v = vs_query(req, carry[i]);
        if (!v || !*v)
            continue;
        append(url, sizeof url, "&");
        append(url, sizeof url, carry[i]);
        append(url, sizeof url, "=");
        url_encode_append(url, sizeof url, v);
    }
    append(url, sizeof url, "&workspace=");
    append(url, sizeof url, ws);
    return json_string(url);
}

int xim_page_reply(const vs_request *req, vs_response *res, const xim_page *p, int64_t count, json_t *results,
                   const char *ws, const char *const *carry)
{
    int64_t pages = count > 0 ? (count + p->size - 1) / p->size : 1;
    json_t *body = json_object();
    json_object_set_new(body, "count", json_integer(count));
    json_object_set_new(body, "next", p->page < pages ? page_url(req, p, p->page + 1, ws, carry) : json_null());
    json_object_set_new(body, "previous", p->page > 1 ? page_url(req, p, p->page - 1, ws, carry) : json_null());
    json_object_set_new(body, "results", results);
    return vs_reply_json(res, 200, body);
}

void xim_blob_url(const vs_request *req, const char *token, const char *filename, char *out, size_t cap)
{
    transfer_url(req->host, "ximilar", token, filename, out, cap);
}

int xim_exists(vs_response *res, xim_get_fn get, const char *ws, const char *id)
{
    json_t *row = NULL;
    st_result r = get(ws, id, &row);
    json_decref(row);
    return r == ST_OK ? 0 : xim_fail_store(res, r);
}

int xim_page_counted(vs_response *res, xim_page *p, st_result r, int64_t count)
{
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return xim_page_check(res, p, count);
}

int xim_page_reply_rows(const vs_request *req, vs_response *res, const xim_page *p, int64_t count, st_result r,
                        json_t *rows, const char *ws, const char *const *carry, xim_view_fn view)
{
    if (r != ST_OK) {
        json_decref(rows);
        return xim_fail_store(res, r);
    }
    json_t *results = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) json_array_append_new(results, view(req, ws, row));
    json_decref(rows);
    return xim_page_reply(req, res, p, count, results, ws, carry);
}

int xim_list_filtered(vs_request *req, vs_response *res, const char *filter, xim_count_fn count, xim_list_fn list,
                      xim_view_fn view)
{
    const char *const carry[] = {filter, NULL};
    char ws[37];
    xim_page page;
    const char *value = NULL;
    int64_t n = 0;
    json_t *rows = NULL;
    if (xim_workspace(req, res, ws) != 0 || xim_page_parse(req, res, &page) != 0)
        return -1;
    int given = strcmp(filter, "search") == 0 ? xim_query_text(req, res, filter, XIM_NAME_MAX, &value)
                                              : xim_query_uuid(req, res, filter, &value);
    if (given < 0)
        return -1;
    st_result r = count(ws, value, &n);
    if (xim_page_counted(res, &page, r, n) != 0)
        return -1;
    r = list(ws, value, page.size, page.offset, &rows);
    return xim_page_reply_rows(req, res, &page, n, r, rows, ws, carry, view);
}

int xim_reply_get(const vs_request *req, vs_response *res, xim_get_fn get, xim_view_fn view, const char *ws,
                  const char *id, int status)
{
    json_t *row = NULL;
    st_result r = get(ws, id, &row);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    json_t *body = view(req, ws, row);
    json_decref(row);
    return vs_reply_json(res, status, body);
}

int xim_workspace_id(vs_request *req, vs_response *res, char ws[37], char id[37])
{
    if (xim_workspace(req, res, ws) != 0 || xim_path_id(req, res, "id", id) != 0)
        return -1;
    return 0;
}

int xim_delete(vs_request *req, vs_response *res, st_result (*del)(const char *ws, const char *id))
{
    char ws[37], id[37];
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    st_result r = del(ws, id);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return vs_reply_empty(res, 204);
}
