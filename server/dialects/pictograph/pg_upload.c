/* pg_upload.c — the three-step image upload (specs/pictograph.md §8):
 * upload-url issues a server URL (a core "put" transfer owned by the dataset
 * and path), the client PUTs the bytes there (transfer_routes.c), and register
 * turns the received blob into an image, sniffing PNG/JPEG dimensions when the
 * client sent none. The bulk variants do the same for up to 500 files, with
 * per-file failures reported instead of failing the whole call.
 * Request threads.
 */
#include "pg.h"
#include "pg_idem.h"
#include "pg_routes.h"
#include "clock.h"
#include "core/hash.h"
#include "core/image.h"
#include "core/store_blobs.h"
#include "core/store_transfers.h"
#include "core/transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PURPOSE "pictograph.image"
#define URL_MINUTES 60
#define MAX_IMAGE_BYTES (256LL * 1024 * 1024)
#define BULK_MAX 500

typedef struct {
    const char *filename;
    char dir[512];
    const char *content_type;
    int64_t file_size, width, height;
    int has_size, has_width, has_height;
} entry;

/* MIME type by extension, as the client infers it. */
static const char *mime_of(const char *filename)
{
    static const struct {
        const char *ext, *mime;
    } map[] = {{".jpg", "image/jpeg"},  {".jpeg", "image/jpeg"}, {".png", "image/png"},   {".gif", "image/gif"},
               {".bmp", "image/bmp"},   {".webp", "image/webp"}, {".tif", "image/tiff"},  {".tiff", "image/tiff"},
               {".heic", "image/heic"}, {".heif", "image/heif"}};
    const char *dot = strrchr(filename, '.');
    for (size_t i = 0; dot && i < sizeof map / sizeof *map; i++)
        if (strcasecmp(dot, map[i].ext) == 0)
            return map[i].mime;
    return NULL;
}

static int parse_entry(pg_errs *e, const json_t *obj, const json_t *base, int registering, entry *out)
{
    static const char *const url_keys[] = {"dataset", "filename", "directory_path", "content_type", NULL};
    static const char *const reg_keys[] = {"dataset", "filename",  "directory_path", "content_type",
                                           "file_size", "width", "height", NULL};
    memset(out, 0, sizeof *out);
    int before = pg_errs_count(e);
    if (!json_is_object(obj)) {
        pg_errs_add(e, base ? json_copy((json_t *)base) : json_pack("[s]", "body"), "model_type",
                    "Input should be a valid dictionary or object");
        return -1;
    }
    pg_field_keys(e, obj, base, registering ? reg_keys : url_keys);
    if (pg_field_str(e, obj, base, "filename", 1, 255, &out->filename) > 0 && pg_valid_filename(out->filename) != 0)
        pg_errs_add(e, pg_loc(base, "filename"), "value_error",
                    "Value error, a file name cannot contain '/' or control characters, nor be '.' or '..'");
    const char *dir = NULL;
    if (pg_field_str(e, obj, base, "directory_path", 0, 500, &dir) >= 0 &&
        pg_normalize_dir(dir ? dir : "/", out->dir, sizeof out->dir) != 0)
        pg_errs_add(e, pg_loc(base, "directory_path"), "value_error",
                    "Value error, a directory path is '/' or '/a/b' without '.', '..' or empty parts");
    if (pg_field_str(e, obj, base, "content_type", 0, 127, &out->content_type) >= 0) {
        if (!out->content_type && out->filename)
            out->content_type = mime_of(out->filename);
        if (out->content_type && strncasecmp(out->content_type, "image/", 6) != 0)
            pg_errs_add(e, pg_loc(base, "content_type"), "value_error", "Value error, content_type must be image/*");
        if (!out->content_type && out->filename)
            pg_errs_add(e, pg_loc(base, "content_type"), "missing",
                        "Field required (it cannot be inferred from the file name)");
    }
    if (registering) {
        out->has_size = pg_field_int(e, obj, base, "file_size", 0, 0, MAX_IMAGE_BYTES, &out->file_size) > 0;
        out->has_width = pg_field_int(e, obj, base, "width", 0, 1, 1000000, &out->width) > 0;
        out->has_height = pg_field_int(e, obj, base, "height", 0, 1, 1000000, &out->height) > 0;
    }
    return pg_errs_count(e) > before ? -1 : 0;
}

