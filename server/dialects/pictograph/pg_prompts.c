/* pg_prompts.c — A/auto-annotate/sam3/{point,box,text}: single-image prompts
 * answered by the pixel-based engine in core/segment.c (specs/pictograph.md
 * §5.1, §10.1, §10.3).
 *
 * Flow: replay an Idempotency-Key hit; validate (422); resolve dataset and
 * image (404); price the prompt from the image's billing session (3 credits
 * to open one, 1 credit while it stays open) and refuse early with 402 when
 * the balance is short; segment; then, in one transaction, record the session,
 * charge and store the idempotent response — so a failed call charges and
 * writes nothing, and a retried call is charged once. Statuses are success,
 * no_detection and below_threshold, all with HTTP 200. Request threads.
 */
#include "pg.h"
#include "pg_answers.h"
#include "pg_embed.h"
#include "pg_idem.h"
#include "pg_results.h"
#include "pg_routes.h"
#include "clock.h"
#include "db.h"
#include "dialects/pictograph/store_pg_credits.h"
#include "dialects/pictograph/store_pg_sessions.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POINTS 100
#define MAX_BOXES 100

typedef enum { PROMPT_POINT, PROMPT_BOX, PROMPT_TEXT } prompt_kind;

static const char *const kind_names[] = {"point", "box", "text"};

typedef struct {
    prompt_kind kind;
    const char *dataset, *image, *name;
    double threshold;
    /* point */
    seg_point *pos, *neg;
    int npos, nneg;
    /* box */
    seg_rect box;
    seg_rect *neg_boxes;
    int nneg_boxes;
    int polygon;
    /* text */
    const char *text;
    int64_t max_detections;
} prompt;

static void prompt_free(prompt *p)
{
    free(p->pos);
    free(p->neg);
    free(p->neg_boxes);
}

/* [[x, y], ...] (or [{x, y}, ...]) into points; at most MAX_POINTS. */
static int parse_points(pg_errs *e, const json_t *body, const char *key, seg_point **out, int *n)
{
    const json_t *v = json_object_get(body, key);
    json_t *loc = pg_loc(NULL, key);
    int rc = 0;
    *out = NULL;
    *n = 0;
    if (!v || json_is_null(v))
        goto done;
    if (!json_is_array(v) || json_array_size(v) > MAX_POINTS) {
        pg_errs_add(e, json_copy(loc), json_is_array(v) ? "too_long" : "list_type",
                    json_is_array(v) ? "List should have at most %d items after validation" : "Input should be a valid list",
                    MAX_POINTS);
        rc = -1;
        goto done;
    }
    *out = calloc(json_array_size(v) + 1, sizeof **out);
    size_t i;
    json_t *p;
    json_array_foreach(v, i, p) {
        double x, y;
        int ok = json_is_array(p) ? json_array_size(p) == 2 && pg_value_num(json_array_get(p, 0), &x) &&
                                        pg_value_num(json_array_get(p, 1), &y)
                                  : json_is_object(p) && json_object_size(p) == 2 &&
                                        pg_value_num(json_object_get(p, "x"), &x) &&
                                        pg_value_num(json_object_get(p, "y"), &y);
        if (!ok) {
            pg_errs_add(e, pg_loc_i(loc, i), "value_error", "Value error, a point is [x, y] with two numbers");
            rc = -1;
        } else if (*out) {
            (*out)[*n].x = x;
            (*out)[*n].y = y;
            (*n)++;
        }
    }
done:
    json_decref(loc);
    return rc;
}

