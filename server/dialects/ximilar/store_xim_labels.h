/* store_xim_labels.h — recognition labels (category/tag) of a workspace.
 * Scoped by workspace; returned JSON owned by the caller. Any thread. */
#ifndef VS_STORE_XIM_LABELS_H
#define VS_STORE_XIM_LABELS_H
#include <jansson.h>
#include <stdint.h>
#include "core/store.h"

typedef struct {
    int set_name, set_type, set_description, set_output_name;
    const char *name, *type, *description, *output_name;
} xim_label_fields;

st_result store_xim_labels_create(const char *ws, const xim_label_fields *f, char id_out[37]);
/* {id, name, type, description, output_name, workspace, images_count, created_at} */
st_result store_xim_labels_get(const char *ws, const char *id, json_t **out);
st_result store_xim_labels_count(const char *ws, const char *search, const char *type, const char *task,
                                 int64_t *n);
st_result store_xim_labels_list(const char *ws, const char *search, const char *type, const char *task,
                                int64_t limit, int64_t offset, json_t **out);
st_result store_xim_labels_update(const char *ws, const char *id, const xim_label_fields *f);
st_result store_xim_labels_delete(const char *ws, const char *id);
#endif