/* The transfer owner for (dataset, directory, filename): fixed length whatever
 * the path's length. */
static void owner_ref(const char *dataset_id, const entry *en, char out[128])
{
    size_t dl = strlen(en->dir), fl = strlen(en->filename);
    char *buf = malloc(dl + fl + 2);
    uint8_t digest[32];
    char hex[65] = "";
    if (buf) {
        memcpy(buf, en->dir, dl);
        buf[dl] = '\n';
        memcpy(buf + dl + 1, en->filename, fl + 1);
        hash_sha256(buf, dl + fl + 1, digest);
        hash_hex(digest, 32, hex);
        free(buf);
    }
    snprintf(out, 128, "%s:%s", dataset_id, hex);
}

static void path_text(const entry *en, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s%s", strcmp(en->dir, "/") == 0 ? "" : en->dir + 1, strcmp(en->dir, "/") == 0 ? "" : "/",
             en->filename);
}

/* Issues one upload URL (JSON object) or fails res. */
static json_t *issue_url(const vs_request *req, vs_response *res, const dataset_row *ds, const entry *en)
{
    transfer_row t;
    memset(&t, 0, sizeof t);
    snprintf(t.workspace_id, sizeof t.workspace_id, "%s", req->workspace_id);
    snprintf(t.dialect, sizeof t.dialect, "pictograph");
    snprintf(t.direction, sizeof t.direction, "put");
    snprintf(t.filename, sizeof t.filename, "%s", en->filename);
    snprintf(t.content_type, sizeof t.content_type, "%s", en->content_type);
    t.max_bytes = MAX_IMAGE_BYTES;
    t.expected_size = -1;
    snprintf(t.purpose, sizeof t.purpose, PURPOSE);
    owner_ref(ds->id, en, t.owner_ref);
    t.expires_at = clock_now_ms() + URL_MINUTES * 60 * 1000;
    st_result r = store_transfers_create(&t);
    if (r != ST_OK) {
        vs_fail_store(res, r, "Upload URL");
        return NULL;
    }
    char url[512];
    transfer_url(req->host, "pictograph", t.token, NULL, url, sizeof url);
    return json_pack("{s:s,s:s,s:s,s:i}", "upload_url", url, "filename", en->filename, "directory_path", en->dir,
                     "expires_in_minutes", URL_MINUTES);
}

int pg_upload_url(vs_request *req, vs_response *res)
{
    pg_idem idem;
    int irc = pg_idem_begin(req, res, &idem);
    if (irc)
        return irc > 0 ? 0 : -1;
    pg_errs e;
    pg_errs_init(&e);
    const char *ds_ref = NULL;
    entry en;
    pg_field_str(&e, req->json, NULL, "dataset", 1, 255, &ds_ref);
    parse_entry(&e, req->json, NULL, 0, &en);
    if (pg_errs_finish(&e, res) != 0)
        return -1;
    dataset_row ds;
    if (pg_dataset_find(req, res, ds_ref, &ds) != 0)
        return -1;
    pg_image im;
    int rc = -1;
    st_result r = store_pg_images_by_path(req->workspace_id, ds.id, en.dir, en.filename, &im);
    if (r == ST_OK) {
        char path[800];
        path_text(&en, path, sizeof path);
        pg_image_free(&im);
        rc = vs_fail(res, 409, "conflict", "Image '%.300s' already exists in dataset '%.200s'", path, ds.name);
    } else if (r != ST_NOT_FOUND) {
        rc = vs_fail_store(res, r, "Image");
    } else {
        json_t *url = issue_url(req, res, &ds, &en);
        if (url)
            rc = pg_idem_reply(req, res, &idem, 200, json_pack("{s:o}", "data", url));
    }
    dataset_row_free(&ds);
    return rc;
}

typedef struct {
    char sha[65];
} latest_blob;

static void pick_latest(const transfer_row *t, void *arg)
{
    latest_blob *l = arg;
    if (t->blob_sha256[0] && strcmp(t->check_result, "ok") == 0)
        memcpy(l->sha, t->blob_sha256, sizeof l->sha);
}

