/* pg_valid.c — request validation with the vendor's 422 shape: every problem
 * is collected as {"loc": ["body", ...], "msg", "type"} (FastAPI wording) and
 * reported together in details.errors, which the client reads as
 * field_errors. Pure functions over jansson values; any thread.
 */
#include "pg.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pg_errs_init(pg_errs *e) { e->errors = json_array(); }

void pg_errs_add(pg_errs *e, json_t *loc, const char *type, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(e->errors, json_pack("{s:o,s:s,s:s}", "loc", loc ? loc : json_array(), "msg", msg,
                                               "type", type));
}

int pg_errs_count(const pg_errs *e) { return (int)json_array_size(e->errors); }

static void loc_text(const json_t *loc, char *out, size_t cap)
{
    size_t len = 0, i;
    json_t *part;
    out[0] = 0;
    json_array_foreach(loc, i, part) {
        int n = json_is_integer(part) ? snprintf(out + len, cap - len, "%s%lld", i ? "." : "",
                                                 (long long)json_integer_value(part))
                                      : snprintf(out + len, cap - len, "%s%s", i ? "." : "",
                                                 json_string_value(part) ? json_string_value(part) : "?");
        if (n < 0 || (size_t)n >= cap - len)
            break;
        len += (size_t)n;
    }
}

int pg_errs_finish(pg_errs *e, vs_response *res)
{
    json_t *errors = e->errors;
    e->errors = NULL;
    if (json_array_size(errors) == 0) {
        json_decref(errors);
        return 0;
    }
    json_t *first = json_array_get(errors, 0);
    char where[256];
    loc_text(json_object_get(first, "loc"), where, sizeof where);
    size_t n = json_array_size(errors);
    return vs_fail_details(res, 422, "validation_error", json_pack("{s:o}", "errors", errors),
                           "Validation failed: %s: %s%s", where, json_string_value(json_object_get(first, "msg")),
                           n > 1 ? " (and more)" : "");
}

json_t *pg_loc(const json_t *base, const char *key)
{
    json_t *loc = base ? json_copy((json_t *)base) : json_pack("[s]", "body");
    json_array_append_new(loc, json_string(key));
    return loc;
}

json_t *pg_loc_i(const json_t *base, size_t i)
{
    json_t *loc = base ? json_copy((json_t *)base) : json_pack("[s]", "body");
    json_array_append_new(loc, json_integer((json_int_t)i));
    return loc;
}

int pg_value_num(const json_t *v, double *out)
{
    if (!json_is_number(v))
        return 0;
    double d = json_number_value(v);
    if (!isfinite(d))
        return 0;
    *out = d;
    return 1;
}

int pg_value_int(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 1;
    }
    double d;
    if (json_is_real(v) && pg_value_num(v, &d) && d == floor(d) && fabs(d) < 9.0e15) {
        *out = (int64_t)d;
        return 1;
    }
    return 0;
}

int pg_field_keys(pg_errs *e, const json_t *obj, const json_t *base, const char *const *allowed)
{
    const char *key;
    json_t *value;
    int bad = 0;
    json_object_foreach((json_t *)obj, key, value) {
        int known = 0;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(allowed[i], key) == 0;
        if (!known) {
            pg_errs_add(e, pg_loc(base, key), "extra_forbidden", "Extra inputs are not permitted");
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

/* The value of obj[key] or NULL (absent or null); records "missing" when required. */
static const json_t *field(pg_errs *e, const json_t *obj, const json_t *base, const char *key, int required)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            pg_errs_add(e, pg_loc(base, key), "missing", "Field required");
        return NULL;
    }
    return v;
}

int pg_field_str(pg_errs *e, const json_t *obj, const json_t *base, const char *key, int required, size_t max_len,
                 const char **out)
{
    *out = NULL;
    const json_t *v = field(e, obj, base, key, required);
    if (!v)
        return required ? -1 : 0;
    if (!json_is_string(v)) {
        pg_errs_add(e, pg_loc(base, key), "string_type", "Input should be a valid string");
        return -1;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (strlen(s) != n) {
        pg_errs_add(e, pg_loc(base, key), "string_type", "Input should not contain NUL characters");
        return -1;
    }
    if (n > max_len) {
        pg_errs_add(e, pg_loc(base, key), "string_too_long", "String should have at most %zu characters", max_len);
        return -1;
    }
    if (required) {
        size_t blank = strspn(s, " \t\r\n\v\f");
        if (blank == n) {
            pg_errs_add(e, pg_loc(base, key), n ? "value_error" : "string_too_short",
                        n ? "Value error, must not be blank or whitespace-only"
                          : "String should have at least 1 character");
            return -1;
        }
    }
    *out = s;
    return 1;
}

int pg_field_num(pg_errs *e, const json_t *obj, const json_t *base, const char *key, int required, double lo,
                 double hi, double *out)
{
    const json_t *v = field(e, obj, base, key, required);
    if (!v)
        return required ? -1 : 0;
    double d;
    if (!pg_value_num(v, &d)) {
        pg_errs_add(e, pg_loc(base, key), "float_type", "Input should be a valid number");
        return -1;
    }
    if (d < lo) {
        pg_errs_add(e, pg_loc(base, key), "greater_than_equal", "Input should be greater than or equal to %g", lo);
        return -1;
    }
    if (d > hi) {
        pg_errs_add(e, pg_loc(base, key), "less_than_equal", "Input should be less than or equal to %g", hi);
        return -1;
    }
    *out = d;
    return 1;
}

int pg_field_int(pg_errs *e, const json_t *obj, const json_t *base, const char *key, int required, int64_t lo,
                 int64_t hi, int64_t *out)
{
    const json_t *v = field(e, obj, base, key, required);
    if (!v)
        return required ? -1 : 0;
    int64_t n;
    if (!pg_value_int(v, &n)) {
        pg_errs_add(e, pg_loc(base, key), "int_type", "Input should be a valid integer");
        return -1;
    }
    if (n < lo) {
        pg_errs_add(e, pg_loc(base, key), "greater_than_equal", "Input should be greater than or equal to %lld",
                    (long long)lo);
        return -1;
    }
    if (n > hi) {
        pg_errs_add(e, pg_loc(base, key), "less_than_equal", "Input should be less than or equal to %lld",
                    (long long)hi);
        return -1;
    }
    *out = n;
    return 1;
}

int pg_field_bool(pg_errs *e, const json_t *obj, const json_t *base, const char *key, int required, int *out)
{
    const json_t *v = field(e, obj, base, key, required);
    if (!v)
        return required ? -1 : 0;
    if (!json_is_boolean(v)) {
        pg_errs_add(e, pg_loc(base, key), "bool_type", "Input should be a valid boolean");
        return -1;
    }
    *out = json_is_true(v);
    return 1;
}
