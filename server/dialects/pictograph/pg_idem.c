/* pg_idem.c — Idempotency-Key replay (see pg_idem.h). Request threads. */
#include "pg_idem.h"
#include "clock.h"
#include "core/hash.h"
#include "db.h"
#include "dialects/pictograph/store_pg_idem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW_MS (24LL * 3600 * 1000)

static int key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 255)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (k[i] < 0x21 || k[i] > 0x7e)
            return 0;
    return 1;
}

static void request_hash(const vs_request *req, char out[65])
{
    size_t mlen = strlen(req->method), plen = strlen(req->path);
    size_t n = mlen + 1 + plen + 1 + req->body_len;
    unsigned char *buf = malloc(n ? n : 1);
    uint8_t digest[32];
    if (!buf) { /* an unhashable request simply never matches a stored one */
        memset(out, '0', 64);
        out[64] = 0;
        return;
    }
    memcpy(buf, req->method, mlen);
    buf[mlen] = '\n';
    memcpy(buf + mlen + 1, req->path, plen);
    buf[mlen + 1 + plen] = '\n';
    if (req->body_len)
        memcpy(buf + mlen + plen + 2, req->body, req->body_len);
    hash_sha256(buf, n, digest);
    hash_hex(digest, 32, out);
    free(buf);
}

static int replay(vs_response *res, const pg_idem_row *row)
{
    json_t *body = json_loads(row->body, JSON_DECODE_ANY, NULL);
    if (!body)
        return vs_fail(res, 500, "internal", "Stored response is unreadable");
    vs_add_header(res, "Idempotent-Replayed", "true");
    vs_reply_json(res, row->status, body);
    return 1;
}

int pg_idem_begin(const vs_request *req, vs_response *res, pg_idem *ctx)
{
    ctx->key = vs_header(req, "Idempotency-Key");
    ctx->hash[0] = 0;
    if (!ctx->key)
        return 0;
    if (!key_ok(ctx->key))
        return vs_fail(res, 400, "validation_error",
                       "Idempotency-Key must be 1 to 255 printable characters without spaces");
    request_hash(req, ctx->hash);
    pg_idem_row row = {0};
    st_result r = store_pg_idem_get(req->workspace_id, ctx->key, clock_now_ms(), WINDOW_MS, &row);
    if (r == ST_NOT_FOUND)
        return 0;
    if (r != ST_OK)
        return vs_fail_store(res, r, "Idempotency record");
    int rc;
    if (strcmp(row.request_hash, ctx->hash) != 0)
        rc = vs_fail(res, 422, "validation_error",
                     "Idempotency-Key '%.100s' was already used for a different request", ctx->key);
    else
        rc = replay(res, &row);
    pg_idem_row_free(&row);
    return rc;
}

st_result pg_idem_store(const vs_request *req, const pg_idem *ctx, int status, const json_t *body)
{
    if (!ctx->key)
        return ST_OK;
    char *text = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text)
        return ST_ERROR;
    st_result r = store_pg_idem_put(req->workspace_id, ctx->key, ctx->hash, status, text, clock_now_ms(), WINDOW_MS);
    free(text);
    return r;
}

int pg_idem_reply(const vs_request *req, vs_response *res, const pg_idem *ctx, int status, json_t *body)
{
    if (ctx->key) {
        st_result r = db_begin();
        if (r == ST_OK) {
            r = pg_idem_store(req, ctx, status, body);
            if (r == ST_OK)
                r = db_commit();
            else
                db_rollback();
        }
        if (r == ST_CONFLICT) { /* a concurrent retry answered first: give its answer */
            json_decref(body);
            pg_idem again;
            int rc = pg_idem_begin(req, res, &again);
            return rc > 0 ? 0 : rc;
        }
        if (r != ST_OK) {
            json_decref(body);
            return vs_fail_store(res, r, "Idempotency record");
        }
    }
    return vs_reply_json(res, status, body);
}
