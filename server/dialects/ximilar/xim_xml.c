/* xim_xml.c — an XML 1.0 well-formedness checker for rendered VLM results.
 *
 * Checks: optional BOM and XML declaration (first thing only), comments (no "--"
 * inside), processing instructions (target not "xml"), an optional DOCTYPE with
 * an internal subset skipped by bracket matching, exactly one root element,
 * matching start/end tags, attribute syntax and uniqueness per element, no '<'
 * in attribute values, character and entity references (the five predefined
 * entities; others only when a DOCTYPE could have declared them), CDATA
 * sections, no "]]>" in text, and characters allowed by XML 1.0 (no C0 controls
 * except tab, LF, CR). Names accept ASCII name characters and any non-ASCII
 * byte (the input is already valid UTF-8).
 *
 * Invariants: no recursion — open elements live on a bounded stack of offsets
 * into the input (XIM_XML_MAX_DEPTH), so hostile nesting cannot exhaust memory or
 * the call stack. Errors read "line L, column C: message". Pure; any thread.
 */
#include "xim_formats.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define XIM_XML_MAX_DEPTH 256
#define XIM_XML_MAX_ATTRS 64

typedef struct {
    const char *s;
    size_t n;
    size_t i;
    int has_doctype;
    char *err;
    size_t errlen;
} xml_parser;

