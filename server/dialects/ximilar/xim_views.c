/* xim_views.c — entity rendering for the Ximilar dialect (see header). Store
 * rows already carry wire names; this file adds what depends on the request
 * (absolute URLs), converts epoch milliseconds to ISO-8601 and drops columns
 * that are internal (tokens, hashes, digests). Pure given the request; any
 * request thread. */
#include "xim_views.h"
#include "xim_common.h"

#include <stdio.h>
#include <string.h>

static json_t *copy_keys(const json_t *row, const char *const *keys)
{
    json_t *out = json_object();
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(row, keys[i]);
        json_object_set(out, keys[i], v ? v : json_null());
    }
    return out;
}

static const char *str(const json_t *row, const char *key)
{
    const char *s = json_string_value(json_object_get(row, key));
    return s ? s : "";
}

static json_t *url(const vs_request *req, const char *token, const char *filename)
{
    char buf[1024];
    if (!token || !*token)
        return json_null();
    xim_blob_url(req, token, filename, buf, sizeof buf);
    return json_string(buf);
}

static json_t *thumb_url(const vs_request *req, const json_t *row)
{
    char name[64];
    snprintf(name, sizeof name, "%s-thumb.png", str(row, "image_id")[0] ? str(row, "image_id") : str(row, "id"));
    return url(req, str(row, "thumb_token"), name);
}

json_t *xim_views_image(const vs_request *req, const json_t *row, const json_t *labels)
{
    static const char *const keys[] = {"id", "workspace", "img_width", "img_height", "meta_data", "test_image", "real",
                                       "noresize", NULL};
    json_t *out = copy_keys(row, keys);
    xim_set_time(out, "created", json_integer_value(json_object_get(row, "created_at")));
    json_object_set_new(out, "img_path", url(req, str(row, "img_token"), str(row, "filename")));
    json_object_set_new(out, "thumb_img_path", thumb_url(req, row));
    json_object_set(out, "verifyCount", json_object_get(row, "verify_count"));
    json_t *list = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(labels, i, l) {
        json_t *item = json_pack("{s:O,s:O}", "id", json_object_get(l, "id"), "name", json_object_get(l, "name"));
        if (json_object_get(l, "type"))
            json_object_set(item, "type", json_object_get(l, "type"));
        json_object_set(item, "value", json_object_get(l, "value") ? json_object_get(l, "value") : json_null());
        json_array_append_new(list, item);
    }
    json_object_set_new(out, "labels", list);
    return out;
}

json_t *xim_views_image_ref(const vs_request *req, const json_t *row)
{
    json_t *out = json_object();
    json_object_set(out, "id", json_object_get(row, "image_id"));
    json_object_set_new(out, "img_path", url(req, str(row, "img_token"), str(row, "filename")));
    json_object_set_new(out, "thumb_img_path", thumb_url(req, row));
    json_object_set(out, "img_width", json_object_get(row, "img_width"));
    json_object_set(out, "img_height", json_object_get(row, "img_height"));
    json_object_set(out, "workspace", json_object_get(row, "workspace"));
    return out;
}

json_t *xim_views_label(const json_t *row)
{
    static const char *const keys[] = {"id", "name", "type", "description", "output_name", "workspace",
                                       "images_count", NULL};
    return copy_keys(row, keys);
}

json_t *xim_views_dlabel(const json_t *row)
{
    static const char *const keys[] = {"id", "name", "description", "color", "output_name", "workspace", NULL};
    json_t *out = copy_keys(row, keys);
    json_object_set_new(out, "recognition_tasks", json_array());
    return out;
}

