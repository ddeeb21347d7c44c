/* lb_multipart.c — multipart/form-data parsing for Labelbox uploads.
 *
 * Written to accept what the vendor's client (python-requests over urllib3)
 * sends, and what curl or a browser would: the body is scanned once for the
 * delimiter line ("--" boundary) at the start of a line; each part's headers end
 * at the first empty line; its content ends right before the line break that
 * precedes the next delimiter. Header values are bounded copies; part contents
 * are never copied. Every index is checked against len, so any byte string is
 * safe input (see tests/fuzz/fuzz_labelbox_multipart.c). Pure; any thread.
 */
#include "lb_multipart.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

int lb_multipart_boundary(const char *content_type, char *out, size_t cap)
{
    if (!content_type || cap < 2)
        return -1;
    const char *p = content_type;
    while ((p = strchr(p, ';')) != NULL) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, "boundary", 8) != 0)
            continue;
        const char *v = p + 8;
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v != '=')
            continue;
        v++;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t n = 0;
        if (*v == '"') {
            v++;
            while (v[n] && v[n] != '"')
                n++;
            if (v[n] != '"')
                return -1;
        } else {
            while (v[n] && v[n] != ';' && v[n] != ' ' && v[n] != '\t')
                n++;
        }
        if (n == 0 || n > 70 || n >= cap)
            return -1;
        memcpy(out, v, n);
        out[n] = 0;
        return 0;
    }
    return -1;
}

/* Finds needle in [hay, hay+len). */
static const unsigned char *find(const unsigned char *hay, size_t len, const char *needle, size_t nlen)
{
    if (nlen == 0 || len < nlen)
        return NULL;
    const unsigned char *end = hay + len - nlen;
    for (const unsigned char *p = hay; p <= end; p++) {
        p = memchr(p, needle[0], (size_t)(end - p) + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, nlen) == 0)
            return p;
    }
    return NULL;
}

/* A delimiter starting at d: at the body's start or right after a line feed. */
static const unsigned char *next_delimiter(const unsigned char *body, size_t len, size_t from, const char *delim,
                                           size_t dlen)
{
    while (from <= len) {
        const unsigned char *d = find(body + from, len - from, delim, dlen);
        if (!d)
            return NULL;
        if (d == body || d[-1] == '\n')
            return d;
        from = (size_t)(d - body) + 1;
    }
    return NULL;
}

