/* embedded.h — files compiled into the binary by tools/embed.py (migrations, and
 * later the console's static files). Tables end with an entry whose name is NULL. */
#ifndef VS_EMBEDDED_H
#define VS_EMBEDDED_H
#include <stddef.h>
typedef struct {
    const char *name;
    const unsigned char *data; /* NUL-terminated */
    size_t size;               /* without the NUL */
} vs_embedded;

extern const vs_embedded vs_migrations[];
extern const vs_embedded vs_ui_files[];
#endif
