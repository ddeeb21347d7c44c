/* store_lb_rows.h — data rows: a core asset plus its Labelbox fields (global
 * key, external id, row data URL). Any core asset of the workspace that belongs
 * to a dataset is a data row; one created through Labelbox also has the fields. */
#ifndef VS_STORE_LB_ROWS_H
#define VS_STORE_LB_ROWS_H
#include <stdint.h>
#include "core/store.h"

#define LB_GLOBAL_KEY_MAX 512

typedef struct {
    char asset_id[37];
    char dataset_id[37];
    char *global_key;    /* NULL when none */
    char *external_id;   /* NULL when none */
    char *row_data;      /* NULL for assets not created through Labelbox */
    char *media_type;
    int width, height;   /* 0 = unknown (an outside URL nobody fetched) */
    char blob_sha256[65];
    char mime[64];
    int64_t created_at, updated_at;
} lb_datarow;

/* Frees the strings of a row filled by a lookup (never of a callback's row, whose
 * strings are borrowed). */
void lb_datarow_free(lb_datarow *r);

/* Records the Labelbox fields of a new asset. ST_CONFLICT when the global key is
 * taken in the workspace. Joins the caller's transaction. */
st_result store_lb_rows_create(const char *workspace_id, const char *asset_id, const char *dataset_id,
                               const char *global_key, const char *external_id, const char *row_data,
                               const char *media_type, const char *task_id);
/* *exists = 1 when the global key is taken in the workspace. */
st_result store_lb_rows_key_taken(const char *workspace_id, const char *global_key, int *exists);
/* By asset id (by_key 0) or global key (by_key 1); fills an owned row. */
st_result store_lb_rows_get(const char *workspace_id, int by_key, const char *value, lb_datarow *out);
/* Rows a task created, in creation order; *total counts them all. */
st_result store_lb_rows_by_task(const char *workspace_id, const char *task_id, int64_t offset, int64_t limit,
                                void (*cb)(const lb_datarow *, void *), void *arg, int64_t *total);
/* Rows of a project (those its batches added), for the import validator. */
st_result store_lb_rows_of_project(const char *workspace_id, const char *project_id,
                                   void (*cb)(const lb_datarow *, void *), void *arg);
#endif
