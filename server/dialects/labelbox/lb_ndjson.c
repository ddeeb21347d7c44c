/* lb_ndjson.c — the NDJSON annotation validator (spec §7.3–7.4, seed §9).
 *
 * Three passes over the file, so memory stays proportional to the number of
 * lines, not to their JSON trees:
 *   1. split into lines, read each line's uuid (or assign one) and kind, and
 *      index uuids — duplicates are known before any line is judged;
 *   2. judge every non-relationship line: data row, feature (name or schemaId,
 *      in the right place of the ontology tree), payload shape and geometry,
 *      masks, nested classifications, confidence; accepted lines go to
 *      env->accept at once;
 *   3. judge relationships (MAL only), whose ends must be object lines of this
 *      file on the same data row that were themselves accepted — clients write
 *      relationship lines first, hence the separate pass.
 * Each line gets one status line, in input order, with every error found
 * (several per line are normal). Error names and messages follow the vendor:
 * DataRowNotFound, SchemaIdNotFound, ValidationError, GeometryInvalid,
 * InvalidAnnotation, FetchImageError.
 */
#include "lb_ndjson.h"
#include "core/hash.h"
#include "core/ids.h"
#include "core/validate.h"
#include "lb_mask.h"
#include "lb_strmap.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LB_NEST_MAX 16
#define LB_UUID_MAX 64

enum { K_INVALID = 0, K_OBJECT, K_CLASSIFICATION, K_RELATIONSHIP, K_UNKNOWN };

typedef struct {
    const char *start;
    size_t len;
    char *uuid;          /* given (when a string) or assigned; owned */
    char *feature;       /* accepted object lines: the tool name */
    char asset[37];      /* the data row it resolved to, "" when none */
    unsigned char kind;
    unsigned char ok;
    unsigned char dup;
    char *status;        /* the status line; owned */
} line_info;

typedef struct {
    char *data;
    size_t len, cap;
    int failed;
} buf;

typedef struct {
    const lb_ndjson_env *env;
    lb_mask_cache masks;
    json_t *errors;          /* current line */
    json_t *anns;            /* current line's core annotations */
    const lb_rowinfo *row;   /* current line's data row, or NULL */
    int conf_error;          /* the confidence rule already reported for this line */
    int bounds_error;        /* one GeometryInvalid per shape */
    int callback_failed;
} vctx;

/* ---------- small helpers ---------- */

static void buf_add(buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

static void add_error(vctx *v, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add_error(vctx *v, const char *name, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(v->errors, json_pack("{s:s,s:s,s:n}", "name", name, "message", msg, "additionalInfo"));
}

static int is_uuid(const char *s)
{
    static const int dash[] = {8, 13, 18, 23};
    if (strlen(s) != 36)
        return 0;
    for (int i = 0, d = 0; i < 36; i++) {
        if (d < 4 && i == dash[d]) {
            if (s[i] != '-')
                return 0;
            d++;
        } else if (!isxdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

/* Shortened, printable copy of a client string for messages. */
static const char *shown(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    for (; s && *s && k + 1 < cap; s++)
        out[k++] = (unsigned char)*s < 0x20 ? '?' : *s;
    out[k] = 0;
    return out;
}

/* A coordinate: 0 finite number, 1 missing, 2 not a number, 3 non-finite. */
static int coord(json_t *obj, const char *key, double *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 1;
    if (json_is_string(v) && strcmp(json_string_value(v), LB_NONFINITE) == 0)
        return 3;
    if (!json_is_number(v))
        return 2;
    *out = json_number_value(v);
    return isfinite(*out) ? 0 : 3;
}

static const char *payload_keys[] = {"bbox", "polygon", "line", "point", "mask", "relationship", "answer"};
#define NPAYLOAD (sizeof payload_keys / sizeof *payload_keys)

/* The line's payload key, NULL when none; *count = how many were present. */
static const char *payload_of(json_t *o, int *count)
{
    const char *found = NULL;
    *count = 0;
    for (size_t i = 0; i < NPAYLOAD; i++)
        if (json_object_get(o, payload_keys[i])) {
            if (!found)
                found = payload_keys[i];
            (*count)++;
        }
    return found;
}

/* ---------- parsing ---------- */

json_t *lb_ndjson_parse_line(const char *s, size_t n)
{
    json_t *v = json_loadb(s, n, 0, NULL);
    if (v || n > 64 * 1024 * 1024)
        goto out;
    /* Python writes NaN / Infinity / -Infinity for non-finite floats: read them
     * as a marker outside strings, so the line can be judged, not rejected. */
    static const char *const tokens[] = {"-Infinity", "Infinity", "NaN"};
    static const char marker[] = "\"\\u0001nonfinite\"";
    buf b = {0};
    int in_string = 0, replaced = 0;
    for (size_t i = 0; i < n;) {
        char ch = s[i];
        if (in_string) {
            if (ch == '\\' && i + 1 < n) {
                buf_add(&b, s + i, 2);
                i += 2;
                continue;
            }
            if (ch == '"')
                in_string = 0;
            buf_add(&b, s + i, 1);
            i++;
            continue;
        }
        if (ch == '"') {
            in_string = 1;
            buf_add(&b, s + i, 1);
            i++;
            continue;
        }
        size_t t;
        for (t = 0; t < 3; t++) {
            size_t tl = strlen(tokens[t]);
            if (i + tl <= n && memcmp(s + i, tokens[t], tl) == 0 && (i + tl == n || !isalnum((unsigned char)s[i + tl])))
                break;
        }
        if (t < 3) {
            buf_add(&b, marker, sizeof marker - 1);
            i += strlen(tokens[t]);
            replaced = 1;
            continue;
        }
        buf_add(&b, s + i, 1);
        i++;
    }
    if (replaced && !b.failed && b.data)
        v = json_loadb(b.data, b.len, 0, NULL);
    free(b.data);
out:
    if (v && !json_is_object(v)) {
        json_decref(v);
        v = NULL;
    }
    return v;
}

/* ---------- the first pass's quick look ---------- */

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i;
}

/* Skips a JSON string starting at s[i] == '"'; returns the index after it, or
 * n + 1 on an unterminated string. *escaped = it held a backslash. */
static size_t skip_string(const char *s, size_t n, size_t i, int *escaped)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\') {
            *escaped = 1;
            i++;
        } else if (s[i] == '"') {
            return i + 1;
        }
    }
    return n + 1;
}

/* Skips any value (loosely: numbers and literals run to the next , } or ]). */
static size_t skip_value(const char *s, size_t n, size_t i)
{
    int depth = 0, escaped = 0;
    do {
        if (i >= n)
            return n + 1;
        char ch = s[i];
        if (ch == '"') {
            i = skip_string(s, n, i, &escaped);
            continue;
        }
        if (ch == '{' || ch == '[') {
            depth++;
        } else if (ch == '}' || ch == ']') {
            if (depth == 0)
                return i;
            depth--;
        } else if (depth == 0 && ch == ',') {
            return i;
        }
        i++;
    } while (depth > 0 || (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' &&
                           s[i] != '\r' && s[i] != '\n' && (i == 0 || s[i - 1] != '"')));
    return i;
}

/* Reads a line's top-level keys without building it: the uuid (when a plain
 * string) and which payload key it has. 0 when the line looks like one object;
 * -1 when unsure (the caller parses it properly). This pass runs over every line
 * of imports of 100,000 lines, hence no allocation here. */
static int quick_look(const char *s, size_t n, char *uuid, size_t ucap, const char **payload, int *count)
{
    size_t i = skip_ws(s, n, 0);
    *payload = NULL;
    *count = 0;
    uuid[0] = 0;
    if (i >= n || s[i] != '{')
        return -1;
    i = skip_ws(s, n, i + 1);
    if (i < n && s[i] == '}')
        return skip_ws(s, n, i + 1) == n ? 0 : -1;
    for (;;) {
        if (i >= n || s[i] != '"')
            return -1;
        int escaped = 0;
        size_t kend = skip_string(s, n, i, &escaped);
        if (kend > n || escaped)
            return -1;
        const char *key = s + i + 1;
        size_t klen = kend - i - 2;
        i = skip_ws(s, n, kend);
        if (i >= n || s[i] != ':')
            return -1;
        i = skip_ws(s, n, i + 1);
        if (klen == 4 && memcmp(key, "uuid", 4) == 0 && i < n && s[i] == '"') {
            size_t vend = skip_string(s, n, i, &escaped);
            if (vend > n || escaped || vend - i - 2 >= ucap || !validate_utf8(s + i + 1, vend - i - 2))
                return -1; /* the full parse decides (and refuses bad UTF-8) */
            memcpy(uuid, s + i + 1, vend - i - 2);
            uuid[vend - i - 2] = 0;
            i = vend;
        } else {
            for (size_t k = 0; k < NPAYLOAD; k++)
                if (strlen(payload_keys[k]) == klen && memcmp(payload_keys[k], key, klen) == 0) {
                    if (!*payload)
                        *payload = payload_keys[k];
                    (*count)++;
                }
            i = skip_value(s, n, i);
            if (i > n)
                return -1;
        }
        i = skip_ws(s, n, i);
        if (i < n && s[i] == ',') {
            i = skip_ws(s, n, i + 1);
            continue;
        }
        if (i < n && s[i] == '}')
            return skip_ws(s, n, i + 1) == n ? 0 : -1;
        return -1;
    }
}

/* ---------- ontology lookups ---------- */

static int exists_anywhere(const lb_node *nodes, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(nodes[i].name, name) == 0)
            return 1;
    return 0;
}

