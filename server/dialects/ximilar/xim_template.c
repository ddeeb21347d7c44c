/* xim_template.c — rendering of VLM result templates.
 *
 * A placeholder is "{{", optional spaces, an identifier, optional spaces, "}}";
 * any other "{{" is literal text (so JSON such as `{"a": {{{x}}}}` works). While
 * copying the literal text, a small per-format state machine tracks whether the
 * next placeholder sits inside a quoted string, and the value is written for
 * that context:
 *   json  in a string: JSON string escapes; outside: JSON literals (strings as
 *         quoted JSON strings);
 *   yaml  in "…": YAML double-quoted escapes; in '…': quote doubling; plain:
 *         literals, strings plain when that is safe, else double-quoted;
 *   xml   entities for & < > " ', characters XML 1.0 cannot carry become U+FFFD;
 *   csv   in a quoted field: quote doubling; outside: the field is quoted when
 *         it needs to be;
 *   none  the value's text as is.
 * Numbers and booleans are literals everywhere; arrays and objects are JSON.
 * Pure; any thread.
 */
#include "xim_template.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *buf;
    size_t len, cap;
    int oom;
} tbuf;

static void tbuf_put(tbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->buf, cap);
        if (!grown) {
            b->oom = 1;
            return;
        }
        b->buf = grown;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = 0;
}

static void tbuf_puts(tbuf *b, const char *s) { tbuf_put(b, s, strlen(s)); }

void xim_number_format(double v, char out[32])
{
    if (isnan(v)) {
        snprintf(out, 32, "nan");
        return;
    }
    if (isinf(v)) {
        snprintf(out, 32, v < 0 ? "-inf" : "inf");
        return;
    }
    int prec = 1;
    for (; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            break;
    }
    double mag = fabs(v);
    if (strchr(out, 'e') && mag >= 1e-4 && mag < 1e16) {
        /* Python's repr keeps fixed notation in this range. */
        int decimals = prec - 1 - (int)floor(log10(mag));
        snprintf(out, 32, "%.*f", decimals > 0 ? decimals : 0, v);
    }
    if (!strpbrk(out, ".e"))
        strncat(out, ".0", 31 - strlen(out));
}

/* Text of a scalar (strings raw, reals Python-style) or JSON of a container;
 * malloc'd. */
static char *value_text(const json_t *v)
{
    char num[32];
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_real(v)) {
        xim_number_format(json_real_value(v), num);
        return strdup(num);
    }
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return strdup(num);
    }
    if (json_is_true(v))
        return strdup("true");
    if (json_is_false(v))
        return strdup("false");
    if (json_is_null(v))
        return strdup("null");
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

void xim_value_describe(const json_t *v, char *out, size_t cap)
{
    char *t = value_text(v);
    if (json_is_string(v))
        snprintf(out, cap, "'%s'", t ? t : "");
    else
        snprintf(out, cap, "%s", t ? t : "");
    if (cap > 4 && t && strlen(t) + 2 >= cap)
        memcpy(out + cap - 4, "...", 4);
    free(t);
}

static void put_json_escaped(tbuf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char tmp[8];
        switch (*p) {
        case '"': tbuf_puts(b, "\\\""); break;
        case '\\': tbuf_puts(b, "\\\\"); break;
        case '\n': tbuf_puts(b, "\\n"); break;
        case '\r': tbuf_puts(b, "\\r"); break;
        case '\t': tbuf_puts(b, "\\t"); break;
        case '\b': tbuf_puts(b, "\\b"); break;
        case '\f': tbuf_puts(b, "\\f"); break;
        default:
            if (*p < 0x20) {
                snprintf(tmp, sizeof tmp, "\\u%04x", *p);
                tbuf_puts(b, tmp);
            } else {
                tbuf_put(b, (const char *)p, 1);
            }
        }
    }
}

/* YAML double-quoted escapes; also used for JSON-compatible output. */
static void put_yaml_dq_escaped(tbuf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char tmp[8];
        switch (*p) {
        case '"': tbuf_puts(b, "\\\""); break;
        case '\\': tbuf_puts(b, "\\\\"); break;
        case '\n': tbuf_puts(b, "\\n"); break;
        case '\r': tbuf_puts(b, "\\r"); break;
        case '\t': tbuf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                snprintf(tmp, sizeof tmp, "\\x%02x", *p);
                tbuf_puts(b, tmp);
            } else {
                tbuf_put(b, (const char *)p, 1);
            }
        }
    }
}

