/* store_lb_imports.h — annotation imports (MAL and ground truth), the core
 * annotations each created, and MAL relationships. */
#ifndef VS_STORE_LB_IMPORTS_H
#define VS_STORE_LB_IMPORTS_H
#include <stdint.h>
#include "core/store.h"
#include "store_lb_tasks.h"

typedef struct {
    char id[LB_ID_LEN];
    char workspace_id[37];
    char project_id[LB_ID_LEN];
    char name[256];
    char kind[8];            /* mal | label */
    char state[16];          /* RUNNING | FINISHED | FAILED */
    char *source_url;        /* owned; URL imports only */
    char input_token[49];    /* "" = none */
    char status_token[49];
    char error_token[49];
    int64_t line_count, failure_count;
    int64_t created_at, updated_at;
} lb_import_row;

void lb_import_row_free(lb_import_row *i);
/* Inserts i (id, timestamps, state RUNNING set here); ST_CONFLICT when the
 * project already has an import of that name. Joins the caller's transaction. */
st_result store_lb_imports_create(lb_import_row *i);
/* By (project, kind, name) when name is not NULL, else by id; workspace_id NULL
 * = any (the worker). */
st_result store_lb_imports_find(const char *workspace_id, const char *project_id, const char *kind,
                                const char *name, const char *id, lb_import_row *out);
/* Ends an import: state, file tokens and counts. Joins the caller's transaction. */
st_result store_lb_imports_finish(const char *id, const char *state, const char *status_token,
                                  const char *error_token, int64_t lines, int64_t failures);

/* Before an import writes: removes the core annotations (and relationships) that
 * an earlier import of the project made with this uuid (MAL), or for this data
 * row (ground truth, uuid NULL). Joins the caller's transaction. */
st_result store_lb_imports_replace(const char *project_id, const char *kind, const char *import_id,
                                   const char *asset_id, const char *uuid);
/* *any = 1 when an earlier import of the project left annotations (of kind) or
 * relationships that a new import could replace; lets a first import skip the
 * per-line replacement. */
st_result store_lb_imports_has_prior(const char *project_id, const char *kind, int *any);
/* Records what an accepted line created: its core annotations are the ids in
 * [first_annotation, last_annotation] on asset_id (sequential ids). Joins the
 * caller's transaction. */
st_result store_lb_imports_link(const char *workspace_id, const char *project_id, const char *import_id,
                                const char *asset_id, const char *kind, const char *uuid, const char *schema_id,
                                int benchmark, const char *first_annotation, const char *last_annotation);
/* Stores a MAL relationship line. Joins the caller's transaction. */
st_result store_lb_imports_relationship(const char *workspace_id, const char *project_id, const char *import_id,
                                        const char *asset_id, const char *uuid, const char *name,
                                        const char *schema_id, const char *source_uuid, const char *target_uuid,
                                        const char *type);
/* *count = relationships an import stored (tests, export). */
st_result store_lb_imports_relationship_count(const char *workspace_id, const char *import_id, int64_t *count);
#endif