static int xml_fail(xml_parser *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int xml_fail(xml_parser *p, size_t at, const char *fmt, ...)
{
    if (at > p->n)
        at = p->n;
    int line = 1;
    size_t ls = 0;
    for (size_t k = 0; k < at; k++)
        if (p->s[k] == '\n') {
            line++;
            ls = k + 1;
        }
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (p->err && p->errlen)
        snprintf(p->err, p->errlen, "line %d, column %zu: %s", line, at - ls + 1, msg);
    return -1;
}

static int xml_eof(const xml_parser *p) { return p->i >= p->n; }
static char xml_cur(const xml_parser *p) { return p->i < p->n ? p->s[p->i] : 0; }
static int xml_is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int xml_starts(const xml_parser *p, const char *lit)
{
    size_t l = strlen(lit);
    return p->i + l <= p->n && memcmp(p->s + p->i, lit, l) == 0;
}

static int xml_name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static int xml_name_char(unsigned char c)
{
    return xml_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static void xml_skip_space(xml_parser *p)
{
    while (!xml_eof(p) && xml_is_space(xml_cur(p)))
        p->i++;
}

/* Reads a name at the cursor; *len = its length. */
static int xml_name(xml_parser *p, size_t *len, const char *what)
{
    size_t start = p->i;
    if (xml_eof(p) || !xml_name_start((unsigned char)xml_cur(p)))
        return xml_fail(p, p->i, "expected %s name", what);
    while (!xml_eof(p) && xml_name_char((unsigned char)xml_cur(p)))
        p->i++;
    *len = p->i - start;
    return 0;
}

/* "&...;" at the cursor. */
static int xml_reference(xml_parser *p)
{
    size_t amp = p->i++;
    if (xml_cur(p) == '#') {
        p->i++;
        int hex = 0;
        if (xml_cur(p) == 'x') {
            hex = 1;
            p->i++;
        }
        uint32_t v = 0;
        size_t digits = 0;
        for (; !xml_eof(p) && xml_cur(p) != ';'; p->i++, digits++) {
            char c = xml_cur(p);
            int d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (hex && c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                return xml_fail(p, amp, "malformed character reference");
            if (v <= 0x10FFFF)
                v = v * (hex ? 16u : 10u) + (uint32_t)d;
        }
        if (xml_eof(p) || digits == 0)
            return xml_fail(p, amp, "malformed character reference");
        p->i++;
        int ok = v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) ||
                 (v >= 0x10000 && v <= 0x10FFFF);
        if (!ok)
            return xml_fail(p, amp, "character reference to an invalid character");
        return 0;
    }
    size_t len = 0;
    size_t name = p->i;
    if (xml_name(p, &len, "entity") != 0)
        return -1;
    if (xml_cur(p) != ';')
        return xml_fail(p, amp, "entity reference is missing its ';'");
    p->i++;
    static const char *predefined[] = {"amp", "lt", "gt", "apos", "quot"};
    for (size_t k = 0; k < sizeof predefined / sizeof *predefined; k++)
        if (strlen(predefined[k]) == len && memcmp(predefined[k], p->s + name, len) == 0)
            return 0;
    if (p->has_doctype)
        return 0;
    return xml_fail(p, amp, "undefined entity '&%.*s;'", (int)(len > 40 ? 40 : len), p->s + name);
}

static int xml_comment(xml_parser *p)
{
    size_t open = p->i;
    p->i += 4;
    for (; !xml_eof(p); p->i++) {
        if (xml_starts(p, "--")) {
            if (xml_starts(p, "-->")) {
                p->i += 3;
                return 0;
            }
            return xml_fail(p, p->i, "'--' is not allowed inside a comment");
        }
    }
    return xml_fail(p, open, "unterminated comment");
}

static int xml_pi(xml_parser *p)
{
    size_t open = p->i;
    p->i += 2;
    size_t len = 0;
    size_t name = p->i;
    if (xml_name(p, &len, "processing instruction target") != 0)
        return -1;
    if (len == 3 && (p->s[name] | 0x20) == 'x' && (p->s[name + 1] | 0x20) == 'm' && (p->s[name + 2] | 0x20) == 'l')
        return xml_fail(p, open, "an XML declaration is only allowed at the very start");
    for (; !xml_eof(p); p->i++)
        if (xml_starts(p, "?>")) {
            p->i += 2;
            return 0;
        }
    return xml_fail(p, open, "unterminated processing instruction");
}

static int xml_quoted_value(xml_parser *p, const char *what)
{
    char q = xml_cur(p);
    if (q != '"' && q != '\'')
        return xml_fail(p, p->i, "%s value must be quoted", what);
    size_t open = p->i++;
    while (!xml_eof(p) && xml_cur(p) != q) {
        if (xml_cur(p) == '<')
            return xml_fail(p, p->i, "'<' is not allowed in %s values", what);
        if (xml_cur(p) == '&') {
            if (xml_reference(p) != 0)
                return -1;
            continue;
        }
        p->i++;
    }
    if (xml_eof(p))
        return xml_fail(p, open, "unterminated %s value", what);
    p->i++;
    return 0;
}

static int xml_declaration(xml_parser *p)
{
    size_t open = p->i;
    p->i += 5;
    if (!xml_is_space(xml_cur(p)))
        return xml_fail(p, open, "malformed XML declaration");
    int seen_version = 0;
    for (;;) {
        xml_skip_space(p);
        if (xml_starts(p, "?>")) {
            p->i += 2;
            break;
        }
        size_t len = 0;
        size_t name = p->i;
        if (xml_name(p, &len, "XML declaration attribute") != 0)
            return -1;
        if (len == 7 && memcmp(p->s + name, "version", 7) == 0)
            seen_version = 1;
        else if (!(len == 8 && memcmp(p->s + name, "encoding", 8) == 0) &&
                 !(len == 10 && memcmp(p->s + name, "standalone", 10) == 0))
            return xml_fail(p, name, "unknown XML declaration attribute");
        xml_skip_space(p);
        if (xml_cur(p) != '=')
            return xml_fail(p, p->i, "expected '=' in the XML declaration");
        p->i++;
        xml_skip_space(p);
        if (xml_quoted_value(p, "XML declaration") != 0)
            return -1;
        if (xml_eof(p))
            return xml_fail(p, open, "unterminated XML declaration");
    }
    if (!seen_version)
        return xml_fail(p, open, "the XML declaration needs a version");
    return 0;
}

static int xml_doctype(xml_parser *p)
{
    size_t open = p->i;
    p->i += 9;
    int bracket = 0;
    char quote = 0;
    for (; !xml_eof(p); p->i++) {
        char c = xml_cur(p);
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '[') {
            bracket++;
        } else if (c == ']') {
            bracket--;
        } else if (c == '>' && bracket <= 0) {
            p->i++;
            p->has_doctype = 1;
            return 0;
        }
    }
    return xml_fail(p, open, "unterminated DOCTYPE");
}

/* Misc* (comments, PIs, whitespace) between prolog items or after the root. */
static int xml_misc(xml_parser *p, int allow_doctype, int *saw_doctype)
{
    for (;;) {
        xml_skip_space(p);
        if (xml_starts(p, "<!--")) {
            if (xml_comment(p) != 0)
                return -1;
        } else if (xml_starts(p, "<?")) {
            if (xml_pi(p) != 0)
                return -1;
        } else if (allow_doctype && xml_starts(p, "<!DOCTYPE")) {
            if (*saw_doctype)
                return xml_fail(p, p->i, "only one DOCTYPE is allowed");
            *saw_doctype = 1;
            if (xml_doctype(p) != 0)
                return -1;
        } else {
            return 0;
        }
    }
}

/* Start tag at '<'; *empty set for "/>"; the name's offset and length returned. */
static int xml_start_tag(xml_parser *p, size_t *name, size_t *len, int *empty)
{
    p->i++;
    *name = p->i;
    if (xml_name(p, len, "element") != 0)
        return -1;
    size_t attrs[XIM_XML_MAX_ATTRS], attr_len[XIM_XML_MAX_ATTRS];
    int nattrs = 0;
    for (;;) {
        int had_space = xml_is_space(xml_cur(p));
        xml_skip_space(p);
        if (xml_eof(p))
            return xml_fail(p, *name - 1, "unterminated start tag");
        if (xml_cur(p) == '>') {
            p->i++;
            *empty = 0;
            return 0;
        }
        if (xml_starts(p, "/>")) {
            p->i += 2;
            *empty = 1;
            return 0;
        }
        if (!had_space)
            return xml_fail(p, p->i, "attributes must be separated by whitespace");
        size_t an = p->i, alen = 0;
        if (xml_name(p, &alen, "attribute") != 0)
            return -1;
        for (int k = 0; k < nattrs; k++)
            if (attr_len[k] == alen && memcmp(p->s + attrs[k], p->s + an, alen) == 0)
                return xml_fail(p, an, "duplicate attribute '%.*s'", (int)(alen > 40 ? 40 : alen), p->s + an);
        if (nattrs == XIM_XML_MAX_ATTRS)
            return xml_fail(p, an, "more than %d attributes on one element", XIM_XML_MAX_ATTRS);
        attrs[nattrs] = an;
        attr_len[nattrs++] = alen;
        xml_skip_space(p);
        if (xml_cur(p) != '=')
            return xml_fail(p, p->i, "expected '=' after attribute name");
        p->i++;
        xml_skip_space(p);
        if (xml_quoted_value(p, "attribute") != 0)
            return -1;
    }
}

int xim_xml_validate(const char *text, size_t len, char *err, size_t errlen)
{
    xml_parser p = {.s = text, .n = len, .err = err, .errlen = errlen};
    size_t stack[XIM_XML_MAX_DEPTH], stack_len[XIM_XML_MAX_DEPTH];
    int depth = 0, saw_doctype = 0, rc = -1;
    if (err && errlen)
        err[0] = 0;
    for (size_t k = 0; k < len; k++) {
        unsigned char c = (unsigned char)text[k];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return xml_fail(&p, k, "character 0x%02x is not allowed in XML", c);
    }
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF)
        p.i = 3;
    if (xml_starts(&p, "<?xml") && p.i + 5 < len && xml_is_space(text[p.i + 5]) && xml_declaration(&p) != 0)
        goto out;
    if (xml_misc(&p, 1, &saw_doctype) != 0)
        goto out;
    if (xml_eof(&p)) {
        xml_fail(&p, p.i, "no root element");
        goto out;
    }
    if (xml_cur(&p) != '<') {
        xml_fail(&p, p.i, "text is not allowed outside the root element");
        goto out;
    }
    /* Elements and content. */
    for (;;) {
        if (xml_eof(&p) && depth == 0) {
            xml_fail(&p, p.i, "no root element");
            goto out;
        }
        if (xml_eof(&p)) {
            xml_fail(&p, stack[depth - 1] - 1, "element '%.*s' is never closed",
                     (int)(stack_len[depth - 1] > 40 ? 40 : stack_len[depth - 1]), text + stack[depth - 1]);
            goto out;
        }
        char c = xml_cur(&p);
        if (c == '<') {
            if (xml_starts(&p, "<!--")) {
                if (xml_comment(&p) != 0)
                    goto out;
            } else if (xml_starts(&p, "<![CDATA[")) {
                size_t open = p.i;
                if (depth == 0) {
                    xml_fail(&p, p.i, "text is not allowed outside the root element");
                    goto out;
                }
                p.i += 9;
                while (!xml_eof(&p) && !xml_starts(&p, "]]>"))
                    p.i++;
                if (xml_eof(&p)) {
                    xml_fail(&p, open, "unterminated CDATA section");
                    goto out;
                }
                p.i += 3;
            } else if (xml_starts(&p, "<?")) {
                if (xml_pi(&p) != 0)
                    goto out;
            } else if (xml_starts(&p, "<!")) {
                xml_fail(&p, p.i, "markup declarations are only allowed in the DOCTYPE");
                goto out;
            } else if (xml_starts(&p, "</")) {
                size_t at = p.i;
                p.i += 2;
                size_t name = p.i, nlen = 0;
                if (xml_name(&p, &nlen, "end tag") != 0)
                    goto out;
                xml_skip_space(&p);
                if (xml_cur(&p) != '>') {
                    xml_fail(&p, p.i, "expected '>' to close the end tag");
                    goto out;
                }
                p.i++;
                if (depth == 0) {
                    xml_fail(&p, at, "end tag without a matching start tag");
                    goto out;
                }
                if (stack_len[depth - 1] != nlen || memcmp(text + stack[depth - 1], text + name, nlen) != 0) {
                    xml_fail(&p, at, "mismatched tag: expected '</%.*s>'",
                             (int)(stack_len[depth - 1] > 40 ? 40 : stack_len[depth - 1]), text + stack[depth - 1]);
                    goto out;
                }
                depth--;
                if (depth == 0)
                    break;
            } else {
                size_t name = 0, nlen = 0;
                int empty = 0;
                if (xml_start_tag(&p, &name, &nlen, &empty) != 0)
                    goto out;
                if (!empty) {
                    if (depth == XIM_XML_MAX_DEPTH) {
                        xml_fail(&p, name, "elements nested deeper than %d levels", XIM_XML_MAX_DEPTH);
                        goto out;
                    }
                    stack[depth] = name;
                    stack_len[depth++] = nlen;
                } else if (depth == 0) {
                    break;
                }
            }
            continue;
        }
        if (depth == 0) {
            xml_fail(&p, p.i, "text is not allowed outside the root element");
            goto out;
        }
        if (c == '&') {
            if (xml_reference(&p) != 0)
                goto out;
            continue;
        }
        if (xml_starts(&p, "]]>")) {
            xml_fail(&p, p.i, "']]>' is not allowed in text");
            goto out;
        }
        p.i++;
    }
    if (xml_misc(&p, 0, &saw_doctype) != 0)
        goto out;
    if (!xml_eof(&p)) {
        xml_fail(&p, p.i, "junk after the root element");
        goto out;
    }
    rc = 0;
out:
    return rc;
}
