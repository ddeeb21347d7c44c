/* pg_annotations.c — A/annotations: an image's annotations as strict
 * Pictograph objects — get, save (full replacement), delete, and bulk save by
 * image id (specs/pictograph.md §5.2, §6.1).
 *
 * A save replaces the image's Pictograph-visible annotations (bbox, polygon,
 * polyline, point) in one transaction; annotations of other kinds written by
 * other dialects are left alone. Names not yet in the dataset's class list are
 * added to it (type from the annotation). The image status never changes.
 * Request threads.
 */
#include "pg.h"
#include "pg_annotation.h"
#include "pg_idem.h"
#include "pg_routes.h"
#include "clock.h"
#include "db.h"
#include "dialects/pictograph/store_pg_annotations.h"

#include <stdlib.h>
#include <string.h>

#define BULK_MAX 200

typedef struct {
    json_t *items;
} render_ctx;

static void render_row(const pg_ann_row *row, void *arg)
{
    render_ctx *c = arg;
    json_t *o = pg_ann_render(row->id, row->kind, row->label, row->geometry, row->attrs, row->has_confidence,
                              row->confidence);
    if (o)
        json_array_append_new(c->items, o);
}

int pg_annotations_get(vs_request *req, vs_response *res)
{
    dataset_row ds;
    pg_image im;
    if (pg_route_image(req, res, vs_param(req, "**"), &ds, &im) != 0)
        return -1;
    render_ctx c = {json_array()};
    st_result r = store_pg_annotations_list(req->workspace_id, im.a.id, render_row, &c);
    int rc;
    if (r != ST_OK) {
        json_decref(c.items);
        rc = vs_fail_store(res, r, "Annotations");
    } else {
        rc = vs_reply_json(res, 200, json_pack("{s:b,s:s,s:s,s:I,s:o}", "success", 1, "image_id", im.a.id, "filename",
                                               im.a.filename, "annotation_count", (json_int_t)json_array_size(c.items),
                                               "annotations", c.items));
    }
    pg_image_free(&im);
    dataset_row_free(&ds);
    return rc;
}

/* Parses body[key] (located at base) as a list of annotations. */
static pg_ann *parse_list(pg_errs *e, const json_t *list, const json_t *base, size_t *n)
{
    *n = 0;
    if (!list || json_is_null(list)) {
        pg_errs_add(e, json_copy((json_t *)base), "missing", "Field required");
        return NULL;
    }
    if (!json_is_array(list)) {
        pg_errs_add(e, json_copy((json_t *)base), "list_type", "Input should be a valid list");
        return NULL;
    }
    size_t count = json_array_size(list);
    pg_ann *anns = calloc(count ? count : 1, sizeof *anns);
    if (!anns)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        json_t *at = pg_loc_i(base, i);
        pg_ann_parse(json_array_get(list, i), at, e, &anns[i]);
        json_decref(at);
    }
    *n = count;
    return anns;
}

static void free_list(pg_ann *anns, size_t n)
{
    for (size_t i = 0; anns && i < n; i++)
        pg_ann_clear(&anns[i]);
    free(anns);
}

