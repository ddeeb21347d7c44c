/* lb_projects.c — projects, their labeling frontend and their ontology.
 *
 * The client's connect_ontology runs: read the project's ontology (must be null
 * or empty), read its labeling frontend (null at first), pick the "Editor"
 * frontend, connect it, create frontend options (an empty ontology as a string),
 * connect the ontology, mark setup complete. Each step is stored as sent. A
 * project holds at most one non-empty ontology: connecting a second is
 * OPERATION_NOT_ALLOWED, as the vendor answers. HTTP pool threads. */
#include "lb_fields.h"
#include "lb_ids.h"
#include "lb_ontology.h"
#include "lb_ops.h"
#include "store_lb_projects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load_project(lb_call *c, const char *id, lb_project_row *p)
{
    st_result r = store_lb_projects_get(c->req->workspace_id, id, p);
    return r == ST_OK ? 0 : lb_error_store(c, r, "Project");
}

static int reply_project(lb_call *c, const char *root, lb_project_row *p)
{
    json_t *out = lb_fields_project(p);
    lb_project_row_free(p);
    return lb_reply(c, root, out);
}

int lb_projects_create(lb_call *c)
{
    static const char *const unsupported[] = {"datasetNameOrId", "appendToExistingDataset", "dataRowCount", NULL};
    for (size_t i = 0; unsupported[i]; i++)
        if (json_object_get(c->vars, unsupported[i]) && !json_is_null(json_object_get(c->vars, unsupported[i])))
            return lb_error(c, LB_VALIDATION, "Unsupported: projects that generate their own data rows (%s) are not "
                                              "emulated", unsupported[i]);
    const char *name = NULL, *description = NULL, *media = NULL, *media2 = NULL, *task_type = NULL;
    double percentage = 0;
    int64_t labels = 0;
    int bench = 0, consensus = 0;
    int has_pct, has_labels;
    if (lb_var_string(c, "name", 1, 255, &name) < 0 || lb_var_string(c, "description", 0, 4096, &description) < 0 ||
        lb_var_string(c, "allowedMediaType", 0, 31, &media) < 0 || lb_var_string(c, "mediaType", 0, 31, &media2) < 0 ||
        lb_var_string(c, "editorTaskType", 0, 47, &task_type) < 0 ||
        (has_pct = lb_var_number(c, "autoAuditPercentage", 0, 0, 100, &percentage)) < 0 ||
        (has_labels = lb_var_int(c, "autoAuditNumberOfLabels", 0, 0, 1000, &labels)) < 0 ||
        lb_var_bool(c, "isBenchmarkEnabled", 0, &bench) < 0 || lb_var_bool(c, "isConsensusEnabled", 0, &consensus) < 0)
        return -1;
    lb_project_row p;
    memset(&p, 0, sizeof p);
    snprintf(p.workspace_id, sizeof p.workspace_id, "%s", c->req->workspace_id);
    snprintf(p.name, sizeof p.name, "%s", name);
    snprintf(p.media_type, sizeof p.media_type, "%s", media ? media : media2 ? media2 : "");
    snprintf(p.editor_task_type, sizeof p.editor_task_type, "%s", task_type ? task_type : "");
    p.description = (char *)(description ? description : "");
    p.has_audit_percentage = has_pct == 0;
    p.auto_audit_percentage = percentage;
    p.has_audit_labels = has_labels == 0;
    p.auto_audit_number_of_labels = labels;
    p.is_benchmark_enabled = bench;
    p.is_consensus_enabled = consensus;
    st_result r = store_lb_projects_create(&p);
    if (r != ST_OK)
        return lb_error_store(c, r, "Project");
    lb_project_row fresh;
    if (load_project(c, p.id, &fresh) != 0)
        return -1;
    return reply_project(c, "createProject", &fresh);
}

/* For project(where:{id}) reads: the project, or a null reply when unknown. */
static int project_or_null(lb_call *c, lb_project_row *p)
{
    const char *id = NULL;
    if (lb_var_string(c, "param_0", 0, 64, &id) < 0 || lb_var_string(c, "projectId", 0, 64, &id) < 0)
        return -1;
    if (!id)
        return lb_error(c, LB_MALFORMED, "Variable \"$param_0\" of type \"ID!\" was not provided.");
    st_result r = store_lb_projects_get(c->req->workspace_id, id, p);
    if (r == ST_NOT_FOUND) {
        lb_reply(c, "project", NULL);
        return 1;
    }
    return r == ST_OK ? 0 : lb_error_store(c, r, "Project");
}

