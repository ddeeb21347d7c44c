/* vi_imports.c — annotation import sessions (spec §7.9, §8, §9): create,
 * register files (one signed PUT URL per file, answered with exactly the keys
 * sent, in request order), PATCH of the FilesInserted condition, and the poll.
 *
 * State lives in vi_import_sessions; files are core transfers (purpose
 * "vi.import", owner = session). FilesInserted: Reached appends `Complete:
 * Waiting` and queues the durable "vi.annotation_import" job (vi_import_job.c),
 * which ends in `Complete: Reached` or `FailedReach`. A missed uploadBefore
 * deadline reads as `FilesInserted: FailedReach` (reason null, message "upload
 * deadline passed"); a PATCH on a session past Waiting answers 409. Condition
 * reasons are only CancelledByUser / UserUploadErrored; details go to the
 * top-level status.reason. Request threads.
 */
#include "clock.h"
#include "core/hash.h"
#include "core/ids.h"
#include "core/store_jobs.h"
#include "core/transfer.h"
#include "db.h"
#include "store_vi_sessions.h"
#include "vi.h"
#include "vi_routes.h"
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VI_IMPORT_MAX_FILE (512LL * 1024 * 1024)
#define VI_IMPORT_MAX_FILES 1000
#define VI_UPLOAD_WINDOW_MS 3300000LL

/* ---- rendering ---------------------------------------------------------------- */

typedef struct {
    json_t *seen;           /* filename -> latest transfer's size/uploaded */
    int64_t uploaded, bytes;
} files_acc;

static void count_transfer(const transfer_row *t, void *arg)
{
    files_acc *acc = arg;
    /* A re-registered file name replaces the earlier URL: count the latest. */
    json_object_set_new(acc->seen, t->filename,
                        json_pack("{s:b,s:I}", "up", t->blob_sha256[0] != 0, "size",
                                  (json_int_t)(t->blob_sha256[0] ? t->expected_size : 0)));
}

static int render(vs_request *req, vs_response *res, const vi_dataset_ref *d, const vi_import_row *s)
{
    files_acc acc = {json_object(), 0, 0};
    st_result r = store_transfers_by_owner("vi.import", s->id, count_transfer, &acc);
    if (r != ST_OK) {
        json_decref(acc.seen);
        return vs_fail_store(res, r, "Annotation import session");
    }
    const char *name;
    json_t *v;
    json_object_foreach(acc.seen, name, v) {
        if (json_is_true(json_object_get(v, "up"))) {
            acc.uploaded++;
            acc.bytes += json_integer_value(json_object_get(v, "size"));
        }
    }
    int64_t page_count = (int64_t)json_object_size(acc.seen);
    json_decref(acc.seen);
    int64_t now = clock_now_ms();
    json_t *conditions = json_array();
    if (strcmp(s->inserted, "Waiting") == 0 && now > s->upload_before)
        json_array_append_new(conditions, vi_condition("FilesInserted", "FailedReach", s->upload_before, NULL,
                                                       "upload deadline passed"));
    else
        json_array_append_new(conditions,
                              vi_condition("FilesInserted", s->inserted, s->inserted_at,
                                           s->inserted_reason[0] ? s->inserted_reason : NULL, NULL));
    if (s->complete[0])
        json_array_append_new(conditions, vi_condition("Complete", s->complete, s->complete_at, NULL, NULL));
    json_t *file_counts = json_pack("{s:I}", "Uploaded", (json_int_t)(s->complete[0] && strcmp(s->complete, "Waiting")
                                                                          ? s->files_uploaded
                                                                          : acc.uploaded));
    json_t *line_counts = json_object();
    if (s->complete[0] && strcmp(s->complete, "Waiting") != 0) {
        json_object_set_new(file_counts, "Imported", json_integer(s->files_imported));
        json_object_set_new(file_counts, "Rejected", json_integer(s->files_rejected));
        if (s->lines_rejected)
            json_object_set_new(file_counts, "RejectedAnnotations", json_integer(s->lines_rejected));
        json_object_set_new(line_counts, "Imported", json_integer(s->lines_imported));
        page_count = s->page_count;
        acc.bytes = s->total_bytes;
    }
    json_t *status = json_pack("{s:o,s:{s:I,s:I,s:o},s:{s:o}}", "conditions", conditions, "files", "pageCount",
                               (json_int_t)page_count, "totalSizeBytes", (json_int_t)acc.bytes, "statusCount",
                               file_counts, "annotations", "statusCount", line_counts);
    if (s->reason)
        json_object_set_new(status, "reason", json_string(s->reason));
    json_t *attrs = s->attributes ? json_loads(s->attributes, 0, NULL) : NULL;
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "kind", "AnnotationImportSession", "user", d->org, "workspaceId",
                          d->org, "datasetId", d->segment, "annotationImportSessionId", s->id);
    json_object_set_new(o, "selfLink", vi_link(d, "/annotationImportSessions/%s", s->id));
    json_object_set_new(o, "etag", vi_etag(s->generation));
    json_object_set_new(o, "metadata", vi_metadata(s->created_at, s->updated_at, s->generation,
                                                   json_is_object(attrs) ? attrs : NULL));
    if (attrs && !json_is_object(attrs))
        json_decref(attrs);
    json_object_set_new(o, "spec", json_pack("{s:I,s:{s:s,s:s,s:s},s:s}", "uploadBefore",
                                             (json_int_t)s->upload_before, "failurePolicies", "onBadAnnotation",
                                             s->on_bad_annotation, "onBadFile", s->on_bad_file, "onOverwritten",
                                             s->on_overwritten, "source", "UploadedIndividualFiles"));
    json_object_set_new(o, "status", status);
    return vs_reply_json(res, 200, o);
}

