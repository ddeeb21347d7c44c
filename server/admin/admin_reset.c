/* admin_reset.c — full reset: the store goes back to the baseline captured at
 * start-up (empty, or the fixtures when started with --seed), in place. */
#include "admin.h"
#include "../core/store_snapshots.h"
#include "../worker.h"

int admin_reset(vs_request *req, vs_response *res)
{
    (void)req;
    worker_replace_begin();
    st_result r = store_baseline_restore();
    worker_replace_end();
    if (r != ST_OK)
        return vs_fail_store(res, r, "Baseline");
    return vs_reply_empty(res, 204);
}
