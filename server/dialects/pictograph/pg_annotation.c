/* pg_annotation.c — strict parsing and rendering of Pictograph annotation
 * objects (see pg_annotation.h). Pure functions; any thread.
 */
#include "pg_annotation.h"
#include "core/ids.h"
#include "core/store_datasets.h"
#include "dialects/pictograph/store_pg_datasets.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pg_ann_clear(pg_ann *a)
{
    json_decref(a->src);
    json_decref(a->geometry);
    json_decref(a->attrs);
    memset(a, 0, sizeof *a);
}

/* {x, y} with nothing else, into a core [x, y] pair (NULL on error). */
static json_t *parse_point(const json_t *v, const json_t *loc, pg_errs *e)
{
    static const char *const keys[] = {"x", "y", NULL};
    if (!json_is_object(v)) {
        pg_errs_add(e, json_copy((json_t *)loc), "model_type", "Input should be a valid dictionary or object");
        return NULL;
    }
    double x = 0, y = 0;
    int bad = pg_field_keys(e, v, loc, keys) < 0;
    bad |= pg_field_num(e, v, loc, "x", 1, -INFINITY, INFINITY, &x) < 0;
    bad |= pg_field_num(e, v, loc, "y", 1, -INFINITY, INFINITY, &y) < 0;
    return bad ? NULL : json_pack("[f,f]", x, y);
}

