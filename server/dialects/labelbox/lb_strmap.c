/* lb_strmap.c — FNV-1a hashing, linear probing, doubling at 50% load. Keys are
 * never removed, which keeps probing simple. */
#include "lb_strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void lb_strmap_init(lb_strmap *m) { memset(m, 0, sizeof *m); }

void lb_strmap_free(lb_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static size_t slot_of(char **keys, size_t cap, const char *key)
{
    size_t i = (size_t)(hash(key) & (cap - 1));
    while (keys[i] && strcmp(keys[i], key) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

static int grow(lb_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    char **keys = calloc(cap, sizeof *keys);
    size_t *values = calloc(cap, sizeof *values);
    if (!keys || !values) {
        free(keys);
        free(values);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = slot_of(keys, cap, m->keys[i]);
        keys[j] = m->keys[i];
        values[j] = m->values[i];
    }
    free(m->keys);
    free(m->values);
    m->keys = keys;
    m->values = values;
    m->cap = cap;
    return 0;
}

int lb_strmap_put(lb_strmap *m, const char *key, size_t value)
{
    if ((m->count + 1) * 2 > m->cap && grow(m) != 0)
        return -1;
    size_t i = slot_of(m->keys, m->cap, key);
    if (m->keys[i])
        return 0;
    m->keys[i] = strdup(key);
    if (!m->keys[i])
        return -1;
    m->values[i] = value;
    m->count++;
    return 1;
}

int lb_strmap_get(const lb_strmap *m, const char *key, size_t *value)
{
    if (!m->cap)
        return 0;
    size_t i = slot_of(m->keys, m->cap, key);
    if (!m->keys[i])
        return 0;
    *value = m->values[i];
    return 1;
}
