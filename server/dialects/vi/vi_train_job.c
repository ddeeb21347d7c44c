/* vi_train_job.c — the durable "vi.train" job: a run memorises its dataset,
 * then publishes its model.
 *
 * Each step memorises up to TRAIN_BATCH images (in the dataset's creation
 * order, from the job's progress on): the image is decoded, its perceptual
 * signature taken and its annotations folded into a memory item
 * (core/predict.h), and the batch is written in one transaction with
 * INSERT OR REPLACE — so a crash between the commit and the worker recording
 * progress only repeats identical writes. Images that cannot be decoded are
 * skipped and counted in the log. When every image is done, the model archive
 * (spec §11.3: a tar holding model_full/run.json, a safetensors file of the
 * memorised signatures, config.json and memory.jsonl) is stored as a blob and
 * published as a GET transfer, and the run (Trained: Reached), its transfer
 * and the model (ready) move in one transaction. A deleted run ends the job;
 * a deleted dataset fails the run with a message. Worker thread only.
 */
#include "clock.h"
#include "core/formats/format.h"
#include "core/formats/tar.h"
#include "core/predict.h"
#include "core/store_annotations.h"
#include "core/store_assets.h"
#include "core/store_blobs.h"
#include "core/store_datasets.h"
#include "core/store_models.h"
#include "core/store_transfers.h"
#include "core/store_workspaces.h"
#include "db.h"
#include "vi_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRAIN_BATCH 16
#define VI_MODEL_TTL_MS (7LL * 24 * 60 * 60 * 1000)

typedef struct {
    asset_row *rows;
    size_t n;
    int failed;
} assets_acc;

static void collect_asset(const asset_row *a, void *arg)
{
    assets_acc *acc = arg;
    asset_row *grown = realloc(acc->rows, (acc->n + 1) * sizeof *grown);
    if (!grown) {
        acc->failed = 1;
        return;
    }
    acc->rows = grown;
    acc->rows[acc->n++] = *a;
}

typedef struct {
    json_t *memory;
    int width, height;
} memory_acc;

static void fold_annotation(const annotation_row *row, void *arg)
{
    memory_acc *acc = arg;
    predict_memory_add(acc->memory, row, acc->width, acc->height);
}

/* The memory row of one asset (memory NULL when it was skipped). */
typedef struct {
    char signature[PHASH_HEX_LEN + 1];
    char *memory;
} memorised;

static st_result memorise(const asset_row *a, memorised *out)
{
    memset(out, 0, sizeof *out);
    unsigned char *bytes = NULL;
    size_t len = 0;
    predict_image im;
    memset(&im, 0, sizeof im);
    json_t *memory = NULL;
    st_result r = store_blobs_load(a->blob_sha256, &bytes, &len);
    if (r != ST_OK)
        goto out;
    char err[160];
    if (predict_image_load(bytes, len, &im, err, sizeof err) != 0) {
        r = ST_INVALID;
        goto out;
    }
    phash_to_text(&im.sig, out->signature);
    memory_acc acc = {predict_memory_new(), a->width > 0 ? a->width : im.width, a->height > 0 ? a->height : im.height};
    memory = acc.memory;
    if ((r = store_annotations_list_by_asset(a->workspace_id, a->id, fold_annotation, &acc)) != ST_OK)
        goto out;
    predict_memory_finish(memory);
    if (!(out->memory = json_dumps(memory, JSON_COMPACT | JSON_PRESERVE_ORDER)))
        r = ST_ERROR;
out:
    json_decref(memory);
    predict_image_free(&im);
    free(bytes);
    return r;
}

