/* admin_browse.c — the console's read-only view of the store: a workspace's
 * datasets with counts, pages of assets, one asset with every annotation (all
 * kinds, with their `source` and writing dialect), the asset's bytes, and a
 * downscaled PNG thumbnail.
 *
 * Dialect-neutral on purpose: it shows the core rows whichever dialect wrote
 * them. Ids are found across workspaces (the control plane is an operator's
 * view) but only in live workspaces, so a deleted workspace's leftovers answer
 * 404 like unknown ids. Thumbnails are computed per request from the stored
 * bytes and never written anywhere; ETags (the blob's SHA-256) let the browser
 * keep them and revalidate without a decode.
 * Called from the HTTP pool threads; no state of its own.
 */
#include "admin.h"
#include "../core/image.h"
#include "../core/store_blobs.h"
#include "../core/store_browse.h"
#include "../core/store_datasets.h"
#include "../core/store_workspaces.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BROWSE_PAGE_DEFAULT 60
#define BROWSE_PAGE_MAX 500
#define THUMB_DEFAULT 256
#define THUMB_MIN 16
#define THUMB_MAX 1024
#define THUMB_MAX_PIXELS ((size_t)64 * 1024 * 1024)

/* A JSON string for text that a fixed-size row field may have cut inside a
 * UTF-8 sequence: the longest valid prefix (jansson refuses invalid UTF-8). */
static json_t *admin_browse_str(const char *s)
{
    size_t len = strlen(s);
    for (size_t cut = 0; cut < 4 && cut <= len; cut++) {
        json_t *v = json_stringn(s, len - cut);
        if (v)
            return v;
    }
    return json_string("");
}

static json_t *admin_browse_parsed(const char *text)
{
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return v ? v : json_null();
}

/* Parses a non-negative decimal query value; -1 when absent, -2 when bad. */
static int64_t admin_browse_query_int(const vs_request *req, const char *name, int64_t max)
{
    const char *s = vs_query(req, name);
    if (!s)
        return -1;
    int64_t v = 0;
    if (!*s)
        return -2;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -2;
        v = v * 10 + (*p - '0');
        if (v > max)
            return -2;
    }
    return v;
}

/* Reads offset and limit; -1 with res failed on a bad value. */
static int admin_browse_paging(const vs_request *req, vs_response *res, int64_t *offset, int *limit)
{
    int64_t o = admin_browse_query_int(req, "offset", INT64_C(1000000000000));
    int64_t l = admin_browse_query_int(req, "limit", BROWSE_PAGE_MAX);
    if (o == -2)
        return vs_fail(res, 400, "validation_error", "Query 'offset' must be a non-negative integer");
    if (l == -2 || l == 0)
        return vs_fail(res, 400, "validation_error", "Query 'limit' must be between 1 and %d", BROWSE_PAGE_MAX);
    *offset = o < 0 ? 0 : o;
    *limit = l < 0 ? BROWSE_PAGE_DEFAULT : (int)l;
    return 0;
}

static json_t *admin_browse_asset_json(const asset_row *a)
{
    char url[128];
    json_t *o = json_object();
    json_object_set_new(o, "id", admin_browse_str(a->id));
    json_object_set_new(o, "workspace", admin_browse_str(a->workspace_id));
    json_object_set_new(o, "dataset", a->dataset_id[0] ? admin_browse_str(a->dataset_id) : json_null());
    json_object_set_new(o, "directory", admin_browse_str(a->directory));
    json_object_set_new(o, "filename", admin_browse_str(a->filename));
    json_object_set_new(o, "mime", admin_browse_str(a->mime));
    json_object_set_new(o, "width", json_integer(a->width));
    json_object_set_new(o, "height", json_integer(a->height));
    json_object_set_new(o, "size", json_integer(a->size));
    json_object_set_new(o, "sha256", admin_browse_str(a->blob_sha256));
    json_object_set_new(o, "status", admin_browse_str(a->status));
    json_object_set_new(o, "split", a->split[0] ? admin_browse_str(a->split) : json_null());
    json_object_set_new(o, "createdAt", json_integer(a->created_at));
    json_object_set_new(o, "updatedAt", json_integer(a->updated_at));
    snprintf(url, sizeof url, "/_emulator/assets/%s/image", a->id);
    json_object_set_new(o, "imageUrl", admin_browse_str(url));
    snprintf(url, sizeof url, "/_emulator/assets/%s/thumbnail", a->id);
    json_object_set_new(o, "thumbnailUrl", admin_browse_str(url));
    return o;
}