/* {x, y, w, h} with w, h > 0. */
static int parse_rect(pg_errs *e, const json_t *v, json_t *loc, seg_rect *out)
{
    static const char *const keys[] = {"x", "y", "w", "h", NULL};
    int rc = 0;
    if (!json_is_object(v)) {
        pg_errs_add(e, json_copy(loc), "model_type", "Input should be a valid dictionary or object");
        rc = -1;
    } else {
        rc |= pg_field_keys(e, v, loc, keys);
        rc |= pg_field_num(e, v, loc, "x", 1, -INFINITY, INFINITY, &out->x) < 0 ? -1 : 0;
        rc |= pg_field_num(e, v, loc, "y", 1, -INFINITY, INFINITY, &out->y) < 0 ? -1 : 0;
        rc |= pg_field_num(e, v, loc, "w", 1, -INFINITY, INFINITY, &out->w) < 0 ? -1 : 0;
        rc |= pg_field_num(e, v, loc, "h", 1, -INFINITY, INFINITY, &out->h) < 0 ? -1 : 0;
        if (!rc && !(out->w > 0)) {
            pg_errs_add(e, pg_loc(loc, "w"), "greater_than", "Input should be greater than 0");
            rc = -1;
        }
        if (!rc && !(out->h > 0)) {
            pg_errs_add(e, pg_loc(loc, "h"), "greater_than", "Input should be greater than 0");
            rc = -1;
        }
    }
    json_decref(loc);
    return rc;
}

static int parse_prompt(const vs_request *req, vs_response *res, prompt_kind kind, prompt *p)
{
    static const char *const point_keys[] = {"dataset_name", "image_filename", "x", "y", "name", "score_threshold",
                                             "positive_points", "negative_points", NULL};
    static const char *const box_keys[] = {"dataset_name", "image_filename", "box", "name", "confidence_threshold",
                                           "return_polygon", "negative_boxes", NULL};
    static const char *const text_keys[] = {"dataset_name", "image_filename", "text_prompt", "output_type",
                                            "confidence_threshold", "max_detections", NULL};
    const json_t *body = req->json;
    memset(p, 0, sizeof *p);
    p->kind = kind;
    pg_errs e;
    pg_errs_init(&e);
    pg_field_keys(&e, body, NULL, kind == PROMPT_POINT ? point_keys : kind == PROMPT_BOX ? box_keys : text_keys);
    pg_field_str(&e, body, NULL, "dataset_name", 1, 255, &p->dataset);
    pg_field_str(&e, body, NULL, "image_filename", 1, 1024, &p->image);
    if (kind != PROMPT_TEXT && pg_field_str(&e, body, NULL, "name", 0, 255, &p->name) > 0 &&
        !p->name[strspn(p->name, " \t\r\n")])
        pg_errs_add(&e, pg_loc(NULL, "name"), "value_error", "Value error, must not be blank or whitespace-only");
    if (!p->name)
        p->name = "object";
    if (kind == PROMPT_POINT) {
        seg_point click = {0, 0};
        pg_field_num(&e, body, NULL, "x", 1, -INFINITY, INFINITY, &click.x);
        pg_field_num(&e, body, NULL, "y", 1, -INFINITY, INFINITY, &click.y);
        p->threshold = 0.75;
        pg_field_num(&e, body, NULL, "score_threshold", 0, 0.0, 1.0, &p->threshold);
        seg_point *extra = NULL;
        int nextra = 0;
        parse_points(&e, body, "positive_points", &extra, &nextra);
        parse_points(&e, body, "negative_points", &p->neg, &p->nneg);
        p->pos = calloc((size_t)nextra + 1, sizeof *p->pos);
        if (p->pos) {
            p->pos[0] = click;
            for (int i = 0; i < nextra; i++)
                p->pos[i + 1] = extra[i];
            p->npos = nextra + 1;
        }
        free(extra);
    } else if (kind == PROMPT_BOX) {
        const json_t *box = json_object_get(body, "box");
        if (!box || json_is_null(box))
            pg_errs_add(&e, pg_loc(NULL, "box"), "missing", "Field required");
        else
            parse_rect(&e, box, pg_loc(NULL, "box"), &p->box);
        p->threshold = 0.5;
        pg_field_num(&e, body, NULL, "confidence_threshold", 0, 0.0, 1.0, &p->threshold);
        p->polygon = 1;
        pg_field_bool(&e, body, NULL, "return_polygon", 0, &p->polygon);
        const json_t *nb = json_object_get(body, "negative_boxes");
        json_t *loc = pg_loc(NULL, "negative_boxes");
        if (nb && !json_is_null(nb)) {
            if (!json_is_array(nb) || json_array_size(nb) > MAX_BOXES) {
                pg_errs_add(&e, json_copy(loc), json_is_array(nb) ? "too_long" : "list_type",
                            json_is_array(nb) ? "List should have at most %d items after validation"
                                              : "Input should be a valid list",
                            MAX_BOXES);
            } else {
                p->neg_boxes = calloc(json_array_size(nb) + 1, sizeof *p->neg_boxes);
                size_t i;
                json_t *b;
                json_array_foreach(nb, i, b) {
                    if (p->neg_boxes && parse_rect(&e, b, pg_loc_i(loc, i), &p->neg_boxes[p->nneg_boxes]) == 0)
                        p->nneg_boxes++;
                }
            }
        }
        json_decref(loc);
    } else {
        const char *type = NULL;
        pg_field_str(&e, body, NULL, "text_prompt", 1, 1000, &p->text);
        if (pg_field_str(&e, body, NULL, "output_type", 0, 16, &type) > 0 && strcmp(type, "polygon") != 0 &&
            strcmp(type, "bbox") != 0)
            pg_errs_add(&e, pg_loc(NULL, "output_type"), "literal_error", "Input should be 'polygon' or 'bbox'");
        p->polygon = !type || strcmp(type, "bbox") != 0;
        p->threshold = 0.3;
        pg_field_num(&e, body, NULL, "confidence_threshold", 0, 0.0, 1.0, &p->threshold);
        p->max_detections = 50;
        pg_field_int(&e, body, NULL, "max_detections", 0, 1, 100, &p->max_detections);
        p->name = p->text;
    }
    return pg_errs_finish(&e, res);
}

