/* admin_segment.c — the console's auto-annotate playground: runs the core
 * segmentation engine (core/segment.h) on a stored asset for a point, box or
 * text prompt and returns the regions. Nothing is stored: the dialects own
 * writing annotations; this endpoint only shows what the engine would answer.
 *
 * The body is validated at the edge (exactly one prompt kind, finite numbers,
 * bounded counts and lengths); points outside the image are a 400, a box or
 * text that finds nothing is an empty list. The image is decoded per request
 * and freed before returning; nothing is cached.
 * Called from the HTTP pool threads; stateless.
 */
#include "admin.h"
#include "../core/image.h"
#include "../core/segment.h"
#include "../core/store_assets.h"
#include "../core/store_blobs.h"
#include "../core/store_browse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SEGMENT_MAX_POINTS 32
#define SEGMENT_MAX_BOXES 16
#define SEGMENT_MAX_TEXT 500
#define SEGMENT_DEFAULT_RESULTS 10
#define SEGMENT_MAX_PIXELS ((size_t)64 * 1024 * 1024)

typedef struct {
    seg_point pos[SEGMENT_MAX_POINTS], neg[SEGMENT_MAX_POINTS];
    int npos, nneg;
    seg_rect box, negbox[SEGMENT_MAX_BOXES];
    int has_box, nnegbox;
    const char *text;
    int max_results;
} segment_prompt;

/* A finite JSON number into *out; 0 when fine. */
static int admin_segment_number(const json_t *v, double *out)
{
    if (!json_is_number(v))
        return -1;
    double d = json_number_value(v);
    if (!isfinite(d))
        return -1;
    *out = d;
    return 0;
}

/* [x, y] into p; -1 with res failed naming `field`. */
static int admin_segment_point(vs_response *res, const char *field, const json_t *v, seg_point *p)
{
    if (!json_is_array(v) || json_array_size(v) != 2 || admin_segment_number(json_array_get(v, 0), &p->x) ||
        admin_segment_number(json_array_get(v, 1), &p->y))
        return vs_fail(res, 400, "validation_error", "Field '%s' must be an [x, y] pair of numbers", field);
    return 0;
}

/* [x, y, w, h] with positive w and h into r. */
static int admin_segment_rect(vs_response *res, const char *field, const json_t *v, seg_rect *r)
{
    if (!json_is_array(v) || json_array_size(v) != 4 || admin_segment_number(json_array_get(v, 0), &r->x) ||
        admin_segment_number(json_array_get(v, 1), &r->y) || admin_segment_number(json_array_get(v, 2), &r->w) ||
        admin_segment_number(json_array_get(v, 3), &r->h) || r->w <= 0 || r->h <= 0)
        return vs_fail(res, 400, "validation_error",
                       "Field '%s' must be [x, y, w, h] numbers with positive width and height", field);
    return 0;
}

/* An array of up to max [x, y] pairs. */
static int admin_segment_points(vs_response *res, const char *field, const json_t *v, int min, int max,
                                seg_point *out, int *n)
{
    if (!json_is_array(v) || (int)json_array_size(v) < min || (int)json_array_size(v) > max)
        return vs_fail(res, 400, "validation_error", "Field '%s' must be an array of %d to %d [x, y] pairs", field,
                       min, max);
    size_t i;
    json_t *p;
    json_array_foreach(v, i, p) {
        if (admin_segment_point(res, field, p, &out[i]) != 0)
            return -1;
    }
    *n = (int)json_array_size(v);
    return 0;
}

static int admin_segment_parse(const vs_request *req, vs_response *res, segment_prompt *p)
{
    static const char *const allowed[] = {"point", "points", "negativePoints", "box", "negativeBoxes", "text",
                                          "maxResults", NULL};
    const json_t *body = req->json;
    memset(p, 0, sizeof *p);
    p->max_results = SEGMENT_DEFAULT_RESULTS;
    if (vs_body_allow(req, res, allowed) != 0)
        return -1;
    const json_t *point = json_object_get(body, "point"), *points = json_object_get(body, "points");
    const json_t *box = json_object_get(body, "box"), *text = json_object_get(body, "text");
    int kinds = (point != NULL) + (points != NULL) + (box != NULL) + (text != NULL);
    if (kinds != 1)
        return vs_fail(res, 400, "validation_error",
                       "Give exactly one prompt: 'point', 'points', 'box' or 'text'");
    const json_t *neg = json_object_get(body, "negativePoints");
    const json_t *negbox = json_object_get(body, "negativeBoxes");
    if (neg && !point && !points)
        return vs_fail(res, 400, "validation_error", "Field 'negativePoints' goes with 'point' or 'points'");
    if (negbox && !box)
        return vs_fail(res, 400, "validation_error", "Field 'negativeBoxes' goes with 'box'");
    if (point && admin_segment_point(res, "point", point, &p->pos[0]) != 0)
        return -1;
    if (point)
        p->npos = 1;
    if (points && admin_segment_points(res, "points", points, 1, SEGMENT_MAX_POINTS, p->pos, &p->npos) != 0)
        return -1;
    if (neg && admin_segment_points(res, "negativePoints", neg, 0, SEGMENT_MAX_POINTS, p->neg, &p->nneg) != 0)
        return -1;
    if (box) {
        if (admin_segment_rect(res, "box", box, &p->box) != 0)
            return -1;
        p->has_box = 1;
    }
    if (negbox) {
        if (!json_is_array(negbox) || json_array_size(negbox) > SEGMENT_MAX_BOXES)
            return vs_fail(res, 400, "validation_error", "Field 'negativeBoxes' must be an array of at most %d boxes",
                           SEGMENT_MAX_BOXES);
        size_t i;
        json_t *b;
        json_array_foreach(negbox, i, b) {
            if (admin_segment_rect(res, "negativeBoxes", b, &p->negbox[i]) != 0)
                return -1;
        }
        p->nnegbox = (int)json_array_size(negbox);
    }
    if (text) {
        if (vs_body_string(req, res, "text", 1, SEGMENT_MAX_TEXT, &p->text) != 0)
            return -1;
        if (!p->text[0])
            return vs_fail(res, 400, "validation_error", "Field 'text' must not be empty");
    }
    int64_t max_results = SEGMENT_DEFAULT_RESULTS;
    if (vs_body_int(req, res, "maxResults", 0, 1, 256, &max_results) < 0)
        return -1;
    p->max_results = (int)max_results;
    return 0;
}