static st_result memorise_batch(const char *model_id, const asset_row *rows, size_t from, size_t to)
{
    memorised *batch = calloc(to - from + 1, sizeof *batch);
    if (!batch)
        return ST_ERROR;
    st_result r = ST_OK;
    for (size_t i = from; i < to && r == ST_OK; i++) {
        r = memorise(&rows[i], &batch[i - from]);
        if (r == ST_INVALID || r == ST_NOT_FOUND)
            r = ST_OK; /* not an image (or its bytes are gone): skipped */
    }
    if (r == ST_OK && (r = db_begin()) == ST_OK) {
        for (size_t i = from; i < to && r == ST_OK; i++)
            if (batch[i - from].memory)
                r = store_models_memory_put(model_id, rows[i].workspace_id, rows[i].id, (int64_t)i, rows[i].filename,
                                            batch[i - from].signature, batch[i - from].memory);
        if (r == ST_OK)
            r = db_commit();
        else
            db_rollback();
    }
    for (size_t i = 0; i < to - from; i++)
        free(batch[i].memory);
    free(batch);
    return r;
}

/* ---- the archive --------------------------------------------------------------- */

typedef struct {
    format_buf jsonl;
    format_buf tensors;   /* I64 signatures, then U8 colour grids */
    format_buf grids;
    int64_t n;
} archive_acc;

static void put_le64(format_buf *b, uint64_t v)
{
    unsigned char le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (unsigned char)(v >> (8 * i));
    format_buf_put(b, le, 8);
}

static void archive_item(const model_memory_row *m, void *arg)
{
    archive_acc *acc = arg;
    phash_sig sig;
    if (phash_from_text(m->signature, &sig) != 0)
        return;
    put_le64(&acc->tensors, sig.dct);
    format_buf_put(&acc->grids, sig.grid, PHASH_GRID_BYTES);
    format_buf_printf(&acc->jsonl, "{\"assetId\":");
    format_buf_json_string(&acc->jsonl, m->asset_id);
    format_buf_puts(&acc->jsonl, ",\"filename\":");
    format_buf_json_string(&acc->jsonl, m->filename);
    format_buf_puts(&acc->jsonl, ",\"signature\":");
    format_buf_json_string(&acc->jsonl, m->signature);
    format_buf_printf(&acc->jsonl, ",\"memory\":%s}\n", m->memory);
    acc->n++;
}

/* A safetensors file: little-endian u64 header length, the JSON header padded
 * with spaces to 8 bytes, then the tensor bytes. */
static int safetensors(const char *run_id, const char *task, archive_acc *acc, format_buf *out)
{
    int64_t sig_bytes = acc->n * 8, grid_bytes = acc->n * PHASH_GRID_BYTES;
    json_t *h = json_pack("{s:{s:s,s:s,s:s},s:{s:s,s:[I],s:[I,I]},s:{s:s,s:[I,i],s:[I,I]}}", "__metadata__", "format",
                          "pt", "producer", "visionstack", "task", task, "memory.signature_dct", "dtype", "I64",
                          "shape", (json_int_t)acc->n, "data_offsets", (json_int_t)0, (json_int_t)sig_bytes,
                          "memory.colour_grid", "dtype", "U8", "shape", (json_int_t)acc->n, PHASH_GRID_BYTES,
                          "data_offsets", (json_int_t)sig_bytes, (json_int_t)(sig_bytes + grid_bytes));
    json_object_set_new(json_object_get(h, "__metadata__"), "run", json_string(run_id));
    char *text = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(h);
    if (!text)
        return -1;
    size_t len = strlen(text), padded = (len + 7) / 8 * 8;
    put_le64(out, padded);
    format_buf_put(out, text, len);
    for (size_t i = len; i < padded; i++)
        format_buf_put(out, " ", 1);
    free(text);
    format_buf_put(out, acc->tensors.data, acc->tensors.len);
    format_buf_put(out, acc->grids.data, acc->grids.len);
    return out->failed ? -1 : 0;
}

