/* admin.h — control-plane handlers (/_emulator/...). Shapes are the fixed
 * contract in DESIGN.md. */
#ifndef VS_ADMIN_H
#define VS_ADMIN_H
#include "../request.h"

int admin_health(vs_request *req, vs_response *res);
int admin_workspaces_create(vs_request *req, vs_response *res);
int admin_workspaces_list(vs_request *req, vs_response *res);
int admin_workspaces_get(vs_request *req, vs_response *res);
int admin_workspaces_delete(vs_request *req, vs_response *res);
int admin_workspaces_reset(vs_request *req, vs_response *res);
int admin_credits_put(vs_request *req, vs_response *res);
int admin_reset(vs_request *req, vs_response *res);
int admin_snapshots_create(vs_request *req, vs_response *res);
int admin_snapshots_list(vs_request *req, vs_response *res);
int admin_snapshots_restore(vs_request *req, vs_response *res);
int admin_snapshots_delete(vs_request *req, vs_response *res);
int admin_clock_get(vs_request *req, vs_response *res);
int admin_clock_set(vs_request *req, vs_response *res);
int admin_clock_advance(vs_request *req, vs_response *res);
int admin_jobs_list(vs_request *req, vs_response *res);
int admin_jobs_get(vs_request *req, vs_response *res);
int admin_faults_create(vs_request *req, vs_response *res);
int admin_faults_list(vs_request *req, vs_response *res);
int admin_faults_delete(vs_request *req, vs_response *res);
int admin_faults_clear(vs_request *req, vs_response *res);
int admin_journal_list(vs_request *req, vs_response *res);
int admin_journal_wait(vs_request *req, vs_response *res);
int admin_journal_clear(vs_request *req, vs_response *res);
int admin_coverage(vs_request *req, vs_response *res);
int admin_metrics(vs_request *req, vs_response *res);
/* Console (admin_ui.c, admin_browse.c, admin_segment.c). */
int admin_ui(vs_request *req, vs_response *res);
int admin_browse_datasets(vs_request *req, vs_response *res);
int admin_browse_workspace_assets(vs_request *req, vs_response *res);
int admin_browse_dataset(vs_request *req, vs_response *res);
int admin_browse_dataset_assets(vs_request *req, vs_response *res);
int admin_browse_asset(vs_request *req, vs_response *res);
int admin_browse_asset_image(vs_request *req, vs_response *res);
int admin_browse_asset_thumbnail(vs_request *req, vs_response *res);
int admin_segment(vs_request *req, vs_response *res);
/* admin_remote_files.c */
int admin_remote_files_put(vs_request *req, vs_response *res);
int admin_remote_files_list(vs_request *req, vs_response *res);
int admin_remote_files_delete(vs_request *req, vs_response *res);
#endif
