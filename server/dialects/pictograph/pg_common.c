/* pg_common.c — what every Pictograph handler needs: timestamps, paging,
 * query booleans, directory and file-name rules, and resolving the names,
 * paths and UUIDs a client uses for datasets and images.
 *
 * Resolution is always scoped by the caller's workspace, so another
 * workspace's ids are "not found" exactly like unknown ones. Any thread.
 */
#include "pg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int pg_is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!isxdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

void pg_iso_time(int64_t ms, char out[32])
{
    time_t secs = (time_t)(ms / 1000);
    int frac = (int)(ms % 1000);
    if (frac < 0) {
        frac += 1000;
        secs -= 1;
    }
    struct tm tm;
    gmtime_r(&secs, &tm);
    char base[24];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%s.%03dZ", base, frac);
}

json_t *pg_time_json(int64_t ms)
{
    if (!ms)
        return json_null();
    char buf[32];
    pg_iso_time(ms, buf);
    return json_string(buf);
}

static int query_int(const vs_request *req, vs_response *res, const char *name, int64_t lo, int64_t *out)
{
    const char *v = vs_query(req, name);
    if (!v)
        return 0;
    char *end = NULL;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || n < lo) {
        pg_errs e;
        pg_errs_init(&e);
        json_t *loc = json_pack("[s,s]", "query", name);
        if (!*v || *end)
            pg_errs_add(&e, loc, "int_parsing", "Input should be a valid integer, unable to parse string as an integer");
        else
            pg_errs_add(&e, loc, "greater_than_equal", "Input should be greater than or equal to %lld", (long long)lo);
        return pg_errs_finish(&e, res);
    }
    *out = n;
    return 0;
}

int pg_paging(const vs_request *req, vs_response *res, int64_t default_limit, int64_t max_limit, int64_t *limit,
              int64_t *offset)
{
    *limit = default_limit;
    *offset = 0;
    if (query_int(req, res, "limit", 1, limit) != 0 || query_int(req, res, "offset", 0, offset) != 0)
        return -1;
    if (*limit > max_limit)
        *limit = max_limit;
    return 0;
}

json_t *pg_pagination(int64_t limit, int64_t offset, int64_t count, int64_t total)
{
    return json_pack("{s:I,s:I,s:I,s:b}", "limit", (json_int_t)limit, "offset", (json_int_t)offset, "total",
                     (json_int_t)total, "has_more", offset + count < total);
}

int pg_query_bool(const vs_request *req, vs_response *res, const char *name, int *out)
{
    const char *v = vs_query(req, name);
    if (!v)
        return 0;
    if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0) {
        *out = 1;
        return 0;
    }
    if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0) {
        *out = 0;
        return 0;
    }
    pg_errs e;
    pg_errs_init(&e);
    pg_errs_add(&e, json_pack("[s,s]", "query", name), "bool_parsing",
                "Input should be a valid boolean, unable to interpret input");
    return pg_errs_finish(&e, res);
}

static int bad_segment(const char *seg, size_t n)
{
    if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
        return 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)seg[i] < 0x20 || seg[i] == 0x7f || seg[i] == '\\')
            return 1;
    return 0;
}

int pg_normalize_dir(const char *in, char *out, size_t cap)
{
    size_t len = 0;
    const char *p = in;
    if (cap < 2)
        return -1;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (bad_segment(p, n) || len + 1 + n + 1 > cap || len + 1 + n > 500)
            return -1;
        out[len++] = '/';
        memcpy(out + len, p, n);
        len += n;
        p += n;
    }
    if (len == 0)
        out[len++] = '/';
    out[len] = 0;
    /* "a//b" would have been accepted by skipping: reject empty segments. */
    return strstr(in, "//") ? -1 : 0;
}

int pg_valid_filename(const char *name)
{
    size_t n = strlen(name);
    if (n > 255 || strchr(name, '/') || bad_segment(name, n))
        return -1;
    return 0;
}

int pg_split_path(const char *path, char *dir, size_t dcap, char *file, size_t fcap)
{
    while (*path == '/')
        path++;
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    if (pg_valid_filename(name) != 0 || strlen(name) >= fcap)
        return -1;
    snprintf(file, fcap, "%s", name);
    if (!slash) {
        snprintf(dir, dcap, "/");
        return 0;
    }
    char tmp[1024];
    size_t n = (size_t)(slash - path);
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, path, n);
    tmp[n] = 0;
    if (strstr(tmp, "//"))
        return -1;
    return pg_normalize_dir(tmp, dir, dcap);
}

void pg_image_path(const pg_image *im, char *out, size_t cap)
{
    if (strcmp(im->a.directory, "/") == 0)
        snprintf(out, cap, "%s", im->a.filename);
    else
        snprintf(out, cap, "%s/%s", im->a.directory + 1, im->a.filename);
}

