/* pg_views.c — the Dataset and Image objects as the Pictograph client reads
 * them (specs/pictograph.md §6.2, §6.3). Image status and split are closed
 * enums on the wire, so core values another dialect may have written are
 * mapped onto them. Absolute URLs use the request's Host. Any thread.
 */
#include "pg.h"

#include <stdio.h>
#include <string.h>

const char *pg_wire_status(const char *status)
{
    static const char *const known[] = {"new", "annotate", "review", "complete"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(status, known[i]) == 0)
            return known[i];
    return "new";
}

static json_t *wire_split(const char *split)
{
    if (strcmp(split, "train") == 0 || strcmp(split, "val") == 0 || strcmp(split, "test") == 0)
        return json_string(split);
    if (strcmp(split, "validation") == 0)
        return json_string("val");
    return json_null();
}

/* Percent-encodes everything but unreserved characters and '/'. */
static void encode_path(const char *in, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && len + 4 < cap; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '.' || *p == '_' || *p == '~' || *p == '/') {
            out[len++] = (char)*p;
        } else {
            out[len++] = '%';
            out[len++] = hex[*p >> 4];
            out[len++] = hex[*p & 15];
        }
    }
    out[len] = 0;
}

const char *pg_class_color(size_t i)
{
    static const char *const palette[] = {"#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4",
                                          "#46f0f0", "#f032e6", "#bcf60c", "#fabebe", "#008080", "#e6beff"};
    return palette[i % (sizeof palette / sizeof *palette)];
}

json_t *pg_view_image(const vs_request *req, const pg_image *im)
{
    const asset_row *a = &im->a;
    char url[1024], path[800], enc[2400], ann[3200];
    snprintf(url, sizeof url, "http://%s" PG_API "/images/%s", req->host, a->id);
    pg_image_path(im, path, sizeof path);
    encode_path(path, enc, sizeof enc);
    snprintf(ann, sizeof ann, "http://%s" PG_API "/annotations/%s/%s", req->host, a->dataset_id, enc);
    json_t *tags = json_loads(im->tags ? im->tags : "[]", 0, NULL);
    if (!json_is_array(tags)) {
        json_decref(tags);
        tags = json_array();
    }
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(a->id));
    json_object_set_new(o, "dataset_id", a->dataset_id[0] ? json_string(a->dataset_id) : json_null());
    json_object_set_new(o, "filename", json_string(a->filename));
    json_object_set_new(o, "directory_path", json_string(a->directory));
    json_object_set_new(o, "status", json_string(pg_wire_status(a->status)));
    json_object_set_new(o, "split", wire_split(a->split));
    json_object_set_new(o, "annotation_count", json_integer(im->annotation_count));
    json_object_set_new(o, "min_confidence", im->has_min_confidence ? json_real(im->min_confidence) : json_null());
    json_object_set_new(o, "file_size", json_integer(a->size));
    json_object_set_new(o, "width", json_integer(a->width));
    json_object_set_new(o, "height", json_integer(a->height));
    json_object_set_new(o, "content_type", json_string(a->mime));
    json_object_set_new(o, "tags", tags);
    json_object_set_new(o, "is_archived", json_boolean(im->archived_at != 0));
    json_object_set_new(o, "archived_at", pg_time_json(im->archived_at));
    json_object_set_new(o, "image_url", json_string(url));
    json_object_set_new(o, "thumbnail_url", json_string(url));
    json_object_set_new(o, "annotation_url", json_string(ann));
    json_object_set_new(o, "created_at", pg_time_json(a->created_at));
    json_object_set_new(o, "updated_at", pg_time_json(a->updated_at));
    return o;
}

json_t *pg_view_dataset(const dataset_row *d, const pg_dataset_stats *s)
{
    json_t *attrs = json_loads(d->attrs ? d->attrs : "{}", 0, NULL);
    json_t *classes = json_object_get(attrs, "pictograph_classes");
    json_t *types = json_object_get(attrs, "pictograph_annotation_types");
    json_t *readme = json_object_get(attrs, "pictograph_readme");
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(d->id));
    json_object_set_new(o, "organization_id", json_string(d->workspace_id));
    json_object_set_new(o, "name", json_string(d->name));
    json_object_set_new(o, "description", json_string(d->description ? d->description : ""));
    if (json_is_string(readme))
        json_object_set(o, "readme", readme);
    json_object_set_new(o, "annotation_types", json_is_array(types) ? json_incref(types) : json_pack("[s]", "bbox"));
    json_object_set_new(o, "classes", json_is_array(classes) ? json_incref(classes) : json_array());
    json_object_set_new(o, "image_count", json_integer(s->image_count));
    json_object_set_new(o, "completed_image_count", json_integer(s->completed));
    json_object_set_new(o, "archived_image_count", json_integer(s->archived));
    json_object_set_new(o, "total_size", json_integer(s->total_size));
    json_object_set_new(o, "is_public", json_false());
    json_object_set_new(o, "is_archived", json_false());
    json_object_set_new(o, "archived_at", json_null());
    json_object_set_new(o, "storage_class", json_string("standard"));
    json_object_set_new(o, "created_at", pg_time_json(d->created_at));
    json_object_set_new(o, "updated_at", pg_time_json(d->updated_at));
    json_decref(attrs);
    return o;
}
