/* store_xim_vlm_models.h — trained versions of VLM tasks: queueing a training
 * (model row + durable job), the worker's state moves, the memorised
 * (image hash → rendered output) pairs and the downloadable archive. Scoped by
 * workspace where a request asks; the worker addresses models by id. JSON owned
 * by the caller. Any thread. */
#ifndef VS_STORE_XIM_VLM_MODELS_H
#define VS_STORE_XIM_VLM_MODELS_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/store.h"

/* A new version (IN_QUEUE), its job and the task's status, atomically.
 * ST_CONFLICT while another training of the task is unfinished. */
st_result store_xim_vlm_models_enqueue(const char *ws, const char *task, const char *job_type, char model_out[37],
                                       int64_t *version);
/* {id, task, task_name, version, train_status, training_samples, test_samples,
 *  skipped_samples, error, spec, archive_token, created_at, started_at,
 *  finished_at, workspace} — by id alone when ws is NULL (worker). */
st_result store_xim_vlm_models_get(const char *ws, const char *id, json_t **out);
st_result store_xim_vlm_models_count(const char *ws, const char *task, int64_t *n);
st_result store_xim_vlm_models_list(const char *ws, const char *task, int64_t limit, int64_t offset, json_t **out);
/* The TRAINED version of a task: version > 0 exactly that one, else the
 * production version, else the latest trained. */
st_result store_xim_vlm_models_pick(const char *ws, const char *task, int64_t version, json_t **out);
/* Worker: records what the version learned (memory rows: [{sample_id,
 * dataset_id, image_id, phash, output, format}]) and moves it to TRAINING.
 * Idempotent; ST_CONFLICT when the model is no longer queued or training. */
st_result store_xim_vlm_models_begin(const char *model, const json_t *spec, const json_t *memory, int64_t training,
                                     int64_t test, int64_t skipped, int64_t now);
/* Worker: FAILED with a reason (the task's versions stay as they were). */
st_result store_xim_vlm_models_fail(const char *model, const char *error, int64_t now);
/* Worker: TRAINED with its archive; the task's last_version, training_time
 * (seconds from train/ to now) and (auto_deploy) production_version follow. */
st_result store_xim_vlm_models_finish(const char *model, const void *zip, size_t zip_len, const char *zip_name,
                                      int64_t now);
/* [{sample_id, dataset_id, image_id, phash, output, format}] */
st_result store_xim_vlm_models_memory(const char *ws, const char *model, json_t **out);
#endif
