/* vi_routes.h — the Vi dialect's request handlers, as routes.c names them, and
 * its durable job steps, as job_types.c names them. */
#ifndef VS_VI_ROUTES_H
#define VS_VI_ROUTES_H
#include "request.h"
#include "worker.h"

int vi_organizations_list(vs_request *req, vs_response *res);
int vi_organizations_get(vs_request *req, vs_response *res);

int vi_datasets_list(vs_request *req, vs_response *res);
int vi_datasets_get(vs_request *req, vs_response *res);
int vi_datasets_create(vs_request *req, vs_response *res);
int vi_datasets_delete(vs_request *req, vs_response *res);
int vi_datasets_deletion(vs_request *req, vs_response *res);

int vi_bulk_create(vs_request *req, vs_response *res);
int vi_bulk_get(vs_request *req, vs_response *res);

int vi_assets_list(vs_request *req, vs_response *res);
int vi_assets_get(vs_request *req, vs_response *res);
int vi_assets_delete(vs_request *req, vs_response *res);

int vi_asset_sessions_create(vs_request *req, vs_response *res);
int vi_asset_sessions_get(vs_request *req, vs_response *res);

int vi_annotations_list(vs_request *req, vs_response *res);
int vi_annotations_get(vs_request *req, vs_response *res);
int vi_annotations_delete(vs_request *req, vs_response *res);

int vi_imports_create(vs_request *req, vs_response *res);
int vi_imports_get(vs_request *req, vs_response *res);
int vi_imports_files(vs_request *req, vs_response *res);
int vi_imports_status(vs_request *req, vs_response *res);

int vi_exports_create(vs_request *req, vs_response *res);
int vi_exports_get(vs_request *req, vs_response *res);
int vi_exports_list(vs_request *req, vs_response *res);

/* Job steps (job_types.c): "vi.asset_ingest", "vi.annotation_import", "vi.export". */
step_outcome vi_asset_ingest_step(job_ctx *ctx);
step_outcome vi_import_step(job_ctx *ctx);
step_outcome vi_export_step(job_ctx *ctx);
#endif
