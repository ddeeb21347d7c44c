/* pg_datasets.c — A/datasets: list, get (optionally with its images), create,
 * delete (specs/pictograph.md §5.3). A Pictograph dataset is a core dataset;
 * its class list, annotation types and readme live in the dataset's attrs.
 * Addressable by UUID or by name; a name may contain '/', which arrives
 * percent-decoded, so the get/delete routes capture the whole tail.
 * Request threads.
 */
#include "pg.h"
#include "pg_idem.h"
#include "pg_routes.h"
#include "clock.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMAGES_MAX_LIMIT 10000

static int add_stats_view(const vs_request *req, const dataset_row *d, json_t *into_array, json_t **single)
{
    pg_dataset_stats s = {0};
    if (store_pg_datasets_stats(req->workspace_id, d->id, &s) != ST_OK)
        return -1;
    json_t *v = pg_view_dataset(d, &s);
    if (into_array)
        json_array_append_new(into_array, v);
    else
        *single = v;
    return 0;
}

typedef struct {
    const vs_request *req;
    json_t *items;
    int failed;
} list_ctx;

static void add_dataset(const dataset_row *d, void *arg)
{
    list_ctx *c = arg;
    if (!c->failed && add_stats_view(c->req, d, c->items, NULL) != 0)
        c->failed = 1;
}

int pg_datasets_list(vs_request *req, vs_response *res)
{
    int64_t limit, offset, total = 0;
    int archived = 0;
    if (pg_paging(req, res, 100, PG_MAX_LIMIT, &limit, &offset) != 0 ||
        pg_query_bool(req, res, "archived", &archived) != 0)
        return -1;
    list_ctx c = {req, json_array(), 0};
    /* Datasets are never archived here, so the archived listing is empty. */
    if (!archived) {
        st_result r = store_pg_datasets_list(req->workspace_id, limit, offset, add_dataset, &c, &total);
        if (r != ST_OK || c.failed) {
            json_decref(c.items);
            return vs_fail_store(res, r != ST_OK ? r : ST_ERROR, "Datasets");
        }
    }
    int64_t n = (int64_t)json_array_size(c.items);
    return vs_reply_json(res, 200, json_pack("{s:o,s:o}", "data", c.items, "pagination",
                                             pg_pagination(limit, offset, n, total)));
}

typedef struct {
    const vs_request *req;
    json_t *items;
} image_ctx;

static void add_image(const pg_image *im, void *arg)
{
    image_ctx *c = arg;
    json_array_append_new(c->items, pg_view_image(c->req, im));
}

int pg_datasets_get(vs_request *req, vs_response *res)
{
    const char *ref = vs_param(req, "**");
    int include = 0;
    int64_t images_limit = 1000, images_offset = 0;
    if (pg_query_bool(req, res, "include_images", &include) != 0)
        return -1;
    const char *lim = vs_query(req, "images_limit"), *off = vs_query(req, "images_offset");
    pg_errs e;
    pg_errs_init(&e);
    char *end = NULL;
    if (lim) {
        long long n = strtoll(lim, &end, 10);
        if (!*lim || *end || n < 1 || n > IMAGES_MAX_LIMIT)
            pg_errs_add(&e, json_pack("[s,s]", "query", "images_limit"), "less_than_equal",
                        "Input should be an integer between 1 and %d", IMAGES_MAX_LIMIT);
        else
            images_limit = n;
    }
    if (off) {
        long long n = strtoll(off, &end, 10);
        if (!*off || *end || n < 0)
            pg_errs_add(&e, json_pack("[s,s]", "query", "images_offset"), "greater_than_equal",
                        "Input should be an integer greater than or equal to 0");
        else
            images_offset = n;
    }
    if (pg_errs_finish(&e, res) != 0)
        return -1;
    dataset_row d;
    if (pg_dataset_find(req, res, ref, &d) != 0)
        return -1;
    json_t *view = NULL;
    int rc = 0;
    if (add_stats_view(req, &d, NULL, &view) != 0) {
        rc = vs_fail_store(res, ST_ERROR, "Dataset");
        goto out;
    }
    if (include) {
        image_ctx c = {req, json_array()};
        pg_image_filter f = {0};
        int64_t total = 0;
        st_result r = store_pg_images_list(req->workspace_id, d.id, &f, images_limit, images_offset, add_image, &c,
                                           &total);
        if (r != ST_OK) {
            json_decref(c.items);
            json_decref(view);
            rc = vs_fail_store(res, r, "Images");
            goto out;
        }
        json_object_set_new(view, "images", c.items);
    }
    rc = vs_reply_json(res, 200, json_pack("{s:o}", "data", view));
out:
    dataset_row_free(&d);
    return rc;
}

