/* worker.h — the durable job runner.
 *
 * A job type is a name plus a step function. The worker claims a due job, calls
 * step repeatedly; each step does one bounded, idempotent unit of work (committed
 * by the step itself) and says what comes next. Because every step is idempotent
 * and progress is written after it, a crash at any point is recovered by running
 * the job again from the store's state. The worker knows no dialect: types are
 * registered from job_types.c.
 */
#ifndef VS_WORKER_H
#define VS_WORKER_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    STEP_CONTINUE, /* more work now */
    STEP_WAIT,     /* more work after delay_ms of virtual time */
    STEP_DONE,     /* succeeded; result (optional) stored */
    STEP_FAILED    /* failed; error stored */
} step_outcome;

typedef struct {
    const char *job_id;
    const char *workspace_id; /* "" for store-wide jobs */
    json_t *payload;          /* parsed payload (borrowed) */
    int64_t progress, total;  /* in/out */
    int attempts;             /* claims so far, including resumptions */
    int64_t now;              /* virtual instant this step was due (<= the clock) */
    int64_t delay_ms;         /* out, for STEP_WAIT: runs again at now + delay_ms */
    json_t *result;           /* out, for STEP_DONE (reference stolen) */
    char error[512];          /* out, for STEP_FAILED */
} job_ctx;

typedef struct {
    const char *name;
    int resumable;            /* may run again after a crash (steps idempotent) */
    step_outcome (*step)(job_ctx *ctx);
    int max_attempts;         /* crash resumptions allowed; 0 = the default (3) */
} job_type;

/* Registers the job type table (static storage). Call before worker_start. */
void worker_set_types(const job_type *types, size_t n);
const job_type *worker_find_type(const char *name);
/* Recovers jobs left running by a crash, then starts the worker thread. */
int worker_start(void);
/* Stops between two steps: a job in progress stays running, its claim is
 * released (a clean stop is not a failed attempt), and it resumes at the next
 * start. */
void worker_stop(void);
/* Tells the worker that jobs or time changed. */
void worker_wake(void);
/* Returns when no job is due at the current virtual time and the worker is idle;
 * 0 on success, -1 on timeout. */
int worker_settle(int timeout_ms);
/* Brackets a wholesale replacement of the store (snapshot restore, reset):
 * begin waits for the job step in progress to finish and holds further steps;
 * end makes the worker drop the job it had claimed (its row may be gone) and
 * lets it continue. No job step ever runs across a replacement. */
void worker_replace_begin(void);
void worker_replace_end(void);
#endif
