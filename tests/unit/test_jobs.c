/* test_jobs.c — the job transition table, claiming, crash recovery and the
 * worker driven by the virtual clock (settle), on a real temporary store. */
#include "check.h"
#include "clock.h"
#include "core/store_jobs.h"
#include "db.h"
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>

/* A test job type: counts to payload.n, one step at a time, waiting 1 s of
 * virtual time between steps when payload.wait is set. */
static step_outcome count_step(job_ctx *ctx)
{
    int64_t n = json_integer_value(json_object_get(ctx->payload, "n"));
    ctx->total = n;
    if (ctx->progress >= n) {
        ctx->result = json_pack("{s:I}", "counted", (json_int_t)ctx->progress);
        return STEP_DONE;
    }
    ctx->progress++;
    if (json_is_true(json_object_get(ctx->payload, "wait"))) {
        ctx->delay_ms = 1000;
        return STEP_WAIT;
    }
    return STEP_CONTINUE;
}

static step_outcome fail_step(job_ctx *ctx)
{
    snprintf(ctx->error, sizeof ctx->error, "deliberate");
    return STEP_FAILED;
}

static const job_type types[] = {
    {"test.count", 1, count_step, 0},
    {"test.fail", 0, fail_step, 0},
};

static void state_is(const char *id, const char *want)
{
    char state[16] = "";
    CHECK_EQ_INT(store_jobs_state(id, state), ST_OK);
    CHECK_EQ_STR(state, want);
}

int main(void)
{
    CHECK(store_jobs_can_move("queued", "running"));
    CHECK(store_jobs_can_move("running", "succeeded"));
    CHECK(store_jobs_can_move("running", "cancelled"));
    CHECK(!store_jobs_can_move("succeeded", "running"));
    CHECK(!store_jobs_can_move("failed", "queued"));
    CHECK(!store_jobs_can_move("cancelled", "running"));
    CHECK(!store_jobs_can_move("queued", "succeeded"));

    if (db_init(":memory:", 2000) != 0) {
        fprintf(stderr, "cannot open a store\n");
        return 1;
    }
    clock_freeze(1000000);
    worker_set_types(types, sizeof types / sizeof *types);

    /* Claim order and illegal moves, without the worker thread. */
    char a[37], b[37];
    CHECK_EQ_INT(store_jobs_insert(NULL, "test.count", "{\"n\":3}", 0, a), ST_OK);
    CHECK_EQ_INT(store_jobs_insert(NULL, "test.count", "{\"n\":3}", 5000000, b), ST_OK);
    job_row j;
    CHECK_EQ_INT(store_jobs_claim_due(clock_now_ms(), &j), ST_OK);
    CHECK_EQ_STR(j.id, a);
    CHECK_EQ_STR(j.state, "running");
    CHECK_EQ_INT(j.attempts, 1);
    job_row_free(&j);
    CHECK_EQ_INT(store_jobs_transition(a, "queued", NULL, NULL), ST_CONFLICT);

    /* a is now "running" as if the server died mid-job. At start the worker
     * resumes it (resumable type, attempts+1) and fails a non-resumable one. */
    state_is(a, "running");
    char c[37];
    CHECK_EQ_INT(store_jobs_insert(NULL, "test.fail", "{}", 0, c), ST_OK);
    CHECK_EQ_INT(store_jobs_transition(c, "running", NULL, NULL), ST_OK);
    CHECK_EQ_INT(worker_start(), 0); /* recovery runs first */
    CHECK_EQ_INT(worker_settle(5000), 0);
    state_is(a, "succeeded");
    CHECK_EQ_INT(store_jobs_get(a, NULL, &j), ST_OK);
    CHECK_EQ_INT(j.attempts, 2);
    CHECK_EQ_INT(j.progress, 3);
    job_row_free(&j);
    CHECK_EQ_INT(store_jobs_get(c, NULL, &j), ST_OK);
    CHECK_EQ_STR(j.state, "failed");
    CHECK(j.error && strstr(j.error, "restart"));
    job_row_free(&j);

    /* b is not due until virtual time reaches it. */
    state_is(b, "queued");
    clock_advance(4000000);
    CHECK_EQ_INT(worker_settle(5000), 0);
    state_is(b, "succeeded");
    CHECK_EQ_INT(store_jobs_get(b, NULL, &j), ST_OK);
    CHECK_EQ_INT(j.progress, 3);
    CHECK(j.result && strstr(j.result, "\"counted\":3"));
    job_row_free(&j);

    /* Waiting steps advance only with the clock. */
    char w[37];
    CHECK_EQ_INT(store_jobs_insert(NULL, "test.count", "{\"n\":2,\"wait\":true}", 0, w), ST_OK);
    worker_wake();
    CHECK_EQ_INT(worker_settle(5000), 0);
    state_is(w, "running");
    clock_advance(1000);
    CHECK_EQ_INT(worker_settle(5000), 0);
    clock_advance(1000);
    CHECK_EQ_INT(worker_settle(5000), 0);
    state_is(w, "succeeded");

    /* One advance covering several waits runs every step inside the window. */
    char many[37];
    CHECK_EQ_INT(store_jobs_insert(NULL, "test.count", "{\"n\":5,\"wait\":true}", 0, many), ST_OK);
    worker_wake();
    CHECK_EQ_INT(worker_settle(5000), 0);
    state_is(many, "running");
    clock_advance(4999);
    CHECK_EQ_INT(worker_settle(5000), 0);
    CHECK_EQ_INT(store_jobs_get(many, NULL, &j), ST_OK);
    CHECK_EQ_INT(j.progress, 5); /* steps due at +1000..+4000 ran; the 6th (done) is due at +5000 */
    CHECK_EQ_STR(j.state, "running");
    job_row_free(&j);
    clock_advance(1);
    CHECK_EQ_INT(worker_settle(5000), 0);
    state_is(many, "succeeded");

    /* Cancel wins over a waiting job; a cancelled job never runs again. */
    char x[37];
    CHECK_EQ_INT(store_jobs_insert(NULL, "test.count", "{\"n\":5,\"wait\":true}", 0, x), ST_OK);
    worker_wake();
    CHECK_EQ_INT(worker_settle(5000), 0);
    CHECK_EQ_INT(store_jobs_transition(x, "cancelled", NULL, NULL), ST_OK);
    clock_advance(10000);
    CHECK_EQ_INT(worker_settle(5000), 0);
    state_is(x, "cancelled");
    CHECK_EQ_INT(store_jobs_transition(x, "succeeded", NULL, NULL), ST_CONFLICT);

    /* Unknown types fail cleanly. */
    char u[37];
    CHECK_EQ_INT(store_jobs_insert(NULL, "no.such", "{}", 0, u), ST_OK);
    worker_wake();
    CHECK_EQ_INT(worker_settle(5000), 0);
    state_is(u, "failed");

    worker_stop();
    db_shutdown();
    return check_exit();
}