/* Finds the feature obj names among nodes (name and/or schemaId), reporting
 * SchemaIdNotFound / ValidationError when it cannot. what: "tool",
 * "classification" or "option" for messages. */
static const lb_node *resolve(vctx *v, const lb_node *nodes, size_t n, json_t *obj, const char *what,
                              const char *name_key)
{
    json_t *jname = json_object_get(obj, name_key), *jschema = json_object_get(obj, "schemaId");
    char a[200], b[200];
    if (jname && !json_is_null(jname) && !json_is_string(jname)) {
        add_error(v, "ValidationError", "{'%s': ['Not a valid string.']}", name_key);
        return NULL;
    }
    if (jschema && !json_is_null(jschema) && !json_is_string(jschema)) {
        add_error(v, "ValidationError", "{'schemaId': ['Not a valid string.']}");
        return NULL;
    }
    const char *name = json_string_value(jname), *schema = json_string_value(jschema);
    if ((!name || !*name) && (!schema || !*schema)) {
        add_error(v, "ValidationError", "{'_schema': ['Either %s or schemaId must be provided for a %s.']}",
                  name_key, what);
        return NULL;
    }
    if (name && !*name)
        name = NULL;
    if (schema && !*schema)
        schema = NULL;
    const lb_node *node = lb_ontology_find(nodes, n, name, schema);
    if (node)
        return node;
    if (schema && !lb_ontology_has_schema(v->env->ontology, schema)) {
        add_error(v, "SchemaIdNotFound", "project %s does not have schemaId %s", v->env->project_id,
                  shown(schema, a, sizeof a));
        return NULL;
    }
    if (name && !exists_anywhere(nodes, n, name)) {
        add_error(v, "ValidationError", "Ontology does not contain name: %s", shown(name, a, sizeof a));
        return NULL;
    }
    if (schema && name) {
        add_error(v, "ValidationError", "{'schemaId': ['schemaId %s does not belong to %s %s.']}",
                  shown(schema, a, sizeof a), what, shown(name, b, sizeof b));
        return NULL;
    }
    add_error(v, "ValidationError", "{'schemaId': ['schemaId %s is not a %s here.']}", shown(schema, a, sizeof a),
              what);
    return NULL;
}

/* ---------- confidence ---------- */