static void copy_bounded(char *out, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* RFC 5987 ext-value: charset'lang'pct-encoded → out (bytes as they decode). */
static void ext_value(char *out, size_t cap, const char *v, size_t n)
{
    const char *q1 = memchr(v, '\'', n);
    const char *q2 = q1 ? memchr(q1 + 1, '\'', n - (size_t)(q1 + 1 - v)) : NULL;
    const char *s = q2 ? q2 + 1 : v;
    const char *end = v + n;
    size_t o = 0;
    while (s < end && o + 1 < cap) {
        int hi, lo;
        if (*s == '%' && end - s >= 3 && (hi = hexval((unsigned char)s[1])) >= 0 &&
            (lo = hexval((unsigned char)s[2])) >= 0) {
            char c = (char)(hi * 16 + lo);
            out[o++] = c ? c : '_';
            s += 3;
        } else {
            out[o++] = *s++;
        }
    }
    out[o] = 0;
}

/* Parameters of a Content-Disposition value (a header line's value, length n). */
static void disposition(lb_part *part, const char *v, size_t n)
{
    const char *end = v + n;
    const char *p = memchr(v, ';', n);
    int have_ext = 0;
    while (p && p < end) {
        p++;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        const char *key = p;
        while (p < end && *p != '=' && *p != ';')
            p++;
        size_t klen = (size_t)(p - key);
        while (klen && (key[klen - 1] == ' ' || key[klen - 1] == '\t'))
            klen--;
        if (p >= end || *p == ';')
            continue;
        p++;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        char value[512];
        size_t o = 0;
        if (p < end && *p == '"') {
            p++;
            while (p < end && *p != '"') {
                if (*p == '\\' && p + 1 < end)
                    p++;
                if (o + 1 < sizeof value)
                    value[o++] = *p;
                p++;
            }
            value[o] = 0;
            if (p < end)
                p++;
            p = memchr(p, ';', (size_t)(end - p));
        } else {
            const char *vs = p;
            while (p < end && *p != ';')
                p++;
            size_t vl = (size_t)(p - vs);
            while (vl && (vs[vl - 1] == ' ' || vs[vl - 1] == '\t'))
                vl--;
            if (klen == 9 && strncasecmp(key, "filename*", 9) == 0) {
                ext_value(part->filename, sizeof part->filename, vs, vl);
                part->has_filename = 1;
                have_ext = 1;
                continue;
            }
            copy_bounded(value, sizeof value, vs, vl);
        }
        if (klen == 4 && strncasecmp(key, "name", 4) == 0) {
            copy_bounded(part->name, sizeof part->name, value, strlen(value));
        } else if (klen == 8 && strncasecmp(key, "filename", 8) == 0 && !have_ext) {
            copy_bounded(part->filename, sizeof part->filename, value, strlen(value));
            part->has_filename = 1;
        }
    }
}

/* Reads one header line [s, e) into part. */
static void header_line(lb_part *part, const char *s, const char *e)
{
    const char *colon = memchr(s, ':', (size_t)(e - s));
    if (!colon)
        return;
    size_t nlen = (size_t)(colon - s);
    const char *v = colon + 1;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    size_t vlen = (size_t)(e - v);
    while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' || v[vlen - 1] == '\r'))
        vlen--;
    if (nlen == 19 && strncasecmp(s, "Content-Disposition", 19) == 0)
        disposition(part, v, vlen);
    else if (nlen == 12 && strncasecmp(s, "Content-Type", 12) == 0)
        copy_bounded(part->content_type, sizeof part->content_type, v, vlen);
}

int lb_multipart_parse(const unsigned char *body, size_t len, const char *boundary, lb_part *parts, int max)
{
    char delim[80];
    size_t blen = boundary ? strlen(boundary) : 0;
    if (blen == 0 || blen > 70 || !body)
        return 0;
    delim[0] = delim[1] = '-';
    memcpy(delim + 2, boundary, blen);
    size_t dlen = blen + 2;
    const unsigned char *d = next_delimiter(body, len, 0, delim, dlen);
    int n = 0;
    while (d) {
        size_t at = (size_t)(d - body) + dlen;
        if (at + 2 <= len && body[at] == '-' && body[at + 1] == '-')
            break; /* closing delimiter */
        while (at < len && (body[at] == ' ' || body[at] == '\t'))
            at++;
        if (at < len && body[at] == '\r')
            at++;
        if (at >= len)
            break; /* a delimiter that ends the body: as good as a closing one */
        if (body[at] != '\n')
            return -1; /* garbage after a delimiter */
        at++;
        if (n == max)
            return -1;
        lb_part *part = &parts[n];
        memset(part, 0, sizeof *part);
        /* headers: lines until an empty one */
        for (;;) {
            if (at >= len)
                return -1;
            const unsigned char *nl = memchr(body + at, '\n', len - at);
            if (!nl)
                return -1;
            const char *s = (const char *)body + at;
            const char *e = (const char *)nl;
            if (e > s && e[-1] == '\r')
                e--;
            at = (size_t)(nl - body) + 1;
            if (e == s)
                break;
            header_line(part, s, e);
        }
        const unsigned char *next = next_delimiter(body, len, at, delim, dlen);
        size_t end = next ? (size_t)(next - body) : len;
        if (next) {
            /* the line break before the delimiter belongs to it */
            if (end > at && body[end - 1] == '\n')
                end--;
            if (end > at && body[end - 1] == '\r')
                end--;
        }
        part->data = body + at;
        part->len = end - at;
        n++;
        d = next;
    }
    return n;
}

const lb_part *lb_multipart_find(const lb_part *parts, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(parts[i].name, name) == 0)
            return &parts[i];
    return NULL;
}
