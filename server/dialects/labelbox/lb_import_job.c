/* lb_import_job.c — the labelbox.import job: validates an NDJSON file against
 * the project and stores what passes.
 *
 * One step does the whole import inside one transaction: the project's rows are
 * preloaded into maps (so 100,000 lines cost no per-line queries), the validator
 * (lb_ndjson.c) judges every line and hands accepted ones back to be written as
 * core annotations (plus their link rows and MAL relationships), and the status
 * and error files are published with the FINISHED state. A crash rolls all of it
 * back and the resumed job starts over: the step is idempotent. Whole-import
 * problems (no ontology, unreadable or non-NDJSON file, a URL that cannot be
 * fetched) end the import FAILED with a one-line error file. Runs on the worker
 * thread. */
#include "core/store_annotations.h"
#include "core/store_assets.h"
#include "core/store_blobs.h"
#include "core/store_remote_files.h"
#include "core/store_transfers.h"
#include "clock.h"
#include "db.h"
#include "log.h"
#include "labelbox.h"
#include "lb_files.h"
#include "lb_ids.h"
#include "lb_ndjson.h"
#include "lb_ontology.h"
#include "lb_rowdata.h"
#include "lb_strmap.h"
#include "store_lb_imports.h"
#include "store_lb_projects.h"
#include "store_lb_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    lb_rowinfo info;
    char *global_key;
    char *row_data;
    int refreshed;
} run_row;

typedef struct {
    lb_import_row imp;
    int mal;
    run_row *rows;
    size_t nrows, cap;
    lb_strmap by_id, by_key, replaced;
    int has_prior;       /* earlier imports left something to replace */
    st_result failure;   /* the first store failure a callback met */
} import_run;

static void collect_row(const lb_datarow *r, void *arg)
{
    import_run *run = arg;
    if (run->failure != ST_OK)
        return;
    if (run->nrows == run->cap) {
        size_t cap = run->cap ? run->cap * 2 : 64;
        run_row *grown = realloc(run->rows, cap * sizeof *grown);
        if (!grown) {
            run->failure = ST_ERROR;
            return;
        }
        run->rows = grown;
        run->cap = cap;
    }
    run_row *x = &run->rows[run->nrows];
    memset(x, 0, sizeof *x);
    snprintf(x->info.asset_id, sizeof x->info.asset_id, "%s", r->asset_id);
    snprintf(x->info.dataset_id, sizeof x->info.dataset_id, "%s", r->dataset_id);
    x->info.width = r->width;
    x->info.height = r->height;
    x->global_key = r->global_key ? strdup(r->global_key) : NULL;
    x->row_data = r->row_data ? strdup(r->row_data) : NULL;
    if (lb_strmap_put(&run->by_id, r->asset_id, run->nrows) < 0 ||
        (r->global_key && lb_strmap_put(&run->by_key, r->global_key, run->nrows) < 0))
        run->failure = ST_ERROR;
    run->nrows++;
}

/* The size of an image that was unknown when its row was created may be known
 * now (a remote file registered since): look once per run. */
static st_result refresh(import_run *run, run_row *x)
{
    x->refreshed = 1;
    if (x->info.width > 0 || !x->row_data)
        return ST_OK;
    lb_content content;
    st_result r = lb_rowdata_resolve(x->row_data, &content);
    if (r != ST_OK || content.width <= 0)
        return r;
    r = store_assets_set_content(run->imp.workspace_id, x->info.asset_id, content.blob_sha256, content.mime,
                                 content.width, content.height, content.size);
    if (r == ST_OK) {
        x->info.width = content.width;
        x->info.height = content.height;
    }
    return r;
}

static int env_row(void *arg, int by_key, const char *value, lb_rowinfo *out)
{
    import_run *run = arg;
    size_t idx;
    if (!lb_strmap_get(by_key ? &run->by_key : &run->by_id, value, &idx))
        return 0;
    run_row *x = &run->rows[idx];
    if (!x->refreshed) {
        st_result r = refresh(run, x);
        if (r != ST_OK) {
            run->failure = r;
            return -1;
        }
    }
    *out = x->info;
    out->global_key = x->global_key;
    return 1;
}

