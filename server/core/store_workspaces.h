/* store_workspaces.h — tenants and their per-dialect API keys.
 * A deleted workspace disappears at once (keys removed, row marked) and its rows
 * are removed by the durable `workspace.purge` job. */
#ifndef VS_STORE_WORKSPACES_H
#define VS_STORE_WORKSPACES_H
#include <stdint.h>
#include "store.h"

#define VS_ORG_LEN 64
#define VS_KEY_LEN 160

typedef struct {
    char id[37];
    char name[256];
    int64_t created_at;
} ws_row;

typedef struct {
    char vi_secret[VS_KEY_LEN];
    char vi_org[VS_ORG_LEN];
    char pictograph[VS_KEY_LEN];
    char ximilar[VS_KEY_LEN];
    char labelbox[VS_KEY_LEN];
} ws_keys;

/* Creates a workspace and its four keys in one transaction. fixed_id and
 * fixed_keys (fixtures) may be NULL to generate them. ST_CONFLICT when a fixed id
 * or key is taken. */
st_result store_workspaces_create(const char *name, const char *fixed_id, const ws_keys *fixed_keys,
                                  ws_row *out, ws_keys *keys_out);
st_result store_workspaces_get(const char *id, ws_row *out, ws_keys *keys_out);
st_result store_workspaces_list(void (*cb)(const ws_row *, void *), void *arg);
/* Hides the workspace (keys gone, row marked) and queues its purge job, atomically. */
st_result store_workspaces_delete(const char *id, char job_id_out[37]);
/* One bounded purge step for a deleted workspace: removes up to `batch` rows.
 * *remaining is set to 0 when the workspace is fully gone. Idempotent. */
st_result store_workspaces_purge_step(const char *id, int batch, int64_t *removed, int *remaining);
/* Removes every dataset, asset, annotation, transfer and job of a live workspace,
 * keeping the workspace and its keys; one transaction. */
st_result store_workspaces_clear(const char *id);
/* Key → workspace id (and Vi org id); only live workspaces. */
/* Forgets every thread's remembered key lookups; call after committing any change
 * that can take a key away (workspace delete, snapshot or baseline restore). */
void store_keys_forget(void);
st_result store_keys_lookup(const char *dialect, const char *secret, char ws_out[37], char org_out[VS_ORG_LEN]);
#endif
