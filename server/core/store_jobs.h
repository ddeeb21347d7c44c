/* store_jobs.h — durable job rows and their legal state transitions.
 * States: queued → running → succeeded | failed | cancelled; queued → cancelled |
 * failed. Terminal states never change. Every move goes through
 * store_jobs_transition, which checks the table and compares-and-sets the state. */
#ifndef VS_STORE_JOBS_H
#define VS_STORE_JOBS_H
#include <stdint.h>
#include "store.h"

typedef struct {
    char id[37];
    char workspace_id[37];   /* "" for store-wide jobs */
    char type[48];
    char state[16];
    char *payload;           /* JSON text, owned */
    char *result;            /* JSON text or NULL, owned */
    char *error;             /* or NULL, owned */
    int64_t progress, total;
    int attempts;
    int64_t run_at, created_at, updated_at;
} job_row;

void job_row_free(job_row *j);
/* 1 when the move from -> to is legal. */
int store_jobs_can_move(const char *from, const char *to);
/* Inserts a queued job; joins the caller's transaction when there is one. */
st_result store_jobs_insert(const char *workspace_id, const char *type, const char *payload_json,
                            int64_t run_at, char id_out[37]);
/* Claims the next due job (queued or running, run_at <= now) inside BEGIN
 * IMMEDIATE; a queued job becomes running with attempts+1. ST_NOT_FOUND when none. */
st_result store_jobs_claim_due(int64_t now, job_row *out);
/* Compare-and-set: moves id from its current state to `to` when legal; sets result
 * and error when given. ST_CONFLICT when the move is illegal or the state changed. */
st_result store_jobs_transition(const char *id, const char *to, const char *result_json, const char *error);
/* Records progress and when the job next runs (state unchanged). */
st_result store_jobs_progress(const char *id, int64_t progress, int64_t total, int64_t run_at);
/* workspace_id NULL = any workspace. */
st_result store_jobs_get(const char *id, const char *workspace_id, job_row *out);
/* Reads the current state into state_out[16]. */
st_result store_jobs_state(const char *id, char state_out[16]);
/* Earliest run_at of unfinished jobs; ST_NOT_FOUND when there is none. */
st_result store_jobs_next_due(int64_t *run_at);
/* Lists jobs newest first (workspace_id NULL = all), calling cb for each row. */
st_result store_jobs_list(const char *workspace_id, int limit, void (*cb)(const job_row *, void *), void *arg);
/* Calls cb with the number of jobs per (type, state). */
st_result store_jobs_counts(void (*cb)(const char *type, const char *state, int64_t n, void *), void *arg);
/* At start-up: rows left running by a crash. A job that has been claimed fewer
 * times than limit(type) is resumed (it stays running, attempts+1); the others
 * (limit 0 = not resumable) fail with a reason. Returns rows touched, or -1. */
int store_jobs_recover(int (*limit)(const char *type));
/* Undoes the attempt count of a running job the worker let go of at a clean
 * shutdown, so that resuming it at the next start is not counted as a retry. */
st_result store_jobs_release(const char *id);
#endif
