/* store_pg_batches.h — the record behind each auto-annotate batch job.
 *
 * The job row (core jobs table, type "pictograph.batch") carries the state;
 * this row carries what to do and how far it got. next_index moves only by a
 * compare-and-set in the same transaction that writes an image's results, so
 * a step re-run after a crash never processes an image twice. Any thread.
 */
#ifndef VS_STORE_PG_BATCHES_H
#define VS_STORE_PG_BATCHES_H
#include <stdint.h>
#include "core/store.h"

typedef struct {
    char job_id[37];
    char workspace_id[37];
    char dataset_id[37];
    char *images;            /* owned: JSON array of asset ids */
    char *classes;           /* owned: JSON array of {name, output_type} */
    double confidence;
    int top_k;
    int sahi_slice;          /* 0 = no SAHI */
    int64_t per_image_ms, started_at, estimated;
    int64_t next_index, processed, failed, annotations_added, charged;
    int64_t created_at;
} pg_batch_row;

void pg_batch_row_free(pg_batch_row *b);
/* Joins the caller's transaction. */
st_result store_pg_batches_create(const pg_batch_row *b);
/* workspace_id NULL = any workspace (the worker). */
st_result store_pg_batches_get(const char *job_id, const char *workspace_id, pg_batch_row *out);
/* Image `index` is finished: next_index index -> index+1 and the counters
 * added; ST_CONFLICT when next_index is not `index`. Joins the caller's
 * transaction. */
st_result store_pg_batches_advance(const char *job_id, int64_t index, int ok, int64_t annotations, int64_t charged);
#endif
