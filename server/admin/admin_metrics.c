/* admin_metrics.c — Prometheus text exposition at /metrics. */
#include "admin.h"
#include "../metrics.h"

#include <string.h>

int admin_metrics(vs_request *req, vs_response *res)
{
    (void)req;
    char *text = metrics_render();
    if (!text)
        return vs_fail(res, 500, "internal", "Out of memory");
    return vs_reply_owned_bytes(res, 200, "text/plain; version=0.0.4; charset=utf-8", (unsigned char *)text,
                                strlen(text));
}
