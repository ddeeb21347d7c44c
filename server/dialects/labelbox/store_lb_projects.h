/* store_lb_projects.h — Labelbox ontologies, projects, batches and the data rows
 * a project holds. */
#ifndef VS_STORE_LB_PROJECTS_H
#define VS_STORE_LB_PROJECTS_H
#include <stdint.h>
#include "core/store.h"
#include "store_lb_tasks.h"

typedef struct {
    char id[LB_ID_LEN];
    char workspace_id[37];
    char name[256];
    char *description;        /* owned */
    char media_type[32];      /* "" = none */
    char *normalized;         /* owned JSON object text */
    int tool_count, classification_count;
    int64_t created_at, updated_at;
} lb_ontology_row;

typedef struct {
    char id[LB_ID_LEN];
    char workspace_id[37];
    char name[256];
    char *description;        /* owned */
    char media_type[32];
    char editor_task_type[48];
    char ontology_id[LB_ID_LEN];         /* "" = none */
    char frontend_id[LB_ID_LEN];         /* "" = none */
    char frontend_options_id[LB_ID_LEN]; /* "" = none */
    char *frontend_options;              /* owned or NULL */
    int64_t setup_complete;              /* ms; 0 = not set */
    int has_audit_percentage;
    double auto_audit_percentage;
    int has_audit_labels;
    int64_t auto_audit_number_of_labels;
    int is_benchmark_enabled, is_consensus_enabled;
    int64_t last_activity_time;          /* 0 = none */
    int64_t created_at, updated_at;
    int64_t data_row_count;              /* computed on read */
} lb_project_row;

typedef struct {
    char id[LB_ID_LEN];
    char workspace_id[37];
    char project_id[LB_ID_LEN];
    char name[256];
    int priority;
    char *consensus_settings;  /* owned JSON text or NULL */
    int64_t created_at, updated_at;
    int64_t size;              /* computed on read */
} lb_batch_row;

void lb_ontology_row_free(lb_ontology_row *o);
void lb_project_row_free(lb_project_row *p);
void lb_batch_row_free(lb_batch_row *b);

/* Inserts o (id and timestamps set here). */
st_result store_lb_ontologies_create(lb_ontology_row *o);
st_result store_lb_ontologies_get(const char *workspace_id, const char *id, lb_ontology_row *out);

/* Inserts p (id and timestamps set here). */
st_result store_lb_projects_create(lb_project_row *p);
st_result store_lb_projects_get(const char *workspace_id, const char *id, lb_project_row *out);
/* Writes every mutable column of p (updated_at set here). */
st_result store_lb_projects_update(lb_project_row *p);

/* Inserts b (id and timestamps set here); ST_CONFLICT when the name is used in
 * the project. Joins the caller's transaction. */
st_result store_lb_batches_create(lb_batch_row *b);
st_result store_lb_batches_get(const char *workspace_id, const char *project_id, const char *id, lb_batch_row *out);
/* Adds a data row to the project through a batch; ST_CONFLICT when the project
 * already holds it. Joins the caller's transaction. */
st_result store_lb_batches_add_row(const char *workspace_id, const char *project_id, const char *batch_id,
                                   const char *asset_id);
#endif
