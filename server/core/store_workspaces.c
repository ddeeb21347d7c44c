/* store_workspaces.c — workspaces, API keys, deletion and chunked purge.
 *
 * Keys follow each vendor client's expectations: Vi secrets are "dtvi_" + 98
 * alphanumerics (the client checks prefix and length 103), the Vi organization id
 * is a UUID, Ximilar tokens stay under 70 characters (so the client sends
 * "Token"), Pictograph and Labelbox keys are opaque strings. Purge deletes in
 * bounded batches so one huge workspace never holds the write lock for long; each
 * batch is its own transaction, so a crash between batches loses nothing and the
 * resumed job continues where the store is.
 */
#include "store_workspaces.h"
#include "../clock.h"
#include "../db.h"
#include "ids.h"
#include "store_jobs.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A blob nobody points at: every blob reference goes through assets, transfers or
 * (store-wide) remote files. */
#define BLOB_UNUSED                                                                                          \
    "NOT EXISTS (SELECT 1 FROM assets a WHERE a.blob_sha256=b.sha256)"                                       \
    " AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.blob_sha256=b.sha256)"                               \
    " AND NOT EXISTS (SELECT 1 FROM remote_files r WHERE r.blob_sha256=b.sha256)"

static void generate_keys(ws_keys *k)
{
    char tok[128];
    memcpy(k->vi_secret, "dtvi_", 5);
    ids_token(k->vi_secret + 5, 98);
    ids_uuid(k->vi_org);
    ids_hex(tok, 32);
    snprintf(k->pictograph, sizeof k->pictograph, "pk_live_%s", tok);
    ids_hex(k->ximilar, 40);
    ids_token(tok, 48);
    snprintf(k->labelbox, sizeof k->labelbox, "lb_%s", tok);
}

