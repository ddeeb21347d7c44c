/* store_browse.h — read-only lookups for the control plane's console.
 *
 * The console works across workspaces (it is an operator's view), so these
 * calls find a dataset's or an asset's owner from its id alone. They only ever
 * see live workspaces: the rows of a deleted workspace that its purge job has
 * not reached yet are answered as not found, exactly like unknown ids.
 */
#ifndef VS_STORE_BROWSE_H
#define VS_STORE_BROWSE_H
#include <stdint.h>
#include "store.h"
#include "store_annotations.h"
#include "store_assets.h"

typedef struct {
    int64_t datasets;
    int64_t assets;        /* every asset of the workspace */
    int64_t loose_assets;  /* assets in no dataset (workspace-level images) */
    int64_t annotations;
    int64_t jobs_active;   /* queued or running */
} browse_counts;

/* Counts of a live workspace; ST_NOT_FOUND when it is unknown or deleted. */
st_result store_browse_counts(const char *workspace_id, browse_counts *out);
/* The live workspace a dataset belongs to (ws_out[37]). */
st_result store_browse_dataset_owner(const char *dataset_id, char ws_out[37]);
/* The live workspace an asset belongs to (ws_out[37]). */
st_result store_browse_asset_owner(const char *asset_id, char ws_out[37]);

/* One page of assets in creation order: dataset_id NULL = the workspace-level
 * assets (in no dataset). cb gets each asset with its annotation count; *total
 * is the number of assets in the whole listing. The row is valid only during
 * the call. */
st_result store_browse_assets_page(const char *workspace_id, const char *dataset_id, int64_t offset, int limit,
                                   void (*cb)(const asset_row *, int64_t annotations, void *), void *arg,
                                   int64_t *total);
/* The assets just before and after asset_id in its listing (same dataset, or
 * workspace level), "" at either end. */
st_result store_browse_neighbours(const char *workspace_id, const char *asset_id, char prev_out[37],
                                  char next_out[37]);
/* Annotations of one asset in creation order, each with its attrs JSON text.
 * The strings passed to cb are valid only during the call. */
st_result store_browse_annotations(const char *workspace_id, const char *asset_id,
                                   void (*cb)(const annotation_row *, const char *attrs, void *), void *arg);
#endif
