/* lb_files.h — bytes this dialect serves at server-issued URLs (uploaded files,
 * import input/status/error files): a blob plus a 'get' transfer row. */
#ifndef VS_LB_FILES_H
#define VS_LB_FILES_H
#include <stddef.h>
#include "core/store.h"

/* Stores data and a download token for it (into token_out[49]); joins the
 * caller's transaction (both writes must land together, so call it inside one).
 * filename is sanitised for the URL; content_type "" means sniffed. */
st_result lb_files_publish(const char *workspace_id, const char *purpose, const void *data, size_t len,
                           const char *filename, const char *content_type, char token_out[49]);
/* A filename safe in a URL path segment: '/', '\\' and control characters
 * become '_', empty becomes "file". */
void lb_files_safe_name(const char *in, char *out, size_t cap);
#endif
