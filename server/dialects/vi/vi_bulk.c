/* vi_bulk.c — bulk asset deletion sessions (spec §6, §7.5, §13.3). The deletion
 * runs at creation, in one transaction, so the first poll already sees
 * `Deleted: Reached`. Selection: a plain-string filter matches file names by
 * case-insensitive substring; object filters, metadataQuery and ruleQuery are
 * accepted and ignored, so with no string filter every asset of the dataset
 * goes (with its annotations). Request threads.
 */
#include "clock.h"
#include "core/ids.h"
#include "db.h"
#include "store_vi_core.h"
#include "store_vi_sessions.h"
#include "vi.h"
#include "vi_routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static json_t *bulk_json(const vi_dataset_ref *d, const vi_bulk_row *b)
{
    json_t *spec = b->spec ? json_loads(b->spec, 0, NULL) : NULL;
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:o}", "kind", "BulkAssetDeletionSession", "workspaceId", d->org,
                          "datasetId", d->segment, "deleteManyAssetsSessionId", b->id, "spec",
                          json_is_object(spec) ? spec : json_object());
    if (spec && !json_is_object(spec))
        json_decref(spec);
    json_object_set_new(o, "selfLink", vi_link(d, "/deleteManyAssetsSessions/%s", b->id));
    json_object_set_new(o, "etag", vi_etag(1));
    json_object_set_new(o, "metadata", vi_metadata(b->created_at, b->updated_at, 1, NULL));
    json_object_set_new(o, "status", json_pack("{s:[o],s:I}", "conditions",
                                               vi_condition("Deleted", b->state, b->updated_at, NULL, NULL),
                                               "deletedCount", (json_int_t)b->deleted));
    return o;
}

typedef struct {
    char (*ids)[37];
    size_t n;
    const char *filter;
    int failed;
} pick_acc;

static void pick(const vi_asset_row *v, void *arg)
{
    pick_acc *acc = arg;
    if (acc->filter) {
        size_t n = strlen(acc->filter);
        int hit = 0;
        for (const char *p = v->a.filename; *p && !hit; p++)
            hit = strncasecmp(p, acc->filter, n) == 0;
        if (!hit)
            return;
    }
    char(*grown)[37] = realloc(acc->ids, (acc->n + 1) * sizeof *grown);
    if (!grown) {
        acc->failed = 1;
        return;
    }
    acc->ids = grown;
    snprintf(acc->ids[acc->n++], 37, "%s", v->a.id);
}

int vi_bulk_create(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"spec", "metadata", "kind", NULL};
    if (vs_body_allow(req, res, allowed) != 0)
        return -1;
    json_t *spec = json_object_get(req->json, "spec");
    if (spec && !json_is_null(spec) && !json_is_object(spec))
        return vs_fail(res, 400, "validation_error", "Field 'spec' must be an object");
    json_t *filter = json_object_get(spec, "filter");
    if (filter && !json_is_null(filter) && !json_is_string(filter) && !json_is_object(filter))
        return vs_fail(res, 400, "validation_error", "spec.filter must be a string, an object or null");
    static const char *const strings[] = {"metadataQuery", "ruleQuery"};
    for (size_t i = 0; i < 2; i++) {
        json_t *v = json_object_get(spec, strings[i]);
        if (v && !json_is_null(v) && !json_is_string(v))
            return vs_fail(res, 400, "validation_error", "spec.%s must be a string or null", strings[i]);
    }
    json_t *strict = json_object_get(spec, "strictQuery");
    if (strict && !json_is_null(strict) && !json_is_boolean(strict))
        return vs_fail(res, 400, "validation_error", "spec.strictQuery must be a boolean or null");
    vi_dataset_ref d;
    if (vi_dataset_resolve(req, res, &d) != 0)
        return -1;
    const char *text = json_string_value(filter);
    pick_acc acc = {NULL, 0, text && *text && text[0] != '{' ? text : NULL, 0};
    vi_bulk_row b;
    memset(&b, 0, sizeof b);
    ids_uuid(b.id);
    snprintf(b.workspace_id, sizeof b.workspace_id, "%s", req->workspace_id);
    snprintf(b.dataset_id, sizeof b.dataset_id, "%s", d.ds.id);
    snprintf(b.state, sizeof b.state, "Reached");
    b.created_at = b.updated_at = clock_now_ms();
    json_t *echo = json_pack("{s:O?,s:O?,s:O?,s:O?}", "filter", filter, "metadataQuery",
                             json_object_get(spec, "metadataQuery"), "ruleQuery", json_object_get(spec, "ruleQuery"),
                             "strictQuery", strict);
    b.spec = json_dumps(echo, JSON_COMPACT);
    json_decref(echo);
    st_result r = db_begin();
    if (r == ST_OK) {
        r = store_vi_assets_list(req->workspace_id, d.ds.id, pick, &acc);
        if (r == ST_OK && acc.failed)
            r = ST_ERROR;
        for (size_t i = 0; r == ST_OK && i < acc.n; i++)
            r = store_vi_assets_delete(req->workspace_id, d.ds.id, acc.ids[i]);
        b.deleted = (int64_t)acc.n;
        if (r == ST_OK)
            r = store_vi_bulk_create(&b);
        if (r == ST_OK)
            r = db_commit();
        else
            db_rollback();
    }
    free(acc.ids);
    int rc = r == ST_OK ? vs_reply_json(res, 200, bulk_json(&d, &b)) : vs_fail_store(res, r, "Bulk deletion");
    vi_bulk_row_free(&b);
    vi_dataset_ref_free(&d);
    return rc;
}

int vi_bulk_get(vs_request *req, vs_response *res)
{
    vi_dataset_ref d;
    if (vi_dataset_resolve(req, res, &d) != 0)
        return -1;
    vi_bulk_row b;
    st_result r = store_vi_bulk_get(req->workspace_id, d.ds.id, vs_param(req, "session"), &b);
    int rc = r == ST_OK ? vs_reply_json(res, 200, bulk_json(&d, &b)) : vs_fail_store(res, r, "Bulk deletion");
    if (r == ST_OK)
        vi_bulk_row_free(&b);
    vi_dataset_ref_free(&d);
    return rc;
}
