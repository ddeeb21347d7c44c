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
#endif
