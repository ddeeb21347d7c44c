/* tar.h — a small tar writer (POSIX ustar: 512-byte headers, data padded to
 * 512 bytes, two zero blocks at the end; uncompressed, which every tar reader
 * accepts). Directories are written as entries of their own when a name ends
 * in '/'. Names up to 100 bytes, or 255 split at a '/' into prefix and name.
 * The archive is built in memory. Not thread-safe per writer; any thread may
 * own one.
 */
#ifndef VS_TAR_H
#define VS_TAR_H
#include <stddef.h>
#include <stdint.h>

typedef struct tar_writer tar_writer;

/* mtime_ms (epoch milliseconds) becomes every entry's modification time. NULL
 * on OOM. */
tar_writer *tar_writer_new(int64_t mtime_ms);
/* Adds a regular file (mode 0644), or a directory (mode 0755) when name ends
 * in '/' (data ignored). 0 on success, -1 on a name that does not fit or OOM. */
int tar_writer_add(tar_writer *t, const char *name, const void *data, size_t len);
/* Appends the end blocks and hands the archive over: *out is malloc'd (caller
 * frees). The writer is freed either way. 0 on success. */
int tar_writer_finish(tar_writer *t, unsigned char **out, size_t *out_len);
void tar_writer_free(tar_writer *t);
#endif