/* An array of at least min points into a core points array (NULL on error). */
static json_t *parse_points(const json_t *v, const json_t *loc, size_t min, pg_errs *e)
{
    if (!json_is_array(v)) {
        pg_errs_add(e, json_copy((json_t *)loc), "list_type", "Input should be a valid list");
        return NULL;
    }
    if (json_array_size(v) < min) {
        pg_errs_add(e, json_copy((json_t *)loc), "too_short", "List should have at least %zu items after validation",
                    min);
        return NULL;
    }
    json_t *out = json_array();
    int bad = 0;
    size_t i;
    json_t *p;
    json_array_foreach(v, i, p) {
        json_t *at = pg_loc_i(loc, i);
        json_t *pair = parse_point(p, at, e);
        json_decref(at);
        if (pair)
            json_array_append_new(out, pair);
        else
            bad = 1;
    }
    if (bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* {x, y, w, h} with w, h > 0 (NULL on error). */
static json_t *parse_box(const json_t *v, const json_t *loc, pg_errs *e)
{
    static const char *const keys[] = {"x", "y", "w", "h", NULL};
    if (!json_is_object(v)) {
        pg_errs_add(e, json_copy((json_t *)loc), "model_type", "Input should be a valid dictionary or object");
        return NULL;
    }
    double x = 0, y = 0, w = 0, h = 0;
    int bad = pg_field_keys(e, v, loc, keys) < 0;
    bad |= pg_field_num(e, v, loc, "x", 1, -INFINITY, INFINITY, &x) < 0;
    bad |= pg_field_num(e, v, loc, "y", 1, -INFINITY, INFINITY, &y) < 0;
    bad |= pg_field_num(e, v, loc, "w", 1, -INFINITY, INFINITY, &w) < 0;
    bad |= pg_field_num(e, v, loc, "h", 1, -INFINITY, INFINITY, &h) < 0;
    if (!bad && !(w > 0)) {
        pg_errs_add(e, pg_loc(loc, "w"), "greater_than", "Input should be greater than 0");
        bad = 1;
    }
    if (!bad && !(h > 0)) {
        pg_errs_add(e, pg_loc(loc, "h"), "greater_than", "Input should be greater than 0");
        bad = 1;
    }
    return bad ? NULL : json_pack("{s:f,s:f,s:f,s:f}", "x", x, "y", y, "w", w, "h", h);
}

static json_t *parse_oriented(const json_t *v, const json_t *loc, pg_errs *e)
{
    static const char *const keys[] = {"cx", "cy", "w", "h", "angle", NULL};
    if (!json_is_object(v)) {
        pg_errs_add(e, json_copy((json_t *)loc), "model_type", "Input should be a valid dictionary or object");
        return NULL;
    }
    double cx = 0, cy = 0, w = 0, h = 0, angle = 0;
    int bad = pg_field_keys(e, v, loc, keys) < 0;
    bad |= pg_field_num(e, v, loc, "cx", 1, -INFINITY, INFINITY, &cx) < 0;
    bad |= pg_field_num(e, v, loc, "cy", 1, -INFINITY, INFINITY, &cy) < 0;
    bad |= pg_field_num(e, v, loc, "w", 1, -INFINITY, INFINITY, &w) < 0;
    bad |= pg_field_num(e, v, loc, "h", 1, -INFINITY, INFINITY, &h) < 0;
    bad |= pg_field_num(e, v, loc, "angle", 0, 0, INFINITY, &angle) < 0;
    if (!bad && !(w > 0 && h > 0)) {
        pg_errs_add(e, pg_loc(loc, w > 0 ? "h" : "w"), "greater_than", "Input should be greater than 0");
        bad = 1;
    }
    if (!bad && angle >= 360) {
        pg_errs_add(e, pg_loc(loc, "angle"), "less_than", "Input should be less than 360");
        bad = 1;
    }
    return bad ? NULL : json_pack("{s:f,s:f,s:f,s:f,s:f}", "cx", cx, "cy", cy, "w", w, "h", h, "angle", angle);
}

static const char *const common_keys[] = {"id", "name", "type", "confidence", "created_by", "attributes"};

static int allowed_key(const char *type, const char *key)
{
    for (size_t i = 0; i < sizeof common_keys / sizeof *common_keys; i++)
        if (strcmp(common_keys[i], key) == 0)
            return 1;
    if (strcmp(type, "bbox") == 0)
        return strcmp(key, "bounding_box") == 0 || strcmp(key, "oriented_box") == 0;
    if (strcmp(type, "polygon") == 0)
        return strcmp(key, "bounding_box") == 0 || strcmp(key, "polygon") == 0;
    if (strcmp(type, "polyline") == 0)
        return strcmp(key, "bounding_box") == 0 || strcmp(key, "polyline") == 0;
    return strcmp(key, "keypoint") == 0 || strcmp(key, "instance_id") == 0;
}

/* The geometry of each type into out->geometry / extras. */
static int parse_geometry(const char *type, const json_t *obj, const json_t *base, pg_errs *e, pg_ann *out,
                          json_t *extras)
{
    json_t *box_loc = pg_loc(base, "bounding_box");
    const json_t *box_v = json_object_get(obj, "bounding_box");
    json_t *box = NULL;
    int bad = 0;
    if (box_v && !json_is_null(box_v)) {
        box = parse_box(box_v, box_loc, e);
        bad |= !box;
    }
    if (strcmp(type, "bbox") == 0) {
        snprintf(out->kind, sizeof out->kind, "bbox");
        if (!box_v || json_is_null(box_v)) {
            pg_errs_add(e, json_copy(box_loc), "missing", "Field required");
            bad = 1;
        }
        const json_t *ob = json_object_get(obj, "oriented_box");
        if (ob && !json_is_null(ob)) {
            json_t *at = pg_loc(base, "oriented_box");
            json_t *o = parse_oriented(ob, at, e);
            json_decref(at);
            if (o)
                json_object_set_new(extras, "oriented_box", o);
            else
                bad = 1;
        }
        if (box)
            out->geometry = json_incref(box);
    } else if (strcmp(type, "polygon") == 0 || strcmp(type, "polyline") == 0) {
        int poly = strcmp(type, "polygon") == 0;
        snprintf(out->kind, sizeof out->kind, "%s", type);
        json_t *g_loc = pg_loc(base, type);
        const json_t *g = json_object_get(obj, type);
        static const char *const poly_keys[] = {"paths", NULL}, *const line_keys[] = {"path", NULL};
        if (!g || json_is_null(g)) {
            pg_errs_add(e, json_copy(g_loc), "missing", "Field required");
            bad = 1;
        } else if (!json_is_object(g)) {
            pg_errs_add(e, json_copy(g_loc), "model_type", "Input should be a valid dictionary or object");
            bad = 1;
        } else if (pg_field_keys(e, g, g_loc, poly ? poly_keys : line_keys) < 0) {
            bad = 1;
        } else if (poly) {
            json_t *p_loc = pg_loc(g_loc, "paths");
            const json_t *paths = json_object_get(g, "paths");
            json_t *holes = json_array();
            if (!paths || json_is_null(paths)) {
                pg_errs_add(e, json_copy(p_loc), "missing", "Field required");
                bad = 1;
            } else if (!json_is_array(paths) || json_array_size(paths) < 1) {
                pg_errs_add(e, json_copy(p_loc), json_is_array(paths) ? "too_short" : "list_type",
                            json_is_array(paths) ? "List should have at least 1 item after validation"
                                                 : "Input should be a valid list");
                bad = 1;
            } else {
                size_t i;
                json_t *ring;
                json_array_foreach(paths, i, ring) {
                    json_t *r_loc = pg_loc_i(p_loc, i);
                    json_t *pts = parse_points(ring, r_loc, 3, e);
                    json_decref(r_loc);
                    if (!pts) {
                        bad = 1;
                    } else if (i == 0) {
                        out->geometry = json_pack("{s:o}", "points", pts);
                    } else {
                        json_array_append_new(holes, pts);
                    }
                }
            }
            if (json_array_size(holes))
                json_object_set(extras, "holes", holes);
            json_decref(holes);
            json_decref(p_loc);
        } else {
            json_t *p_loc = pg_loc(g_loc, "path");
            const json_t *path = json_object_get(g, "path");
            if (!path || json_is_null(path)) {
                pg_errs_add(e, json_copy(p_loc), "missing", "Field required");
                bad = 1;
            } else {
                json_t *pts = parse_points(path, p_loc, 2, e);
                if (pts)
                    out->geometry = json_pack("{s:o}", "points", pts);
                else
                    bad = 1;
            }
            json_decref(p_loc);
        }
        json_decref(g_loc);
        if (box)
            json_object_set(extras, "bounding_box", box);
    } else {
        snprintf(out->kind, sizeof out->kind, "point");
        json_t *k_loc = pg_loc(base, "keypoint");
        const json_t *k = json_object_get(obj, "keypoint");
        if (!k || json_is_null(k)) {
            pg_errs_add(e, json_copy(k_loc), "missing", "Field required");
            bad = 1;
        } else {
            json_t *pair = parse_point(k, k_loc, e);
            if (pair)
                out->geometry = json_pack("{s:O,s:O}", "x", json_array_get(pair, 0), "y", json_array_get(pair, 1));
            else
                bad = 1;
            json_decref(pair);
        }
        json_decref(k_loc);
        int64_t inst = 0;
        int got = pg_field_int(e, obj, base, "instance_id", 0, 1, INT64_C(1) << 53, &inst);
        if (got < 0)
            bad = 1;
        else if (got > 0)
            json_object_set_new(extras, "instance_id", json_integer(inst));
    }
    json_decref(box);
    json_decref(box_loc);
    return bad ? -1 : 0;
}

int pg_ann_parse(const json_t *obj, const json_t *base, pg_errs *e, pg_ann *out)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(obj)) {
        pg_errs_add(e, json_copy((json_t *)base), "model_type", "Input should be a valid dictionary or object");
        return -1;
    }
    const json_t *type_v = json_object_get(obj, "type");
    const char *type = json_string_value(type_v);
    if (!type_v) {
        pg_errs_add(e, pg_loc(base, "type"), "union_tag_not_found",
                    "Unable to extract tag using discriminator 'type'");
        return -1;
    }
    if (!type || (strcmp(type, "bbox") != 0 && strcmp(type, "polygon") != 0 && strcmp(type, "polyline") != 0 &&
                  strcmp(type, "keypoint") != 0)) {
        pg_errs_add(e, pg_loc(base, "type"), "union_tag_invalid",
                    "Input tag found using 'type' does not match any of the expected tags: 'bbox', 'polygon', "
                    "'polyline', 'keypoint'");
        return -1;
    }
    int bad = 0;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value) {
        if (!allowed_key(type, key)) {
            pg_errs_add(e, pg_loc(base, key), "extra_forbidden", "Extra inputs are not permitted");
            bad = 1;
        }
    }
    out->src = json_incref((json_t *)obj);
    json_t *extras = json_object();
    const char *id = NULL, *created_by = NULL;
    const json_t *id_v = json_object_get(obj, "id");
    if (id_v) {
        if (pg_field_str(e, obj, base, "id", 1, 255, &id) < 0)
            bad = 1;
    }
    char gen[37];
    if (!id) {
        ids_uuid(gen);
        id = gen;
    }
    json_object_set_new(extras, "id", json_string(id));
    if (pg_field_str(e, obj, base, "name", 1, 255, &out->name) < 0)
        bad = 1;
    out->confidence = 1.0;
    const json_t *conf = json_object_get(obj, "confidence");
    if (conf && pg_field_num(e, obj, base, "confidence", 1, 0.0, 1.0, &out->confidence) < 0)
        bad = 1;
    int got = pg_field_str(e, obj, base, "created_by", 0, 255, &created_by);
    if (got < 0)
        bad = 1;
    else if (got > 0)
        json_object_set_new(extras, "created_by", json_string(created_by));
    const json_t *attrs = json_object_get(obj, "attributes");
    if (attrs) {
        if (json_is_object(attrs) || json_is_array(attrs)) {
            json_object_set(extras, "attributes", (json_t *)attrs);
        } else {
            pg_errs_add(e, pg_loc(base, "attributes"), "model_type", "Input should be a valid dictionary or list");
            bad = 1;
        }
    }
    if (parse_geometry(type, obj, base, e, out, extras) != 0)
        bad = 1;
    out->source = created_by && strcmp(created_by, "sam3") == 0 ? "auto" : "human";
    out->attrs = json_pack("{s:o}", "pictograph", extras);
    if (bad || !out->geometry) {
        pg_ann_clear(out);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ classes */

#define CLASS_NAME_MAX 120

st_result pg_classes_add(const char *workspace_id, const char *dataset_id, const pg_ann *anns, size_t n,
                         int64_t now)
{
    dataset_row ds;
    st_result r = store_datasets_get(workspace_id, dataset_id, &ds);
    if (r != ST_OK)
        return r;
    json_t *attrs = json_loads(ds.attrs ? ds.attrs : "{}", 0, NULL);
    json_t *classes = json_object_get(attrs, "pictograph_classes");
    classes = json_is_array(classes) ? json_copy(classes) : json_array();
    int changed = 0;
    for (size_t i = 0; i < n; i++) {
        if (strlen(anns[i].name) > CLASS_NAME_MAX)
            continue;
        int known = 0;
        size_t k;
        json_t *c;
        json_array_foreach(classes, k, c) {
            const char *have = json_string_value(json_object_get(c, "name"));
            known |= have && strcmp(have, anns[i].name) == 0;
        }
        if (known)
            continue;
        const char *type = strcmp(anns[i].kind, "point") == 0 ? "keypoint" : anns[i].kind;
        json_array_append_new(classes, json_pack("{s:s,s:s,s:s}", "name", anns[i].name, "type", type, "color",
                                                 pg_class_color(json_array_size(classes))));
        changed = 1;
    }
    if (changed) {
        char *text = json_dumps(classes, JSON_COMPACT);
        r = text ? store_pg_datasets_set_classes(workspace_id, dataset_id, text, now) : ST_ERROR;
        free(text);
    }
    json_decref(classes);
    json_decref(attrs);
    dataset_row_free(&ds);
    return r;
}

/* ------------------------------------------------------------- render */

static int num(const json_t *v, double *out) { return pg_value_num(v, out); }

static json_t *wire_point(double x, double y) { return json_pack("{s:f,s:f}", "x", x, "y", y); }

/* Core [[x,y],...] into wire [{x,y},...]; NULL when malformed or short. */
static json_t *wire_points(const json_t *pts, size_t min)
{
    if (!json_is_array(pts) || json_array_size(pts) < min)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(pts, i, p) {
        double x, y;
        if (!json_is_array(p) || json_array_size(p) != 2 || !num(json_array_get(p, 0), &x) ||
            !num(json_array_get(p, 1), &y)) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, wire_point(x, y));
    }
    return out;
}

