/* xim_dobjects.c — /detection/v2/object: bounding boxes on training images.
 *
 * `data` is [xmin, ymin, xmax, ymax] in integer pixels inside the image
 * (0 <= xmin < xmax <= width, same for y). References (`detection_label`,
 * `image`) are ids or objects with an id, since the client sends back what it
 * received. Each object keeps a real PNG crop of its box (the thumbnail of
 * sample-objects), rebuilt whenever the box or the image changes. Request
 * threads. */
#include "core/image.h"
#include "store_xim_detection.h"
#include "store_xim_images.h"
#include "xim_common.h"
#include "xim_pixels.h"
#include "xim_routes.h"
#include "xim_views.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define XIM_CROP_SIDE 256

static const char *const object_writable[] = {"detection_label", "image", "data", "meta_data", NULL};
static const char *const object_readonly[] = {"id", "recognition_labels", "thumb_img_path", "created", NULL};

static json_t *object_view(const vs_request *req, const char *ws, json_t *row)
{
    (void)ws;
    return xim_views_dobject(req, row);
}

static int reply_object(vs_request *req, vs_response *res, const char *ws, const char *id, int status)
{
    return xim_reply_get(req, res, store_xim_dobjects_get, object_view, ws, id, status);
}

/* `data` into box[4]: 1 present, 0 absent, -1 failed. */
static int read_box(const json_t *body, vs_response *res, int box[4])
{
    json_t *d = json_object_get(body, "data");
    if (!d)
        return 0;
    if (!json_is_array(d) || json_array_size(d) != 4)
        return xim_fail_field(res, "data", "Expected a list of 4 integers [xmin, ymin, xmax, ymax].");
    for (size_t i = 0; i < 4; i++) {
        json_t *v = json_array_get(d, i);
        double x = json_number_value(v);
        if (!json_is_number(v) || x != nearbyint(x) || fabs(x) > 1e9)
            return xim_fail_field(res, "data", "Expected a list of 4 integers [xmin, ymin, xmax, ymax].");
        box[i] = (int)x;
    }
    return 1;
}

/* Checks the box against the image and renders its crop (*png malloc'd). */
static int box_and_crop(const char *ws, const char *image, const int box[4], vs_response *res, uint8_t **png,
                        size_t *png_len)
{
    json_t *img = NULL;
    unsigned char *bytes = NULL;
    size_t len = 0;
    char mime[64];
    image_pixels px = {0}, crop = {0};
    int rc = -1;
    *png = NULL;
    st_result r = store_xim_images_get(ws, image, &img);
    if (r == ST_NOT_FOUND) {
        xim_fail_field(res, "image", "Invalid pk \"%s\" - object does not exist.", image);
        goto out;
    }
    if (r != ST_OK) {
        xim_fail_store(res, r);
        goto out;
    }
    int w = (int)json_integer_value(json_object_get(img, "img_width"));
    int h = (int)json_integer_value(json_object_get(img, "img_height"));
    if (box[0] < 0 || box[1] < 0 || box[0] >= box[2] || box[1] >= box[3] || box[2] > w || box[3] > h) {
        xim_fail_field(res, "data", "The box [%d, %d, %d, %d] must satisfy 0 <= xmin < xmax <= %d and"
                                    " 0 <= ymin < ymax <= %d.", box[0], box[1], box[2], box[3], w, h);
        goto out;
    }
    if ((r = store_xim_images_bytes(ws, image, &bytes, &len, mime)) != ST_OK) {
        xim_fail_store(res, r);
        goto out;
    }
    if (image_decode(bytes, len, 0, &px) != 0 ||
        xim_pixels_scaled_region(&px, box[0], box[1], box[2], box[3], XIM_CROP_SIDE, &crop) != 0 ||
        image_encode_png(&crop, png, png_len) != 0) {
        xim_fail(res, 500, "The image could not be cropped.");
        goto out;
    }
    rc = 0;
out:
    image_free(&crop);
    image_free(&px);
    free(bytes);
    json_decref(img);
    return rc;
}

static int check_label(const char *ws, const char *label, vs_response *res)
{
    json_t *row = NULL;
    st_result r = store_xim_dlabels_get(ws, label, &row);
    json_decref(row);
    if (r == ST_NOT_FOUND)
        return xim_fail_field(res, "detection_label", "Invalid pk \"%s\" - object does not exist.", label);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    return 0;
}

