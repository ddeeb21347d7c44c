/* pg_batch.c — A/auto-annotate/batch: kickoff, quote, get, cancel
 * (specs/pictograph.md §5.1, §6.4, §6.5, §7, §10.3, §10.4).
 *
 * A batch is a core job of type "pictograph.batch" plus its pictograph_batches
 * row. Core job states map onto the closed BatchJob enum: queued -> pending,
 * running -> running, succeeded -> completed, failed -> failed, cancelled ->
 * cancelled. Kickoff refuses with 402 when the balance cannot cover the
 * estimate (images x 3 credits, plus 1 credit per SAHI tile); the charge itself
 * happens per processed image in the worker. The emulator has no trained
 * models: a model_id other than "sam3" is 404 (400 first when SAHI is asked
 * for it). Request threads.
 */
#include "pg.h"
#include "pg_batch_job.h"
#include "pg_idem.h"
#include "pg_routes.h"
#include "clock.h"
#include "core/store_jobs.h"
#include "db.h"
#include "dialects/pictograph/store_pg_batches.h"
#include "dialects/pictograph/store_pg_credits.h"
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *dataset;
    const json_t *filenames;  /* borrowed */
    json_t *classes;          /* owned: [{name, output_type}] */
    json_t *projected;        /* owned (quote): [{count, width, height}] */
    double confidence;
    int64_t top_k, slice;
    int sahi;
    const char *model;
} batch_req;

static void batch_req_free(batch_req *b)
{
    json_decref(b->classes);
    json_decref(b->projected);
}

static void parse_classes(pg_errs *e, const json_t *body, json_t *out)
{
    static const char *const keys[] = {"name", "output_type", NULL};
    const json_t *v = json_object_get(body, "classes");
    json_t *loc = pg_loc(NULL, "classes");
    if (v && !json_is_null(v) && !json_is_array(v))
        pg_errs_add(e, json_copy(loc), "list_type", "Input should be a valid list");
    size_t i;
    json_t *c;
    json_array_foreach(json_is_array(v) ? v : NULL, i, c) {
        json_t *at = pg_loc_i(loc, i);
        const char *name = NULL, *type = NULL;
        if (!json_is_object(c)) {
            pg_errs_add(e, json_copy(at), "model_type", "Input should be a valid dictionary or object");
        } else {
            int bad = pg_field_keys(e, c, at, keys) < 0;
            bad |= pg_field_str(e, c, at, "name", 1, 255, &name) < 0;
            if (pg_field_str(e, c, at, "output_type", 0, 16, &type) > 0 && strcmp(type, "polygon") != 0 &&
                strcmp(type, "bbox") != 0 && strcmp(type, "tag") != 0) {
                pg_errs_add(e, pg_loc(at, "output_type"), "literal_error",
                            "Input should be 'polygon', 'bbox' or 'tag'");
                bad = 1;
            }
            if (!bad)
                json_array_append_new(out, json_pack("{s:s,s:s}", "name", name, "output_type", type ? type : "polygon"));
        }
        json_decref(at);
    }
    json_decref(loc);
}

static void parse_projected(pg_errs *e, const json_t *body, json_t *out)
{
    static const char *const keys[] = {"count", "width", "height", NULL};
    const json_t *v = json_object_get(body, "projected");
    json_t *loc = pg_loc(NULL, "projected");
    if (v && !json_is_null(v) && !json_is_array(v))
        pg_errs_add(e, json_copy(loc), "list_type", "Input should be a valid list");
    size_t i;
    json_t *p;
    json_array_foreach(json_is_array(v) ? v : NULL, i, p) {
        json_t *at = pg_loc_i(loc, i);
        int64_t count = 0, w = 0, h = 0;
        if (!json_is_object(p)) {
            pg_errs_add(e, json_copy(at), "model_type", "Input should be a valid dictionary or object");
        } else {
            int bad = pg_field_keys(e, p, at, keys) < 0;
            bad |= pg_field_int(e, p, at, "count", 1, 0, 100000000, &count) < 0;
            bad |= pg_field_int(e, p, at, "width", 0, 1, 1000000, &w) < 0;
            bad |= pg_field_int(e, p, at, "height", 0, 1, 1000000, &h) < 0;
            if (!bad)
                json_array_append_new(out, json_pack("{s:I,s:I,s:I}", "count", (json_int_t)count, "width",
                                                     (json_int_t)w, "height", (json_int_t)h));
        }
        json_decref(at);
    }
    json_decref(loc);
}

