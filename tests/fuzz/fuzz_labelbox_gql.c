/* fuzz_labelbox_gql.c — libFuzzer target for the Labelbox GraphQL operation
 * reader (server/dialects/labelbox/lb_gql.c): the scanners that find the
 * operation name, the root field and `name: N` literals in a query text, and the
 * variable readers that every operation handler uses on `variables`.
 *
 * Input: when it parses as a JSON object it is taken as the request envelope
 * ({"query","variables"}); otherwise the whole input is the query text.
 * Properties checked on arbitrary input:
 *   - no scanner reads past the text's NUL or writes past its output buffer,
 *     for every output capacity from 1 to 128 (ASan);
 *   - a name that is found is a non-empty GraphQL Name that fits the buffer,
 *     and appears in the query text; a smaller buffer never finds a longer name;
 *   - the same text always gives the same answers;
 *   - every variable reader, on every variable, either accepts a value of the
 *     right JSON type, reports it absent, or writes a GraphQL error envelope
 *     ({"data":null,"errors":[{message, extensions.code}]}) — never anything else.
 *
 *   CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
 *   ninja -C build-fuzz && build-fuzz/tests/fuzz/fuzz_labelbox_gql -max_total_time=20
 */
#include <ctype.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialects/labelbox/lb_gql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_labelbox_gql_check_name(const char *query, const char *name, size_t cap)
{
    size_t n = strlen(name);
    if (n == 0 || n >= cap || !(isalpha((unsigned char)name[0]) || name[0] == '_'))
        abort();
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)name[i]) || name[i] == '_'))
            abort();
    if (!strstr(query, name))
        abort();
}

/* The scanners over one NUL-terminated text, at every capacity. */
static void fuzz_labelbox_gql_scan(const char *query)
{
    char full_op[128], full_root[128];
    int op_rc = lb_gql_operation(query, full_op, sizeof full_op);
    int root_rc = lb_gql_root_field(query, full_root, sizeof full_root);
    if (op_rc == 0)
        fuzz_labelbox_gql_check_name(query, full_op, sizeof full_op);
    if (root_rc == 0) {
        fuzz_labelbox_gql_check_name(query, full_root, sizeof full_root);
        if (op_rc != 0) /* a root field is only read after an operation header */
            abort();
    }
    for (size_t cap = 1; cap <= 128; cap += cap < 8 ? 1 : 17) {
        char *out = malloc(cap); /* exact size: ASan catches a write past cap */
        if (!out)
            return;
        if (lb_gql_operation(query, out, cap) == 0) {
            fuzz_labelbox_gql_check_name(query, out, cap);
            if (op_rc != 0 || strcmp(out, full_op) != 0)
                abort();
        }
        if (lb_gql_root_field(query, out, cap) == 0)
            fuzz_labelbox_gql_check_name(query, out, cap);
        free(out);
    }
    static const char *const literals[] = {"skip", "first", "take", "limit", "a"};
    for (size_t i = 0; i < sizeof literals / sizeof *literals; i++) {
        int64_t v1 = 0, v2 = 1;
        int r1 = lb_gql_literal_int(query, literals[i], &v1);
        int r2 = lb_gql_literal_int(query, literals[i], &v2);
        if (r1 != r2 || (r1 == 0 && v1 != v2))
            abort();
    }
    int64_t unused;
    if (lb_gql_literal_int(query, "", &unused) == 0)
        abort();
}

/* A failed reader must have written exactly the GraphQL error envelope. */
static void fuzz_labelbox_gql_check_error(vs_response *res)
{
    json_t *errors = json_object_get(res->json, "errors");
    json_t *first = json_array_get(errors, 0);
    json_t *code = json_object_get(json_object_get(first, "extensions"), "code");
    if (res->status != 200 || !json_is_null(json_object_get(res->json, "data")) || json_array_size(errors) != 1 ||
        !json_is_string(json_object_get(first, "message")) || !json_is_string(code) ||
        strcmp(json_string_value(code), LB_MALFORMED) != 0)
        abort();
}

static void fuzz_labelbox_gql_reset(vs_response *res)
{
    vs_response_free(res);
    memset(res, 0, sizeof *res);
}

