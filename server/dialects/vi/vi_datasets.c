/* vi_datasets.c — organizations and datasets (spec §6, §7.2, §7.3, §7.5,
 * §13.2): list and get of the caller's organization, dataset list / get /
 * create / delete / deletion operation.
 *
 * A Vi dataset is a core dataset; its statistics and tags are computed from
 * the core rows on every read, so they cannot drift. Lists are always one page
 * with nextPage null (the client re-requests a non-null page forever). Fields
 * the client's DatasetSpec may send at creation (owner, content, localization,
 * dataLocalization, status, tags) are kept in the dataset's attrs under "vi"
 * and echoed. Request threads.
 */
#include "db.h"
#include "clock.h"
#include "store_vi_core.h"
#include "store_vi_sessions.h"
#include "vi.h"
#include "vi_routes.h"
#include "vi_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- organizations -------------------------------------------------------- */

typedef struct {
    json_t *ids;
    const char *org;
} id_acc;

static void add_dataset_id(const dataset_row *d, void *arg)
{
    id_acc *acc = arg;
    char seg[VS_ORG_LEN + 40];
    snprintf(seg, sizeof seg, "%s_%s", acc->org, d->id);
    json_array_append_new(acc->ids, json_string(seg));
}

static int organization_json(const vs_request *req, vs_response *res, json_t **out)
{
    ws_row w;
    ws_keys k;
    st_result r = store_workspaces_get(req->workspace_id, &w, &k);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Organization");
    id_acc acc = {json_array(), k.vi_org};
    if ((r = store_datasets_list(req->workspace_id, add_dataset_id, &acc)) != ST_OK) {
        json_decref(acc.ids);
        return vs_fail_store(res, r, "Organization");
    }
    char link[128];
    snprintf(link, sizeof link, "/workspaces/%s", k.vi_org);
    *out = json_pack("{s:s,s:s,s:s,s:I,s:o,s:{s:s,s:s,s:s,s:[],s:s},s:{},s:{s:I,s:b},s:{},s:{s:b},s:s,s:s}", "name",
                     w.name, "kind", "Organization", "workspaceId", k.vi_org, "lastAccess", (json_int_t)clock_now_ms(),
                     "datasets", acc.ids, "billing", "payer", w.id, "email", "emulator@localhost", "subscriberId",
                     w.id, "ledger", "tier", "emulator", "users", "metadata", "createDate", (json_int_t)w.created_at,
                     "isPublic", 0, "features", "lockStatus", "isLocked", 0, "selfLink", link, "etag", "1");
    return 0;
}

int vi_organizations_list(vs_request *req, vs_response *res)
{
    json_t *org = NULL;
    if (organization_json(req, res, &org) != 0)
        return -1;
    return vs_reply_json(res, 200, vi_page(json_pack("[o]", org), NULL));
}

int vi_organizations_get(vs_request *req, vs_response *res)
{
    json_t *org = NULL;
    if (organization_json(req, res, &org) != 0)
        return -1;
    return vs_reply_json(res, 200, org);
}

/* ---- datasets -------------------------------------------------------------- */

static json_t *dataset_json(const char *workspace_id, const vi_dataset_ref *d, st_result *r)
{
    vi_tags tags;
    int64_t annotated = 0;
    *r = vi_tags_load(workspace_id, &d->ds, &tags);
    if (*r != ST_OK)
        return NULL;
    if ((*r = store_vi_dataset_annotated(workspace_id, d->ds.id, &annotated)) != ST_OK) {
        vi_tags_free(&tags);
        return NULL;
    }
    json_t *tag_ids = json_object(), *tag_counts = json_object();
    for (size_t i = 0; i < tags.n; i++) {
        json_object_set_new(tag_ids, tags.tags[i].name, json_integer(tags.tags[i].id));
        if (tags.tags[i].count)
            json_object_set_new(tag_counts, tags.tags[i].name, json_integer(tags.tags[i].count));
    }
    vi_tags_free(&tags);
    json_t *attrs = d->ds.attrs ? json_loads(d->ds.attrs, 0, NULL) : NULL;
    json_t *vi = json_object_get(attrs, "vi");
    const char *owner = json_string_value(json_object_get(vi, "owner"));
    json_t *status = json_object_get(vi, "status");
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:{s:I,s:I,s:o,s:I},s:{},s:o,s:[],s:b,s:{s:b,s:b,s:b},s:{},s:{},"
        "s:s,s:s}",
        "kind", "Dataset", "datasetId", d->segment, "name", d->ds.name, "owner", owner ? owner : d->org, "workspaceId",
        d->org, "type", vi_type_name(d->type), "content", "Image", "createDate", (json_int_t)d->ds.created_at,
        "lastAccessed", (json_int_t)d->ds.updated_at, "status",
        (json_int_t)(json_is_integer(status) ? json_integer_value(status) : 0), "statistic", "assetTotal",
        (json_int_t)d->ds.asset_count, "annotationTotal", (json_int_t)d->ds.annotation_count, "tagsCount", tag_counts,
        "assetAnnotated", (json_int_t)annotated, "users", "tags", tag_ids, "cohorts", "isLocked", 0, "access",
        "isPublic", 0, "isReadOnly", 0, "isHidden", 0, "preference", "assetStatuses", "localization",
        "Datature/Multi", "dataLocalization", "Datature/Multi");
    json_object_set_new(o, "selfLink", vi_link(d, "%s", ""));
    json_object_set_new(o, "etag", vi_etag(d->ds.updated_at));
    json_object_set_new(o, "description", d->ds.description && *d->ds.description ? json_string(d->ds.description)
                                                                                  : json_null());
    json_decref(attrs);
    return o;
}