/* Shared body of kickoff and quote; semantic checks (400/404) follow. */
static int parse_batch(const vs_request *req, vs_response *res, int quote, batch_req *b)
{
    static const char *const batch_keys[] = {"dataset_name", "image_filenames", "classes", "confidence_threshold",
                                             "top_k", "model_id", "sahi_enabled", "sahi_slice_size", NULL};
    static const char *const quote_keys[] = {"dataset_name", "image_filenames", "projected", "classes", "model_id",
                                             "sahi_enabled", "sahi_slice_size", NULL};
    const json_t *body = req->json;
    memset(b, 0, sizeof *b);
    b->classes = json_array();
    b->projected = json_array();
    pg_errs e;
    pg_errs_init(&e);
    pg_field_keys(&e, body, NULL, quote ? quote_keys : batch_keys);
    pg_field_str(&e, body, NULL, "dataset_name", !quote, 255, &b->dataset);
    b->filenames = json_object_get(body, "image_filenames");
    json_t *loc = pg_loc(NULL, "image_filenames");
    if (!b->filenames || json_is_null(b->filenames)) {
        b->filenames = NULL;
        if (!quote)
            pg_errs_add(&e, json_copy(loc), "missing", "Field required");
    } else if (!json_is_array(b->filenames)) {
        pg_errs_add(&e, json_copy(loc), "list_type", "Input should be a valid list");
    } else if ((!quote && json_array_size(b->filenames) < 1) || json_array_size(b->filenames) > PG_BATCH_MAX_IMAGES) {
        pg_errs_add(&e, json_copy(loc), json_array_size(b->filenames) ? "too_long" : "too_short",
                    "List should have between 1 and %d items after validation", PG_BATCH_MAX_IMAGES);
    } else {
        size_t i;
        json_t *f;
        json_array_foreach(b->filenames, i, f) {
            if (!json_is_string(f) || !json_string_length(f) || json_string_length(f) > 1024)
                pg_errs_add(&e, pg_loc_i(loc, i), "string_type", "Input should be a non-empty string");
        }
    }
    json_decref(loc);
    parse_classes(&e, body, b->classes);
    if (quote)
        parse_projected(&e, body, b->projected);
    b->confidence = 0.5;
    b->top_k = 1;
    if (!quote) {
        pg_field_num(&e, body, NULL, "confidence_threshold", 0, 0.0, 1.0, &b->confidence);
        pg_field_int(&e, body, NULL, "top_k", 0, 1, 100, &b->top_k);
    }
    pg_field_str(&e, body, NULL, "model_id", 0, 255, &b->model);
    pg_field_bool(&e, body, NULL, "sahi_enabled", 0, &b->sahi);
    b->slice = 640;
    pg_field_int(&e, body, NULL, "sahi_slice_size", 0, 256, 1024, &b->slice);
    if (pg_errs_finish(&e, res) != 0)
        return -1;
    int trained = b->model && strcmp(b->model, "sam3") != 0;
    if (trained && b->sahi)
        return vs_fail(res, 400, "validation_error", "SAHI sliced inference is only available with SAM3, not with a "
                                                     "trained model");
    if (trained)
        return vs_fail(res, 404, "not_found", "Model '%.200s' not found", b->model);
    if (!quote && json_array_size(b->classes) == 0)
        return vs_fail(res, 400, "validation_error", "A SAM3 batch needs at least one class");
    if (quote && !b->dataset && json_array_size(b->filenames) > 0)
        return vs_fail(res, 400, "validation_error", "dataset_name is required to price existing images");
    return 0;
}

typedef struct {
    json_t *ids;      /* asset ids, in order, unique */
    json_t *seen;     /* id -> true */
} id_set;

