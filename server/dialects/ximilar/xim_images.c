/* xim_images.c — /recognition/v2/training-image: upload (JSON with base64,
 * never multipart), get, list with filters, metadata update, labels, the batch
 * update and delete.
 *
 * An upload is decoded and checked here (real PNG/JPEG, hashed, thumbnailed to
 * a real smaller PNG) before anything is stored; the store then writes blob,
 * asset, download tokens and row in one transaction. The same bytes uploaded
 * twice into one workspace answer the vendor's "Image already exists with image
 * ID: <uuid>" (the client extracts the id and fetches that image). Request
 * threads.
 */
#include "store_xim_images.h"
#include "core/image.h"
#include "xim_common.h"
#include "xim_pixels.h"
#include "xim_records.h"
#include "xim_routes.h"
#include "xim_views.h"

#include <stdlib.h>
#include <string.h>

#define XIM_THUMB_SIDE 256

/* The image entity with labels, as every image call answers. */
static int reply_image(vs_request *req, vs_response *res, const char *ws, const char *id, int status)
{
    json_t *row = NULL, *labels = NULL;
    st_result r = store_xim_images_get(ws, id, &row);
    if (r == ST_OK)
        r = store_xim_images_labels(ws, id, &labels);
    if (r != ST_OK) {
        json_decref(row);
        return xim_fail_store(res, r);
    }
    json_t *body = xim_views_image(req, row, labels);
    json_decref(row);
    json_decref(labels);
    return vs_reply_json(res, status, body);
}

int xim_images_create(vs_request *req, vs_response *res)
{
    static const char *const writable[] = {"base64", "noresize", "test_image", "meta_data", NULL};
    char ws[37], id[37], dup[37];
    const char *b64 = NULL;
    json_t *meta = NULL;
    int noresize = 0, test = 0, rc = -1;
    unsigned char *bytes = NULL;
    uint8_t *thumb = NULL;
    size_t len = 0, thumb_len = 0;
    image_info info;
    uint64_t hash = 0;
    if (xim_workspace(req, res, ws) != 0 || xim_body_check(req, res, writable, NULL) != 0)
        return -1;
    int has = xim_field_string(req->json, res, "base64", 0, (size_t)1 << 30, &b64);
    if (has < 0 || xim_field_bool(req->json, res, "noresize", &noresize) < 0 ||
        xim_field_bool(req->json, res, "test_image", &test) < 0 ||
        xim_field_object(req->json, res, "meta_data", 1, &meta) < 0)
        return -1;
    if (!b64)
        return xim_fail_required(res, "base64");
    if (xim_records_base64(b64, strlen(b64), &bytes, &len) != 0) {
        xim_fail_field(res, "base64", "The image is not valid base64.");
        goto out;
    }
    if (image_probe(bytes, len, &info) != 0 ||
        xim_pixels_hash_and_thumb(bytes, len, XIM_THUMB_SIDE, &hash, &thumb, &thumb_len) != 0) {
        xim_fail_field(res, "base64", "Upload a valid image. The data is not a PNG or JPEG image, or it is corrupted.");
        goto out;
    }
    xim_image_new in = {.workspace_id = ws, .bytes = bytes, .len = len, .mime = info.mime,
                        .ext = info.format == IMAGE_PNG ? "png" : "jpg", .width = info.width,
                        .height = info.height, .thumb_png = thumb, .thumb_len = thumb_len, .phash = hash,
                        .meta_data = meta, .test_image = test, .noresize = noresize};
    st_result r = store_xim_images_create(&in, id, dup);
    if (r == ST_CONFLICT && dup[0]) {
        xim_fail(res, 400, "Image already exists with image ID: %s", dup);
        goto out;
    }
    if (r != ST_OK) {
        xim_fail_store(res, r);
        goto out;
    }
    rc = reply_image(req, res, ws, id, 201);
out:
    free(thumb);
    free(bytes);
    return rc;
}

int xim_images_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    return reply_image(req, res, ws, id, 200);
}

static json_t *image_view(const vs_request *req, const char *ws, json_t *row)
{
    json_t *labels = NULL;
    store_xim_images_labels(ws, json_string_value(json_object_get(row, "id")), &labels);
    json_t *view = xim_views_image(req, row, labels);
    json_decref(labels);
    return view;
}

int xim_images_list(vs_request *req, vs_response *res)
{
    static const char *const carry[] = {"verified", "real", "test", "labels", "not_labels", "detection_labels", NULL};
    char ws[37];
    xim_page page;
    xim_image_filter f = {.test = -1, .real = -1, .verified = -1};
    int64_t count = 0;
    json_t *rows = NULL;
    if (xim_workspace(req, res, ws) != 0 || xim_page_parse(req, res, &page) != 0 ||
        xim_query_bool(req, res, "test", &f.test) < 0 || xim_query_bool(req, res, "real", &f.real) < 0 ||
        xim_query_bool(req, res, "verified", &f.verified) < 0 ||
        xim_query_uuid(req, res, "labels", &f.label) < 0 || xim_query_uuid(req, res, "not_labels", &f.not_label) < 0 ||
        xim_query_uuid(req, res, "detection_labels", &f.detection_label) < 0)
        return -1;
    st_result r = store_xim_images_count(ws, &f, &count);
    if (xim_page_counted(res, &page, r, count) != 0)
        return -1;
    r = store_xim_images_list(ws, &f, page.size, page.offset, &rows);
    return xim_page_reply_rows(req, res, &page, count, r, rows, ws, carry, image_view);
}

