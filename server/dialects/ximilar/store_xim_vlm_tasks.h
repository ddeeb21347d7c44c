/* store_xim_vlm_tasks.h — VLM tasks and their connected datasets. Scoped by
 * workspace; JSON owned by the caller. Any thread. */
#ifndef VS_STORE_XIM_VLM_TASKS_H
#define VS_STORE_XIM_VLM_TASKS_H
#include <jansson.h>
#include <stdint.h>
#include "core/store.h"

typedef struct {
    int set_name, set_description, set_auto_deploy, set_max_tokens, set_params, set_system, set_user, set_production;
    const char *name, *description, *system_prompt_id, *user_prompt_id;
    int auto_deploy;
    int64_t max_tokens, production_version;
    const json_t *training_params;
} xim_vlm_task_fields;

st_result store_xim_vlm_tasks_create(const char *ws, const xim_vlm_task_fields *f, char id_out[37]);
/* {id, name, created_at, description, auto_deploy, production_version,
 *  last_version, max_tokens, training_params, training_time, system_prompt_id,
 *  user_prompt_id, system_prompt, user_prompt, last_train_status,
 *  last_train_error, workspace} */
st_result store_xim_vlm_tasks_get(const char *ws, const char *id, json_t **out);
/* Connected dataset ids, in the order they were added (array of strings). */
st_result store_xim_vlm_tasks_datasets(const char *ws, const char *id, json_t **out);
st_result store_xim_vlm_tasks_count(const char *ws, const char *search, int64_t *n);
st_result store_xim_vlm_tasks_list(const char *ws, const char *search, int64_t limit, int64_t offset, json_t **out);
/* ST_INVALID when production_version names no TRAINED version of the task. */
st_result store_xim_vlm_tasks_update(const char *ws, const char *id, const xim_vlm_task_fields *f);
st_result store_xim_vlm_tasks_delete(const char *ws, const char *id);
/* ST_NOT_FOUND when task or dataset is not in ws; adding twice is a no-op. */
st_result store_xim_vlm_tasks_add_dataset(const char *ws, const char *task, const char *dataset);
/* ST_NOT_FOUND when the dataset is not connected. */
st_result store_xim_vlm_tasks_remove_dataset(const char *ws, const char *task, const char *dataset);
/* Non-test samples with at least one value, over the task's datasets. */
st_result store_xim_vlm_tasks_annotated_samples(const char *ws, const char *task, int64_t *n);
#endif