/* 0 when absent or a number in [0, 1]; reports otherwise. *has = present. */
static int confidence(vctx *v, json_t *obj, int *has, double *value)
{
    json_t *c = json_object_get(obj, "confidence");
    *has = c && !json_is_null(c);
    if (!*has)
        return 0;
    if (!json_is_number(c) || !isfinite(json_number_value(c)) || json_number_value(c) < 0 ||
        json_number_value(c) > 1) {
        add_error(v, "ValidationError", "{'confidence': ['Must be greater than or equal to 0 and less than or equal "
                                        "to 1.']}");
        *has = 0;
        return -1;
    }
    *value = json_number_value(c);
    return 0;
}

static void confidence_rule(vctx *v)
{
    if (v->conf_error)
        return;
    v->conf_error = 1;
    add_error(v, "ValidationError", "{'_schema': [\"Confidence score is specified for the node, however child nodes "
                                    "don't have confidence score\"]}");
}

/* Whether a nested classification object carries confidence where its type puts
 * it: text on the object, radio on its answer, checklist on every answer. */
static int carries_confidence(const lb_node *q, json_t *obj)
{
    json_t *answer = json_object_get(obj, "answer");
    if (strcmp(q->type, "radio") == 0)
        return json_object_get(answer, "confidence") != NULL;
    if (strcmp(q->type, "checklist") == 0) {
        if (json_is_object(answer))
            return json_object_get(answer, "confidence") != NULL;
        if (!json_is_array(answer) || json_array_size(answer) == 0)
            return 0;
        size_t i;
        json_t *a;
        json_array_foreach(answer, i, a) if (!json_object_get(a, "confidence")) return 0;
        return 1;
    }
    return json_object_get(obj, "confidence") != NULL;
}

/* ---------- emitted annotations ---------- */

static void emit(vctx *v, const char *kind, const char *label, json_t *geometry, const char *text, int has_conf,
                 double conf, const char *schema_id)
{
    json_t *a = json_pack("{s:s,s:s,s:o,s:s}", "kind", kind, "label", label, "geometry",
                          geometry ? geometry : json_object(), "schemaId", schema_id);
    if (text)
        json_object_set_new(a, "text", json_string(text));
    if (has_conf)
        json_object_set_new(a, "confidence", json_real(conf));
    json_array_append_new(v->anns, a);
}

/* ---------- classifications ---------- */

static void nested_list(vctx *v, json_t *list, const lb_node *allowed, size_t n, int parent_conf, int depth);

/* One answer (radio, or one checklist item) to question q. */
static void answer_option(vctx *v, const lb_node *q, json_t *answer, int depth)
{
    if (!json_is_object(answer)) {
        add_error(v, "ValidationError", "{'answer': ['%s answers must be objects with a name or schemaId.']}",
                  strcmp(q->type, "radio") == 0 ? "Radio" : "Checklist");
        return;
    }
    const lb_node *opt = resolve(v, q->children, q->nchildren, answer, "option", "name");
    int has_conf = 0;
    double conf = 0;
    confidence(v, answer, &has_conf, &conf);
    if (!opt)
        return;
    emit(v, "classification", q->name, NULL, opt->name, has_conf, conf, opt->schema_id);
    json_t *sub = json_object_get(answer, "classifications");
    if (sub && !json_is_null(sub))
        nested_list(v, sub, opt->children, opt->nchildren, has_conf, depth + 1);
}

/* The value of one classification (a top-level line or a nested item) of
 * question q: obj carries "answer" (and, for text, its confidence). */
static void classification_value(vctx *v, const lb_node *q, json_t *obj, int depth)
{
    json_t *answer = json_object_get(obj, "answer");
    if (!answer && strcmp(q->type, "checklist") == 0)
        answer = json_object_get(obj, "answers");
    if (!answer || json_is_null(answer)) {
        add_error(v, "ValidationError", "{'answer': ['Missing data for required field.']}");
        return;
    }
    if (strcmp(q->type, "text") == 0) {
        int has_conf = 0;
        double conf = 0;
        confidence(v, obj, &has_conf, &conf);
        if (!json_is_string(answer)) {
            add_error(v, "ValidationError", "{'answer': ['Free text answers must be strings.']}");
            return;
        }
        emit(v, "text", q->name, NULL, json_string_value(answer), has_conf, conf, q->schema_id);
        return;
    }
    if (strcmp(q->type, "radio") == 0) {
        if (json_is_array(answer)) {
            add_error(v, "ValidationError", "{'answer': ['A radio question takes exactly one answer object.']}");
            return;
        }
        answer_option(v, q, answer, depth);
        return;
    }
    if (strcmp(q->type, "checklist") == 0) {
        if (json_is_object(answer)) { /* one answer object stands for a one-item list */
            answer_option(v, q, answer, depth);
            return;
        }
        if (!json_is_array(answer) || json_array_size(answer) == 0) {
            add_error(v, "ValidationError", "{'answer': ['A checklist answer is a non-empty list of answers.']}");
            return;
        }
        size_t i;
        json_t *a;
        json_array_foreach(answer, i, a) answer_option(v, q, a, depth);
        return;
    }
    char t[64];
    add_error(v, "ValidationError", "{'answer': ['Classification type %s is not supported for images.']}",
              shown(q->type, t, sizeof t));
}

static void nested_list(vctx *v, json_t *list, const lb_node *allowed, size_t n, int parent_conf, int depth)
{
    if (depth > LB_NEST_MAX) {
        add_error(v, "ValidationError", "{'classifications': ['Classifications nest deeper than %d levels.']}",
                  LB_NEST_MAX);
        return;
    }
    if (!json_is_array(list)) {
        add_error(v, "ValidationError", "{'classifications': ['Not a valid list.']}");
        return;
    }
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        if (!json_is_object(item)) {
            add_error(v, "ValidationError", "{'classifications': ['Each nested classification must be an object.']}");
            continue;
        }
        const lb_node *q = resolve(v, allowed, n, item, "classification", "name");
        if (!q)
            continue;
        if (parent_conf && !carries_confidence(q, item))
            confidence_rule(v);
        classification_value(v, q, item, depth);
    }
}

/* ---------- geometry ---------- */

