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

const char *transfer_check(const transfer_row *t, const blob_info *got)
{
    if (t->expected_size >= 0 && got->size != t->expected_size)
        return "bad_size";
    if (t->has_crc32c && got->crc32c != t->expected_crc32c)
        return "bad_checksum";
    if (t->expected_md5[0] && strcmp(got->md5, t->expected_md5) != 0)
        return "bad_checksum";
    return "ok";
}

/* 1 when base64 text decodes to exactly the bytes whose hex is `hex`. */
static int b64_matches_hex(const char *b64, size_t n, const char *hex)
{
    uint8_t buf[32];
    char text[65];
    long got = hash_base64_decode(b64, n, buf, sizeof buf);
    if (got <= 0 || (size_t)got * 2 != strlen(hex))
        return 0;
    hash_hex(buf, (size_t)got, text);
    return strcmp(text, hex) == 0;
}

int transfer_verify_headers(const char *content_md5, const char *goog_hash, const blob_info *got)
{
    if (content_md5 && *content_md5 && !b64_matches_hex(content_md5, strlen(content_md5), got->md5))
        return -1;
    if (!goog_hash || !*goog_hash)
        return 0;
    char crc_hex[9];
    snprintf(crc_hex, sizeof crc_hex, "%08x", (unsigned)got->crc32c);
    const char *p = goog_hash;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > 7 && strncmp(p, "crc32c=", 7) == 0 && !b64_matches_hex(p + 7, n - 7, crc_hex))
            return -1;
        if (n > 4 && strncmp(p, "md5=", 4) == 0 && !b64_matches_hex(p + 4, n - 4, got->md5))
            return -1;
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
