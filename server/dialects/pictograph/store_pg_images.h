/* store_pg_images.h — the Pictograph view of core assets: a dataset's images
 * with their Pictograph extras (user tags and the archive mark, in the asset's
 * attrs as pictograph_tags / pictograph_archived_at) and the figures computed
 * from their annotations (count and minimum confidence over the kinds
 * Pictograph shows: bbox, polygon, polyline, point). Scoped by workspace_id.
 * Any thread.
 */
#ifndef VS_STORE_PG_IMAGES_H
#define VS_STORE_PG_IMAGES_H
#include <stdint.h>
#include "core/store.h"
#include "core/store_assets.h"

typedef struct {
    asset_row a;
    char *tags;               /* owned JSON array text */
    int64_t archived_at;      /* 0 = not archived */
    int64_t annotation_count;
    int has_min_confidence;
    double min_confidence;
} pg_image;

typedef struct {
    const char *directory;    /* exact directory, or NULL */
    const char *status;       /* or NULL */
    const char *split;        /* or NULL */
    const char *filename;     /* exact file name, or NULL */
    int include_archived;
    int has_min_confidence_lt;
    double min_confidence_lt;
} pg_image_filter;

void pg_image_free(pg_image *im);
st_result store_pg_images_get(const char *workspace_id, const char *id, pg_image *out);
st_result store_pg_images_by_path(const char *workspace_id, const char *dataset_id, const char *directory,
                                  const char *filename, pg_image *out);
/* The image called filename: the one in the root directory, else the earliest. */
st_result store_pg_images_by_name(const char *workspace_id, const char *dataset_id, const char *filename,
                                  pg_image *out);
/* Ids of every image called filename, in creation order. */
st_result store_pg_images_ids_by_name(const char *workspace_id, const char *dataset_id, const char *filename,
                                      void (*cb)(const char *id, void *), void *arg);
/* Newest first; *total counts every match. */
st_result store_pg_images_list(const char *workspace_id, const char *dataset_id, const pg_image_filter *f,
                               int64_t limit, int64_t offset, void (*cb)(const pg_image *, void *), void *arg,
                               int64_t *total);
/* Soft delete (idempotent: the first archive time stays). */
st_result store_pg_images_archive(const char *workspace_id, const char *id, int64_t now);
/* Permanent delete; annotations and sessions go with the row. */
st_result store_pg_images_delete(const char *workspace_id, const char *id);
/* Adds a user tag once. Joins the caller's transaction. */
st_result store_pg_images_add_tag(const char *workspace_id, const char *id, const char *tag, int64_t now);
#endif
