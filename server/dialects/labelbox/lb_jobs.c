/* lb_jobs.c — the dialect's side of the worker: queueing jobs and letting a
 * request wait for one. Waiting polls the store with a short, growing sleep (the
 * worker is another thread; the store is the only thing both share), bounded in
 * real time so a stuck job can never hold a client past its own timeout. HTTP
 * pool threads. */
#include "lb_jobs.h"
#include "clock.h"
#include "core/store_jobs.h"
#include "db.h"
#include "worker.h"

#include <stdlib.h>
#include <time.h>

st_result lb_jobs_queue(const char *workspace_id, const char *type, json_t *payload)
{
    char *text = json_dumps(payload, JSON_COMPACT);
    if (!text)
        return ST_ERROR;
    char job_id[37];
    st_result r = store_jobs_insert(workspace_id, type, text, clock_now_ms(), job_id);
    free(text);
    return r;
}

st_result lb_finish_txn(st_result r)
{
    if (r == ST_OK)
        return db_commit();
    db_rollback();
    return r;
}

int lb_jobs_wait(int (*done)(void *), void *arg, int timeout_ms)
{
    worker_wake();
    int64_t deadline = clock_real_ms() + timeout_ms;
    long sleep_us = 500;
    for (;;) {
        if (done(arg))
            return 1;
        if (clock_real_ms() >= deadline)
            return 0;
        struct timespec ts = {0, sleep_us * 1000};
        nanosleep(&ts, NULL);
        if (sleep_us < 20000)
            sleep_us *= 2;
    }
}
