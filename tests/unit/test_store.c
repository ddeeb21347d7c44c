/* test_store.c — migrations on a fresh store, workspaces and keys, isolation,
 * deletion + purge, snapshots and the reset baseline. */
#include "check.h"
#include "clock.h"
#include "core/store_blobs.h"
#include "core/store_datasets.h"
#include "core/store_snapshots.h"
#include "core/store_workspaces.h"
#include "db.h"
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int user_version(void)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db_conn(), "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void count_ws(const ws_row *w, void *arg)
{
    (void)w;
    (*(int *)arg)++;
}

int main(void)
{
    if (db_init(":memory:", 2000) != 0)
        return 1;
    CHECK(migrate_latest() >= 1);
    CHECK_EQ_INT(user_version(), migrate_latest());
    CHECK_EQ_INT(migrate_apply(db_conn()), 0); /* idempotent */
    clock_freeze(1700000000000);

    ws_row a, b;
    ws_keys ka, kb;
    CHECK_EQ_INT(store_workspaces_create("alpha", NULL, NULL, &a, &ka), ST_OK);
    CHECK_EQ_INT(store_workspaces_create("beta", NULL, NULL, &b, &kb), ST_OK);
    CHECK_EQ_INT(a.created_at, 1700000000000);
    CHECK_EQ_INT(strlen(ka.vi_secret), 103);
    CHECK(strncmp(ka.vi_secret, "dtvi_", 5) == 0);
    CHECK(strlen(ka.ximilar) < 70);
    CHECK(strcmp(ka.pictograph, kb.pictograph) != 0);

    char ws[37], org[VS_ORG_LEN];
    CHECK_EQ_INT(store_keys_lookup("vi", ka.vi_secret, ws, org), ST_OK);
    CHECK_EQ_STR(ws, a.id);
    CHECK_EQ_STR(org, ka.vi_org);
    CHECK_EQ_INT(store_keys_lookup("pictograph", ka.vi_secret, ws, org), ST_NOT_FOUND); /* wrong dialect */
    CHECK_EQ_INT(store_keys_lookup("ximilar", kb.ximilar, ws, org), ST_OK);
    CHECK_EQ_STR(ws, b.id);

    /* Fixed ids and keys conflict instead of overwriting. */
    ws_row dup;
    CHECK_EQ_INT(store_workspaces_create("again", a.id, NULL, &dup, NULL), ST_CONFLICT);
    CHECK_EQ_INT(store_workspaces_create("again", NULL, &ka, &dup, NULL), ST_CONFLICT);

    /* Datasets are scoped by workspace. */
    dataset_row d;
    CHECK_EQ_INT(store_datasets_create(a.id, NULL, "cars", "phrase-grounding", "", NULL, &d), ST_OK);
    char did[37];
    snprintf(did, sizeof did, "%s", d.id);
    dataset_row_free(&d);
    CHECK_EQ_INT(store_datasets_create(a.id, NULL, "cars", "phrase-grounding", "", NULL, NULL), ST_CONFLICT);
    CHECK_EQ_INT(store_datasets_get(b.id, did, &d), ST_NOT_FOUND);
    CHECK_EQ_INT(store_datasets_create(b.id, NULL, "cars", "vqa", "", NULL, NULL), ST_OK);

    /* Snapshot, change, restore. */
    char dir[] = "/tmp/vs-unit-snapXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_EQ_INT(store_snapshots_init(dir, 1), 0);
    CHECK(store_snapshots_valid_name("before-1.x"));
    CHECK(!store_snapshots_valid_name("../x"));
    CHECK(!store_snapshots_valid_name(".hidden"));
    CHECK(!store_snapshots_valid_name(""));
    snapshot_info info;
    CHECK_EQ_INT(store_snapshots_save("before", &info), ST_OK);
    CHECK_EQ_INT(info.created_at, 1700000000000);
    CHECK(info.bytes > 0);
    CHECK_EQ_INT(store_snapshots_save("before", &info), ST_CONFLICT);

    char job[37];
    CHECK_EQ_INT(store_workspaces_delete(a.id, job), ST_OK);
    CHECK_EQ_INT(store_keys_lookup("vi", ka.vi_secret, ws, org), ST_NOT_FOUND);
    CHECK_EQ_INT(store_workspaces_delete(a.id, job), ST_NOT_FOUND);
    int64_t removed = 0;
    int remaining = 1, steps = 0;
    while (remaining && steps++ < 100)
        CHECK_EQ_INT(store_workspaces_purge_step(a.id, 2, &removed, &remaining), ST_OK);
    CHECK_EQ_INT(remaining, 0);
    CHECK_EQ_INT(store_datasets_get(a.id, did, &d), ST_NOT_FOUND);
    int n = 0;
    store_workspaces_list(count_ws, &n);
    CHECK_EQ_INT(n, 1);

    CHECK_EQ_INT(store_snapshots_restore("before"), ST_OK);
    n = 0;
    store_workspaces_list(count_ws, &n);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(store_keys_lookup("vi", ka.vi_secret, ws, org), ST_OK);
    CHECK_EQ_INT(store_datasets_get(a.id, did, &d), ST_OK);
    dataset_row_free(&d);
    CHECK_EQ_INT(store_snapshots_restore("nope"), ST_NOT_FOUND);
    CHECK_EQ_INT(store_snapshots_delete("before"), ST_OK);
    CHECK_EQ_INT(store_snapshots_delete("before"), ST_NOT_FOUND);

    /* Baseline: reset returns to the captured state. */
    CHECK_EQ_INT(store_baseline_capture(), ST_OK);
    ws_row c;
    CHECK_EQ_INT(store_workspaces_create("gamma", NULL, NULL, &c, NULL), ST_OK);
    CHECK_EQ_INT(store_baseline_restore(), ST_OK);
    n = 0;
    store_workspaces_list(count_ws, &n);
    CHECK_EQ_INT(n, 2);

    /* Blobs are content-addressed: same bytes, one row. */
    blob_info b1, b2;
    CHECK_EQ_INT(store_blobs_put("hello", 5, &b1), ST_OK);
    CHECK_EQ_INT(store_blobs_put("hello", 5, &b2), ST_OK);
    CHECK_EQ_STR(b1.sha256, b2.sha256);
    CHECK_EQ_STR(b1.sha256, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    char buf[3];
    CHECK_EQ_INT(store_blobs_read(b1.sha256, 1, 3, buf), ST_OK);
    CHECK(memcmp(buf, "ell", 3) == 0);
    CHECK_EQ_INT(store_blobs_read(b1.sha256, 4, 3, buf), ST_INVALID);

    store_snapshots_shutdown();
    db_shutdown();
    return check_exit();
}