/* Resolves the dataset and the session of the path (404 for another dataset's). */
static int load(vs_request *req, vs_response *res, vi_dataset_ref *d, vi_import_row *s)
{
    if (vi_dataset_resolve(req, res, d) != 0)
        return -1;
    st_result r = store_vi_imports_get(req->workspace_id, vs_param(req, "session"), s);
    if (r == ST_OK && strcmp(s->dataset_id, d->ds.id) != 0) {
        vi_import_row_free(s);
        r = ST_NOT_FOUND;
    }
    if (r != ST_OK) {
        vi_dataset_ref_free(d);
        return vs_fail_store(res, r, "Annotation import session");
    }
    return 0;
}

/* ---- create ----------------------------------------------------------------------- */

static int policy(vs_response *res, const json_t *policies, const char *key, char *out, size_t cap)
{
    const json_t *v = json_object_get(policies, key);
    const char *canon = v && !json_is_null(v) ? vi_policy_canonical(json_string_value(v)) : "RejectSession";
    if (!canon)
        return vs_fail(res, 400, "validation_error",
                       "spec.failurePolicies.%s must be Warn, RejectFile or RejectSession", key);
    snprintf(out, cap, "%s", canon);
    return 0;
}

int vi_imports_create(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"spec", "metadata", "kind", NULL};
    if (vs_body_allow(req, res, allowed) != 0)
        return -1;
    json_t *spec = json_object_get(req->json, "spec");
    if (spec && !json_is_null(spec) && !json_is_object(spec))
        return vs_fail(res, 400, "validation_error", "Field 'spec' must be an object");
    vi_import_row s;
    memset(&s, 0, sizeof s);
    int64_t now = clock_now_ms();
    json_t *before = json_object_get(spec, "uploadBefore");
    if (before && !json_is_null(before) && (!json_is_integer(before) || json_integer_value(before) < 0))
        return vs_fail(res, 400, "validation_error", "spec.uploadBefore must be an integer (epoch milliseconds)");
    s.upload_before = json_is_integer(before) ? json_integer_value(before) : now + VI_UPLOAD_WINDOW_MS;
    json_t *policies = json_object_get(spec, "failurePolicies");
    if (policies && !json_is_null(policies) && !json_is_object(policies))
        return vs_fail(res, 400, "validation_error", "spec.failurePolicies must be an object");
    if (policy(res, policies, "onBadAnnotation", s.on_bad_annotation, sizeof s.on_bad_annotation) ||
        policy(res, policies, "onBadFile", s.on_bad_file, sizeof s.on_bad_file) ||
        policy(res, policies, "onOverwritten", s.on_overwritten, sizeof s.on_overwritten))
        return -1;
    json_t *source = json_object_get(spec, "source");
    if (source && !json_is_null(source) &&
        (!json_is_string(source) || strcmp(json_string_value(source), "UploadedIndividualFiles") != 0))
        return vs_fail(res, 400, "validation_error", "spec.source must be \"UploadedIndividualFiles\"");
    json_t *meta = json_object_get(req->json, "metadata");
    json_t *attributes = json_object_get(meta, "attributes");
    if ((meta && !json_is_null(meta) && !json_is_object(meta)) ||
        (attributes && !json_is_null(attributes) && !json_is_object(attributes)))
        return vs_fail(res, 400, "validation_error", "metadata.attributes must be an object of strings");
    const char *key;
    json_t *v;
    json_object_foreach(attributes, key, v) {
        if (!json_is_string(v))
            return vs_fail(res, 400, "validation_error", "metadata.attributes.%.60s must be a string", key);
    }
    vi_dataset_ref d;
    if (vi_dataset_resolve(req, res, &d) != 0)
        return -1;
    ids_uuid(s.id);
    snprintf(s.workspace_id, sizeof s.workspace_id, "%s", req->workspace_id);
    snprintf(s.dataset_id, sizeof s.dataset_id, "%s", d.ds.id);
    snprintf(s.inserted, sizeof s.inserted, "Waiting");
    s.attributes = json_is_object(attributes) ? json_dumps(attributes, JSON_COMPACT) : strdup("{}");
    s.inserted_at = s.created_at = s.updated_at = now;
    s.generation = 1;
    st_result r = s.attributes ? store_vi_imports_create(&s) : ST_ERROR;
    int rc = r == ST_OK ? render(req, res, &d, &s) : vs_fail_store(res, r, "Annotation import session");
    vi_import_row_free(&s);
    vi_dataset_ref_free(&d);
    return rc;
}