typedef struct {
    const char *workspace_id;
    const char *org;
    json_t *items;
    st_result r;
} list_acc;

static void add_dataset(const dataset_row *row, void *arg)
{
    list_acc *acc = arg;
    if (acc->r != ST_OK)
        return;
    vi_dataset_ref d;
    memset(&d, 0, sizeof d);
    d.ds = *row; /* borrowed strings: not freed here */
    snprintf(d.org, sizeof d.org, "%s", acc->org);
    snprintf(d.segment, sizeof d.segment, "%s_%s", acc->org, row->id);
    d.type = vi_type_of(row->type);
    json_t *o = dataset_json(acc->workspace_id, &d, &acc->r);
    if (o)
        json_array_append_new(acc->items, o);
}

int vi_datasets_list(vs_request *req, vs_response *res)
{
    char org[VS_ORG_LEN];
    if (vi_org_of(req, res, org) != 0)
        return -1;
    list_acc acc = {req->workspace_id, org, json_array(), ST_OK};
    st_result r = store_datasets_list(req->workspace_id, add_dataset, &acc);
    if (r == ST_OK)
        r = acc.r;
    if (r != ST_OK) {
        json_decref(acc.items);
        return vs_fail_store(res, r, "Datasets");
    }
    return vs_reply_json(res, 200, vi_page(acc.items, NULL));
}

int vi_datasets_get(vs_request *req, vs_response *res)
{
    vi_dataset_ref d;
    if (vi_dataset_resolve(req, res, &d) != 0)
        return -1;
    st_result r;
    json_t *o = dataset_json(req->workspace_id, &d, &r);
    vi_dataset_ref_free(&d);
    if (!o)
        return vs_fail_store(res, r, "Dataset");
    return vs_reply_json(res, 200, o);
}

/* Validates the optional echo fields of a create body into attrs["vi"]. */
static int create_extras(const vs_request *req, vs_response *res, json_t *vi)
{
    static const char *const strings[] = {"owner", "content", "localization", "dataLocalization"};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
        const char *v = NULL;
        if (vs_body_string(req, res, strings[i], 0, 200, &v) != 0)
            return -1;
        if (v && i == 1 && strcmp(v, "Image") != 0)
            return vs_fail(res, 400, "validation_error", "Field 'content' must be \"Image\"");
        if (v && i >= 2 && strcmp(v, "Datature/Multi") != 0)
            return vs_fail(res, 400, "validation_error", "Field '%s' must be \"Datature/Multi\"", strings[i]);
        if (v && i == 0)
            json_object_set_new(vi, "owner", json_string(v));
    }
    int64_t status = 0;
    int rc = vs_body_int(req, res, "status", 0, 0, 1000000, &status);
    if (rc < 0)
        return -1;
    if (rc == 0)
        json_object_set_new(vi, "status", json_integer(status));
    json_t *tags = json_object_get(req->json, "tags");
    if (tags && !json_is_null(tags)) {
        if (!json_is_object(tags))
            return vs_fail(res, 400, "validation_error", "Field 'tags' must be an object of tag name to integer id");
        const char *name;
        json_t *id;
        json_object_foreach(tags, name, id) {
            if (!json_is_integer(id) || json_integer_value(id) < 0 || json_integer_value(id) >= 1000000 ||
                strlen(name) == 0 || strlen(name) > 255)
                return vs_fail(res, 400, "validation_error",
                               "Field 'tags' must map non-empty names to integer ids from 0 to 999999");
        }
        json_object_set(vi, "tags", tags);
    }
    return 0;
}