/* The seed of this prompt's annotation ids: image and canonical request. */
static char *id_seed(const vs_request *req, const pg_image *im, prompt_kind kind)
{
    char *body = json_dumps(req->json, JSON_COMPACT | JSON_SORT_KEYS);
    size_t n = (body ? strlen(body) : 0) + 64;
    char *seed = malloc(n);
    if (seed)
        snprintf(seed, n, "%s|%s|%s", kind_names[kind], im->a.id, body ? body : "");
    free(body);
    return seed;
}

/* Segments and builds the response body (without charging). */
static json_t *compute(const vs_request *req, const prompt *p, const pg_image *im, const segment_image *img)
{
    double t = pg_result_inference_time(im->a.width, im->a.height, p->kind == PROMPT_TEXT);
    char *seed = id_seed(req, im, p->kind);
    char id[37];
    json_t *out = NULL;
    if (!seed)
        return NULL;
    if (p->kind == PROMPT_TEXT) {
        seg_regions rs = {0};
        seg_status st = segment_text(img, p->text, 0, &rs);
        if (st == SEG_ERROR)
            goto done;
        json_t *anns = json_array();
        for (int i = 0; i < rs.n && (int64_t)json_array_size(anns) < p->max_detections; i++) {
            if (rs.items[i].score < p->threshold)
                continue;
            pg_result_id(seed, (int)json_array_size(anns), id);
            json_array_append_new(anns, pg_result_annotation(&rs.items[i], p->text, id, p->polygon));
        }
        const char *status = json_array_size(anns) ? "success" : rs.n ? "below_threshold" : "no_detection";
        out = json_pack("{s:s,s:O,s:f,s:I}", "status", status, "annotations", anns, "inference_time", t,
                        "detection_count", (json_int_t)json_array_size(anns));
        json_decref(anns);
        seg_regions_free(&rs);
        goto done;
    }
    seg_region r;
    seg_status st = p->kind == PROMPT_POINT ? segment_point(img, p->pos, p->npos, p->neg, p->nneg, &r)
                                            : segment_box(img, &p->box, p->neg_boxes, p->nneg_boxes, &r);
    if (st == SEG_ERROR)
        goto done;
    json_t *ann = NULL;
    const char *status = "no_detection";
    json_t *score = json_null();
    if (st == SEG_FOUND) {
        json_decref(score);
        score = json_real(r.score);
        status = r.score >= p->threshold ? "success" : "below_threshold";
        if (r.score >= p->threshold) {
            pg_result_id(seed, 0, id);
            ann = pg_result_annotation(&r, p->name, id, p->kind == PROMPT_POINT || p->polygon);
        }
        seg_region_free(&r);
    }
    json_t *list = json_array();
    if (ann)
        json_array_append(list, ann);
    out = json_pack("{s:s,s:o,s:o,s:f}", "status", status, "annotations", list, "score", score, "inference_time", t);
    if (p->kind == PROMPT_POINT)
        json_object_set_new(out, "annotation", ann ? ann : json_null());
    else
        json_decref(ann);
done:
    free(seed);
    return out;
}

