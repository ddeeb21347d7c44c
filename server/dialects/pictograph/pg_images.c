/* pg_images.c — A/images: list with filters, bytes and metadata by UUID,
 * download and delete by dataset path (specs/pictograph.md §5.4).
 *
 * Route shapes under A/images/: one UUID segment -> bytes; a UUID then exactly
 * "metadata" -> metadata; anything else -> {dataset}/{image_path}. Soft delete
 * marks the image archived (hidden from lists unless include_archived, still
 * addressable); permanent delete removes it with its annotations.
 * Request threads.
 */
#include "pg.h"
#include "pg_routes.h"
#include "clock.h"
#include "core/store_blobs.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const vs_request *req;
    json_t *items;
} list_ctx;

static void add_image(const pg_image *im, void *arg)
{
    list_ctx *c = arg;
    json_array_append_new(c->items, pg_view_image(c->req, im));
}

static int one_of(const char *v, const char *const *set)
{
    for (size_t i = 0; set[i]; i++)
        if (strcmp(v, set[i]) == 0)
            return 1;
    return 0;
}

int pg_images_list(vs_request *req, vs_response *res)
{
    static const char *const statuses[] = {"new", "annotate", "review", "complete", NULL};
    static const char *const splits[] = {"train", "val", "test", NULL};
    int64_t limit, offset, total = 0;
    pg_image_filter f = {0};
    char dir[512];
    if (pg_paging(req, res, 100, PG_MAX_LIMIT, &limit, &offset) != 0 ||
        pg_query_bool(req, res, "include_archived", &f.include_archived) != 0)
        return -1;
    pg_errs e;
    pg_errs_init(&e);
    const char *ds_ref = vs_query(req, "dataset");
    if (!ds_ref || !*ds_ref)
        pg_errs_add(&e, json_pack("[s,s]", "query", "dataset"), "missing", "Field required");
    const char *d = vs_query(req, "directory_path");
    if (d) {
        if (pg_normalize_dir(d, dir, sizeof dir) != 0)
            pg_errs_add(&e, json_pack("[s,s]", "query", "directory_path"), "value_error",
                        "Value error, not a valid directory path");
        else
            f.directory = dir;
    }
    f.status = vs_query(req, "status");
    if (f.status && !one_of(f.status, statuses))
        pg_errs_add(&e, json_pack("[s,s]", "query", "status"), "literal_error",
                    "Input should be 'new', 'annotate', 'review' or 'complete'");
    f.split = vs_query(req, "split");
    if (f.split && !one_of(f.split, splits))
        pg_errs_add(&e, json_pack("[s,s]", "query", "split"), "literal_error",
                    "Input should be 'train', 'val' or 'test'");
    f.filename = vs_query(req, "filename");
    const char *mc = vs_query(req, "min_confidence_lt");
    if (mc) {
        char *end = NULL;
        double v = strtod(mc, &end);
        if (!*mc || *end || !(v == v))
            pg_errs_add(&e, json_pack("[s,s]", "query", "min_confidence_lt"), "float_parsing",
                        "Input should be a valid number, unable to parse string as a number");
        f.has_min_confidence_lt = 1;
        f.min_confidence_lt = v;
    }
    if (pg_errs_finish(&e, res) != 0)
        return -1;
    dataset_row ds;
    if (pg_dataset_find(req, res, ds_ref, &ds) != 0)
        return -1;
    list_ctx c = {req, json_array()};
    st_result r = store_pg_images_list(req->workspace_id, ds.id, &f, limit, offset, add_image, &c, &total);
    dataset_row_free(&ds);
    if (r != ST_OK) {
        json_decref(c.items);
        return vs_fail_store(res, r, "Images");
    }
    int64_t n = (int64_t)json_array_size(c.items);
    return vs_reply_json(res, 200,
                         json_pack("{s:o,s:o}", "data", c.items, "pagination", pg_pagination(limit, offset, n, total)));
}

static int reply_bytes(vs_response *res, const pg_image *im)
{
    unsigned char *data = NULL;
    size_t len = 0;
    st_result r = store_blobs_load(im->a.blob_sha256, &data, &len);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Image bytes");
    return vs_reply_owned_bytes(res, 200, im->a.mime[0] ? im->a.mime : "application/octet-stream", data, len);
}

int pg_images_get(vs_request *req, vs_response *res)
{
    const char *tail = vs_param(req, "**");
    const char *slash = strchr(tail, '/');
    char first[64] = "";
    size_t flen = slash ? (size_t)(slash - tail) : strlen(tail);
    if (flen < sizeof first) {
        memcpy(first, tail, flen);
        first[flen] = 0;
    }
    int by_id = pg_is_uuid(first) && (!slash || strcmp(slash + 1, "metadata") == 0);
    pg_image im;
    int rc;
    if (by_id) {
        st_result r = store_pg_images_get(req->workspace_id, first, &im);
        if (r == ST_OK && !im.a.dataset_id[0]) { /* workspace-level assets are not Pictograph images */
            pg_image_free(&im);
            r = ST_NOT_FOUND;
        }
        if (r == ST_NOT_FOUND)
            return vs_fail(res, 404, "not_found", "Image '%s' not found", first);
        if (r != ST_OK)
            return vs_fail_store(res, r, "Image");
        rc = slash ? vs_reply_json(res, 200, json_pack("{s:o}", "data", pg_view_image(req, &im)))
                   : reply_bytes(res, &im);
        pg_image_free(&im);
        return rc;
    }
    dataset_row ds;
    if (pg_route_image(req, res, tail, &ds, &im) != 0)
        return -1;
    rc = reply_bytes(res, &im);
    pg_image_free(&im);
    dataset_row_free(&ds);
    return rc;
}

int pg_images_delete(vs_request *req, vs_response *res)
{
    int permanent = 0;
    if (pg_query_bool(req, res, "permanent", &permanent) != 0)
        return -1;
    dataset_row ds;
    pg_image im;
    if (pg_route_image(req, res, vs_param(req, "**"), &ds, &im) != 0)
        return -1;
    st_result r = permanent ? store_pg_images_delete(req->workspace_id, im.a.id)
                            : store_pg_images_archive(req->workspace_id, im.a.id, clock_now_ms());
    int rc = r == ST_OK ? vs_reply_json(res, 200, json_pack("{s:{s:s,s:b,s:b}}", "data", "id", im.a.id, "deleted", 1,
                                                             "permanent", permanent))
                        : vs_fail_store(res, r, "Image");
    pg_image_free(&im);
    dataset_row_free(&ds);
    return rc;
}
