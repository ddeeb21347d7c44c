/* journal.c — the request journal: a fixed ring of entries, newest overwriting
 * oldest, guarded by one mutex; a condition variable wakes wait-for callers.
 *
 * Bodies are kept only for JSON requests/responses up to the cap; larger or
 * binary bodies are recorded by size. Recording copies the bytes and nothing
 * more (parsing every body as it passed was a quarter of a read-by-id request's
 * CPU, bench/RESULTS.md); a body is parsed and redacted when the journal is read.
 * Secrets never leave: any JSON member whose name contains key, secret, token,
 * password or authorization (case-insensitive) is replaced by "[redacted]", at
 * any depth, before an entry is rendered; headers and query strings are never
 * stored.
 * Timestamps are virtual-clock milliseconds.
 */
#include "journal.h"
#include "clock.h"
#include "core/validate.h"
#include "router.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A body as recorded: the bytes of a JSON body within the cap, else only its size. */
typedef struct {
    char *bytes; /* NULL when omitted or empty */
    size_t len;
} body;

typedef struct {
    int64_t id, at;
    char dialect[16], workspace[37], method[12], path[512], route[256], request_id[64];
    int status;
    double duration_ms;
    body request, response;
} slot;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_arrived = PTHREAD_COND_INITIALIZER;
static slot *g_ring;
static size_t g_cap, g_body_cap;
static int64_t g_next_id = 1;

void journal_init(size_t capacity, size_t body_cap)
{
    g_cap = capacity ? capacity : 1;
    g_body_cap = body_cap;
    g_ring = calloc(g_cap, sizeof *g_ring);
}

static void slot_clear(slot *s)
{
    free(s->request.bytes);
    free(s->response.bytes);
    memset(s, 0, sizeof *s);
}

void journal_clear(void)
{
    pthread_mutex_lock(&g_lock);
    for (size_t i = 0; g_ring && i < g_cap; i++)
        if (g_ring[i].id) /* never-used slots are still calloc's zero pages: leave them untouched */
            slot_clear(&g_ring[i]);
    pthread_mutex_unlock(&g_lock);
}

void journal_shutdown(void)
{
    journal_clear();
    free(g_ring);
    g_ring = NULL;
}

static int secret_name(const char *k)
{
    static const char *const words[] = {"key", "secret", "token", "password", "authorization"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcasestr(k, words[i]))
            return 1;
    return 0;
}

/* Replaces secret-looking members; inside a secret-named container (e.g. "keys")
 * every scalar is a secret, but the structure is kept for readability. */
static void redact(json_t *v, int all)
{
    const char *k;
    json_t *child;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach(v, k, child) {
            int secret = all || secret_name(k);
            if (json_is_object(child) || json_is_array(child))
                redact(child, secret);
            else if (secret && !json_is_null(child))
                json_object_set_new(v, k, json_string("[redacted]"));
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, child) {
            if (json_is_object(child) || json_is_array(child))
                redact(child, all);
            else if (all && !json_is_null(child))
                json_array_set_new(v, i, json_string("[redacted]"));
        }
    }
}

/* JSON bodies up to the cap are copied; longer or non-JSON bodies are kept by
 * size only, so a cut can never expose half a secret. */
static body body_copy(const void *bytes, size_t len, int is_json)
{
    body b = {NULL, bytes ? len : 0};
    if (bytes && len && is_json && len <= g_body_cap && (b.bytes = malloc(len)))
        memcpy(b.bytes, bytes, len);
    return b;
}

/* The body as the journal shows it: parsed and redacted, {"bytes","omitted"}, or null. */
static json_t *body_json(const body *b)
{
    if (!b->len)
        return json_null();
    json_t *v = b->bytes ? json_loadb(b->bytes, b->len, JSON_DECODE_ANY, NULL) : NULL;
    if (!v)
        return json_pack("{s:I,s:b}", "bytes", (json_int_t)b->len, "omitted", 1);
    redact(v, 0);
    return v;
}

