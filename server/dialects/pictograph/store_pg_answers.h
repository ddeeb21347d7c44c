/* store_pg_answers.h — exact prompt answers registered through the control
 * plane for (image, prompt kind, text prompt); they win over computed results.
 * Rows go away with their image. Any thread.
 */
#ifndef VS_STORE_PG_ANSWERS_H
#define VS_STORE_PG_ANSWERS_H
#include <stdint.h>
#include "core/store.h"

typedef struct {
    const char *asset_id, *kind, *text, *response; /* valid during the callback only */
    int64_t created_at;
} pg_answer_row;

/* Inserts or replaces. */
st_result store_pg_answers_put(const char *workspace_id, const char *asset_id, const char *kind, const char *text,
                               const char *response_json, int64_t now);
/* The response JSON (malloc'd, caller frees) or ST_NOT_FOUND. */
st_result store_pg_answers_get(const char *workspace_id, const char *asset_id, const char *kind, const char *text,
                               char **response_json);
st_result store_pg_answers_list(const char *workspace_id, void (*cb)(const pg_answer_row *, void *), void *arg);
st_result store_pg_answers_clear(const char *workspace_id, int64_t *removed);
#endif
