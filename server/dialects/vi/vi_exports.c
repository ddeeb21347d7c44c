/* vi_exports.c — dataset exports (spec §6, §7.4) and annotation-only exports
 * (§13.1, resource `annotationExports`): create, get, list (one page).
 *
 * Dataset exports take ViFull, ViJsonl, ViTfrecord. Annotation exports take the
 * eight formats of the vendor guide, limited by dataset type (VQA: ViJsonl and
 * ViTfrecord; freeform: ViJsonl) and refuse ViFull with the guide's message.
 * Both are rows in vi_exports built by the durable "vi.export" job
 * (vi_export_job.c); `Exported: Reached` and `downloadUrl` appear together.
 * Request threads.
 */
#include "clock.h"
#include "core/ids.h"
#include "core/store_jobs.h"
#include "core/transfer.h"
#include "db.h"
#include "store_vi_sessions.h"
#include "vi.h"
#include "vi_routes.h"
#include "worker.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_annotation_route(const vs_request *req)
{
    return req->path && strstr(req->path, "/annotationExports") != NULL;
}

static json_t *export_json(const vs_request *req, const vi_dataset_ref *d, const vi_export_row *e)
{
    int annotation = strcmp(e->resource, "annotation") == 0;
    const char *collection = annotation ? "annotationExports" : "datasetExports";
    json_t *options = json_pack("{s:b}", "normalized", e->normalized);
    json_object_set_new(options, "splitRatio", e->has_split ? json_real(e->split_ratio) : json_null());
    json_t *status = json_pack("{s:[o]}", "conditions",
                               vi_condition("Exported", e->state, e->updated_at, NULL, e->message));
    if (strcmp(e->state, "Reached") == 0 && e->token[0]) {
        char url[512];
        transfer_url(req->host, "vi", e->token, NULL, url, sizeof url);
        json_object_set_new(status, "downloadUrl", json_pack("{s:s,s:I}", "url", url, "expiresAt",
                                                             (json_int_t)e->expires_at));
    } else if (annotation) {
        json_object_set_new(status, "downloadUrl", json_null());
    }
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:o},s:o}", "kind",
                          annotation ? "ExportedAnnotations" : "DatasetExport", "workspaceId", d->org, "datasetId",
                          d->segment, "datasetExportId", e->id, "spec", "format", e->format, "options", options,
                          "status", status);
    json_object_set_new(o, "metadata", vi_metadata(e->created_at, e->updated_at, e->generation, NULL));
    json_object_set_new(o, "selfLink", vi_link(d, "/%s/%s", collection, e->id));
    json_object_set_new(o, "etag", vi_etag(e->generation));
    return o;
}

static int format_allowed(vs_response *res, int annotation, vi_type type, const char *format)
{
    static const char *const dataset_formats[] = {"ViFull", "ViJsonl", "ViTfrecord", NULL};
    static const char *const annotation_formats[] = {"Coco",          "YoloDarknet",    "YoloKerasPytorch",
                                                     "PascalVoc",     "CsvFourCorner",  "CsvWidthHeight",
                                                     "ViJsonl",       "ViTfrecord",     NULL};
    if (!annotation) {
        for (size_t i = 0; dataset_formats[i]; i++)
            if (strcmp(format, dataset_formats[i]) == 0)
                return 0;
        return vs_fail(res, 400, "validation_error",
                       "spec.format must be ViFull, ViJsonl or ViTfrecord for a dataset export");
    }
    if (strcmp(format, "ViFull") == 0)
        return vs_fail(res, 400, "validation_error", "ViFull is not available for annotation-only export");
    int known = 0;
    for (size_t i = 0; annotation_formats[i]; i++)
        known |= strcmp(format, annotation_formats[i]) == 0;
    if (!known)
        return vs_fail(res, 400, "validation_error",
                       "spec.format '%.40s' is not an export format (Coco, YoloDarknet, YoloKerasPytorch, PascalVoc, "
                       "CsvFourCorner, CsvWidthHeight, ViJsonl, ViTfrecord)",
                       format);
    if (type == VI_TYPE_VQA && strcmp(format, "ViJsonl") != 0 && strcmp(format, "ViTfrecord") != 0)
        return vs_fail(res, 400, "validation_error", "%s is not available for a vqa dataset (ViJsonl, ViTfrecord)",
                       format);
    if (type == VI_TYPE_FREEFORM && strcmp(format, "ViJsonl") != 0)
        return vs_fail(res, 400, "validation_error", "%s is not available for a freeform dataset (ViJsonl only)",
                       format);
    return 0;
}

