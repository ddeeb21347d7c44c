/* faults.c — fault rules: match a call by dialect, method, route pattern and
 * workspace, then fire per the rule's policy (every match, only the next N
 * `times`, only the `nth`, a seeded `rate`, or a per-workspace `quota` per
 * `window_ms` answering 429). A firing rule contributes a status with the
 * dialect's error body, latency (fixed or uniform in [latency_ms,
 * latency_max_ms]), a Retry-After header, or a connection reset.
 *
 * Determinism: each rule owns a PRNG seeded from `seed`, advanced once per
 * matching call, so a given sequence of calls gives the same faults every run.
 * One mutex guards the list; rules are few, so a linear scan is fine. Quota
 * windows read the virtual clock. Called from libmicrohttpd's pool threads.
 */
#include "faults.h"
#include "clock.h"
#include "core/ids.h"
#include "dialect.h"
#include "router.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_QUOTA_KEYS 64

typedef struct {
    char workspace[37];
    int64_t window_start;
    int64_t count;
} quota_slot;

typedef struct fault_rule {
    struct fault_rule *next;
    char id[37];
    json_t *spec;            /* as given, for listing */
    char dialect[16], method[12], route[256], workspace[37];
    int status, latency_ms, latency_max_ms, retry_after, reset;
    int64_t times, nth, quota, window_ms;
    double rate;
    uint64_t rng;
    int64_t matched, fired;
    quota_slot quotas[MAX_QUOTA_KEYS];
} fault_rule;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static fault_rule *g_rules;
static fault_rule **g_tail = &g_rules;

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double uniform01(uint64_t *s) { return (double)(splitmix(s) >> 11) / 9007199254740992.0; }

static int get_int(const json_t *spec, const char *key, int64_t min, int64_t max, int64_t *out, char *err,
                   size_t errlen)
{
    json_t *v = json_object_get(spec, key);
    if (!v || json_is_null(v))
        return 1;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        snprintf(err, errlen, "Field '%s' must be an integer between %lld and %lld", key, (long long)min,
                 (long long)max);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

static int get_str(const json_t *spec, const char *key, char *out, size_t cap, char *err, size_t errlen)
{
    json_t *v = json_object_get(spec, key);
    if (!v || json_is_null(v))
        return 1;
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= cap) {
        snprintf(err, errlen, "Field '%s' must be a non-empty string shorter than %zu characters", key, cap);
        return -1;
    }
    snprintf(out, cap, "%s", json_string_value(v));
    return 0;
}

