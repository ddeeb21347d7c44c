/* xim_yaml.c — a YAML well-formedness checker for rendered VLM results.
 *
 * It answers one question: does this text parse as YAML? It builds no tree. The
 * grammar covered is what real documents and our templates use: block mappings
 * and sequences (including compact "- key: v" items and sequences at the same
 * indentation as their mapping key), flow collections over several lines, plain,
 * single- and double-quoted scalars (with escape checking), literal and folded
 * block scalars with indicators, anchors, aliases, tags, comments, directives and
 * document markers. Complex keys ("? ") are refused with a clear message.
 *
 * Invariants: the cursor only moves forward; every loop consumes input or ends;
 * nesting is bounded (XIM_YAML_MAX_DEPTH) so hostile input cannot exhaust the
 * stack. Errors read "line L, column C: message" (1-based), like PyYAML's marks.
 * Pure and reentrant: any thread.
 */
#include "xim_formats.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define XIM_YAML_MAX_DEPTH 200
#define NO_POS SIZE_MAX

typedef struct {
    const char *s;
    size_t n;
    size_t i;
    int depth;
    int failed;
    char *err;
    size_t errlen;
} yaml_parser;

static int yaml_fail(yaml_parser *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int yaml_fail(yaml_parser *p, size_t at, const char *fmt, ...)
{
    if (p->failed)
        return -1;
    p->failed = 1;
    if (at > p->n)
        at = p->n;
    int line = 1;
    size_t ls = 0;
    for (size_t k = 0; k < at; k++)
        if (p->s[k] == '\n' || (p->s[k] == '\r' && (k + 1 >= p->n || p->s[k + 1] != '\n'))) {
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

static int yaml_eof(const yaml_parser *p) { return p->i >= p->n; }
static char yaml_at(const yaml_parser *p, size_t k) { return k < p->n ? p->s[k] : 0; }
static char yaml_cur(const yaml_parser *p) { return yaml_at(p, p->i); }
static int yaml_is_break(char c) { return c == '\n' || c == '\r'; }
static int yaml_is_blank(char c) { return c == ' ' || c == '\t'; }
/* Blank, line break or end of input: what must follow '-', '?', ':' indicators. */
static int yaml_is_sep(const yaml_parser *p, size_t k) { return k >= p->n || yaml_is_blank(p->s[k]) || yaml_is_break(p->s[k]); }

static size_t yaml_line_start(const yaml_parser *p, size_t at)
{
    while (at > 0 && !yaml_is_break(p->s[at - 1]))
        at--;
    return at;
}

static int yaml_col(const yaml_parser *p, size_t at) { return (int)(at - yaml_line_start(p, at)); }

static void yaml_skip_spaces(yaml_parser *p)
{
    while (!yaml_eof(p) && yaml_is_blank(yaml_cur(p)))
        p->i++;
}

static void yaml_next_line(yaml_parser *p)
{
    while (!yaml_eof(p) && !yaml_is_break(yaml_cur(p)))
        p->i++;
    if (yaml_cur(p) == '\r')
        p->i++;
    if (yaml_cur(p) == '\n')
        p->i++;
}

/* After a value: only blanks and a comment may remain on the line. 0 when the
 * line is finished (cursor on the break or at the end), -1 otherwise. */
static int yaml_rest_empty(yaml_parser *p)
{
    yaml_skip_spaces(p);
    if (yaml_cur(p) == '#' && (p->i == 0 || yaml_is_blank(p->s[p->i - 1]) || yaml_is_break(p->s[p->i - 1]))) {
        while (!yaml_eof(p) && !yaml_is_break(yaml_cur(p)))
            p->i++;
    }
    return yaml_eof(p) || yaml_is_break(yaml_cur(p)) ? 0 : -1;
}

/* "---" or "..." at column 0 followed by a separator. */
static int yaml_doc_marker(const yaml_parser *p, size_t k, char c)
{
    return yaml_col(p, k) == 0 && k + 3 <= p->n && p->s[k] == c && p->s[k + 1] == c && p->s[k + 2] == c &&
           yaml_is_sep(p, k + 3);
}

/* Moves to the next content character, skipping blank and comment lines. 1 with
 * *indent set (its column), 0 at the end, -1 on a tab used as indentation. */
static int yaml_skip_to_content(yaml_parser *p, int *indent)
{
    for (;;) {
        yaml_skip_spaces(p);
        if (yaml_eof(p))
            return 0;
        char c = yaml_cur(p);
        if (c == '#') {
            while (!yaml_eof(p) && !yaml_is_break(yaml_cur(p)))
                p->i++;
            continue;
        }
        if (yaml_is_break(c)) {
            yaml_next_line(p);
            continue;
        }
        size_t ls = yaml_line_start(p, p->i);
        int only_ws = 1, tab = 0;
        for (size_t k = ls; k < p->i; k++) {
            if (p->s[k] == '\t')
                tab = 1;
            else if (p->s[k] != ' ')
                only_ws = 0;
        }
        if (only_ws && tab)
            return yaml_fail(p, p->i, "found a tab character where an indentation space is expected");
        *indent = yaml_col(p, p->i);
        return 1;
    }
}

static int yaml_block_node(yaml_parser *p, int parent, int seq_at_parent);
static int yaml_node_at(yaml_parser *p, int indent, int parent);
static int yaml_flow_node(yaml_parser *p);

static int yaml_enter(yaml_parser *p)
{
    if (++p->depth > XIM_YAML_MAX_DEPTH)
        return yaml_fail(p, p->i, "nesting deeper than %d levels", XIM_YAML_MAX_DEPTH);
    return 0;
}

static int yaml_double_quoted(yaml_parser *p)
{
    size_t open = p->i++;
    while (!yaml_eof(p)) {
        char c = yaml_cur(p);
        if (c == '"') {
            p->i++;
            return 0;
        }
        if (c != '\\') {
            p->i++;
            continue;
        }
        size_t esc = p->i++;
        char e = yaml_cur(p);
        int hex = 0;
        switch (e) {
        case '0': case 'a': case 'b': case 't': case '\t': case 'n': case 'v': case 'f': case 'r': case 'e':
        case ' ': case '"': case '/': case '\\': case 'N': case '_': case 'L': case 'P':
            p->i++;
            continue;
        case '\n':
        case '\r':
            yaml_next_line(p);
            continue;
        case 'x': hex = 2; break;
        case 'u': hex = 4; break;
        case 'U': hex = 8; break;
        default:
            return yaml_fail(p, esc, "found unknown escape character '%c' in a double-quoted scalar",
                             e >= 0x20 && e < 0x7f ? e : '?');
        }
        p->i++;
        for (int k = 0; k < hex; k++, p->i++) {
            char h = yaml_cur(p);
            if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                return yaml_fail(p, p->i, "expected %d hexadecimal digits in an escape sequence", hex);
        }
    }
    return yaml_fail(p, open, "found unexpected end of stream while scanning a double-quoted scalar");
}

static int yaml_single_quoted(yaml_parser *p)
{
    size_t open = p->i++;
    while (!yaml_eof(p)) {
        if (yaml_cur(p) == '\'') {
            if (yaml_at(p, p->i + 1) == '\'') {
                p->i += 2;
                continue;
            }
            p->i++;
            return 0;
        }
        p->i++;
    }
    return yaml_fail(p, open, "found unexpected end of stream while scanning a single-quoted scalar");
}

/* Anchor (&a), tag (!t) or alias (*a) token: the characters up to a separator. */
static int yaml_token(yaml_parser *p, const char *what)
{
    size_t start = p->i++;
    while (!yaml_eof(p) && !yaml_is_blank(yaml_cur(p)) && !yaml_is_break(yaml_cur(p)) &&
           !strchr(",[]{}", yaml_cur(p)))
        p->i++;
    if (p->i - start < 2 && p->s[start] != '!')
        return yaml_fail(p, start, "expected a name after the %s indicator", what);
    return 0;
}

/* Block scalar after '|' or '>'. Leaves the cursor at the start of the first line
 * that is not part of it. */
static int yaml_block_scalar(yaml_parser *p, int parent)
{
    size_t head = p->i++;
    int have_chomp = 0, explicit_indent = 0;
    for (int k = 0; k < 2; k++) {
        char c = yaml_cur(p);
        if ((c == '+' || c == '-') && !have_chomp) {
            have_chomp = 1;
            p->i++;
        } else if (c >= '1' && c <= '9' && !explicit_indent) {
            explicit_indent = c - '0';
            p->i++;
        } else if (c == '0') {
            return yaml_fail(p, p->i, "an indentation indicator must be between 1 and 9");
        }
    }
    if (!yaml_is_sep(p, p->i) && yaml_cur(p) != '#')
        return yaml_fail(p, p->i, "expected a comment or a line break after a block scalar header");
    if (yaml_rest_empty(p) != 0)
        return yaml_fail(p, head, "expected a comment or a line break after a block scalar header");
    yaml_next_line(p);
    int base = parent < 0 ? 0 : parent;
    int content = explicit_indent ? base + explicit_indent : -1;
    for (;;) {
        if (yaml_eof(p))
            return 0;
        size_t ls = p->i;
        size_t k = ls;
        while (k < p->n && p->s[k] == ' ')
            k++;
        int spaces = (int)(k - ls);
        size_t e = k;
        while (e < p->n && yaml_is_blank(p->s[e]))
            e++;
        if (e >= p->n || yaml_is_break(p->s[e])) {
            p->i = e; /* a blank line belongs to the scalar whatever its indentation */
            yaml_next_line(p);
            continue;
        }
        if (content < 0) {
            if (spaces <= parent)
                return 0; /* empty scalar; this line belongs to the parent */
            content = spaces;
        }
        if (spaces < content) {
            p->i = ls;
            return 0;
        }
        if (yaml_doc_marker(p, ls, '-') || yaml_doc_marker(p, ls, '.')) {
            p->i = ls;
            return 0;
        }
        p->i = k;
        yaml_next_line(p);
    }
}

/* Plain scalar in block context, possibly continued on more-indented lines. */
static int yaml_plain_block(yaml_parser *p, int parent)
{
    for (;;) {
        while (!yaml_eof(p) && !yaml_is_break(yaml_cur(p))) {
            char c = yaml_cur(p);
            if (c == ':' && yaml_is_sep(p, p->i + 1))
                return yaml_fail(p, p->i, "mapping values are not allowed here");
            if (c == '#' && p->i > 0 && yaml_is_blank(p->s[p->i - 1]))
                break;
            p->i++;
        }
        if (yaml_rest_empty(p) != 0)
            return yaml_fail(p, p->i, "unexpected characters after a plain scalar");
        /* Continuation: the next content line, if indented deeper than the parent. */
        size_t save = p->i;
        yaml_next_line(p);
        int indent = 0;
        int has = yaml_skip_to_content(p, &indent);
        if (has < 0)
            return -1;
        if (!has || indent <= parent || yaml_cur(p) == '#' || yaml_doc_marker(p, p->i, '-') ||
            yaml_doc_marker(p, p->i, '.')) {
            p->i = save;
            return 0;
        }
    }
}

/* A node that starts in the middle of a line (after "key: ", "- " or "--- ").
 * Leaves the cursor at the end of its last line (or the start of the next line
 * for block scalars). */
static int yaml_inline_value(yaml_parser *p, int parent)
{
    if (yaml_enter(p) != 0)
        return -1;
    int rc = 0;
    while (yaml_cur(p) == '&' || yaml_cur(p) == '!') {
        if (yaml_token(p, yaml_cur(p) == '&' ? "anchor" : "tag") != 0) {
            rc = -1;
            goto out;
        }
        yaml_skip_spaces(p);
        if (yaml_eof(p) || yaml_is_break(yaml_cur(p)) || yaml_cur(p) == '#') {
            if (yaml_rest_empty(p) != 0) {
                rc = yaml_fail(p, p->i, "unexpected characters after a node property");
                goto out;
            }
            yaml_next_line(p);
            rc = yaml_block_node(p, parent, 0);
            goto out;
        }
    }
    char c = yaml_cur(p);
    switch (c) {
    case '*':
        rc = yaml_token(p, "alias");
        break;
    case '[':
    case '{':
        rc = yaml_flow_node(p);
        break;
    case '"':
        rc = yaml_double_quoted(p);
        break;
    case '\'':
        rc = yaml_single_quoted(p);
        break;
    case '|':
    case '>':
        rc = yaml_block_scalar(p, parent);
        goto out; /* already past its lines */
    case '@':
    case '`':
        rc = yaml_fail(p, p->i, "found character '%c' that cannot start any token", c);
        goto out;
    case ']':
    case '}':
    case ',':
        rc = yaml_fail(p, p->i, "found unexpected '%c'", c);
        goto out;
    case '-':
        if (yaml_is_sep(p, p->i + 1)) {
            rc = yaml_fail(p, p->i, "block sequence entries are not allowed in this context");
            goto out;
        }
        rc = yaml_plain_block(p, parent);
        goto out;
    case '?':
    case ':':
        if (yaml_is_sep(p, p->i + 1)) {
            rc = yaml_fail(p, p->i, c == '?' ? "complex mapping keys are not supported"
                                              : "mapping values are not allowed here");
            goto out;
        }
        rc = yaml_plain_block(p, parent);
        goto out;
    default:
        rc = yaml_plain_block(p, parent);
        goto out;
    }
    if (rc == 0 && yaml_rest_empty(p) != 0)
        rc = yaml_fail(p, p->i, "expected the end of the line after a value");
out:
    p->depth--;
    return rc;
}

/* Where the ':' of a block mapping key on this line is, or NO_POS. */
static size_t yaml_find_key_colon(const yaml_parser *p, size_t from)
{
    size_t k = from;
    char c = yaml_at(p, k);
    if (c == '"' || c == '\'') {
        k++;
        while (k < p->n && !yaml_is_break(p->s[k])) {
            if (c == '"' && p->s[k] == '\\') {
                k += 2;
                continue;
            }
            if (p->s[k] == c) {
                if (c == '\'' && yaml_at(p, k + 1) == '\'') {
                    k += 2;
                    continue;
                }
                break;
            }
            k++;
        }
        if (k >= p->n || p->s[k] != c)
            return NO_POS;
        k++;
        while (k < p->n && yaml_is_blank(p->s[k]))
            k++;
        return yaml_at(p, k) == ':' ? k : NO_POS;
    }
    if (c == '[' || c == '{') {
        int depth = 0;
        for (; k < p->n && !yaml_is_break(p->s[k]); k++) {
            if (p->s[k] == '[' || p->s[k] == '{')
                depth++;
            else if ((p->s[k] == ']' || p->s[k] == '}') && --depth == 0)
                break;
        }
        if (k >= p->n || depth != 0)
            return NO_POS;
        k++;
        while (k < p->n && yaml_is_blank(p->s[k]))
            k++;
        return yaml_at(p, k) == ':' && yaml_is_sep(p, k + 1) ? k : NO_POS;
    }
    if (c == '&' || c == '!' || c == '*' || c == '|' || c == '>' || c == '#' || c == '%' || c == '@' || c == '`')
        return NO_POS;
    for (; k < p->n && !yaml_is_break(p->s[k]); k++) {
        if (p->s[k] == '#' && k > from && yaml_is_blank(p->s[k - 1]))
            return NO_POS;
        if (p->s[k] == ':' && yaml_is_sep(p, k + 1))
            return k == from ? NO_POS : k; /* an empty implicit key is refused, as PyYAML does */
    }
    return NO_POS;
}

static int yaml_block_sequence(yaml_parser *p, int indent)
{
    for (;;) {
        p->i++; /* '-' */
        if (yaml_rest_empty(p) == 0) {
            yaml_next_line(p);
            if (yaml_block_node(p, indent, 0) != 0)
                return -1;
        } else {
            yaml_skip_spaces(p);
            if (yaml_node_at(p, yaml_col(p, p->i), indent) != 0)
                return -1;
        }
        int next = 0;
        int has = yaml_skip_to_content(p, &next);
        if (has <= 0)
            return has;
        if (yaml_doc_marker(p, p->i, '-') || yaml_doc_marker(p, p->i, '.') || next < indent)
            return 0;
        if (next > indent)
            return yaml_fail(p, p->i, "bad indentation of a sequence entry");
        if (!(yaml_cur(p) == '-' && yaml_is_sep(p, p->i + 1)))
            return 0; /* a mapping key at the same column: the parent decides */
    }
}

static int yaml_block_mapping(yaml_parser *p, int indent)
{
    for (;;) {
        size_t colon = yaml_find_key_colon(p, p->i);
        if (colon == NO_POS) {
            if (yaml_cur(p) == '?' && yaml_is_sep(p, p->i + 1))
                return yaml_fail(p, p->i, "complex mapping keys are not supported");
            return yaml_fail(p, p->i, "could not find the expected ':' of a mapping entry");
        }
        char c = yaml_cur(p);
        if (c == '"' && yaml_double_quoted(p) != 0)
            return -1;
        if (c == '\'' && yaml_single_quoted(p) != 0)
            return -1;
        if ((c == '[' || c == '{') && yaml_flow_node(p) != 0)
            return -1;
        if (c == '-' && yaml_is_sep(p, p->i + 1))
            return yaml_fail(p, p->i, "block sequence entries are not allowed in this context");
        p->i = colon + 1;
        if (yaml_rest_empty(p) == 0) {
            yaml_next_line(p);
            if (yaml_block_node(p, indent, 1) != 0)
                return -1;
        } else {
            yaml_skip_spaces(p);
            if (yaml_inline_value(p, indent) != 0)
                return -1;
        }
        int next = 0;
        int has = yaml_skip_to_content(p, &next);
        if (has <= 0)
            return has;
        if (yaml_doc_marker(p, p->i, '-') || yaml_doc_marker(p, p->i, '.') || next < indent)
            return 0;
        if (next > indent)
            return yaml_fail(p, p->i, "bad indentation of a mapping entry");
        if (yaml_cur(p) == '-' && yaml_is_sep(p, p->i + 1))
            return yaml_fail(p, p->i, "expected a mapping key, found a sequence entry");
    }
}

/* A node whose first character is at column `indent` (> parent). */
static int yaml_node_at(yaml_parser *p, int indent, int parent)
{
    if (yaml_enter(p) != 0)
        return -1;
    int rc;
    if (yaml_cur(p) == '-' && yaml_is_sep(p, p->i + 1))
        rc = yaml_block_sequence(p, indent);
    else if (yaml_find_key_colon(p, p->i) != NO_POS || (yaml_cur(p) == '?' && yaml_is_sep(p, p->i + 1)))
        rc = yaml_block_mapping(p, indent);
    else
        rc = yaml_inline_value(p, parent);
    p->depth--;
    return rc;
}

/* The node on the following lines, indented deeper than parent (or a sequence at
 * the parent's own column when seq_at_parent, as mapping values may be). An
 * absent node is an empty (null) value. */
static int yaml_block_node(yaml_parser *p, int parent, int seq_at_parent)
{
    int indent = 0;
    int has = yaml_skip_to_content(p, &indent);
    if (has <= 0)
        return has;
    if (yaml_doc_marker(p, p->i, '-') || yaml_doc_marker(p, p->i, '.'))
        return 0;
    if (indent > parent)
        return yaml_node_at(p, indent, parent);
    if (seq_at_parent && indent == parent && yaml_cur(p) == '-' && yaml_is_sep(p, p->i + 1))
        return yaml_block_sequence(p, indent);
    return 0;
}

static void yaml_skip_flow_space(yaml_parser *p)
{
    for (;;) {
        while (!yaml_eof(p) && (yaml_is_blank(yaml_cur(p)) || yaml_is_break(yaml_cur(p))))
            p->i++;
        if (yaml_cur(p) == '#' && (p->i == 0 || yaml_is_blank(p->s[p->i - 1]) || yaml_is_break(p->s[p->i - 1]))) {
            while (!yaml_eof(p) && !yaml_is_break(yaml_cur(p)))
                p->i++;
            continue;
        }
        return;
    }
}

static int yaml_flow_stop(const yaml_parser *p, size_t k)
{
    char c = yaml_at(p, k);
    if (k >= p->n || yaml_is_break(c) || strchr(",[]{}", c))
        return 1;
    if (c == ':' && (yaml_is_sep(p, k + 1) || strchr(",[]{}", yaml_at(p, k + 1))))
        return 1;
    if (c == '#' && k > 0 && yaml_is_blank(p->s[k - 1]))
        return 1;
    return 0;
}

/* Plain scalar in flow context; it may continue over line breaks. */
static int yaml_plain_flow(yaml_parser *p)
{
    for (;;) {
        while (!yaml_flow_stop(p, p->i))
            p->i++;
        size_t save = p->i;
        while (save > 0 && yaml_is_blank(p->s[save - 1]))
            save--;
        if (!yaml_is_break(yaml_cur(p)))
            return 0;
        yaml_skip_flow_space(p);
        char c = yaml_cur(p);
        if (yaml_eof(p) || strchr(",[]{}#", c) || (c == ':' && yaml_flow_stop(p, p->i))) {
            return 0;
        }
    }
}

static int yaml_flow_scalar_or_collection(yaml_parser *p)
{
    while (yaml_cur(p) == '&' || yaml_cur(p) == '!') {
        if (yaml_token(p, yaml_cur(p) == '&' ? "anchor" : "tag") != 0)
            return -1;
        yaml_skip_flow_space(p);
    }
    char c = yaml_cur(p);
    if (yaml_eof(p))
        return yaml_fail(p, p->i, "found unexpected end of stream inside a flow collection");
    switch (c) {
    case '[':
    case '{':
        return yaml_flow_node(p);
    case '"':
        return yaml_double_quoted(p);
    case '\'':
        return yaml_single_quoted(p);
    case '*':
        return yaml_token(p, "alias");
    case ',':
    case ']':
    case '}':
        return 0; /* empty node */
    case '|':
    case '>':
    case '@':
    case '`':
    case '%':
        return yaml_fail(p, p->i, "found character '%c' that cannot start any token", c);
    case '-':
    case '?':
    case ':':
        if (yaml_is_sep(p, p->i + 1) || strchr(",[]{}", yaml_at(p, p->i + 1))) {
            if (c == ':')
                return 0; /* empty key */
            return yaml_fail(p, p->i, "'%c' is not allowed here inside a flow collection", c);
        }
        return yaml_plain_flow(p);
    default:
        return yaml_plain_flow(p);
    }
}

/* '[' ... ']' or '{' ... '}' with nested collections, pairs and comments. */
static int yaml_flow_node(yaml_parser *p)
{
    if (yaml_enter(p) != 0)
        return -1;
    int rc = -1;
    size_t open = p->i;
    char close = yaml_cur(p) == '[' ? ']' : '}';
    p->i++;
    for (;;) {
        yaml_skip_flow_space(p);
        if (yaml_eof(p)) {
            yaml_fail(p, open, "found unexpected end of stream inside a flow collection");
            goto out;
        }
        if (yaml_cur(p) == close) {
            p->i++;
            rc = 0;
            goto out;
        }
        if (yaml_cur(p) == ',') {
            yaml_fail(p, p->i, "found unexpected ',' inside a flow collection");
            goto out;
        }
        if (yaml_cur(p) == '?' && yaml_is_sep(p, p->i + 1)) {
            p->i++;
            yaml_skip_flow_space(p);
        }
        char first = yaml_cur(p);
        if (yaml_flow_scalar_or_collection(p) != 0)
            goto out;
        yaml_skip_flow_space(p);
        /* A ':' right after a quoted or bracketed key is allowed (JSON style). */
        int adjacent_ok = first == '"' || first == '\'' || first == '[' || first == '{';
        if (yaml_cur(p) == ':' && (adjacent_ok || yaml_flow_stop(p, p->i))) {
            p->i++;
            yaml_skip_flow_space(p);
            if (yaml_cur(p) != ',' && yaml_cur(p) != close) {
                if (yaml_flow_scalar_or_collection(p) != 0)
                    goto out;
                yaml_skip_flow_space(p);
            }
        }
        if (yaml_cur(p) == ',') {
            p->i++;
            continue;
        }
        if (yaml_cur(p) == close) {
            p->i++;
            rc = 0;
            goto out;
        }
        if (yaml_eof(p))
            yaml_fail(p, open, "found unexpected end of stream inside a flow collection");
        else
            yaml_fail(p, p->i, "expected ',' or '%c' inside a flow collection", close);
        goto out;
    }
out:
    p->depth--;
    return rc;
}

int xim_yaml_validate(const char *text, size_t len, char *err, size_t errlen)
{
    yaml_parser p = {.s = text, .n = len, .err = err, .errlen = errlen};
    if (err && errlen)
        err[0] = 0;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF)
        p.i = 3;
    for (size_t k = 0; k < len; k++) {
        unsigned char c = (unsigned char)text[k];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return yaml_fail(&p, k, "found a control character (0x%02x) that is not allowed", c);
    }
    int saw_directive = 0;
    for (;;) {
        int indent = 0;
        int has = yaml_skip_to_content(&p, &indent);
        if (has < 0)
            return -1;
        if (!has)
            break;
        if (indent == 0 && yaml_cur(&p) == '%') {
            saw_directive = 1;
            yaml_next_line(&p);
            continue;
        }
        if (yaml_doc_marker(&p, p.i, '-')) {
            saw_directive = 0;
            p.i += 3;
            if (yaml_rest_empty(&p) == 0) {
                yaml_next_line(&p);
                if (yaml_block_node(&p, -1, 0) != 0)
                    return -1;
            } else {
                yaml_skip_spaces(&p);
                if (yaml_inline_value(&p, -1) != 0)
                    return -1;
            }
        } else if (yaml_doc_marker(&p, p.i, '.')) {
            p.i += 3;
            if (yaml_rest_empty(&p) != 0)
                return yaml_fail(&p, p.i, "unexpected characters after a document end marker");
            yaml_next_line(&p);
            continue;
        } else {
            if (saw_directive)
                return yaml_fail(&p, p.i, "expected '---' after directives");
            if (yaml_node_at(&p, indent, -1) != 0)
                return -1;
        }
        has = yaml_skip_to_content(&p, &indent);
        if (has < 0)
            return -1;
        if (!has)
            break;
        if (yaml_doc_marker(&p, p.i, '-') || yaml_doc_marker(&p, p.i, '.'))
            continue;
        return yaml_fail(&p, p.i, "expected the end of the document, but found more content");
    }
    if (saw_directive)
        return yaml_fail(&p, p.i, "expected '---' after directives");
    return 0;
}
