/* vi_annotations.c — one asset's annotations as API parts (spec §6, §7.8): list
 * with pageSize/pageToken (at most pageSize items, nextPage non-null iff more
 * remain), get, and delete (204 with an empty body; deleting either part of a
 * VQA interaction removes the interaction). Parts come from vi_view.c, so
 * annotations written by any dialect show here. Request threads.
 */
#include "store_vi_core.h"
#include "vi.h"
#include "vi_routes.h"
#include "vi_view.h"

#include <stdio.h>
#include <string.h>

/* Resolves dataset and asset and loads the asset's parts. */
static int load(vs_request *req, vs_response *res, vi_dataset_ref *d, asset_row *a, vi_view *v)
{
    if (vi_dataset_resolve(req, res, d) != 0)
        return -1;
    vi_tags tags;
    st_result r = store_vi_assets_get(req->workspace_id, d->ds.id, vs_param(req, "asset"), a, NULL);
    if (r == ST_OK && (r = vi_tags_load(req->workspace_id, &d->ds, &tags)) == ST_OK) {
        r = vi_view_load(req->workspace_id, a, d->type, &tags, v);
        vi_tags_free(&tags);
    }
    if (r != ST_OK) {
        vi_dataset_ref_free(d);
        return vs_fail_store(res, r, "Asset");
    }
    return 0;
}

int vi_annotations_list(vs_request *req, vs_response *res)
{
    int64_t size, offset;
    if (vi_query_page(req, res, &size, &offset) != 0)
        return -1;
    vi_dataset_ref d;
    asset_row a;
    vi_view v;
    if (load(req, res, &d, &a, &v) != 0)
        return -1;
    json_t *items = json_array();
    size_t start = (size_t)offset < v.nparts ? (size_t)offset : v.nparts;
    size_t stop = start + (size_t)size < v.nparts ? start + (size_t)size : v.nparts;
    for (size_t i = start; i < stop; i++)
        json_array_append_new(items, vi_part_json(&d, a.id, &v.parts[i]));
    char next[32];
    int more = stop < v.nparts;
    snprintf(next, sizeof next, "%zu", stop);
    vi_view_free(&v);
    vi_dataset_ref_free(&d);
    return vs_reply_json(res, 200, vi_page(items, more ? next : NULL));
}

static const vi_part *find_part(const vi_view *v, const char *id)
{
    for (size_t i = 0; id && i < v->nparts; i++)
        if (strcmp(v->parts[i].id, id) == 0)
            return &v->parts[i];
    return NULL;
}

int vi_annotations_get(vs_request *req, vs_response *res)
{
    vi_dataset_ref d;
    asset_row a;
    vi_view v;
    if (load(req, res, &d, &a, &v) != 0)
        return -1;
    const vi_part *p = find_part(&v, vs_param(req, "annotation"));
    json_t *o = p ? vi_part_json(&d, a.id, p) : NULL;
    vi_view_free(&v);
    vi_dataset_ref_free(&d);
    if (!o)
        return vs_fail(res, 404, "not_found", "Annotation not found");
    return vs_reply_json(res, 200, o);
}

int vi_annotations_delete(vs_request *req, vs_response *res)
{
    vi_dataset_ref d;
    asset_row a;
    vi_view v;
    if (load(req, res, &d, &a, &v) != 0)
        return -1;
    const vi_part *p = find_part(&v, vs_param(req, "annotation"));
    st_result r = p ? store_vi_annotations_delete(req->workspace_id, a.id, p->core_id) : ST_NOT_FOUND;
    vi_view_free(&v);
    vi_dataset_ref_free(&d);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Annotation");
    return vs_reply_empty(res, 204);
}
