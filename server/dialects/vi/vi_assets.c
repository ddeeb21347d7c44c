/* vi_assets.c — assets of a dataset (spec §6, §7.6, §13.3): list (always one
 * page, nextPage null: the client crashes on a second page), get, delete (204,
 * empty body: any JSON makes the client raise).
 *
 * An asset is a core asset; `metadata` carries all 25 keys the client requires.
 * With `contents=y` each asset gets download URLs (GET transfers, no auth) whose
 * last path segment is the file name, as the client saves under it. Request
 * threads.
 */
#include "clock.h"
#include "core/transfer.h"
#include "db.h"
#include "store_vi_core.h"
#include "vi.h"
#include "vi_routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VI_ASSET_URL_TTL_MS (60LL * 60 * 1000)

static void add_label(const char *label, int64_t count, void *arg)
{
    json_object_set_new(arg, label, json_integer(count));
}

/* A GET transfer for the asset's bytes; writes the URL into url. */
static st_result download_url(const vs_request *req, const asset_row *a, int64_t expires, char *url, size_t cap)
{
    transfer_row t;
    memset(&t, 0, sizeof t);
    snprintf(t.workspace_id, sizeof t.workspace_id, "%s", a->workspace_id);
    snprintf(t.dialect, sizeof t.dialect, "vi");
    snprintf(t.direction, sizeof t.direction, "get");
    snprintf(t.filename, sizeof t.filename, "%s", a->filename);
    snprintf(t.content_type, sizeof t.content_type, "%s", a->mime);
    snprintf(t.blob_sha256, sizeof t.blob_sha256, "%s", a->blob_sha256);
    snprintf(t.purpose, sizeof t.purpose, "vi.asset");
    snprintf(t.owner_ref, sizeof t.owner_ref, "%s", a->id);
    t.max_bytes = a->size;
    t.expected_size = -1;
    t.expires_at = expires;
    st_result r = store_transfers_create(&t);
    if (r == ST_OK)
        transfer_url(req->host, "vi", t.token, a->filename, url, cap);
    return r;
}

static json_t *asset_json(const vs_request *req, const vi_dataset_ref *d, const asset_row *a, const char *attrs_text,
                          int64_t annotations, int contents, st_result *r)
{
    *r = ST_OK;
    json_t *with_tag = json_object();
    if ((*r = store_vi_asset_label_counts(req->workspace_id, a->id, add_label, with_tag)) != ST_OK) {
        json_decref(with_tag);
        return NULL;
    }
    json_t *attrs = attrs_text ? json_loads(attrs_text, 0, NULL) : NULL;
    json_t *custom = json_object_get(json_object_get(attrs, "vi"), "customMetadata");
    custom = json_is_object(custom) ? json_incref(custom) : json_object();
    json_decref(attrs);
    json_t *meta = json_pack(
        "{s:{s:s,s:s},s:s,s:{s:o,s:I},s:i,s:[],s:I,s:i,s:i,s:s,s:s,s:s,s:s,s:s,s:{},s:o,s:{s:i,s:i,s:i},"
        "s:{s:i,s:i},s:i,s:I,s:{s:s,s:s},s:s,s:{},s:I,s:I,s:I}",
        "generations", "asset", a->blob_sha256, "thumbnail", a->blob_sha256, "insertedBy", d->org, "annotations",
        "withTag", with_tag, "total", (json_int_t)annotations, "frames", 1, "cohorts", "fileSize", (json_int_t)a->size,
        "height", a->height, "width", a->width, "mimeType", a->mime, "source", "Upload", "status", "None",
        "uploadStatus", "Uploaded", "visibility", "Visible", "userDefined", "customMetadata", custom, "dimensions",
        "height", a->height, "width", a->width, "depth", 1, "pixelRatio", "height", 1, "width", 1, "comments", 0,
        "customMetadataCount", (json_int_t)json_object_size(custom), "hash", "algorithm", "sha256", "contents",
        a->blob_sha256, "contentsFrom", "Upload", "framesChange", "timeCreated", (json_int_t)a->created_at,
        "lastUpdated", (json_int_t)a->updated_at, "contentsLastUpdated", (json_int_t)a->updated_at);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "assetId", a->id, "datasetId", d->segment, "workspaceId",
                          d->org, "filename", a->filename, "kind", "Image", "owner", d->org, "metadata", meta);
    json_object_set_new(o, "selfLink", vi_link(d, "/assets/%s", a->id));
    json_object_set_new(o, "etag", vi_etag(a->updated_at));
    if (contents) {
        char url[1024];
        int64_t expires = clock_now_ms() + VI_ASSET_URL_TTL_MS;
        if ((*r = download_url(req, a, expires, url, sizeof url)) != ST_OK) {
            json_decref(o);
            return NULL;
        }
        json_object_set_new(o, "contents", json_pack("{s:{s:s,s:I},s:{s:s,s:I}}", "asset", "url", url, "expiry",
                                                     (json_int_t)expires, "thumbnail", "url", url, "expiry",
                                                     (json_int_t)expires));
    }
    return o;
}

typedef struct {
    asset_row a;
    char *attrs;
    int64_t annotations;
} asset_item;

typedef struct {
    asset_item *items;
    size_t n;
    const char *filter;
    int failed;
} asset_acc;

/* Case-insensitive substring test of the plain-string filter (§13.3). */
static int filter_matches(const char *filter, const char *filename)
{
    if (!filter || !*filter || filter[0] == '{')
        return 1;
    size_t n = strlen(filter);
    for (const char *p = filename; *p; p++)
        if (strncasecmp(p, filter, n) == 0)
            return 1;
    return 0;
}