int lb_projects_get(lb_call *c)
{
    lb_project_row p;
    int rc = project_or_null(c, &p);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    return reply_project(c, "project", &p);
}

int lb_projects_ontology(lb_call *c)
{
    lb_project_row p;
    int rc = project_or_null(c, &p);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    json_t *ontology = json_null();
    if (p.ontology_id[0]) {
        lb_ontology_row o;
        st_result r = store_lb_ontologies_get(c->req->workspace_id, p.ontology_id, &o);
        if (r == ST_OK) {
            json_decref(ontology);
            ontology = lb_fields_ontology(&o);
            lb_ontology_row_free(&o);
        } else if (r != ST_NOT_FOUND) {
            lb_project_row_free(&p);
            return lb_error_store(c, r, "Ontology");
        }
    }
    lb_project_row_free(&p);
    return lb_reply(c, "project", json_pack("{s:o}", "ontology", ontology));
}

int lb_projects_frontend(lb_call *c)
{
    lb_project_row p;
    int rc = project_or_null(c, &p);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    json_t *frontend = p.frontend_id[0] ? lb_fields_frontend() : json_null();
    lb_project_row_free(&p);
    return lb_reply(c, "project", json_pack("{s:o}", "labelingFrontend", frontend));
}

int lb_projects_frontends(lb_call *c)
{
    const char *name = NULL;
    int64_t skip = 0;
    int deleted = 0; /* $param_1: the editor is never deleted */
    if (lb_var_string(c, "param_0", 0, 255, &name) < 0 || lb_var_bool(c, "param_1", 0, &deleted) < 0)
        return -1;
    lb_gql_literal_int(c->query, "skip", &skip);
    json_t *list = json_array();
    if (skip <= 0 && !deleted && (!name || strcmp(name, "Editor") == 0))
        json_array_append_new(list, lb_fields_frontend());
    return lb_reply(c, "labelingFrontends", list);
}

int lb_projects_connect_frontend(lb_call *c)
{
    const char *project = NULL, *frontend = NULL;
    if (lb_var_string(c, "projectId", 1, 64, &project) < 0 ||
        lb_var_string(c, "labelingFrontendId", 1, 64, &frontend) < 0)
        return -1;
    if (strcmp(frontend, LB_EDITOR_ID) != 0)
        return lb_error(c, LB_NOT_FOUND, "Labeling frontend not found");
    lb_project_row p;
    if (load_project(c, project, &p) != 0)
        return -1;
    snprintf(p.frontend_id, sizeof p.frontend_id, "%s", LB_EDITOR_ID);
    st_result r = store_lb_projects_update(&p);
    lb_project_row_free(&p);
    if (r != ST_OK)
        return lb_error_store(c, r, "Project");
    return lb_reply(c, "updateProject", json_pack("{s:s}", "id", project));
}

/* Options that carry a non-empty ontology (the legacy setup call) give a
 * project without one that ontology. */
static st_result attach_options_ontology(lb_project_row *p, const char *options)
{
    json_t *in = json_loads(options, 0, NULL);
    char err[200];
    json_t *norm = json_is_object(in) ? lb_ontology_normalize(in, err, sizeof err) : NULL;
    json_decref(in);
    int tools = 0, classifications = 0;
    if (norm)
        lb_ontology_counts(norm, &tools, &classifications);
    if (!norm || tools + classifications == 0) {
        json_decref(norm);
        return ST_OK;
    }
    lb_ontology_row o;
    memset(&o, 0, sizeof o);
    snprintf(o.workspace_id, sizeof o.workspace_id, "%s", p->workspace_id);
    snprintf(o.name, sizeof o.name, "%.200s ontology", p->name);
    snprintf(o.media_type, sizeof o.media_type, "%s", p->media_type);
    o.description = (char *)"";
    o.normalized = json_dumps(norm, JSON_COMPACT);
    o.tool_count = tools;
    o.classification_count = classifications;
    json_decref(norm);
    st_result r = o.normalized ? store_lb_ontologies_create(&o) : ST_ERROR;
    free(o.normalized);
    if (r == ST_OK)
        snprintf(p->ontology_id, sizeof p->ontology_id, "%s", o.id);
    return r;
}

