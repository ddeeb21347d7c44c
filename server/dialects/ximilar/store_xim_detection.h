/* store_xim_detection.h — detection labels and detection objects (pixel boxes
 * on training images, each with a never-expiring crop download). Scoped by
 * workspace; returned JSON owned by the caller. Any thread. */
#ifndef VS_STORE_XIM_DETECTION_H
#define VS_STORE_XIM_DETECTION_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/store.h"

typedef struct {
    int set_name, set_description, set_color, set_output_name;
    const char *name, *description, *color, *output_name;
} xim_dlabel_fields;

st_result store_xim_dlabels_create(const char *ws, const xim_dlabel_fields *f, char id_out[37]);
/* {id, name, description, color, output_name, workspace, created_at} */
st_result store_xim_dlabels_get(const char *ws, const char *id, json_t **out);
st_result store_xim_dlabels_count(const char *ws, const char *search, int64_t *n);
st_result store_xim_dlabels_list(const char *ws, const char *search, int64_t limit, int64_t offset, json_t **out);
st_result store_xim_dlabels_update(const char *ws, const char *id, const xim_dlabel_fields *f);
st_result store_xim_dlabels_delete(const char *ws, const char *id);

typedef struct {
    const char *label_id, *image_id;
    int box[4];                /* xmin, ymin, xmax, ymax */
    int set_meta;              /* updates only: meta_data given */
    const json_t *meta_data;   /* object or NULL (JSON null) */
    const void *crop_png;      /* NULL on update = keep the crop */
    size_t crop_len;
} xim_dobject_fields;

/* ST_NOT_FOUND when the label or image is not in ws. */
st_result store_xim_dobjects_create(const char *ws, const xim_dobject_fields *f, char id_out[37]);
/* Flat row: {id, workspace, created_at, xmin, ymin, xmax, ymax, meta_data,
 *  crop_token, label_id, label_name, label_color, label_description,
 *  label_output_name, image_id, img_token, thumb_token, filename, img_width,
 *  img_height} */
st_result store_xim_dobjects_get(const char *ws, const char *id, json_t **out);
st_result store_xim_dobjects_count(const char *ws, const char *image, const char *label, int64_t *n);
st_result store_xim_dobjects_list(const char *ws, const char *image, const char *label, int64_t limit,
                                  int64_t offset, json_t **out);
/* All fields of f are the new state (label, image, box); a new crop replaces
 * the old download when given. */
st_result store_xim_dobjects_update(const char *ws, const char *id, const xim_dobject_fields *f);
st_result store_xim_dobjects_delete(const char *ws, const char *id);
#endif