static void collect_asset(const vi_asset_row *v, void *arg)
{
    asset_acc *acc = arg;
    if (acc->failed || !filter_matches(acc->filter, v->a.filename))
        return;
    asset_item *grown = realloc(acc->items, (acc->n + 1) * sizeof *grown);
    char *attrs = strdup(v->attrs);
    if (!grown || !attrs) {
        if (grown)
            acc->items = grown;
        free(attrs);
        acc->failed = 1;
        return;
    }
    acc->items = grown;
    acc->items[acc->n++] = (asset_item){v->a, attrs, v->annotations};
}

typedef struct {
    int key, desc;
} sort_spec;

static int asset_cmp(const void *x, const void *y, void *arg)
{
    const asset_item *a = x, *b = y;
    const sort_spec *spec = arg;
    int c;
    switch (spec->key) {
    case 1: c = strcmp(a->a.id, b->a.id); break;
    case 2: c = strcmp(a->a.filename, b->a.filename); break;
    case 3: c = (a->a.updated_at > b->a.updated_at) - (a->a.updated_at < b->a.updated_at); break;
    case 4: c = (a->a.size > b->a.size) - (a->a.size < b->a.size); break;
    default: c = (a->a.created_at > b->a.created_at) - (a->a.created_at < b->a.created_at); break;
    }
    if (c == 0 && spec->key != 0)
        c = (a->a.created_at > b->a.created_at) - (a->a.created_at < b->a.created_at);
    return spec->desc ? -c : c;
}

int vi_assets_list(vs_request *req, vs_response *res)
{
    static const char *const keys[] = {"default", "assetId", "filename", "lastModified.contents", "metadata.fileSize"};
    const char *s = vs_query(req, "s"), *p = vs_query(req, "p"), *sort = vs_query(req, "sortBy"),
               *order = vs_query(req, "o"), *contents = vs_query(req, "contents");
    int key = -1;
    for (int i = 0; sort && i < 5; i++)
        if (strcmp(sort, keys[i]) == 0)
            key = i;
    if (sort && key < 0)
        return vs_fail(res, 400, "validation_error",
                       "Query parameter 'sortBy' must be one of default, assetId, filename, lastModified.contents, "
                       "metadata.fileSize");
    if (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0)
        return vs_fail(res, 400, "validation_error", "Query parameter 'o' must be 'asc' or 'desc'");
    char *end = NULL;
    long long size = s ? strtoll(s, &end, 10) : 1000;
    if (s && (!*s || *end || size < 1 || size > 100000))
        return vs_fail(res, 400, "validation_error", "Query parameter 's' must be an integer from 1 to 100000");
    long long offset = p && *p ? strtoll(p, &end, 10) : 0;
    if (p && *p && (*end || offset < 0))
        return vs_fail(res, 400, "validation_error", "Query parameter 'p' is not a token this server issued");
    vi_dataset_ref d;
    if (vi_dataset_resolve(req, res, &d) != 0)
        return -1;
    asset_acc acc = {NULL, 0, vs_query(req, "filter"), 0};
    st_result r = store_vi_assets_list(req->workspace_id, d.ds.id, collect_asset, &acc);
    if (r == ST_OK && acc.failed)
        r = ST_ERROR;
    json_t *items = json_array();
    if (r == ST_OK) {
        sort_spec spec = {key < 0 ? 0 : key, order && strcmp(order, "desc") == 0};
        if (acc.n > 1)
            qsort_r(acc.items, acc.n, sizeof *acc.items, asset_cmp, &spec);
        int with_contents = contents && strcmp(contents, "y") == 0;
        for (size_t i = (size_t)offset; i < acc.n && r == ST_OK; i++) {
            json_t *o = asset_json(req, &d, &acc.items[i].a, acc.items[i].attrs, acc.items[i].annotations,
                                   with_contents, &r);
            if (o)
                json_array_append_new(items, o);
        }
    }
    for (size_t i = 0; i < acc.n; i++)
        free(acc.items[i].attrs);
    free(acc.items);
    vi_dataset_ref_free(&d);
    if (r != ST_OK) {
        json_decref(items);
        return vs_fail_store(res, r, "Assets");
    }
    return vs_reply_json(res, 200, vi_page(items, NULL));
}

typedef struct {
    int64_t n;
} count_acc;

static void count_rows(const vi_ann_row *a, void *arg)
{
    (void)a;
    ((count_acc *)arg)->n++;
}

int vi_assets_get(vs_request *req, vs_response *res)
{
    vi_dataset_ref d;
    if (vi_dataset_resolve(req, res, &d) != 0)
        return -1;
    asset_row a;
    char *attrs = NULL;
    count_acc count = {0};
    json_t *o = NULL;
    st_result r = store_vi_assets_get(req->workspace_id, d.ds.id, vs_param(req, "asset"), &a, &attrs);
    if (r == ST_OK)
        r = store_vi_annotations_by_asset(req->workspace_id, a.id, count_rows, &count);
    if (r == ST_OK) {
        const char *contents = vs_query(req, "contents");
        o = asset_json(req, &d, &a, attrs, count.n, contents && strcmp(contents, "y") == 0, &r);
    }
    free(attrs);
    vi_dataset_ref_free(&d);
    if (!o)
        return vs_fail_store(res, r, "Asset");
    return vs_reply_json(res, 200, o);
}

int vi_assets_delete(vs_request *req, vs_response *res)
{
    vi_dataset_ref d;
    if (vi_dataset_resolve(req, res, &d) != 0)
        return -1;
    st_result r = store_vi_assets_delete(req->workspace_id, d.ds.id, vs_param(req, "asset"));
    vi_dataset_ref_free(&d);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Asset");
    return vs_reply_empty(res, 204);
}
