/* format.c — the format registry and the small text helpers every format writer
 * shares (growable buffer, JSON/XML/CSV escaping, shortest round-trip numbers).
 * Pure; any thread.
 */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const format_def format_coco, format_yolo_darknet, format_yolo_keras, format_voc, format_csv_four_corner,
    format_csv_width_height, format_vi_jsonl, format_vi_full, format_tfrecord;

const format_def *format_find(const char *name)
{
    static const format_def *const all[] = {&format_coco,           &format_yolo_darknet,
                                            &format_yolo_keras,     &format_voc,
                                            &format_csv_four_corner, &format_csv_width_height,
                                            &format_vi_jsonl,       &format_vi_full,
                                            &format_tfrecord};
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

void format_buf_put(format_buf *b, const void *p, size_t n)
{
    if (b->failed || n == 0)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        unsigned char *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void format_buf_puts(format_buf *b, const char *s) { format_buf_put(b, s, strlen(s)); }

void format_buf_printf(format_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        format_buf_put(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    format_buf_put(b, big, (size_t)n);
    free(big);
}

void format_buf_num(format_buf *b, double v)
{
    if (!isfinite(v))
        v = 0;
    if (v == floor(v) && fabs(v) < 1e15) {
        format_buf_printf(b, "%lld", (long long)v);
        return;
    }
    /* Ten significant digits: far below a pixel, and free of the binary noise
     * (0.30000000000000004) that subtractions leave behind. */
    format_buf_printf(b, "%.10g", v);
}

void format_buf_json_string(format_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    format_buf_put(b, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        format_buf_put(b, run, (size_t)(s - run));
        run = s + 1;
        switch (c) {
        case '"': format_buf_puts(b, "\\\""); break;
        case '\\': format_buf_puts(b, "\\\\"); break;
        case '\n': format_buf_puts(b, "\\n"); break;
        case '\r': format_buf_puts(b, "\\r"); break;
        case '\t': format_buf_puts(b, "\\t"); break;
        default: {
            char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            format_buf_puts(b, esc);
        }
        }
    }
    format_buf_put(b, run, (size_t)(s - run));
    format_buf_put(b, "\"", 1);
}

void format_buf_xml(format_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': format_buf_puts(b, "&lt;"); break;
        case '>': format_buf_puts(b, "&gt;"); break;
        case '&': format_buf_puts(b, "&amp;"); break;
        case '"': format_buf_puts(b, "&quot;"); break;
        case '\'': format_buf_puts(b, "&apos;"); break;
        default:
            /* XML 1.0 forbids most control characters even escaped. */
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')
                format_buf_put(b, " ", 1);
            else
                format_buf_put(b, s, 1);
        }
    }
}

void format_buf_csv(format_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        format_buf_puts(b, s);
        return;
    }
    format_buf_put(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            format_buf_put(b, "\"", 1);
        format_buf_put(b, s, 1);
    }
    format_buf_put(b, "\"", 1);
}

void format_buf_free(format_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void format_stem(const char *filename, char *out, size_t cap)
{
    snprintf(out, cap, "%s", filename);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = 0;
}

double format_px(double v, int size) { return v * (double)size; }

int format_root_classes(const format_options *o, format_emit emit, void *arg)
{
    format_buf b = {0};
    for (size_t i = 0; i < o->nclasses; i++) {
        format_buf_puts(&b, o->classes[i]);
        format_buf_puts(&b, "\n");
    }
    int rc = b.failed ? -1 : emit(arg, "classes.txt", b.data ? (const void *)b.data : "", b.len);
    format_buf_free(&b);
    return rc;
}