int lb_projects_frontend_options(lb_call *c)
{
    const char *project = NULL, *frontend = NULL, *options = NULL;
    if (lb_var_string(c, "project", 1, 64, &project) < 0 || lb_var_string(c, "labelingFrontend", 1, 64, &frontend) < 0 ||
        lb_var_string(c, "customizationOptions", 1, 512 * 1024, &options) < 0)
        return -1;
    if (strcmp(frontend, LB_EDITOR_ID) != 0)
        return lb_error(c, LB_NOT_FOUND, "Labeling frontend not found");
    lb_project_row p;
    if (load_project(c, project, &p) != 0)
        return -1;
    st_result r = p.ontology_id[0] ? ST_OK : attach_options_ontology(&p, options);
    free(p.frontend_options);
    p.frontend_options = strdup(options);
    if (!p.frontend_options_id[0])
        lb_ids_cuid(p.frontend_options_id);
    char id[LB_ID_LEN];
    snprintf(id, sizeof id, "%s", p.frontend_options_id);
    if (r == ST_OK)
        r = p.frontend_options ? store_lb_projects_update(&p) : ST_ERROR;
    lb_project_row_free(&p);
    if (r != ST_OK)
        return lb_error_store(c, r, "Project");
    return lb_reply(c, "createLabelingFrontendOptions",
                    json_pack("{s:s,s:s}", "customizationOptions", options, "id", id));
}

int lb_projects_connect_ontology(lb_call *c)
{
    const char *project = NULL, *ontology = NULL;
    if (lb_var_string(c, "projectId", 1, 64, &project) < 0 || lb_var_string(c, "ontologyId", 1, 64, &ontology) < 0)
        return -1;
    lb_ontology_row o;
    st_result r = store_lb_ontologies_get(c->req->workspace_id, ontology, &o);
    if (r != ST_OK)
        return lb_error_store(c, r, "Ontology");
    lb_ontology_row_free(&o);
    lb_project_row p;
    if (load_project(c, project, &p) != 0)
        return -1;
    if (p.ontology_id[0] && strcmp(p.ontology_id, ontology) != 0) {
        lb_ontology_row cur;
        r = store_lb_ontologies_get(c->req->workspace_id, p.ontology_id, &cur);
        int busy = r == ST_OK && cur.tool_count + cur.classification_count > 0;
        if (r == ST_OK)
            lb_ontology_row_free(&cur);
        if (busy) {
            lb_project_row_free(&p);
            return lb_error(c, LB_NOT_ALLOWED, "Project %s already has a non-empty ontology connected", project);
        }
    }
    snprintf(p.ontology_id, sizeof p.ontology_id, "%s", ontology);
    r = store_lb_projects_update(&p);
    lb_project_row_free(&p);
    if (r != ST_OK)
        return lb_error_store(c, r, "Project");
    return lb_reply(c, "project", json_pack("{s:{s:s}}", "connectOntology", "id", project));
}

int lb_projects_update(lb_call *c)
{
    const char *id = NULL, *name = NULL, *description = NULL, *setup = NULL, *activity = NULL;
    int bench = -1, consensus = -1;
    if (lb_var_string(c, "ProjectId", 1, 64, &id) < 0 || lb_var_string(c, "name", 0, 255, &name) < 0 ||
        lb_var_string(c, "description", 0, 4096, &description) < 0 ||
        lb_var_string(c, "setupComplete", 0, 40, &setup) < 0 ||
        lb_var_string(c, "lastActivityTime", 0, 40, &activity) < 0 ||
        lb_var_bool(c, "isBenchmarkEnabled", 0, &bench) < 0 || lb_var_bool(c, "isConsensusEnabled", 0, &consensus) < 0)
        return -1;
    int64_t setup_ms = 0, activity_ms = 0;
    if (setup && lb_ids_parse_time(setup, &setup_ms) != 0)
        return lb_error(c, LB_MALFORMED, "Variable \"$setupComplete\" is not a DateTime (YYYY-MM-DDTHH:MM:SSZ)");
    if (activity && lb_ids_parse_time(activity, &activity_ms) != 0)
        return lb_error(c, LB_MALFORMED, "Variable \"$lastActivityTime\" is not a DateTime (YYYY-MM-DDTHH:MM:SSZ)");
    lb_project_row p;
    if (load_project(c, id, &p) != 0)
        return -1;
    if (name)
        snprintf(p.name, sizeof p.name, "%s", name);
    if (description) {
        free(p.description);
        p.description = strdup(description);
    }
    if (setup)
        p.setup_complete = setup_ms;
    if (activity)
        p.last_activity_time = activity_ms;
    if (bench >= 0)
        p.is_benchmark_enabled = bench;
    if (consensus >= 0)
        p.is_consensus_enabled = consensus;
    st_result r = store_lb_projects_update(&p);
    lb_project_row_free(&p);
    if (r != ST_OK)
        return lb_error_store(c, r, "Project");
    if (load_project(c, id, &p) != 0)
        return -1;
    return reply_project(c, "updateProject", &p);
}
