/* lb_ontologies.c — creating (upsertOntology) and reading ontologies. The
 * normalized JSON arrives as a string, is normalised (lb_ontology.c: ids and
 * defaults filled) and is returned as an object. HTTP pool threads. */
#include "lb_fields.h"
#include "lb_ontology.h"
#include "lb_ops.h"
#include "store_lb_projects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LB_NORMALIZED_MAX (512u * 1024u)

int lb_ontologies_upsert(lb_call *c)
{
    static const char *const allowed[] = {"name", "normalized", "mediaType", "editorTaskType", "description", NULL};
    json_t *data = json_object_get(c->vars, "data");
    if (!json_is_object(data))
        return lb_error(c, LB_MALFORMED, "Variable \"$data\" of type \"UpsertOntologyInput!\" was not provided.");
    const char *name = NULL, *normalized = NULL, *media = NULL, *task_type = NULL, *description = NULL;
    if (lb_field_allow(c, data, "UpsertOntologyInput", allowed) < 0 ||
        lb_field_string(c, data, "data", "name", 1, 255, &name) < 0 ||
        lb_field_string(c, data, "data", "normalized", 1, LB_NORMALIZED_MAX, &normalized) < 0 ||
        lb_field_string(c, data, "data", "mediaType", 0, 31, &media) < 0 ||
        lb_field_string(c, data, "data", "editorTaskType", 0, 47, &task_type) < 0 ||
        lb_field_string(c, data, "data", "description", 0, 4096, &description) < 0)
        return -1;
    json_error_t jerr;
    json_t *in = json_loads(normalized, 0, &jerr);
    if (!in)
        return lb_error(c, LB_MALFORMED, "data.normalized is not valid JSON: %s", jerr.text);
    char err[300];
    json_t *norm = lb_ontology_normalize(in, err, sizeof err);
    json_decref(in);
    if (!norm)
        return lb_error(c, LB_MALFORMED, "Invalid ontology: %s", err);
    lb_ontology_row o;
    memset(&o, 0, sizeof o);
    snprintf(o.workspace_id, sizeof o.workspace_id, "%s", c->req->workspace_id);
    snprintf(o.name, sizeof o.name, "%s", name);
    snprintf(o.media_type, sizeof o.media_type, "%s", media ? media : "");
    o.description = (char *)(description ? description : "");
    o.normalized = json_dumps(norm, JSON_COMPACT);
    lb_ontology_counts(norm, &o.tool_count, &o.classification_count);
    json_decref(norm);
    st_result r = o.normalized ? store_lb_ontologies_create(&o) : ST_ERROR;
    json_t *out = r == ST_OK ? lb_fields_ontology(&o) : NULL;
    free(o.normalized);
    if (r != ST_OK)
        return lb_error_store(c, r, "Ontology");
    return lb_reply(c, "upsertOntology", out);
}

int lb_ontologies_get(lb_call *c)
{
    const char *id = NULL;
    if (lb_var_string(c, "param_0", 1, 64, &id) < 0)
        return -1;
    lb_ontology_row o;
    st_result r = store_lb_ontologies_get(c->req->workspace_id, id, &o);
    if (r == ST_NOT_FOUND)
        return lb_reply(c, "ontology", NULL);
    if (r != ST_OK)
        return lb_error_store(c, r, "Ontology");
    json_t *out = lb_fields_ontology(&o);
    lb_ontology_row_free(&o);
    return lb_reply(c, "ontology", out);
}
