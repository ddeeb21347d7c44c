/* store_snapshots.h — named copies of the whole store, and the reset baseline.
 * Both use SQLite's online backup API, so a restore replaces the live store in
 * place: no restart, other connections keep working and simply see the new
 * contents (requests in flight wait on the write lock for the copy). */
#ifndef VS_STORE_SNAPSHOTS_H
#define VS_STORE_SNAPSHOTS_H
#include <stdint.h>
#include "store.h"

typedef struct {
    char name[65];
    int64_t created_at;
    int64_t bytes;
} snapshot_info;

/* dir is created if missing; ephemeral = remove its snapshots at shutdown. */
int store_snapshots_init(const char *dir, int ephemeral);
void store_snapshots_shutdown(void);
/* 1 when name is usable: [A-Za-z0-9][A-Za-z0-9._-]{0,63}. */
int store_snapshots_valid_name(const char *name);
/* ST_CONFLICT when the name exists. */
st_result store_snapshots_save(const char *name, snapshot_info *out);
st_result store_snapshots_list(void (*cb)(const snapshot_info *, void *), void *arg);
st_result store_snapshots_restore(const char *name);
st_result store_snapshots_delete(const char *name);
/* Keeps an in-memory copy of the current store; store_baseline_restore puts it back. */
st_result store_baseline_capture(void);
st_result store_baseline_restore(void);
#endif
