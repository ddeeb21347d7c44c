/* store_transfers.h — rows behind server-issued URLs (/_blob/<dialect>/<token>). */
#ifndef VS_STORE_TRANSFERS_H
#define VS_STORE_TRANSFERS_H
#include <stddef.h>
#include <stdint.h>
#include "store.h"
#include "store_blobs.h"

typedef struct {
    char token[49];
    char workspace_id[37];
    char dialect[16];
    char direction[4];       /* "put" | "get" */
    char filename[256];
    char content_type[128];
    int64_t max_bytes;
    int64_t expected_size;   /* -1 = not given */
    int has_crc32c;
    uint32_t expected_crc32c;
    char expected_md5[33];   /* "" = not given */
    char blob_sha256[65];    /* "" until bytes arrive (put) */
    char check_result[16];   /* put: "" | ok | bad_size | bad_checksum */
    char purpose[48];
    char owner_ref[128];
    int64_t expires_at, completed_at, created_at;
} transfer_row;

/* Inserts t (token generated into t->token); joins the caller's transaction. */
st_result store_transfers_create(transfer_row *t);
st_result store_transfers_get(const char *dialect, const char *token, transfer_row *out);
/* Records received bytes (blob stored, digests from store_blobs_digest) and the
 * check result, atomically. */
st_result store_transfers_complete(const char *token, const void *data, size_t len, const blob_info *digest,
                                   const char *check_result, int64_t now);
/* Lists the transfers of an owner (purpose, owner_ref) in creation order. */
st_result store_transfers_by_owner(const char *purpose, const char *owner_ref,
                                   void (*cb)(const transfer_row *, void *), void *arg);
#endif