/* The response body of a registered answer, in the prompt kind's shape. */
static json_t *registered(const prompt *p, const pg_image *im, const json_t *answer)
{
    double t = pg_result_inference_time(im->a.width, im->a.height, p->kind == PROMPT_TEXT);
    json_t *anns = json_object_get(answer, "annotations");
    const char *status = json_string_value(json_object_get(answer, "status"));
    if (p->kind == PROMPT_TEXT)
        return json_pack("{s:s,s:O,s:f,s:I}", "status", status, "annotations", anns, "inference_time", t,
                         "detection_count", (json_int_t)json_array_size(anns));
    json_t *out = json_pack("{s:s,s:O,s:O,s:f}", "status", status, "annotations", anns, "score",
                            json_object_get(answer, "score"), "inference_time", t);
    if (p->kind == PROMPT_POINT) {
        json_t *first = json_array_get(anns, 0);
        json_object_set_new(out, "annotation", first ? json_incref(first) : json_null());
    }
    return out;
}

/* Session, charge and idempotency record in one transaction; 0 when done, else
 * res is failed (402 when the balance fell short meanwhile) or replayed. */
static int commit(const vs_request *req, vs_response *res, const pg_idem *idem, const prompt *p, const pg_image *im,
                  const json_t *body)
{
    const pg_config *cfg = pg_config_get();
    int64_t now = clock_now_ms(), balance = 0;
    int was_open = 0;
    st_result r = db_begin();
    if (r != ST_OK)
        return vs_fail_store(res, r, "Credits");
    r = pg_idem_store(req, idem, 200, body);
    if (r == ST_OK)
        r = store_pg_sessions_touch(req->workspace_id, im->a.id, now, cfg->session_idle_ms, &was_open);
    const char *op = was_open ? "sam3_prompt" : "sam3_image_session";
    int64_t cost = pg_price_of(op);
    if (r == ST_OK) {
        char desc[400];
        snprintf(desc, sizeof desc, "SAM3 %s prompt on %.300s (%s image session)", kind_names[p->kind],
                 im->a.filename, was_open ? "open" : "new");
        json_t *meta = json_pack("{s:s,s:s,s:s,s:s}", "image_id", im->a.id, "dataset_id", im->a.dataset_id, "prompt",
                                 kind_names[p->kind], "session", was_open ? "open" : "new");
        char *meta_text = json_dumps(meta, JSON_COMPACT);
        json_decref(meta);
        r = store_pg_credits_charge(req->workspace_id, cfg->allowance_micro_usd, cost, op, desc, meta_text, now,
                                    &balance);
        free(meta_text);
    }
    if (r == ST_OK) {
        st_result cr = db_commit();
        return cr == ST_OK ? 0 : vs_fail_store(res, cr, "Credits");
    }
    db_rollback();
    if (r == ST_INVALID)
        return pg_fail_credits(res, cost, balance);
    if (r == ST_CONFLICT && idem->key) { /* a concurrent retry answered first */
        pg_idem again;
        return pg_idem_begin(req, res, &again) > 0 ? 1 : -1;
    }
    return vs_fail_store(res, r, "Credits");
}