static json_t *admin_segment_ring(const seg_ring *r)
{
    json_t *pts = json_array();
    for (int i = 0; i < r->npoints; i++)
        json_array_append_new(pts, json_pack("[f,f]", r->xy[2 * i], r->xy[2 * i + 1]));
    return pts;
}

static json_t *admin_segment_region(const seg_region *r)
{
    json_t *rings = json_array();
    for (int i = 0; i < r->nrings; i++)
        json_array_append_new(rings, admin_segment_ring(&r->rings[i]));
    json_t *outer = json_array_size(rings) ? json_deep_copy(json_array_get(rings, 0)) : json_array();
    return json_pack("{s:{s:o},s:o,s:{s:i,s:i,s:i,s:i},s:I,s:f,s:f,s:f,s:f,s:[f,f,f]}", "polygon", "points", outer,
                     "rings", rings, "bbox", "x", r->x, "y", r->y, "w", r->w, "h", r->h, "area", (json_int_t)r->area,
                     "score", r->score, "contrast", r->contrast, "compactness", r->compactness, "evidence",
                     r->evidence, "lab", r->lab[0], r->lab[1], r->lab[2]);
}

int admin_segment(vs_request *req, vs_response *res)
{
    segment_prompt p;
    char ws[37];
    asset_row a;
    unsigned char *data = NULL;
    size_t len = 0;
    image_pixels px = {0, 0, NULL};
    segment_image *img = NULL;
    seg_region one;
    seg_regions many = {NULL, 0};
    json_t *items = NULL;
    const char *mode = "point";
    int rc = -1;
    memset(&one, 0, sizeof one);
    if (admin_segment_parse(req, res, &p) != 0)
        return -1;
    st_result r = store_browse_asset_owner(vs_param(req, "id"), ws);
    if (r == ST_OK)
        r = store_assets_get(ws, vs_param(req, "id"), &a);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Asset");
    for (int i = 0; i < p.npos; i++)
        if (p.pos[i].x < 0 || p.pos[i].y < 0 || p.pos[i].x >= a.width || p.pos[i].y >= a.height)
            return vs_fail(res, 400, "validation_error", "Point (%g, %g) lies outside the %dx%d image", p.pos[i].x,
                           p.pos[i].y, a.width, a.height);
    if ((r = store_blobs_load(a.blob_sha256, &data, &len)) != ST_OK) {
        vs_fail_store(res, r, "Asset bytes");
        goto out;
    }
    if (image_decode(data, len, SEGMENT_MAX_PIXELS, &px) != 0) {
        vs_fail(res, 422, "unprocessable", "Asset bytes are not a decodable PNG or JPEG");
        goto out;
    }
    if (!(img = segment_image_new(px.rgb, px.width, px.height))) {
        vs_fail(res, 500, "internal", "Out of memory");
        goto out;
    }
    seg_status st;
    items = json_array();
    if (p.text) {
        mode = "text";
        st = segment_text(img, p.text, p.max_results, &many);
        for (int i = 0; st == SEG_FOUND && i < many.n; i++)
            json_array_append_new(items, admin_segment_region(&many.items[i]));
    } else {
        if (p.has_box) {
            mode = "box";
            st = segment_box(img, &p.box, p.negbox, p.nnegbox, &one);
        } else {
            st = segment_point(img, p.pos, p.npos, p.neg, p.nneg, &one);
        }
        if (st == SEG_FOUND)
            json_array_append_new(items, admin_segment_region(&one));
    }
    if (st == SEG_ERROR) {
        vs_fail(res, 500, "internal", "Segmentation failed");
        goto out;
    }
    rc = vs_reply_json(res, 200, json_pack("{s:s,s:O}", "mode", mode, "items", items));
out:
    json_decref(items);
    seg_regions_free(&many);
    seg_region_free(&one);
    segment_image_free(img);
    image_free(&px);
    free(data);
    return rc;
}