int xim_images_update(vs_request *req, vs_response *res)
{
    static const char *const writable[] = {"meta_data", "test_image", "real", NULL};
    static const char *const readonly[] = {"id", "created", "img_path", "thumb_img_path", "img_width", "img_height",
                                           "verifyCount", "labels", "noresize", NULL};
    char ws[37], id[37];
    json_t *meta = NULL;
    int test = -1, real = -1;
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_images_get, ws, id) != 0 || xim_body_check(req, res, writable, readonly) != 0)
        return -1;
    int has_meta = xim_field_object(req->json, res, "meta_data", 0, &meta);
    if (has_meta < 0 || xim_field_bool(req->json, res, "test_image", &test) < 0 ||
        xim_field_bool(req->json, res, "real", &real) < 0)
        return -1;
    st_result r = ST_OK;
    if (meta)
        r = store_xim_images_set_meta(ws, id, meta);
    if (r == ST_OK && (test >= 0 || real >= 0))
        r = store_xim_images_set_flags(ws, id, test, real);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_image(req, res, ws, id, 200);
}

int xim_images_delete(vs_request *req, vs_response *res)
{
    return xim_delete(req, res, store_xim_images_delete);
}

static int label_action(vs_request *req, vs_response *res, int add)
{
    static const char *const writable[] = {"label_id", "value", NULL};
    char ws[37], id[37];
    const char *label = NULL, *value = NULL;
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_images_get, ws, id) != 0 || xim_body_check(req, res, writable, NULL) != 0)
        return -1;
    if (xim_field_ref(req->json, res, "label_id", 0, &label) < 0 ||
        xim_field_string(req->json, res, "value", 1, XIM_TEXT_MAX, &value) < 0)
        return -1;
    if (!label)
        return xim_fail_required(res, "label_id");
    st_result r = add ? store_xim_images_add_label(ws, id, label, value) : store_xim_images_remove_label(ws, id, label);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return reply_image(req, res, ws, id, 200);
}

int xim_images_add_label(vs_request *req, vs_response *res) { return label_action(req, res, 1); }
int xim_images_remove_label(vs_request *req, vs_response *res) { return label_action(req, res, 0); }

/* "mark-x": true → 1, "unmark-x": true → 0, neither → -1; both → 400. */
static int flag_pair(const vs_request *req, vs_response *res, const char *mark, const char *unmark, int *out)
{
    int m = 0, u = 0;
    if (xim_field_bool(req->json, res, mark, &m) < 0 || xim_field_bool(req->json, res, unmark, &u) < 0)
        return -1;
    if (m && u)
        return xim_fail_field(res, mark, "Cannot be combined with %s.", unmark);
    *out = m ? 1 : u ? 0 : -1;
    return 0;
}

int xim_images_batch(vs_request *req, vs_response *res)
{
    static const char *const writable[] = {"images", "labels", "labels-add", "labels-remove", "mark-test",
                                           "unmark-test", "mark-real", "unmark-real", NULL};
    char ws[37], missing[37];
    json_t *images = NULL, *set = NULL, *add = NULL, *remove = NULL;
    int test = -1, real = -1;
    int64_t updated = 0;
    if (xim_workspace(req, res, ws) != 0 || xim_body_check(req, res, writable, NULL) != 0)
        return -1;
    if (xim_field_id_list(req->json, res, "images", 10000, &images) < 0 ||
        flag_pair(req, res, "mark-test", "unmark-test", &test) != 0 ||
        flag_pair(req, res, "mark-real", "unmark-real", &real) != 0)
        return -1;
    if (!images)
        return xim_fail_required(res, "images");
    static const char *const lists[] = {"labels", "labels-add", "labels-remove"};
    json_t **targets[] = {&set, &add, &remove};
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(req->json, lists[i]);
        if (v && json_is_array(v) && json_array_size(v) == 0) {
            *targets[i] = v; /* an empty "labels" clears the set */
            continue;
        }
        if (xim_field_id_list(req->json, res, lists[i], 1000, targets[i]) < 0)
            return -1;
    }
    st_result r = store_xim_images_batch(ws, images, set, add, remove, test, real, &updated, missing);
    if (r == ST_NOT_FOUND && missing[0])
        return xim_fail(res, 404, "Not found: %s", missing);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return vs_reply_json(res, 200, json_pack("{s:s,s:I}", "status", "OK", "updated", (json_int_t)updated));
}
