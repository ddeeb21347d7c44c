/* test_store.c — migrations on a fresh store, workspaces and keys, isolation,
 * deletion + purge, snapshots and the reset baseline. */
#include "check.h"
#include "clock.h"
#include "core/store_blobs.h"
#include "core/store_annotations.h"
#include "core/store_assets.h"
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

static int64_t count_rows(const char *sql, const char *arg)
{
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db_conn(), sql, -1, &st, NULL) == SQLITE_OK) {
        if (arg)
            sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

/* A workspace with one dataset, one asset and three annotations; its id into ws. */
static void make_annotated_workspace(const char *name, char ws[37])
{
    ws_row w;
    dataset_row d;
    blob_info blob;
    CHECK_EQ_INT(store_workspaces_create(name, NULL, NULL, &w, NULL), ST_OK);
    snprintf(ws, 37, "%s", w.id);
    CHECK_EQ_INT(store_datasets_create(w.id, NULL, "photos", "phrase-grounding", "", NULL, &d), ST_OK);
    CHECK_EQ_INT(store_blobs_put("pixels", 6, &blob), ST_OK);
    asset_row a = {0};
    snprintf(a.workspace_id, sizeof a.workspace_id, "%s", w.id);
    snprintf(a.dataset_id, sizeof a.dataset_id, "%s", d.id);
    snprintf(a.filename, sizeof a.filename, "a.png");
    snprintf(a.blob_sha256, sizeof a.blob_sha256, "%s", blob.sha256);
    snprintf(a.mime, sizeof a.mime, "image/png");
    a.width = a.height = 4;
    a.size = 6;
    CHECK_EQ_INT(store_assets_create(&a), ST_OK);
    for (int i = 0; i < 3; i++) {
        annotation_row n = {0};
        snprintf(n.workspace_id, sizeof n.workspace_id, "%s", w.id);
        snprintf(n.dataset_id, sizeof n.dataset_id, "%s", d.id);
        snprintf(n.asset_id, sizeof n.asset_id, "%s", a.id);
        snprintf(n.kind, sizeof n.kind, "bbox");
        snprintf(n.source, sizeof n.source, "human");
        n.geometry = "{\"x\":0,\"y\":0,\"w\":1,\"h\":1}";
        CHECK_EQ_INT(store_annotations_create(&n), ST_OK);
    }
    dataset_row_free(&d);
}

/* Migration 9 drops the annotations' workspace index and foreign key: applying it
 * again to a store with rows keeps every row, and a workspace's annotations still
 * go with it, through its datasets, on both delete paths. */
static void test_annotations_reach_workspace_through_datasets(void)
{
    static const char count_ws_sql[] = "SELECT COUNT(*) FROM annotations WHERE workspace_id=?1";
    char purged[37], cleared[37], kept[37];
    make_annotated_workspace("purged", purged);
    make_annotated_workspace("cleared", cleared);
    make_annotated_workspace("kept", kept);
    int64_t before = count_rows("SELECT COUNT(*) FROM annotations", NULL);
    CHECK_EQ_INT(sqlite3_exec(db_conn(), "PRAGMA user_version=8", NULL, NULL, NULL), SQLITE_OK);
    CHECK_EQ_INT(migrate_apply(db_conn()), 0);
    CHECK_EQ_INT(user_version(), migrate_latest());
    CHECK_EQ_INT(count_rows("SELECT COUNT(*) FROM annotations", NULL), before);
    CHECK_EQ_INT(count_rows("SELECT COUNT(*) FROM sqlite_master WHERE name='annotations_ws'", NULL), 0);
    CHECK_EQ_INT(count_rows("SELECT COUNT(*) FROM pragma_foreign_key_list('annotations') WHERE \"table\"="
                            "'workspaces'", NULL), 0);

    char job[37];
    CHECK_EQ_INT(store_workspaces_delete(purged, job), ST_OK);
    int64_t removed = 0;
    int remaining = 1, steps = 0;
    while (remaining && steps++ < 100)
        CHECK_EQ_INT(store_workspaces_purge_step(purged, 2, &removed, &remaining), ST_OK);
    CHECK_EQ_INT(count_rows(count_ws_sql, purged), 0);
    CHECK_EQ_INT(store_workspaces_clear(cleared), ST_OK);
    CHECK_EQ_INT(count_rows(count_ws_sql, cleared), 0);
    CHECK_EQ_INT(count_rows(count_ws_sql, kept), 3);
    CHECK_EQ_INT(count_rows("PRAGMA foreign_key_check", NULL), -1); /* no violations: no rows */
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

    test_annotations_reach_workspace_through_datasets();

    store_snapshots_shutdown();
    db_shutdown();
    return check_exit();
}