static int parse_rule(const json_t *spec, fault_rule *r, char *err, size_t errlen)
{
    static const char *const known[] = {"dialect", "method", "route", "workspace", "status", "latency_ms",
                                        "latency_max_ms", "times", "nth", "rate", "seed", "retry_after",
                                        "reset_connection", "quota", "window_ms", NULL};
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)spec, key, value) {
        int ok = 0;
        for (size_t i = 0; known[i]; i++)
            ok |= strcmp(known[i], key) == 0;
        if (!ok) {
            snprintf(err, errlen, "Unknown field '%.60s'", key);
            return -1;
        }
    }
    int64_t v;
    if (get_str(spec, "dialect", r->dialect, sizeof r->dialect, err, errlen) < 0 ||
        get_str(spec, "method", r->method, sizeof r->method, err, errlen) < 0 ||
        get_str(spec, "route", r->route, sizeof r->route, err, errlen) < 0 ||
        get_str(spec, "workspace", r->workspace, sizeof r->workspace, err, errlen) < 0)
        return -1;
    if (r->dialect[0]) {
        static const char *const vendor[] = {"vi", "pictograph", "ximilar", "labelbox", "blob", NULL};
        int ok = 0;
        for (size_t i = 0; vendor[i]; i++)
            ok |= strcmp(vendor[i], r->dialect) == 0;
        if (!ok) {
            snprintf(err, errlen, "Field 'dialect' must be one of vi, pictograph, ximilar, labelbox, blob");
            return -1;
        }
    }
    for (char *p = r->method; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
    if (r->route[0] && r->route[0] != '/') {
        snprintf(err, errlen, "Field 'route' must be a path pattern starting with '/'");
        return -1;
    }
    int rc;
    r->retry_after = -1;
    if ((rc = get_int(spec, "status", 100, 599, &v, err, errlen)) < 0)
        return -1;
    r->status = rc == 0 ? (int)v : 0;
    if ((rc = get_int(spec, "latency_ms", 0, 60000, &v, err, errlen)) < 0)
        return -1;
    r->latency_ms = rc == 0 ? (int)v : 0;
    if ((rc = get_int(spec, "latency_max_ms", 0, 60000, &v, err, errlen)) < 0)
        return -1;
    r->latency_max_ms = rc == 0 ? (int)v : 0;
    if (r->latency_max_ms && r->latency_max_ms < r->latency_ms) {
        snprintf(err, errlen, "Field 'latency_max_ms' must not be below 'latency_ms'");
        return -1;
    }
    if ((rc = get_int(spec, "retry_after", 0, 86400, &v, err, errlen)) < 0)
        return -1;
    r->retry_after = rc == 0 ? (int)v : -1;
    if (get_int(spec, "times", 1, INT64_C(1) << 40, &r->times, err, errlen) < 0 ||
        get_int(spec, "nth", 1, INT64_C(1) << 40, &r->nth, err, errlen) < 0 ||
        get_int(spec, "quota", 1, INT64_C(1) << 40, &r->quota, err, errlen) < 0 ||
        get_int(spec, "window_ms", 1, INT64_C(1) << 40, &r->window_ms, err, errlen) < 0)
        return -1;
    int64_t seed = 0;
    if (get_int(spec, "seed", INT64_MIN, INT64_MAX, &seed, err, errlen) < 0)
        return -1;
    r->rng = (uint64_t)seed;
    json_t *rate = json_object_get(spec, "rate");
    r->rate = 1.0;
    if (rate && !json_is_null(rate)) {
        if (!json_is_number(rate) || json_number_value(rate) < 0 || json_number_value(rate) > 1) {
            snprintf(err, errlen, "Field 'rate' must be a number between 0 and 1");
            return -1;
        }
        r->rate = json_number_value(rate);
    }
    json_t *reset = json_object_get(spec, "reset_connection");
    if (reset && !json_is_null(reset)) {
        if (!json_is_boolean(reset)) {
            snprintf(err, errlen, "Field 'reset_connection' must be a boolean");
            return -1;
        }
        r->reset = json_is_true(reset);
    }
    if ((r->quota != 0) != (r->window_ms != 0)) {
        snprintf(err, errlen, "Fields 'quota' and 'window_ms' go together");
        return -1;
    }
    if (!r->status && !r->latency_ms && !r->latency_max_ms && !r->reset && !r->quota) {
        snprintf(err, errlen, "A rule needs an action: status, latency_ms, reset_connection or quota");
        return -1;
    }
    return 0;
}

static json_t *rule_json(const fault_rule *r)
{
    json_t *o = json_deep_copy(r->spec);
    json_object_set_new(o, "id", json_string(r->id));
    json_object_set_new(o, "fired", json_integer(r->fired));
    json_object_set_new(o, "matched", json_integer(r->matched));
    return o;
}

int faults_add(const json_t *spec, json_t **rule_out, char *err, size_t errlen)
{
    fault_rule *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "Out of memory");
        return -1;
    }
    if (parse_rule(spec, r, err, errlen) != 0) {
        free(r);
        return -1;
    }
    ids_uuid(r->id);
    r->spec = json_deep_copy(spec);
    pthread_mutex_lock(&g_lock);
    *g_tail = r;
    g_tail = &r->next;
    *rule_out = rule_json(r);
    pthread_mutex_unlock(&g_lock);
    return 0;
}

json_t *faults_list(void)
{
    json_t *items = json_array();
    pthread_mutex_lock(&g_lock);
    for (fault_rule *r = g_rules; r; r = r->next)
        json_array_append_new(items, rule_json(r));
    pthread_mutex_unlock(&g_lock);
    return items;
}