static int env_fetch(void *arg, const char *url, unsigned char **data, size_t *len)
{
    import_run *run = arg;
    st_result r = store_remote_files_fetch(url, data, len, NULL);
    if (r == ST_OK)
        return 0;
    if (r == ST_NOT_FOUND)
        return 1;
    run->failure = r;
    return -1;
}

static int env_accept(void *arg, const lb_accepted *a)
{
    import_run *run = arg;
    const char *kind = run->mal ? "mal" : "label";
    st_result r = ST_OK;
    if (!run->has_prior) {
        /* a first import of its kind in the project replaces nothing */
    } else if (run->mal) {
        r = store_lb_imports_replace(run->imp.project_id, kind, run->imp.id, NULL, a->uuid);
    } else {
        int fresh = lb_strmap_put(&run->replaced, a->row->asset_id, 0);
        if (fresh < 0)
            r = ST_ERROR;
        else if (fresh > 0)
            r = store_lb_imports_replace(run->imp.project_id, kind, run->imp.id, a->row->asset_id, NULL);
    }
    char first[37] = "", last[37] = "";
    size_t i;
    json_t *spec;
    json_array_foreach(a->annotations, i, spec) {
        if (r != ST_OK)
            break;
        annotation_row ann;
        memset(&ann, 0, sizeof ann);
        lb_ids_sequential_uuid(ann.id);
        snprintf(ann.workspace_id, sizeof ann.workspace_id, "%s", run->imp.workspace_id);
        snprintf(ann.dataset_id, sizeof ann.dataset_id, "%s", a->row->dataset_id);
        snprintf(ann.asset_id, sizeof ann.asset_id, "%s", a->row->asset_id);
        snprintf(ann.kind, sizeof ann.kind, "%s", json_string_value(json_object_get(spec, "kind")));
        snprintf(ann.label, sizeof ann.label, "%s", json_string_value(json_object_get(spec, "label")));
        char *geometry = json_dumps(json_object_get(spec, "geometry"), JSON_COMPACT);
        ann.geometry = geometry;
        ann.text = json_string_value(json_object_get(spec, "text"));
        json_t *conf = json_object_get(spec, "confidence");
        ann.has_confidence = run->mal && json_is_number(conf);
        ann.confidence = json_number_value(conf);
        snprintf(ann.source, sizeof ann.source, "%s", run->mal ? "model" : "human");
        r = geometry ? store_annotations_create(&ann) : ST_ERROR;
        free(geometry);
        if (i == 0)
            memcpy(first, ann.id, sizeof first);
        memcpy(last, ann.id, sizeof last);
    }
    if (r == ST_OK && first[0])
        r = store_lb_imports_link(run->imp.workspace_id, run->imp.project_id, run->imp.id, a->row->asset_id, kind,
                                  a->uuid, json_string_value(json_object_get(json_array_get(a->annotations, 0),
                                                                             "schemaId")),
                                  a->benchmark && !run->mal, first, last);
    if (r == ST_OK && a->relationship) {
        json_t *rel = a->relationship;
        r = store_lb_imports_relationship(
            run->imp.workspace_id, run->imp.project_id, run->imp.id, a->row->asset_id, a->uuid,
            json_string_value(json_object_get(rel, "name")), json_string_value(json_object_get(rel, "schemaId")),
            json_string_value(json_object_get(rel, "source")), json_string_value(json_object_get(rel, "target")),
            json_string_value(json_object_get(rel, "type")));
    }
    if (r != ST_OK) {
        run->failure = r;
        return -1;
    }
    return 0;
}

