/* lb_ingest.c — the labelbox.ingest job: creates the data rows a manifest lists.
 *
 * One step reads the manifest, then creates the rows of one chunk in one
 * transaction that also records the task's position (chunks_done), so a crash
 * repeats at most that chunk, which rolled back: the step is idempotent and the
 * job resumable. A row that cannot be created (duplicate global key, unknown
 * dataset, unusable row data) becomes a failure entry with the vendor's message;
 * the task still completes. Only an unreadable manifest or chunk fails the task.
 * Runs on the worker thread. */
#include "core/store_assets.h"
#include "core/store_datasets.h"
#include "core/store_remote_files.h"
#include "db.h"
#include "labelbox.h"
#include "lb_ids.h"
#include "lb_jobs.h"
#include "lb_rowdata.h"
#include "store_lb_rows.h"
#include "store_lb_tasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LB_ROW_DATA_MAX 4096

static json_t *fetch_json(const char *url)
{
    unsigned char *data = NULL;
    size_t len = 0;
    if (store_remote_files_fetch(url, &data, &len, NULL) != ST_OK)
        return NULL;
    json_t *v = json_loadb((const char *)data, len, 0, NULL);
    free(data);
    return v;
}

static const char *opt_string(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && *s ? s : NULL;
}

/* The failure spec the client reads back (FailedDataRowImportsPyApi). */
static char *failure_spec(json_t *payload)
{
    json_t *row_data = json_object_get(payload, "row_data");
    json_t *shown;
    if (json_is_string(row_data)) {
        shown = json_incref(row_data);
    } else if (row_data) {
        char *text = json_dumps(row_data, JSON_COMPACT | JSON_ENCODE_ANY);
        shown = json_string(text ? text : "");
        free(text);
    } else {
        shown = json_null();
    }
    json_t *spec = json_pack("{s:O?,s:O?,s:o,s:[],s:[]}", "externalId", json_object_get(payload, "external_id"),
                             "globalKey", json_object_get(payload, "global_key"), "rowData", shown, "metadata",
                             "attachments");
    char *text = spec ? json_dumps(spec, JSON_COMPACT) : NULL;
    json_decref(spec);
    return text;
}

static st_result fail_row(const lb_task_row *t, json_t *payload, const char *message)
{
    char *spec = failure_spec(payload);
    st_result r = store_lb_task_failures_add(t->id, t->workspace_id, message, spec ? spec : "{}");
    free(spec);
    return r;
}

/* Creates one data row; a row-level problem is recorded as a failure. */
static st_result ingest_row(const lb_task_row *t, json_t *item, char *last_dataset, size_t last_cap)
{
    json_t *payload = json_object_get(item, "payload");
    if (!json_is_object(payload))
        payload = item; /* a flat row, as older clients send */
    if (!json_is_object(payload))
        return fail_row(t, json_object(), "Each data row must be a JSON object");
    char msg[700];
    const char *row_data = json_string_value(json_object_get(payload, "row_data"));
    const char *dataset_id = opt_string(payload, "dataset_id");
    const char *global_key = opt_string(payload, "global_key");
    const char *external_id = opt_string(payload, "external_id");
    const char *media_type = opt_string(payload, "media_type");
    if (json_object_get(payload, "row_data") && !row_data)
        return fail_row(t, payload, "row_data must be a URL string: only image data rows are emulated");
    if (!row_data || !*row_data)
        return fail_row(t, payload, "row_data is required");
    if (strlen(row_data) > LB_ROW_DATA_MAX)
        return fail_row(t, payload, "row_data is longer than 4096 characters");
    if (!dataset_id)
        return fail_row(t, payload, "dataset_id is required");
    if (global_key && strlen(global_key) > LB_GLOBAL_KEY_MAX)
        return fail_row(t, payload, "global_key is longer than 512 characters");
    st_result r;
    if (strcmp(last_dataset, dataset_id) != 0) {
        dataset_row d;
        r = store_datasets_get(t->workspace_id, dataset_id, &d);
        if (r == ST_NOT_FOUND) {
            snprintf(msg, sizeof msg, "Dataset %.200s not found", dataset_id);
            return fail_row(t, payload, msg);
        }
        if (r != ST_OK)
            return r;
        dataset_row_free(&d);
        snprintf(last_dataset, last_cap, "%s", dataset_id);
    }
    if (global_key) {
        int taken = 0;
        if ((r = store_lb_rows_key_taken(t->workspace_id, global_key, &taken)) != ST_OK)
            return r;
        if (taken) {
            snprintf(msg, sizeof msg, "Duplicate global key: '%.600s'", global_key);
            return fail_row(t, payload, msg);
        }
    }
    lb_content content;
    if ((r = lb_rowdata_resolve(row_data, &content)) != ST_OK)
        return r;
    asset_row a;
    memset(&a, 0, sizeof a);
    lb_ids_cuid(a.id);
    snprintf(a.workspace_id, sizeof a.workspace_id, "%s", t->workspace_id);
    snprintf(a.dataset_id, sizeof a.dataset_id, "%s", dataset_id);
    lb_rowdata_filename(row_data, global_key ? global_key : a.id, a.filename, sizeof a.filename);
    snprintf(a.blob_sha256, sizeof a.blob_sha256, "%s", content.blob_sha256);
    snprintf(a.mime, sizeof a.mime, "%s", content.mime);
    a.width = content.width;
    a.height = content.height;
    a.size = content.size;
    r = store_assets_create(&a);
    if (r == ST_CONFLICT) { /* same file name in the dataset: keep both, the id tells them apart */
        char name[256];
        snprintf(name, sizeof name, "%s_%.200s", a.id, a.filename);
        snprintf(a.filename, sizeof a.filename, "%s", name);
        r = store_assets_create(&a);
    }
    if (r != ST_OK)
        return r;
    r = store_lb_rows_create(t->workspace_id, a.id, dataset_id, global_key, external_id, row_data, media_type, t->id);
    if (r == ST_CONFLICT) {
        snprintf(msg, sizeof msg, "Duplicate global key: '%.600s'", global_key ? global_key : "");
        return fail_row(t, payload, msg);
    }
    return r;
}