static void rule_free(fault_rule *r)
{
    json_decref(r->spec);
    free(r);
}

int faults_delete(const char *id)
{
    int rc = -1;
    pthread_mutex_lock(&g_lock);
    for (fault_rule **p = &g_rules; *p; p = &(*p)->next) {
        if (strcmp((*p)->id, id) == 0) {
            fault_rule *gone = *p;
            *p = gone->next;
            if (g_tail == &gone->next)
                g_tail = p;
            rule_free(gone);
            rc = 0;
            break;
        }
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

void faults_clear(void)
{
    pthread_mutex_lock(&g_lock);
    while (g_rules) {
        fault_rule *next = g_rules->next;
        rule_free(g_rules);
        g_rules = next;
    }
    g_tail = &g_rules;
    pthread_mutex_unlock(&g_lock);
}

static int rule_matches(const fault_rule *r, const char *dialect, const char *method, const char *path,
                        const char *workspace)
{
    if (r->dialect[0] && strcmp(r->dialect, dialect) != 0)
        return 0;
    if (r->method[0] && strcmp(r->method, method) != 0)
        return 0;
    if (r->workspace[0] && strcmp(r->workspace, workspace) != 0)
        return 0;
    return !r->route[0] || router_path_matches(r->route, path);
}

/* Quota: 1 (and *retry_after) when this call exceeds the workspace's window. */
static int over_quota(fault_rule *r, const char *workspace, int *retry_after)
{
    int64_t now = clock_now_ms();
    quota_slot *slot = NULL, *oldest = &r->quotas[0];
    for (int i = 0; i < MAX_QUOTA_KEYS; i++) {
        if (strcmp(r->quotas[i].workspace, workspace) == 0 && r->quotas[i].window_start) {
            slot = &r->quotas[i];
            break;
        }
        if (r->quotas[i].window_start < oldest->window_start)
            oldest = &r->quotas[i];
    }
    if (!slot) {
        slot = oldest;
        snprintf(slot->workspace, sizeof slot->workspace, "%s", workspace);
        slot->window_start = 0;
    }
    if (!slot->window_start || now - slot->window_start >= r->window_ms) {
        slot->window_start = now;
        slot->count = 0;
    }
    slot->count++;
    if (slot->count <= r->quota)
        return 0;
    int64_t left = r->window_ms - (now - slot->window_start);
    *retry_after = (int)((left + 999) / 1000);
    return 1;
}

int faults_apply(vs_dialect dialect, const char *method, const char *path, const char *workspace,
                 fault_action *out)
{
    memset(out, 0, sizeof *out);
    out->retry_after = -1;
    if (dialect == DIALECT_ADMIN)
        return 0;
    const char *dname = dialect_name(dialect);
    int any = 0;
    pthread_mutex_lock(&g_lock);
    for (fault_rule *r = g_rules; r; r = r->next) {
        if (!rule_matches(r, dname, method, path, workspace ? workspace : ""))
            continue;
        r->matched++;
        double draw = uniform01(&r->rng);
        int fire = draw < r->rate;
        if (r->nth)
            fire = fire && r->matched == r->nth;
        if (r->times)
            fire = fire && r->fired < r->times;
        int retry_after = r->retry_after;
        int status = r->status;
        if (fire && r->quota) {
            fire = over_quota(r, workspace ? workspace : "", &retry_after);
            if (fire && !status)
                status = 429;
        }
        if (!fire)
            continue;
        r->fired++;
        any = 1;
        int latency = r->latency_ms;
        if (r->latency_max_ms > r->latency_ms)
            latency += (int)(uniform01(&r->rng) * (r->latency_max_ms - r->latency_ms + 1));
        out->latency_ms += latency;
        if (!out->status && !out->reset && (status || r->reset)) {
            out->status = status;
            out->reset = r->reset;
            out->retry_after = retry_after;
            snprintf(out->rule_id, sizeof out->rule_id, "%s", r->id);
        }
    }
    pthread_mutex_unlock(&g_lock);
    return any;
}