int pg_dataset_find(const vs_request *req, vs_response *res, const char *ref, dataset_row *out)
{
    st_result r = ST_NOT_FOUND;
    if (pg_is_uuid(ref))
        r = store_datasets_get(req->workspace_id, ref, out);
    if (r == ST_NOT_FOUND)
        r = store_datasets_get_by_name(req->workspace_id, ref, out);
    if (r == ST_NOT_FOUND)
        return vs_fail(res, 404, "not_found", "Dataset '%.200s' not found", ref);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Dataset");
    return 0;
}

/* The image for ref inside ds without failing res: ST_NOT_FOUND when absent. */
static st_result image_lookup(const char *ws, const dataset_row *ds, const char *ref, pg_image *out)
{
    char dir[512], file[256];
    st_result r = ST_NOT_FOUND;
    if (pg_is_uuid(ref)) {
        r = store_pg_images_get(ws, ref, out);
        if (r == ST_OK && strcmp(out->a.dataset_id, ds->id) != 0) {
            pg_image_free(out);
            r = ST_NOT_FOUND; /* an image of another dataset is not this dataset's image */
        }
        if (r != ST_NOT_FOUND)
            return r;
    }
    if (strchr(ref, '/')) {
        if (pg_split_path(ref, dir, sizeof dir, file, sizeof file) != 0)
            return ST_NOT_FOUND;
        return store_pg_images_by_path(ws, ds->id, dir, file, out);
    }
    if (pg_valid_filename(ref) != 0)
        return ST_NOT_FOUND;
    return store_pg_images_by_name(ws, ds->id, ref, out);
}

int pg_image_find(const vs_request *req, vs_response *res, const dataset_row *ds, const char *ref, pg_image *out)
{
    st_result r = image_lookup(req->workspace_id, ds, ref, out);
    if (r == ST_NOT_FOUND)
        return vs_fail(res, 404, "not_found", "Image '%.200s' not found in dataset '%.200s'", ref, ds->name);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Image");
    return 0;
}

int pg_route_image(const vs_request *req, vs_response *res, const char *tail, dataset_row *ds, pg_image *im)
{
    int have_ds = 0;
    char first_seg[256] = "";
    dataset_row found;
    memset(&found, 0, sizeof found);
    size_t n = strlen(tail);
    const char *seg_end = strchr(tail, '/');
    snprintf(first_seg, sizeof first_seg, "%.*s", (int)(seg_end ? (size_t)(seg_end - tail) : n), tail);
    for (const char *cut = strchr(tail, '/'); cut; cut = strchr(cut + 1, '/')) {
        char name[512];
        size_t len = (size_t)(cut - tail);
        if (len == 0 || len >= sizeof name)
            continue;
        memcpy(name, tail, len);
        name[len] = 0;
        dataset_row d;
        st_result r = ST_NOT_FOUND;
        if (pg_is_uuid(name))
            r = store_datasets_get(req->workspace_id, name, &d);
        if (r == ST_NOT_FOUND)
            r = store_datasets_get_by_name(req->workspace_id, name, &d);
        if (r == ST_NOT_FOUND)
            continue;
        if (r != ST_OK) {
            dataset_row_free(&found);
            return vs_fail_store(res, r, "Dataset");
        }
        char dir[512], file[256];
        const char *path = cut + 1;
        st_result ri = pg_split_path(path, dir, sizeof dir, file, sizeof file) == 0
                           ? store_pg_images_by_path(req->workspace_id, d.id, dir, file, im)
                           : ST_NOT_FOUND;
        if (ri == ST_OK) {
            dataset_row_free(&found);
            *ds = d;
            return 0;
        }
        if (ri != ST_NOT_FOUND) {
            dataset_row_free(&d);
            dataset_row_free(&found);
            return vs_fail_store(res, ri, "Image");
        }
        if (!have_ds) {
            found = d;
            have_ds = 1;
        } else {
            dataset_row_free(&d);
        }
    }
    if (!have_ds) {
        dataset_row_free(&found);
        return vs_fail(res, 404, "not_found", "Dataset '%.200s' not found", first_seg);
    }
    int rc = vs_fail(res, 404, "not_found", "Image not found in dataset '%.200s'", found.name);
    dataset_row_free(&found);
    return rc;
}

int pg_fail_credits(vs_response *res, int64_t required, int64_t remaining)
{
    json_t *details = json_pack("{s:I,s:I,s:I,s:s,s:s}", "required_micro_usd", (json_int_t)required, "required",
                                (json_int_t)required, "remaining_micro_usd", (json_int_t)remaining, "unit",
                                "micro_usd", "upgrade_url", "/settings?tab=billing");
    return vs_fail_details(res, 402, "insufficient_credits", details, "Insufficient credits");
}