/* Ends the import FAILED with a one-line error file saying why. */
static st_result fail_import(const lb_import_row *imp, const char *message)
{
    json_t *line = json_pack("{s:n,s:{},s:s,s:[{s:s,s:s,s:n}]}", "uuid", "dataRow", "status", "FAILURE", "errors",
                             "name", "ImportFailed", "message", message, "additionalInfo");
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (!text)
        return ST_ERROR;
    char token[49];
    st_result r = db_begin();
    if (r == ST_OK) {
        r = lb_files_publish(imp->workspace_id, "labelbox.import.errors", text, strlen(text), "errors.ndjson",
                             "application/x-ndjson", token);
        if (r == ST_OK)
            r = store_lb_imports_finish(imp->id, "FAILED", NULL, token, 0, 0);
        if (r == ST_OK)
            r = db_commit();
        else
            db_rollback();
    }
    free(text);
    return r;
}

/* The NDJSON bytes: the uploaded file, or the URL's bytes. */
static st_result input_bytes(const lb_import_row *imp, unsigned char **data, size_t *len)
{
    if (imp->source_url)
        return store_remote_files_fetch(imp->source_url, data, len, NULL);
    transfer_row t;
    st_result r = store_transfers_get("labelbox", imp->input_token, &t);
    if (r != ST_OK)
        return r;
    return store_blobs_load(t.blob_sha256, data, len);
}

static step_outcome finish_outcome(job_ctx *ctx, st_result r)
{
    if (r == ST_OK)
        return STEP_DONE;
    if (r == ST_BUSY) {
        ctx->delay_ms = 50;
        return STEP_WAIT;
    }
    snprintf(ctx->error, sizeof ctx->error, "import failed: %s", store_result_name(r));
    return STEP_FAILED;
}

/* Validates and writes inside one transaction; returns the store outcome. */
static st_result run_import(import_run *run, const lb_ontology *ontology, const unsigned char *data, size_t len,
                            char *why, size_t whylen, int *not_ndjson)
{
    lb_ndjson_env env = {ontology, run->imp.project_id, run->mal, env_row, env_fetch, env_accept, run};
    lb_ndjson_report rep;
    char status_token[49], error_token[49];
    *not_ndjson = 0;
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    r = store_lb_rows_of_project(run->imp.workspace_id, run->imp.project_id, collect_row, run);
    if (r == ST_OK)
        r = run->failure;
    if (r == ST_OK)
        r = store_lb_imports_has_prior(run->imp.project_id, run->mal ? "mal" : "label", &run->has_prior);
    if (r != ST_OK)
        goto fail;
    int64_t started = clock_real_ms();
    int rc = lb_ndjson_run((const char *)data, len, &env, &rep, why, whylen);
    int64_t judged = clock_real_ms();
    if (rc == 1) {
        *not_ndjson = 1;
        r = ST_OK;
        goto fail;
    }
    if (rc != 0) {
        r = run->failure != ST_OK ? run->failure : ST_ERROR;
        goto fail;
    }
    r = lb_files_publish(run->imp.workspace_id, "labelbox.import.status", rep.status ? rep.status : "",
                         rep.status_len, "status.ndjson", "application/x-ndjson", status_token);
    if (r == ST_OK)
        r = lb_files_publish(run->imp.workspace_id, "labelbox.import.errors", rep.errors ? rep.errors : "",
                             rep.errors_len, "errors.ndjson", "application/x-ndjson", error_token);
    if (r == ST_OK)
        r = store_lb_imports_finish(run->imp.id, "FINISHED", status_token, error_token, rep.lines, rep.failures);
    int64_t lines = rep.lines, failures = rep.failures;
    lb_ndjson_report_free(&rep);
    if (r != ST_OK)
        goto fail;
    r = db_commit();
    log_info("labelbox", "import %s: %lld lines, %lld failed; judged and written in %lld ms, committed in %lld ms",
             run->imp.id, (long long)lines, (long long)failures, (long long)(judged - started),
             (long long)(clock_real_ms() - judged));
    return r;
fail:
    db_rollback();
    return r;
}

