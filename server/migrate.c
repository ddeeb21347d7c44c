/* migrate.c — schema migrations embedded at build time (schema/NNNN_name.sql).
 *
 * The number before the first '_' is the version. A migration and its
 * `PRAGMA user_version` bump commit together, so a crash mid-way leaves the store
 * at the previous version and the next start retries. Called once at start-up
 * from the main thread, before any other thread opens a connection.
 */
#include "migrate.h"
#include "embedded.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>

static int version_of(const char *name) { return atoi(name); }

int migrate_latest(void)
{
    int latest = 0;
    for (const vs_embedded *m = vs_migrations; m->name; m++)
        if (version_of(m->name) > latest)
            latest = version_of(m->name);
    return latest;
}

static int current_version(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int apply_one(sqlite3 *db, const vs_embedded *m, int version)
{
    char *err = NULL;
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA user_version=%d", version);
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK)
        goto fail;
    if (sqlite3_exec(db, (const char *)m->data, NULL, NULL, &err) != SQLITE_OK)
        goto fail;
    if (sqlite3_exec(db, bump, NULL, NULL, &err) != SQLITE_OK)
        goto fail;
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK)
        goto fail;
    return 0;
fail:
    log_error("migrate", "%s failed: %s", m->name, err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

int migrate_apply(sqlite3 *db)
{
    int have = current_version(db);
    if (have < 0)
        return -1;
    if (have > migrate_latest()) {
        log_error("migrate", "store is at schema %d, newer than this build (%d)", have, migrate_latest());
        return -1;
    }
    for (int v = have + 1; v <= migrate_latest(); v++) {
        const vs_embedded *found = NULL;
        for (const vs_embedded *m = vs_migrations; m->name; m++)
            if (version_of(m->name) == v)
                found = m;
        if (!found) {
            log_error("migrate", "migration %04d is missing", v);
            return -1;
        }
        if (apply_one(db, found, v) != 0)
            return -1;
    }
    return 0;
}