static st_result build_archive(const vi_run_row *run, const char *org, const char *task, int64_t now,
                               unsigned char **tar, size_t *tar_len)
{
    archive_acc acc;
    memset(&acc, 0, sizeof acc);
    format_buf st = {0};
    char *run_text = NULL, *config_text = NULL;
    st_result r = store_models_memory_list(run->id, archive_item, &acc);
    if (r != ST_OK)
        goto out;
    /* run.json is the run as it stands once this archive is published. */
    vi_run_row done = *run;
    snprintf(done.trained, sizeof done.trained, "Reached");
    done.trained_at = now;
    done.updated_at = now;
    done.generation = run->generation + 1;
    json_t *run_json = vi_run_json(org, &done);
    run_text = json_dumps(run_json, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(run_json);
    json_t *config = json_pack("{s:[s],s:s,s:s,s:I,s:s}", "architectures", "VisionstackMemoriser", "model_type",
                               "visionstack", "task", task, "memorised_images", (json_int_t)acc.n, "run_id", run->id);
    config_text = json_dumps(config, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(config);
    if (!run_text || !config_text || acc.jsonl.failed || acc.tensors.failed || acc.grids.failed ||
        safetensors(run->id, task, &acc, &st) != 0) {
        r = ST_ERROR;
        goto out;
    }
    tar_writer *t = tar_writer_new(now);
    int ok = t && tar_writer_add(t, "model_full/", NULL, 0) == 0 &&
             tar_writer_add(t, "model_full/run.json", run_text, strlen(run_text)) == 0 &&
             tar_writer_add(t, "model_full/config.json", config_text, strlen(config_text)) == 0 &&
             tar_writer_add(t, "model_full/model.safetensors", st.data, st.len) == 0 &&
             tar_writer_add(t, "model_full/memory.jsonl", acc.jsonl.data ? (const char *)acc.jsonl.data : "",
                            acc.jsonl.len) == 0;
    if (!ok) {
        tar_writer_free(t);
        r = ST_ERROR;
    } else if (tar_writer_finish(t, tar, tar_len) != 0) {
        r = ST_ERROR;
    }
out:
    format_buf_free(&acc.jsonl);
    format_buf_free(&acc.tensors);
    format_buf_free(&acc.grids);
    format_buf_free(&st);
    free(run_text);
    free(config_text);
    return r;
}

/* Stores the archive, opens its download and marks run and model done. */
static st_result publish(const vi_run_row *run, const char *log, const unsigned char *tar, size_t len, int64_t items,
                         int64_t now)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    blob_info info;
    transfer_row t;
    memset(&t, 0, sizeof t);
    if ((r = store_blobs_put(tar, len, &info)) != ST_OK)
        goto fail;
    snprintf(t.workspace_id, sizeof t.workspace_id, "%s", run->workspace_id);
    snprintf(t.dialect, sizeof t.dialect, "vi");
    snprintf(t.direction, sizeof t.direction, "get");
    snprintf(t.filename, sizeof t.filename, "model-%s.tar", run->id);
    snprintf(t.content_type, sizeof t.content_type, "application/x-tar");
    snprintf(t.blob_sha256, sizeof t.blob_sha256, "%s", info.sha256);
    snprintf(t.purpose, sizeof t.purpose, "vi.model");
    snprintf(t.owner_ref, sizeof t.owner_ref, "%s", run->id);
    t.max_bytes = (int64_t)len;
    t.expected_size = -1;
    t.expires_at = now + VI_MODEL_TTL_MS;
    if ((r = store_transfers_create(&t)) != ST_OK ||
        (r = store_vi_runs_finish(run->id, "Reached", NULL, log, info.sha256, (int64_t)len, now)) != ST_OK ||
        (r = store_vi_runs_set_token(run->id, t.token, t.expires_at)) != ST_OK ||
        (r = store_models_set_state(run->id, "ready", items, now)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

static void fail_run(const vi_run_row *run, const char *message, int64_t now)
{
    char log[1024];
    snprintf(log, sizeof log, "%sTraining failed: %s\n", run->log, message);
    if (db_begin() != ST_OK)
        return;
    if (store_vi_runs_finish(run->id, "FailedReach", message, log, NULL, 0, now) == ST_OK &&
        store_models_set_state(run->id, "failed", 0, now) == ST_OK)
        db_commit();
    else
        db_rollback();
}

static step_outcome finish(job_ctx *ctx, const vi_run_row *run, int64_t total, int64_t skipped)
{
    int64_t items = 0, now = clock_now_ms();
    unsigned char *tar = NULL;
    size_t len = 0;
    ws_row w;
    ws_keys k;
    model_row m;
    st_result r = store_workspaces_get(run->workspace_id, &w, &k);
    if (r == ST_OK)
        r = store_models_get(run->workspace_id, run->id, &m);
    if (r != ST_OK)
        return r == ST_NOT_FOUND ? STEP_DONE : (ctx->delay_ms = 500, STEP_WAIT);
    char log[2048];
    if ((r = store_models_memory_count(run->id, &items)) == ST_OK) {
        snprintf(log, sizeof log,
                 "%sEpoch 1/1: memorised %lld of %lld images (%lld not decodable).\nModel exported: "
                 "model_full/ (%lld memorised images).\n",
                 "Queued for training.\n", (long long)items, (long long)total, (long long)skipped, (long long)items);
        r = build_archive(run, k.vi_org, m.task, now, &tar, &len);
    }
    if (r == ST_OK)
        r = publish(run, log, tar, len, items, now);
    model_row_free(&m);
    free(tar);
    if (r == ST_CONFLICT || r == ST_OK)
        return STEP_DONE; /* a resumed job found the run already finished */
    if (r == ST_BUSY) {
        ctx->delay_ms = 500;
        return STEP_WAIT;
    }
    fail_run(run, "the model could not be exported", now);
    snprintf(ctx->error, sizeof ctx->error, "model export failed: %s", store_result_name(r));
    return STEP_FAILED;
}

step_outcome vi_train_step(job_ctx *ctx)
{
    const char *id = json_string_value(json_object_get(ctx->payload, "run"));
    if (!id) {
        snprintf(ctx->error, sizeof ctx->error, "payload has no run");
        return STEP_FAILED;
    }
    vi_run_row run;
    st_result r = store_vi_runs_get(ctx->workspace_id, id, &run);
    if (r == ST_NOT_FOUND)
        return STEP_DONE;
    if (r != ST_OK) {
        ctx->delay_ms = 200;
        return STEP_WAIT;
    }
    step_outcome out = STEP_DONE;
    assets_acc assets = {0};
    dataset_row ds;
    if (strcmp(run.trained, "Waiting") != 0)
        goto out;
    r = store_datasets_get(run.workspace_id, run.dataset_id, &ds);
    if (r == ST_NOT_FOUND) {
        fail_run(&run, "the dataset was deleted", clock_now_ms());
        goto out;
    }
    if (r == ST_OK) {
        dataset_row_free(&ds);
        r = store_assets_list(run.workspace_id, run.dataset_id, collect_asset, &assets);
        if (r == ST_OK && assets.failed)
            r = ST_ERROR;
    }
    if (r == ST_OK) {
        /* progress counts images handled; the undecodable ones are counted
         * at the end as total minus memorised. */
        ctx->total = (int64_t)assets.n;
        size_t from = ctx->progress < 0 ? 0 : (size_t)ctx->progress;
        if (from < assets.n) {
            size_t to = from + TRAIN_BATCH < assets.n ? from + TRAIN_BATCH : assets.n;
            r = memorise_batch(run.id, assets.rows, from, to);
            if (r == ST_OK) {
                ctx->progress = (int64_t)to;
                char log[512];
                snprintf(log, sizeof log, "Queued for training.\nEpoch 1/1: memorised %zu of %zu images.\n", to,
                         assets.n);
                store_vi_runs_log(run.id, log, clock_now_ms());
                out = STEP_CONTINUE;
                goto out;
            }
        } else {
            int64_t items = 0;
            r = store_models_memory_count(run.id, &items);
            if (r == ST_OK) {
                out = finish(ctx, &run, (int64_t)assets.n, (int64_t)assets.n > items ? (int64_t)assets.n - items : 0);
                goto out;
            }
        }
    }
    if (r == ST_BUSY) {
        ctx->delay_ms = 500;
        out = STEP_WAIT;
    } else if (r == ST_CONFLICT) {
        /* The model's row went away under the batch: the run was deleted. */
        out = STEP_DONE;
    } else if (r != ST_OK) {
        fail_run(&run, "the dataset could not be read", clock_now_ms());
        snprintf(ctx->error, sizeof ctx->error, "training failed: %s", store_result_name(r));
        out = STEP_FAILED;
    }
out:
    free(assets.rows);
    vi_run_row_free(&run);
    return out;
}