static void put_doubled(tbuf *b, const char *s, char q)
{
    for (const char *p = s; *p; p++) {
        if (*p == q)
            tbuf_put(b, p, 1);
        tbuf_put(b, p, 1);
    }
}

static void put_xml_escaped(tbuf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&': tbuf_puts(b, "&amp;"); break;
        case '<': tbuf_puts(b, "&lt;"); break;
        case '>': tbuf_puts(b, "&gt;"); break;
        case '"': tbuf_puts(b, "&quot;"); break;
        case '\'': tbuf_puts(b, "&apos;"); break;
        default:
            if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
                tbuf_puts(b, "\xEF\xBF\xBD");
            else
                tbuf_put(b, (const char *)p, 1);
        }
    }
}

/* A string YAML would read back as the same plain string. */
static int yaml_plain_safe(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || isspace((unsigned char)s[0]) || isspace((unsigned char)s[n - 1]))
        return 0;
    if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]))
        return 0;
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return 0;
        if (*p == ':' && (p[1] == ' ' || p[1] == 0))
            return 0;
        if (*p == '#' && p > s && p[-1] == ' ')
            return 0;
    }
    static const char *typed[] = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"};
    for (size_t k = 0; k < sizeof typed / sizeof *typed; k++)
        if (strcasecmp(s, typed[k]) == 0)
            return 0;
    char *end = NULL;
    strtod(s, &end);
    if (end && *end == 0)
        return 0; /* would read as a number */
    return 1;
}