/* Replaces the image's annotations with anns, in one transaction. */
static st_result replace(const char *ws, const dataset_row *ds, const pg_image *im, const pg_ann *anns, size_t n,
                         int64_t *previous)
{
    int64_t now = clock_now_ms();
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    if ((r = store_pg_annotations_clear(ws, im->a.id, previous)) != ST_OK)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        char *geometry = json_dumps(anns[i].geometry, JSON_COMPACT);
        char *attrs = json_dumps(anns[i].attrs, JSON_COMPACT);
        pg_ann_insert row = {.workspace_id = ws, .dataset_id = ds->id, .asset_id = im->a.id,
                             .kind = anns[i].kind, .label = anns[i].name, .geometry = geometry, .attrs = attrs,
                             .source = anns[i].source, .has_confidence = 1, .confidence = anns[i].confidence};
        r = geometry && attrs ? store_pg_annotations_insert(&row, now) : ST_ERROR;
        free(geometry);
        free(attrs);
        if (r != ST_OK)
            goto fail;
    }
    if ((r = pg_classes_add(ws, ds->id, anns, n, now)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

static json_t *save_result(const pg_image *im, int64_t previous, size_t n)
{
    return json_pack("{s:s,s:I,s:I,s:s}", "image_id", im->a.id, "previous_count", (json_int_t)previous, "new_count",
                     (json_int_t)n, "status", pg_wire_status(im->a.status));
}

int pg_annotations_save(vs_request *req, vs_response *res)
{
    static const char *const keys[] = {"annotations", NULL};
    pg_idem idem;
    int irc = pg_idem_begin(req, res, &idem);
    if (irc)
        return irc > 0 ? 0 : -1;
    pg_errs e;
    pg_errs_init(&e);
    pg_field_keys(&e, req->json, NULL, keys);
    json_t *loc = pg_loc(NULL, "annotations");
    size_t n = 0;
    pg_ann *anns = parse_list(&e, json_object_get(req->json, "annotations"), loc, &n);
    json_decref(loc);
    dataset_row ds;
    pg_image im;
    int rc = -1;
    if (pg_errs_finish(&e, res) != 0) {
        free_list(anns, n);
        return -1;
    }
    if (!anns) {
        free_list(anns, n);
        return vs_fail(res, 500, "internal", "Out of memory");
    }
    if (pg_route_image(req, res, vs_param(req, "**"), &ds, &im) != 0) {
        free_list(anns, n);
        return -1;
    }
    int64_t previous = 0;
    st_result r = replace(req->workspace_id, &ds, &im, anns, n, &previous);
    if (r != ST_OK)
        rc = vs_fail_store(res, r, "Annotations");
    else
        rc = pg_idem_reply(req, res, &idem, 200, save_result(&im, previous, n));
    free_list(anns, n);
    pg_image_free(&im);
    dataset_row_free(&ds);
    return rc;
}

int pg_annotations_delete(vs_request *req, vs_response *res)
{
    dataset_row ds;
    pg_image im;
    if (pg_route_image(req, res, vs_param(req, "**"), &ds, &im) != 0)
        return -1;
    int64_t removed = 0;
    st_result r = store_pg_annotations_clear(req->workspace_id, im.a.id, &removed);
    int rc = r == ST_OK ? vs_reply_json(res, 200, json_pack("{s:s,s:I}", "image_id", im.a.id, "deleted_count",
                                                             (json_int_t)removed))
                        : vs_fail_store(res, r, "Annotations");
    pg_image_free(&im);
    dataset_row_free(&ds);
    return rc;
}

typedef struct {
    const char *image_id;
    pg_ann *anns;
    size_t n;
} bulk_item;

int pg_annotations_bulk(vs_request *req, vs_response *res)
{
    static const char *const keys[] = {"saves", NULL};
    static const char *const item_keys[] = {"image_id", "annotations", NULL};
    pg_idem idem;
    int irc = pg_idem_begin(req, res, &idem);
    if (irc)
        return irc > 0 ? 0 : -1;
    pg_errs e;
    pg_errs_init(&e);
    pg_field_keys(&e, req->json, NULL, keys);
    const json_t *saves = json_object_get(req->json, "saves");
    json_t *loc = pg_loc(NULL, "saves");
    bulk_item *items = NULL;
    size_t count = 0;
    if (!saves || json_is_null(saves)) {
        pg_errs_add(&e, json_copy(loc), "missing", "Field required");
    } else if (!json_is_array(saves)) {
        pg_errs_add(&e, json_copy(loc), "list_type", "Input should be a valid list");
    } else if (json_array_size(saves) > BULK_MAX) {
        pg_errs_add(&e, json_copy(loc), "too_long", "List should have at most %d items after validation", BULK_MAX);
    } else {
        count = json_array_size(saves);
        items = calloc(count ? count : 1, sizeof *items);
        for (size_t i = 0; items && i < count; i++) {
            json_t *at = pg_loc_i(loc, i);
            const json_t *it = json_array_get(saves, i);
            if (!json_is_object(it)) {
                pg_errs_add(&e, json_copy(at), "model_type", "Input should be a valid dictionary or object");
            } else {
                pg_field_keys(&e, it, at, item_keys);
                pg_field_str(&e, it, at, "image_id", 1, 255, &items[i].image_id);
                json_t *al = pg_loc(at, "annotations");
                items[i].anns = parse_list(&e, json_object_get(it, "annotations"), al, &items[i].n);
                json_decref(al);
            }
            json_decref(at);
        }
    }
    json_decref(loc);
    int rc = -1;
    json_t *saved = json_array(), *failed = json_array();
    if (pg_errs_finish(&e, res) != 0)
        goto out;
    if (!items && count) {
        rc = vs_fail(res, 500, "internal", "Out of memory");
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        pg_image im;
        dataset_row ds;
        const char *id = items[i].image_id;
        st_result r = pg_is_uuid(id) ? store_pg_images_get(req->workspace_id, id, &im) : ST_NOT_FOUND;
        if (r == ST_OK && !im.a.dataset_id[0]) {
            pg_image_free(&im);
            r = ST_NOT_FOUND;
        }
        if (r == ST_NOT_FOUND) {
            json_array_append_new(failed, json_pack("{s:s,s:s}", "image_id", id, "error", "Image not found"));
            continue;
        }
        if (r == ST_OK) {
            r = store_datasets_get(req->workspace_id, im.a.dataset_id, &ds);
            if (r == ST_OK) {
                int64_t previous = 0;
                r = replace(req->workspace_id, &ds, &im, items[i].anns, items[i].n, &previous);
                if (r == ST_OK)
                    json_array_append_new(saved, save_result(&im, previous, items[i].n));
                dataset_row_free(&ds);
            }
            pg_image_free(&im);
        }
        if (r != ST_OK) {
            rc = vs_fail_store(res, r, "Annotations");
            goto out;
        }
    }
    rc = pg_idem_reply(req, res, &idem, 200, json_pack("{s:O,s:O}", "saved", saved, "failed", failed));
out:
    for (size_t i = 0; items && i < count; i++)
        free_list(items[i].anns, items[i].n);
    free(items);
    json_decref(saved);
    json_decref(failed);
    return rc;
}
