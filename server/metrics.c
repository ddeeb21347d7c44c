/* metrics.c — Prometheus counters kept in memory: requests by dialect, route
 * pattern, method and status; a latency histogram per dialect; plus gauges read
 * from the store at scrape time (jobs by type and state, store size). A fixed
 * open-addressing table keyed by (route, dialect, status) avoids allocation on
 * the request path; one mutex guards it. */
#include "metrics.h"
#include "core/store_jobs.h"
#include "db.h"
#include "dialect.h"
#include "version.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 2048
static const double bucket_ms[] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
#define NBUCKETS (sizeof bucket_ms / sizeof *bucket_ms)

typedef struct {
    int used;
    const route *route;
    vs_dialect dialect;
    int status;
    unsigned long long count;
} counter;

typedef struct {
    unsigned long long buckets[NBUCKETS];
    unsigned long long count;
    double sum_ms;
} histogram;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static counter g_counters[SLOTS];
static histogram g_hist[DIALECT_COUNT];

void metrics_observe(const route *r, vs_dialect dialect, int status, double duration_ms)
{
    size_t h = ((uintptr_t)r >> 4) * 31u + (size_t)dialect * 7u + (size_t)status;
    pthread_mutex_lock(&g_lock);
    for (size_t i = 0; i < SLOTS; i++) {
        counter *c = &g_counters[(h + i) % SLOTS];
        if (!c->used) {
            c->used = 1;
            c->route = r;
            c->dialect = dialect;
            c->status = status;
        }
        if (c->route == r && c->dialect == dialect && c->status == status) {
            c->count++;
            break;
        }
    }
    if ((unsigned)dialect < DIALECT_COUNT) {
        histogram *hg = &g_hist[dialect];
        for (size_t b = 0; b < NBUCKETS; b++)
            if (duration_ms <= bucket_ms[b])
                hg->buckets[b]++;
        hg->count++;
        hg->sum_ms += duration_ms;
    }
    pthread_mutex_unlock(&g_lock);
}

typedef struct {
    char *buf;
    size_t len, cap;
} text;

__attribute__((format(printf, 2, 3))) static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if (t->buf && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? t->cap * 2 : 8192;
        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        char *grown = realloc(t->buf, cap);
        if (!grown)
            return;
        t->buf = grown;
        t->cap = cap;
    }
}

static void job_count(const char *type, const char *state, int64_t n, void *arg)
{
    put(arg, "visionstack_jobs{type=\"%s\",state=\"%s\"} %lld\n", type, state, (long long)n);
}

char *metrics_render(void)
{
    text t = {0};
    put(&t, "# HELP visionstack_build_info Build information.\n# TYPE visionstack_build_info gauge\n"
            "visionstack_build_info{version=\"%s\"} 1\n",
        VISIONSTACK_VERSION);
    put(&t, "# HELP visionstack_http_requests_total Requests by dialect, route, method and status.\n"
            "# TYPE visionstack_http_requests_total counter\n");
    pthread_mutex_lock(&g_lock);
    for (size_t i = 0; i < SLOTS; i++) {
        const counter *c = &g_counters[i];
        if (!c->used)
            continue;
        put(&t, "visionstack_http_requests_total{dialect=\"%s\",method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
            dialect_name(c->dialect), c->route ? c->route->method : "", c->route ? c->route->pattern : "unmatched",
            c->status, c->count);
    }
    put(&t, "# HELP visionstack_http_request_duration_seconds Request latency by dialect.\n"
            "# TYPE visionstack_http_request_duration_seconds histogram\n");
    for (int d = 0; d < DIALECT_COUNT; d++) {
        const histogram *hg = &g_hist[d];
        if (!hg->count)
            continue;
        for (size_t b = 0; b < NBUCKETS; b++)
            put(&t, "visionstack_http_request_duration_seconds_bucket{dialect=\"%s\",le=\"%g\"} %llu\n",
                dialect_name((vs_dialect)d), bucket_ms[b] / 1000.0, hg->buckets[b]);
        put(&t, "visionstack_http_request_duration_seconds_bucket{dialect=\"%s\",le=\"+Inf\"} %llu\n",
            dialect_name((vs_dialect)d), hg->count);
        put(&t, "visionstack_http_request_duration_seconds_sum{dialect=\"%s\"} %.6f\n", dialect_name((vs_dialect)d),
            hg->sum_ms / 1000.0);
        put(&t, "visionstack_http_request_duration_seconds_count{dialect=\"%s\"} %llu\n",
            dialect_name((vs_dialect)d), hg->count);
    }
    pthread_mutex_unlock(&g_lock);
    put(&t, "# HELP visionstack_jobs Durable jobs by type and state.\n# TYPE visionstack_jobs gauge\n");
    store_jobs_counts(job_count, &t);
    put(&t, "# HELP visionstack_store_bytes Size of the SQLite store.\n# TYPE visionstack_store_bytes gauge\n"
            "visionstack_store_bytes %lld\n",
        (long long)db_size_bytes());
    return t.buf;
}
