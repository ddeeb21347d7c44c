/* transfer.c — server-issued URL logic shared by every dialect's uploads and
 * downloads. Pure functions over a transfer row and bytes; any thread. */
#include "transfer.h"
#include "hash.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t percent_encode(const char *s, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;
    for (; *s && k + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out[k++] = (char)c;
        } else {
            out[k++] = '%';
            out[k++] = hex[c >> 4];
            out[k++] = hex[c & 15];
        }
    }
    out[k] = 0;
    return k;
}

void transfer_url(const char *host, const char *dialect, const char *token, const char *filename, char *out,
                  size_t cap)
{
    char enc[800] = "";
    if (filename && *filename)
        percent_encode(filename, enc, sizeof enc);
    snprintf(out, cap, "http://%s/_blob/%s/%s%s%s", host, dialect, token, enc[0] ? "/" : "", enc);
}

const char *transfer_check(const transfer_row *t, const void *data, size_t len)
{
    if (t->expected_size >= 0 && (int64_t)len != t->expected_size)
        return "bad_size";
    if (t->has_crc32c && hash_crc32c(0, data, len) != t->expected_crc32c)
        return "bad_checksum";
    if (t->expected_md5[0]) {
        uint8_t md5[16];
        char hex[33];
        hash_md5(data, len, md5);
        hash_hex(md5, 16, hex);
        if (strcmp(hex, t->expected_md5) != 0)
            return "bad_checksum";
    }
    return "ok";
}

/* Compares base64 text against raw digest bytes. */
static int b64_equals(const char *b64, size_t n, const uint8_t *digest, size_t dlen)
{
    uint8_t buf[32];
    long got = hash_base64_decode(b64, n, buf, sizeof buf);
    return got == (long)dlen && memcmp(buf, digest, dlen) == 0;
}

int transfer_verify_headers(const char *content_md5, const char *goog_hash, const void *data, size_t len)
{
    uint8_t md5[16];
    int have_md5 = 0;
    if (content_md5 && *content_md5) {
        hash_md5(data, len, md5);
        have_md5 = 1;
        if (!b64_equals(content_md5, strlen(content_md5), md5, 16))
            return -1;
    }
    if (!goog_hash || !*goog_hash)
        return 0;
    const char *p = goog_hash;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > 7 && strncmp(p, "crc32c=", 7) == 0) {
            uint32_t crc = hash_crc32c(0, data, len);
            uint8_t be[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8), (uint8_t)crc};
            if (!b64_equals(p + 7, n - 7, be, 4))
                return -1;
        } else if (n > 4 && strncmp(p, "md5=", 4) == 0) {
            if (!have_md5)
                hash_md5(data, len, md5);
            have_md5 = 1;
            if (!b64_equals(p + 4, n - 4, md5, 16))
                return -1;
        }
        p += n;
    }
    return 0;
}

static int parse_int(const char *s, const char *end, int64_t *out)
{
    if (s == end || end - s > 18)
        return -1;
    int64_t v = 0;
    for (; s < end; s++) {
        if (!isdigit((unsigned char)*s))
            return -1;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return 0;
}

int transfer_parse_range(const char *header, int64_t size, int64_t *start, int64_t *end)
{
    if (!header || strncmp(header, "bytes=", 6) != 0)
        return 0;
    const char *spec = header + 6;
    if (strchr(spec, ','))
        return 0;
    const char *dash = strchr(spec, '-');
    if (!dash)
        return 0;
    const char *tail = spec + strlen(spec);
    while (tail > dash + 1 && tail[-1] == ' ')
        tail--;
    int64_t a = 0, b = 0;
    if (dash == spec) { /* suffix: last b bytes */
        if (parse_int(dash + 1, tail, &b) != 0)
            return 0;
        if (b == 0 || size == 0)
            return -1;
        *start = b >= size ? 0 : size - b;
        *end = size - 1;
        return 1;
    }
    if (parse_int(spec, dash, &a) != 0)
        return 0;
    if (a >= size)
        return -1;
    if (dash + 1 == tail) {
        b = size - 1;
    } else if (parse_int(dash + 1, tail, &b) != 0) {
        return 0;
    } else if (b < a) {
        return 0; /* syntactically invalid: ignore the header */
    }
    *start = a;
    *end = b >= size ? size - 1 : b;
    return 1;
}
