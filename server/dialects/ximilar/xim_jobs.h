/* xim_jobs.h — the Ximilar dialect's durable job types (registered in
 * server/job_types.c) and the training duration they wait for. Steps run on
 * the worker thread. */
#ifndef VS_XIM_JOBS_H
#define VS_XIM_JOBS_H
#include <stdint.h>
#include "worker.h"

#define XIM_JOB_VLM_TRAIN "ximilar.vlm.train"
#define XIM_JOB_RECOGNITION_TRAIN "ximilar.recognition.train"

/* VLM training: memorise the task's complete non-test samples, wait, publish. */
step_outcome xim_train_step(job_ctx *ctx);
/* Recognition training: memorise the task's labelled images, wait, publish. */
step_outcome xim_rtrain_step(job_ctx *ctx);
/* Virtual milliseconds a training takes: VISIONSTACK_XIMILAR_TRAINING_MS, else
 * 2000. */
int64_t xim_jobs_training_ms(void);
#endif
