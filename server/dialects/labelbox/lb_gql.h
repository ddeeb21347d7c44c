/* lb_gql.h — one GraphQL call as the Labelbox operation handlers see it, and the
 * helpers that read its text and variables and write its reply.
 *
 * There is no GraphQL engine: an operation is recognised by the name written in
 * its query text (the vendor's client sends no operationName), its inputs come
 * from `variables`, and each handler returns the fixed superset of fields its
 * operation selects. Replies are always HTTP 200 with {"data":...} or
 * {"data":null,"errors":[{message, extensions:{code}}]}, as the vendor answers
 * GraphQL-level errors; only a busy store answers 503, which the client retries.
 */
#ifndef VS_LB_GQL_H
#define VS_LB_GQL_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/store.h"
#include "lb_multipart.h"
#include "request.h"

/* extensions.code values (spec §3.1). */
#define LB_AUTHENTICATION "AUTHENTICATION_ERROR"
#define LB_AUTHORIZATION "AUTHORIZATION_ERROR"
#define LB_VALIDATION "GRAPHQL_VALIDATION_FAILED"
#define LB_PARSE "GRAPHQL_PARSE_FAILED"
#define LB_NOT_FOUND "RESOURCE_NOT_FOUND"
#define LB_CONFLICT "RESOURCE_CONFLICT"
#define LB_MALFORMED "MALFORMED_REQUEST"
#define LB_NOT_ALLOWED "OPERATION_NOT_ALLOWED"
#define LB_INTERNAL "INTERNAL_SERVER_ERROR"

typedef struct {
    vs_request *req;
    vs_response *res;
    char op[128];             /* operation name from the query text */
    char root[128];           /* first root field of the selection */
    const char *query;        /* the query text */
    json_t *vars;             /* variables object (borrowed; never NULL) */
    const lb_part *file;      /* the upload bound to variables.file, or NULL */
    int experimental;         /* arrived on /_gql */
    int realistic;            /* X-Visionstack-Mode: realistic (async replies) */
} lb_call;

/* Operation name: the identifier after a leading `query`/`mutation` keyword
 * (comments and whitespace skipped). 0 on success; -1 for an anonymous or
 * unparsable text. */
int lb_gql_operation(const char *query, char *out, size_t cap);
/* First field of the operation's top-level selection set. 0 on success. */
int lb_gql_root_field(const char *query, char *out, size_t cap);
/* The integer literal written as `name: N` (e.g. skip: 0) anywhere in the text;
 * 0 when found. */
int lb_gql_literal_int(const char *query, const char *name, int64_t *out);

/* Replies {"data":{root: value}} (value stolen; NULL = JSON null). Returns 0. */
int lb_reply(lb_call *c, const char *root, json_t *value);
/* A GraphQL error with extensions.code. Returns -1. */
int lb_error(lb_call *c, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Maps a store failure: busy → 503 (retried by the client), not found →
 * RESOURCE_NOT_FOUND, conflict → RESOURCE_CONFLICT, else INTERNAL_SERVER_ERROR
 * with exception.status 500 (raised by the client, not retried). Returns -1. */
int lb_error_store(lb_call *c, st_result r, const char *what);

/* Variables. Each returns 0 when usable, 1 when absent or null and not required
 * (out untouched), and -1 after replying MALFORMED_REQUEST naming the variable. */
int lb_var_string(lb_call *c, const char *name, int required, size_t max_len, const char **out);
int lb_var_int(lb_call *c, const char *name, int required, int64_t min, int64_t max, int64_t *out);
int lb_var_number(lb_call *c, const char *name, int required, double min, double max, double *out);
int lb_var_bool(lb_call *c, const char *name, int required, int *out);
/* An array of strings (each 1..max_len); *out borrowed. */
int lb_var_string_list(lb_call *c, const char *name, int required, size_t max_len, json_t **out);
/* Fields of an input object: same contract, the message names "obj.field". */
int lb_field_string_list(lb_call *c, json_t *obj, const char *obj_name, const char *name, int required,
                         size_t max_len, json_t **out);
int lb_field_string(lb_call *c, json_t *obj, const char *obj_name, const char *name, int required, size_t max_len,
                    const char **out);
/* Rejects fields of an input object that are not in the NULL-terminated list. */
int lb_field_allow(lb_call *c, json_t *obj, const char *obj_name, const char *const *allowed);

/* A JSON DateTime string ("...fffZ") or null when ms == 0. */
json_t *lb_time_json(int64_t ms);
#endif
