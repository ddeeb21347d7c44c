/* store_xim_prompts.h — VLM prompts (system / user / template), referenced by
 * id from tasks and datasets; deleting one nulls every reference (foreign keys
 * ON DELETE SET NULL). Scoped by workspace; JSON owned by the caller. Any
 * thread. */
#ifndef VS_STORE_XIM_PROMPTS_H
#define VS_STORE_XIM_PROMPTS_H
#include <jansson.h>
#include <stdint.h>
#include "core/store.h"

typedef struct {
    int set_name, set_description, set_content, set_format;
    const char *name, *type, *description, *content, *format;
} xim_prompt_fields;

st_result store_xim_prompts_create(const char *ws, const xim_prompt_fields *f, char id_out[37]);
/* {id, name, description, content, type, format, workspace, created_at, updated_at} */
st_result store_xim_prompts_get(const char *ws, const char *id, json_t **out);
/* The prompt's type into type_out[16]; ST_NOT_FOUND when not in ws. */
st_result store_xim_prompts_type(const char *ws, const char *id, char type_out[16]);
st_result store_xim_prompts_count(const char *ws, const char *search, const char *type, int64_t *n);
st_result store_xim_prompts_list(const char *ws, const char *search, const char *type, int64_t limit,
                                 int64_t offset, json_t **out);
st_result store_xim_prompts_update(const char *ws, const char *id, const xim_prompt_fields *f);
st_result store_xim_prompts_delete(const char *ws, const char *id);
#endif
