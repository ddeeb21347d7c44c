/* admin_clock.c — the virtual clock. Advance returns only after every job that
 * became due has run (worker_settle). */
#include "admin.h"
#include "../clock.h"
#include "../worker.h"

#include <string.h>

#define SETTLE_TIMEOUT_MS 60000

static int reply_clock(vs_response *res)
{
    return vs_reply_json(res, 200, json_pack("{s:s,s:I}", "mode", clock_is_frozen() ? "frozen" : "real", "now",
                                             (json_int_t)clock_now_ms()));
}

static int settle(vs_response *res)
{
    worker_wake();
    if (worker_settle(SETTLE_TIMEOUT_MS) != 0) {
        vs_add_header(res, "Retry-After", "1");
        return vs_fail(res, 503, "busy", "Jobs did not settle within %d ms", SETTLE_TIMEOUT_MS);
    }
    return reply_clock(res);
}

int admin_clock_get(vs_request *req, vs_response *res)
{
    (void)req;
    return reply_clock(res);
}

int admin_clock_set(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"mode", "now", NULL};
    const char *mode = NULL;
    int64_t now = -1;
    if (vs_body_allow(req, res, allowed) || vs_body_string(req, res, "mode", 0, 16, &mode) ||
        vs_body_int(req, res, "now", 0, 0, INT64_C(253402300799999), &now) < 0)
        return -1;
    if (!mode)
        mode = clock_is_frozen() ? "frozen" : "real";
    if (strcmp(mode, "frozen") == 0)
        clock_freeze(now);
    else if (strcmp(mode, "real") == 0)
        clock_run(now);
    else
        return vs_fail(res, 400, "validation_error", "Field 'mode' must be 'frozen' or 'real'");
    return settle(res);
}

int admin_clock_advance(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"ms", NULL};
    int64_t ms = 0;
    if (vs_body_allow(req, res, allowed) || vs_body_int(req, res, "ms", 1, 0, INT64_C(3153600000000), &ms))
        return -1;
    clock_advance(ms);
    return settle(res);
}
