/* worker.c — one background thread that runs due jobs through their steps.
 *
 * Loop: claim the next due job (store_jobs_claim_due, BEGIN IMMEDIATE), run its
 * steps outside any transaction, write progress after each, and finish it with a
 * compare-and-set transition (so a concurrent cancel wins cleanly). Between steps
 * the job's state is re-read: a cancelled job stops. When nothing is due the
 * thread sleeps until the next run_at (real mode) or a wake-up.
 *
 * Settling (clock advance, tests): a caller bumps `requested` and waits until a
 * pass that started after its request found nothing due (`completed`).
 * Store replacement (snapshot restore, reset) takes `g_step_lock`, which the
 * worker holds for each step and its bookkeeping, so a step never writes into a
 * freshly restored store; `epoch` then tells the worker to drop the job it had
 * claimed from the old store.
 */
#include "worker.h"
#include "clock.h"
#include "core/store_jobs.h"
#include "db.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_RECOVERIES 3

static const job_type *g_types;
static size_t g_ntypes;
static pthread_t g_thread;
static int g_started;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t g_settled = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t g_step_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_stop;
static int g_poked;
static uint64_t g_requested, g_completed, g_epoch;

void worker_set_types(const job_type *types, size_t n)
{
    g_types = types;
    g_ntypes = n;
}

const job_type *worker_find_type(const char *name)
{
    for (size_t i = 0; i < g_ntypes; i++)
        if (strcmp(g_types[i].name, name) == 0)
            return &g_types[i];
    return NULL;
}

/* How many claims a job of this type may have had and still resume after a
 * crash; 0 = never resume. */
static int type_resume_limit(const char *name)
{
    const job_type *t = worker_find_type(name);
    if (!t || !t->resumable)
        return 0;
    return t->max_attempts > 0 ? t->max_attempts : MAX_RECOVERIES;
}

static int stopping(void)
{
    pthread_mutex_lock(&g_lock);
    int stop = g_stop;
    pthread_mutex_unlock(&g_lock);
    return stop;
}

void worker_wake(void)
{
    pthread_mutex_lock(&g_lock);
    g_poked = 1;
    pthread_cond_signal(&g_wake);
    pthread_mutex_unlock(&g_lock);
}

void worker_replace_begin(void) { pthread_mutex_lock(&g_step_lock); }

void worker_replace_end(void)
{
    pthread_mutex_lock(&g_lock);
    g_epoch++;
    g_poked = 1;
    pthread_cond_signal(&g_wake);
    pthread_mutex_unlock(&g_lock);
    pthread_mutex_unlock(&g_step_lock);
}

static uint64_t current_epoch(void)
{
    pthread_mutex_lock(&g_lock);
    uint64_t e = g_epoch;
    pthread_mutex_unlock(&g_lock);
    return e;
}

static void finish(const job_row *job, const char *state, json_t *result, const char *error)
{
    char *text = result ? json_dumps(result, JSON_COMPACT) : NULL;
    st_result r = store_jobs_transition(job->id, state, text, error);
    if (r != ST_OK && r != ST_CONFLICT && r != ST_NOT_FOUND)
        log_error("worker", "job %s (%s): cannot record %s: %s", job->id, job->type, state, store_result_name(r));
    free(text);
}

