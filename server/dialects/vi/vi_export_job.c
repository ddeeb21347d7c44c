/* vi_export_job.c — the durable "vi.export" job: builds a dataset export or an
 * annotation-only export as a ZIP archive (spec §11.2, §13.1) and publishes it
 * as a GET transfer (HEAD with Content-Length, exact Range; transfer_routes.c).
 *
 * Splits: splitRatio null → everything in `dump/`; otherwise assets ordered by
 * asset id, the first round(ratio·N) in `training/`, the rest in `validation/`.
 * Inside a split, images go to the format writer in byte order of their file
 * names (so ordinal JSONL files pair with sorted images, as the client needs).
 * Each asset is read through vi_view.c, the same mapping the annotations API
 * uses, so annotations of every dialect export. The archive is built in memory,
 * stored as a blob and published in one transaction with the export row, so a
 * crash leaves the export Waiting and the resumed job builds it again. Worker
 * thread only.
 */
#include "clock.h"
#include "core/formats/format.h"
#include "core/formats/zip.h"
#include "core/store_blobs.h"
#include "core/store_transfers.h"
#include "db.h"
#include "store_vi_core.h"
#include "store_vi_sessions.h"
#include "vi.h"
#include "vi_routes.h"
#include "vi_view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VI_EXPORT_TTL_MS (7LL * 24 * 60 * 60 * 1000)

typedef struct {
    asset_row *rows;
    size_t n;
    int failed;
} assets_acc;

static void collect(const vi_asset_row *v, void *arg)
{
    assets_acc *acc = arg;
    asset_row *grown = realloc(acc->rows, (acc->n + 1) * sizeof *grown);
    if (!grown) {
        acc->failed = 1;
        return;
    }
    acc->rows = grown;
    acc->rows[acc->n++] = v->a;
}

static int by_id(const void *x, const void *y)
{
    return strcmp(((const asset_row *)x)->id, ((const asset_row *)y)->id);
}

static int by_filename(const void *x, const void *y)
{
    const asset_row *a = x, *b = y;
    int c = strcmp(a->filename, b->filename);
    return c ? c : strcmp(a->id, b->id);
}

/* qsort, which must not see a NULL array even when it is empty. */
static void sort_rows(asset_row *rows, size_t n, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(rows, n, sizeof *rows, cmp);
}

static int is_compressed_image(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcmp(dot, ".jpg") == 0 || strcmp(dot, ".jpeg") == 0 || strcmp(dot, ".png") == 0 ||
                   strcmp(dot, ".webp") == 0 || strcmp(dot, ".gif") == 0);
}

static int emit_zip(void *arg, const char *path, const void *data, size_t len)
{
    return zip_writer_add(arg, path, data, len, !is_compressed_image(path));
}

typedef struct {
    const vi_export_row *e;
    vi_type type;
    const vi_tags *tags;
    const format_def *fmt;
    format_options opts;
    zip_writer *zip;
} build_ctx;

/* Writes one split: its assets (already in file-name order) through the format. */
static st_result write_split(build_ctx *b, const char *split, const asset_row *rows, size_t n)
{
    void *w = b->fmt->open(&b->opts, split);
    if (!w)
        return ST_ERROR;
    st_result r = ST_OK;
    for (size_t i = 0; i < n && r == ST_OK; i++) {
        vi_view v;
        if ((r = vi_view_load(b->e->workspace_id, &rows[i], b->type, b->tags, &v)) != ST_OK)
            break;
        unsigned char *bytes = NULL;
        size_t len = 0;
        if (b->opts.include_images)
            r = store_blobs_load(rows[i].blob_sha256, &bytes, &len);
        if (r == ST_OK) {
            format_image img = {v.line_id, rows[i].id, rows[i].filename, rows[i].mime, rows[i].width,
                                rows[i].height, v.caption, v.boxes, v.nboxes, v.qas, v.nqas, v.response, bytes, len};
            if (b->fmt->add(w, &img, emit_zip, b->zip) != 0)
                r = ST_ERROR;
        }
        free(bytes);
        vi_view_free(&v);
    }
    if (b->fmt->close(w, r == ST_OK ? emit_zip : NULL, b->zip) != 0 && r == ST_OK)
        r = ST_ERROR;
    return r;
}

