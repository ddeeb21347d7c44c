/* router.h — the route record and path matching.
 *
 * Patterns are '/'-separated segments: a literal, `{name}` (one segment, captured
 * as `name`), `*` (one segment, captured as "*") or a final `**` (the rest,
 * captured as "**"). A single trailing slash in the request path is ignored, so
 * every route answers with and without it (Ximilar and Pictograph clients need
 * both; nobody needs a redirect). HEAD matches GET routes.
 */
#ifndef VS_ROUTER_H
#define VS_ROUTER_H
#include <stddef.h>
#include "request.h"

typedef enum {
    AUTH_NONE = 0,  /* open: health, server-issued transfer URLs */
    AUTH_VENDOR,    /* the route's dialect key */
    AUTH_ADMIN      /* control plane: the admin key when one is configured */
} route_auth;

typedef enum {
    BODY_NONE = 0,  /* any body is ignored and not read past the cap */
    BODY_JSON,      /* application/json (empty body = {}), UTF-8 checked, parsed */
    BODY_RAW,       /* bytes of any content type (uploads) */
    BODY_GRAPHQL    /* JSON or multipart/form-data (Labelbox) */
} route_body;

typedef struct route {
    const char *method;
    const char *pattern;
    vs_dialect dialect;
    vs_handler handler;
    route_auth auth;
    route_body body;
    size_t body_cap;   /* 0 = the default JSON cap (1 MiB) */
    /* Optional: a tighter cap decided from the path params (e.g. a transfer
     * token's own limit); returns 0 when the resource is unknown. */
    size_t (*cap_fn)(const vs_request *req);
    const char *operation; /* vendor operation name for coverage, or NULL */
} route;

typedef enum { ROUTE_FOUND = 0, ROUTE_NO_PATH, ROUTE_BAD_METHOD } route_match_result;

typedef struct {
    const route *route;
    int nparams;
    char names[VS_MAX_PARAMS][48];
    char *values[VS_MAX_PARAMS]; /* malloc'd; free with router_match_free */
    char allow[128];             /* for ROUTE_BAD_METHOD: "GET, POST" */
} route_match;

route_match_result router_match(const route *table, size_t n, const char *method,
                                const char *path, route_match *out);
void router_match_free(route_match *m);
/* 1 when path matches one pattern (same syntax and trailing-slash rule). */
int router_path_matches(const char *pattern, const char *path);
/* The dialect a path belongs to by its mount, for requests that match no route. */
vs_dialect router_dialect_of(const char *path);
#endif