static void id_add(id_set *s, const char *id)
{
    if (json_object_get(s->seen, id))
        return;
    json_object_set_new(s->seen, id, json_true());
    json_array_append_new(s->ids, json_string(id));
}

typedef struct {
    id_set *set;
    int matches;
} named_ctx;

static void add_named(const char *id, void *arg)
{
    named_ctx *c = arg;
    c->matches++;
    id_add(c->set, id);
}

/* Resolves image_filenames (ids, paths, bare names = every image so named). */
static int resolve_images(const vs_request *req, vs_response *res, const dataset_row *ds, const json_t *names,
                          id_set *out)
{
    size_t i;
    json_t *f;
    json_array_foreach(names, i, f) {
        const char *ref = json_string_value(f);
        pg_image im;
        if (pg_is_uuid(ref) || strchr(ref, '/')) {
            if (pg_image_find(req, res, ds, ref, &im) != 0)
                return -1;
            id_add(out, im.a.id);
            pg_image_free(&im);
            continue;
        }
        named_ctx c = {out, 0};
        st_result r = store_pg_images_ids_by_name(req->workspace_id, ds->id, ref, add_named, &c);
        if (r != ST_OK)
            return vs_fail_store(res, r, "Images");
        if (!c.matches)
            return vs_fail(res, 404, "not_found", "No image matches '%.200s' in dataset '%.200s'", ref, ds->name);
    }
    return 0;
}

/* Estimate over resolved images: price and SAHI tiles. */
static int estimate(const vs_request *req, vs_response *res, const json_t *ids, int slice, int64_t *price,
                    int64_t *tiles)
{
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        pg_image im;
        st_result r = store_pg_images_get(req->workspace_id, json_string_value(id), &im);
        if (r != ST_OK)
            return vs_fail_store(res, r, "Image");
        *price += pg_batch_image_price(im.a.width, im.a.height, slice);
        *tiles += pg_batch_tiles(im.a.width, im.a.height, slice);
        pg_image_free(&im);
    }
    return 0;
}

static const char *wire_state(const char *state)
{
    if (strcmp(state, "queued") == 0)
        return "pending";
    if (strcmp(state, "succeeded") == 0)
        return "completed";
    return state; /* running, failed, cancelled */
}

static json_t *job_view(const job_row *j, const pg_batch_row *b)
{
    int terminal = strcmp(j->state, "succeeded") == 0 || strcmp(j->state, "failed") == 0 ||
                   strcmp(j->state, "cancelled") == 0;
    json_t *images = json_loads(b->images, 0, NULL);
    int64_t total = (int64_t)json_array_size(images);
    json_decref(images);
    int64_t done = b->processed + b->failed;
    int64_t progress = terminal ? 100 : total ? done * 100 / total : 0;
    if (!terminal && progress > 99)
        progress = 99;
    json_t *o = json_object();
    json_object_set_new(o, "job_id", json_string(j->id));
    json_object_set_new(o, "job", json_string(j->id));
    json_object_set_new(o, "status", json_string(wire_state(j->state)));
    json_object_set_new(o, "progress", json_integer(progress));
    json_object_set_new(o, "total_images", json_integer(total));
    json_object_set_new(o, "processed_images", json_integer(b->processed));
    json_object_set_new(o, "total_annotations_added", json_integer(b->annotations_added));
    json_object_set_new(o, "failed_images", json_integer(b->failed));
    json_object_set_new(o, "error_message",
                        strcmp(j->state, "failed") == 0 && j->error ? json_string(j->error) : json_null());
    json_object_set_new(o, "estimated_credits", json_integer(b->estimated));
    json_object_set_new(o, "charged_credits", json_integer(b->charged));
    json_object_set_new(o, "dataset_id", json_string(b->dataset_id));
    json_object_set_new(o, "created_at", pg_time_json(b->created_at));
    json_object_set_new(o, "completed_at", terminal ? pg_time_json(j->updated_at) : json_null());
    return o;
}

