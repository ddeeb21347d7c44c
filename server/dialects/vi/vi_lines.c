/* vi_lines.c — parsing and validation of one Vi JSONL annotation line (see
 * vi_lines.h). Every failure names the offending key so a session's reason can
 * say file, line and cause. Box coordinates must be finite numbers in [0,1] with
 * xmin < xmax and ymin < ymax; a span must satisfy 0 <= start < end <= caption
 * length in characters; a phrase without a span gets the place of its first
 * case-insensitive occurrence in the caption, else [0,0]. Pure; any thread.
 */
#include "vi_lines.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vi_utf8_length(const char *s)
{
    int n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int chars_before(const char *s, size_t bytes)
{
    int n = 0;
    for (size_t i = 0; i < bytes && s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

void vi_span_find(const char *caption, const char *phrase, int *start, int *end)
{
    *start = *end = 0;
    size_t pl = strlen(phrase), cl = strlen(caption);
    if (pl == 0 || pl > cl)
        return;
    for (size_t i = 0; i + pl <= cl; i++) {
        size_t k = 0;
        while (k < pl && tolower((unsigned char)caption[i + k]) == tolower((unsigned char)phrase[k]))
            k++;
        if (k == pl) {
            *start = chars_before(caption, i);
            *end = *start + vi_utf8_length(phrase);
            return;
        }
    }
}

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int unit(const json_t *v, double *out)
{
    if (!json_is_number(v))
        return -1;
    double d = json_number_value(v);
    if (!isfinite(d) || d < 0 || d > 1)
        return -1;
    *out = d;
    return 0;
}

/* bbox [xmin,ymin,xmax,ymax] or bounds [[x,y]x4] → box; 0 or -1 with err. */
static int parse_box(const json_t *p, size_t i, double box[4], char *err, size_t errlen)
{
    const json_t *bbox = json_object_get(p, "bbox"), *bounds = json_object_get(p, "bounds");
    if (json_is_array(bounds)) {
        if (json_array_size(bounds) != 4)
            return fail(err, errlen, "groundedPhrases[%zu].bounds must have 4 corners", i);
        box[0] = box[1] = INFINITY;
        box[2] = box[3] = -INFINITY;
        for (size_t k = 0; k < 4; k++) {
            const json_t *c = json_array_get(bounds, k);
            double x, y;
            if (!json_is_array(c) || json_array_size(c) != 2 || unit(json_array_get(c, 0), &x) ||
                unit(json_array_get(c, 1), &y))
                return fail(err, errlen, "groundedPhrases[%zu].bounds[%zu] must be [x, y] in [0, 1]", i, k);
            box[0] = fmin(box[0], x);
            box[1] = fmin(box[1], y);
            box[2] = fmax(box[2], x);
            box[3] = fmax(box[3], y);
        }
    } else if (json_is_array(bbox)) {
        if (json_array_size(bbox) != 4)
            return fail(err, errlen, "grounded_phrases[%zu].bbox must be [x_min, y_min, x_max, y_max]", i);
        for (size_t k = 0; k < 4; k++)
            if (unit(json_array_get(bbox, k), &box[k]))
                return fail(err, errlen, "grounded_phrases[%zu].bbox values must be numbers in [0, 1]", i);
    } else {
        return fail(err, errlen, "grounded phrase %zu needs a bbox or bounds", i);
    }
    if (!(box[0] < box[2]) || !(box[1] < box[3]))
        return fail(err, errlen, "grounded phrase %zu has an empty or inverted box (need x_min < x_max, y_min < y_max)",
                    i);
    return 0;
}

static int parse_phrases(vi_line *l, const json_t *phrases, char *err, size_t errlen)
{
    if (!phrases || json_is_null(phrases))
        return 0;
    if (!json_is_array(phrases))
        return fail(err, errlen, "grounded phrases must be a list");
    size_t n = json_array_size(phrases);
    if (n == 0)
        return 0;
    l->boxes = calloc(n, sizeof *l->boxes);
    if (!l->boxes)
        return fail(err, errlen, "out of memory");
    int caption_len = vi_utf8_length(l->caption);
    for (size_t i = 0; i < n; i++) {
        const json_t *p = json_array_get(phrases, i);
        if (!json_is_object(p))
            return fail(err, errlen, "grounded phrase %zu must be an object", i);
        const char *phrase = json_string_value(json_object_get(p, "phrase"));
        if (!phrase || !*phrase)
            return fail(err, errlen, "grounded phrase %zu needs a non-empty 'phrase'", i);
        if (strlen(phrase) != json_string_length(json_object_get(p, "phrase")) || strlen(phrase) > 255)
            return fail(err, errlen, "grounded phrase %zu: 'phrase' is longer than 255 bytes or holds NUL", i);
        vi_line_box *b = &l->boxes[l->nboxes];
        b->phrase = phrase;
        if (parse_box(p, i, b->box, err, errlen) != 0)
            return -1;
        const json_t *s = json_object_get(p, "startTokenIndex"), *e = json_object_get(p, "endTokenIndex");
        if ((s && !json_is_null(s)) || (e && !json_is_null(e))) {
            if (!json_is_integer(s) || !json_is_integer(e))
                return fail(err, errlen, "grounded phrase %zu: startTokenIndex and endTokenIndex must be integers", i);
            json_int_t si = json_integer_value(s), ei = json_integer_value(e);
            if (si < 0 || si >= ei || ei > caption_len)
                return fail(err, errlen,
                            "grounded phrase %zu: span [%lld, %lld] is outside the caption (0 <= start < end <= %d)",
                            i, (long long)si, (long long)ei, caption_len);
            b->start = (int)si;
            b->end = (int)ei;
        } else {
            vi_span_find(l->caption, phrase, &b->start, &b->end);
        }
        l->nboxes++;
    }
    return 0;
}

static int parse_interactions(vi_line *l, const json_t *list, char *err, size_t errlen)
{
    if (!list || json_is_null(list))
        return 0;
    if (!json_is_array(list))
        return fail(err, errlen, "contents.interactions must be a list");
    size_t n = json_array_size(list);
    if (n == 0)
        return 0;
    l->qas = calloc(n, sizeof *l->qas);
    if (!l->qas)
        return fail(err, errlen, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const json_t *it = json_array_get(list, i);
        if (!json_is_object(it))
            return fail(err, errlen, "contents.interactions[%zu] must be an object", i);
        const json_t *q = json_object_get(it, "question"), *a = json_object_get(it, "answer");
        if (!json_is_string(q) || json_string_length(q) == 0 || strlen(json_string_value(q)) != json_string_length(q))
            return fail(err, errlen, "contents.interactions[%zu].question must be a non-empty string", i);
        if (!json_is_string(a) || json_string_length(a) == 0 || strlen(json_string_value(a)) != json_string_length(a))
            return fail(err, errlen, "contents.interactions[%zu].answer must be a non-empty string", i);
        const json_t *o = json_object_get(it, "order");
        int order = (int)i + 1;
        if (o && !json_is_null(o)) {
            if (!json_is_integer(o) || json_integer_value(o) < 0 || json_integer_value(o) > 1000000)
                return fail(err, errlen, "contents.interactions[%zu].order must be an integer from 0 to 1000000", i);
            order = (int)json_integer_value(o);
        }
        for (size_t k = 0; k < l->nqas; k++)
            if (l->qas[k].order == order)
                return fail(err, errlen, "contents.interactions[%zu].order %d is used twice", i, order);
        l->qas[l->nqas++] = (vi_line_qa){order, json_string_value(q), json_string_value(a)};
    }
    return 0;
}

static const char *expected_type(vi_type t)
{
    return t == VI_TYPE_VQA ? "Vqa" : t == VI_TYPE_FREEFORM ? "Freeform" : "PhraseGrounding";
}

/* A string field that may be absent; -1 when present but not a clean string. */
static int opt_string(const json_t *o, const char *key, const char **out)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return -1;
    *out = json_string_value(v);
    return 0;
}

int vi_lines_parse(const char *text, size_t len, vi_type type, vi_line *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    json_error_t jerr;
    /* jansson refuses invalid UTF-8 and raw NUL bytes, so this also vets the encoding. */
    out->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!out->root)
        return fail(err, errlen, "not valid JSON (%s at column %d)", jerr.text, jerr.column);
    json_t *root = out->root;
    if (!json_is_object(root))
        return fail(err, errlen, "a line must be a JSON object");
    if (opt_string(root, "id", &out->id) || (out->id && !vi_id_ok(out->id)))
        return fail(err, errlen, "'id' must be 1-255 characters of [A-Za-z0-9_-]");
    if (opt_string(root, "asset_id", &out->asset_id))
        return fail(err, errlen, "'asset_id' must be a string");
    if (!out->asset_id && opt_string(root, "assetId", &out->asset_id))
        return fail(err, errlen, "'assetId' must be a string");
    const json_t *asset = json_object_get(root, "asset");
    if (asset && !json_is_null(asset)) {
        if (!json_is_object(asset) || opt_string(asset, "filename", &out->filename))
            return fail(err, errlen, "'asset' must be an object with a string 'filename'");
    }
    if ((!out->asset_id || !*out->asset_id) && (!out->filename || !*out->filename))
        return fail(err, errlen, "the line names no asset (asset_id or asset.filename)");
    const json_t *contents = json_object_get(root, "contents");
    if (contents && !json_is_null(contents) && !json_is_object(contents))
        return fail(err, errlen, "'contents' must be an object");
    const char *ctype = NULL;
    if (opt_string(contents, "type", &ctype))
        return fail(err, errlen, "contents.type must be a string");
    if (ctype && strcmp(ctype, expected_type(type)) != 0)
        return fail(err, errlen, "contents.type '%.40s' does not match this %s dataset (expected %s)", ctype,
                    vi_type_name(type), expected_type(type));
    if (type == VI_TYPE_PHRASE_GROUNDING) {
        const json_t *src = ctype ? contents : root;
        if (opt_string(src, "caption", &out->caption))
            return fail(err, errlen, "'caption' must be a string");
        out->caption = out->caption ? out->caption : "";
        const json_t *phrases = ctype ? json_object_get(contents, "groundedPhrases")
                                      : json_object_get(root, "grounded_phrases");
        if (parse_phrases(out, phrases, err, errlen) != 0)
            return -1;
        out->empty = !*out->caption && out->nboxes == 0;
    } else if (type == VI_TYPE_VQA) {
        if (parse_interactions(out, json_object_get(contents, "interactions"), err, errlen) != 0)
            return -1;
        out->empty = out->nqas == 0;
    } else {
        if (opt_string(contents, "response", &out->response))
            return fail(err, errlen, "contents.response must be a string");
        if (!out->response && opt_string(contents, "text", &out->response))
            return fail(err, errlen, "contents.text must be a string");
        out->empty = !out->response || !*out->response;
    }
    return 0;
}

void vi_lines_free(vi_line *l)
{
    free(l->boxes);
    free(l->qas);
    json_decref(l->root);
    memset(l, 0, sizeof *l);
}
