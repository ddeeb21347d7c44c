/* store_lb_tasks.h — Labelbox server-side tasks (data-row upserts, batch fills)
 * and the rows a data-row task could not create. */
#ifndef VS_STORE_LB_TASKS_H
#define VS_STORE_LB_TASKS_H
#include <stdint.h>
#include "core/store.h"

#define LB_ID_LEN 26 /* "c" + 24 hex digits + NUL */

typedef struct {
    char id[LB_ID_LEN];
    char workspace_id[37];
    char name[64];
    char type[48];
    char status[16];          /* IN_PROGRESS | COMPLETE | FAILED */
    char *manifest_url;       /* owned */
    int chunks_done;
    double progress;          /* 0..1 */
    char *result;             /* owned JSON text or NULL */
    char *errors;             /* owned JSON text or NULL */
    int64_t created_at, updated_at;
} lb_task_row;

void lb_task_row_free(lb_task_row *t);
/* Inserts t (id, timestamps set here; status IN_PROGRESS unless set). Joins the
 * caller's transaction. */
st_result store_lb_tasks_create(lb_task_row *t);
/* workspace_id NULL = any (the worker). Fills an owned row. */
st_result store_lb_tasks_get(const char *workspace_id, const char *id, lb_task_row *out);
/* Records the manifest position reached; joins the caller's transaction. */
st_result store_lb_tasks_advance(const char *id, int chunks_done, double progress);
/* Ends the task (COMPLETE or FAILED) with optional JSON result and errors. Joins
 * the caller's transaction. */
st_result store_lb_tasks_finish(const char *id, const char *status, const char *result_json, const char *errors_json);
/* *count = unfinished tasks of the workspace. */
st_result store_lb_tasks_in_progress(const char *workspace_id, int64_t *count);

/* Appends a failed row (next seq) to a task; joins the caller's transaction. */
st_result store_lb_task_failures_add(const char *task_id, const char *workspace_id, const char *message,
                                     const char *spec_json);
/* A page of failures in input order; *total counts all of them. Strings passed
 * to cb are valid during the call only. */
st_result store_lb_task_failures_page(const char *workspace_id, const char *task_id, int64_t offset, int64_t limit,
                                      void (*cb)(const char *message, const char *spec_json, void *), void *arg,
                                      int64_t *total);
#endif