int pg_batch_create(vs_request *req, vs_response *res)
{
    const pg_config *cfg = pg_config_get();
    pg_idem idem;
    int irc = pg_idem_begin(req, res, &idem);
    if (irc)
        return irc > 0 ? 0 : -1;
    batch_req b;
    dataset_row ds;
    id_set set = {json_array(), json_object()};
    char *images_text = NULL, *classes_text = NULL;
    int rc = -1, have_ds = 0;
    if (parse_batch(req, res, 0, &b) != 0)
        goto out;
    if (pg_dataset_find(req, res, b.dataset, &ds) != 0)
        goto out;
    have_ds = 1;
    if (resolve_images(req, res, &ds, b.filenames, &set) != 0)
        goto out;
    int slice = b.sahi ? (int)b.slice : 0;
    int64_t price = 0, tiles = 0, remaining = 0;
    if (estimate(req, res, set.ids, slice, &price, &tiles) != 0)
        goto out;
    st_result r = store_pg_credits_remaining(req->workspace_id, cfg->allowance_micro_usd, &remaining);
    if (r != ST_OK) {
        rc = vs_fail_store(res, r, "Credits");
        goto out;
    }
    if (remaining < price) {
        rc = pg_fail_credits(res, price, remaining);
        goto out;
    }
    images_text = json_dumps(set.ids, JSON_COMPACT);
    classes_text = json_dumps(b.classes, JSON_COMPACT);
    int64_t now = clock_now_ms();
    pg_batch_row row = {.images = images_text, .classes = classes_text, .confidence = b.confidence,
                        .top_k = (int)b.top_k, .sahi_slice = slice, .per_image_ms = cfg->batch_image_ms,
                        .started_at = now, .estimated = price, .created_at = now};
    snprintf(row.workspace_id, sizeof row.workspace_id, "%s", req->workspace_id);
    snprintf(row.dataset_id, sizeof row.dataset_id, "%s", ds.id);
    json_t *view = NULL;
    if ((r = db_begin()) != ST_OK) {
        rc = vs_fail_store(res, r, "Batch job");
        goto out;
    }
    r = store_jobs_insert(req->workspace_id, PG_BATCH_JOB_TYPE, "{}", now + cfg->batch_image_ms, row.job_id);
    if (r == ST_OK)
        r = store_pg_batches_create(&row);
    if (r == ST_OK) {
        job_row j;
        memset(&j, 0, sizeof j);
        snprintf(j.id, sizeof j.id, "%s", row.job_id);
        snprintf(j.state, sizeof j.state, "queued");
        view = job_view(&j, &row);
        r = pg_idem_store(req, &idem, 200, view);
    }
    if (r == ST_OK)
        r = db_commit();
    else
        db_rollback();
    if (r == ST_CONFLICT && idem.key) {
        json_decref(view);
        pg_idem again;
        rc = pg_idem_begin(req, res, &again) > 0 ? 0 : -1;
        goto out;
    }
    if (r != ST_OK) {
        json_decref(view);
        rc = vs_fail_store(res, r, "Batch job");
        goto out;
    }
    worker_wake();
    rc = vs_reply_json(res, 200, view);
out:
    free(images_text);
    free(classes_text);
    json_decref(set.ids);
    json_decref(set.seen);
    if (have_ds)
        dataset_row_free(&ds);
    batch_req_free(&b);
    return rc;
}

