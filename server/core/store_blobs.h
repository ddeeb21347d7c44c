/* store_blobs.h — content-addressed bytes (SHA-256), kept inside the store so one
 * file, and one snapshot, holds everything. */
#ifndef VS_STORE_BLOBS_H
#define VS_STORE_BLOBS_H
#include <stddef.h>
#include <stdint.h>
#include "store.h"

typedef struct {
    char sha256[65];
    int64_t size;
    uint32_t crc32c;
    char md5[33];
} blob_info;

/* Computes the digests of data (SHA-256 address, MD5, CRC32C, size). */
void store_blobs_digest(const void *data, size_t len, blob_info *info);
/* Stores data once (no-op when the content exists); joins the caller's
 * transaction if any. Fills info. */
st_result store_blobs_put(const void *data, size_t len, blob_info *info);
/* As store_blobs_put, with digests already computed by store_blobs_digest. */
st_result store_blobs_put_digested(const void *data, size_t len, const blob_info *info);
st_result store_blobs_info(const char *sha256, blob_info *info);
/* Reads len bytes from offset into buf (incremental blob I/O, no full copy). */
st_result store_blobs_read(const char *sha256, int64_t offset, size_t len, void *buf);
/* Whole content, malloc'd into *data (caller frees). */
st_result store_blobs_load(const char *sha256, unsigned char **data, size_t *len);
#endif
