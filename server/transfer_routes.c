/* transfer_routes.c — the server-issued URLs every dialect hands out.
 *
 * No auth header: the unguessable token is the credential, and it expires by the
 * virtual clock. PUT stores raw bytes (up to the token's own cap, enforced from
 * Content-Length before the body is read) and records whether size and checksums
 * match what was announced; digests sent with the PUT itself (Content-MD5,
 * x-goog-hash) are verified and a mismatch is refused. GET/HEAD serve bytes with
 * exact single-range support (206/416), as the vendors' downloaders need.
 */
#include "transfer_routes.h"
#include "clock.h"
#include "core/hash.h"
#include "core/store_blobs.h"
#include "core/transfer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static st_result lookup(const vs_request *req, transfer_row *t)
{
    const char *dialect = vs_param(req, "dialect");
    const char *token = vs_param(req, "token");
    if (!dialect || !token || strlen(token) != 48)
        return ST_NOT_FOUND;
    return store_transfers_get(dialect, token, t);
}

size_t transfer_put_cap(const vs_request *req)
{
    transfer_row t;
    if (lookup(req, &t) != ST_OK || strcmp(t.direction, "put") != 0)
        return 0;
    return (size_t)t.max_bytes;
}

static int usable(const transfer_row *t, const char *direction, vs_response *res)
{
    if (strcmp(t->direction, direction) != 0)
        return vs_fail(res, 405, "method_not_allowed", "This URL does not accept %s",
                       strcmp(direction, "put") == 0 ? "uploads" : "downloads");
    if (clock_now_ms() > t->expires_at)
        return vs_fail(res, 403, "expired", "This URL has expired");
    return 0;
}

int transfer_put(vs_request *req, vs_response *res)
{
    transfer_row t;
    st_result r = lookup(req, &t);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Upload URL");
    if (usable(&t, "put", res) != 0)
        return -1;
    const void *data = req->body ? (const void *)req->body : "";
    blob_info got; /* every digest computed once, here */
    store_blobs_digest(data, req->body_len, &got);
    if (transfer_verify_headers(vs_header(req, "Content-MD5"), vs_header(req, "x-goog-hash"), &got) != 0)
        return vs_fail(res, 400, "bad_digest", "The body does not match the digest sent with it");
    const char *check = transfer_check(&t, &got);
    r = store_transfers_complete(t.token, data, req->body_len, &got, check, clock_now_ms());
    if (r != ST_OK)
        return vs_fail_store(res, r, "Upload");
    uint8_t be[4] = {(uint8_t)(got.crc32c >> 24), (uint8_t)(got.crc32c >> 16), (uint8_t)(got.crc32c >> 8),
                     (uint8_t)got.crc32c};
    uint8_t md5[16];
    for (int i = 0; i < 16; i++) {
        unsigned v = 0;
        sscanf(got.md5 + 2 * i, "%2x", &v);
        md5[i] = (uint8_t)v;
    }
    char crc_b64[16], md5_b64[32], goog[64], etag[72];
    hash_base64_encode(be, 4, crc_b64);
    hash_base64_encode(md5, 16, md5_b64);
    snprintf(goog, sizeof goog, "crc32c=%s,md5=%s", crc_b64, md5_b64);
    snprintf(etag, sizeof etag, "\"%s\"", got.sha256);
    vs_add_header(res, "x-goog-hash", goog);
    vs_add_header(res, "ETag", etag);
    return vs_reply_json(res, 200, json_pack("{s:I,s:s,s:s,s:s}", "size", (json_int_t)req->body_len, "crc32c",
                                             crc_b64, "md5", md5_b64, "check", check));
}

int transfer_get(vs_request *req, vs_response *res)
{
    transfer_row t;
    st_result r = lookup(req, &t);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Download URL");
    if (usable(&t, "get", res) != 0)
        return -1;
    blob_info info;
    if (!t.blob_sha256[0] || (r = store_blobs_info(t.blob_sha256, &info)) != ST_OK)
        return vs_fail(res, 404, "not_found", "Nothing to download here");
    int64_t start = 0, end = info.size - 1;
    int ranged = transfer_parse_range(vs_header(req, "Range"), info.size, &start, &end);
    char buf[96];
    vs_add_header(res, "Accept-Ranges", "bytes");
    snprintf(buf, sizeof buf, "\"%s\"", info.sha256);
    vs_add_header(res, "ETag", buf);
    if (ranged < 0) {
        snprintf(buf, sizeof buf, "bytes */%" PRId64, info.size);
        vs_add_header(res, "Content-Range", buf);
        return vs_fail(res, 416, "range_not_satisfiable", "Range not satisfiable for %" PRId64 " bytes", info.size);
    }
    if (ranged == 0) {
        start = 0;
        end = info.size - 1;
    }
    size_t len = (size_t)(end - start + 1);
    unsigned char *data = malloc(len ? len : 1);
    if (!data)
        return vs_fail(res, 500, "internal", "Out of memory");
    if (len && (r = store_blobs_read(info.sha256, start, len, data)) != ST_OK) {
        free(data);
        return vs_fail_store(res, r, "Blob");
    }
    if (ranged > 0) {
        snprintf(buf, sizeof buf, "bytes %" PRId64 "-%" PRId64 "/%" PRId64, start, end, info.size);
        vs_add_header(res, "Content-Range", buf);
    }
    return vs_reply_owned_bytes(res, ranged > 0 ? 206 : 200, t.content_type, data, len);
}