static int csv_needs_quotes(const char *s)
{
    size_t n = strlen(s);
    return strpbrk(s, ",\"\r\n") != NULL || (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
}

typedef enum { CTX_PLAIN = 0, CTX_DQ, CTX_SQ } tpl_ctx;

static void put_value(tbuf *b, xim_format f, tpl_ctx ctx, const json_t *v)
{
    char *text = value_text(v);
    if (!text) {
        b->oom = 1;
        return;
    }
    int is_string = json_is_string(v);
    switch (f) {
    case XIM_FMT_JSON:
        if (ctx == CTX_DQ) {
            put_json_escaped(b, text);
        } else if (is_string) {
            tbuf_puts(b, "\"");
            put_json_escaped(b, text);
            tbuf_puts(b, "\"");
        } else {
            tbuf_puts(b, text);
        }
        break;
    case XIM_FMT_YAML:
        if (ctx == CTX_DQ) {
            put_yaml_dq_escaped(b, text);
        } else if (ctx == CTX_SQ) {
            put_doubled(b, text, '\'');
        } else if (!is_string || yaml_plain_safe(text)) {
            tbuf_puts(b, text);
        } else {
            tbuf_puts(b, "\"");
            put_yaml_dq_escaped(b, text);
            tbuf_puts(b, "\"");
        }
        break;
    case XIM_FMT_XML:
        put_xml_escaped(b, text);
        break;
    case XIM_FMT_CSV:
        if (ctx == CTX_DQ) {
            put_doubled(b, text, '"');
        } else if (csv_needs_quotes(text)) {
            tbuf_puts(b, "\"");
            put_doubled(b, text, '"');
            tbuf_puts(b, "\"");
        } else {
            tbuf_puts(b, text);
        }
        break;
    case XIM_FMT_NONE:
    default:
        tbuf_puts(b, text);
        break;
    }
    free(text);
}

/* Updates the quoting context after literal character c (prev: the literal
 * character before it, or 0 at a line start / template start). */
static tpl_ctx advance_ctx(xim_format f, tpl_ctx ctx, char c, char prev, int *escaped)
{
    switch (f) {
    case XIM_FMT_JSON:
        if (ctx == CTX_DQ) {
            if (*escaped)
                *escaped = 0;
            else if (c == '\\')
                *escaped = 1;
            else if (c == '"')
                return CTX_PLAIN;
            return ctx;
        }
        return c == '"' ? CTX_DQ : CTX_PLAIN;
    case XIM_FMT_YAML:
        if (ctx == CTX_DQ) {
            if (*escaped)
                *escaped = 0;
            else if (c == '\\')
                *escaped = 1;
            else if (c == '"')
                return CTX_PLAIN;
            return ctx;
        }
        if (ctx == CTX_SQ)
            return c == '\'' ? CTX_PLAIN : ctx; /* '' re-enters at once */
        if (c == '"')
            return CTX_DQ;
        if (c == '\'' && (prev == 0 || strchr(" \t\n:-[{,?", prev)))
            return CTX_SQ;
        return CTX_PLAIN;
    case XIM_FMT_CSV:
        if (ctx == CTX_DQ)
            return c == '"' ? CTX_PLAIN : ctx;
        return c == '"' ? CTX_DQ : CTX_PLAIN;
    case XIM_FMT_XML:
    case XIM_FMT_NONE:
    default:
        return CTX_PLAIN;
    }
}

/* When tpl[i] starts a placeholder: its name bounds and the index past "}}". */
static int placeholder_at(const char *tpl, size_t i, size_t *name, size_t *name_len, size_t *end)
{
    if (tpl[i] != '{' || tpl[i + 1] != '{')
        return 0;
    size_t k = i + 2;
    while (tpl[k] == ' ' || tpl[k] == '\t')
        k++;
    if (!(isalpha((unsigned char)tpl[k]) || tpl[k] == '_'))
        return 0;
    size_t start = k;
    while (isalnum((unsigned char)tpl[k]) || tpl[k] == '_')
        k++;
    size_t len = k - start;
    while (tpl[k] == ' ' || tpl[k] == '\t')
        k++;
    if (tpl[k] != '}' || tpl[k + 1] != '}')
        return 0;
    *name = start;
    *name_len = len;
    *end = k + 2;
    return 1;
}

json_t *xim_template_names(const char *tpl)
{
    json_t *names = json_array();
    if (!tpl || !names)
        return names;
    for (size_t i = 0; tpl[i];) {
        size_t name, len, end;
        if (placeholder_at(tpl, i, &name, &len, &end)) {
            json_t *s = json_stringn(tpl + name, len);
            int dup = 0;
            size_t k;
            json_t *e;
            json_array_foreach(names, k, e) if (json_equal(e, s)) dup = 1;
            if (dup)
                json_decref(s);
            else
                json_array_append_new(names, s);
            i = end;
        } else {
            i++;
        }
    }
    return names;
}

char *xim_template_render(const char *tpl, xim_format f, const json_t *values, const json_t *known, int check,
                          char *err, size_t errlen)
{
    tbuf b = {0};
    tpl_ctx ctx = CTX_PLAIN;
    int escaped = 0;
    char prev = 0;
    char name_buf[128];
    if (err && errlen)
        err[0] = 0;
    tbuf_puts(&b, "");
    for (size_t i = 0; tpl[i];) {
        size_t name, len, end;
        if (placeholder_at(tpl, i, &name, &len, &end)) {
            snprintf(name_buf, sizeof name_buf, "%.*s", (int)(len < 100 ? len : 100), tpl + name);
            if (known && !json_object_get(known, name_buf)) {
                if (err && errlen)
                    snprintf(err, errlen, "result template: placeholder {{%s}} names no variable of the dataset",
                             name_buf);
                free(b.buf);
                return NULL;
            }
            const json_t *v = json_object_get(values, name_buf);
            if (v && !json_is_null(v))
                put_value(&b, f, ctx, v);
            i = end;
            prev = 'x'; /* a value is content: a following quote does not open a YAML scalar */
            continue;
        }
        char c = tpl[i];
        ctx = advance_ctx(f, ctx, c, prev, &escaped);
        prev = c == '\n' ? 0 : c;
        tbuf_put(&b, &c, 1);
        i++;
    }
    if (b.oom) {
        free(b.buf);
        if (err && errlen)
            snprintf(err, errlen, "out of memory while rendering the result template");
        return NULL;
    }
    if (check && f != XIM_FMT_NONE) {
        char perr[300];
        if (xim_format_validate(f, b.buf, b.len, perr, sizeof perr) != 0) {
            static const char *upper[] = {"", "JSON", "YAML", "XML", "CSV"};
            if (err && errlen)
                snprintf(err, errlen, "rendered result does not parse as %s: %s", upper[f], perr);
            free(b.buf);
            return NULL;
        }
    }
    return b.buf;
}
