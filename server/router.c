/* router.c — matches a method and path against the route table.
 *
 * The table is small (a few hundred rows) and static, so a linear scan (a cheap
 * literal-prefix check per row, the segment match only for rows that pass it) is
 * simpler than a trie and fast enough (well under a microsecond per request). A path matching some route with another method gives
 * ROUTE_BAD_METHOD and the Allow list. Pure functions, any thread.
 */
#include "router.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SEGMENTS 32

typedef struct {
    int n;
    const char *start[MAX_SEGMENTS];
    size_t len[MAX_SEGMENTS];
} segments;

/* Splits "/a/b/c" (ignoring one trailing '/'); -1 when there are too many. */
static int split(const char *path, segments *s)
{
    s->n = 0;
    const char *p = path;
    if (*p == '/')
        p++;
    size_t total = strlen(p);
    if (total > 0 && p[total - 1] == '/')
        total--;
    const char *end = p + total;
    if (p == end)
        return 0;
    while (p <= end) {
        const char *q = memchr(p, '/', (size_t)(end - p));
        if (!q)
            q = end;
        if (s->n == MAX_SEGMENTS)
            return -1;
        s->start[s->n] = p;
        s->len[s->n] = (size_t)(q - p);
        s->n++;
        p = q + 1;
    }
    return 0;
}

/* Matches path segments against a pattern; fills captures when out != NULL. */
static int pattern_matches(const segments *pat, const segments *path, route_match *out)
{
    int np = 0;
    for (int i = 0; i < pat->n; i++) {
        int is_rest = pat->len[i] == 2 && memcmp(pat->start[i], "**", 2) == 0;
        if (is_rest) {
            if (i != pat->n - 1 || i >= path->n)
                return 0;
            size_t len = (size_t)(path->start[path->n - 1] + path->len[path->n - 1] - path->start[i]);
            if (len == 0) /* "/ui//": the rest is empty, like a missing segment */
                return 0;
            if (out && np < VS_MAX_PARAMS)
                out->values[np++] = strndup(path->start[i], len);
            if (out)
                out->nparams = np;
            return 1;
        }
        if (i >= path->n)
            return 0;
        int is_star = pat->len[i] == 1 && pat->start[i][0] == '*';
        int is_param = pat->len[i] > 2 && pat->start[i][0] == '{' && pat->start[i][pat->len[i] - 1] == '}';
        if (is_star || is_param) {
            if (path->len[i] == 0)
                return 0;
            if (out && np < VS_MAX_PARAMS) {
                out->values[np++] = strndup(path->start[i], path->len[i]);
            }
            continue;
        }
        if (pat->len[i] != path->len[i] || memcmp(pat->start[i], path->start[i], path->len[i]) != 0)
            return 0;
    }
    if (pat->n != path->n)
        return 0;
    if (out)
        out->nparams = np;
    return 1;
}

/* A quick test that can only say no: walks the pattern's leading literal
 * segments against the path's, stopping at the first mismatch or the first
 * capture. Most of the table's rows differ from the path in their first two
 * segments, so this spares splitting every pattern on every request (the splits
 * were ~5 % of a read-by-id request's CPU, bench/RESULTS.md). 0 = cannot match;
 * 1 = maybe: run the exact match. */
static int literal_prefix_may_match(const char *pattern, const segments *path)
{
    const char *p = *pattern == '/' ? pattern + 1 : pattern;
    for (int i = 0; *p; i++) {
        const char *q = p;
        while (*q && *q != '/')
            q++;
        size_t len = (size_t)(q - p);
        if (len == 0 || *p == '*' || *p == '{')
            return 1;
        if (i >= path->n || len != path->len[i] || memcmp(p, path->start[i], len) != 0)
            return 0;
        p = *q ? q + 1 : q;
    }
    return 1;
}

/* Copies the capture names from the pattern, in order. */
static void fill_names(const segments *pat, route_match *m)
{
    int k = 0;
    for (int i = 0; i < pat->n && k < m->nparams; i++) {
        const char *seg = pat->start[i];
        size_t len = pat->len[i];
        if (len > 2 && seg[0] == '{') {
            seg++;
            len -= 2;
        } else if (!(len == 1 && seg[0] == '*') && !(len == 2 && memcmp(seg, "**", 2) == 0)) {
            continue;
        }
        if (len >= sizeof m->names[k])
            len = sizeof m->names[k] - 1;
        memcpy(m->names[k], seg, len);
        m->names[k][len] = 0;
        k++;
    }
}

static int method_matches(const char *route_method, const char *method)
{
    if (strcmp(route_method, method) == 0)
        return 1;
    return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

static void allow_add(char *allow, size_t cap, const char *method)
{
    if (strstr(allow, method))
        return;
    size_t len = strlen(allow);
    snprintf(allow + len, cap - len, "%s%s", len ? ", " : "", method);
}

route_match_result router_match(const route *table, size_t n, const char *method,
                                const char *path, route_match *out)
{
    memset(out, 0, sizeof *out);
    segments req;
    if (split(path, &req) != 0)
        return ROUTE_NO_PATH;
    int path_seen = 0;
    for (size_t i = 0; i < n; i++) {
        segments pat;
        if (!literal_prefix_may_match(table[i].pattern, &req) || split(table[i].pattern, &pat) != 0 ||
            !pattern_matches(&pat, &req, NULL))
            continue;
        path_seen = 1;
        allow_add(out->allow, sizeof out->allow, table[i].method);
        if (strcmp(table[i].method, "GET") == 0)
            allow_add(out->allow, sizeof out->allow, "HEAD");
        if (!method_matches(table[i].method, method))
            continue;
        pattern_matches(&pat, &req, out);
        fill_names(&pat, out);
        out->route = &table[i];
        return ROUTE_FOUND;
    }
    return path_seen ? ROUTE_BAD_METHOD : ROUTE_NO_PATH;
}

int router_path_matches(const char *pattern, const char *path)
{
    segments pat, req;
    if (split(pattern, &pat) != 0 || split(path, &req) != 0)
        return 0;
    return pattern_matches(&pat, &req, NULL);
}

void router_match_free(route_match *m)
{
    for (int i = 0; i < m->nparams; i++) {
        free(m->values[i]);
        m->values[i] = NULL;
    }
    m->nparams = 0;
}

static int has_prefix_segment(const char *path, const char *mount)
{
    size_t n = strlen(mount);
    return strncmp(path, mount, n) == 0 && (path[n] == 0 || path[n] == '/');
}

vs_dialect router_dialect_of(const char *path)
{
    static const struct {
        const char *mount;
        vs_dialect dialect;
    } mounts[] = {
        {"/workspaces", DIALECT_VI},          {"/api/v1/developer", DIALECT_PICTOGRAPH},
        {"/vlm/v2", DIALECT_XIMILAR},         {"/recognition/v2", DIALECT_XIMILAR},
        {"/detection/v2", DIALECT_XIMILAR},   {"/authorization/v2", DIALECT_XIMILAR},
        {"/account/v2", DIALECT_XIMILAR},     {"/graphql", DIALECT_LABELBOX},
        {"/_gql", DIALECT_LABELBOX},          {"/_blob", DIALECT_BLOB},
        {"/_emulator", DIALECT_ADMIN},        {"/v1", DIALECT_INFERENCE},
    };
    for (size_t i = 0; i < sizeof mounts / sizeof *mounts; i++)
        if (has_prefix_segment(path, mounts[i].mount))
            return mounts[i].dialect;
    return DIALECT_ADMIN;
}
