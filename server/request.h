/* request.h — the request and response every handler sees.
 *
 * The HTTP layer (http.c) fills a vs_request from the wire, validates it against
 * the route (body cap, content type, JSON, UTF-8), authenticates it, and calls the
 * route's handler. The handler fills a vs_response: a status plus a JSON value,
 * raw bytes, or an error (vs_fail) that the route's dialect renders in its own
 * shape. Handlers never see libmicrohttpd.
 *
 * Ownership: everything in vs_request is owned by the HTTP layer and lives until
 * the handler returns. Everything put into vs_response (json, raw, headers) is
 * owned by the response and freed by the HTTP layer after sending.
 */
#ifndef VS_REQUEST_H
#define VS_REQUEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/store.h"

typedef enum {
    DIALECT_ADMIN = 0,
    DIALECT_VI,
    DIALECT_PICTOGRAPH,
    DIALECT_XIMILAR,
    DIALECT_LABELBOX,
    DIALECT_BLOB,
    DIALECT_INFERENCE,
    DIALECT_COUNT
} vs_dialect;

#define VS_MAX_PARAMS 8
#define VS_MAX_RESPONSE_HEADERS 8
#define VS_ID_LEN 37 /* a UUID plus NUL */

struct route;

/* Lookup of a request header or query argument; NULL when absent. */
typedef const char *(*vs_lookup_fn)(void *conn, const char *name);

typedef struct vs_request {
    const char *method;
    const char *path;          /* decoded path without the query */
    const char *host;          /* Host header, or "localhost" */
    const struct route *route;
    vs_dialect dialect;
    const char *param_names[VS_MAX_PARAMS];
    char *params[VS_MAX_PARAMS]; /* values of {name} / * segments, in order */
    int nparams;
    const unsigned char *body;  /* raw body, NUL-terminated; NULL when empty */
    size_t body_len;
    json_t *json;               /* parsed body when the route takes JSON; else NULL */
    char workspace_id[VS_ID_LEN]; /* set by auth; "" on unauthenticated routes */
    char request_id[64];
    void *conn;                 /* opaque, for the lookups below */
    vs_lookup_fn header_fn;
    vs_lookup_fn query_fn;
} vs_request;

typedef struct vs_response {
    int status;
    json_t *json;               /* body as JSON, or NULL */
    unsigned char *raw;         /* body as bytes (malloc'd), or NULL */
    size_t raw_len;
    const unsigned char *borrowed; /* static bytes (embedded files); not freed */
    char content_type[80];
    int nheaders;
    char *header_names[VS_MAX_RESPONSE_HEADERS];
    char *header_values[VS_MAX_RESPONSE_HEADERS];
    /* Error, when err_status != 0: rendered by the route's dialect. */
    int err_status;
    char err_code[48];          /* dialect-neutral slug: not_found, validation_error, ... */
    char err_message[512];
    json_t *err_details;        /* optional object, owned */
} vs_response;

/* Lookups. */
const char *vs_header(const vs_request *req, const char *name);
const char *vs_query(const vs_request *req, const char *name);
const char *vs_param(const vs_request *req, const char *name);

/* Success replies. vs_reply_json steals the reference to body. */
int vs_reply_json(vs_response *res, int status, json_t *body);
int vs_reply_empty(vs_response *res, int status);
/* Copies len bytes. */
int vs_reply_bytes(vs_response *res, int status, const char *content_type,
                   const void *data, size_t len);
/* Takes ownership of data (malloc'd). */
int vs_reply_owned_bytes(vs_response *res, int status, const char *content_type,
                         unsigned char *data, size_t len);
void vs_add_header(vs_response *res, const char *name, const char *value);

/* Error replies: always return -1 so handlers can `return vs_fail(...)`. */
int vs_fail(vs_response *res, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* As vs_fail, with a details object (reference stolen). */
int vs_fail_details(vs_response *res, int status, const char *code, json_t *details,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Maps a store result to its HTTP error (404, 409, 400, 503 + Retry-After, 500);
 * `what` names the resource in the message. */
int vs_fail_store(vs_response *res, st_result r, const char *what);

/* Body validation (req->json is an object). Each returns 0 when fine and fails
 * res with a 400 naming the field otherwise (-1). */
/* Rejects fields not in the NULL-terminated allowed list. */
int vs_body_allow(const vs_request *req, vs_response *res, const char *const *allowed);
/* A string field of at most max_len bytes (no NUL); *out NULL when absent/null. */
int vs_body_string(const vs_request *req, vs_response *res, const char *key, int required, size_t max_len,
                   const char **out);
/* An integer field in [min, max]; returns 1 (and leaves *out) when absent/null. */
int vs_body_int(const vs_request *req, vs_response *res, const char *key, int required, int64_t min, int64_t max,
                int64_t *out);

void vs_response_free(vs_response *res);

typedef int (*vs_handler)(vs_request *req, vs_response *res);

#endif
