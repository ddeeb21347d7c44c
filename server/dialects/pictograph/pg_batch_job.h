/* pg_batch_job.h — the "pictograph.batch" durable job type and the batch
 * pricing shared with the kickoff and quote handlers.
 *
 * Image i of a batch is due at started_at + (i+1) x per_image_ms on the virtual
 * clock; a step processes at most one image, so a cancel lands between images.
 * A step detects each class with the text engine (top_k results at or above the
 * confidence threshold), appends the annotations (or, for "tag" classes, adds
 * the class name to the image's tags), charges the image and advances the
 * batch — all in one transaction that first checks the job is still running.
 * Re-running a step after a crash is harmless: the advance is a
 * compare-and-set. Runs on the worker thread.
 */
#ifndef VS_PG_BATCH_JOB_H
#define VS_PG_BATCH_JOB_H
#include <stdint.h>
#include "worker.h"

#define PG_BATCH_JOB_TYPE "pictograph.batch"

/* SAHI tiles priced for a width x height image at slice px (0 = no SAHI); an
 * image no larger than one slice needs none. Unknown sizes (0) count as
 * 1024 x 1024. */
int64_t pg_batch_tiles(int width, int height, int slice);
/* micro-USD charged for one image of that size. */
int64_t pg_batch_image_price(int width, int height, int slice);

step_outcome pg_batch_step(job_ctx *ctx);
#endif