int pg_batch_quote(vs_request *req, vs_response *res)
{
    const pg_config *cfg = pg_config_get();
    pg_idem idem;
    int irc = pg_idem_begin(req, res, &idem);
    if (irc)
        return irc > 0 ? 0 : -1;
    batch_req b;
    dataset_row ds;
    id_set set = {json_array(), json_object()};
    int rc = -1, have_ds = 0;
    if (parse_batch(req, res, 1, &b) != 0)
        goto out;
    if (b.dataset) {
        if (pg_dataset_find(req, res, b.dataset, &ds) != 0)
            goto out;
        have_ds = 1;
        if (b.filenames && resolve_images(req, res, &ds, b.filenames, &set) != 0)
            goto out;
    }
    int slice = b.sahi ? (int)b.slice : 0;
    int64_t price = 0, tiles = 0, remaining = 0, total = (int64_t)json_array_size(set.ids);
    if (estimate(req, res, set.ids, slice, &price, &tiles) != 0)
        goto out;
    size_t i;
    json_t *p;
    json_array_foreach(b.projected, i, p) {
        int64_t count = json_integer_value(json_object_get(p, "count"));
        int w = (int)json_integer_value(json_object_get(p, "width"));
        int h = (int)json_integer_value(json_object_get(p, "height"));
        total += count;
        price += count * pg_batch_image_price(w, h, slice);
        tiles += count * pg_batch_tiles(w, h, slice);
    }
    st_result r = store_pg_credits_remaining(req->workspace_id, cfg->allowance_micro_usd, &remaining);
    if (r != ST_OK) {
        rc = vs_fail_store(res, r, "Credits");
        goto out;
    }
    json_t *o = json_object();
    json_object_set_new(o, "total_images", json_integer(total));
    json_object_set_new(o, "estimated_credits", json_integer(price));
    json_object_set_new(o, "sahi_tiles", json_integer(tiles));
    json_object_set_new(o, "containers", json_integer(total > 0 ? 1 : 0));
    json_object_set_new(o, "remaining_credits", json_integer(remaining));
    json_object_set_new(o, "sufficient", json_boolean(remaining >= price));
    json_object_set_new(o, "max_images", json_integer(PG_BATCH_MAX_IMAGES));
    json_object_set_new(o, "exceeds_max_images", json_boolean(total > PG_BATCH_MAX_IMAGES));
    rc = pg_idem_reply(req, res, &idem, 200, o);
out:
    json_decref(set.ids);
    json_decref(set.seen);
    if (have_ds)
        dataset_row_free(&ds);
    batch_req_free(&b);
    return rc;
}

/* The job and its batch row for this workspace; 404 otherwise. */
static int load(const vs_request *req, vs_response *res, const char *id, job_row *j, pg_batch_row *b)
{
    st_result r = store_jobs_get(id, req->workspace_id, j);
    if (r == ST_OK && strcmp(j->type, PG_BATCH_JOB_TYPE) != 0) {
        job_row_free(j);
        r = ST_NOT_FOUND;
    }
    if (r == ST_OK) {
        r = store_pg_batches_get(id, req->workspace_id, b);
        if (r != ST_OK)
            job_row_free(j);
    }
    if (r == ST_NOT_FOUND)
        return vs_fail(res, 404, "not_found", "Batch job '%.100s' not found", id);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Batch job");
    return 0;
}

int pg_batch_get(vs_request *req, vs_response *res)
{
    job_row j;
    pg_batch_row b;
    if (load(req, res, vs_param(req, "job_id"), &j, &b) != 0)
        return -1;
    int rc = vs_reply_json(res, 200, job_view(&j, &b));
    job_row_free(&j);
    pg_batch_row_free(&b);
    return rc;
}

int pg_batch_cancel(vs_request *req, vs_response *res)
{
    pg_idem idem;
    int irc = pg_idem_begin(req, res, &idem);
    if (irc)
        return irc > 0 ? 0 : -1;
    const char *id = vs_param(req, "job_id");
    job_row j;
    pg_batch_row b;
    for (int attempt = 0;; attempt++) {
        if (load(req, res, id, &j, &b) != 0)
            return -1;
        if (strcmp(j.state, "succeeded") == 0 || strcmp(j.state, "failed") == 0) {
            int rc = vs_fail_details(res, 409, "conflict", json_pack("{s:s}", "status", wire_state(j.state)),
                                     "Batch job '%s' is already %s", j.id, wire_state(j.state));
            job_row_free(&j);
            pg_batch_row_free(&b);
            return rc;
        }
        if (strcmp(j.state, "cancelled") == 0)
            break;
        st_result r = store_jobs_transition(j.id, "cancelled", NULL, NULL);
        job_row_free(&j);
        pg_batch_row_free(&b);
        if (r != ST_OK && (r != ST_CONFLICT || attempt >= 3))
            return vs_fail_store(res, r, "Batch job");
        worker_wake(); /* a running job notices between images */
    }
    json_t *view = job_view(&j, &b);
    job_row_free(&j);
    pg_batch_row_free(&b);
    return pg_idem_reply(req, res, &idem, 200, view);
}
