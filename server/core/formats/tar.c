/* tar.c — the ustar writer (see tar.h). Header fields are octal ASCII,
 * NUL-terminated where they fit; the checksum is the byte sum of the header
 * with its own field read as spaces. A failed add leaves the archive as it
 * was, so a writer stays usable. Any thread that owns the writer.
 */
#include "tar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 512

struct tar_writer {
    unsigned char *data;
    size_t len, cap;
    int64_t mtime;
};

tar_writer *tar_writer_new(int64_t mtime_ms)
{
    tar_writer *t = calloc(1, sizeof *t);
    if (t)
        t->mtime = mtime_ms > 0 ? mtime_ms / 1000 : 0;
    return t;
}

static int reserve(tar_writer *t, size_t more)
{
    if (t->len + more <= t->cap)
        return 0;
    size_t cap = t->cap ? t->cap : 16 * BLOCK;
    while (cap < t->len + more)
        cap *= 2;
    unsigned char *grown = realloc(t->data, cap);
    if (!grown)
        return -1;
    t->data = grown;
    t->cap = cap;
    return 0;
}

static void octal(unsigned char *field, size_t width, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%0*llo", (int)(width - 1), (unsigned long long)v);
    memcpy(field, buf, width - 1);
    field[width - 1] = 0;
}

/* Puts name into the name (100) and prefix (155) fields; -1 when it cannot. */
static int put_name(unsigned char *h, const char *name)
{
    size_t n = strlen(name);
    if (n == 0)
        return -1;
    if (n <= 100) {
        memcpy(h, name, n);
        return 0;
    }
    /* Split at a '/' so the prefix fits 155 and the rest 100. */
    for (size_t i = n - 1; i > 0; i--) {
        if (name[i] != '/' || i > 155 || n - i - 1 > 100 || n - i - 1 == 0)
            continue;
        memcpy(h + 345, name, i);
        memcpy(h, name + i + 1, n - i - 1);
        return 0;
    }
    return -1;
}

int tar_writer_add(tar_writer *t, const char *name, const void *data, size_t len)
{
    if (!t || !name)
        return -1;
    size_t n = strlen(name);
    int dir = n > 0 && name[n - 1] == '/';
    if (dir)
        len = 0;
    size_t padded = (len + BLOCK - 1) / BLOCK * BLOCK;
    if (reserve(t, BLOCK + padded) != 0)
        return -1;
    unsigned char *h = t->data + t->len;
    memset(h, 0, BLOCK + padded);
    if (put_name(h, name) != 0)
        return -1;
    octal(h + 100, 8, dir ? 0755 : 0644);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    octal(h + 124, 12, len);
    octal(h + 136, 12, (uint64_t)t->mtime);
    memset(h + 148, ' ', 8);
    h[156] = dir ? '5' : '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memcpy(h + 265, "visionstack", 11);
    memcpy(h + 297, "visionstack", 11);
    unsigned sum = 0;
    for (int i = 0; i < BLOCK; i++)
        sum += h[i];
    char chk[8];
    snprintf(chk, sizeof chk, "%06o", sum);
    memcpy(h + 148, chk, 6);
    h[154] = 0;
    h[155] = ' ';
    if (len)
        memcpy(h + BLOCK, data, len);
    t->len += BLOCK + padded;
    return 0;
}

int tar_writer_finish(tar_writer *t, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (!t)
        return -1;
    int rc = -1;
    if (reserve(t, 2 * BLOCK) == 0) {
        memset(t->data + t->len, 0, 2 * BLOCK);
        t->len += 2 * BLOCK;
        *out = t->data;
        *out_len = t->len;
        t->data = NULL;
        rc = 0;
    }
    tar_writer_free(t);
    return rc;
}

void tar_writer_free(tar_writer *t)
{
    if (!t)
        return;
    free(t->data);
    free(t);
}
