/* lb_imports.c — MAL prediction imports and ground-truth label imports: create
 * (from an uploaded NDJSON file or a URL) and look up by (project, name).
 *
 * Creating stores the input file, the import row (RUNNING) and a labelbox.import
 * job in one transaction; names are unique per project (RESOURCE_CONFLICT). In
 * the default mode the reply waits for the job and is already FINISHED or FAILED;
 * in realistic mode it is RUNNING and the client polls. HTTP pool threads. */
#include "db.h"
#include "lb_fields.h"
#include "lb_files.h"
#include "lb_jobs.h"
#include "lb_ops.h"
#include "store_lb_imports.h"
#include "store_lb_projects.h"
#include "worker.h"

#include <stdio.h>
#include <string.h>

#define LB_URL_MAX 4096

typedef struct {
    const char *workspace_id;
    const char *id;
} import_ref;

static int import_done(void *arg)
{
    import_ref *ref = arg;
    lb_import_row i;
    if (store_lb_imports_find(ref->workspace_id, NULL, NULL, NULL, ref->id, &i) != ST_OK)
        return 1;
    int done = strcmp(i.state, "RUNNING") != 0;
    lb_import_row_free(&i);
    return done;
}

static int reply_import(lb_call *c, const char *root, lb_import_row *imp, lb_project_row *project)
{
    json_t *out = lb_fields_import(imp, project, c->req->host);
    return lb_reply(c, root, out);
}

static int create(lb_call *c, const char *kind, int by_url, const char *root)
{
    const char *project_id = NULL, *name = NULL, *url = NULL;
    if (lb_var_string(c, "projectId", 1, 64, &project_id) < 0 || lb_var_string(c, "name", 1, 255, &name) < 0 ||
        (by_url && lb_var_string(c, "fileUrl", 1, LB_URL_MAX, &url) < 0))
        return -1;
    if (!by_url && !c->file)
        return lb_error(c, LB_MALFORMED, "Variable \"$file\" of type \"Upload!\" was not provided.");
    lb_project_row project;
    st_result r = store_lb_projects_get(c->req->workspace_id, project_id, &project);
    if (r != ST_OK)
        return lb_error_store(c, r, "Project");
    lb_import_row imp;
    memset(&imp, 0, sizeof imp);
    snprintf(imp.workspace_id, sizeof imp.workspace_id, "%s", c->req->workspace_id);
    snprintf(imp.project_id, sizeof imp.project_id, "%s", project_id);
    snprintf(imp.name, sizeof imp.name, "%s", name);
    snprintf(imp.kind, sizeof imp.kind, "%s", kind);
    imp.source_url = (char *)url;
    json_t *payload = NULL;
    if ((r = db_begin()) == ST_OK) {
        if (!by_url)
            r = lb_files_publish(c->req->workspace_id, "labelbox.import.input", c->file->data, c->file->len,
                                 "input.ndjson", "application/x-ndjson", imp.input_token);
        if (r == ST_OK)
            r = store_lb_imports_create(&imp);
        if (r == ST_OK) {
            payload = json_pack("{s:s}", "import", imp.id);
            r = lb_jobs_queue(c->req->workspace_id, LB_JOB_IMPORT, payload);
        }
        if (r == ST_OK)
            r = db_commit();
        else
            db_rollback();
    }
    json_decref(payload);
    if (r != ST_OK) {
        lb_project_row_free(&project);
        if (r == ST_CONFLICT)
            return lb_error(c, LB_CONFLICT, "An import named '%.200s' already exists in project %s", name,
                            project_id);
        return lb_error_store(c, r, "Import");
    }
    if (c->realistic) {
        worker_wake();
        int rc = reply_import(c, root, &imp, &project); /* RUNNING: the client polls */
        lb_project_row_free(&project);
        return rc;
    }
    import_ref ref = {c->req->workspace_id, imp.id};
    lb_jobs_wait(import_done, &ref, LB_JOB_WAIT_MS);
    lb_import_row now;
    r = store_lb_imports_find(c->req->workspace_id, NULL, NULL, NULL, imp.id, &now);
    if (r != ST_OK) {
        lb_project_row_free(&project);
        return lb_error_store(c, r, "Import");
    }
    int rc = reply_import(c, root, &now, &project);
    lb_import_row_free(&now);
    lb_project_row_free(&project);
    return rc;
}

static int get(lb_call *c, const char *kind, const char *root)
{
    const char *project_id = NULL, *name = NULL;
    if (lb_var_string(c, "projectId", 1, 64, &project_id) < 0 || lb_var_string(c, "name", 1, 255, &name) < 0)
        return -1;
    lb_import_row imp;
    st_result r = store_lb_imports_find(c->req->workspace_id, project_id, kind, name, NULL, &imp);
    if (r == ST_NOT_FOUND)
        return lb_reply(c, root, NULL);
    if (r != ST_OK)
        return lb_error_store(c, r, "Import");
    lb_project_row project;
    r = store_lb_projects_get(c->req->workspace_id, project_id, &project);
    if (r != ST_OK) {
        lb_import_row_free(&imp);
        return lb_error_store(c, r, "Project");
    }
    int rc = reply_import(c, root, &imp, &project);
    lb_import_row_free(&imp);
    lb_project_row_free(&project);
    return rc;
}

int lb_imports_create_mal_file(lb_call *c)
{
    return create(c, "mal", 0, "createModelAssistedLabelingPredictionImport");
}

int lb_imports_create_label_file(lb_call *c) { return create(c, "label", 0, "createLabelImport"); }

int lb_imports_create_mal_url(lb_call *c)
{
    return create(c, "mal", 1, "createModelAssistedLabelingPredictionImport");
}

int lb_imports_create_label_url(lb_call *c) { return create(c, "label", 1, "createLabelImport"); }

int lb_imports_get_mal(lb_call *c) { return get(c, "mal", "modelAssistedLabelingPredictionImport"); }

int lb_imports_get_label(lb_call *c) { return get(c, "label", "labelImport"); }
