/* job_types.c — every durable job type, in one table. A dialect that needs async
 * work adds its type here; the worker itself stays dialect-blind.
 *
 * workspace.purge: removes a deleted workspace's rows in bounded batches (one
 * transaction each), then orphaned blobs. Idempotent, hence resumable after a
 * crash: it simply continues with whatever rows remain. */
#include "job_types.h"
#include "core/store_workspaces.h"

#include <stdio.h>

#define PURGE_BATCH 500

static step_outcome purge_step(job_ctx *ctx)
{
    const char *ws = json_string_value(json_object_get(ctx->payload, "workspace"));
    if (!ws) {
        snprintf(ctx->error, sizeof ctx->error, "payload has no workspace");
        return STEP_FAILED;
    }
    int64_t removed = 0;
    int remaining = 0;
    st_result r = store_workspaces_purge_step(ws, PURGE_BATCH, &removed, &remaining);
    if (r == ST_BUSY) {
        ctx->delay_ms = 50;
        return STEP_WAIT;
    }
    if (r != ST_OK) {
        snprintf(ctx->error, sizeof ctx->error, "purge failed: %s", store_result_name(r));
        return STEP_FAILED;
    }
    ctx->progress += removed;
    if (remaining)
        return STEP_CONTINUE;
    ctx->result = json_pack("{s:s,s:I}", "workspace", ws, "rowsRemoved", (json_int_t)ctx->progress);
    return STEP_DONE;
}

static const job_type types[] = {
    {"workspace.purge", 1, purge_step},
};

const job_type *job_types_table(size_t *n)
{
    *n = sizeof types / sizeof *types;
    return types;
}
