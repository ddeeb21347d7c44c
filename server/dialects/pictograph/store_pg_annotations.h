/* store_pg_annotations.h — the annotations Pictograph shows (kinds bbox,
 * polygon, polyline, point) of one image, with their attrs, which hold the
 * Pictograph-only fields under "pictograph". Scoped by workspace_id. Strings
 * passed to callbacks are valid only during the call. Any thread.
 */
#ifndef VS_STORE_PG_ANNOTATIONS_H
#define VS_STORE_PG_ANNOTATIONS_H
#include <stdint.h>
#include "core/store.h"

typedef struct {
    const char *id, *kind, *label, *geometry, *attrs;
    int has_confidence;
    double confidence;
} pg_ann_row;

typedef struct {
    const char *workspace_id, *dataset_id, *asset_id;
    const char *kind, *label, *geometry, *attrs, *source;
    int has_confidence;
    double confidence;
} pg_ann_insert;

/* Creation order. */
st_result store_pg_annotations_list(const char *workspace_id, const char *asset_id,
                                    void (*cb)(const pg_ann_row *, void *), void *arg);
/* Removes the image's visible annotations; *removed = how many. Joins the
 * caller's transaction. */
st_result store_pg_annotations_clear(const char *workspace_id, const char *asset_id, int64_t *removed);
/* Inserts one (id generated). Joins the caller's transaction. */
st_result store_pg_annotations_insert(const pg_ann_insert *a, int64_t now);
#endif