json_t *xim_views_dobject(const vs_request *req, const json_t *row)
{
    json_t *out = json_object();
    json_object_set(out, "id", json_object_get(row, "id"));
    json_object_set_new(out, "detection_label",
                        json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:[]}", "id", json_object_get(row, "label_id"), "name",
                                  json_object_get(row, "label_name"), "color", json_object_get(row, "label_color"),
                                  "description", json_object_get(row, "label_description"), "output_name",
                                  json_object_get(row, "label_output_name"), "workspace",
                                  json_object_get(row, "workspace"), "recognition_tasks"));
    json_object_set_new(out, "image", xim_views_image_ref(req, row));
    json_object_set_new(out, "data", json_pack("[O,O,O,O]", json_object_get(row, "xmin"), json_object_get(row, "ymin"),
                                               json_object_get(row, "xmax"), json_object_get(row, "ymax")));
    json_object_set(out, "meta_data", json_object_get(row, "meta_data"));
    json_object_set_new(out, "recognition_labels", json_array());
    json_object_set(out, "workspace", json_object_get(row, "workspace"));
    char name[64];
    snprintf(name, sizeof name, "%s-crop.png", str(row, "id"));
    json_object_set_new(out, "thumb_img_path", url(req, str(row, "crop_token"), name));
    xim_set_time(out, "created", json_integer_value(json_object_get(row, "created_at")));
    return out;
}

json_t *xim_views_prompt(const json_t *row)
{
    static const char *const keys[] = {"id", "name", "description", "content", "type", "format", "workspace", NULL};
    json_t *out = copy_keys(row, keys);
    xim_set_time(out, "created", json_integer_value(json_object_get(row, "created_at")));
    xim_set_time(out, "updated", json_integer_value(json_object_get(row, "updated_at")));
    return out;
}

json_t *xim_views_sample_image(const vs_request *req, const json_t *row)
{
    static const char *const keys[] = {"id", "image_id", "text", "order", "resize", "meta_data", "workspace", NULL};
    json_t *out = copy_keys(row, keys);
    json_object_set_new(out, "img_path", url(req, str(row, "img_token"), str(row, "filename")));
    json_object_set_new(out, "thumb", thumb_url(req, row));
    return out;
}

json_t *xim_views_sample_object(const vs_request *req, const json_t *row)
{
    static const char *const keys[] = {"id", "detection_object_id", "image_id", "label_name", "label_color", "text",
                                       "order", "meta_data", "workspace", NULL};
    json_t *out = copy_keys(row, keys);
    char name[64];
    json_object_set_new(out, "image_url", url(req, str(row, "img_token"), str(row, "filename")));
    snprintf(name, sizeof name, "%s-crop.png", str(row, "detection_object_id"));
    json_object_set_new(out, "thumb_url", url(req, str(row, "crop_token"), name));
    json_object_set_new(out, "bbox", json_pack("[O,O,O,O]", json_object_get(row, "xmin"), json_object_get(row, "ymin"),
                                               json_object_get(row, "xmax"), json_object_get(row, "ymax")));
    return out;
}

json_t *xim_views_variable(const json_t *row)
{
    static const char *const keys[] = {"id", "dataset", "dataset_name", "name", "type", "required", "description",
                                       "choices", "min_value", "max_value", "step_size", "min_length", "max_length",
                                       "default_value", "workspace", NULL};
    json_t *out = copy_keys(row, keys);
    xim_set_time(out, "created", json_integer_value(json_object_get(row, "created_at")));
    return out;
}

json_t *xim_views_variables_config(const json_t *variables)
{
    static const char *const optional[] = {"description", "choices", "min_value", "max_value", "step_size",
                                           "min_length", "max_length", "default_value", NULL};
    json_t *out = json_object();
    size_t i;
    json_t *v;
    json_array_foreach(variables, i, v) {
        json_t *cfg = json_pack("{s:O,s:O,s:O}", "id", json_object_get(v, "id"), "type", json_object_get(v, "type"),
                                "required", json_object_get(v, "required"));
        for (size_t k = 0; optional[k]; k++) {
            json_t *c = json_object_get(v, optional[k]);
            if (c && !json_is_null(c))
                json_object_set(cfg, optional[k], c);
        }
        json_object_set_new(out, str(v, "name"), cfg);
    }
    return out;
}