static void check_inside(vctx *v, double x, double y, const char *what)
{
    if (!v->row || v->row->width <= 0 || v->row->height <= 0 || v->bounds_error)
        return;
    if (x < 0 || y < 0 || x > v->row->width || y > v->row->height) {
        v->bounds_error = 1;
        add_error(v, "GeometryInvalid", "Invalid geometry: %s (%g, %g) lies outside the %dx%d image", what, x, y,
                  v->row->width, v->row->height);
    }
}

static int coord_error(vctx *v, int rc, const char *field, const char *key)
{
    if (rc == 3)
        add_error(v, "GeometryInvalid", "Invalid geometry: coordinates must be finite numbers");
    else if (rc == 1)
        add_error(v, "ValidationError", "{'%s': {'%s': ['Missing data for required field.']}}", field, key);
    else
        add_error(v, "ValidationError", "{'%s': {'%s': ['Not a valid number.']}}", field, key);
    return -1;
}

static json_t *geom_bbox(vctx *v, json_t *b)
{
    static const char *const keys[] = {"top", "left", "height", "width"};
    double val[4];
    if (!json_is_object(b)) {
        add_error(v, "ValidationError", "{'bbox': ['Not a valid mapping type.']}");
        return NULL;
    }
    for (int i = 0; i < 4; i++) {
        int rc = coord(b, keys[i], &val[i]);
        if (rc != 0) {
            coord_error(v, rc, "bbox", keys[i]);
            return NULL;
        }
    }
    double top = val[0], left = val[1], h = val[2], w = val[3];
    if (w <= 0 || h <= 0) {
        add_error(v, "GeometryInvalid", "Invalid geometry: bbox width and height must be positive (got %gx%g)", w, h);
        return NULL;
    }
    check_inside(v, left, top, "bbox corner");
    check_inside(v, left + w, top + h, "bbox corner");
    return json_pack("{s:f,s:f,s:f,s:f}", "x", left, "y", top, "w", w, "h", h);
}

static int same(const double *a, const double *b) { return a[0] == b[0] && a[1] == b[1]; }

static int cmp_pt(const void *pa, const void *pb)
{
    const double *a = pa, *b = pb;
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

static json_t *geom_points(vctx *v, json_t *arr, const char *field, int polygon)
{
    if (!json_is_array(arr)) {
        add_error(v, "ValidationError", "{'%s': ['Not a valid list.']}", field);
        return NULL;
    }
    size_t n = json_array_size(arr);
    double *pts = malloc((n ? n : 1) * 2 * sizeof *pts);
    json_t *out = NULL;
    if (!pts)
        return NULL;
    size_t i;
    json_t *p;
    json_array_foreach(arr, i, p) {
        if (!json_is_object(p)) {
            add_error(v, "ValidationError", "{'%s': {%zu: ['Each point must be an object with x and y.']}}", field, i);
            goto out;
        }
        int rc = coord(p, "x", &pts[2 * i]);
        if (rc != 0) {
            coord_error(v, rc, field, "x");
            goto out;
        }
        if ((rc = coord(p, "y", &pts[2 * i + 1])) != 0) {
            coord_error(v, rc, field, "y");
            goto out;
        }
    }
    size_t used = n;
    if (polygon && used >= 2 && same(&pts[0], &pts[2 * (used - 1)]))
        used--; /* clients close the ring; the core stores it open */
    /* distinct points (sorted copy) */
    double *sorted = malloc((used ? used : 1) * 2 * sizeof *sorted);
    size_t distinct = 0;
    if (!sorted)
        goto out;
    memcpy(sorted, pts, used * 2 * sizeof *sorted);
    qsort(sorted, used, 2 * sizeof *sorted, cmp_pt);
    for (size_t k = 0; k < used; k++)
        if (k == 0 || !same(&sorted[2 * k], &sorted[2 * (k - 1)]))
            distinct++;
    free(sorted);
    if (polygon && distinct < 3) {
        add_error(v, "GeometryInvalid", "Invalid geometry: Each linear ring must contain at least 4 positions");
        goto out;
    }
    if (!polygon && (n < 2 || distinct < 2)) {
        add_error(v, "GeometryInvalid", "Invalid geometry: a line must have at least 2 distinct points");
        goto out;
    }
    json_t *list = json_array();
    for (size_t k = 0; k < used; k++) {
        check_inside(v, pts[2 * k], pts[2 * k + 1], polygon ? "polygon vertex" : "line point");
        json_array_append_new(list, json_pack("[f,f]", pts[2 * k], pts[2 * k + 1]));
    }
    out = json_pack("{s:o}", "points", list);
out:
    free(pts);
    return out;
}

static json_t *geom_point(vctx *v, json_t *p)
{
    double x, y;
    if (!json_is_object(p)) {
        add_error(v, "ValidationError", "{'point': ['Not a valid mapping type.']}");
        return NULL;
    }
    int rc = coord(p, "x", &x);
    if (rc != 0) {
        coord_error(v, rc, "point", "x");
        return NULL;
    }
    if ((rc = coord(p, "y", &y)) != 0) {
        coord_error(v, rc, "point", "y");
        return NULL;
    }
    check_inside(v, x, y, "point");
    return json_pack("{s:f,s:f}", "x", x, "y", y);
}

/* colorRGB: 0 valid (rgb filled), 1 absent, -1 invalid (reported). */
static int color_of(vctx *v, json_t *mask, int rgb[3])
{
    json_t *c = json_object_get(mask, "colorRGB");
    if (!c || json_is_null(c))
        return 1;
    if (!json_is_array(c) || json_array_size(c) != 3)
        goto bad;
    for (size_t i = 0; i < 3; i++) {
        json_t *x = json_array_get(c, i);
        if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 255)
            goto bad;
        rgb[i] = (int)json_integer_value(x);
    }
    return 0;
bad:
    add_error(v, "ValidationError", "{'mask': {'colorRGB': ['Invalid color']}}");
    return -1;
}