int vi_datasets_create(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"name",   "type", "description", "owner", "content", "localization",
                                          "dataLocalization", "status", "tags", NULL};
    const char *name = NULL, *type = NULL, *description = NULL;
    char org[VS_ORG_LEN];
    if (vs_body_allow(req, res, allowed) || vs_body_string(req, res, "name", 1, 200, &name) ||
        vs_body_string(req, res, "type", 1, 32, &type) ||
        vs_body_string(req, res, "description", 0, 10000, &description) || vi_org_of(req, res, org))
        return -1;
    if (strcmp(type, "phrase-grounding") != 0 && strcmp(type, "vqa") != 0 && strcmp(type, "freeform") != 0)
        return vs_fail(res, 400, "validation_error",
                       "Field 'type' must be one of \"phrase-grounding\", \"vqa\", \"freeform\"");
    json_t *attrs = json_pack("{s:{}}", "vi");
    if (create_extras(req, res, json_object_get(attrs, "vi")) != 0) {
        json_decref(attrs);
        return -1;
    }
    char *attrs_text = json_dumps(attrs, JSON_COMPACT);
    json_decref(attrs);
    vi_dataset_ref d;
    memset(&d, 0, sizeof d);
    st_result r = attrs_text ? store_datasets_create(req->workspace_id, NULL, name, type, description, attrs_text, &d.ds)
                             : ST_ERROR;
    free(attrs_text);
    if (r == ST_CONFLICT)
        return vs_fail(res, 409, "conflict", "A dataset named '%.200s' already exists", name);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Dataset");
    snprintf(d.org, sizeof d.org, "%s", org);
    snprintf(d.segment, sizeof d.segment, "%s_%s", org, d.ds.id);
    d.type = vi_type_of(d.ds.type);
    json_t *o = dataset_json(req->workspace_id, &d, &r);
    vi_dataset_ref_free(&d);
    if (!o)
        return vs_fail_store(res, r, "Dataset");
    return vs_reply_json(res, 201, o);
}

static json_t *deleted_json(const vs_request *req, const char *org, const char *ds_id, int64_t at)
{
    vi_dataset_ref d;
    memset(&d, 0, sizeof d);
    snprintf(d.org, sizeof d.org, "%s", org);
    snprintf(d.segment, sizeof d.segment, "%s_%s", org, ds_id);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "kind", "DeletedDataset", "user", req->workspace_id, "workspaceId", org,
                          "datasetId", d.segment);
    json_object_set_new(o, "selfLink", vi_link(&d, "/deleteOperation"));
    json_object_set_new(o, "etag", vi_etag(1));
    json_object_set_new(o, "metadata", vi_metadata(at, at, 1, NULL));
    json_object_set_new(o, "status", json_pack("{s:[o]}", "conditions", vi_condition("Deleted", "Reached", at, NULL,
                                                                                     NULL)));
    return o;
}

int vi_datasets_delete(vs_request *req, vs_response *res)
{
    vi_dataset_ref d;
    if (vi_dataset_resolve(req, res, &d) != 0)
        return -1;
    int64_t now = clock_now_ms();
    st_result r = db_begin();
    if (r == ST_OK) {
        if ((r = store_datasets_delete(req->workspace_id, d.ds.id)) == ST_OK &&
            (r = store_vi_deleted_put(req->workspace_id, d.ds.id, now)) == ST_OK)
            r = db_commit();
        else
            db_rollback();
    }
    char id[37];
    snprintf(id, sizeof id, "%s", d.ds.id);
    vi_dataset_ref_free(&d);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Dataset");
    return vs_reply_json(res, 200, deleted_json(req, d.org, id, now));
}

int vi_datasets_deletion(vs_request *req, vs_response *res)
{
    const char *org = vs_param(req, "org"), *seg = vs_param(req, "ds");
    const char *us = seg ? strrchr(seg, '_') : NULL;
    const char *id = us ? us + 1 : seg;
    if (!org || !id || (us && ((size_t)(us - seg) != strlen(org) || strncmp(seg, org, strlen(org)) != 0)))
        return vs_fail(res, 404, "not_found", "Dataset not found");
    int64_t at = 0;
    st_result r = store_vi_deleted_get(req->workspace_id, id, &at);
    if (r == ST_NOT_FOUND)
        return vs_fail(res, 404, "not_found", "No deletion operation for dataset '%.80s'", seg);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Deletion operation");
    return vs_reply_json(res, 200, deleted_json(req, org, id, at));
}