int vi_exports_create(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"spec", "metadata", "kind", NULL};
    int annotation = is_annotation_route(req);
    if (vs_body_allow(req, res, allowed) != 0)
        return -1;
    json_t *spec = json_object_get(req->json, "spec");
    if (spec && !json_is_null(spec) && !json_is_object(spec))
        return vs_fail(res, 400, "validation_error", "Field 'spec' must be an object");
    json_t *fmt = json_object_get(spec, "format");
    if (fmt && !json_is_null(fmt) && !json_is_string(fmt))
        return vs_fail(res, 400, "validation_error", "spec.format must be a string");
    const char *format = json_is_string(fmt) ? json_string_value(fmt) : annotation ? "ViJsonl" : "ViFull";
    json_t *options = json_object_get(spec, "options");
    if (options && !json_is_null(options) && !json_is_object(options))
        return vs_fail(res, 400, "validation_error", "spec.options must be an object");
    json_t *norm = json_object_get(options, "normalized");
    if (norm && !json_is_null(norm) && !json_is_boolean(norm))
        return vs_fail(res, 400, "validation_error", "spec.options.normalized must be a boolean");
    json_t *ratio = json_object_get(options, "splitRatio");
    if (ratio && !json_is_null(ratio) &&
        (!json_is_number(ratio) || !isfinite(json_number_value(ratio)) || json_number_value(ratio) < 0 ||
         json_number_value(ratio) > 1))
        return vs_fail(res, 400, "validation_error", "spec.options.splitRatio must be a number from 0 to 1, or null");
    vi_dataset_ref d;
    if (vi_dataset_resolve(req, res, &d) != 0)
        return -1;
    if (format_allowed(res, annotation, d.type, format) != 0) {
        vi_dataset_ref_free(&d);
        return -1;
    }
    vi_export_row e;
    memset(&e, 0, sizeof e);
    ids_uuid(e.id);
    snprintf(e.workspace_id, sizeof e.workspace_id, "%s", req->workspace_id);
    snprintf(e.dataset_id, sizeof e.dataset_id, "%s", d.ds.id);
    snprintf(e.resource, sizeof e.resource, "%s", annotation ? "annotation" : "dataset");
    snprintf(e.format, sizeof e.format, "%s", format);
    snprintf(e.state, sizeof e.state, "Waiting");
    e.normalized = norm ? json_is_true(norm) : 1;
    e.has_split = json_is_number(ratio);
    e.split_ratio = e.has_split ? json_number_value(ratio) : 0;
    e.created_at = e.updated_at = clock_now_ms();
    e.generation = 1;
    char payload[96], job[37];
    snprintf(payload, sizeof payload, "{\"export\":\"%s\"}", e.id);
    st_result r = db_begin();
    if (r == ST_OK) {
        if ((r = store_vi_exports_create(&e)) == ST_OK &&
            (r = store_jobs_insert(req->workspace_id, "vi.export", payload, e.created_at, job)) == ST_OK)
            r = db_commit();
        else
            db_rollback();
    }
    if (r != ST_OK) {
        vi_dataset_ref_free(&d);
        return vs_fail_store(res, r, "Export");
    }
    worker_wake();
    json_t *o = export_json(req, &d, &e);
    vi_dataset_ref_free(&d);
    return vs_reply_json(res, 200, o);
}

int vi_exports_get(vs_request *req, vs_response *res)
{
    vi_dataset_ref d;
    if (vi_dataset_resolve(req, res, &d) != 0)
        return -1;
    vi_export_row e;
    st_result r = store_vi_exports_get(req->workspace_id, vs_param(req, "export"),
                                       is_annotation_route(req) ? "annotation" : "dataset", &e);
    if (r == ST_OK && strcmp(e.dataset_id, d.ds.id) != 0) {
        vi_export_row_free(&e);
        r = ST_NOT_FOUND;
    }
    if (r != ST_OK) {
        vi_dataset_ref_free(&d);
        return vs_fail_store(res, r, "Export");
    }
    json_t *o = export_json(req, &d, &e);
    vi_export_row_free(&e);
    vi_dataset_ref_free(&d);
    return vs_reply_json(res, 200, o);
}

typedef struct {
    const vs_request *req;
    const vi_dataset_ref *d;
    json_t *items;
} list_acc;

static void add_export(const vi_export_row *e, void *arg)
{
    list_acc *acc = arg;
    json_array_append_new(acc->items, export_json(acc->req, acc->d, e));
}

int vi_exports_list(vs_request *req, vs_response *res)
{
    vi_dataset_ref d;
    if (vi_dataset_resolve(req, res, &d) != 0)
        return -1;
    list_acc acc = {req, &d, json_array()};
    st_result r = store_vi_exports_list(req->workspace_id, d.ds.id, is_annotation_route(req) ? "annotation" : "dataset",
                                        add_export, &acc);
    vi_dataset_ref_free(&d);
    if (r != ST_OK) {
        json_decref(acc.items);
        return vs_fail_store(res, r, "Exports");
    }
    return vs_reply_json(res, 200, vi_page(acc.items, NULL));
}
