/* vi_asset_sessions.c — asset ingestion (spec §7.7, §10): the session create
 * call that announces files and hands out one signed PUT URL each, the session
 * poll, and the durable "vi.asset_ingest" job.
 *
 * PUTs land in core transfers (size and CRC32C checked by the transfer
 * handler, check_result recorded). Turning arrived bytes into assets is one
 * idempotent function, advance(): it is run by the job and by every poll, so the
 * first poll after the last PUT already sees `Finished: Reached` even with the
 * clock frozen. Per file: EBADSIZE / ECORRUPT from the transfer check, EBADMIME
 * when the bytes are not the announced PNG/JPEG, ECORRUPT when the image header
 * is broken, ETIMEOUT when nothing arrived within the idle timeout (environment
 * VISIONSTACK_VI_INGEST_IDLE_MS, default 30000 ms of virtual time). Per-file
 * errors never fail the session; a deleted dataset does (`Finished:
 * FailedReach`). Each advance runs in one transaction. Request threads and the
 * worker.
 */
#include "clock.h"
#include "core/hash.h"
#include "core/ids.h"
#include "core/image.h"
#include "core/store_blobs.h"
#include "core/store_jobs.h"
#include "core/transfer.h"
#include "db.h"
#include "store_vi_core.h"
#include "store_vi_sessions.h"
#include "vi.h"
#include "vi_routes.h"
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VI_MAX_ASSETS 5000
#define VI_MAX_UPLOAD (512LL * 1024 * 1024)
#define VI_UPLOAD_TTL_MS (60LL * 60 * 1000)

static int64_t idle_ms(void)
{
    const char *v = getenv("VISIONSTACK_VI_INGEST_IDLE_MS");
    long long n = v ? strtoll(v, NULL, 10) : 0;
    return n > 0 ? n : 30000;
}

/* ---- rendering ------------------------------------------------------------------ */

typedef struct {
    const vs_request *req;
    json_t *specs, *assets;
    int64_t total, succeeded, errored, expiry;
} render_acc;

static void render_file(const vi_asset_file_row *f, void *arg)
{
    render_acc *acc = arg;
    json_t *meta = json_pack("{s:s,s:s,s:s,s:I}", "kind", f->kind, "filename", f->filename, "mime", f->mime, "size",
                             (json_int_t)f->size);
    if (f->has_crc32c)
        json_object_set_new(meta, "crc32c", json_integer(f->crc32c));
    json_t *custom = f->custom_metadata ? json_loads(f->custom_metadata, 0, NULL) : NULL;
    json_object_set_new(meta, "customMetadata", custom ? custom : json_null());
    char url[512];
    transfer_url(acc->req->host, "vi", f->token, NULL, url, sizeof url);
    json_array_append(acc->specs, meta);
    json_array_append_new(acc->assets, json_pack("{s:o,s:{s:s,s:I,s:{},s:s}}", "metadata", meta, "upload", "url", url,
                                                 "expiry", (json_int_t)acc->expiry, "headers", "method", "PUT"));
    acc->total++;
    if (strcmp(f->state, "done") == 0)
        acc->succeeded++;
    else if (strcmp(f->state, "error") == 0)
        acc->errored++;
}

