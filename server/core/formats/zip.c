/* zip.c — the in-memory ZIP writer behind every export archive. Local file
 * headers and data are appended as entries arrive; the central directory is
 * kept on the side and appended by zip_writer_finish. General-purpose flag bit
 * 11 marks names as UTF-8. Entries are CRC-32 (zlib) checked by readers.
 * Any thread, one writer per thread.
 */
#include "zip.h"
#include "format.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define ZIP_MAX_ENTRIES 65535u
#define ZIP_MAX_BYTES 0xFFFFFFFEu

struct zip_writer {
    format_buf body;
    format_buf central;
    unsigned entries;
    uint16_t dos_time, dos_date;
    int failed;
};

static void le16(format_buf *b, unsigned v)
{
    unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    format_buf_put(b, x, 2);
}

static void le32(format_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    format_buf_put(b, x, 4);
}

zip_writer *zip_writer_new(int64_t mtime_ms)
{
    zip_writer *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    time_t t = (time_t)(mtime_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (tm.tm_year < 80) { /* DOS dates start in 1980 */
        tm.tm_year = 80;
        tm.tm_mon = 0;
        tm.tm_mday = 1;
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    }
    z->dos_time = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
    z->dos_date = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
    return z;
}

/* Raw deflate of data into *out (malloc'd); 0 on success. */
static int deflate_raw(const void *data, size_t len, unsigned char **out, size_t *out_len)
{
    z_stream s;
    memset(&s, 0, sizeof s);
    if (deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong bound = deflateBound(&s, (uLong)len);
    unsigned char *buf = malloc(bound ? bound : 1);
    int rc = -1;
    if (!buf)
        goto out;
    s.next_in = (Bytef *)(uintptr_t)data;
    s.avail_in = (uInt)len;
    s.next_out = buf;
    s.avail_out = (uInt)bound;
    if (deflate(&s, Z_FINISH) != Z_STREAM_END)
        goto out;
    *out = buf;
    *out_len = s.total_out;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    deflateEnd(&s);
    return rc;
}

int zip_writer_add(zip_writer *z, const char *name, const void *data, size_t len, int deflate)
{
    size_t name_len = strlen(name);
    if (z->failed || z->entries >= ZIP_MAX_ENTRIES || name_len == 0 || name_len > 0xFFFF || len > ZIP_MAX_BYTES)
        return -1;
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)(len ? data : ""), (uInt)len);
    unsigned char *packed = NULL;
    size_t packed_len = 0;
    unsigned method = 0;
    if (deflate && len > 64 && deflate_raw(data, len, &packed, &packed_len) == 0 && packed_len < len)
        method = 8;
    const void *payload = method ? (const void *)packed : data;
    size_t payload_len = method ? packed_len : len;
    size_t offset = z->body.len;
    if (offset + 30 + name_len + payload_len > ZIP_MAX_BYTES) {
        free(packed);
        return -1;
    }
    /* local file header */
    le32(&z->body, 0x04034b50);
    le16(&z->body, 20);
    le16(&z->body, 1u << 11);
    le16(&z->body, method);
    le16(&z->body, z->dos_time);
    le16(&z->body, z->dos_date);
    le32(&z->body, crc);
    le32(&z->body, (uint32_t)payload_len);
    le32(&z->body, (uint32_t)len);
    le16(&z->body, (unsigned)name_len);
    le16(&z->body, 0);
    format_buf_put(&z->body, name, name_len);
    format_buf_put(&z->body, payload, payload_len);
    /* central directory record */
    le32(&z->central, 0x02014b50);
    le16(&z->central, 3u << 8 | 20); /* made by Unix, spec 2.0 */
    le16(&z->central, 20);
    le16(&z->central, 1u << 11);
    le16(&z->central, method);
    le16(&z->central, z->dos_time);
    le16(&z->central, z->dos_date);
    le32(&z->central, crc);
    le32(&z->central, (uint32_t)payload_len);
    le32(&z->central, (uint32_t)len);
    le16(&z->central, (unsigned)name_len);
    le16(&z->central, 0);
    le16(&z->central, 0);
    le16(&z->central, 0);
    le16(&z->central, 0);
    le32(&z->central, 0100644u << 16); /* regular file, rw-r--r-- */
    le32(&z->central, (uint32_t)offset);
    format_buf_put(&z->central, name, name_len);
    free(packed);
    z->entries++;
    if (z->body.failed || z->central.failed) {
        z->failed = 1;
        return -1;
    }
    return 0;
}

int zip_writer_finish(zip_writer *z, unsigned char **out, size_t *out_len)
{
    int rc = -1;
    *out = NULL;
    *out_len = 0;
    if (z->failed)
        goto out;
    size_t cd_offset = z->body.len, cd_len = z->central.len;
    if (cd_offset + cd_len + 22 > ZIP_MAX_BYTES)
        goto out;
    format_buf_put(&z->body, z->central.data, z->central.len);
    le32(&z->body, 0x06054b50);
    le16(&z->body, 0);
    le16(&z->body, 0);
    le16(&z->body, z->entries);
    le16(&z->body, z->entries);
    le32(&z->body, (uint32_t)cd_len);
    le32(&z->body, (uint32_t)cd_offset);
    le16(&z->body, 0);
    if (z->body.failed)
        goto out;
    *out = z->body.data;
    *out_len = z->body.len;
    z->body.data = NULL;
    rc = 0;
out:
    zip_writer_free(z);
    return rc;
}

void zip_writer_free(zip_writer *z)
{
    if (!z)
        return;
    format_buf_free(&z->body);
    format_buf_free(&z->central);
    free(z);
}
