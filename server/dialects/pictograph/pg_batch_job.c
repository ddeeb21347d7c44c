/* pg_batch_job.c — the worker's side of an auto-annotate batch (see
 * pg_batch_job.h). Worker thread only.
 */
#include "pg_batch_job.h"
#include "pg.h"
#include "pg_annotation.h"
#include "pg_embed.h"
#include "pg_results.h"
#include "clock.h"
#include "core/store_jobs.h"
#include "db.h"
#include "dialects/pictograph/store_pg_annotations.h"
#include "dialects/pictograph/store_pg_batches.h"
#include "dialects/pictograph/store_pg_credits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ASSUMED_SIDE 1024

int64_t pg_batch_tiles(int width, int height, int slice)
{
    if (slice <= 0)
        return 0;
    if (width <= 0 || height <= 0)
        width = height = ASSUMED_SIDE;
    if (width <= slice && height <= slice)
        return 0;
    return (int64_t)((width + slice - 1) / slice) * ((height + slice - 1) / slice);
}

int64_t pg_batch_image_price(int width, int height, int slice)
{
    return pg_price_of("sam3_batch_image") + pg_batch_tiles(width, height, slice) * pg_price_of("sam3_sahi_tile");
}

/* One image's detections, ready to write. */
typedef struct {
    pg_ann *anns;
    size_t n, cap;
    json_t *tags; /* class names to add as tags */
} image_result;

static void result_free(image_result *r)
{
    for (size_t i = 0; i < r->n; i++)
        pg_ann_clear(&r->anns[i]);
    free(r->anns);
    json_decref(r->tags);
    memset(r, 0, sizeof *r);
}

static int result_add(image_result *r, json_t *wire)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        pg_ann *grown = realloc(r->anns, cap * sizeof *grown);
        if (!grown)
            return -1;
        r->anns = grown;
        r->cap = cap;
    }
    pg_errs e;
    pg_errs_init(&e);
    int rc = pg_ann_parse(wire, NULL, &e, &r->anns[r->n]);
    json_decref(e.errors);
    if (rc == 0)
        r->n++;
    return rc;
}

/* Detects every class on the image. -1 on an internal error. */
static int detect(const pg_batch_row *b, const pg_image *im, const segment_image *img, image_result *out)
{
    json_error_t jerr;
    json_t *classes = json_loads(b->classes, 0, &jerr);
    int rc = -1;
    out->tags = json_array();
    if (!json_is_array(classes))
        goto done;
    size_t i;
    json_t *cls;
    json_array_foreach(classes, i, cls) {
        const char *name = json_string_value(json_object_get(cls, "name"));
        const char *type = json_string_value(json_object_get(cls, "output_type"));
        if (!name || !type)
            goto done;
        seg_regions rs = {0};
        if (segment_text(img, name, 0, &rs) == SEG_ERROR)
            goto done;
        int taken = 0;
        for (int k = 0; k < rs.n && taken < b->top_k; k++) {
            if (rs.items[k].score < b->confidence)
                continue;
            taken++;
            if (strcmp(type, "tag") == 0)
                break;
            char seed[256], id[37];
            snprintf(seed, sizeof seed, "batch|%s|%s|%zu", b->job_id, im->a.id, i);
            pg_result_id(seed, k, id);
            json_t *wire = pg_result_annotation(&rs.items[k], name, id, strcmp(type, "polygon") == 0);
            int bad = result_add(out, wire);
            json_decref(wire);
            if (bad) {
                seg_regions_free(&rs);
                goto done;
            }
        }
        if (taken && strcmp(type, "tag") == 0)
            json_array_append_new(out->tags, json_string(name));
        seg_regions_free(&rs);
    }
    rc = 0;
done:
    json_decref(classes);
    return rc;
}

/* Writes image `index`'s outcome and advances the batch, charging `price`
 * when ok. Returns ST_OK, ST_INVALID (balance short), ST_CONFLICT (job no
 * longer running, or the image already recorded), or an error. */