/* Decodes base64 text into malloc'd bytes; NULL when invalid. */
static unsigned char *unbase64(const char *text, size_t n, size_t *len)
{
    /* tolerate a data: URL prefix and surrounding whitespace */
    const char *comma = n > 5 && strncmp(text, "data:", 5) == 0 ? memchr(text, ',', n) : NULL;
    if (comma) {
        n -= (size_t)(comma + 1 - text);
        text = comma + 1;
    }
    while (n && isspace((unsigned char)*text)) {
        text++;
        n--;
    }
    while (n && isspace((unsigned char)text[n - 1]))
        n--;
    size_t cap = n / 4 * 3 + 3;
    unsigned char *out = malloc(cap);
    if (!out)
        return NULL;
    long got = hash_base64_decode(text, n, out, cap);
    if (got < 0) {
        free(out);
        return NULL;
    }
    *len = (size_t)got;
    return out;
}

static json_t *geom_mask(vctx *v, json_t *mask)
{
    if (!json_is_object(mask)) {
        add_error(v, "ValidationError", "{'mask': ['Not a valid mapping type.']}");
        return NULL;
    }
    json_t *uri = json_object_get(mask, "instanceURI"), *im = json_object_get(mask, "imBytes"),
           *png = json_object_get(mask, "png");
    int forms = (uri && !json_is_null(uri)) + (im && !json_is_null(im)) + (png && !json_is_null(png));
    if (forms != 1) {
        add_error(v, "ValidationError", "{'mask': ['Exactly one of instanceURI, imBytes or png is required.']}");
        return NULL;
    }
    json_t *src = uri && !json_is_null(uri) ? uri : im && !json_is_null(im) ? im : png;
    const char *field = src == uri ? "instanceURI" : src == im ? "imBytes" : "png";
    if (!json_is_string(src) || json_string_length(src) == 0) {
        add_error(v, "ValidationError", "{'mask': {'%s': ['Not a valid string.']}}", field);
        return NULL;
    }
    int rgb[3] = {0, 0, 0};
    int binary = src == png;
    int crc = binary ? 1 : color_of(v, mask, rgb);
    if (crc < 0)
        return NULL;
    if (!binary && crc == 1) {
        add_error(v, "InvalidAnnotation", "Found empty mask");
        return NULL;
    }
    char key[72];
    const char *text = json_string_value(src);
    size_t tlen = json_string_length(src);
    if (src == uri) {
        if (tlen > 4096) {
            add_error(v, "ValidationError", "{'mask': {'instanceURI': ['Longer than maximum length 4096.']}}");
            return NULL;
        }
        snprintf(key, sizeof key, "u:");
        uint8_t sha[32];
        char hex[65];
        hash_sha256(text, tlen, sha);
        hash_hex(sha, 32, hex);
        snprintf(key, sizeof key, "u:%s", hex);
    } else {
        lb_mask_key_bytes(text, tlen, key);
    }
    const lb_mask_slot *slot = lb_mask_cached(&v->masks, key);
    if (!slot) {
        unsigned char *data = NULL;
        size_t len = 0;
        if (src == uri) {
            int rc = v->env->fetch(v->env->arg, text, &data, &len);
            if (rc < 0) {
                v->callback_failed = 1;
                return NULL;
            }
            if (rc > 0) {
                char u[300];
                add_error(v, "FetchImageError", "Error while downloading image from url: %s", shown(text, u, sizeof u));
                return NULL;
            }
        } else if (!(data = unbase64(text, tlen, &len))) {
            add_error(v, "ValidationError", "{'mask': {'%s': ['Not valid base64.']}}", field);
            return NULL;
        }
        slot = lb_mask_decode(&v->masks, key, data, len);
        free(data);
    }
    if (slot->status == LB_MASK_TOO_LARGE) {
        add_error(v, "InvalidAnnotation", "Mask dimensions %dx%d exceed %dx%d", slot->width, slot->height,
                  LB_MASK_MAX_SIDE, LB_MASK_MAX_SIDE);
        return NULL;
    }
    if (slot->status != LB_MASK_OK) {
        add_error(v, "InvalidAnnotation", "Unable to decode the mask: it is not a PNG image");
        return NULL;
    }
    if (v->row && v->row->width > 0 && v->row->height > 0 &&
        (slot->width != v->row->width || slot->height != v->row->height)) {
        add_error(v, "InvalidAnnotation", "Mask dimensions %dx%d do not match data row %dx%d", slot->width,
                  slot->height, v->row->width, v->row->height);
        return NULL;
    }
    int64_t area = 0;
    json_t *g = lb_mask_rle(&slot->px, binary ? NULL : rgb, &area);
    if (area == 0) {
        json_decref(g);
        add_error(v, "InvalidAnnotation", "Found empty mask");
        return NULL;
    }
    return g;
}

/* ---------- lines ---------- */

/* Appends s as a JSON string (UTF-8 passed through, as jansson writes it). */
static void add_json_string(buf *b, const char *s)
{
    buf_add(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '"' || ch == '\\') {
            char esc[2] = {'\\', (char)ch};
            buf_add(b, esc, 2);
        } else if (ch < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", ch);
            buf_add(b, esc, 6);
        } else {
            buf_add(b, p, 1);
        }
    }
    buf_add(b, "\"", 1);
}

static void status_line(line_info *li, json_t *data_row, json_t *errors)
{
    li->ok = json_array_size(errors) == 0;
    const char *id = json_string_value(json_object_get(data_row, "id"));
    if (li->ok && id && json_object_size(data_row) <= 2) {
        /* the common line, written directly: 100,000 of these per large import */
        const char *gk = json_string_value(json_object_get(data_row, "globalKey"));
        buf b = {0};
#define ADD_LITERAL(lit) buf_add(&b, lit, sizeof lit - 1)
        ADD_LITERAL("{\"uuid\":");
        add_json_string(&b, li->uuid);
        ADD_LITERAL(",\"dataRow\":{\"id\":");
        add_json_string(&b, id);
        if (gk) {
            ADD_LITERAL(",\"globalKey\":");
            add_json_string(&b, gk);
        }
        ADD_LITERAL("},\"status\":\"SUCCESS\"}");
#undef ADD_LITERAL
        if (!b.failed) {
            char *fit = realloc(b.data, b.len + 1); /* a line, not the 4 KiB a buffer starts with */
            li->status = fit ? fit : b.data;
            return;
        }
        free(b.data);
    }
    json_t *o = json_pack("{s:s,s:O,s:s}", "uuid", li->uuid, "dataRow", data_row, "status",
                          li->ok ? "SUCCESS" : "FAILURE");
    if (!li->ok)
        json_object_set(o, "errors", errors);
    li->status = json_dumps(o, JSON_COMPACT);
    json_decref(o);
}

