/* lb_rowdata.h — what the server knows of a data row's image: the bytes behind
 * its row-data URL when the URL resolves (a server-issued URL or a registered
 * remote file), else nothing (an outside URL is never fetched). */
#ifndef VS_LB_ROWDATA_H
#define VS_LB_ROWDATA_H
#include <stddef.h>
#include <stdint.h>
#include "core/store.h"

typedef struct {
    char blob_sha256[65];
    char mime[64];
    int width, height;  /* 0 when the bytes are not an image */
    int64_t size;
    int resolved;       /* 1 when the URL gave bytes */
} lb_content;

/* Resolves url and stores its bytes as a blob (an empty blob when the URL does
 * not resolve, so the asset always points at one). Joins the caller's
 * transaction. ST_OK in both cases; another result is a store failure. */
st_result lb_rowdata_resolve(const char *url, lb_content *out);
/* A file name for the asset from the URL's last path segment ("" → fallback). */
void lb_rowdata_filename(const char *url, const char *fallback, char *out, size_t cap);
#endif
