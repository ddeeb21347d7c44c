/* store_xim_rtasks.h — recognition tasks, their labels, their trained model
 * versions and what each version memorised. Scoped by workspace; returned JSON
 * owned by the caller. Any thread (the training steps run on the worker). */
#ifndef VS_STORE_XIM_RTASKS_H
#define VS_STORE_XIM_RTASKS_H
#include <jansson.h>
#include <stdint.h>
#include "core/store.h"

typedef struct {
    int set_name, set_type, set_description;
    const char *name, *type, *description;
} xim_rtask_fields;

st_result store_xim_rtasks_create(const char *ws, const xim_rtask_fields *f, char id_out[37]);
/* {id, name, type, description, production_version, last_train_status,
 *  last_train_error, workspace, created_at} */
st_result store_xim_rtasks_get(const char *ws, const char *id, json_t **out);
st_result store_xim_rtasks_count(const char *ws, const char *search, int64_t *n);
st_result store_xim_rtasks_list(const char *ws, const char *search, int64_t limit, int64_t offset, json_t **out);
st_result store_xim_rtasks_update(const char *ws, const char *id, const xim_rtask_fields *f);
st_result store_xim_rtasks_delete(const char *ws, const char *id);
/* ST_NOT_FOUND when task or label is not in ws. */
st_result store_xim_rtasks_add_label(const char *ws, const char *task, const char *label);
st_result store_xim_rtasks_remove_label(const char *ws, const char *task, const char *label);
/* [{id, name, type, output_name}] in the order they were added. */
st_result store_xim_rtasks_labels(const char *ws, const char *task, json_t **out);
/* Images carrying at least one of the task's labels. */
st_result store_xim_rtasks_labelled_images(const char *ws, const char *task, int64_t *n);

/* Queues a training: a new model version (IN_QUEUE) and its job, atomically.
 * ST_CONFLICT while another training of the task is unfinished. */
st_result store_xim_rtasks_enqueue(const char *ws, const char *task, const char *job_type, char model_out[37],
                                   int64_t *version);
/* Worker: snapshot the labelled images into the model's memory and mark it
 * TRAINING (idempotent). *images = memorised images. */
st_result store_xim_rmodels_begin(const char *model, int64_t now, int64_t *images);
/* Worker: TRAINED (the task's production_version moves to it) or FAILED. */
st_result store_xim_rmodels_finish(const char *model, int ok, const char *error, int64_t now);
/* {id, task, task_name, version, train_status, images_count, error, workspace,
 *  created_at, started_at, finished_at}; by id alone when ws is NULL (worker). */
st_result store_xim_rmodels_get(const char *ws, const char *id, json_t **out);
st_result store_xim_rmodels_state(const char *model, char state_out[16]);
st_result store_xim_rmodels_count(const char *ws, const char *task, int64_t *n);
st_result store_xim_rmodels_list(const char *ws, const char *task, int64_t limit, int64_t offset, json_t **out);
/* The TRAINED model of a task: version > 0 that version, else the production
 * version, else the latest trained. */
st_result store_xim_rmodels_pick(const char *ws, const char *task, int64_t version, json_t **out);
/* [{image_id, phash, labels:[{id,name}]}] */
st_result store_xim_rmodels_memory(const char *ws, const char *model, json_t **out);
#endif