static st_result insert_key(const char *ws, const char *dialect, const char *secret, const char *org, int64_t now)
{
    sqlite3_stmt *st =
        db_stmt("INSERT INTO api_keys(secret, workspace_id, dialect, org_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, secret, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, dialect, -1, SQLITE_STATIC);
    db_bind_text(st, 4, org);
    sqlite3_bind_int64(st, 5, now);
    return db_exec_stmt(st);
}

st_result store_workspaces_create(const char *name, const char *fixed_id, const ws_keys *fixed_keys,
                                  ws_row *out, ws_keys *keys_out)
{
    memset(out, 0, sizeof *out);
    ws_keys keys;
    if (fixed_keys)
        keys = *fixed_keys;
    else
        generate_keys(&keys);
    if (fixed_id)
        snprintf(out->id, sizeof out->id, "%s", fixed_id);
    else
        ids_uuid(out->id);
    snprintf(out->name, sizeof out->name, "%s", name);
    out->created_at = clock_now_ms();

    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *st = db_stmt("INSERT INTO workspaces(id, name, created_at) VALUES (?1, ?2, ?3)");
    if (!st) {
        r = ST_ERROR;
        goto fail;
    }
    sqlite3_bind_text(st, 1, out->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, out->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, out->created_at);
    if ((r = db_exec_stmt(st)) != ST_OK)
        goto fail;
    if ((r = insert_key(out->id, "vi", keys.vi_secret, keys.vi_org, out->created_at)) != ST_OK ||
        (r = insert_key(out->id, "pictograph", keys.pictograph, NULL, out->created_at)) != ST_OK ||
        (r = insert_key(out->id, "ximilar", keys.ximilar, NULL, out->created_at)) != ST_OK ||
        (r = insert_key(out->id, "labelbox", keys.labelbox, NULL, out->created_at)) != ST_OK)
        goto fail;
    if ((r = db_commit()) != ST_OK)
        return r;
    if (keys_out)
        *keys_out = keys;
    return ST_OK;
fail:
    db_rollback();
    return r;
}

static st_result read_keys(const char *id, ws_keys *k)
{
    memset(k, 0, sizeof *k);
    sqlite3_stmt *st = db_stmt("SELECT dialect, secret, org_id FROM api_keys WHERE workspace_id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 0);
        const char *s = (const char *)sqlite3_column_text(st, 1);
        const char *org = (const char *)sqlite3_column_text(st, 2);
        if (strcmp(d, "vi") == 0) {
            snprintf(k->vi_secret, sizeof k->vi_secret, "%s", s);
            snprintf(k->vi_org, sizeof k->vi_org, "%s", org ? org : "");
        } else if (strcmp(d, "pictograph") == 0) {
            snprintf(k->pictograph, sizeof k->pictograph, "%s", s);
        } else if (strcmp(d, "ximilar") == 0) {
            snprintf(k->ximilar, sizeof k->ximilar, "%s", s);
        } else if (strcmp(d, "labelbox") == 0) {
            snprintf(k->labelbox, sizeof k->labelbox, "%s", s);
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

static void read_ws(sqlite3_stmt *st, ws_row *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->id, sizeof out->id, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 1));
    out->created_at = sqlite3_column_int64(st, 2);
}

st_result store_workspaces_get(const char *id, ws_row *out, ws_keys *keys_out)
{
    sqlite3_stmt *st = db_stmt("SELECT id, name, created_at FROM workspaces WHERE id=?1 AND deleted_at IS NULL");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        read_ws(st, out);
    sqlite3_reset(st);
    if (r != ST_OK)
        return r;
    return keys_out ? read_keys(id, keys_out) : ST_OK;
}

st_result store_workspaces_list(void (*cb)(const ws_row *, void *), void *arg)
{
    sqlite3_stmt *st =
        db_stmt("SELECT id, name, created_at FROM workspaces WHERE deleted_at IS NULL ORDER BY created_at, id");
    if (!st)
        return ST_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ws_row w;
        read_ws(st, &w);
        cb(&w, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_workspaces_delete(const char *id, char job_id_out[37])
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    sqlite3_stmt *st = db_stmt("UPDATE workspaces SET deleted_at=?2 WHERE id=?1 AND deleted_at IS NULL");
    if (!st) {
        r = ST_ERROR;
        goto fail;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, clock_now_ms());
    if ((r = db_exec_stmt(st)) != ST_OK)
        goto fail;
    if (sqlite3_changes(db_conn()) == 0) {
        r = ST_NOT_FOUND;
        goto fail;
    }
    sqlite3_stmt *keys = db_stmt("DELETE FROM api_keys WHERE workspace_id=?1");
    if (!keys) {
        r = ST_ERROR;
        goto fail;
    }
    sqlite3_bind_text(keys, 1, id, -1, SQLITE_STATIC);
    if ((r = db_exec_stmt(keys)) != ST_OK)
        goto fail;
    char payload[80];
    snprintf(payload, sizeof payload, "{\"workspace\":\"%s\"}", id);
    if ((r = store_jobs_insert(NULL, "workspace.purge", payload, 0, job_id_out)) != ST_OK)
        goto fail;
    r = db_commit();
    store_keys_forget(); /* after the commit: no lookup may re-remember the keys */
    return r;
fail:
    db_rollback();
    return r;
}

/* Deletes up to `batch` rows of one table for the workspace; children first. */
static st_result purge_table(const char *sql, const char *id, int batch, int64_t *removed)
{
    sqlite3_stmt *st = db_stmt(sql);
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, batch);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK)
        *removed = sqlite3_changes(db_conn());
    return r;
}

st_result store_workspaces_purge_step(const char *id, int batch, int64_t *removed, int *remaining)
{
    /* Children before parents, so no single statement cascades over a big set. */
    static const char *steps[] = {
        /* vi */
        "DELETE FROM vi_asset_files WHERE rowid IN (SELECT rowid FROM vi_asset_files WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM vi_asset_sessions WHERE rowid IN (SELECT rowid FROM vi_asset_sessions WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM vi_import_sessions WHERE rowid IN (SELECT rowid FROM vi_import_sessions WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM vi_wholes WHERE rowid IN (SELECT rowid FROM vi_wholes WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM vi_exports WHERE rowid IN (SELECT rowid FROM vi_exports WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM vi_bulk_deletions WHERE rowid IN (SELECT rowid FROM vi_bulk_deletions WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM vi_deleted_datasets WHERE rowid IN (SELECT rowid FROM vi_deleted_datasets WHERE workspace_id=?1 LIMIT ?2)",
        /* runs and their models (memory before models) */
        "DELETE FROM vi_runs WHERE rowid IN (SELECT rowid FROM vi_runs WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM predict_memory WHERE rowid IN (SELECT rowid FROM predict_memory WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM predict_models WHERE rowid IN (SELECT rowid FROM predict_models WHERE workspace_id=?1 LIMIT ?2)",
        /* pictograph */
        "DELETE FROM pictograph_batches WHERE rowid IN (SELECT rowid FROM pictograph_batches WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM pictograph_sessions WHERE rowid IN (SELECT rowid FROM pictograph_sessions WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM pictograph_answers WHERE rowid IN (SELECT rowid FROM pictograph_answers WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM pictograph_idempotency WHERE rowid IN (SELECT rowid FROM pictograph_idempotency"
        " WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM pictograph_ledger WHERE rowid IN (SELECT rowid FROM pictograph_ledger WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM pictograph_credits WHERE rowid IN (SELECT rowid FROM pictograph_credits WHERE workspace_id=?1"
        " LIMIT ?2)",
        /* ximilar (children first) */
        "DELETE FROM xim_vlm_memory WHERE rowid IN (SELECT rowid FROM xim_vlm_memory WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM xim_vlm_models WHERE rowid IN (SELECT rowid FROM xim_vlm_models WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM xim_vlm_values WHERE rowid IN (SELECT rowid FROM xim_vlm_values WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM xim_vlm_sample_objects WHERE rowid IN (SELECT rowid FROM xim_vlm_sample_objects WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM xim_vlm_sample_images WHERE rowid IN (SELECT rowid FROM xim_vlm_sample_images WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM xim_vlm_samples WHERE rowid IN (SELECT rowid FROM xim_vlm_samples WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM xim_vlm_variables WHERE rowid IN (SELECT rowid FROM xim_vlm_variables WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM xim_vlm_task_datasets WHERE rowid IN (SELECT rowid FROM xim_vlm_task_datasets WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM xim_vlm_tasks WHERE rowid IN (SELECT rowid FROM xim_vlm_tasks WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM xim_vlm_datasets WHERE rowid IN (SELECT rowid FROM xim_vlm_datasets WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM xim_prompts WHERE rowid IN (SELECT rowid FROM xim_prompts WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM xim_rmodel_memory WHERE rowid IN (SELECT rowid FROM xim_rmodel_memory WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM xim_rmodels WHERE rowid IN (SELECT rowid FROM xim_rmodels WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM xim_rtask_labels WHERE rowid IN (SELECT rowid FROM xim_rtask_labels WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM xim_rtasks WHERE rowid IN (SELECT rowid FROM xim_rtasks WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM xim_image_labels WHERE rowid IN (SELECT rowid FROM xim_image_labels WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM xim_labels WHERE rowid IN (SELECT rowid FROM xim_labels WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM xim_dobjects WHERE rowid IN (SELECT rowid FROM xim_dobjects WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM xim_dlabels WHERE rowid IN (SELECT rowid FROM xim_dlabels WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM xim_images WHERE rowid IN (SELECT rowid FROM xim_images WHERE workspace_id=?1 LIMIT ?2)",
        /* labelbox (children first) */
        "DELETE FROM labelbox_relationships WHERE rowid IN (SELECT rowid FROM labelbox_relationships WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM labelbox_annotations WHERE rowid IN (SELECT rowid FROM labelbox_annotations WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM labelbox_imports WHERE rowid IN (SELECT rowid FROM labelbox_imports WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM labelbox_project_rows WHERE rowid IN (SELECT rowid FROM labelbox_project_rows WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM labelbox_batches WHERE rowid IN (SELECT rowid FROM labelbox_batches WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM labelbox_projects WHERE rowid IN (SELECT rowid FROM labelbox_projects WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM labelbox_ontologies WHERE rowid IN (SELECT rowid FROM labelbox_ontologies WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM labelbox_task_failures WHERE rowid IN (SELECT rowid FROM labelbox_task_failures WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM labelbox_data_rows WHERE rowid IN (SELECT rowid FROM labelbox_data_rows WHERE workspace_id=?1"
        " LIMIT ?2)",
        "DELETE FROM labelbox_tasks WHERE rowid IN (SELECT rowid FROM labelbox_tasks WHERE workspace_id=?1"
        " LIMIT ?2)",
        /* through the datasets: annotations have no workspace index (schema 0009) */
        "DELETE FROM annotations WHERE rowid IN (SELECT n.rowid FROM datasets d JOIN annotations n"
        " ON n.dataset_id=d.id WHERE d.workspace_id=?1 LIMIT ?2)",
        "DELETE FROM transfers WHERE rowid IN (SELECT rowid FROM transfers WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM assets WHERE rowid IN (SELECT rowid FROM assets WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM datasets WHERE rowid IN (SELECT rowid FROM datasets WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM jobs WHERE rowid IN (SELECT rowid FROM jobs WHERE workspace_id=?1 LIMIT ?2)",
        "DELETE FROM workspaces WHERE rowid IN (SELECT rowid FROM workspaces WHERE id=?1 AND deleted_at IS NOT NULL"
        " LIMIT ?2)",
        ("DELETE FROM blobs WHERE rowid IN (SELECT b.rowid FROM blobs b WHERE ?1 IS NOT NULL AND " BLOB_UNUSED
         " LIMIT ?2)"),
    };
    *removed = 0;
    *remaining = 0;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        int64_t n = 0;
        st_result r = purge_table(steps[i], id, batch, &n);
        if (r != ST_OK)
            return r;
        if (n > 0) {
            *removed = n;
            *remaining = 1; /* more may follow in this or a later table */
            return ST_OK;
        }
    }
    return ST_OK;
}