int vi_imports_get(vs_request *req, vs_response *res)
{
    vi_dataset_ref d;
    vi_import_row s;
    if (load(req, res, &d, &s) != 0)
        return -1;
    int rc = render(req, res, &d, &s);
    vi_import_row_free(&s);
    vi_dataset_ref_free(&d);
    return rc;
}

/* ---- files -------------------------------------------------------------------------- */

/* Checks one entry of the files map; fills size and CRC32C. */
static int parse_file(vs_response *res, const char *name, const json_t *f, int64_t *size, uint32_t *crc)
{
    size_t n = strlen(name);
    if (n == 0 || n > 255 || strchr(name, '/') || strchr(name, '\\') || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0)
        return vs_fail(res, 400, "validation_error", "files: '%.60s' is not a file name", name);
    if (!json_is_object(f))
        return vs_fail(res, 400, "validation_error", "files.%.60s must be an object", name);
    const json_t *sz = json_object_get(f, "sizeBytes");
    if (!json_is_integer(sz) || json_integer_value(sz) < 0 || json_integer_value(sz) > VI_IMPORT_MAX_FILE)
        return vs_fail(res, 400, "validation_error", "files.%.60s.sizeBytes must be an integer from 0 to %lld", name,
                       VI_IMPORT_MAX_FILE);
    const char *b64 = json_string_value(json_object_get(f, "crc32c"));
    uint8_t raw[8];
    if (!b64 || hash_base64_decode(b64, strlen(b64), raw, sizeof raw) != 4)
        return vs_fail(res, 400, "validation_error",
                       "files.%.60s.crc32c must be the base64 of a 4-byte big-endian CRC32C", name);
    const json_t *kind = json_object_get(f, "kind");
    if (kind && !json_is_null(kind) && !json_is_string(kind))
        return vs_fail(res, 400, "validation_error", "files.%.60s.kind must be a string", name);
    *size = json_integer_value(sz);
    *crc = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 | (uint32_t)raw[2] << 8 | raw[3];
    return 0;
}

int vi_imports_files(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"files", NULL};
    if (vs_body_allow(req, res, allowed) != 0)
        return -1;
    json_t *files = json_object_get(req->json, "files");
    if (!json_is_object(files) || json_object_size(files) == 0 || json_object_size(files) > VI_IMPORT_MAX_FILES)
        return vs_fail(res, 400, "validation_error", "Field 'files' must map 1 to %d file names to their size and CRC32C",
                       VI_IMPORT_MAX_FILES);
    const char *name;
    json_t *f;
    json_object_foreach(files, name, f) {
        int64_t size;
        uint32_t crc;
        if (parse_file(res, name, f, &size, &crc) != 0)
            return -1;
    }
    vi_dataset_ref d;
    vi_import_row s;
    if (load(req, res, &d, &s) != 0)
        return -1;
    int64_t now = clock_now_ms();
    json_t *out = json_object();
    st_result r = ST_OK;
    int rc = 0;
    if (strcmp(s.inserted, "Waiting") != 0 || now > s.upload_before) {
        rc = vs_fail(res, 409, "conflict", "Files can no longer be added to this session (%s)",
                     strcmp(s.inserted, "Waiting") != 0 ? "files already inserted or session ended"
                                                         : "upload deadline passed");
        goto out;
    }
    if ((r = db_begin()) != ST_OK)
        goto out;
    json_object_foreach(files, name, f) {
        transfer_row t;
        memset(&t, 0, sizeof t);
        uint32_t crc = 0;
        parse_file(res, name, f, &t.expected_size, &crc);
        snprintf(t.workspace_id, sizeof t.workspace_id, "%s", req->workspace_id);
        snprintf(t.dialect, sizeof t.dialect, "vi");
        snprintf(t.direction, sizeof t.direction, "put");
        snprintf(t.filename, sizeof t.filename, "%s", name);
        snprintf(t.content_type, sizeof t.content_type, "application/x-ndjson");
        snprintf(t.purpose, sizeof t.purpose, "vi.import");
        snprintf(t.owner_ref, sizeof t.owner_ref, "%s", s.id);
        t.max_bytes = VI_IMPORT_MAX_FILE;
        t.has_crc32c = 1;
        t.expected_crc32c = crc;
        t.expires_at = s.upload_before;
        if ((r = store_transfers_create(&t)) != ST_OK)
            break;
        char url[512];
        transfer_url(req->host, "vi", t.token, NULL, url, sizeof url);
        json_object_set_new(out, name, json_pack("{s:s,s:s,s:{}}", "method", "PUT", "url", url, "headers"));
    }
    if (r == ST_OK)
        r = db_commit();
    else
        db_rollback();
