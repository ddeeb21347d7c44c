/* store_pg_sessions.h — image "embedding" sessions that decide prompt prices.
 *
 * A session belongs to (workspace, image). It is open while prompts keep coming
 * within idle_ms of each other (virtual clock); the first prompt after that
 * opens a new one. Rows go away with their image (foreign key). Any thread.
 */
#ifndef VS_STORE_PG_SESSIONS_H
#define VS_STORE_PG_SESSIONS_H
#include <stdint.h>
#include "core/store.h"

/* *open = 1 when a session on the image is open at `now`. */
st_result store_pg_sessions_peek(const char *workspace_id, const char *asset_id, int64_t now, int64_t idle_ms,
                                 int *open);
/* Records a prompt at `now`: continues the open session or opens a new one;
 * *was_open says which. Joins the caller's transaction. */
st_result store_pg_sessions_touch(const char *workspace_id, const char *asset_id, int64_t now, int64_t idle_ms,
                                  int *was_open);
#endif