step_outcome lb_import_step(job_ctx *ctx)
{
    const char *id = json_string_value(json_object_get(ctx->payload, "import"));
    import_run run;
    lb_project_row project;
    lb_ontology ontology;
    unsigned char *data = NULL;
    size_t len = 0;
    int have_project = 0, have_ontology = 0;
    step_outcome out = STEP_DONE;
    char why[300] = "";
    memset(&run, 0, sizeof run);
    memset(&ontology, 0, sizeof ontology);
    lb_strmap_init(&run.by_id);
    lb_strmap_init(&run.by_key);
    lb_strmap_init(&run.replaced);
    if (!id) {
        snprintf(ctx->error, sizeof ctx->error, "payload has no import");
        out = STEP_FAILED;
        goto out;
    }
    st_result r = store_lb_imports_find(NULL, NULL, NULL, NULL, id, &run.imp);
    if (r == ST_NOT_FOUND)
        goto out; /* the workspace went away */
    if (r != ST_OK) {
        out = finish_outcome(ctx, r);
        goto out;
    }
    if (strcmp(run.imp.state, "RUNNING") != 0)
        goto out;
    run.mal = strcmp(run.imp.kind, "mal") == 0;
    if ((r = store_lb_projects_get(run.imp.workspace_id, run.imp.project_id, &project)) != ST_OK) {
        out = finish_outcome(ctx, r == ST_NOT_FOUND ? fail_import(&run.imp, "The project no longer exists") : r);
        goto out;
    }
    have_project = 1;
    lb_ontology_row orow;
    r = project.ontology_id[0] ? store_lb_ontologies_get(run.imp.workspace_id, project.ontology_id, &orow)
                               : ST_NOT_FOUND;
    if (r == ST_NOT_FOUND) {
        snprintf(why, sizeof why, "Project %s has no ontology connected", project.id);
        out = finish_outcome(ctx, fail_import(&run.imp, why));
        goto out;
    }
    if (r != ST_OK) {
        out = finish_outcome(ctx, r);
        goto out;
    }
    int loaded = lb_ontology_load(orow.normalized, &ontology);
    lb_ontology_row_free(&orow);
    if (loaded != 0) {
        out = finish_outcome(ctx, fail_import(&run.imp, "The project's ontology cannot be read"));
        goto out;
    }
    have_ontology = 1;
    r = input_bytes(&run.imp, &data, &len);
    if (r == ST_NOT_FOUND) {
        if (run.imp.source_url)
            snprintf(why, sizeof why, "Error while downloading the import file from url: %.200s", run.imp.source_url);
        else
            snprintf(why, sizeof why, "The import file is unreadable");
        out = finish_outcome(ctx, fail_import(&run.imp, why));
        goto out;
    }
    if (r != ST_OK) {
        out = finish_outcome(ctx, r);
        goto out;
    }
    int not_ndjson = 0;
    r = run_import(&run, &ontology, data, len, why, sizeof why, &not_ndjson);
    if (r == ST_OK && not_ndjson)
        r = fail_import(&run.imp, why);
    else if (r != ST_OK && r != ST_BUSY)
        fail_import(&run.imp, "Internal error while importing annotations");
    out = finish_outcome(ctx, r);
    if (out == STEP_DONE)
        ctx->result = json_pack("{s:s}", "import", run.imp.id);
out:
    free(data);
    if (have_ontology)
        lb_ontology_free(&ontology);
    if (have_project)
        lb_project_row_free(&project);
    for (size_t i = 0; i < run.nrows; i++) {
        free(run.rows[i].global_key);
        free(run.rows[i].row_data);
    }
    free(run.rows);
    lb_strmap_free(&run.by_id);
    lb_strmap_free(&run.by_key);
    lb_strmap_free(&run.replaced);
    lb_import_row_free(&run.imp);
    return out;
}