static int render(const vs_request *req, vs_response *res, const vi_dataset_ref *d, const vi_asset_session_row *s,
                  int status)
{
    render_acc acc = {req, json_array(), json_array(), 0, 0, 0, s->created_at + VI_UPLOAD_TTL_MS};
    st_result r = store_vi_asset_files_list(s->id, render_file, &acc);
    if (r != ST_OK) {
        json_decref(acc.specs);
        json_decref(acc.assets);
        return vs_fail_store(res, r, "Asset ingestion session");
    }
    json_t *events = s->events ? json_loads(s->events, 0, NULL) : NULL;
    json_t *conditions =
        json_pack("[o,o]", vi_condition("Started", "Reached", s->created_at, NULL, NULL),
                  vi_condition("Finished", s->finished, s->finished_at ? s->finished_at : s->created_at, NULL,
                               s->message));
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "AssetIngestionSession", "workspaceId", d->org,
                          "datasetId", d->segment, "assetSourceClass", "managed", "assetSourceProvider", "datature",
                          "assetSourceId", "transient", "assetIngestionSessionId", s->id);
    json_object_set_new(o, "selfLink",
                        vi_link(d, "/assetSources/managed/datature/transient/assetIngestionSessions/%s", s->id));
    json_object_set_new(o, "etag", vi_etag(s->generation));
    json_object_set_new(o, "metadata", vi_metadata(s->created_at, s->updated_at, s->generation, NULL));
    json_object_set_new(o, "spec", json_pack("{s:s,s:s,s:s,s:o}", "kind", s->spec_kind, "failureMode",
                                             s->failure_mode, "onAssetOverwritten", s->on_overwritten, "assets",
                                             acc.specs));
    json_object_set_new(o, "status",
                        json_pack("{s:o,s:o,s:{s:I,s:I,s:I},s:o}", "conditions", conditions, "events",
                                  json_is_array(events) ? events : json_array(), "progressCount", "total",
                                  (json_int_t)acc.total, "succeeded", (json_int_t)acc.succeeded, "errored",
                                  (json_int_t)acc.errored, "assets", acc.assets));
    if (events && !json_is_array(events))
        json_decref(events);
    return vs_reply_json(res, status, o);
}

/* ---- advancing a session -------------------------------------------------------- */

typedef struct {
    vi_asset_file_row *files;
    size_t n;
    int failed;
} files_acc;

static void collect_file(const vi_asset_file_row *f, void *arg)
{
    files_acc *acc = arg;
    vi_asset_file_row *grown = realloc(acc->files, (acc->n + 1) * sizeof *grown);
    if (!grown) {
        acc->failed = 1;
        return;
    }
    acc->files = grown;
    acc->files[acc->n] = *f;
    acc->files[acc->n].custom_metadata = f->custom_metadata ? strdup(f->custom_metadata) : NULL;
    acc->n++;
}

static void files_free(files_acc *acc)
{
    for (size_t i = 0; i < acc->n; i++)
        free((char *)acc->files[i].custom_metadata);
    free(acc->files);
}

static const char *canonical_mime(const char *m)
{
    if (strcasecmp(m, "image/jpg") == 0 || strcasecmp(m, "image/pjpeg") == 0)
        return "image/jpeg";
    return m;
}

/* Turns one arrived upload into an asset; returns an error code or NULL. */
static const char *ingest_file(const vi_asset_session_row *s, const vi_asset_file_row *f, const transfer_row *t,
                               char asset_id[37], st_result *r)
{
    *r = ST_OK;
    if (strcmp(t->check_result, "bad_size") == 0)
        return "EBADSIZE";
    if (strcmp(t->check_result, "ok") != 0)
        return "ECORRUPT";
    unsigned char *bytes = NULL;
    size_t len = 0;
    const char *code = NULL;
    if ((*r = store_blobs_load(t->blob_sha256, &bytes, &len)) != ST_OK)
        return NULL;
    image_info info;
    if (image_sniff(bytes, len) == IMAGE_UNKNOWN)
        code = "EBADMIME";
    else if (image_probe(bytes, len, &info) != 0)
        code = "ECORRUPT";
    else if (strcasecmp(canonical_mime(f->mime), info.mime) != 0)
        code = "EBADMIME";
    free(bytes);
    if (code)
        return code;
    asset_row a;
    int64_t now = clock_now_ms();
    *r = store_vi_assets_find(s->workspace_id, s->dataset_id, f->filename, &a);
    if (*r == ST_OK) {
        /* Same file name: new bytes; linked annotations go unless asked to keep them. */
        snprintf(a.blob_sha256, sizeof a.blob_sha256, "%s", t->blob_sha256);
        snprintf(a.mime, sizeof a.mime, "%s", info.mime);
        a.width = info.width;
        a.height = info.height;
        a.size = (int64_t)len;
        a.updated_at = now;
        if ((*r = store_vi_assets_replace(&a)) == ST_OK && strcmp(s->on_overwritten, "RemoveLinkedResource") == 0)
            *r = store_vi_annotations_delete_asset(s->workspace_id, a.id);
    } else if (*r == ST_NOT_FOUND) {
        memset(&a, 0, sizeof a);
        snprintf(a.workspace_id, sizeof a.workspace_id, "%s", s->workspace_id);
        snprintf(a.dataset_id, sizeof a.dataset_id, "%s", s->dataset_id);
        snprintf(a.filename, sizeof a.filename, "%s", f->filename);
        snprintf(a.blob_sha256, sizeof a.blob_sha256, "%s", t->blob_sha256);
        snprintf(a.mime, sizeof a.mime, "%s", info.mime);
        a.width = info.width;
        a.height = info.height;
        a.size = (int64_t)len;
        *r = store_assets_create(&a);
    }
    if (*r == ST_OK && f->custom_metadata) {
        char *attrs = NULL;
        json_t *custom = json_loads(f->custom_metadata, 0, NULL);
        json_t *o = json_pack("{s:{s:o}}", "vi", "customMetadata", custom ? custom : json_object());
        attrs = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        *r = attrs ? store_vi_assets_set_attrs(s->workspace_id, a.id, attrs) : ST_ERROR;
        free(attrs);
    }
    if (*r == ST_OK)
        snprintf(asset_id, 37, "%s", a.id);
    return NULL;
}

