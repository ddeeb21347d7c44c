/* store_vi_core.h — the Vi dialect's own queries over the core tables
 * (annotations with their attrs, assets with their attrs, per-dataset label
 * statistics, bulk import inserts). Everything is scoped by workspace_id; an id
 * of another workspace is simply not found. Strings handed to callbacks are valid
 * only during the call. Any thread.
 */
#ifndef VS_STORE_VI_CORE_H
#define VS_STORE_VI_CORE_H
#include <stdint.h>
#include "core/store.h"
#include "core/store_assets.h"

typedef struct {
    const char *id;
    const char *asset_id;
    const char *kind;
    const char *label;
    const char *geometry;  /* JSON, pixels */
    const char *text;      /* or NULL */
    const char *attrs;     /* JSON object text */
    int64_t created_at, updated_at;
} vi_ann_row;

/* One asset's annotations in creation order. */
st_result store_vi_annotations_by_asset(const char *workspace_id, const char *asset_id,
                                        void (*cb)(const vi_ann_row *, void *), void *arg);
/* Deletes one annotation of an asset; ST_NOT_FOUND when there is none. */
st_result store_vi_annotations_delete(const char *workspace_id, const char *asset_id, const char *id);
/* The line ("whole") of an annotation is attrs vi.whole, else the asset id (rows
 * written by other dialects form one whole per asset). has_whole: ST_OK when the
 * asset has a Vi-visible annotation of that whole, else ST_NOT_FOUND.
 * delete_whole removes them; it joins the caller's transaction. */
st_result store_vi_annotations_has_whole(const char *workspace_id, const char *asset_id, const char *whole);
st_result store_vi_annotations_delete_whole(const char *workspace_id, const char *asset_id, const char *whole);
/* Deletes every annotation of an asset. Joins the caller's transaction. */
st_result store_vi_annotations_delete_asset(const char *workspace_id, const char *asset_id);

/* Bulk insert used by the import worker (inside its transaction). Geometry,
 * text and attrs are JSON/text; id must be unique. */
typedef struct {
    const char *id, *workspace_id, *dataset_id, *asset_id, *kind, *label, *geometry, *text, *attrs;
    int64_t now;
} vi_ann_insert;
st_result store_vi_annotations_insert(const vi_ann_insert *a);

/* Foreign-key enforcement on this thread's connection, outside a transaction
 * only (SQLite ignores the pragma inside one). The import worker turns it off
 * for its bulk insert after checking, inside the same write transaction, that
 * the workspace, dataset and every referenced asset exist. */
st_result store_vi_foreign_keys(int on);

/* Explicit line ids already imported into a dataset (overwrite detection).
 * get: ST_NOT_FOUND when unknown, else the asset into asset_out[37]. */
st_result store_vi_wholes_get(const char *workspace_id, const char *dataset_id, const char *whole, char asset_out[37]);
st_result store_vi_wholes_put(const char *workspace_id, const char *dataset_id, const char *whole, const char *asset_id);

/* Labels of the dataset's shaped annotations (bbox, polygon, polyline, mask)
 * with their counts, in order of first appearance. */
st_result store_vi_dataset_labels(const char *workspace_id, const char *dataset_id,
                                  void (*cb)(const char *label, int64_t count, void *), void *arg);
/* Number of the dataset's assets that carry at least one annotation. */
st_result store_vi_dataset_annotated(const char *workspace_id, const char *dataset_id, int64_t *out);

/* An asset with the extras Vi shows. */
typedef struct {
    asset_row a;
    const char *attrs;          /* JSON object text */
    int64_t annotations;        /* count */
} vi_asset_row;
/* Assets of a dataset in creation order. */
st_result store_vi_assets_list(const char *workspace_id, const char *dataset_id,
                               void (*cb)(const vi_asset_row *, void *), void *arg);
/* One asset of a dataset; ST_NOT_FOUND for another dataset's asset. attrs_out
 * (malloc'd, caller frees) may be NULL. */
st_result store_vi_assets_get(const char *workspace_id, const char *dataset_id, const char *id, asset_row *out,
                              char **attrs_out);
/* By file name in the dataset root. */
st_result store_vi_assets_find(const char *workspace_id, const char *dataset_id, const char *filename,
                               asset_row *out);
/* Removes an asset of the dataset (annotations cascade). ST_NOT_FOUND if none. */
st_result store_vi_assets_delete(const char *workspace_id, const char *dataset_id, const char *id);
/* New bytes for an existing asset; joins the caller's transaction. */
st_result store_vi_assets_replace(const asset_row *a);
/* Sets the asset's attrs JSON; joins the caller's transaction. */
st_result store_vi_assets_set_attrs(const char *workspace_id, const char *id, const char *attrs_json);
/* Per-label annotation counts of one asset. */
st_result store_vi_asset_label_counts(const char *workspace_id, const char *asset_id,
                                      void (*cb)(const char *label, int64_t count, void *), void *arg);
#endif
