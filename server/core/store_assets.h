/* store_assets.h — images in datasets; bytes live in blobs (content-addressed). */
#ifndef VS_STORE_ASSETS_H
#define VS_STORE_ASSETS_H
#include <stdint.h>
#include "store.h"

typedef struct {
    char id[37];
    char workspace_id[37];
    char dataset_id[37];     /* "" = workspace-level (Ximilar training images) */
    char directory[512];
    char filename[256];
    char blob_sha256[65];
    char mime[64];
    int width, height;
    int64_t size;
    char status[16];
    char split[16];          /* "" = none */
    int64_t created_at, updated_at;
} asset_row;

/* Inserts a (id generated when a->id is empty; timestamps set). The blob must
 * exist. ST_CONFLICT on a duplicate (dataset, directory, filename). Joins the
 * caller's transaction. */
st_result store_assets_create(asset_row *a);
st_result store_assets_get(const char *workspace_id, const char *id, asset_row *out);
/* In creation order; dataset_id NULL = the whole workspace. */
st_result store_assets_list(const char *workspace_id, const char *dataset_id, void (*cb)(const asset_row *, void *),
                            void *arg);
/* Points an asset at new bytes (the blob must exist) with their type and size;
 * for assets created before their image was known (Labelbox row data at an
 * outside URL). Joins the caller's transaction. */
st_result store_assets_set_content(const char *workspace_id, const char *id, const char *blob_sha256,
                                   const char *mime, int width, int height, int64_t size);
#endif
