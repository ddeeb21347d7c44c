/* pg_idem.h — Idempotency-Key handling for every Pictograph POST.
 *
 * The first successful (2xx) response to a key is stored for 24 h of virtual
 * time, keyed by (workspace, key) — one Pictograph key per workspace, so this is
 * the spec's (API key, Idempotency-Key) — and replayed byte for byte with
 * "Idempotent-Replayed: true". Errors are not stored: nothing was charged or
 * written, so a retry after a fix runs for real. A key reused for a different
 * request (method, path, body) is a 422. Handlers that charge credits store the
 * response inside the same transaction as the charge, so two concurrent
 * retries can never both charge. Request threads.
 */
#ifndef VS_PG_IDEM_H
#define VS_PG_IDEM_H
#include <jansson.h>
#include "core/store.h"
#include "request.h"

typedef struct {
    const char *key;  /* NULL when the request has no Idempotency-Key */
    char hash[65];    /* SHA-256 of method, path and body */
} pg_idem;

/* 0: proceed. 1: a stored response was replayed into res. -1: res failed
 * (400 malformed key, 422 key reused for another request). */
int pg_idem_begin(const vs_request *req, vs_response *res, pg_idem *ctx);
/* Stores status/body for ctx inside the caller's transaction (no-op without a
 * key). ST_CONFLICT: a response was stored meanwhile; roll back and call
 * pg_idem_begin again, which replays it. */
st_result pg_idem_store(const vs_request *req, const pg_idem *ctx, int status, const json_t *body);
/* Stores (own transaction) and replies status/body; steals body. */
int pg_idem_reply(const vs_request *req, vs_response *res, const pg_idem *ctx, int status, json_t *body);
#endif
