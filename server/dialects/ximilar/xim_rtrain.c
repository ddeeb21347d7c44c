/* xim_rtrain.c — the "ximilar.recognition.train" job. Step 1 snapshots the
 * task's labelled, non-test training images into the new version's memory and
 * marks it TRAINING; after the training duration (virtual clock) step 2 marks
 * it TRAINED and moves the task's production version to it. Both steps are
 * compare-and-set on the model's state, so a re-run after a crash, or a task
 * deleted meanwhile, leaves nothing half done. Worker thread. */
#include "clock.h"
#include "store_xim_rtasks.h"
#include "xim_jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t xim_jobs_training_ms(void)
{
    const char *env = getenv("VISIONSTACK_XIMILAR_TRAINING_MS");
    if (env && *env) {
        char *end = NULL;
        long long v = strtoll(env, &end, 10);
        if (end && *end == 0 && v >= 0 && v <= 86400000LL)
            return v;
    }
    return 2000;
}

step_outcome xim_rtrain_step(job_ctx *ctx)
{
    const char *model = json_string_value(json_object_get(ctx->payload, "model"));
    char state[16] = "";
    if (!model) {
        snprintf(ctx->error, sizeof ctx->error, "payload has no model");
        return STEP_FAILED;
    }
    st_result r = store_xim_rmodels_state(model, state);
    if (r == ST_BUSY) {
        ctx->delay_ms = 50;
        return STEP_WAIT;
    }
    if (r == ST_NOT_FOUND || (r == ST_OK && strcmp(state, "IN_QUEUE") != 0 && strcmp(state, "TRAINING") != 0)) {
        ctx->result = json_pack("{s:s,s:s}", "model", model, "state", r == ST_OK ? state : "deleted");
        return STEP_DONE;
    }
    if (r != ST_OK) {
        snprintf(ctx->error, sizeof ctx->error, "cannot read the model: %s", store_result_name(r));
        return STEP_FAILED;
    }
    int64_t now = clock_now_ms();
    if (ctx->progress == 0) {
        int64_t images = 0;
        r = store_xim_rmodels_begin(model, now, &images);
        if (r == ST_BUSY) {
            ctx->delay_ms = 50;
            return STEP_WAIT;
        }
        if (r == ST_OK && images == 0) {
            store_xim_rmodels_finish(model, 0, "No labelled non-test training images.", now);
            snprintf(ctx->error, sizeof ctx->error, "no labelled non-test training images");
            return STEP_FAILED;
        }
        if (r != ST_OK) {
            snprintf(ctx->error, sizeof ctx->error, "cannot start the training: %s", store_result_name(r));
            store_xim_rmodels_finish(model, 0, ctx->error, now);
            return STEP_FAILED;
        }
        json_t *row = NULL;
        int64_t created = now;
        if (store_xim_rmodels_get(NULL, model, &row) == ST_OK)
            created = json_integer_value(json_object_get(row, "created_at"));
        json_decref(row);
        ctx->progress = 1;
        ctx->total = 2;
        /* Done a fixed time after train/, however late this step ran (the clock
         * is read again: a training already due goes straight on). */
        ctx->delay_ms = created + xim_jobs_training_ms() - clock_now_ms();
        return ctx->delay_ms > 0 ? STEP_WAIT : STEP_CONTINUE;
    }
    r = store_xim_rmodels_finish(model, 1, NULL, now);
    if (r == ST_BUSY) {
        ctx->delay_ms = 50;
        return STEP_WAIT;
    }
    if (r != ST_OK && r != ST_NOT_FOUND) {
        snprintf(ctx->error, sizeof ctx->error, "cannot finish the training: %s", store_result_name(r));
        return STEP_FAILED;
    }
    ctx->progress = 2;
    ctx->result = json_pack("{s:s,s:s}", "model", model, "state", "TRAINED");
    return STEP_DONE;
}
