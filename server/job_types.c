/* job_types.c — every durable job type, in one table. A dialect that needs async
 * work adds its type here; the worker itself stays dialect-blind.
 *
 * workspace.purge: removes a deleted workspace's rows in bounded batches (one
 * transaction each), then orphaned blobs. Idempotent, hence resumable after a
 * crash: it simply continues with whatever rows remain. */
#include "job_types.h"
#include "core/store_workspaces.h"
#include "dialects/vi/vi_routes.h"
#include "dialects/vi/vi_runs.h"
#include "dialects/ximilar/xim_jobs.h"
#include "dialects/labelbox/labelbox.h"
#include "dialects/pictograph/pg_batch_job.h"

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
    {"workspace.purge", 1, purge_step, 1000}, /* a half-purged workspace must not stay */
    /* vi: asset ingestion sessions, annotation import sessions, exports */
    {"vi.asset_ingest", 1, vi_asset_ingest_step, 0},
    {"vi.annotation_import", 1, vi_import_step, 0},
    {"vi.export", 1, vi_export_step, 0},
    {VI_TRAIN_JOB, 1, vi_train_step, 0}, /* runs: memorise the dataset, publish the model */
    /* ximilar: VLM and recognition trainings */
    {XIM_JOB_VLM_TRAIN, 1, xim_train_step, 0},
    {XIM_JOB_RECOGNITION_TRAIN, 1, xim_rtrain_step, 0},
    /* labelbox: data-row ingestion, annotation imports */
    {"labelbox.ingest", 1, lb_ingest_step, 0},
    {"labelbox.import", 1, lb_import_step, 0},
    /* pictograph: auto-annotate batches */
    {PG_BATCH_JOB_TYPE, 1, pg_batch_step, 0},
};

const job_type *job_types_table(size_t *n)
{
    *n = sizeof types / sizeof *types;
    return types;
}
