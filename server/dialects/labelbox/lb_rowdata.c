/* lb_rowdata.c — turning a row-data URL into asset content. Offline is the
 * point: only URLs the store can answer (its own /_blob URLs, registered remote
 * files) give bytes; anything else leaves the image unknown (width and height
 * 0), and checks that need its size are skipped until it becomes known. Any
 * thread; joins the caller's transaction. */
#include "lb_rowdata.h"
#include "core/image.h"
#include "core/store_blobs.h"
#include "core/store_remote_files.h"
#include "lb_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

st_result lb_rowdata_resolve(const char *url, lb_content *out)
{
    unsigned char *data = NULL;
    size_t len = 0;
    char ctype[128] = "";
    memset(out, 0, sizeof *out);
    st_result r = store_remote_files_fetch(url, &data, &len, ctype);
    if (r != ST_OK && r != ST_NOT_FOUND)
        return r;
    out->resolved = r == ST_OK;
    blob_info info;
    r = store_blobs_put(out->resolved ? (const void *)data : "", out->resolved ? len : 0, &info);
    if (r == ST_OK) {
        image_info im;
        snprintf(out->blob_sha256, sizeof out->blob_sha256, "%s", info.sha256);
        out->size = info.size;
        if (out->resolved && image_probe(data, len, &im) == 0) {
            out->width = im.width;
            out->height = im.height;
            snprintf(out->mime, sizeof out->mime, "%s", im.mime);
        } else {
            snprintf(out->mime, sizeof out->mime, "%s", out->resolved && ctype[0] ? ctype : "application/octet-stream");
        }
    }
    free(data);
    return r;
}

void lb_rowdata_filename(const char *url, const char *fallback, char *out, size_t cap)
{
    const char *end = url + strcspn(url, "?#");
    const char *start = end;
    while (start > url && start[-1] != '/')
        start--;
    char seg[256];
    size_t n = (size_t)(end - start);
    if (n >= sizeof seg)
        n = sizeof seg - 1;
    memcpy(seg, start, n);
    seg[n] = 0;
    /* "scheme://host" alone has no file segment */
    if (strstr(url, "://") && start <= strstr(url, "://") + 3)
        seg[0] = 0;
    lb_files_safe_name(seg[0] ? seg : fallback, out, cap);
}
