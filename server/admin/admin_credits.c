/* admin_credits.c — PUT /_emulator/workspaces/{id}/credits {"micro_usd": N}:
 * sets a workspace's remaining Pictograph credit (included_remaining_micro_usd)
 * to exactly N, so tests can reach the 402 path or top a workspace up. The
 * ledger is not touched: it lists charges only. Request threads.
 */
#include "admin.h"
#include "../clock.h"
#include "../dialects/pictograph/store_pg_credits.h"

int admin_credits_put(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"micro_usd", NULL};
    int64_t micro_usd = 0;
    if (vs_body_allow(req, res, allowed) ||
        vs_body_int(req, res, "micro_usd", 1, 0, INT64_C(1000000000000000), &micro_usd))
        return -1;
    st_result r = store_pg_credits_set(vs_param(req, "id"), micro_usd, clock_now_ms());
    if (r != ST_OK)
        return vs_fail_store(res, r, "Workspace");
    return vs_reply_json(res, 200, json_pack("{s:I}", "micro_usd", (json_int_t)micro_usd));
}