/* Ends the task as FAILED with one failure entry saying why. */
static step_outcome fail_task(const lb_task_row *t, const char *message)
{
    st_result r = db_begin();
    if (r == ST_OK) {
        json_t *errors = json_string(message);
        char *text = json_dumps(errors, JSON_ENCODE_ANY);
        r = store_lb_task_failures_add(t->id, t->workspace_id, message,
                                       "{\"externalId\":null,\"globalKey\":null,\"rowData\":null,\"metadata\":[],"
                                       "\"attachments\":[]}");
        if (r == ST_OK)
            r = store_lb_tasks_finish(t->id, "FAILED", NULL, text);
        free(text);
        json_decref(errors);
        r = lb_finish_txn(r);
    }
    return r == ST_BUSY ? STEP_WAIT : STEP_DONE;
}

step_outcome lb_ingest_step(job_ctx *ctx)
{
    const char *task_id = json_string_value(json_object_get(ctx->payload, "task"));
    lb_task_row t;
    json_t *manifest = NULL, *chunk = NULL;
    step_outcome out = STEP_DONE;
    if (!task_id) {
        snprintf(ctx->error, sizeof ctx->error, "payload has no task");
        return STEP_FAILED;
    }
    st_result r = store_lb_tasks_get(NULL, task_id, &t);
    if (r == ST_NOT_FOUND)
        return STEP_DONE; /* the workspace went away */
    if (r != ST_OK) {
        ctx->delay_ms = 50;
        return STEP_WAIT;
    }
    if (strcmp(t.status, "IN_PROGRESS") != 0)
        goto out;
    manifest = fetch_json(t.manifest_url);
    json_t *uris = json_object_get(manifest, "chunk_uris");
    if (!json_is_array(uris)) {
        out = fail_task(&t, "Failed to read the upload manifest: it is unreachable or not a JSON manifest");
        goto out;
    }
    size_t n = json_array_size(uris);
    if ((size_t)t.chunks_done >= n) {
        r = db_begin();
        if (r == ST_OK) {
            r = store_lb_tasks_finish(t.id, "COMPLETE", NULL, NULL);
            r = lb_finish_txn(r);
        }
        out = r == ST_OK ? STEP_DONE : STEP_WAIT;
        goto out;
    }
    const char *uri = json_string_value(json_array_get(uris, (size_t)t.chunks_done));
    chunk = uri ? fetch_json(uri) : NULL;
    if (!json_is_array(chunk)) {
        out = fail_task(&t, "Failed to read a data-row chunk: it is unreachable or not a JSON array");
        goto out;
    }
    char last_dataset[64] = "";
    if ((r = db_begin()) != ST_OK)
        goto busy;
    size_t i;
    json_t *item;
    json_array_foreach(chunk, i, item) {
        if ((r = ingest_row(&t, item, last_dataset, sizeof last_dataset)) != ST_OK)
            break;
    }
    if (r == ST_OK)
        r = store_lb_tasks_advance(t.id, t.chunks_done + 1, (double)(t.chunks_done + 1) / (double)n);
    if (r == ST_OK && (size_t)t.chunks_done + 1 == n)
        r = store_lb_tasks_finish(t.id, "COMPLETE", NULL, NULL);
    r = lb_finish_txn(r);
    if (r != ST_OK)
        goto busy;
    ctx->progress = t.chunks_done + 1;
    ctx->total = (int64_t)n;
    out = (size_t)t.chunks_done + 1 == n ? STEP_DONE : STEP_CONTINUE;
    goto out;
busy:
    if (r == ST_BUSY) {
        ctx->delay_ms = 50;
        out = STEP_WAIT;
    } else {
        /* never leave the client polling a task that cannot finish */
        fail_task(&t, "Internal error while creating data rows");
        snprintf(ctx->error, sizeof ctx->error, "ingestion failed: %s", store_result_name(r));
        out = STEP_FAILED;
    }
out:
    json_decref(chunk);
    json_decref(manifest);
    lb_task_row_free(&t);
    return out;
}