/* Resolves dataRow into *row; reports problems. Returns the status dataRow value. */
static json_t *data_row_of(vctx *v, json_t *o, lb_rowinfo *row, int *found)
{
    json_t *dr = json_object_get(o, "dataRow");
    *found = 0;
    if (!json_is_object(dr)) {
        add_error(v, "ValidationError", "{'dataRow': ['Missing data for required field.']}");
        return json_object();
    }
    json_t *id = json_object_get(dr, "id"), *key = json_object_get(dr, "globalKey");
    int has_id = id && !json_is_null(id), has_key = key && !json_is_null(key);
    if (has_id == has_key) {
        add_error(v, "ValidationError", "{'dataRow': ['Must provide exactly one of id or globalKey.']}");
        return json_object();
    }
    json_t *val = has_id ? id : key;
    const char *field = has_id ? "id" : "globalKey";
    if (!json_is_string(val) || json_string_length(val) == 0 || json_string_length(val) > 512) {
        add_error(v, "ValidationError", "{'dataRow': {'%s': ['Not a valid string.']}}", field);
        return json_object();
    }
    int rc = v->env->row(v->env->arg, has_key, json_string_value(val), row);
    if (rc < 0) {
        v->callback_failed = 1;
        return json_object();
    }
    if (rc == 0) {
        char s[300];
        add_error(v, "DataRowNotFound", "dataRow.%s %s invalid", field, shown(json_string_value(val), s, sizeof s));
        return json_object();
    }
    *found = 1;
    return json_pack("{s:s,s:s?}", "id", row->asset_id, "globalKey", row->global_key);
}

static void judge_line(vctx *v, line_info *li, json_t *o)
{
    lb_rowinfo row;
    int found = 0;
    v->errors = json_array();
    v->anns = json_array();
    v->row = NULL;
    v->conf_error = v->bounds_error = 0;
    json_t *juuid = json_object_get(o, "uuid");
    if (juuid && !json_is_null(juuid) && (!json_is_string(juuid) || !is_uuid(json_string_value(juuid))))
        add_error(v, "ValidationError", "{'uuid': ['Not a valid UUID.']}");
    if (li->dup)
        add_error(v, "InvalidAnnotation", "Duplicate uuid %s", li->uuid);
    json_t *data_row = data_row_of(v, o, &row, &found);
    if (found) {
        v->row = &row;
        snprintf(li->asset, sizeof li->asset, "%s", row.asset_id);
    }
    int count = 0;
    const char *payload = payload_of(o, &count);
    int has_conf = 0;
    double conf = 0;
    confidence(v, o, &has_conf, &conf);
    json_t *bench = json_object_get(o, "isBenchmarkReferenceLabel");
    if (bench && !json_is_null(bench) && !json_is_boolean(bench))
        add_error(v, "ValidationError", "{'isBenchmarkReferenceLabel': ['Not a valid boolean.']}");
    if (!payload) {
        add_error(v, "ValidationError", "{'_schema': ['No annotation found: expected one of bbox, polygon, line, "
                                        "point, mask, relationship or answer.']}");
    } else if (count > 1) {
        add_error(v, "ValidationError", "{'_schema': ['A line holds exactly one annotation; found %d kinds.']}",
                  count);
    } else if (strcmp(payload, "relationship") == 0) {
        /* only reached for ground truth: MAL relationships are judged in pass 3 */
        add_error(v, "InvalidAnnotation", "Relationships are supported only for MAL imports");
    } else if (strcmp(payload, "answer") == 0) {
        const lb_ontology *ont = v->env->ontology;
        const char *name = json_string_value(json_object_get(o, "name"));
        const lb_node *q = NULL;
        char s[200];
        if (name && !lb_ontology_find(ont->classifications, ont->nclassifications, name, NULL) &&
            lb_ontology_find(ont->tools, ont->ntools, name, NULL))
            add_error(v, "ValidationError", "{'answer': ['%s is a tool, not a classification.']}",
                      shown(name, s, sizeof s));
        else
            q = resolve(v, ont->classifications, ont->nclassifications, o, "classification", "name");
        if (q)
            classification_value(v, q, o, 1);
    } else {
        const lb_ontology *ont = v->env->ontology;
        const char *name = json_string_value(json_object_get(o, "name"));
        const lb_node *tool = NULL;
        char s[200];
        if (name && !lb_ontology_find(ont->tools, ont->ntools, name, NULL) &&
            lb_ontology_find(ont->classifications, ont->nclassifications, name, NULL))
            add_error(v, "ValidationError", "{'%s': ['%s is a classification, not a tool.']}", payload,
                      shown(name, s, sizeof s));
        else
            tool = resolve(v, ont->tools, ont->ntools, o, "tool", "name");
        const char *expected = tool ? lb_ontology_payload_of(tool->type) : NULL;
        if (tool && (!expected || strcmp(expected, payload) != 0)) {
            char t[64];
            add_error(v, "ValidationError", "{'%s': ['Tool %s is a %s tool and takes no %s.']}", payload,
                      shown(tool->name, s, sizeof s), shown(tool->type, t, sizeof t), payload);
            tool = NULL;
        }
        json_t *g = NULL;
        json_t *body = json_object_get(o, payload);
        const char *kind = "bbox";
        if (strcmp(payload, "bbox") == 0) {
            g = geom_bbox(v, body);
        } else if (strcmp(payload, "polygon") == 0) {
            g = geom_points(v, body, "polygon", 1);
            kind = "polygon";
        } else if (strcmp(payload, "line") == 0) {
            g = geom_points(v, body, "line", 0);
            kind = "polyline";
        } else if (strcmp(payload, "point") == 0) {
            g = geom_point(v, body);
            kind = "point";
        } else {
            kind = "mask";
            if (tool) /* only decode masks for a feature that exists */
                g = geom_mask(v, body);
        }
        if (tool && g) {
            emit(v, kind, tool->name, g, NULL, has_conf, conf, tool->schema_id);
            g = NULL;
        }
        json_decref(g);
        json_t *sub = json_object_get(o, "classifications");
        if (tool && sub && !json_is_null(sub))
            nested_list(v, sub, tool->children, tool->nchildren, has_conf, 1);
        if (tool)
            li->feature = strdup(tool->name);
    }
    status_line(li, data_row, v->errors);
    if (li->ok && !v->callback_failed) {
        lb_accepted a = {li->uuid, &row, v->anns, NULL, json_is_true(bench)};
        if (v->env->accept(v->env->arg, &a) != 0)
            v->callback_failed = 1;
    }
    json_decref(data_row);
    json_decref(v->errors);
    json_decref(v->anns);
    v->errors = v->anns = NULL;
}

