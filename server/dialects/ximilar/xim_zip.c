/* xim_zip.c — ZIP archive writer (PKWARE APPNOTE 6.3: local headers, deflated
 * data, central directory, end record; no ZIP64, so archives stay below 4 GiB
 * and 65535 entries, far beyond a model directory). Timestamps are a fixed DOS
 * date so the same model gives the same bytes. Compression uses zlib raw
 * deflate; a file that does not shrink is stored. Single-owner object.
 */
#include "xim_zip.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define XIM_ZIP_MAX_ENTRIES 4096
#define XIM_ZIP_DOS_TIME 0x0000u /* 00:00:00 */
#define XIM_ZIP_DOS_DATE 0x5821u /* 2024-01-01 */

typedef struct {
    char *name;
    uint32_t crc, csize, usize, offset;
    uint16_t method;
} zip_entry;

struct xim_zip {
    uint8_t *buf;
    size_t len, cap;
    zip_entry entries[XIM_ZIP_MAX_ENTRIES];
    int n;
    int failed;
};

static void zput(xim_zip *z, const void *p, size_t n)
{
    if (z->failed)
        return;
    if (z->len + n > z->cap) {
        size_t cap = z->cap ? z->cap : 65536;
        while (cap < z->len + n)
            cap *= 2;
        uint8_t *grown = realloc(z->buf, cap);
        if (!grown) {
            z->failed = 1;
            return;
        }
        z->buf = grown;
        z->cap = cap;
    }
    memcpy(z->buf + z->len, p, n);
    z->len += n;
}

static void zu16(xim_zip *z, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    zput(z, b, 2);
}

static void zu32(xim_zip *z, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    zput(z, b, 4);
}

xim_zip *xim_zip_new(void) { return calloc(1, sizeof(xim_zip)); }

void xim_zip_free(xim_zip *z)
{
    if (!z)
        return;
    for (int i = 0; i < z->n; i++)
        free(z->entries[i].name);
    free(z->buf);
    free(z);
}

/* Raw deflate of data; NULL when it does not shrink or on error. */
static uint8_t *deflate_raw(const void *data, size_t len, size_t *out_len)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    if (deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    uLong bound = deflateBound(&s, (uLong)len);
    uint8_t *out = malloc(bound ? bound : 1);
    if (!out) {
        deflateEnd(&s);
        return NULL;
    }
    s.next_in = (Bytef *)(uintptr_t)data;
    s.avail_in = (uInt)len;
    s.next_out = out;
    s.avail_out = (uInt)bound;
    int rc = deflate(&s, Z_FINISH);
    *out_len = s.total_out;
    deflateEnd(&s);
    if (rc != Z_STREAM_END || *out_len >= len) {
        free(out);
        return NULL;
    }
    return out;
}

int xim_zip_add(xim_zip *z, const char *name, const void *data, size_t len)
{
    size_t nlen = strlen(name);
    if (z->failed || z->n >= XIM_ZIP_MAX_ENTRIES || nlen == 0 || nlen > 1024 || len > 0x7fffffffu ||
        z->len > 0x7fffffffu)
        return -1;
    zip_entry *e = &z->entries[z->n];
    memset(e, 0, sizeof *e);
    e->name = strdup(name);
    if (!e->name)
        return -1;
    size_t clen = 0;
    uint8_t *comp = len ? deflate_raw(data, len, &clen) : NULL;
    e->crc = (uint32_t)crc32(0L, (const Bytef *)data, (uInt)len);
    e->usize = (uint32_t)len;
    e->method = comp ? 8 : 0;
    e->csize = comp ? (uint32_t)clen : (uint32_t)len;
    e->offset = (uint32_t)z->len;
    zu32(z, 0x04034b50);
    zu16(z, 20);
    zu16(z, 0x0800); /* UTF-8 names */
    zu16(z, e->method);
    zu16(z, XIM_ZIP_DOS_TIME);
    zu16(z, XIM_ZIP_DOS_DATE);
    zu32(z, e->crc);
    zu32(z, e->csize);
    zu32(z, e->usize);
    zu16(z, (uint16_t)nlen);
    zu16(z, 0);
    zput(z, name, nlen);
    if (comp)
        zput(z, comp, clen);
    else if (len)
        zput(z, data, len);
    free(comp);
    z->n++;
    return z->failed ? -1 : 0;
}

int xim_zip_finish(xim_zip *z, uint8_t **out, size_t *out_len)
{
    int rc = -1;
    *out = NULL;
    *out_len = 0;
    if (!z)
        return -1;
    uint32_t cd_start = (uint32_t)z->len;
    for (int i = 0; i < z->n; i++) {
        zip_entry *e = &z->entries[i];
        size_t nlen = strlen(e->name);
        zu32(z, 0x02014b50);
        zu16(z, 0x031e); /* made by: Unix, spec 3.0 */
        zu16(z, 20);
        zu16(z, 0x0800);
        zu16(z, e->method);
        zu16(z, XIM_ZIP_DOS_TIME);
        zu16(z, XIM_ZIP_DOS_DATE);
        zu32(z, e->crc);
        zu32(z, e->csize);
        zu32(z, e->usize);
        zu16(z, (uint16_t)nlen);
        zu16(z, 0);
        zu16(z, 0);
        zu16(z, 0);
        zu16(z, 0);
        zu32(z, 0100644u << 16); /* -rw-r--r-- */
        zu32(z, e->offset);
        zput(z, e->name, nlen);
    }
    uint32_t cd_size = (uint32_t)z->len - cd_start;
    zu32(z, 0x06054b50);
    zu16(z, 0);
    zu16(z, 0);
    zu16(z, (uint16_t)z->n);
    zu16(z, (uint16_t)z->n);
    zu32(z, cd_size);
    zu32(z, cd_start);
    zu16(z, 0);
    if (!z->failed) {
        *out = z->buf;
        *out_len = z->len;
        z->buf = NULL;
        rc = 0;
    }
    xim_zip_free(z);
    return rc;
}