/* Runs one claimed job until it waits, ends, or is cancelled. */
static void run_job(job_row *job, uint64_t epoch)
{
    const job_type *type = worker_find_type(job->type);
    if (!type) {
        finish(job, "failed", NULL, "unknown job type");
        return;
    }
    json_error_t jerr;
    json_t *payload = json_loads(job->payload ? job->payload : "{}", 0, &jerr);
    if (!payload) {
        finish(job, "failed", NULL, "job payload is not valid JSON");
        return;
    }
    job_ctx ctx = {.job_id = job->id, .workspace_id = job->workspace_id, .payload = payload,
                   .progress = job->progress, .total = job->total, .attempts = job->attempts};
    for (int done = 0; !done;) {
        ctx.delay_ms = 0;
        ctx.result = NULL;
        ctx.error[0] = 0;
        if (stopping()) {
            store_jobs_release(job->id);
            break;
        }
        pthread_mutex_lock(&g_step_lock);
        if (current_epoch() != epoch) {
            pthread_mutex_unlock(&g_step_lock);
            break; /* the store was replaced since the claim */
        }
        /* A step runs "at" the instant it was due, so that after a clock advance a
         * job that waits in steps runs every step that fell inside the window. */
        ctx.now = job->run_at;
        step_outcome out = type->step(&ctx);
        char state[16] = "";
        if (store_jobs_state(job->id, state) != ST_OK || strcmp(state, "running") != 0) {
            done = 1; /* cancelled or gone while the step ran */
        } else if (out == STEP_CONTINUE) {
            store_jobs_progress(job->id, ctx.progress, ctx.total, job->run_at);
        } else if (out == STEP_WAIT) {
            /* Counted from when the step was due, not from when it ran: a worker
             * behind the (advanced) clock catches up instead of drifting. */
            store_jobs_progress(job->id, ctx.progress, ctx.total, ctx.now + ctx.delay_ms);
            done = 1;
        } else {
            store_jobs_progress(job->id, ctx.progress, ctx.total, job->run_at);
            if (out == STEP_DONE)
                finish(job, "succeeded", ctx.result, NULL);
            else
                finish(job, "failed", NULL, ctx.error[0] ? ctx.error : "job failed");
            done = 1;
        }
        pthread_mutex_unlock(&g_step_lock);
        json_decref(ctx.result);
    }
    json_decref(payload);
}

/* Sleeps until woken, stopped, or the next job is due (real mode only). */
static void idle_wait(void)
{
    int64_t due = 0;
    int have_due = store_jobs_next_due(&due) == ST_OK;
    pthread_mutex_lock(&g_lock);
    if (!g_stop && !g_poked) {
        int64_t wait_ms = 1000;
        if (have_due && !clock_is_frozen()) {
            int64_t until = due - clock_now_ms();
            wait_ms = until < 1 ? 1 : until < wait_ms ? until : wait_ms;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += wait_ms / 1000;
        ts.tv_nsec += (wait_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g_wake, &g_lock, &ts);
    }
    g_poked = 0;
    pthread_mutex_unlock(&g_lock);
}

static void *worker_main(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&g_lock);
        int stop = g_stop;
        uint64_t pass = g_requested, epoch = g_epoch;
        g_poked = 0;
        pthread_mutex_unlock(&g_lock);
        if (stop)
            break;
        job_row job;
        st_result r = store_jobs_claim_due(clock_now_ms(), &job);
        if (r == ST_OK) {
            run_job(&job, epoch);
            job_row_free(&job);
            continue;
        }
        if (r == ST_NOT_FOUND) {
            pthread_mutex_lock(&g_lock);
            if (pass > g_completed)
                g_completed = pass;
            pthread_cond_broadcast(&g_settled);
            pthread_mutex_unlock(&g_lock);
        } else {
            log_error("worker", "claim failed: %s", store_result_name(r));
        }
        idle_wait();
    }
    db_thread_close();
    return NULL;
}

int worker_start(void)
{
    int n = store_jobs_recover(type_resume_limit);
    if (n < 0)
        return -1;
    if (n > 0)
        log_info("worker", "recovered %d job(s) left running by a previous run", n);
    g_stop = 0;
    if (pthread_create(&g_thread, NULL, worker_main, NULL) != 0)
        return -1;
    g_started = 1;
    return 0;
}

void worker_stop(void)
{
    if (!g_started)
        return;
    pthread_mutex_lock(&g_lock);
    g_stop = 1;
    pthread_cond_broadcast(&g_wake);
    pthread_cond_broadcast(&g_settled);
    pthread_mutex_unlock(&g_lock);
    pthread_join(g_thread, NULL);
    g_started = 0;
}

int worker_settle(int timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&g_lock);
    uint64_t target = ++g_requested;
    g_poked = 1;
    pthread_cond_signal(&g_wake);
    int rc = 0;
    while (g_completed < target && !g_stop && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&g_settled, &g_lock, &deadline);
    int ok = g_completed >= target;
    pthread_mutex_unlock(&g_lock);
    return ok ? 0 : -1;
}