/* Registers one uploaded file. 0 with *out; else an HTTP status with a reason. */
static int register_one(const vs_request *req, const dataset_row *ds, const entry *en, pg_image *out, char *err,
                        size_t errlen)
{
    char path[800], owner[128];
    unsigned char *data = NULL;
    size_t len = 0;
    path_text(en, path, sizeof path);
    owner_ref(ds->id, en, owner);
    latest_blob l = {""};
    st_result r = store_transfers_by_owner(PURPOSE, owner, pick_latest, &l);
    if (r != ST_OK) {
        snprintf(err, errlen, "Store error: %s", store_result_name(r));
        return r == ST_BUSY ? 503 : 500;
    }
    if (!l.sha[0]) {
        snprintf(err, errlen, "No bytes were uploaded for '%.300s'; PUT them to the upload_url first", path);
        return 400;
    }
    if ((r = store_blobs_load(l.sha, &data, &len)) != ST_OK) {
        snprintf(err, errlen, "Store error: %s", store_result_name(r));
        return r == ST_BUSY ? 503 : 500;
    }
    image_info info;
    int probed = image_probe(data, len, &info) == 0;
    free(data);
    if (en->has_size && (size_t)en->file_size != len) {
        snprintf(err, errlen, "file_size %lld does not match the %zu bytes uploaded", (long long)en->file_size, len);
        return 400;
    }
    asset_row a;
    memset(&a, 0, sizeof a);
    snprintf(a.workspace_id, sizeof a.workspace_id, "%s", req->workspace_id);
    snprintf(a.dataset_id, sizeof a.dataset_id, "%s", ds->id);
    snprintf(a.directory, sizeof a.directory, "%s", en->dir);
    snprintf(a.filename, sizeof a.filename, "%s", en->filename);
    snprintf(a.blob_sha256, sizeof a.blob_sha256, "%s", l.sha);
    snprintf(a.mime, sizeof a.mime, "%s", probed ? info.mime : en->content_type);
    a.width = probed ? info.width : (int)en->width;
    a.height = probed ? info.height : (int)en->height;
    a.size = (int64_t)len;
    snprintf(a.status, sizeof a.status, "new");
    if (!probed && !(en->has_width && en->has_height)) {
        snprintf(err, errlen, "Cannot read the dimensions of '%.300s' (not PNG or JPEG); send width and height", path);
        return 400;
    }
    r = store_assets_create(&a);
    if (r == ST_CONFLICT) {
        snprintf(err, errlen, "Image '%.300s' already exists in dataset '%.200s'", path, ds->name);
        return 409;
    }
    if (r == ST_OK)
        r = store_pg_images_get(req->workspace_id, a.id, out);
    if (r != ST_OK) {
        snprintf(err, errlen, "Store error: %s", store_result_name(r));
        return r == ST_BUSY ? 503 : 500;
    }
    return 0;
}

static const char *code_of(int status)
{
    return status == 409 ? "conflict" : status == 400 ? "validation_error" : status == 503 ? "busy" : "internal";
}

int pg_upload_register(vs_request *req, vs_response *res)
{
    pg_idem idem;
    int irc = pg_idem_begin(req, res, &idem);
    if (irc)
        return irc > 0 ? 0 : -1;
    pg_errs e;
    pg_errs_init(&e);
    const char *ds_ref = NULL;
    entry en;
    pg_field_str(&e, req->json, NULL, "dataset", 1, 255, &ds_ref);
    parse_entry(&e, req->json, NULL, 1, &en);
    if (pg_errs_finish(&e, res) != 0)
        return -1;
    dataset_row ds;
    if (pg_dataset_find(req, res, ds_ref, &ds) != 0)
        return -1;
    pg_image im;
    char err[1024];
    int status = register_one(req, &ds, &en, &im, err, sizeof err);
    int rc;
    if (status != 0) {
        rc = vs_fail(res, status, code_of(status), "%s", err);
    } else {
        rc = pg_idem_reply(req, res, &idem, 201, json_pack("{s:o}", "data", pg_view_image(req, &im)));
        pg_image_free(&im);
    }
    dataset_row_free(&ds);
    return rc;
}

