/* vi_models.c — a run's model outputs (spec §6 models.list / models.get /
 * models.download, §7.10 Model, §11.1 and §11.3): GET
 * /workspaces/{org}/runs/{run}/outputs[/{ckpt}].
 *
 * A run has one output (runOutputId fixed at creation), listed once the run
 * is trained; before that the list is empty and a named checkpoint is 404.
 * Both calls answer a page, as the client expects even for one checkpoint
 * (it uses the last item). The client appends its query with a second '?'
 * (`?intent=sdkLocalDeploy?pageSize=10&pageToken=…`), so parameters are read
 * from the query and from the tail of the `intent` value (trap 15.1).
 * `contents=y` adds status.contents.downloadUrl: the model archive's GET
 * transfer (HEAD + exact Range, no auth), re-issued when the current one has
 * expired by the virtual clock. Request threads only.
 */
#include "clock.h"
#include "core/store_transfers.h"
#include "core/transfer.h"
#include "db.h"
#include "vi.h"
#include "vi_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VI_MODEL_TTL_MS (7LL * 24 * 60 * 60 * 1000)

/* name's value from the query, else from the intent value's "?k=v&…" tail
 * (copied into buf). NULL when absent. */
static const char *model_query(const vs_request *req, const char *name, char *buf, size_t cap)
{
    const char *v = vs_query(req, name);
    if (v)
        return v;
    const char *intent = vs_query(req, "intent");
    const char *tail = intent ? strchr(intent, '?') : NULL;
    size_t n = strlen(name);
    while (tail && *tail) {
        tail++;
        const char *end = tail + strcspn(tail, "&?");
        if ((size_t)(end - tail) > n && strncmp(tail, name, n) == 0 && tail[n] == '=') {
            snprintf(buf, cap, "%.*s", (int)(end - tail - (ptrdiff_t)n - 1), tail + n + 1);
            return buf;
        }
        tail = *end ? end : NULL;
    }
    return NULL;
}

static int truthy(const char *v)
{
    return v && (strcasecmp(v, "y") == 0 || strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
                 strcmp(v, "1") == 0);
}

/* The archive's live download URL, re-issuing its transfer when expired. */
static st_result download_url(const vs_request *req, vi_run_row *run, char *url, size_t cap, int64_t *expires)
{
    int64_t now = clock_now_ms();
    if (!run->token[0] || run->token_expires <= now) {
        transfer_row t;
        memset(&t, 0, sizeof t);
        snprintf(t.workspace_id, sizeof t.workspace_id, "%s", run->workspace_id);
        snprintf(t.dialect, sizeof t.dialect, "vi");
        snprintf(t.direction, sizeof t.direction, "get");
        snprintf(t.filename, sizeof t.filename, "model-%s.tar", run->id);
        snprintf(t.content_type, sizeof t.content_type, "application/x-tar");
        snprintf(t.blob_sha256, sizeof t.blob_sha256, "%s", run->archive_sha256);
        snprintf(t.purpose, sizeof t.purpose, "vi.model");
        snprintf(t.owner_ref, sizeof t.owner_ref, "%s", run->id);
        t.max_bytes = run->archive_bytes;
        t.expected_size = -1;
        t.expires_at = now + VI_MODEL_TTL_MS;
        st_result r = db_begin();
        if (r != ST_OK)
            return r;
        if ((r = store_transfers_create(&t)) != ST_OK ||
            (r = store_vi_runs_set_token(run->id, t.token, t.expires_at)) != ST_OK) {
            db_rollback();
            return r;
        }
        if ((r = db_commit()) != ST_OK)
            return r;
        snprintf(run->token, sizeof run->token, "%s", t.token);
        run->token_expires = t.expires_at;
    }
    transfer_url(req->host, "vi", run->token, NULL, url, cap);
    *expires = run->token_expires;
    return ST_OK;
}

static json_t *model_json(const vs_request *req, vi_run_row *run, int contents, st_result *err)
{
    const char *org = vs_param(req, "org");
    char link[256], storage[256];
    snprintf(link, sizeof link, "/workspaces/%s/runs/%s/outputs/%s", org, run->id, run->output_id);
    snprintf(storage, sizeof storage, "runs/%s/outputs/%s/model.tar", run->id, run->output_id);
    json_t *status = json_pack("{s:I,s:[o],s:s}", "observedGeneration", (json_int_t)run->generation, "conditions",
                               vi_condition("Exported", "Reached", run->trained_at, NULL, NULL), "storageObject",
                               storage);
    if (contents) {
        char url[512];
        int64_t expires = 0;
        *err = download_url(req, run, url, sizeof url, &expires);
        if (*err != ST_OK) {
            json_decref(status);
            return NULL;
        }
        json_object_set_new(status, "contents",
                            json_pack("{s:{s:s,s:I}}", "downloadUrl", "url", url, "expiresAt", (json_int_t)expires));
    }
    json_t *attrs = json_loads(run->attributes, 0, NULL);
    return json_pack("{s:s,s:s,s:s,s:s,s:o,s:{s:s,s:i,s:{s:s}},s:o,s:s,s:o}", "kind", "Model", "runId", run->id,
                     "workspaceId", org, "runOutputId", run->output_id, "metadata",
                     vi_metadata(run->trained_at, run->trained_at, 1, attrs ? attrs : json_object()), "spec", "kind",
                     "Checkpoint", "epoch", 1, "evaluationMetrics", "method", "memorised training images", "status",
                     status, "selfLink", link, "etag", vi_etag(1));
}

/* Lists the run's outputs (0 or 1), or the one named checkpoint. */
static int answer(vs_request *req, vs_response *res, const char *ckpt)
{
    char buf[3][64];
    const char *ps = model_query(req, "pageSize", buf[0], sizeof buf[0]);
    const char *pt = model_query(req, "pageToken", buf[1], sizeof buf[1]);
    int contents = truthy(model_query(req, "contents", buf[2], sizeof buf[2]));
    int64_t size, offset;
    if (vi_page_params(res, ps, pt, &size, &offset) != 0)
        return -1;
    vi_run_row run;
    if (vi_run_resolve(req, res, &run) != 0)
        return -1;
    int trained = strcmp(run.trained, "Reached") == 0 && run.archive_sha256[0];
    int rc = 0;
    if (ckpt && (!trained || strcmp(ckpt, run.output_id) != 0)) {
        rc = vs_fail(res, 404, "not_found", "Model output '%.80s' of run '%s' not found", ckpt, run.id);
        goto out;
    }
    json_t *items = json_array();
    if (trained && offset == 0) {
        st_result err = ST_OK;
        json_t *m = model_json(req, &run, contents, &err);
        if (!m) {
            json_decref(items);
            rc = vs_fail_store(res, err, "Model");
            goto out;
        }
        json_array_append_new(items, m);
    }
    vs_reply_json(res, 200, vi_page(items, NULL));
out:
    vi_run_row_free(&run);
    return rc;
}

int vi_models_list(vs_request *req, vs_response *res) { return answer(req, res, NULL); }

int vi_models_get(vs_request *req, vs_response *res) { return answer(req, res, vs_param(req, "ckpt")); }
