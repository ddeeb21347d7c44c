/* store_pg_datasets.h — the Pictograph view of core datasets: paging, image
 * figures, and the class list kept in the dataset's attrs (pictograph_classes).
 * Scoped by workspace_id. Any thread.
 */
#ifndef VS_STORE_PG_DATASETS_H
#define VS_STORE_PG_DATASETS_H
#include <stdint.h>
#include "core/store.h"
#include "core/store_datasets.h"

typedef struct {
    int64_t image_count;      /* not archived */
    int64_t completed;        /* not archived, status 'complete' */
    int64_t archived;
    int64_t total_size;       /* bytes of the images not archived */
} pg_dataset_stats;

st_result store_pg_datasets_stats(const char *workspace_id, const char *dataset_id, pg_dataset_stats *out);
/* In creation order; *total counts all of the workspace's datasets. */
st_result store_pg_datasets_list(const char *workspace_id, int64_t limit, int64_t offset,
                                 void (*cb)(const dataset_row *, void *), void *arg, int64_t *total);
/* Replaces the class list (JSON array text). Joins the caller's transaction. */
st_result store_pg_datasets_set_classes(const char *workspace_id, const char *dataset_id, const char *classes_json,
                                        int64_t now);
#endif