/* Builds the archive for e into *zip_out (malloc'd). */
static st_result build(const vi_export_row *e, const dataset_row *ds, unsigned char **zip_out, size_t *zip_len)
{
    assets_acc assets = {0};
    vi_tags tags;
    memset(&tags, 0, sizeof tags);
    const char **classes = NULL;
    build_ctx b;
    memset(&b, 0, sizeof b);
    b.e = e;
    b.type = vi_type_of(ds->type);
    b.fmt = format_find(e->format);
    st_result r = b.fmt ? ST_OK : ST_INVALID;
    if (r == ST_OK)
        r = vi_tags_load(e->workspace_id, ds, &tags);
    if (r == ST_OK && (r = store_vi_assets_list(e->workspace_id, ds->id, collect, &assets)) == ST_OK && assets.failed)
        r = ST_ERROR;
    if (r == ST_OK && !(classes = calloc(tags.n ? tags.n : 1, sizeof *classes)))
        r = ST_ERROR;
    if (r == ST_OK && !(b.zip = zip_writer_new(clock_now_ms())))
        r = ST_ERROR;
    if (r != ST_OK)
        goto out;
    for (size_t i = 0; i < tags.n; i++)
        classes[i] = tags.tags[i].name;
    b.tags = &tags;
    b.opts = (format_options){b.type == VI_TYPE_VQA        ? FORMAT_TASK_VQA
                              : b.type == VI_TYPE_FREEFORM ? FORMAT_TASK_FREEFORM
                                                           : FORMAT_TASK_PHRASE_GROUNDING,
                              classes,
                              tags.n,
                              e->normalized,
                              strcmp(e->resource, "dataset") == 0 && strcmp(e->format, "ViJsonl") != 0,
                              strcmp(e->resource, "annotation") == 0};
    sort_rows(assets.rows, assets.n, by_id);
    size_t ntrain = e->has_split ? (size_t)llround(e->split_ratio * (double)assets.n) : 0;
    if (ntrain > assets.n)
        ntrain = assets.n;
    sort_rows(assets.rows, ntrain, by_filename);
    sort_rows(assets.rows + ntrain, assets.n - ntrain, by_filename);
    if (!e->has_split)
        r = write_split(&b, "dump", assets.rows, assets.n);
    else {
        r = write_split(&b, "training", assets.rows, ntrain);
        if (r == ST_OK)
            r = write_split(&b, "validation", assets.rows + ntrain, assets.n - ntrain);
    }
    if (r == ST_OK && b.fmt->root && b.fmt->root(&b.opts, emit_zip, b.zip) != 0)
        r = ST_ERROR;
    if (r == ST_OK) {
        zip_writer *z = b.zip;
        b.zip = NULL;
        if (zip_writer_finish(z, zip_out, zip_len) != 0)
            r = ST_ERROR;
    }
out:
    zip_writer_free(b.zip);
    free(classes);
    free(assets.rows);
    vi_tags_free(&tags);
    return r;
}

/* Stores the archive, opens its GET transfer and marks the export Reached. */
static st_result publish(const vi_export_row *e, const unsigned char *zip, size_t len)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    blob_info info;
    transfer_row t;
    memset(&t, 0, sizeof t);
    int64_t now = clock_now_ms();
    if ((r = store_blobs_put(zip, len, &info)) != ST_OK)
        goto fail;
    snprintf(t.workspace_id, sizeof t.workspace_id, "%s", e->workspace_id);
    snprintf(t.dialect, sizeof t.dialect, "vi");
    snprintf(t.direction, sizeof t.direction, "get");
    snprintf(t.filename, sizeof t.filename, "%s-%s.zip", e->resource, e->id);
    snprintf(t.content_type, sizeof t.content_type, "application/zip");
    snprintf(t.blob_sha256, sizeof t.blob_sha256, "%s", info.sha256);
    snprintf(t.purpose, sizeof t.purpose, "vi.export");
    snprintf(t.owner_ref, sizeof t.owner_ref, "%s", e->id);
    t.max_bytes = (int64_t)len;
    t.expected_size = -1;
    t.expires_at = now + VI_EXPORT_TTL_MS;
    if ((r = store_transfers_create(&t)) != ST_OK ||
        (r = store_vi_exports_finish(e->id, "Reached", NULL, t.token, t.expires_at, now)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

step_outcome vi_export_step(job_ctx *ctx)
{
    const char *id = json_string_value(json_object_get(ctx->payload, "export"));
    if (!id) {
        snprintf(ctx->error, sizeof ctx->error, "payload has no export");
        return STEP_FAILED;
    }
    vi_export_row e;
    st_result r = store_vi_exports_get(ctx->workspace_id, id, NULL, &e);
    if (r == ST_NOT_FOUND)
        return STEP_DONE;
    if (r != ST_OK) {
        ctx->delay_ms = 200;
        return STEP_WAIT;
    }
    step_outcome out = STEP_DONE;
    if (strcmp(e.state, "Waiting") != 0)
        goto out;
    dataset_row ds;
    r = store_datasets_get(e.workspace_id, e.dataset_id, &ds);
    if (r == ST_NOT_FOUND) {
        store_vi_exports_finish(e.id, "FailedReach", "the dataset was deleted", NULL, 0, clock_now_ms());
        goto out;
    }
    if (r == ST_OK) {
        unsigned char *zip = NULL;
        size_t len = 0;
        r = build(&e, &ds, &zip, &len);
        dataset_row_free(&ds);
        if (r == ST_OK)
            r = publish(&e, zip, len);
        free(zip);
    }
    if (r == ST_BUSY) {
        ctx->delay_ms = 500;
        out = STEP_WAIT;
    } else if (r != ST_OK) {
        store_vi_exports_finish(e.id, "FailedReach", "the export could not be built", NULL, 0, clock_now_ms());
        snprintf(ctx->error, sizeof ctx->error, "export failed: %s", store_result_name(r));
        out = STEP_FAILED;
    }
out:
    vi_export_row_free(&e);
    return out;
}