void journal_record(const journal_entry *e)
{
    if (!g_ring)
        return;
    body req = body_copy(e->request_body, e->request_len, validate_media_type(e->request_type, "application/json"));
    body res = body_copy(e->response_body, e->response_len, 1);
    pthread_mutex_lock(&g_lock);
    int64_t id = g_next_id++;
    slot *s = &g_ring[(size_t)(id - 1) % g_cap];
    slot_clear(s);
    s->id = id;
    s->at = clock_now_ms();
    snprintf(s->dialect, sizeof s->dialect, "%s", e->dialect ? e->dialect : "");
    snprintf(s->workspace, sizeof s->workspace, "%s", e->workspace ? e->workspace : "");
    snprintf(s->method, sizeof s->method, "%s", e->method ? e->method : "");
    snprintf(s->path, sizeof s->path, "%s", e->path ? e->path : "");
    snprintf(s->route, sizeof s->route, "%s", e->route ? e->route : "");
    snprintf(s->request_id, sizeof s->request_id, "%s", e->request_id ? e->request_id : "");
    s->status = e->status;
    s->duration_ms = e->duration_ms;
    s->request = req;
    s->response = res;
    pthread_cond_broadcast(&g_arrived);
    pthread_mutex_unlock(&g_lock);
}

static int matches(const slot *s, const journal_filter *f)
{
    if (!s->id || s->id <= f->since)
        return 0;
    if (f->dialect && *f->dialect && strcmp(f->dialect, s->dialect) != 0)
        return 0;
    if (f->workspace && *f->workspace && strcmp(f->workspace, s->workspace) != 0)
        return 0;
    if (f->status && f->status != s->status)
        return 0;
    if (f->route && *f->route && strcmp(f->route, s->route) != 0 && !router_path_matches(f->route, s->path))
        return 0;
    return 1;
}

static json_t *slot_json(const slot *s)
{
    json_t *o = json_pack("{s:I,s:I,s:s,s:s?,s:s,s:s,s:s?,s:i,s:f,s:s}", "id", (json_int_t)s->id, "at",
                          (json_int_t)s->at, "dialect", s->dialect, "workspace",
                          s->workspace[0] ? s->workspace : NULL, "method", s->method, "path", s->path, "route",
                          s->route[0] ? s->route : NULL, "status", s->status, "durationMs", s->duration_ms,
                          "requestId", s->request_id);
    json_object_set_new(o, "requestBody", body_json(&s->request));
    json_object_set_new(o, "responseBody", body_json(&s->response));
    return o;
}

json_t *journal_query(const journal_filter *f, int limit)
{
    json_t *items = json_array();
    pthread_mutex_lock(&g_lock);
    int64_t newest = g_next_id - 1;
    for (int64_t id = newest; id >= 1 && id > newest - (int64_t)g_cap && (int)json_array_size(items) < limit; id--) {
        const slot *s = &g_ring[(size_t)(id - 1) % g_cap];
        if (matches(s, f))
            json_array_append_new(items, slot_json(s));
    }
    pthread_mutex_unlock(&g_lock);
    return items;
}

static json_t *oldest_match(const journal_filter *f)
{
    int64_t newest = g_next_id - 1;
    int64_t first = newest - (int64_t)g_cap + 1;
    for (int64_t id = first < 1 ? 1 : first; id <= newest; id++) {
        const slot *s = &g_ring[(size_t)(id - 1) % g_cap];
        if (matches(s, f))
            return slot_json(s);
    }
    return NULL;
}

json_t *journal_wait(const journal_filter *f, int timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&g_lock);
    json_t *found = oldest_match(f);
    while (!found) {
        if (pthread_cond_timedwait(&g_arrived, &g_lock, &deadline) != 0) {
            found = oldest_match(f);
            break;
        }
        found = oldest_match(f);
    }
    pthread_mutex_unlock(&g_lock);
    return found;
}
