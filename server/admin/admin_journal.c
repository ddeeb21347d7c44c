/* admin_journal.c — the request journal: query with filters, and wait-for. */
#include "admin.h"
#include "../journal.h"

#include <stdlib.h>

static int parse_long(const char *s, long long min, long long max, long long *out)
{
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Reads the shared filters; -1 (res failed) on a bad value. */
static int read_filter(vs_request *req, vs_response *res, journal_filter *f)
{
    long long v;
    f->dialect = vs_query(req, "dialect");
    f->workspace = vs_query(req, "workspace");
    f->route = vs_query(req, "route");
    f->status = 0;
    f->since = 0;
    const char *status = vs_query(req, "status");
    if (status) {
        if (parse_long(status, 100, 599, &v) != 0)
            return vs_fail(res, 400, "validation_error", "Query 'status' must be an HTTP status code");
        f->status = (int)v;
    }
    const char *since = vs_query(req, "since");
    if (since) {
        if (parse_long(since, 0, INT64_MAX, &v) != 0)
            return vs_fail(res, 400, "validation_error", "Query 'since' must be a journal entry id");
        f->since = v;
    }
    return 0;
}

int admin_journal_list(vs_request *req, vs_response *res)
{
    journal_filter f;
    long long limit = 100;
    if (read_filter(req, res, &f) != 0)
        return -1;
    const char *l = vs_query(req, "limit");
    if (l && parse_long(l, 1, 10000, &limit) != 0)
        return vs_fail(res, 400, "validation_error", "Query 'limit' must be between 1 and 10000");
    return vs_reply_json(res, 200, json_pack("{s:o}", "items", journal_query(&f, (int)limit)));
}

int admin_journal_wait(vs_request *req, vs_response *res)
{
    journal_filter f;
    long long timeout = 5000;
    if (read_filter(req, res, &f) != 0)
        return -1;
    const char *t = vs_query(req, "timeout_ms");
    if (t && parse_long(t, 0, 60000, &timeout) != 0)
        return vs_fail(res, 400, "validation_error", "Query 'timeout_ms' must be between 0 and 60000");
    json_t *entry = journal_wait(&f, (int)timeout);
    if (!entry)
        return vs_fail(res, 408, "timeout", "No matching request within %lld ms", timeout);
    return vs_reply_json(res, 200, entry);
}

int admin_journal_clear(vs_request *req, vs_response *res)
{
    (void)req;
    journal_clear();
    return vs_reply_empty(res, 204);
}