/* Every request authenticates, and the lookup was a read transaction of its own
 * (file locks and all, ~13 % of a read-by-id request's CPU, bench/RESULTS.md), so
 * each thread remembers its last few hits. A hit only stands while the key
 * generation is the one read before its lookup: anything that can take a key
 * away (deleting a workspace, restoring a snapshot or the baseline) bumps the
 * generation after its change is committed. Misses are never remembered, so a
 * new workspace's keys work at once. */
#define KEY_HITS 8
typedef struct {
    uint64_t generation; /* 0 = empty */
    char dialect[16];
    char secret[128];
    char workspace[37];
    char org[VS_ORG_LEN];
} key_hit;

static atomic_uint_fast64_t g_key_generation = 1;
static _Thread_local key_hit t_key_hits[KEY_HITS];

void store_keys_forget(void)
{
    atomic_fetch_add(&g_key_generation, 1);
}

static key_hit *key_slot(const char *dialect, const char *secret)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = secret; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    for (const char *p = dialect; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return &t_key_hits[h % KEY_HITS];
}

st_result store_keys_lookup(const char *dialect, const char *secret, char ws_out[37], char org_out[VS_ORG_LEN])
{
    uint64_t generation = atomic_load(&g_key_generation);
    int cacheable = strlen(secret) < sizeof t_key_hits[0].secret && strlen(dialect) < sizeof t_key_hits[0].dialect;
    key_hit *hit = cacheable ? key_slot(dialect, secret) : NULL;
    if (hit && hit->generation == generation && strcmp(hit->secret, secret) == 0 && strcmp(hit->dialect, dialect) == 0) {
        memcpy(ws_out, hit->workspace, 37);
        snprintf(org_out, VS_ORG_LEN, "%s", hit->org);
        return ST_OK;
    }
    sqlite3_stmt *st = db_stmt("SELECT k.workspace_id, k.org_id FROM api_keys k JOIN workspaces w ON w.id=k.workspace_id"
                               " WHERE k.secret=?1 AND k.dialect=?2 AND w.deleted_at IS NULL");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, secret, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dialect, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK) {
        snprintf(ws_out, 37, "%s", (const char *)sqlite3_column_text(st, 0));
        const unsigned char *org = sqlite3_column_text(st, 1);
        snprintf(org_out, VS_ORG_LEN, "%s", org ? (const char *)org : "");
        if (hit) {
            hit->generation = generation;
            snprintf(hit->dialect, sizeof hit->dialect, "%s", dialect);
            snprintf(hit->secret, sizeof hit->secret, "%s", secret);
            memcpy(hit->workspace, ws_out, 37);
            snprintf(hit->org, sizeof hit->org, "%s", org_out);
        }
    }
    sqlite3_reset(st);
    return r;
}

