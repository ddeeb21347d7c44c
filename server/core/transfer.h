/* transfer.h — the logic of server-issued URLs: building them, checking what a
 * PUT delivered, and parsing byte ranges for GET. No SQL, no HTTP library. */
#ifndef VS_TRANSFER_H
#define VS_TRANSFER_H
#include <stddef.h>
#include <stdint.h>
#include "store_transfers.h"

/* "http://<host>/_blob/<dialect>/<token>[/<percent-encoded filename>]". */
void transfer_url(const char *host, const char *dialect, const char *token, const char *filename, char *out,
                  size_t cap);
/* "ok", "bad_size" or "bad_checksum": received bytes (their digests, from
 * store_blobs_digest) against the row's expected size/CRC32C/MD5. */
const char *transfer_check(const transfer_row *t, const blob_info *got);
/* Digests the client sent with the PUT itself (Content-MD5: base64; x-goog-hash:
 * "crc32c=<b64>,md5=<b64>") against the received bytes' digests: 0 when absent or
 * matching, -1 on mismatch or garbage. */
int transfer_verify_headers(const char *content_md5, const char *goog_hash, const blob_info *got);
/* Range header against a size: 0 = serve all, 1 = serve [*start, *end], -1 =
 * unsatisfiable (416). Multiple ranges are served whole (allowed by RFC 9110). */
int transfer_parse_range(const char *header, int64_t size, int64_t *start, int64_t *end);
#endif