/* Appends {"kind":"Error","files":{...},"corrections":{},"time":now} to events. */
static char *events_append(const char *events, json_t *files, int64_t now)
{
    json_t *list = events ? json_loads(events, 0, NULL) : NULL;
    if (!json_is_array(list)) {
        json_decref(list);
        list = json_array();
    }
    json_array_append_new(list, json_pack("{s:s,s:O,s:{},s:I}", "kind", "Error", "files", files, "corrections", "time",
                                          (json_int_t)now));
    char *text = json_dumps(list, JSON_COMPACT);
    json_decref(list);
    return text;
}

/* One idempotent pass over a session. *finished = 1 once it is terminal;
 * *next_ms = when the idle timeout falls due. */
static st_result advance(const char *workspace_id, const char *session_id, int *finished, int64_t *next_ms)
{
    vi_asset_session_row s;
    files_acc files = {0};
    json_t *errors = json_object();
    int changed = 0;
    memset(&s, 0, sizeof s);
    *finished = 0;
    *next_ms = 0;
    st_result r = db_begin();
    if (r != ST_OK)
        goto out_nosession;
    int64_t now = clock_now_ms();
    if ((r = store_vi_asset_sessions_get(workspace_id, session_id, &s)) != ST_OK)
        goto out_rollback;
    if (strcmp(s.finished, "Waiting") != 0) {
        *finished = 1;
        goto out_commit;
    }
    dataset_row ds;
    r = store_datasets_get(workspace_id, s.dataset_id, &ds);
    if (r == ST_NOT_FOUND) {
        snprintf(s.finished, sizeof s.finished, "FailedReach");
        free(s.message);
        s.message = strdup("the dataset was deleted");
        s.finished_at = now;
        changed = 1;
        r = ST_OK;
        goto out_update;
    }
    if (r != ST_OK)
        goto out_rollback;
    dataset_row_free(&ds);
    if ((r = store_vi_asset_files_list(s.id, collect_file, &files)) != ST_OK || files.failed) {
        r = r == ST_OK ? ST_ERROR : r;
        goto out_rollback;
    }
    size_t pending = 0;
    for (size_t i = 0; i < files.n; i++) {
        vi_asset_file_row *f = &files.files[i];
        if (strcmp(f->state, "pending") != 0)
            continue;
        transfer_row t;
        if ((r = store_transfers_get("vi", f->token, &t)) != ST_OK)
            goto out_rollback;
        if (!t.blob_sha256[0]) {
            pending++;
            continue;
        }
        char asset_id[37] = "";
        const char *code = ingest_file(&s, f, &t, asset_id, &r);
        if (r != ST_OK)
            goto out_rollback;
        if ((r = store_vi_asset_files_set(s.id, f->position, code ? "error" : "done", code,
                                          code ? NULL : asset_id)) != ST_OK)
            goto out_rollback;
        if (code)
            json_object_set_new(errors, f->filename, json_string(code));
        if (t.completed_at > s.last_activity)
            s.last_activity = t.completed_at;
        snprintf(f->state, sizeof f->state, "%s", code ? "error" : "done");
        changed = 1;
    }
    int64_t deadline = s.last_activity + idle_ms();
    if (pending && now >= deadline) {
        for (size_t i = 0; i < files.n; i++) {
            vi_asset_file_row *f = &files.files[i];
            if (strcmp(f->state, "pending") != 0)
                continue;
            if ((r = store_vi_asset_files_set(s.id, f->position, "error", "ETIMEOUT", NULL)) != ST_OK)
                goto out_rollback;
            json_object_set_new(errors, f->filename, json_string("ETIMEOUT"));
        }
        pending = 0;
        changed = 1;
    }
    if (json_object_size(errors)) {
        char *events = events_append(s.events, errors, now);
        if (!events) {
            r = ST_ERROR;
            goto out_rollback;
        }
        free(s.events);
        s.events = events;
    }
    if (!pending) {
        snprintf(s.finished, sizeof s.finished, "Reached");
        s.finished_at = now;
        changed = 1;
    }
    *next_ms = deadline;
out_update:
    if (changed) {
        s.updated_at = now;
        if ((r = store_vi_asset_sessions_update(&s)) != ST_OK)
            goto out_rollback;
    }
    *finished = strcmp(s.finished, "Waiting") != 0;
out_commit:
    r = db_commit();
    goto out;
out_rollback:
    db_rollback();
out:
out_nosession:
    vi_asset_session_row_free(&s);
    files_free(&files);
    json_decref(errors);
    return r;
}