static st_result record(const pg_batch_row *b, int64_t index, const pg_image *im, const image_result *r, int ok,
                        int64_t price, int64_t *balance)
{
    const pg_config *cfg = pg_config_get();
    int64_t now = clock_now_ms();
    char state[16] = "";
    st_result st = db_begin();
    if (st != ST_OK)
        return st;
    if ((st = store_jobs_state(b->job_id, state)) != ST_OK)
        goto fail;
    if (strcmp(state, "running") != 0) {
        st = ST_CONFLICT;
        goto fail;
    }
    if ((st = store_pg_batches_advance(b->job_id, index, ok, ok ? (int64_t)r->n : 0, ok ? price : 0)) != ST_OK)
        goto fail;
    if (ok) {
        char desc[400];
        snprintf(desc, sizeof desc, "SAM3 batch: %.300s", im->a.filename);
        json_t *meta = json_pack("{s:s,s:s,s:s}", "job_id", b->job_id, "image_id", im->a.id, "dataset_id",
                                 b->dataset_id);
        char *meta_text = json_dumps(meta, JSON_COMPACT);
        json_decref(meta);
        st = store_pg_credits_charge(b->workspace_id, cfg->allowance_micro_usd, price, "sam3_batch_image", desc,
                                     meta_text, now, balance);
        free(meta_text);
        if (st != ST_OK)
            goto fail;
        for (size_t i = 0; i < r->n; i++) {
            char *geometry = json_dumps(r->anns[i].geometry, JSON_COMPACT);
            char *attrs = json_dumps(r->anns[i].attrs, JSON_COMPACT);
            pg_ann_insert row = {.workspace_id = b->workspace_id, .dataset_id = b->dataset_id, .asset_id = im->a.id,
                                 .kind = r->anns[i].kind, .label = r->anns[i].name, .geometry = geometry,
                                 .attrs = attrs, .source = "auto", .has_confidence = 1,
                                 .confidence = r->anns[i].confidence};
            st = geometry && attrs ? store_pg_annotations_insert(&row, now) : ST_ERROR;
            free(geometry);
            free(attrs);
            if (st != ST_OK)
                goto fail;
        }
        if ((st = pg_classes_add(b->workspace_id, b->dataset_id, r->anns, r->n, now)) != ST_OK)
            goto fail;
        size_t k;
        json_t *tag;
        json_array_foreach(r->tags, k, tag) {
            if ((st = store_pg_images_add_tag(b->workspace_id, im->a.id, json_string_value(tag), now)) != ST_OK)
                goto fail;
        }
    }
    return db_commit();
fail:
    db_rollback();
    return st;
}

step_outcome pg_batch_step(job_ctx *ctx)
{
    pg_batch_row b;
    json_t *images = NULL;
    pg_embed *emb = NULL;
    image_result res = {0};
    pg_image im;
    int have_im = 0;
    step_outcome out = STEP_FAILED;
    st_result st = store_pg_batches_get(ctx->job_id, NULL, &b);
    if (st == ST_BUSY) {
        ctx->delay_ms = 50;
        return STEP_WAIT;
    }
    if (st != ST_OK) {
        snprintf(ctx->error, sizeof ctx->error, "The batch record is gone (%s)", store_result_name(st));
        return STEP_FAILED;
    }
    images = json_loads(b.images, 0, NULL);
    int64_t total = (int64_t)json_array_size(images);
    ctx->total = total;
    ctx->progress = b.next_index;
    if (b.next_index >= total) {
        ctx->result = json_pack("{s:I,s:I,s:I}", "processed_images", (json_int_t)b.processed, "failed_images",
                                (json_int_t)b.failed, "total_annotations_added", (json_int_t)b.annotations_added);
        out = STEP_DONE;
        goto done;
    }
    int64_t due = b.started_at + (b.next_index + 1) * b.per_image_ms, now = clock_now_ms();
    if (due > now) {
        ctx->delay_ms = due - now;
        out = STEP_WAIT;
        goto done;
    }
    dataset_row ds;
    st = store_datasets_get(b.workspace_id, b.dataset_id, &ds);
    if (st == ST_NOT_FOUND) {
        snprintf(ctx->error, sizeof ctx->error, "The dataset was deleted while the batch ran");
        goto done;
    }
    if (st != ST_OK) {
        ctx->delay_ms = 50;
        out = STEP_WAIT;
        goto done;
    }
    dataset_row_free(&ds);
    const char *asset_id = json_string_value(json_array_get(images, (size_t)b.next_index));
    int ok = 0;
    int64_t price = 0;
    st = asset_id ? store_pg_images_get(b.workspace_id, asset_id, &im) : ST_NOT_FOUND;
    if (st == ST_OK) {
        have_im = 1;
        if (strcmp(im.a.dataset_id, b.dataset_id) == 0 && pg_embed_get(im.a.blob_sha256, &emb) == 0) {
            if (detect(&b, &im, pg_embed_image(emb), &res) != 0) {
                snprintf(ctx->error, sizeof ctx->error, "Detection failed on image %s", im.a.id);
                goto done;
            }
            ok = 1;
            price = pg_batch_image_price(im.a.width, im.a.height, b.sahi_slice);
        }
    } else if (st != ST_NOT_FOUND) {
        ctx->delay_ms = 50;
        out = STEP_WAIT;
        goto done;
    }
    if (!have_im) /* gone meanwhile: a failed image, never charged */
        memset(&im, 0, sizeof im);
    int64_t balance = 0;
    st = record(&b, b.next_index, &im, &res, ok, price, &balance);
    if (st == ST_INVALID) {
        snprintf(ctx->error, sizeof ctx->error,
                 "Insufficient credits: image %lld needs %lld micro-USD, %lld remaining", (long long)b.next_index,
                 (long long)price, (long long)balance);
        goto done;
    }
    if (st == ST_BUSY) {
        ctx->delay_ms = 50;
        out = STEP_WAIT;
        goto done;
    }
    if (st != ST_OK && st != ST_CONFLICT) {
        snprintf(ctx->error, sizeof ctx->error, "Could not record image %lld: %s", (long long)b.next_index,
                 store_result_name(st));
        goto done;
    }
    /* ST_CONFLICT: cancelled meanwhile (the worker stops) or already recorded. */
    ctx->progress = b.next_index + (st == ST_OK);
    out = STEP_CONTINUE;
done:
    result_free(&res);
    pg_embed_release(emb);
    if (have_im)
        pg_image_free(&im);
    json_decref(images);
    pg_batch_row_free(&b);
    return out;
}