static json_t *admin_browse_dataset_json(const dataset_row *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", admin_browse_str(d->id));
    json_object_set_new(o, "workspace", admin_browse_str(d->workspace_id));
    json_object_set_new(o, "name", admin_browse_str(d->name));
    json_object_set_new(o, "type", admin_browse_str(d->type));
    json_object_set_new(o, "description", admin_browse_str(d->description ? d->description : ""));
    json_object_set_new(o, "attrs", admin_browse_parsed(d->attrs));
    json_object_set_new(o, "assetCount", json_integer(d->asset_count));
    json_object_set_new(o, "annotationCount", json_integer(d->annotation_count));
    json_object_set_new(o, "createdAt", json_integer(d->created_at));
    json_object_set_new(o, "updatedAt", json_integer(d->updated_at));
    return o;
}

static void admin_browse_add_dataset(const dataset_row *d, void *arg)
{
    json_array_append_new(arg, admin_browse_dataset_json(d));
}

int admin_browse_datasets(vs_request *req, vs_response *res)
{
    const char *ws = vs_param(req, "id");
    ws_row w;
    browse_counts c;
    st_result r = store_workspaces_get(ws, &w, NULL);
    if (r == ST_OK)
        r = store_browse_counts(ws, &c);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Workspace");
    json_t *items = json_array();
    r = store_datasets_list(ws, admin_browse_add_dataset, items);
    if (r != ST_OK) {
        json_decref(items);
        return vs_fail_store(res, r, "Datasets");
    }
    json_t *body = json_object();
    json_object_set_new(body, "workspace",
                        json_pack("{s:o,s:o,s:I}", "id", admin_browse_str(w.id), "name", admin_browse_str(w.name),
                                  "createdAt", (json_int_t)w.created_at));
    json_object_set_new(body, "counts",
                        json_pack("{s:I,s:I,s:I,s:I,s:I}", "datasets", (json_int_t)c.datasets, "assets",
                                  (json_int_t)c.assets, "looseAssets", (json_int_t)c.loose_assets, "annotations",
                                  (json_int_t)c.annotations, "activeJobs", (json_int_t)c.jobs_active));
    json_object_set_new(body, "items", items);
    return vs_reply_json(res, 200, body);
}

int admin_browse_dataset(vs_request *req, vs_response *res)
{
    char ws[37];
    dataset_row d;
    st_result r = store_browse_dataset_owner(vs_param(req, "id"), ws);
    if (r == ST_OK)
        r = store_datasets_get(ws, vs_param(req, "id"), &d);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Dataset");
    json_t *body = admin_browse_dataset_json(&d);
    dataset_row_free(&d);
    return vs_reply_json(res, 200, body);
}

static void admin_browse_add_asset(const asset_row *a, int64_t annotations, void *arg)
{
    json_t *o = admin_browse_asset_json(a);
    json_object_set_new(o, "annotationCount", json_integer(annotations));
    json_array_append_new(arg, o);
}

/* One page of a listing: dataset_id NULL = the workspace-level assets. */
static int admin_browse_page(vs_request *req, vs_response *res, const char *ws, const char *dataset_id)
{
    int64_t offset = 0, total = 0;
    int limit = 0;
    if (admin_browse_paging(req, res, &offset, &limit) != 0)
        return -1;
    json_t *items = json_array();
    st_result r = store_browse_assets_page(ws, dataset_id, offset, limit, admin_browse_add_asset, items, &total);
    if (r != ST_OK) {
        json_decref(items);
        return vs_fail_store(res, r, "Assets");
    }
    return vs_reply_json(res, 200,
                         json_pack("{s:o,s:I,s:I,s:i}", "items", items, "total", (json_int_t)total, "offset",
                                   (json_int_t)offset, "limit", limit));
}

int admin_browse_dataset_assets(vs_request *req, vs_response *res)
{
    char ws[37];
    st_result r = store_browse_dataset_owner(vs_param(req, "id"), ws);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Dataset");
    return admin_browse_page(req, res, ws, vs_param(req, "id"));
}

int admin_browse_workspace_assets(vs_request *req, vs_response *res)
{
    browse_counts c;
    st_result r = store_browse_counts(vs_param(req, "id"), &c);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Workspace");
    return admin_browse_page(req, res, vs_param(req, "id"), NULL);
}

