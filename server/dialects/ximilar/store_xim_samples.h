/* store_xim_samples.h — VLM samples: their images (ordered, with text and
 * resize settings), detection objects (at most XIM_SAMPLE_MAX_OBJECTS), test
 * flag, input metadata and annotated variable values. Scoped by workspace; JSON
 * owned by the caller. Any thread. */
#ifndef VS_STORE_XIM_SAMPLES_H
#define VS_STORE_XIM_SAMPLES_H
#include <jansson.h>
#include <stdint.h>
#include "core/store.h"

#define XIM_SAMPLE_MAX_OBJECTS 10

typedef struct {
    int set_name, set_description, set_test, set_type, set_template, set_prompt, set_input, set_meta;
    const char *dataset, *name, *description, *type, *result_template, *user_prompt;
    int test;
    const json_t *input_meta_data, *meta_data;
} xim_sample_fields;

/* ST_NOT_FOUND when the dataset is not in ws. */
st_result store_xim_samples_create(const char *ws, const xim_sample_fields *f, char id_out[37]);
/* {id, dataset, dataset_name, test, name, description, type, created_at,
 *  result_template, user_prompt, own_result_template, own_user_prompt,
 *  result_format, input_meta_data, meta_data, objects_count, workspace}.
 * (images_count and variables_count are the sizes of store_xim_samples_images
 * and store_xim_samples_values, which every reader fetches anyway.) */
st_result store_xim_samples_get(const char *ws, const char *id, json_t **out);
/* test: -1 = any. */
st_result store_xim_samples_count(const char *ws, const char *dataset, int test, const char *search, int64_t *n);
st_result store_xim_samples_list(const char *ws, const char *dataset, int test, const char *search, int64_t limit,
                                 int64_t offset, json_t **out);
/* input_meta_data, when set, replaces the whole object (see merge_input). */
st_result store_xim_samples_update(const char *ws, const char *id, const xim_sample_fields *f);
/* Shallow merge of patch into input_meta_data, atomically. */
st_result store_xim_samples_merge_input(const char *ws, const char *id, const json_t *patch);
st_result store_xim_samples_delete(const char *ws, const char *id);

/* items: [{image_id, text?, order?, resize?, meta_data?}]. Images already on the
 * sample are updated in place. ST_NOT_FOUND (missing set) when the sample or an
 * image is not in ws. */
st_result store_xim_samples_add_images(const char *ws, const char *id, const json_t *items, int64_t *added,
                                       char missing[37]);
st_result store_xim_samples_remove_images(const char *ws, const char *id, const json_t *image_ids, int64_t *removed);
/* [{id, image_id, text, order, resize, meta_data, workspace, img_token,
 *   thumb_token, filename, phash}] in order. */
st_result store_xim_samples_images(const char *ws, const char *id, json_t **out);
/* items: [{object_id, text?, order?, meta_data?}]. ST_INVALID when the sample
 * would hold more than XIM_SAMPLE_MAX_OBJECTS objects; ST_NOT_FOUND (missing
 * set) for an unknown sample or object. */
st_result store_xim_samples_add_objects(const char *ws, const char *id, const json_t *items, int64_t *added,
                                        char missing[37]);
st_result store_xim_samples_remove_objects(const char *ws, const char *id, const json_t *object_ids,
                                           int64_t *removed);
/* [{id, detection_object_id, image_id, img_token, crop_token, filename,
 *   label_name, label_color, xmin, ymin, xmax, ymax, text, order, meta_data,
 *   workspace}] in order. */
st_result store_xim_samples_objects(const char *ws, const char *id, json_t **out);
/* The images / values of several samples at once (ids: array of sample ids),
 * each row with its "sample_id"; same order as the single-sample calls. */
st_result store_xim_samples_images_of(const char *ws, const json_t *ids, json_t **out);
st_result store_xim_samples_values_of(const char *ws, const json_t *ids, json_t **out);
/* Sets (value != NULL) or clears a value. ST_NOT_FOUND when the variable does
 * not belong to the sample's dataset. */
st_result store_xim_samples_set_value(const char *ws, const char *id, const char *variable, const json_t *value);
/* [{variable_id, name, value}] */
st_result store_xim_samples_values(const char *ws, const char *id, json_t **out);
#endif
