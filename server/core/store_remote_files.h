/* store_remote_files.h — bytes registered for outside URLs (control plane), and
 * the one way the server "fetches" a URL: a registered remote file, else one of
 * its own server-issued /_blob/<dialect>/<token> URLs read straight from the
 * store (whatever host the URL names), else nothing — nothing leaves the machine. */
#ifndef VS_STORE_REMOTE_FILES_H
#define VS_STORE_REMOTE_FILES_H
#include <stddef.h>
#include <stdint.h>
#include "store.h"

#define REMOTE_FILE_URL_MAX 2048

typedef struct {
    const char *url;          /* valid during the callback only */
    const char *content_type;
    int64_t bytes;
    char blob_sha256[65];
    int64_t created_at;
} remote_file_row;

/* Registers (or replaces) the bytes served for url, atomically. */
st_result store_remote_files_put(const char *url, const char *content_type, const void *data, size_t len);
/* In registration order. */
st_result store_remote_files_list(void (*cb)(const remote_file_row *, void *), void *arg);
/* Removes one registration (url) or all of them (url NULL). ST_NOT_FOUND when
 * url names nothing. Blobs left unused are collected by the next purge. */
st_result store_remote_files_delete(const char *url);
/* Resolves url to bytes (malloc'd into *data; the caller frees) and, when
 * content_type is not NULL, its content type (content_type[128]). ST_NOT_FOUND
 * when the URL is neither registered nor a live server-issued URL with bytes. */
st_result store_remote_files_fetch(const char *url, unsigned char **data, size_t *len, char *content_type);
#endif