/* A relationship end: the uuid of an accepted object line on the same row. */
static const char *relationship_end(vctx *v, line_info *lines, size_t nlines, const lb_strmap *uuids, json_t *rel,
                                    const char *key, const char *row_asset)
{
    json_t *end = json_object_get(rel, key);
    char s[200];
    if (!end || json_is_null(end)) {
        json_t *by_name = json_object_get(rel, "sourceOntologyName");
        if (strcmp(key, "source") == 0 && json_is_string(by_name)) {
            const char *name = json_string_value(by_name);
            const char *match = NULL;
            int matches = 0;
            for (size_t i = 0; i < nlines; i++)
                if (lines[i].kind == K_OBJECT && lines[i].ok && lines[i].feature &&
                    strcmp(lines[i].feature, name) == 0 && strcmp(lines[i].asset, row_asset) == 0) {
                    match = lines[i].uuid;
                    matches++;
                }
            if (matches == 1)
                return match;
            add_error(v, "InvalidAnnotation", "sourceOntologyName %s matches %d annotations on the data row; "
                      "exactly one is needed", shown(name, s, sizeof s), matches);
            return NULL;
        }
        add_error(v, "ValidationError", "{'relationship': {'%s': ['Missing data for required field.']}}", key);
        return NULL;
    }
    if (!json_is_string(end)) {
        add_error(v, "ValidationError", "{'relationship': {'%s': ['Not a valid string.']}}", key);
        return NULL;
    }
    size_t at;
    const char *u = json_string_value(end);
    if (!lb_strmap_get(uuids, u, &at) || lines[at].kind != K_OBJECT) {
        add_error(v, "InvalidAnnotation", "Relationship references unknown annotation %s", shown(u, s, sizeof s));
        return NULL;
    }
    if (!lines[at].ok) {
        add_error(v, "InvalidAnnotation", "Relationship references annotation %s, which failed to import",
                  shown(u, s, sizeof s));
        return NULL;
    }
    if (strcmp(lines[at].asset, row_asset) != 0) {
        add_error(v, "InvalidAnnotation", "Relationship references annotation %s on another data row",
                  shown(u, s, sizeof s));
        return NULL;
    }
    return lines[at].uuid;
}

static void judge_relationship(vctx *v, line_info *lines, size_t nlines, size_t idx, const lb_strmap *uuids,
                               json_t *o)
{
    line_info *li = &lines[idx];
    lb_rowinfo row;
    int found = 0;
    v->errors = json_array();
    v->anns = json_array();
    v->row = NULL;
    json_t *juuid = json_object_get(o, "uuid");
    if (juuid && !json_is_null(juuid) && (!json_is_string(juuid) || !is_uuid(json_string_value(juuid))))
        add_error(v, "ValidationError", "{'uuid': ['Not a valid UUID.']}");
    if (li->dup)
        add_error(v, "InvalidAnnotation", "Duplicate uuid %s", li->uuid);
    json_t *data_row = data_row_of(v, o, &row, &found);
    if (found)
        snprintf(li->asset, sizeof li->asset, "%s", row.asset_id);
    int count = 0;
    payload_of(o, &count);
    const lb_node *tool = NULL;
    if (count > 1) {
        add_error(v, "ValidationError", "{'_schema': ['A line holds exactly one annotation; found %d kinds.']}",
                  count);
    } else {
        tool = resolve(v, v->env->ontology->tools, v->env->ontology->ntools, o, "tool", "name");
        if (tool && strcmp(tool->type, "edge") != 0) {
            char s[200];
            add_error(v, "ValidationError", "{'relationship': ['Tool %s is a %s tool, not a relationship.']}",
                      shown(tool->name, s, sizeof s), tool->type);
            tool = NULL;
        }
    }
    json_t *rel = json_object_get(o, "relationship");
    const char *type = json_string_value(json_object_get(rel, "type"));
    const char *source = NULL, *target = NULL;
    if (!json_is_object(rel)) {
        add_error(v, "ValidationError", "{'relationship': ['Not a valid mapping type.']}");
    } else {
        if (!type)
            type = json_is_null(json_object_get(rel, "type")) || !json_object_get(rel, "type") ? "unidirectional" : "";
        if (strcmp(type, "unidirectional") != 0 && strcmp(type, "bidirectional") != 0)
            add_error(v, "ValidationError", "{'relationship': {'type': ['Must be one of: unidirectional, "
                                            "bidirectional.']}}");
        if (found) {
            source = relationship_end(v, lines, nlines, uuids, rel, "source", row.asset_id);
            target = relationship_end(v, lines, nlines, uuids, rel, "target", row.asset_id);
            if (source && target && strcmp(source, target) == 0)
                add_error(v, "InvalidAnnotation", "A relationship needs two different annotations");
        }
    }
    status_line(li, data_row, v->errors);
    if (li->ok && tool && !v->callback_failed) {
        json_t *r = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", tool->name, "schemaId", tool->schema_id, "source",
                              source, "target", target, "type", type);
        lb_accepted a = {li->uuid, &row, v->anns, r, 0};
        if (v->env->accept(v->env->arg, &a) != 0)
            v->callback_failed = 1;
        json_decref(r);
    }
    json_decref(data_row);
    json_decref(v->errors);
    json_decref(v->anns);
    v->errors = v->anns = NULL;
}

