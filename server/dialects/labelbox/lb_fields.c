/* lb_fields.c — entity → JSON for every Labelbox reply. Field sets follow the
 * vendor client's selection sets (spec §4); nullable DateTimes are null when
 * unset; JSON-typed fields (normalized, task result/errors, consensus settings)
 * are parsed back into JSON values, never left as strings. Pure; any thread. */
#include "lb_fields.h"
#include "core/transfer.h"
#include "lb_gql.h"
#include "lb_ids.h"

#include <stdio.h>
#include <string.h>

const char *lb_fields_dataset_name(const dataset_row *d, char *buf, size_t cap)
{
    json_t *attrs = d->attrs ? json_loads(d->attrs, 0, NULL) : NULL;
    const char *name = json_string_value(json_object_get(json_object_get(attrs, "labelbox"), "name"));
    snprintf(buf, cap, "%s", name ? name : d->name);
    json_decref(attrs);
    return buf;
}

json_t *lb_fields_dataset(const dataset_row *d)
{
    char name[256];
    return json_pack("{s:o,s:s,s:s,s:I,s:I,s:s,s:o}", "createdAt", lb_time_json(d->created_at), "description",
                     d->description ? d->description : "", "name", lb_fields_dataset_name(d, name, sizeof name),
                     "rowCount", (json_int_t)d->asset_count, "dataRowCount", (json_int_t)d->asset_count, "id", d->id,
                     "updatedAt", lb_time_json(d->updated_at));
}

json_t *lb_fields_org(const ws_row *w)
{
    char id[LB_ID_LEN];
    lb_ids_derived("organization", w->id, id);
    return json_pack("{s:o,s:s,s:s,s:o}", "createdAt", lb_time_json(w->created_at), "name", w->name, "id", id,
                     "updatedAt", lb_time_json(w->created_at));
}

json_t *lb_fields_user(const ws_row *w)
{
    char id[LB_ID_LEN], email[320];
    lb_ids_derived("user", w->id, id);
    snprintf(email, sizeof email, "owner@%s.visionstack.local", w->id);
    return json_pack("{s:o,s:s,s:s,s:b,s:b,s:s,s:s,s:n,s:s,s:o}", "createdAt", lb_time_json(w->created_at), "email",
                     email, "intercomHash", "", "isExternalUser", 0, "isViewer", 0, "nickname", "owner", "name",
                     w->name, "picture", "id", id, "updatedAt", lb_time_json(w->created_at));
}

static json_t *json_text(const char *text)
{
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return v ? v : json_null();
}

json_t *lb_fields_task(const lb_task_row *t)
{
    return json_pack("{s:f,s:o,s:o,s:n,s:s,s:o,s:s,s:s,s:s,s:o}", "completionPercentage", t->progress, "createdAt",
                     lb_time_json(t->created_at), "errors", json_text(t->errors), "metadata", "name", t->name,
                     "result", json_text(t->result), "status", t->status, "type", t->type, "id", t->id, "updatedAt",
                     lb_time_json(t->updated_at));
}

json_t *lb_fields_ontology(const lb_ontology_row *o)
{
    json_t *normalized = json_text(o->normalized);
    return json_pack("{s:i,s:o,s:s,s:s,s:o,s:i,s:s,s:o,s:o}", "classificationSchemaCount", o->classification_count,
                     "createdAt", lb_time_json(o->created_at), "description", o->description ? o->description : "",
                     "name", o->name, "normalized", normalized, "objectSchemaCount", o->tool_count, "id", o->id,
                     "updatedAt", lb_time_json(o->updated_at), "mediaType",
                     o->media_type[0] ? json_string(o->media_type) : json_null());
}

json_t *lb_fields_project(const lb_project_row *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "autoAuditNumberOfLabels",
                        p->has_audit_labels ? json_integer(p->auto_audit_number_of_labels) : json_null());
    json_object_set_new(o, "autoAuditPercentage",
                        p->has_audit_percentage ? json_real(p->auto_audit_percentage) : json_null());
    json_object_set_new(o, "createdAt", lb_time_json(p->created_at));
    json_object_set_new(o, "dataRowCount", json_integer(p->data_row_count));
    json_object_set_new(o, "description", json_string(p->description ? p->description : ""));
    json_object_set_new(o, "editorTaskType", p->editor_task_type[0] ? json_string(p->editor_task_type) : json_null());
    json_object_set_new(o, "isBenchmarkEnabled", json_boolean(p->is_benchmark_enabled));
    json_object_set_new(o, "isConsensusEnabled", json_boolean(p->is_consensus_enabled));
    json_object_set_new(o, "lastActivityTime", lb_time_json(p->last_activity_time));
    json_object_set_new(o, "allowedMediaType", p->media_type[0] ? json_string(p->media_type) : json_null());
    json_object_set_new(o, "mediaType", p->media_type[0] ? json_string(p->media_type) : json_null());
    json_object_set_new(o, "modelSetupComplete", json_null());
    json_object_set_new(o, "name", json_string(p->name));
    json_object_set_new(o, "setupComplete", lb_time_json(p->setup_complete));
    json_object_set_new(o, "id", json_string(p->id));
    json_object_set_new(o, "updatedAt", lb_time_json(p->updated_at));
    json_object_set_new(o, "uploadType", json_null());
    return o;
}

json_t *lb_fields_frontend(void)
{
    return json_pack("{s:s,s:s,s:s,s:s}", "description", "The Labelbox editor", "iframeUrlPath", "/editor", "name",
                     "Editor", "id", LB_EDITOR_ID);
}

json_t *lb_fields_batch(const lb_batch_row *b)
{
    return json_pack("{s:o,s:o,s:s,s:I,s:s,s:o}", "consensusSettingsJson", json_text(b->consensus_settings),
                     "createdAt", lb_time_json(b->created_at), "name", b->name, "size", (json_int_t)b->size, "id",
                     b->id, "updatedAt", lb_time_json(b->updated_at));
}

void lb_fields_file_url(const char *host, const char *token, const char *role, char *out, size_t cap)
{
    char name[32];
    snprintf(name, sizeof name, "%s.ndjson", role);
    transfer_url(host, "labelbox", token, name, out, cap);
}

static json_t *file_url(const char *host, const char *token, const char *role)
{
    if (!token[0])
        return json_null();
    char url[512];
    lb_fields_file_url(host, token, role, url, sizeof url);
    return json_string(url);
}

json_t *lb_fields_import(const lb_import_row *i, const lb_project_row *project, const char *host)
{
    json_t *input = i->source_url ? json_string(i->source_url) : file_url(host, i->input_token, "input");
    int running = strcmp(i->state, "RUNNING") == 0;
    return json_pack("{s:o,s:o,s:s,s:s,s:s,s:o,s:s,s:o,s:o,s:o}", "errorFileUrl",
                     file_url(host, i->error_token, "errors"), "inputFileUrl", input, "name", i->name, "progress",
                     running ? "0%" : "100%", "state", i->state, "statusFileUrl",
                     file_url(host, i->status_token, "status"), "id", i->id, "project",
                     project ? lb_fields_project(project) : json_null(), "createdAt", lb_time_json(i->created_at),
                     "updatedAt", lb_time_json(i->updated_at));
}