st_result store_workspaces_clear(const char *id)
{
    static const char *steps[] = {
        /* vi */
        "DELETE FROM vi_asset_files WHERE workspace_id=?1",
        "DELETE FROM vi_asset_sessions WHERE workspace_id=?1",
        "DELETE FROM vi_import_sessions WHERE workspace_id=?1",
        "DELETE FROM vi_wholes WHERE workspace_id=?1",
        "DELETE FROM vi_exports WHERE workspace_id=?1",
        "DELETE FROM vi_bulk_deletions WHERE workspace_id=?1",
        "DELETE FROM vi_deleted_datasets WHERE workspace_id=?1",
        /* runs and their models (memory before models) */
        "DELETE FROM vi_runs WHERE workspace_id=?1",
        "DELETE FROM predict_memory WHERE workspace_id=?1",
        "DELETE FROM predict_models WHERE workspace_id=?1",
        /* pictograph */
        "DELETE FROM pictograph_batches WHERE workspace_id=?1",
        "DELETE FROM pictograph_sessions WHERE workspace_id=?1",
        "DELETE FROM pictograph_answers WHERE workspace_id=?1",
        "DELETE FROM pictograph_idempotency WHERE workspace_id=?1",
        "DELETE FROM pictograph_ledger WHERE workspace_id=?1",
        "DELETE FROM pictograph_credits WHERE workspace_id=?1",
        /* ximilar (children first) */
        "DELETE FROM xim_vlm_memory WHERE workspace_id=?1",
        "DELETE FROM xim_vlm_models WHERE workspace_id=?1",
        "DELETE FROM xim_vlm_values WHERE workspace_id=?1",
        "DELETE FROM xim_vlm_sample_objects WHERE workspace_id=?1",
        "DELETE FROM xim_vlm_sample_images WHERE workspace_id=?1",
        "DELETE FROM xim_vlm_samples WHERE workspace_id=?1",
        "DELETE FROM xim_vlm_variables WHERE workspace_id=?1",
        "DELETE FROM xim_vlm_task_datasets WHERE workspace_id=?1",
        "DELETE FROM xim_vlm_tasks WHERE workspace_id=?1",
        "DELETE FROM xim_vlm_datasets WHERE workspace_id=?1",
        "DELETE FROM xim_prompts WHERE workspace_id=?1",
        "DELETE FROM xim_rmodel_memory WHERE workspace_id=?1",
        "DELETE FROM xim_rmodels WHERE workspace_id=?1",
        "DELETE FROM xim_rtask_labels WHERE workspace_id=?1",
        "DELETE FROM xim_rtasks WHERE workspace_id=?1",
        "DELETE FROM xim_image_labels WHERE workspace_id=?1",
        "DELETE FROM xim_labels WHERE workspace_id=?1",
        "DELETE FROM xim_dobjects WHERE workspace_id=?1",
        "DELETE FROM xim_dlabels WHERE workspace_id=?1",
        "DELETE FROM xim_images WHERE workspace_id=?1",
        /* labelbox (children first) */
        "DELETE FROM labelbox_relationships WHERE workspace_id=?1",
        "DELETE FROM labelbox_annotations WHERE workspace_id=?1",
        "DELETE FROM labelbox_imports WHERE workspace_id=?1",
        "DELETE FROM labelbox_project_rows WHERE workspace_id=?1",
        "DELETE FROM labelbox_batches WHERE workspace_id=?1",
        "DELETE FROM labelbox_projects WHERE workspace_id=?1",
        "DELETE FROM labelbox_ontologies WHERE workspace_id=?1",
        "DELETE FROM labelbox_task_failures WHERE workspace_id=?1",
        "DELETE FROM labelbox_data_rows WHERE workspace_id=?1",
        "DELETE FROM labelbox_tasks WHERE workspace_id=?1",
        /* through the datasets: annotations have no workspace index (schema 0009) */
        "DELETE FROM annotations WHERE dataset_id IN (SELECT id FROM datasets WHERE workspace_id=?1)",
        "DELETE FROM transfers WHERE workspace_id=?1",
        "DELETE FROM assets WHERE workspace_id=?1",
        "DELETE FROM datasets WHERE workspace_id=?1",
        "DELETE FROM jobs WHERE workspace_id=?1",
        ("DELETE FROM blobs WHERE rowid IN (SELECT b.rowid FROM blobs b WHERE ?1 IS NOT NULL AND " BLOB_UNUSED ")"),
    };
    ws_row w;
    st_result r = store_workspaces_get(id, &w, NULL);
    if (r != ST_OK)
        return r;
    if ((r = db_begin()) != ST_OK)
        return r;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        sqlite3_stmt *st = db_stmt(steps[i]);
        if (!st) {
            r = ST_ERROR;
            goto fail;
        }
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if ((r = db_exec_stmt(st)) != ST_OK)
            goto fail;
    }
    return db_commit();
fail:
    db_rollback();
    return r;
}