/* Every reader on every variable (and on a name that is absent). */
static void fuzz_labelbox_gql_vars(json_t *vars)
{
    vs_request req;
    vs_response res;
    memset(&req, 0, sizeof req);
    memset(&res, 0, sizeof res);
    lb_call c;
    memset(&c, 0, sizeof c);
    c.req = &req;
    c.res = &res;
    c.vars = vars;
    static const char *const allowed[] = {"id", "name", "rowData", NULL};
    const char *key;
    json_t *value;
    size_t visited = 0;
    json_object_foreach(vars, key, value) {
        if (visited++ >= 16)
            break;
        for (int required = 0; required < 2; required++) {
            const char *s = NULL;
            int64_t i = 0;
            double d = 0;
            int b = 0;
            json_t *list = NULL;
            int rc = lb_var_string(&c, key, required, 64, &s);
            if (rc == 0 && (!json_is_string(value) || !s || strlen(s) > 64))
                abort();
            if (rc < 0)
                fuzz_labelbox_gql_check_error(&res);
            fuzz_labelbox_gql_reset(&res);
            rc = lb_var_int(&c, key, required, -5, 1000, &i);
            if (rc == 0 && (!json_is_integer(value) || i < -5 || i > 1000))
                abort();
            if (rc < 0)
                fuzz_labelbox_gql_check_error(&res);
            fuzz_labelbox_gql_reset(&res);
            rc = lb_var_number(&c, key, required, 0.0, 1.0, &d);
            if (rc == 0 && (!json_is_number(value) || !(d >= 0.0 && d <= 1.0)))
                abort();
            if (rc < 0)
                fuzz_labelbox_gql_check_error(&res);
            fuzz_labelbox_gql_reset(&res);
            rc = lb_var_bool(&c, key, required, &b);
            if (rc == 0 && !json_is_boolean(value))
                abort();
            if (rc < 0)
                fuzz_labelbox_gql_check_error(&res);
            fuzz_labelbox_gql_reset(&res);
            rc = lb_var_string_list(&c, key, required, 32, &list);
            if (rc == 0 && list != value)
                abort();
            if (rc < 0)
                fuzz_labelbox_gql_check_error(&res);
            fuzz_labelbox_gql_reset(&res);
            if (json_is_object(value)) {
                rc = lb_field_allow(&c, value, key, allowed);
                if (rc < 0)
                    fuzz_labelbox_gql_check_error(&res);
                fuzz_labelbox_gql_reset(&res);
                rc = lb_field_string(&c, value, key, "name", required, 64, &s);
                if (rc < 0)
                    fuzz_labelbox_gql_check_error(&res);
                fuzz_labelbox_gql_reset(&res);
                rc = lb_field_string_list(&c, value, key, "rowData", required, 32, &list);
                if (rc < 0)
                    fuzz_labelbox_gql_check_error(&res);
                fuzz_labelbox_gql_reset(&res);
            }
        }
    }
    const char *s = NULL;
    json_t *absent = json_object_get(vars, "zz_absent_variable");
    if (!absent || json_is_null(absent)) {
        if (lb_var_string(&c, "zz_absent_variable", 0, 8, &s) != 1)
            abort();
        if (lb_var_string(&c, "zz_absent_variable", 1, 8, &s) != -1)
            abort();
        fuzz_labelbox_gql_check_error(&res);
        fuzz_labelbox_gql_reset(&res);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *envelope = json_loadb((const char *)data, size, 0, NULL);
    if (json_is_object(envelope)) {
        json_t *q = json_object_get(envelope, "query");
        json_t *vars = json_object_get(envelope, "variables");
        /* The dispatcher refuses a query with an embedded NUL; scan what it would scan. */
        if (json_is_string(q) && strlen(json_string_value(q)) == json_string_length(q))
            fuzz_labelbox_gql_scan(json_string_value(q));
        if (json_is_object(vars))
            fuzz_labelbox_gql_vars(vars);
    } else {
        char *text = malloc(size + 1);
        if (text) {
            memcpy(text, data, size);
            text[size] = 0;
            fuzz_labelbox_gql_scan(text);
            free(text);
        }
    }
    json_decref(envelope);
    return 0;
}
