/* lb_fields.h — the JSON shapes of Labelbox entities: for each one the superset
 * of fields the vendor's client selects (spec §4 field sets). Every builder
 * returns a new object (caller owns the reference). */
#ifndef VS_LB_FIELDS_H
#define VS_LB_FIELDS_H
#include <jansson.h>
#include "core/store_datasets.h"
#include "core/store_workspaces.h"
#include "store_lb_imports.h"
#include "store_lb_projects.h"
#include "store_lb_tasks.h"

/* The one labeling frontend ("Editor") every workspace sees. */
#define LB_EDITOR_ID "ceditor000000000000000000"

/* The display name of a core dataset in Labelbox (attrs.labelbox.name, else the
 * core name); points into d or a static string. */
const char *lb_fields_dataset_name(const dataset_row *d, char *buf, size_t cap);
json_t *lb_fields_dataset(const dataset_row *d);
json_t *lb_fields_org(const ws_row *w);
json_t *lb_fields_user(const ws_row *w);
json_t *lb_fields_task(const lb_task_row *t);
json_t *lb_fields_ontology(const lb_ontology_row *o);
json_t *lb_fields_project(const lb_project_row *p);
json_t *lb_fields_frontend(void);
json_t *lb_fields_batch(const lb_batch_row *b);
/* project may be NULL (then "project" is null). host builds the file URLs. */
json_t *lb_fields_import(const lb_import_row *i, const lb_project_row *project, const char *host);
/* The server-issued URL of an import file (role: input, status, errors). */
void lb_fields_file_url(const char *host, const char *token, const char *role, char *out, size_t cap);
#endif
