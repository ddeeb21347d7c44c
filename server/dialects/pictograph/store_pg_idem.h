/* store_pg_idem.h — the first successful response per (workspace, Idempotency-
 * Key), kept for replay. Rows older than the window are ignored and replaced.
 * Any thread. */
#ifndef VS_STORE_PG_IDEM_H
#define VS_STORE_PG_IDEM_H
#include <stdint.h>
#include "core/store.h"

typedef struct {
    char request_hash[65];
    int status;
    char *body; /* owned JSON text */
} pg_idem_row;

void pg_idem_row_free(pg_idem_row *r);
/* The stored response of key if created after now - window_ms; ST_NOT_FOUND otherwise. */
st_result store_pg_idem_get(const char *workspace_id, const char *key, int64_t now, int64_t window_ms,
                            pg_idem_row *out);
/* Stores a response; ST_CONFLICT when a live one exists for key (a stale one is
 * replaced). Joins the caller's transaction. */
st_result store_pg_idem_put(const char *workspace_id, const char *key, const char *request_hash, int status,
                            const char *body, int64_t now, int64_t window_ms);
#endif