/* The response body: a registered answer, else the engine's result. NULL with
 * res failed (422 for an image the engine cannot read). */
static json_t *respond(const vs_request *req, vs_response *res, const prompt *p, const pg_image *im, pg_embed **emb)
{
    json_t *body = NULL;
    json_t *answer = pg_answers_find(req->workspace_id, im->a.id, kind_names[p->kind],
                                     p->kind == PROMPT_TEXT ? p->text : NULL);
    if (answer) {
        body = registered(p, im, answer);
        json_decref(answer);
        if (!body)
            vs_fail(res, 500, "internal", "The registered answer is unreadable");
        return body;
    }
    int got = pg_embed_get(im->a.blob_sha256, emb);
    if (got == -1) {
        vs_fail(res, 422, "validation_error",
                "Image '%.300s' cannot be auto-annotated: only PNG and JPEG images up to %u pixels are supported",
                im->a.filename, PG_EMBED_MAX_PIXELS);
        return NULL;
    }
    if (got != 0) {
        vs_fail(res, 500, "internal", "Could not load the image");
        return NULL;
    }
    body = compute(req, p, im, pg_embed_image(*emb));
    if (!body)
        vs_fail(res, 500, "internal", "Segmentation failed");
    return body;
}

static int run(vs_request *req, vs_response *res, prompt_kind kind)
{
    const pg_config *cfg = pg_config_get();
    pg_idem idem;
    int irc = pg_idem_begin(req, res, &idem);
    if (irc)
        return irc > 0 ? 0 : -1;
    prompt p;
    dataset_row ds;
    pg_image im;
    pg_embed *emb = NULL;
    json_t *body = NULL;
    int rc = -1, have_ds = 0, have_im = 0;
    if (parse_prompt(req, res, kind, &p) != 0)
        goto out;
    if (pg_dataset_find(req, res, p.dataset, &ds) != 0)
        goto out;
    have_ds = 1;
    if (pg_image_find(req, res, &ds, p.image, &im) != 0)
        goto out;
    have_im = 1;
    int open = 0;
    int64_t remaining = 0;
    st_result r = store_pg_sessions_peek(req->workspace_id, im.a.id, clock_now_ms(), cfg->session_idle_ms, &open);
    if (r == ST_OK)
        r = store_pg_credits_remaining(req->workspace_id, cfg->allowance_micro_usd, &remaining);
    if (r != ST_OK) {
        rc = vs_fail_store(res, r, "Credits");
        goto out;
    }
    int64_t cost = pg_price_of(open ? "sam3_prompt" : "sam3_image_session");
    if (remaining < cost) {
        rc = pg_fail_credits(res, cost, remaining);
        goto out;
    }
    body = respond(req, res, &p, &im, &emb);
    if (!body)
        goto out;
    int c = commit(req, res, &idem, &p, &im, body);
    if (c == 0) {
        rc = vs_reply_json(res, 200, body);
        body = NULL;
    } else {
        rc = c > 0 ? 0 : -1;
    }
out:
    json_decref(body);
    pg_embed_release(emb);
    if (have_im)
        pg_image_free(&im);
    if (have_ds)
        dataset_row_free(&ds);
    prompt_free(&p);
    return rc;
}

int pg_prompt_point(vs_request *req, vs_response *res) { return run(req, res, PROMPT_POINT); }
int pg_prompt_box(vs_request *req, vs_response *res) { return run(req, res, PROMPT_BOX); }
int pg_prompt_text(vs_request *req, vs_response *res) { return run(req, res, PROMPT_TEXT); }