/* Validates classes into a new array with default colors; NULL on error. */
static json_t *parse_classes(pg_errs *e, const json_t *body)
{
    static const char *const keys[] = {"name", "type", "color", "attributes", NULL};
    const json_t *v = json_object_get(body, "classes");
    json_t *loc = pg_loc(NULL, "classes");
    json_t *out = json_array();
    if (v && !json_is_null(v) && !json_is_array(v)) {
        pg_errs_add(e, json_copy(loc), "list_type", "Input should be a valid list");
    } else {
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c) {
            json_t *at = pg_loc_i(loc, i);
            const char *name = NULL, *type = NULL, *color = NULL;
            if (!json_is_object(c)) {
                pg_errs_add(e, json_copy(at), "model_type", "Input should be a valid dictionary or object");
                json_decref(at);
                continue;
            }
            int bad = pg_field_keys(e, c, at, keys) < 0;
            bad |= pg_field_str(e, c, at, "name", 1, 120, &name) < 0;
            bad |= pg_field_str(e, c, at, "type", 0, 32, &type) < 0;
            bad |= pg_field_str(e, c, at, "color", 0, 32, &color) < 0;
            const json_t *attrs = json_object_get(c, "attributes");
            if (attrs && !json_is_null(attrs) && !json_is_array(attrs)) {
                pg_errs_add(e, pg_loc(at, "attributes"), "list_type", "Input should be a valid list");
                bad = 1;
            }
            if (!bad) {
                json_t *cls = json_pack("{s:s}", "name", name);
                if (type)
                    json_object_set_new(cls, "type", json_string(type));
                json_object_set_new(cls, "color",
                                    json_string(color ? color : pg_class_color(i)));
                if (json_is_array(attrs))
                    json_object_set(cls, "attributes", (json_t *)attrs);
                json_array_append_new(out, cls);
            }
            json_decref(at);
        }
    }
    json_decref(loc);
    return out;
}

static json_t *parse_types(pg_errs *e, const json_t *body)
{
    static const char *const allowed[] = {"bbox", "box", "polygon", "polyline", "keypoint"};
    const json_t *v = json_object_get(body, "annotation_types");
    if (!v || json_is_null(v))
        return json_pack("[s]", "bbox");
    json_t *out = json_array();
    if (!json_is_array(v)) {
        pg_errs_add(e, pg_loc(NULL, "annotation_types"), "list_type", "Input should be a valid list");
        return out;
    }
    size_t i;
    json_t *t;
    json_array_foreach(v, i, t) {
        const char *s = json_string_value(t);
        int ok = 0;
        for (size_t k = 0; s && k < sizeof allowed / sizeof *allowed; k++)
            ok |= strcmp(s, allowed[k]) == 0;
        if (!ok) {
            json_t *loc = pg_loc(NULL, "annotation_types");
            pg_errs_add(e, pg_loc_i(loc, i), "literal_error",
                        "Input should be 'bbox', 'box', 'polygon', 'polyline' or 'keypoint'");
            json_decref(loc);
            continue;
        }
        int seen = 0;
        size_t j;
        json_t *have;
        json_array_foreach(out, j, have) seen |= strcmp(json_string_value(have), s) == 0;
        if (!seen)
            json_array_append_new(out, json_string(s));
    }
    return out;
}

int pg_datasets_create(vs_request *req, vs_response *res)
{
    static const char *const keys[] = {"name", "readme", "description", "annotation_types", "classes", NULL};
    pg_idem idem;
    int irc = pg_idem_begin(req, res, &idem);
    if (irc)
        return irc > 0 ? 0 : -1;
    pg_errs e;
    pg_errs_init(&e);
    const char *name = NULL, *readme = NULL, *description = NULL;
    pg_field_keys(&e, req->json, NULL, keys);
    pg_field_str(&e, req->json, NULL, "name", 1, 255, &name);
    pg_field_str(&e, req->json, NULL, "readme", 0, 100000, &readme);
    pg_field_str(&e, req->json, NULL, "description", 0, 10000, &description);
    json_t *types = parse_types(&e, req->json);
    json_t *classes = parse_classes(&e, req->json);
    json_t *attrs = json_pack("{s:o,s:o}", "pictograph_annotation_types", types, "pictograph_classes", classes);
    if (readme)
        json_object_set_new(attrs, "pictograph_readme", json_string(readme));
    char *attrs_text = NULL;
    dataset_row d;
    memset(&d, 0, sizeof d);
    int rc = -1;
    if (pg_errs_finish(&e, res) != 0)
        goto out;
    attrs_text = json_dumps(attrs, JSON_COMPACT);
    st_result r = db_begin();
    if (r != ST_OK) {
        rc = vs_fail_store(res, r, "Dataset");
        goto out;
    }
    r = store_datasets_create(req->workspace_id, NULL, name, "phrase-grounding", description ? description : "",
                              attrs_text, &d);
    if (r == ST_CONFLICT) {
        db_rollback();
        rc = vs_fail(res, 409, "conflict", "Dataset '%.200s' already exists", name);
        goto out;
    }
    json_t *view = NULL;
    pg_dataset_stats none = {0};
    if (r == ST_OK) {
        view = json_pack("{s:o}", "data", pg_view_dataset(&d, &none));
        r = pg_idem_store(req, &idem, 201, view);
    }
    if (r == ST_OK)
        r = db_commit();
    else
        db_rollback();
    if (r == ST_CONFLICT && idem.key) { /* a concurrent retry with this key won */
        json_decref(view);
        pg_idem again;
        rc = pg_idem_begin(req, res, &again) > 0 ? 0 : -1;
        goto out;
    }
    if (r != ST_OK) {
        json_decref(view);
        rc = vs_fail_store(res, r, "Dataset");
        goto out;
    }
    rc = vs_reply_json(res, 201, view);
out:
    dataset_row_free(&d);
    free(attrs_text);
    json_decref(attrs);
    return rc;
}

int pg_datasets_delete(vs_request *req, vs_response *res)
{
    dataset_row d;
    if (pg_dataset_find(req, res, vs_param(req, "**"), &d) != 0)
        return -1;
    st_result r = store_datasets_delete(req->workspace_id, d.id);
    int rc = r == ST_OK ? vs_reply_json(res, 200, json_pack("{s:{s:s,s:s,s:b}}", "data", "id", d.id, "name", d.name,
                                                             "deleted", 1))
                        : vs_fail_store(res, r, "Dataset");
    dataset_row_free(&d);
    return rc;
}
