/* store_datasets.h — datasets, shared by every dialect's view. */
#ifndef VS_STORE_DATASETS_H
#define VS_STORE_DATASETS_H
#include <stdint.h>
#include "store.h"

typedef struct {
    char id[37];
    char workspace_id[37];
    char name[256];
    char type[32];
    char *description;   /* owned */
    char *attrs;         /* owned, JSON object text */
    int64_t created_at, updated_at;
    int64_t asset_count, annotation_count;
} dataset_row;

void dataset_row_free(dataset_row *d);
/* fixed_id may be NULL (a UUID is generated). ST_CONFLICT on a duplicate name or
 * id. Joins the caller's transaction. */
st_result store_datasets_create(const char *workspace_id, const char *fixed_id, const char *name, const char *type,
                                const char *description, const char *attrs_json, dataset_row *out);
st_result store_datasets_get(const char *workspace_id, const char *id, dataset_row *out);
st_result store_datasets_get_by_name(const char *workspace_id, const char *name, dataset_row *out);
/* In creation order. */
st_result store_datasets_list(const char *workspace_id, void (*cb)(const dataset_row *, void *), void *arg);
/* Removes the dataset with its assets and annotations, atomically. */
st_result store_datasets_delete(const char *workspace_id, const char *id);
#endif