/* The dialect that wrote an annotation, as far as the row tells: dialects keep
 * their extras in attrs under their own name ({"vi": {...}}), so the first such
 * key names it; NULL when attrs carry none (fixtures, or a dialect that stores
 * no extras). */
static const char *admin_browse_dialect(const json_t *attrs)
{
    static const char *const names[] = {"vi", "pictograph", "ximilar", "labelbox"};
    for (size_t i = 0; json_is_object(attrs) && i < sizeof names / sizeof *names; i++)
        if (json_object_get(attrs, names[i]))
            return names[i];
    return NULL;
}

static void admin_browse_add_annotation(const annotation_row *a, const char *attrs, void *arg)
{
    json_t *parsed_attrs = admin_browse_parsed(attrs);
    const char *dialect = admin_browse_dialect(parsed_attrs);
    json_t *o = json_object();
    json_object_set_new(o, "id", admin_browse_str(a->id));
    json_object_set_new(o, "kind", admin_browse_str(a->kind));
    json_object_set_new(o, "label", admin_browse_str(a->label));
    json_object_set_new(o, "geometry", admin_browse_parsed(a->geometry));
    json_object_set_new(o, "text", a->text ? admin_browse_str(a->text) : json_null());
    json_object_set_new(o, "confidence", a->has_confidence ? json_real(a->confidence) : json_null());
    json_object_set_new(o, "source", admin_browse_str(a->source));
    json_object_set_new(o, "dialect", dialect ? json_string(dialect) : json_null());
    json_object_set_new(o, "attrs", parsed_attrs);
    json_object_set_new(o, "createdAt", json_integer(a->created_at));
    json_object_set_new(o, "updatedAt", json_integer(a->updated_at));
    json_array_append_new(arg, o);
}

int admin_browse_asset(vs_request *req, vs_response *res)
{
    const char *id = vs_param(req, "id");
    char ws[37], prev[37], next[37];
    asset_row a;
    dataset_row d;
    int have_dataset = 0;
    json_t *body = NULL, *annotations = NULL;
    st_result r = store_browse_asset_owner(id, ws);
    if (r == ST_OK)
        r = store_assets_get(ws, id, &a);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Asset");
    if (a.dataset_id[0]) {
        r = store_datasets_get(ws, a.dataset_id, &d);
        if (r != ST_OK)
            goto out;
        have_dataset = 1;
    }
    if ((r = store_browse_neighbours(ws, id, prev, next)) != ST_OK)
        goto out;
    annotations = json_array();
    if ((r = store_browse_annotations(ws, id, admin_browse_add_annotation, annotations)) != ST_OK)
        goto out;
    body = admin_browse_asset_json(&a);
    json_object_set_new(body, "datasetInfo",
                        have_dataset ? json_pack("{s:o,s:o,s:o}", "id", admin_browse_str(d.id), "name",
                                                 admin_browse_str(d.name), "type", admin_browse_str(d.type))
                                     : json_null());
    json_object_set_new(body, "prev", prev[0] ? admin_browse_str(prev) : json_null());
    json_object_set_new(body, "next", next[0] ? admin_browse_str(next) : json_null());
    json_object_set_new(body, "annotations", annotations);
    annotations = NULL;
out:
    if (have_dataset)
        dataset_row_free(&d);
    json_decref(annotations);
    return body ? vs_reply_json(res, 200, body) : vs_fail_store(res, r, "Asset");
}

/* Finds the asset; sets the validators and answers 304 when the client's copy
 * (tagged `kind`) is current. Returns 1 when res is complete (304 or error). */
static int admin_browse_cached(vs_request *req, vs_response *res, const char *kind, asset_row *a)
{
    char ws[37], etag[128];
    const char *id = vs_param(req, "id");
    st_result r = store_browse_asset_owner(id, ws);
    if (r == ST_OK)
        r = store_assets_get(ws, id, a);
    if (r != ST_OK) {
        vs_fail_store(res, r, "Asset");
        return 1;
    }
    snprintf(etag, sizeof etag, "\"%s-%s\"", kind, a->blob_sha256);
    vs_add_header(res, "ETag", etag);
    vs_add_header(res, "Cache-Control", "no-cache");
    vs_add_header(res, "X-Content-Type-Options", "nosniff");
    const char *inm = vs_header(req, "If-None-Match");
    if (inm && strstr(inm, etag)) {
        vs_reply_empty(res, 304);
        return 1;
    }
    return 0;
}

