/* xim_zip.h — a small ZIP writer (deflate, one central directory) for model
 * archives. Build in memory: new → add... → finish. Not thread-shared; any
 * thread may use its own writer. */
#ifndef VS_XIM_ZIP_H
#define VS_XIM_ZIP_H
#include <stddef.h>
#include <stdint.h>

typedef struct xim_zip xim_zip;

xim_zip *xim_zip_new(void);
/* Adds a file (name: relative, '/'-separated). 0 on success. */
int xim_zip_add(xim_zip *z, const char *name, const void *data, size_t len);
/* Writes the central directory; *out is malloc'd (caller frees). Frees z
 * whatever happens. 0 on success. */
int xim_zip_finish(xim_zip *z, uint8_t **out, size_t *out_len);
void xim_zip_free(xim_zip *z);
#endif
