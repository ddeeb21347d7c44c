/* lb_ops.h — the operation handlers the dispatcher (lb_graphql.c) routes to, one
 * group per file. Each reads the call's variables, replies through lb_reply or
 * lb_error, and returns 0 or -1. */
#ifndef VS_LB_OPS_H
#define VS_LB_OPS_H
#include "lb_gql.h"

/* lb_account.c */
int lb_account_organization(lb_call *c);
int lb_account_user(lb_call *c);
int lb_account_integrations(lb_call *c);
/* lb_datasets.c */
int lb_datasets_create(lb_call *c);
int lb_datasets_get(lb_call *c);
int lb_datasets_delete(lb_call *c);
/* lb_uploads.c */
int lb_uploads_file(lb_call *c);
/* lb_data_rows.c */
int lb_data_rows_upsert(lb_call *c);
int lb_data_rows_task(lb_call *c);
int lb_data_rows_failed(lb_call *c);
int lb_data_rows_succeeded(lb_call *c);
int lb_data_rows_processed(lb_call *c);
/* lb_ontologies.c */
int lb_ontologies_upsert(lb_call *c);
int lb_ontologies_get(lb_call *c);
/* lb_projects.c */
int lb_projects_create(lb_call *c);
int lb_projects_get(lb_call *c);
int lb_projects_ontology(lb_call *c);
int lb_projects_frontend(lb_call *c);
int lb_projects_frontends(lb_call *c);
int lb_projects_connect_frontend(lb_call *c);
int lb_projects_frontend_options(lb_call *c);
int lb_projects_connect_ontology(lb_call *c);
int lb_projects_update(lb_call *c);
/* lb_batches.c */
int lb_batches_create(lb_call *c);
int lb_batches_create_empty(lb_call *c);
int lb_batches_add_async(lb_call *c);
int lb_batches_get(lb_call *c);
/* lb_imports.c */
int lb_imports_create_mal_file(lb_call *c);
int lb_imports_create_label_file(lb_call *c);
int lb_imports_create_mal_url(lb_call *c);
int lb_imports_create_label_url(lb_call *c);
int lb_imports_get_mal(lb_call *c);
int lb_imports_get_label(lb_call *c);
#endif