step_outcome vi_asset_ingest_step(job_ctx *ctx)
{
    const char *sid = json_string_value(json_object_get(ctx->payload, "session"));
    if (!sid) {
        snprintf(ctx->error, sizeof ctx->error, "payload has no session");
        return STEP_FAILED;
    }
    int finished = 0;
    int64_t next = 0;
    st_result r = advance(ctx->workspace_id, sid, &finished, &next);
    if (r == ST_NOT_FOUND) /* the workspace or session is gone: nothing left to do */
        return STEP_DONE;
    if (r != ST_OK) {
        ctx->delay_ms = 200;
        return STEP_WAIT;
    }
    if (finished)
        return STEP_DONE;
    int64_t wait = next - clock_now_ms();
    ctx->delay_ms = wait < 1 ? 1 : wait > 1000 ? 1000 : wait;
    return STEP_WAIT;
}

/* ---- handlers ---------------------------------------------------------------------- */

/* Validates one announced file into f; 0 or a failed res. */
static int parse_asset(vs_response *res, size_t i, json_t *a, vi_asset_file_row *f, char **custom)
{
    *custom = NULL;
    if (!json_is_object(a))
        return vs_fail(res, 400, "validation_error", "spec.assets[%zu] must be an object", i);
    const char *key;
    json_t *v;
    json_object_foreach(a, key, v) {
        if (strcmp(key, "filename") && strcmp(key, "mime") && strcmp(key, "size") && strcmp(key, "crc32c") &&
            strcmp(key, "customMetadata") && strcmp(key, "kind"))
            return vs_fail(res, 400, "validation_error", "Unknown field 'spec.assets[%zu].%.60s'", i, key);
    }
    const char *name = json_string_value(json_object_get(a, "filename"));
    if (!name || !*name || strlen(name) >= sizeof f->filename || strchr(name, '/') || strchr(name, '\\') ||
        strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strlen(name) != json_string_length(json_object_get(a, "filename")))
        return vs_fail(res, 400, "validation_error",
                       "spec.assets[%zu].filename must be a file name (no '/', at most 255 bytes)", i);
    const char *mime = json_string_value(json_object_get(a, "mime"));
    if (!mime || !*mime || strlen(mime) >= sizeof f->mime)
        return vs_fail(res, 400, "validation_error", "spec.assets[%zu].mime must be a media type", i);
    json_t *size = json_object_get(a, "size");
    if (!json_is_integer(size) || json_integer_value(size) < 0 || json_integer_value(size) > VI_MAX_UPLOAD)
        return vs_fail(res, 400, "validation_error", "spec.assets[%zu].size must be an integer from 0 to %lld", i,
                       VI_MAX_UPLOAD);
    json_t *crc = json_object_get(a, "crc32c");
    if (crc && !json_is_null(crc) &&
        (!json_is_integer(crc) || json_integer_value(crc) < -2147483648LL || json_integer_value(crc) > 4294967295LL))
        return vs_fail(res, 400, "validation_error", "spec.assets[%zu].crc32c must be a 32-bit integer", i);
    json_t *cm = json_object_get(a, "customMetadata");
    if (cm && !json_is_null(cm)) {
        if (!json_is_object(cm))
            return vs_fail(res, 400, "validation_error", "spec.assets[%zu].customMetadata must be an object", i);
        json_object_foreach(cm, key, v) {
            if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v))
                return vs_fail(res, 400, "validation_error",
                               "spec.assets[%zu].customMetadata values must be strings, numbers or booleans", i);
        }
        *custom = json_dumps(cm, JSON_COMPACT);
    }
    const char *kind = json_string_value(json_object_get(a, "kind"));
    memset(f, 0, sizeof *f);
    f->position = (int)i;
    snprintf(f->filename, sizeof f->filename, "%s", name);
    snprintf(f->mime, sizeof f->mime, "%s", mime);
    snprintf(f->kind, sizeof f->kind, "%s", kind && *kind ? kind : "Image");
    f->size = json_integer_value(size);
    f->has_crc32c = json_is_integer(crc);
    f->crc32c = f->has_crc32c ? json_integer_value(crc) : 0;
    f->custom_metadata = *custom;
    return 0;
}

