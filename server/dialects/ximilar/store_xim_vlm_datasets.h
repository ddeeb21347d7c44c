/* store_xim_vlm_datasets.h — VLM datasets: prompt references (resolved to text
 * at read time), result format, default input metadata. Scoped by workspace;
 * JSON owned by the caller. Any thread. */
#ifndef VS_STORE_XIM_VLM_DATASETS_H
#define VS_STORE_XIM_VLM_DATASETS_H
#include <jansson.h>
#include <stdint.h>
#include "core/store.h"

typedef struct {
    int set_name, set_description, set_format, set_system, set_user, set_template, set_defaults, set_meta;
    const char *name, *description, *format, *system_prompt_id, *user_prompt_id, *result_template_id;
    const json_t *default_input_meta_data, *meta_data;
} xim_vlm_dataset_fields;

st_result store_xim_vlm_datasets_create(const char *ws, const xim_vlm_dataset_fields *f, char id_out[37]);
/* {id, name, description, created_at, updated_at, format, template_format,
 *  system_prompt_id, user_prompt_id, result_template_id, system_prompt,
 *  user_prompt, result_template, default_input_meta_data, meta_data,
 *  samples_count, variables_count, workspace} */
st_result store_xim_vlm_datasets_get(const char *ws, const char *id, json_t **out);
st_result store_xim_vlm_datasets_count(const char *ws, const char *search, int64_t *n);
st_result store_xim_vlm_datasets_list(const char *ws, const char *search, int64_t limit, int64_t offset,
                                      json_t **out);
st_result store_xim_vlm_datasets_update(const char *ws, const char *id, const xim_vlm_dataset_fields *f);
st_result store_xim_vlm_datasets_delete(const char *ws, const char *id);
#endif