out:
    vi_import_row_free(&s);
    vi_dataset_ref_free(&d);
    if (rc != 0 || r != ST_OK) {
        json_decref(out);
        return rc != 0 ? rc : vs_fail_store(res, r, "Annotation files");
    }
    return vs_reply_json(res, 200, json_pack("{s:o}", "files", out));
}

/* ---- status PATCH -------------------------------------------------------------------- */

int vi_imports_status(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"status", NULL};
    if (vs_body_allow(req, res, allowed) != 0)
        return -1;
    json_t *conds = json_object_get(json_object_get(req->json, "status"), "conditions");
    if (!json_is_array(conds) || json_array_size(conds) == 0)
        return vs_fail(res, 400, "validation_error", "status.conditions must be a non-empty list");
    const char *status = NULL, *reason = NULL;
    size_t i;
    json_t *c;
    json_array_foreach(conds, i, c) {
        const char *name = json_string_value(json_object_get(c, "condition"));
        const char *st = json_string_value(json_object_get(c, "status"));
        json_t *why = json_object_get(c, "reason");
        json_t *at = json_object_get(c, "lastTransitionTime");
        if (!name || !st)
            return vs_fail(res, 400, "validation_error", "status.conditions[%zu] needs 'condition' and 'status'", i);
        if (strcmp(name, "FilesInserted") != 0)
            return vs_fail(res, 400, "validation_error",
                           "status.conditions[%zu].condition: only FilesInserted can be set by the client", i);
        if (strcmp(st, "Reached") != 0 && strcmp(st, "FailedReach") != 0)
            return vs_fail(res, 400, "validation_error", "status.conditions[%zu].status must be Reached or FailedReach",
                           i);
        if (at && !json_is_null(at) && !json_is_integer(at))
            return vs_fail(res, 400, "validation_error", "status.conditions[%zu].lastTransitionTime must be an integer",
                           i);
        if (why && !json_is_null(why)) {
            const char *w = json_string_value(why);
            if (!w || (strcmp(w, "CancelledByUser") != 0 && strcmp(w, "UserUploadErrored") != 0))
                return vs_fail(res, 400, "validation_error",
                               "status.conditions[%zu].reason must be CancelledByUser or UserUploadErrored", i);
            reason = w;
        }
        status = st;
    }
    vi_dataset_ref d;
    vi_import_row s;
    if (load(req, res, &d, &s) != 0)
        return -1;
    int64_t now = clock_now_ms();
    int rc = 0;
    st_result r = ST_OK;
    if (strcmp(s.inserted, "Waiting") != 0 || now > s.upload_before) {
        rc = vs_fail(res, 409, "conflict", "This import session is no longer waiting for files (%s)",
                     strcmp(s.inserted, "Waiting") != 0 ? "already updated" : "upload deadline passed");
        goto out;
    }
    int reached = strcmp(status, "Reached") == 0;
    if ((r = db_begin()) != ST_OK)
        goto out;
    r = store_vi_imports_set_inserted(s.id, status, reached ? NULL : reason, now, reached ? "Waiting" : NULL);
    if (r == ST_OK && reached) {
        char payload[96], job[37];
        snprintf(payload, sizeof payload, "{\"session\":\"%s\"}", s.id);
        r = store_jobs_insert(req->workspace_id, "vi.annotation_import", payload, now, job);
    }
    if (r == ST_OK)
        r = db_commit();
    else
        db_rollback();
    if (r == ST_CONFLICT) {
        rc = vs_fail(res, 409, "conflict", "This import session is no longer waiting for files");
        goto out;
    }
    if (r != ST_OK)
        goto out;
    if (reached)
        worker_wake();
    vi_import_row_free(&s);
    r = store_vi_imports_get(req->workspace_id, vs_param(req, "session"), &s);
    if (r == ST_OK)
        rc = render(req, res, &d, &s);
out:
    vi_import_row_free(&s);
    vi_dataset_ref_free(&d);
    if (rc == 0 && r != ST_OK)
        return vs_fail_store(res, r, "Annotation import session");
    return rc;
}
