/* lb_jobs.h — queueing this dialect's durable jobs and waiting for them.
 * By default a mutation that starts async work (data-row upsert, import) waits
 * for its job, so the reply already says COMPLETE / FINISHED and the client never
 * sleeps; in realistic mode (X-Visionstack-Mode: realistic) it replies at once
 * with IN_PROGRESS / RUNNING, as the vendor does. */
#ifndef VS_LB_JOBS_H
#define VS_LB_JOBS_H
#include <jansson.h>
#include "core/store.h"

#define LB_JOB_INGEST "labelbox.ingest"
#define LB_JOB_IMPORT "labelbox.import"
/* How long a default-mode mutation waits for its job (below the client's 60 s). */
#define LB_JOB_WAIT_MS 50000

/* Queues a job due now; joins the caller's transaction (wake the worker after
 * the commit). */
st_result lb_jobs_queue(const char *workspace_id, const char *type, json_t *payload);
/* Ends the caller's transaction: commits when r is ST_OK, else rolls back;
 * returns the outcome. */
st_result lb_finish_txn(st_result r);
/* Wakes the worker, then polls done(arg) until it returns nonzero or timeout_ms
 * of real time pass; 1 when done. */
int lb_jobs_wait(int (*done)(void *), void *arg, int timeout_ms);
#endif