static const char *enum_value(json_t *spec, const char *key, const char *const *allowed, const char *fallback)
{
    json_t *v = json_object_get(spec, key);
    if (!v || json_is_null(v))
        return fallback;
    const char *s = json_string_value(v);
    for (size_t i = 0; s && allowed[i]; i++)
        if (strcmp(s, allowed[i]) == 0)
            return strcmp(s, "KeepLinkedResource") == 0 ? "KeepLinkedResources" : s;
    return NULL;
}

/* Inserts the session, its transfers, its files and its job; one transaction. */
static st_result create_session(const vs_request *req, vi_asset_session_row *s, vi_asset_file_row *files, size_t n)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    if ((r = store_vi_asset_sessions_create(s)) != ST_OK)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        vi_asset_file_row f = files[i];
        transfer_row t;
        memset(&t, 0, sizeof t);
        snprintf(t.workspace_id, sizeof t.workspace_id, "%s", req->workspace_id);
        snprintf(t.dialect, sizeof t.dialect, "vi");
        snprintf(t.direction, sizeof t.direction, "put");
        snprintf(t.filename, sizeof t.filename, "%s", f.filename);
        snprintf(t.content_type, sizeof t.content_type, "%s", f.mime);
        snprintf(t.purpose, sizeof t.purpose, "vi.asset_ingest");
        snprintf(t.owner_ref, sizeof t.owner_ref, "%s", s->id);
        t.max_bytes = VI_MAX_UPLOAD;
        t.expected_size = f.size;
        t.has_crc32c = f.has_crc32c;
        t.expected_crc32c = (uint32_t)f.crc32c;
        t.expires_at = s->created_at + VI_UPLOAD_TTL_MS;
        if ((r = store_transfers_create(&t)) == ST_OK) {
            snprintf(f.token, sizeof f.token, "%s", t.token);
            r = store_vi_asset_files_create(s->id, s->workspace_id, &f);
        }
        if (r != ST_OK)
            goto fail;
    }
    char payload[96], job[37];
    snprintf(payload, sizeof payload, "{\"session\":\"%s\"}", s->id);
    if ((r = store_jobs_insert(req->workspace_id, "vi.asset_ingest", payload, s->created_at + 1000, job)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

int vi_asset_sessions_create(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"spec", "metadata", "kind", NULL};
    static const char *const modes[] = {"FailAfterOne", "FailAfterAll", NULL};
    static const char *const overwrite[] = {"RemoveLinkedResource", "KeepLinkedResources", "KeepLinkedResource", NULL};
    if (vs_body_allow(req, res, allowed) != 0)
        return -1;
    json_t *spec = json_object_get(req->json, "spec");
    if (!json_is_object(spec))
        return vs_fail(res, 400, "validation_error", "Field 'spec' is required and must be an object");
    json_t *assets = json_object_get(spec, "assets");
    if (!json_is_array(assets) || json_array_size(assets) == 0 || json_array_size(assets) > VI_MAX_ASSETS)
        return vs_fail(res, 400, "validation_error", "spec.assets must be a list of 1 to %d files", VI_MAX_ASSETS);
    const char *mode = enum_value(spec, "failureMode", modes, "FailAfterOne");
    const char *over = enum_value(spec, "onAssetOverwritten", overwrite, "RemoveLinkedResource");
    if (!mode)
        return vs_fail(res, 400, "validation_error", "spec.failureMode must be FailAfterOne or FailAfterAll");
    if (!over)
        return vs_fail(res, 400, "validation_error",
                       "spec.onAssetOverwritten must be RemoveLinkedResource or KeepLinkedResources");
    json_t *kind = json_object_get(spec, "kind");
    if (kind && !json_is_null(kind) && (!json_is_string(kind) || json_string_length(kind) > 60))
        return vs_fail(res, 400, "validation_error", "spec.kind must be a string");
    size_t n = json_array_size(assets), i;
    vi_asset_file_row *files = calloc(n, sizeof *files);
    char **customs = calloc(n, sizeof *customs);
    vi_dataset_ref d;
    memset(&d, 0, sizeof d);
    int rc = -1;
    if (!files || !customs) {
        vs_fail(res, 500, "internal", "Out of memory");
        goto out;
    }
    for (i = 0; i < n; i++)
        if (parse_asset(res, i, json_array_get(assets, i), &files[i], &customs[i]) != 0)
            goto out;
    if (vi_dataset_resolve(req, res, &d) != 0)
        goto out;
    vi_asset_session_row s;
    memset(&s, 0, sizeof s);
    ids_uuid(s.id);
    snprintf(s.workspace_id, sizeof s.workspace_id, "%s", req->workspace_id);
    snprintf(s.dataset_id, sizeof s.dataset_id, "%s", d.ds.id);
    snprintf(s.failure_mode, sizeof s.failure_mode, "%s", mode);
    snprintf(s.on_overwritten, sizeof s.on_overwritten, "%s", over);
    snprintf(s.spec_kind, sizeof s.spec_kind, "%s", json_is_string(kind) ? json_string_value(kind) : "Upload");
    snprintf(s.finished, sizeof s.finished, "Waiting");
    s.created_at = s.updated_at = s.last_activity = clock_now_ms();
    s.generation = 1;
    st_result r = create_session(req, &s, files, n);
    if (r != ST_OK) {
        vs_fail_store(res, r, "Asset ingestion session");
        goto out;
    }
    worker_wake();
    rc = render(req, res, &d, &s, 200);
out:
    for (i = 0; customs && i < n; i++)
        free(customs[i]);
    free(customs);
    free(files);
    vi_dataset_ref_free(&d);
    return rc;
}

int vi_asset_sessions_get(vs_request *req, vs_response *res)
{
    vi_dataset_ref d;
    if (vi_dataset_resolve(req, res, &d) != 0)
        return -1;
    const char *sid = vs_param(req, "session");
    int finished = 0;
    int64_t next = 0;
    vi_asset_session_row s;
    /* A busy store only delays progress; the poll still answers. */
    st_result r = advance(req->workspace_id, sid, &finished, &next);
    if (r == ST_OK || r == ST_BUSY)
        r = store_vi_asset_sessions_get(req->workspace_id, sid, &s);
    if (r == ST_OK && strcmp(s.dataset_id, d.ds.id) != 0) {
        vi_asset_session_row_free(&s);
        r = ST_NOT_FOUND;
    }
    if (r != ST_OK) {
        vi_dataset_ref_free(&d);
        return vs_fail_store(res, r, "Asset ingestion session");
    }
    int rc = render(req, res, &d, &s, 200);
    vi_asset_session_row_free(&s);
    vi_dataset_ref_free(&d);
    return rc;
}
