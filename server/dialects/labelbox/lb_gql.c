/* lb_gql.c — reading a GraphQL query text just enough (operation name, root
 * field, pagination literals), reading variables with GraphQL-style messages,
 * and writing replies and errors in the vendor's envelope. The text scanners are
 * pure and bounded by the string's NUL; the reply writers fill the call's
 * response. HTTP pool threads. */
#include "lb_gql.h"
#include "lb_ids.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *skip_ignored(const char *p)
{
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',' || (unsigned char)*p == 0xEF ||
               (unsigned char)*p == 0xBB || (unsigned char)*p == 0xBF)
            p++;
        if (*p != '#')
            return p;
        while (*p && *p != '\n')
            p++;
    }
}

static int name_start(int c) { return isalpha(c) || c == '_'; }
static int name_char(int c) { return isalnum(c) || c == '_'; }

/* Reads a GraphQL Name at p into out; returns the position after it or NULL. */
static const char *read_name(const char *p, char *out, size_t cap)
{
    if (!name_start((unsigned char)*p))
        return NULL;
    size_t n = 0;
    while (name_char((unsigned char)p[n]))
        n++;
    if (n >= cap)
        return NULL;
    memcpy(out, p, n);
    out[n] = 0;
    return p + n;
}

/* After `query`/`mutation`: the operation name when one follows whitespace. */
static const char *operation_header(const char *query, char *name, size_t cap)
{
    const char *p = skip_ignored(query);
    char kw[16];
    const char *q = read_name(p, kw, sizeof kw);
    if (!q || (strcmp(kw, "query") != 0 && strcmp(kw, "mutation") != 0 && strcmp(kw, "subscription") != 0))
        return NULL;
    if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
        return NULL;
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
        q++;
    return read_name(q, name, cap);
}

int lb_gql_operation(const char *query, char *out, size_t cap)
{
    if (!query)
        return -1;
    return operation_header(query, out, cap) ? 0 : -1;
}

/* Skips a balanced (...) group starting at p, honouring strings. */
static const char *skip_parens(const char *p)
{
    int depth = 0;
    do {
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                p++;
            }
            if (!*p)
                return NULL;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            depth--;
        } else if (!*p) {
            return NULL;
        }
        p++;
    } while (depth > 0);
    return p;
}

int lb_gql_root_field(const char *query, char *out, size_t cap)
{
    char name[128];
    const char *p = query ? operation_header(query, name, sizeof name) : NULL;
    if (!p)
        return -1;
    p = skip_ignored(p);
    if (*p == '(' && !(p = skip_parens(p)))
        return -1;
    p = skip_ignored(p);
    while (*p == '@') { /* directives on the operation */
        p++;
        if (!(p = read_name(p, name, sizeof name)))
            return -1;
        p = skip_ignored(p);
        if (*p == '(' && !(p = skip_parens(p)))
            return -1;
        p = skip_ignored(p);
    }
    if (*p != '{')
        return -1;
    p = skip_ignored(p + 1);
    const char *q = read_name(p, out, cap);
    if (!q)
        return -1;
    q = skip_ignored(q);
    if (*q == ':') /* alias: the field follows */
        return read_name(skip_ignored(q + 1), out, cap) ? 0 : -1;
    return 0;
}

int lb_gql_literal_int(const char *query, const char *name, int64_t *out)
{
    size_t n = strlen(name);
    if (!query || n == 0)
        return -1;
    for (const char *p = strstr(query, name); p; p = strstr(p + 1, name)) {
        if ((p > query && name_char((unsigned char)p[-1])) || name_char((unsigned char)p[n]))
            continue;
        const char *q = skip_ignored(p + n);
        if (*q != ':')
            continue;
        q = skip_ignored(q + 1);
        int neg = *q == '-';
        if (neg)
            q++;
        if (!isdigit((unsigned char)*q))
            continue;
        int64_t v = 0;
        while (isdigit((unsigned char)*q) && v < INT64_MAX / 10 - 10)
            v = v * 10 + (*q++ - '0');
        *out = neg ? -v : v;
        return 0;
    }
    return -1;
}

int lb_reply(lb_call *c, const char *root, json_t *value)
{
    json_t *data = json_object();
    json_object_set_new(data, root, value ? value : json_null());
    return vs_reply_json(c->res, 200, json_pack("{s:o}", "data", data));
}

static int error_body(lb_call *c, const char *code, int status, const char *message)
{
    json_t *ext = json_pack("{s:s}", "code", code);
    if (status)
        json_object_set_new(ext, "exception", json_pack("{s:i}", "status", status));
    json_t *body = json_pack("{s:n,s:[{s:s,s:o}]}", "data", "errors", "message", message, "extensions", ext);
    vs_reply_json(c->res, 200, body);
    return -1;
}

int lb_error(lb_call *c, const char *code, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return error_body(c, code, strcmp(code, LB_INTERNAL) == 0 ? 500 : 0, msg);
}

int lb_error_store(lb_call *c, st_result r, const char *what)
{
    switch (r) {
    case ST_BUSY:
        vs_add_header(c->res, "Retry-After", "1");
        return vs_fail(c->res, 503, "busy", "The store is busy; retry shortly");
    case ST_NOT_FOUND:
        return lb_error(c, LB_NOT_FOUND, "%s not found", what);
    case ST_CONFLICT:
        return lb_error(c, LB_CONFLICT, "%s already exists", what);
    case ST_INVALID:
        return lb_error(c, LB_MALFORMED, "%s is invalid", what);
    case ST_OK:
    case ST_ERROR:
    default:
        return lb_error(c, LB_INTERNAL, "Internal error while handling %s", what);
    }
}