int xim_dobjects_create(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    xim_dobject_fields f = {0};
    json_t *meta = NULL;
    uint8_t *png = NULL;
    int rc = -1;
    if (xim_workspace(req, res, ws) != 0 || xim_body_check(req, res, object_writable, object_readonly) != 0)
        return -1;
    int hb = 0;
    if (xim_field_ref(req->json, res, "detection_label", 0, &f.label_id) < 0 ||
        xim_field_ref(req->json, res, "image", 0, &f.image_id) < 0 || (hb = read_box(req->json, res, f.box)) < 0 ||
        xim_field_object(req->json, res, "meta_data", 1, &meta) < 0)
        return -1;
    if (!f.label_id)
        return xim_fail_required(res, "detection_label");
    if (!f.image_id)
        return xim_fail_required(res, "image");
    if (!hb)
        return xim_fail_required(res, "data");
    f.meta_data = meta;
    if (check_label(ws, f.label_id, res) != 0 || box_and_crop(ws, f.image_id, f.box, res, &png, &f.crop_len) != 0)
        goto out;
    f.crop_png = png;
    st_result r = store_xim_dobjects_create(ws, &f, id);
    if (r != ST_OK) {
        xim_fail_store(res, r);
        goto out;
    }
    rc = reply_object(req, res, ws, id, 201);
out:
    free(png);
    return rc;
}

int xim_dobjects_get(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    if (xim_workspace_id(req, res, ws, id) != 0)
        return -1;
    return reply_object(req, res, ws, id, 200);
}

int xim_dobjects_list(vs_request *req, vs_response *res)
{
    static const char *const carry[] = {"image", "object_detection_label", "detection_label", NULL};
    char ws[37];
    xim_page page;
    const char *image = NULL, *label = NULL;
    int64_t count = 0;
    json_t *rows = NULL;
    if (xim_workspace(req, res, ws) != 0 || xim_page_parse(req, res, &page) != 0 ||
        xim_query_uuid(req, res, "image", &image) < 0 ||
        xim_query_uuid(req, res, "object_detection_label", &label) < 0 ||
        (!label && xim_query_uuid(req, res, "detection_label", &label) < 0))
        return -1;
    const char *rec = NULL;
    if (xim_query_uuid(req, res, "object_labels", &rec) < 0)
        return -1;
    st_result r = store_xim_dobjects_count(ws, image, label, &count);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    if (rec)
        count = 0; /* objects carry no recognition labels in the emulator */
    if (xim_page_check(res, &page, count) != 0)
        return -1;
    json_t *results = json_array();
    if (!rec) {
        if ((r = store_xim_dobjects_list(ws, image, label, page.size, page.offset, &rows)) != ST_OK) {
            json_decref(results);
            return xim_fail_store(res, r);
        }
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row) json_array_append_new(results, xim_views_dobject(req, row));
        json_decref(rows);
    }
    return xim_page_reply(req, res, &page, count, results, ws, carry);
}

int xim_dobjects_update(vs_request *req, vs_response *res)
{
    char ws[37], id[37];
    json_t *cur = NULL, *meta = NULL;
    uint8_t *png = NULL;
    int rc = -1, full = strcmp(req->method, "PUT") == 0;
    xim_dobject_fields f = {0};
    const char *label = NULL, *image = NULL;
    int box[4];
    if (xim_workspace_id(req, res, ws, id) != 0 ||
        xim_exists(res, store_xim_dobjects_get, ws, id) != 0 ||
        xim_body_check(req, res, object_writable, object_readonly) != 0)
        return -1;
    int hl = xim_field_ref(req->json, res, "detection_label", 0, &label);
    int hi = hl < 0 ? -1 : xim_field_ref(req->json, res, "image", 0, &image);
    int hb = hi < 0 ? -1 : read_box(req->json, res, box);
    int hm = hb < 0 ? -1 : xim_field_object(req->json, res, "meta_data", 1, &meta);
    if (hm < 0)
        return -1;
    if (full && (!hl || !hi || !hb))
        return xim_fail_required(res, !hl ? "detection_label" : !hi ? "image" : "data");
    st_result r = store_xim_dobjects_get(ws, id, &cur);
    if (r != ST_OK)
        return xim_fail_store(res, r);
    f.label_id = hl ? label : json_string_value(json_object_get(cur, "label_id"));
    f.image_id = hi ? image : json_string_value(json_object_get(cur, "image_id"));
    static const char *const corners[] = {"xmin", "ymin", "xmax", "ymax"};
    for (int k = 0; k < 4; k++)
        f.box[k] = hb ? box[k] : (int)json_integer_value(json_object_get(cur, corners[k]));
    f.set_meta = hm > 0;
    f.meta_data = meta;
    if (hl && check_label(ws, f.label_id, res) != 0)
        goto out;
    if ((hi || hb) && box_and_crop(ws, f.image_id, f.box, res, &png, &f.crop_len) != 0)
        goto out;
    f.crop_png = png;
    if ((r = store_xim_dobjects_update(ws, id, &f)) != ST_OK) {
        xim_fail_store(res, r);
        goto out;
    }
    rc = reply_object(req, res, ws, id, 200);
out:
    free(png);
    json_decref(cur);
    return rc;
}

int xim_dobjects_delete(vs_request *req, vs_response *res)
{
    return xim_delete(req, res, store_xim_dobjects_delete);
}