/* {dataset, images:[...]} with 1..BULK_MAX entries; entries parsed into a new array. */
static entry *parse_bulk(pg_errs *e, const json_t *body, int registering, const char **ds_ref, size_t *n)
{
    static const char *const keys[] = {"dataset", "images", NULL};
    pg_field_keys(e, body, NULL, keys);
    pg_field_str(e, body, NULL, "dataset", 1, 255, ds_ref);
    const json_t *images = json_object_get(body, "images");
    json_t *loc = pg_loc(NULL, "images");
    entry *out = NULL;
    *n = 0;
    if (!images || json_is_null(images)) {
        pg_errs_add(e, json_copy(loc), "missing", "Field required");
    } else if (!json_is_array(images)) {
        pg_errs_add(e, json_copy(loc), "list_type", "Input should be a valid list");
    } else if (json_array_size(images) < 1 || json_array_size(images) > BULK_MAX) {
        pg_errs_add(e, json_copy(loc), json_array_size(images) ? "too_long" : "too_short",
                    "List should have between 1 and %d items", BULK_MAX);
    } else {
        *n = json_array_size(images);
        out = calloc(*n, sizeof *out);
        for (size_t i = 0; out && i < *n; i++) {
            json_t *at = pg_loc_i(loc, i);
            json_t *item = json_array_get(images, i);
            /* the dataset is named once, at the top */
            if (json_is_object(item) && json_object_get(item, "dataset"))
                pg_errs_add(e, pg_loc(at, "dataset"), "extra_forbidden", "Extra inputs are not permitted");
            parse_entry(e, item, at, registering, &out[i]);
            json_decref(at);
        }
    }
    json_decref(loc);
    return out;
}

int pg_upload_bulk_url(vs_request *req, vs_response *res)
{
    pg_idem idem;
    int irc = pg_idem_begin(req, res, &idem);
    if (irc)
        return irc > 0 ? 0 : -1;
    pg_errs e;
    pg_errs_init(&e);
    const char *ds_ref = NULL;
    size_t n = 0;
    entry *entries = parse_bulk(&e, req->json, 0, &ds_ref, &n);
    int rc = -1;
    dataset_row ds;
    memset(&ds, 0, sizeof ds);
    json_t *urls = json_array();
    if (pg_errs_finish(&e, res) != 0 || !entries || pg_dataset_find(req, res, ds_ref, &ds) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        json_t *u = issue_url(req, res, &ds, &entries[i]);
        if (!u)
            goto out;
        json_array_append_new(urls, u);
    }
    rc = pg_idem_reply(req, res, &idem, 200, json_pack("{s:{s:O}}", "data", "upload_urls", urls));
out:
    json_decref(urls);
    dataset_row_free(&ds);
    free(entries);
    return rc;
}

int pg_upload_bulk_register(vs_request *req, vs_response *res)
{
    pg_idem idem;
    int irc = pg_idem_begin(req, res, &idem);
    if (irc)
        return irc > 0 ? 0 : -1;
    pg_errs e;
    pg_errs_init(&e);
    const char *ds_ref = NULL;
    size_t n = 0;
    entry *entries = parse_bulk(&e, req->json, 1, &ds_ref, &n);
    int rc = -1;
    dataset_row ds;
    memset(&ds, 0, sizeof ds);
    json_t *ok = json_array(), *failed = json_array();
    if (pg_errs_finish(&e, res) != 0 || !entries || pg_dataset_find(req, res, ds_ref, &ds) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        pg_image im;
        char err[1024];
        int status = register_one(req, &ds, &entries[i], &im, err, sizeof err);
        if (status == 0) {
            json_array_append_new(ok, pg_view_image(req, &im));
            pg_image_free(&im);
        } else if (status >= 500) {
            rc = vs_fail(res, status, code_of(status), "%s", err);
            goto out;
        } else {
            json_array_append_new(failed, json_pack("{s:s,s:s,s:s}", "filename", entries[i].filename, "error", err,
                                                    "directory_path", entries[i].dir));
        }
    }
    rc = pg_idem_reply(req, res, &idem, 200, json_pack("{s:{s:O,s:O}}", "data", "succeeded", ok, "failed", failed));
out:
    json_decref(ok);
    json_decref(failed);
    dataset_row_free(&ds);
    free(entries);
    return rc;
}