/* GraphQL-style wording for a bad or missing variable. */
static int bad_var(lb_call *c, const char *name, const char *type, const char *why)
{
    return lb_error(c, LB_MALFORMED, "Variable \"$%s\" of type \"%s\" %s.", name, type, why);
}

static int string_value(lb_call *c, json_t *v, const char *label, int required, size_t max_len, const char **out)
{
    if (!v || json_is_null(v)) {
        if (required)
            return bad_var(c, label, "String!", "was not provided");
        return 1;
    }
    if (!json_is_string(v))
        return bad_var(c, label, "String", "got an invalid value; expected a string");
    size_t n = json_string_length(v);
    if (strlen(json_string_value(v)) != n)
        return bad_var(c, label, "String", "contains a NUL character");
    if (required && n == 0)
        return bad_var(c, label, "String!", "must not be empty");
    if (n > max_len)
        return lb_error(c, LB_MALFORMED, "Variable \"$%s\" is longer than %zu characters.", label, max_len);
    *out = json_string_value(v);
    return 0;
}

int lb_var_string(lb_call *c, const char *name, int required, size_t max_len, const char **out)
{
    return string_value(c, json_object_get(c->vars, name), name, required, max_len, out);
}

int lb_field_string(lb_call *c, json_t *obj, const char *obj_name, const char *name, int required, size_t max_len,
                    const char **out)
{
    char label[160];
    snprintf(label, sizeof label, "%s.%s", obj_name, name);
    return string_value(c, json_object_get(obj, name), label, required, max_len, out);
}

int lb_field_allow(lb_call *c, json_t *obj, const char *obj_name, const char *const *allowed)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value) {
        int known = 0;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(allowed[i], key) == 0;
        if (!known)
            return lb_error(c, LB_MALFORMED, "Field \"%.100s\" is not defined by type \"%s\".", key, obj_name);
    }
    return 0;
}

int lb_var_int(lb_call *c, const char *name, int required, int64_t min, int64_t max, int64_t *out)
{
    json_t *v = json_object_get(c->vars, name);
    if (!v || json_is_null(v)) {
        if (required)
            return bad_var(c, name, "Int!", "was not provided");
        return 1;
    }
    if (!json_is_integer(v))
        return bad_var(c, name, "Int", "got an invalid value; expected an integer");
    json_int_t n = json_integer_value(v);
    if (n < min || n > max)
        return lb_error(c, LB_MALFORMED, "Variable \"$%s\" must be between %lld and %lld.", name, (long long)min,
                        (long long)max);
    *out = n;
    return 0;
}

int lb_var_number(lb_call *c, const char *name, int required, double min, double max, double *out)
{
    json_t *v = json_object_get(c->vars, name);
    if (!v || json_is_null(v)) {
        if (required)
            return bad_var(c, name, "Float!", "was not provided");
        return 1;
    }
    if (!json_is_number(v))
        return bad_var(c, name, "Float", "got an invalid value; expected a number");
    double d = json_number_value(v);
    if (!isfinite(d) || d < min || d > max)
        return lb_error(c, LB_MALFORMED, "Variable \"$%s\" must be between %g and %g.", name, min, max);
    *out = d;
    return 0;
}

int lb_var_bool(lb_call *c, const char *name, int required, int *out)
{
    json_t *v = json_object_get(c->vars, name);
    if (!v || json_is_null(v)) {
        if (required)
            return bad_var(c, name, "Boolean!", "was not provided");
        return 1;
    }
    if (!json_is_boolean(v))
        return bad_var(c, name, "Boolean", "got an invalid value; expected true or false");
    *out = json_is_true(v);
    return 0;
}

static int string_list(lb_call *c, json_t *v, const char *label, int required, size_t max_len, json_t **out)
{
    if (!v || json_is_null(v)) {
        if (required)
            return bad_var(c, label, "[String!]!", "was not provided");
        return 1;
    }
    if (!json_is_array(v))
        return bad_var(c, label, "[String!]", "got an invalid value; expected a list");
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        if (!json_is_string(item) || json_string_length(item) == 0 || json_string_length(item) > max_len ||
            strlen(json_string_value(item)) != json_string_length(item))
            return lb_error(c, LB_MALFORMED,
                            "Variable \"$%s\" item %zu must be a non-empty string of at most %zu characters.", label,
                            i, max_len);
    }
    *out = v;
    return 0;
}

int lb_var_string_list(lb_call *c, const char *name, int required, size_t max_len, json_t **out)
{
    return string_list(c, json_object_get(c->vars, name), name, required, max_len, out);
}

int lb_field_string_list(lb_call *c, json_t *obj, const char *obj_name, const char *name, int required,
                         size_t max_len, json_t **out)
{
    char label[160];
    snprintf(label, sizeof label, "%s.%s", obj_name, name);
    return string_list(c, json_object_get(obj, name), label, required, max_len, out);
}

json_t *lb_time_json(int64_t ms)
{
    if (ms == 0)
        return json_null();
    char buf[32];
    lb_ids_time(ms, buf);
    return json_string(buf);
}