/* ---------- the run ---------- */

static void invalid_status(line_info *li)
{
    json_t *errs = json_pack("[{s:s,s:s,s:n}]", "name", "ValidationError", "message",
                             "{'_schema': ['Invalid JSON: each line must be one JSON object.']}", "additionalInfo");
    json_t *empty = json_object();
    status_line(li, empty, errs);
    json_decref(empty);
    json_decref(errs);
}

static size_t split_lines(const char *text, size_t len, line_info **out)
{
    size_t cap = 64, n = 0;
    line_info *lines = calloc(cap, sizeof *lines);
    if (!lines)
        return (size_t)-1;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t s = i, e = end;
        while (s < e && isspace((unsigned char)text[s]))
            s++;
        while (e > s && isspace((unsigned char)text[e - 1]))
            e--;
        if (e > s) {
            if (n == cap) {
                line_info *grown = realloc(lines, cap * 2 * sizeof *lines);
                if (!grown) {
                    free(lines);
                    return (size_t)-1;
                }
                memset(grown + cap, 0, cap * sizeof *grown);
                lines = grown;
                cap *= 2;
            }
            lines[n].start = text + s;
            lines[n].len = e - s;
            n++;
        }
        i = end + 1;
    }
    *out = lines;
    return n;
}

void lb_ndjson_report_free(lb_ndjson_report *r)
{
    free(r->status);
    free(r->errors);
    memset(r, 0, sizeof *r);
}

int lb_ndjson_run(const char *text, size_t len, const lb_ndjson_env *env, lb_ndjson_report *out, char *err,
                  size_t errlen)
{
    line_info *lines = NULL;
    lb_strmap uuids;
    vctx v;
    buf status = {0}, errors = {0};
    int rc = -1;
    memset(out, 0, sizeof *out);
    memset(&v, 0, sizeof v);
    v.env = env;
    lb_mask_cache_init(&v.masks);
    lb_strmap_init(&uuids);
    size_t n = split_lines(text ? text : "", text ? len : 0, &lines);
    if (n == (size_t)-1) {
        snprintf(err, errlen, "out of memory");
        lines = NULL;
        n = 0;
        goto out;
    }
    /* pass 1: uuids and kinds */
    size_t objects = 0;
    for (size_t i = 0; i < n; i++) {
        line_info *li = &lines[i];
        char given[LB_UUID_MAX + 1];
        const char *payload = NULL;
        int count = 0, is_object = 1;
        if (quick_look(li->start, li->len, given, sizeof given, &payload, &count) != 0) {
            json_t *o = lb_ndjson_parse_line(li->start, li->len);
            const char *u = o ? json_string_value(json_object_get(o, "uuid")) : NULL;
            snprintf(given, sizeof given, "%s", u && strlen(u) <= LB_UUID_MAX ? u : "");
            is_object = o != NULL;
            if (o)
                payload = payload_of(o, &count);
            json_decref(o);
        }
        if (given[0]) {
            li->uuid = strdup(given);
        } else {
            char u[37];
            ids_uuid(u);
            li->uuid = strdup(u);
        }
        if (!li->uuid)
            goto out;
        if (is_object) {
            objects++;
            li->kind = !payload ? K_UNKNOWN
                       : strcmp(payload, "relationship") == 0 ? K_RELATIONSHIP
                       : strcmp(payload, "answer") == 0       ? K_CLASSIFICATION
                                                              : K_OBJECT;
            int put = lb_strmap_put(&uuids, li->uuid, i);
            if (put < 0)
                goto out;
            li->dup = put == 0;
        }
    }
    if (n == 0 || objects == 0) {
        snprintf(err, errlen, n == 0 ? "The import file is empty" : "The import file is not NDJSON: no line is a JSON "
                                                                    "object");
        rc = 1;
        goto out;
    }
    size_t parsed = 0;
    /* pass 2: everything but MAL relationships */
    for (size_t i = 0; i < n && !v.callback_failed; i++) {
        line_info *li = &lines[i];
        if (li->kind == K_RELATIONSHIP && env->mal)
            continue;
        if (li->kind == K_INVALID) {
            invalid_status(li);
            continue;
        }
        json_t *o = lb_ndjson_parse_line(li->start, li->len);
        if (!o) { /* looked like an object, is not JSON */
            li->kind = K_INVALID;
            invalid_status(li);
            continue;
        }
        parsed++;
        judge_line(&v, li, o);
        json_decref(o);
    }
    /* pass 3: MAL relationships */
    for (size_t i = 0; i < n && env->mal && !v.callback_failed; i++) {
        if (lines[i].kind != K_RELATIONSHIP)
            continue;
        json_t *o = lb_ndjson_parse_line(lines[i].start, lines[i].len);
        if (!o) {
            lines[i].kind = K_INVALID;
            invalid_status(&lines[i]);
            continue;
        }
        parsed++;
        judge_relationship(&v, lines, n, i, &uuids, o);
        json_decref(o);
    }
    if (v.callback_failed)
        goto out;
    if (parsed == 0) {
        snprintf(err, errlen, "The import file is not NDJSON: no line is a JSON object");
        rc = 1;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *s = lines[i].status ? lines[i].status : "{}";
        if (i)
            buf_add(&status, "\n", 1);
        buf_add(&status, s, strlen(s));
        if (!lines[i].ok) {
            if (errors.len)
                buf_add(&errors, "\n", 1);
            buf_add(&errors, s, strlen(s));
            out->failures++;
        }
    }
    if (status.failed || errors.failed) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    out->lines = (int64_t)n;
    out->status = status.data;
    out->status_len = status.len;
    out->errors = errors.data;
    out->errors_len = errors.len;
    status.data = errors.data = NULL;
    rc = 0;
out:
    for (size_t i = 0; lines && i < n; i++) {
        free(lines[i].uuid);
        free(lines[i].feature);
        free(lines[i].status);
    }
    free(lines);
    free(status.data);
    free(errors.data);
    lb_strmap_free(&uuids);
    lb_mask_cache_free(&v.masks);
    return rc;
}