int admin_browse_asset_image(vs_request *req, vs_response *res)
{
    asset_row a;
    unsigned char *data = NULL;
    size_t len = 0;
    if (admin_browse_cached(req, res, "image", &a))
        return res->err_status ? -1 : 0;
    st_result r = store_blobs_load(a.blob_sha256, &data, &len);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Asset bytes");
    return vs_reply_owned_bytes(res, 200, a.mime[0] ? a.mime : "application/octet-stream", data, len);
}

/* Area-average downscale of src into a dst_w x dst_h image (dst no larger than
 * src): every source pixel lands in exactly one destination cell, so thin lines
 * fade instead of vanishing and the result does not alias. */
static int admin_browse_downscale(const image_pixels *src, int dst_w, int dst_h, image_pixels *dst)
{
    dst->width = dst_w;
    dst->height = dst_h;
    dst->rgb = malloc((size_t)dst_w * (size_t)dst_h * 3);
    if (!dst->rgb)
        return -1;
    for (int dy = 0; dy < dst_h; dy++) {
        int y0 = (int)((int64_t)dy * src->height / dst_h);
        int y1 = (int)((int64_t)(dy + 1) * src->height / dst_h);
        if (y1 <= y0)
            y1 = y0 + 1;
        for (int dx = 0; dx < dst_w; dx++) {
            int x0 = (int)((int64_t)dx * src->width / dst_w);
            int x1 = (int)((int64_t)(dx + 1) * src->width / dst_w);
            if (x1 <= x0)
                x1 = x0 + 1;
            uint64_t sum[3] = {0, 0, 0};
            for (int y = y0; y < y1; y++) {
                const uint8_t *p = src->rgb + ((size_t)y * (size_t)src->width + (size_t)x0) * 3;
                for (int x = x0; x < x1; x++, p += 3) {
                    sum[0] += p[0];
                    sum[1] += p[1];
                    sum[2] += p[2];
                }
            }
            uint64_t n = (uint64_t)(y1 - y0) * (uint64_t)(x1 - x0);
            uint8_t *q = dst->rgb + ((size_t)dy * (size_t)dst_w + (size_t)dx) * 3;
            for (int c = 0; c < 3; c++)
                q[c] = (uint8_t)((sum[c] + n / 2) / n);
        }
    }
    return 0;
}

int admin_browse_asset_thumbnail(vs_request *req, vs_response *res)
{
    asset_row a;
    unsigned char *data = NULL;
    uint8_t *png = NULL;
    size_t len = 0, png_len = 0;
    image_pixels full = {0, 0, NULL}, small = {0, 0, NULL};
    int rc = -1;
    char kind[32];
    int64_t size = admin_browse_query_int(req, "size", THUMB_MAX);
    if (size == -2 || (size >= 0 && size < THUMB_MIN))
        return vs_fail(res, 400, "validation_error", "Query 'size' must be between %d and %d", THUMB_MIN, THUMB_MAX);
    if (size < 0)
        size = THUMB_DEFAULT;
    snprintf(kind, sizeof kind, "thumb%d", (int)size);
    if (admin_browse_cached(req, res, kind, &a))
        return res->err_status ? -1 : 0;
    st_result r = store_blobs_load(a.blob_sha256, &data, &len);
    if (r != ST_OK) {
        vs_fail_store(res, r, "Asset bytes");
        goto out;
    }
    if (image_decode(data, len, THUMB_MAX_PIXELS, &full) != 0) {
        vs_fail(res, 422, "unprocessable", "Asset bytes are not a decodable PNG or JPEG");
        goto out;
    }
    int w = full.width, h = full.height;
    if (w > size || h > size) {
        if (w >= h) {
            h = (int)(((int64_t)h * size + w / 2) / w);
            w = (int)size;
        } else {
            w = (int)(((int64_t)w * size + h / 2) / h);
            h = (int)size;
        }
        if (w < 1)
            w = 1;
        if (h < 1)
            h = 1;
    }
    const image_pixels *out_px = &full;
    if (w != full.width || h != full.height) {
        if (admin_browse_downscale(&full, w, h, &small) != 0) {
            vs_fail(res, 500, "internal", "Out of memory");
            goto out;
        }
        out_px = &small;
    }
    if (image_encode_png(out_px, &png, &png_len) != 0) {
        vs_fail(res, 500, "internal", "Thumbnail could not be encoded");
        goto out;
    }
    rc = vs_reply_owned_bytes(res, 200, "image/png", png, png_len);
    png = NULL;
out:
    free(png);
    image_free(&small);
    image_free(&full);
    free(data);
    return rc;
}