/* A valid {x,y,w,h} copy, or NULL. */
static json_t *wire_box(const json_t *b)
{
    double x, y, w, h;
    if (!json_is_object(b) || !num(json_object_get(b, "x"), &x) || !num(json_object_get(b, "y"), &y) ||
        !num(json_object_get(b, "w"), &w) || !num(json_object_get(b, "h"), &h) || !(w > 0) || !(h > 0))
        return NULL;
    return json_pack("{s:f,s:f,s:f,s:f}", "x", x, "y", y, "w", w, "h", h);
}

/* The enclosing box of wire points when it has an area, else NULL. */
static json_t *enclosing(const json_t *wire)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    size_t i;
    json_t *p;
    json_array_foreach(wire, i, p) {
        double x = json_real_value(json_object_get(p, "x")), y = json_real_value(json_object_get(p, "y"));
        x0 = fmin(x0, x);
        y0 = fmin(y0, y);
        x1 = fmax(x1, x);
        y1 = fmax(y1, y);
    }
    if (!(x1 > x0) || !(y1 > y0))
        return NULL;
    return json_pack("{s:f,s:f,s:f,s:f}", "x", x0, "y", y0, "w", x1 - x0, "h", y1 - y0);
}

json_t *pg_ann_render(const char *row_id, const char *kind, const char *label, const char *geometry_json,
                      const char *attrs_json, int has_confidence, double confidence)
{
    json_t *g = json_loads(geometry_json ? geometry_json : "{}", 0, NULL);
    json_t *attrs = json_loads(attrs_json ? attrs_json : "{}", 0, NULL);
    json_t *ex = json_object_get(attrs, "pictograph");
    json_t *o = NULL, *geom = NULL, *box = NULL, *extra_geom = NULL;
    const char *type = NULL, *geom_key = NULL;
    if (!json_is_object(g))
        goto out;
    if (strcmp(kind, "bbox") == 0) {
        type = "bbox";
        box = wire_box(g);
        if (!box)
            goto out;
        json_t *ob = json_object_get(ex, "oriented_box");
        if (json_is_object(ob))
            extra_geom = json_incref(ob);
    } else if (strcmp(kind, "polygon") == 0) {
        type = "polygon";
        geom_key = "polygon";
        json_t *outer = wire_points(json_object_get(g, "points"), 3);
        if (!outer)
            goto out;
        box = wire_box(json_object_get(ex, "bounding_box"));
        if (!box)
            box = enclosing(outer);
        json_t *paths = json_array();
        json_array_append_new(paths, outer);
        size_t i;
        json_t *hole;
        json_array_foreach(json_object_get(ex, "holes"), i, hole) {
            json_t *w = wire_points(hole, 3);
            if (w)
                json_array_append_new(paths, w);
        }
        geom = json_pack("{s:o}", "paths", paths);
    } else if (strcmp(kind, "polyline") == 0) {
        type = "polyline";
        geom_key = "polyline";
        json_t *path = wire_points(json_object_get(g, "points"), 2);
        if (!path)
            goto out;
        box = wire_box(json_object_get(ex, "bounding_box"));
        if (!box)
            box = enclosing(path);
        geom = json_pack("{s:o}", "path", path);
    } else if (strcmp(kind, "point") == 0) {
        type = "keypoint";
        geom_key = "keypoint";
        double x, y;
        if (!num(json_object_get(g, "x"), &x) || !num(json_object_get(g, "y"), &y))
            goto out;
        geom = wire_point(x, y);
    } else {
        goto out;
    }
    const char *id = json_string_value(json_object_get(ex, "id"));
    const char *name = label && label[strspn(label, " \t\r\n")] ? label : "object";
    o = json_object();
    json_object_set_new(o, "id", json_string(id && *id ? id : row_id));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "type", json_string(type));
    if (box)
        json_object_set(o, "bounding_box", box);
    if (extra_geom)
        json_object_set(o, "oriented_box", extra_geom);
    if (geom)
        json_object_set(o, geom_key, geom);
    json_t *inst = json_object_get(ex, "instance_id");
    if (strcmp(type, "keypoint") == 0 && json_is_integer(inst) && json_integer_value(inst) >= 1)
        json_object_set(o, "instance_id", inst);
    double c = has_confidence && isfinite(confidence) ? fmin(1.0, fmax(0.0, confidence)) : 1.0;
    json_object_set_new(o, "confidence", json_real(c));
    json_t *by = json_object_get(ex, "created_by");
    json_object_set_new(o, "created_by", json_is_string(by) ? json_incref(by) : json_null());
    json_t *at = json_object_get(ex, "attributes");
    json_object_set_new(o, "attributes", json_is_object(at) || json_is_array(at) ? json_incref(at) : json_array());
out:
    json_decref(box);
    json_decref(geom);
    json_decref(extra_geom);
    json_decref(g);
    json_decref(attrs);
    return o;
}
