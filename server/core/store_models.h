/* store_models.h — trained models and their memory (schema/0006_vi_runs.sql),
 * dialect-neutral: a Vi run trains one, the /v1 surface and Vi's predictions
 * answer with it. A model of a deleted workspace is never found. Strings handed
 * to callbacks are valid only during the call. Any thread.
 */
#ifndef VS_STORE_MODELS_H
#define VS_STORE_MODELS_H
#include <stdint.h>
#include "store.h"

typedef struct {
    char id[37];
    char workspace_id[37];
    char task[20];            /* generic | vqa | phrase-grounding */
    char *system_prompt;      /* owned */
    char dataset_id[37];
    char state[12];           /* training | ready | failed */
    int64_t items;
    int64_t created_at, updated_at;
} model_row;

void model_row_free(model_row *m);
/* Inserts m (state training). Joins the caller's transaction. ST_CONFLICT on a
 * taken id. */
st_result store_models_create(const model_row *m);
/* workspace_id NULL = any live workspace (the /v1 surface without a key). */
st_result store_models_get(const char *workspace_id, const char *id, model_row *out);
/* Ready models in creation order; workspace_id NULL = every live workspace. */
st_result store_models_list_ready(const char *workspace_id, void (*cb)(const model_row *, void *), void *arg);
/* Moves a model to state with its item count. Joins the caller's transaction. */
st_result store_models_set_state(const char *id, const char *state, int64_t items, int64_t now);
/* Removes a model and its memory. Joins the caller's transaction. */
st_result store_models_delete(const char *workspace_id, const char *id);

/* One memorised image; written again (replaced) when training resumes. Joins
 * the caller's transaction. */
st_result store_models_memory_put(const char *model_id, const char *workspace_id, const char *asset_id,
                                  int64_t position, const char *filename, const char *signature,
                                  const char *memory_json);
st_result store_models_memory_count(const char *model_id, int64_t *out);

typedef struct {
    const char *asset_id;
    int64_t position;
    const char *filename;
    const char *signature;
    const char *memory;       /* NULL in store_models_memory_scan */
} model_memory_row;

/* Every memorised image's signature, in position order (memory left NULL). */
st_result store_models_memory_scan(const char *model_id, void (*cb)(const model_memory_row *, void *), void *arg);
/* Every memorised image with its memory, in position order. */
st_result store_models_memory_list(const char *model_id, void (*cb)(const model_memory_row *, void *), void *arg);
/* One image's memory, malloc'd into *memory_json (caller frees). */
st_result store_models_memory_get(const char *model_id, const char *asset_id, char **memory_json);
#endif
