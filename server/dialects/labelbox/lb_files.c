/* lb_files.c — publishing bytes at a server-issued download URL. The URLs the
 * vendor hands out for uploads and import reports stay valid for as long as the
 * data exists, so these never expire in any practical sense (a century of
 * virtual time). Any thread; joins the caller's transaction. */
#include "lb_files.h"
#include "clock.h"
#include "core/image.h"
#include "core/store_blobs.h"
#include "core/store_transfers.h"

#include <stdio.h>
#include <string.h>

#define LB_FILE_LIFETIME_MS (100LL * 365 * 24 * 3600 * 1000)

void lb_files_safe_name(const char *in, char *out, size_t cap)
{
    size_t k = 0;
    for (const char *p = in ? in : ""; *p && k + 1 < cap; p++) {
        unsigned char ch = (unsigned char)*p;
        out[k++] = ch < 0x20 || ch == 0x7f || ch == '/' || ch == '\\' ? '_' : (char)ch;
    }
    out[k] = 0;
    if (k == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
        snprintf(out, cap, "file");
}

st_result lb_files_publish(const char *workspace_id, const char *purpose, const void *data, size_t len,
                           const char *filename, const char *content_type, char token_out[49])
{
    blob_info info;
    st_result r = store_blobs_put(data, len, &info);
    if (r != ST_OK)
        return r;
    transfer_row t;
    memset(&t, 0, sizeof t);
    snprintf(t.workspace_id, sizeof t.workspace_id, "%s", workspace_id);
    snprintf(t.dialect, sizeof t.dialect, "labelbox");
    snprintf(t.direction, sizeof t.direction, "get");
    lb_files_safe_name(filename, t.filename, sizeof t.filename);
    if (content_type && *content_type) {
        snprintf(t.content_type, sizeof t.content_type, "%s", content_type);
    } else {
        image_info im;
        snprintf(t.content_type, sizeof t.content_type, "%s",
                 image_probe(data, len, &im) == 0 ? im.mime : "application/octet-stream");
    }
    t.max_bytes = (int64_t)len;
    t.expected_size = -1;
    snprintf(t.blob_sha256, sizeof t.blob_sha256, "%s", info.sha256);
    snprintf(t.purpose, sizeof t.purpose, "%s", purpose);
    t.expires_at = clock_now_ms() + LB_FILE_LIFETIME_MS;
    if ((r = store_transfers_create(&t)) != ST_OK)
        return r;
    snprintf(token_out, 49, "%s", t.token);
    return ST_OK;
}
