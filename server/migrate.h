/* migrate.h — applies the embedded schema/NNNN_*.sql migrations by user_version. */
#ifndef VS_MIGRATE_H
#define VS_MIGRATE_H
#include <sqlite3.h>
/* Applies every migration numbered above the store's user_version, each in its own
 * transaction together with the version bump. 0 on success; -1 on failure (the
 * store is left at the last good version) or when the store is newer than this
 * build. */
int migrate_apply(sqlite3 *db);
/* The highest migration number this build carries. */
int migrate_latest(void);
#endif
