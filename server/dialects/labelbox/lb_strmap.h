/* lb_strmap.h — a small open-addressing hash map from strings to indexes, for
 * the per-import indexes (uuids, data-row keys) that may hold 100,000 entries.
 * Keys are copied. Single-threaded use. */
#ifndef VS_LB_STRMAP_H
#define VS_LB_STRMAP_H
#include <stddef.h>

typedef struct {
    char **keys;
    size_t *values;
    size_t cap, count;
} lb_strmap;

void lb_strmap_init(lb_strmap *m);
void lb_strmap_free(lb_strmap *m);
/* Inserts key → value unless key is present; 1 inserted, 0 present, -1 no memory. */
int lb_strmap_put(lb_strmap *m, const char *key, size_t value);
/* 1 and *value when present. */
int lb_strmap_get(const lb_strmap *m, const char *key, size_t *value);
#endif
