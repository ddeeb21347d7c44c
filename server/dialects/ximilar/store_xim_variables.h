/* store_xim_variables.h — VLM dataset variables (the output schema). Scoped by
 * workspace; JSON owned by the caller. Any thread. */
#ifndef VS_STORE_XIM_VARIABLES_H
#define VS_STORE_XIM_VARIABLES_H
#include <jansson.h>
#include <stdint.h>
#include "core/store.h"

/* The full state of a variable (create, and update after merging a PATCH). */
typedef struct {
    const char *dataset, *name, *type, *description, *choices;
    int required;
    int has_min, has_max, has_step, has_min_len, has_max_len;
    double min_value, max_value, step_size;
    int64_t min_length, max_length;
    const json_t *default_value; /* NULL = none */
} xim_variable_fields;

/* ST_NOT_FOUND when the dataset is not in ws; ST_CONFLICT on a duplicate name. */
st_result store_xim_variables_create(const char *ws, const xim_variable_fields *f, char id_out[37]);
/* {id, dataset, dataset_name, name, type, required, description, choices,
 *  min_value, max_value, step_size, min_length, max_length, default_value,
 *  workspace, created_at} */
st_result store_xim_variables_get(const char *ws, const char *id, json_t **out);
st_result store_xim_variables_count(const char *ws, const char *dataset, const char *search, int64_t *n);
st_result store_xim_variables_list(const char *ws, const char *dataset, const char *search, int64_t limit,
                                   int64_t offset, json_t **out);
/* Every variable of a dataset, in creation order. */
st_result store_xim_variables_of_dataset(const char *ws, const char *dataset, json_t **out);
/* f->dataset is ignored (not changeable). ST_CONFLICT on a duplicate name. */
st_result store_xim_variables_update(const char *ws, const char *id, const xim_variable_fields *f);
st_result store_xim_variables_delete(const char *ws, const char *id);
#endif
