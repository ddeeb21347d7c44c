/* store_vi_runs.h — Vi training runs (schema/0006_vi_runs.sql): the Run
 * resource's own columns; the model the run trains lives in core
 * (core/store_models.h) under the same id. Scoped by workspace_id: another
 * workspace's run is not found. Any thread.
 */
#ifndef VS_STORE_VI_RUNS_H
#define VS_STORE_VI_RUNS_H
#include <stdint.h>
#include "core/store.h"

typedef struct {
    char id[37];
    char workspace_id[37];
    char dataset_id[37];
    char output_id[37];
    char *flow;               /* FlowSpec JSON, owned */
    char *training_project;   /* owned or NULL */
    char *attributes;         /* JSON object text, owned */
    char trained[12];         /* Waiting | Reached | FailedReach */
    int64_t trained_at;       /* 0 while Waiting */
    char *message;            /* owned or NULL */
    char *log;                /* owned */
    char archive_sha256[65];  /* "" until trained */
    int64_t archive_bytes;
    char token[49];           /* current download transfer, "" = none */
    int64_t token_expires;
    int64_t generation, created_at, updated_at;
} vi_run_row;

void vi_run_row_free(vi_run_row *r);
/* Inserts r (Waiting); joins the caller's transaction. */
st_result store_vi_runs_create(const vi_run_row *r);
st_result store_vi_runs_get(const char *workspace_id, const char *id, vi_run_row *out);
/* A page in creation order: at most limit rows from offset; *more is set when
 * rows remain after it. */
st_result store_vi_runs_list(const char *workspace_id, int64_t offset, int64_t limit,
                             void (*cb)(const vi_run_row *, void *), void *arg, int *more);
/* Removes the run (the caller removes its model in the same transaction). */
st_result store_vi_runs_delete(const char *workspace_id, const char *id);
/* Replaces the training log (progress), generation + 1. */
st_result store_vi_runs_log(const char *id, const char *log, int64_t now);
/* Terminal state: Reached with the archive, or FailedReach with a message.
 * Only from Waiting (ST_CONFLICT otherwise). Joins the caller's transaction. */
st_result store_vi_runs_finish(const char *id, const char *trained, const char *message, const char *log,
                               const char *archive_sha256, int64_t archive_bytes, int64_t now);
/* Records the archive's current download transfer. Joins the caller's
 * transaction. */
st_result store_vi_runs_set_token(const char *id, const char *token, int64_t expires);
#endif
