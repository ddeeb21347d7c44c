/* zip.h — a small ZIP writer (PKWARE APPNOTE 6.3: local headers, data,
 * central directory, end record; no ZIP64, so at most 65535 entries and 4 GiB).
 * Entries are stored or raw-deflated (zlib); the archive is built in memory.
 * Not thread-safe per writer; any thread may own one.
 */
#ifndef VS_ZIP_H
#define VS_ZIP_H
#include <stddef.h>
#include <stdint.h>

typedef struct zip_writer zip_writer;

/* mtime_ms (epoch milliseconds) becomes every entry's DOS time. NULL on OOM. */
zip_writer *zip_writer_new(int64_t mtime_ms);
/* Adds a file. deflate: 1 compresses (kept stored when that does not shrink it).
 * Names are taken as given (UTF-8, '/' separated; the caller keeps them unique).
 * 0 on success, -1 on error (limits, OOM). */
int zip_writer_add(zip_writer *z, const char *name, const void *data, size_t len, int deflate);
/* Appends the central directory and hands the archive over: *out is malloc'd
 * (caller frees). The writer is freed either way. 0 on success. */
int zip_writer_finish(zip_writer *z, unsigned char **out, size_t *out_len);
void zip_writer_free(zip_writer *z);
#endif
