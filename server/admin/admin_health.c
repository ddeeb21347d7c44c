/* admin_health.c — liveness and version. Health answers 200 only once the store
 * is open and migrated, which main() guarantees before the listener starts; it
 * still touches the store so a broken store shows as 503. */
#include "admin.h"
#include "../db.h"
#include "../version.h"

int admin_health(vs_request *req, vs_response *res)
{
    (void)req;
    sqlite3_stmt *st = db_stmt("SELECT 1");
    if (!st || sqlite3_step(st) != SQLITE_ROW) {
        if (st)
            sqlite3_reset(st);
        vs_add_header(res, "Retry-After", "1");
        return vs_fail(res, 503, "unavailable", "The store is not available");
    }
    sqlite3_reset(st);
    return vs_reply_json(res, 200, json_pack("{s:s,s:s}", "status", "ok", "version", VISIONSTACK_VERSION));
}
