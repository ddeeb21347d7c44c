/* vi_view.c — core annotations seen as Vi parts and export lines (see
 * vi_view.h for the mapping). Loading copies the rows it needs, so the result
 * owns everything and outlives the statement. Request threads and the worker.
 */
#include "vi_view.h"
#include "core/geometry.h"
#include "store_vi_core.h"
#include "vi_lines.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tags ----------------------------------------------------------------- */

typedef struct {
    vi_tags *t;
    int next_id;
    int failed;
} tags_acc;

static int tags_push(tags_acc *acc, const char *name, int id, int64_t count)
{
    vi_tags *t = acc->t;
    vi_tag *grown = realloc(t->tags, (t->n + 1) * sizeof *grown);
    char *copy = strdup(name);
    if (!grown || !copy) {
        if (grown)
            t->tags = grown;
        free(copy);
        acc->failed = 1;
        return -1;
    }
    t->tags = grown;
    t->tags[t->n++] = (vi_tag){copy, id, count};
    if (id >= acc->next_id)
        acc->next_id = id + 1;
    return 0;
}

static void tags_label(const char *label, int64_t count, void *arg)
{
    tags_acc *acc = arg;
    int i = vi_tags_find(acc->t, label);
    if (i >= 0) {
        acc->t->tags[i].count = count;
        return;
    }
    tags_push(acc, label, acc->next_id, count);
}

static int tag_cmp(const void *a, const void *b)
{
    const vi_tag *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

st_result vi_tags_load(const char *workspace_id, const dataset_row *ds, vi_tags *out)
{
    memset(out, 0, sizeof *out);
    tags_acc acc = {out, 0, 0};
    json_t *attrs = ds->attrs ? json_loads(ds->attrs, 0, NULL) : NULL;
    json_t *declared = json_object_get(json_object_get(attrs, "vi"), "tags");
    const char *name;
    json_t *v;
    json_object_foreach(declared, name, v) {
        if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < 1000000)
            tags_push(&acc, name, (int)json_integer_value(v), 0);
    }
    json_decref(attrs);
    if (out->n > 1)
        qsort(out->tags, out->n, sizeof *out->tags, tag_cmp);
    st_result r = store_vi_dataset_labels(workspace_id, ds->id, tags_label, &acc);
    if (r == ST_OK && acc.failed)
        r = ST_ERROR;
    if (r != ST_OK)
        vi_tags_free(out);
    return r;
}

int vi_tags_find(const vi_tags *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->tags[i].name, name) == 0)
            return (int)i;
    return -1;
}

void vi_tags_free(vi_tags *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->tags[i].name);
    free(t->tags);
    memset(t, 0, sizeof *t);
}

/* ---- loading an asset's view ------------------------------------------------ */

typedef struct {
    char id[37];
    char kind[16];
    char *label, *geometry, *text, *attrs;
    int64_t created_at, updated_at;
} row_copy;

typedef struct {
    row_copy *rows;
    size_t n;
    int failed;
} rows_acc;

static void collect(const vi_ann_row *a, void *arg)
{
    rows_acc *acc = arg;
    row_copy *grown = realloc(acc->rows, (acc->n + 1) * sizeof *grown);
    if (!grown) {
        acc->failed = 1;
        return;
    }
    acc->rows = grown;
    row_copy *r = &acc->rows[acc->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", a->id);
    snprintf(r->kind, sizeof r->kind, "%s", a->kind);
    r->label = strdup(a->label);
    r->geometry = strdup(a->geometry);
    r->text = a->text ? strdup(a->text) : NULL;
    r->attrs = strdup(a->attrs);
    r->created_at = a->created_at;
    r->updated_at = a->updated_at;
    if (!r->label || !r->geometry || !r->attrs || (a->text && !r->text))
        acc->failed = 1;
}

static void rows_free(rows_acc *acc)
{
    for (size_t i = 0; i < acc->n; i++) {
        free(acc->rows[i].label);
        free(acc->rows[i].geometry);
        free(acc->rows[i].text);
        free(acc->rows[i].attrs);
    }
    free(acc->rows);
}

/* Bounds of an uncompressed COCO RLE (column-major runs, background first). */
static int mask_bounds(const json_t *g, double *x, double *y, double *w, double *h)
{
    const json_t *rle = json_object_get(g, "rle");
    const json_t *counts = json_object_get(rle, "counts"), *size = json_object_get(rle, "size");
    if (!json_is_array(counts) || !json_is_array(size) || json_array_size(size) != 2)
        return -1;
    long long rows = json_integer_value(json_array_get(size, 0));
    if (rows <= 0)
        return -1;
    long long pos = 0, x0 = -1, y0 = 0, x1 = 0, y1 = 0;
    size_t i;
    json_t *c;
    json_array_foreach(counts, i, c) {
        long long run = json_integer_value(c);
        if (run < 0)
            return -1;
        if (i % 2 == 1 && run > 0) {
            long long first = pos, last = pos + run - 1;
            long long cf = first / rows, cl = last / rows;
            long long rf = cf == cl ? first % rows : 0, rl = cf == cl ? last % rows : rows - 1;
            if (x0 < 0) {
                x0 = cf;
                y0 = rf;
                x1 = cl;
                y1 = rl;
            } else {
                x0 = cf < x0 ? cf : x0;
                y0 = rf < y0 ? rf : y0;
                x1 = cl > x1 ? cl : x1;
                y1 = rl > y1 ? rl : y1;
            }
        }
        pos += run;
    }
    if (x0 < 0)
        return -1;
    *x = (double)x0;
    *y = (double)y0;
    *w = (double)(x1 - x0 + 1);
    *h = (double)(y1 - y0 + 1);
    return 0;
}

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

/* Normalized box of a shaped row; -1 when it has none or it is degenerate. */
static int row_box(const row_copy *r, const asset_row *a, double box[4])
{
    if (a->width <= 0 || a->height <= 0)
        return -1;
    double x, y, w, h;
    int rc;
    if (strcmp(r->kind, "mask") == 0) {
        json_t *g = json_loads(r->geometry, 0, NULL);
        rc = mask_bounds(g, &x, &y, &w, &h);
        json_decref(g);
    } else {
        rc = geometry_bounds_text(r->kind, r->geometry, &x, &y, &w, &h);
    }
    if (rc != 0 || w <= 0 || h <= 0)
        return -1;
    box[0] = clamp01(x / a->width);
    box[1] = clamp01(y / a->height);
    box[2] = clamp01((x + w) / a->width);
    box[3] = clamp01((y + h) / a->height);
    return box[0] < box[2] && box[1] < box[3] ? 0 : -1;
}

static int is_shape(const char *kind)
{
    return strcmp(kind, "bbox") == 0 || strcmp(kind, "polygon") == 0 || strcmp(kind, "polyline") == 0 ||
           strcmp(kind, "mask") == 0;
}

static vi_part *part_new(vi_view *v, const row_copy *r, const char *whole)
{
    vi_part *grown = realloc(v->parts, (v->nparts + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    v->parts = grown;
    vi_part *p = &v->parts[v->nparts++];
    memset(p, 0, sizeof *p);
    snprintf(p->id, sizeof p->id, "%s", r->id);
    snprintf(p->core_id, sizeof p->core_id, "%s", r->id);
    snprintf(p->whole, sizeof p->whole, "%s", whole);
    p->created_at = r->created_at;
    p->updated_at = r->updated_at;
    return p;
}

static const char *attr_whole(const json_t *vi, const char *fallback)
{
    const char *w = json_string_value(json_object_get(vi, "whole"));
    return w && *w ? w : fallback;
}

/* What a part needs from an annotation's attrs: {"vi":{"whole":…,"target":[start,end]}}. */
typedef struct {
    char whole[256]; /* as vi_part's */
    int has_target, start, end;
} vi_attrs;

/* Reads an int at *p; advances past it. */
static int attrs_int(const char **p, int *out)
{
    char *end;
    long v = strtol(*p, &end, 10);
    if (end == *p || v < INT_MIN || v > INT_MAX)
        return -1;
    *out = (int)v;
    *p = end;
    return 0;
}

/* The two forms the Vi import writes, without blanks or escapes, read directly
 * (exports read a million of them); -1 for anything else. */
static int attrs_fast(const char *s, vi_attrs *out)
{
    static const char head[] = "{\"vi\":{\"whole\":\"";
    if (strncmp(s, head, sizeof head - 1) != 0)
        return -1;
    s += sizeof head - 1;
    size_t n = strcspn(s, "\"\\");
    if (s[n] != '"' || n == 0 || n >= sizeof out->whole)
        return -1;
    memcpy(out->whole, s, n);
    out->whole[n] = 0;
    s += n + 1;
    out->has_target = 0;
    if (strncmp(s, ",\"target\":[", 11) == 0) {
        s += 11;
        if (attrs_int(&s, &out->start) != 0 || *s++ != ',' || attrs_int(&s, &out->end) != 0 || *s++ != ']')
            return -1;
        out->has_target = 1;
    }
    return strcmp(s, "}}") == 0 ? 0 : -1;
}

static void attrs_read(const char *text, const char *fallback_whole, vi_attrs *out)
{
    if (text && attrs_fast(text, out) == 0)
        return;
    json_t *attrs = text ? json_loads(text, 0, NULL) : NULL;
    json_t *vi = json_object_get(attrs, "vi");
    const char *w = json_string_value(json_object_get(vi, "whole"));
    snprintf(out->whole, sizeof out->whole, "%s", w && *w ? w : fallback_whole);
    json_t *target = json_object_get(vi, "target");
    out->has_target = json_is_array(target) && json_array_size(target) == 2;
    out->start = out->has_target ? (int)json_integer_value(json_array_get(target, 0)) : -1;
    out->end = out->has_target ? (int)json_integer_value(json_array_get(target, 1)) : -1;
    json_decref(attrs);
}

static int load_phrase_grounding(vi_view *v, const rows_acc *rows, const asset_row *a, const vi_tags *tags)
{
    const char *caption = NULL; /* the first caption's text (its own allocation) */
    size_t caption_part = (size_t)-1, nshapes = 0;
    for (size_t i = 0; i < rows->n; i++) {
        const row_copy *r = &rows->rows[i];
        vi_attrs at;
        attrs_read(r->attrs, a->id, &at);
        int ok = 1;
        if (strcmp(r->kind, "text") == 0 && strcmp(r->label, "caption") == 0 && r->text) {
            vi_part *p = part_new(v, r, at.whole);
            if (!p || !(p->text = strdup(r->text)))
                ok = 0;
            else if (!caption) {
                caption = p->text;
                caption_part = v->nparts - 1; /* an index: parts may move as they grow */
            }
        } else if (is_shape(r->kind)) {
            double box[4];
            if (row_box(r, a, box) == 0) {
                vi_part *p = part_new(v, r, at.whole);
                if (!p || !(p->phrase = strdup(r->label))) {
                    ok = 0;
                } else {
                    p->role = VI_PART_BOX;
                    memcpy(p->box, box, sizeof box);
                    int t = vi_tags_find(tags, r->label);
                    p->tag = t >= 0 ? tags->tags[t].id : 0;
                    p->start = at.start; /* -1 without a target: computed below against the caption */
                    p->end = at.end;
                    nshapes++;
                }
            }
        }
        if (!ok)
            return -1;
    }
    /* Export line: the first caption, or the labels joined when there is none. */
    const char *caption_whole = caption ? v->parts[caption_part].whole : NULL;
    format_buf derived = {0};
    if (!caption && nshapes) {
        for (size_t i = 0; i < v->nparts; i++) {
            const vi_part *p = &v->parts[i];
            int seen = 0;
            for (size_t k = 0; k < i && !seen; k++)
                seen = v->parts[k].role == VI_PART_BOX && strcmp(v->parts[k].phrase, p->phrase) == 0;
            if (!seen) {
                if (derived.len)
                    format_buf_puts(&derived, ", ");
                format_buf_puts(&derived, p->phrase);
            }
        }
    }
    v->caption = strdup(caption ? caption : derived.data ? (const char *)derived.data : "");
    format_buf_free(&derived);
    if (!v->caption)
        return -1;
    snprintf(v->line_id, sizeof v->line_id, "%s", caption_whole ? caption_whole : a->id);
    v->boxes = calloc(nshapes ? nshapes : 1, sizeof *v->boxes);
    if (!v->boxes)
        return -1;
    for (size_t i = 0; i < v->nparts; i++) {
        vi_part *p = &v->parts[i];
        if (p->role != VI_PART_BOX)
            continue;
        int s, e;
        vi_span_find(v->caption, p->phrase, &s, &e);
        if (p->start < 0) { /* no stored span: the phrase's place in the caption */
            p->start = s;
            p->end = e;
        }
        int same_line = caption_whole && strcmp(p->whole, caption_whole) == 0;
        int t = vi_tags_find(tags, p->phrase);
        v->boxes[v->nboxes++] = (format_box){p->phrase, t >= 0 ? t : 0, p->box[0], p->box[1], p->box[2], p->box[3],
                                             same_line ? p->start : s, same_line ? p->end : e};
    }
    return 0;
}

static int load_vqa(vi_view *v, const rows_acc *rows, const asset_row *a)
{
    v->qas = calloc(rows->n ? rows->n : 1, sizeof *v->qas);
    if (!v->qas)
        return -1;
    for (size_t i = 0; i < rows->n; i++) {
        const row_copy *r = &rows->rows[i];
        if (strcmp(r->kind, "text") != 0 || strcmp(r->label, "vqa") != 0 || !r->text)
            continue;
        json_t *qa = json_loads(r->text, 0, NULL);
        json_t *attrs = json_loads(r->attrs, 0, NULL);
        json_t *vi = json_object_get(attrs, "vi");
        const char *q = json_string_value(json_object_get(qa, "question"));
        const char *ans = json_string_value(json_object_get(qa, "answer"));
        int ok = 1;
        if (q && ans) {
            json_t *ord = json_object_get(vi, "order");
            int order = json_is_integer(ord) ? (int)json_integer_value(ord) : (int)v->nqas + 1;
            const char *whole = attr_whole(vi, a->id);
            vi_part *qp = part_new(v, r, whole);
            vi_part *ap = qp ? part_new(v, r, whole) : NULL;
            qp = ap ? ap - 1 : qp; /* part_new may have moved the array */
            if (!qp || !ap || !(qp->text = strdup(q)) || !(ap->text = strdup(ans))) {
                ok = 0;
            } else {
                qp->tag = ap->tag = order;
                snprintf(ap->id, sizeof ap->id, "%s-a", r->id);
                if (!v->line_id[0])
                    snprintf(v->line_id, sizeof v->line_id, "%s", whole);
                v->qas[v->nqas] = (format_qa){(int)v->nqas + 1, qp->text, ap->text};
                v->nqas++;
            }
        }
        json_decref(qa);
        json_decref(attrs);
        if (!ok)
            return -1;
    }
    if (!v->line_id[0])
        snprintf(v->line_id, sizeof v->line_id, "%s", a->id);
    return 0;
}

static int load_freeform(vi_view *v, const rows_acc *rows, const asset_row *a)
{
    int have_freeform = 0;
    for (size_t i = 0; i < rows->n; i++)
        have_freeform |= strcmp(rows->rows[i].kind, "text") == 0 && strcmp(rows->rows[i].label, "freeform") == 0;
    const char *label = have_freeform ? "freeform" : "caption";
    for (size_t i = 0; i < rows->n; i++) {
        const row_copy *r = &rows->rows[i];
        if (strcmp(r->kind, "text") != 0 || strcmp(r->label, label) != 0 || !r->text)
            continue;
        json_t *attrs = json_loads(r->attrs, 0, NULL);
        vi_part *p = part_new(v, r, attr_whole(json_object_get(attrs, "vi"), a->id));
        json_decref(attrs);
        if (!p || !(p->text = strdup(r->text)))
            return -1;
        if (!v->response) {
            if (!(v->response = strdup(r->text)))
                return -1;
            snprintf(v->line_id, sizeof v->line_id, "%s", p->whole);
        }
    }
    if (!v->line_id[0])
        snprintf(v->line_id, sizeof v->line_id, "%s", a->id);
    return 0;
}

st_result vi_view_load(const char *workspace_id, const asset_row *a, vi_type type, const vi_tags *tags, vi_view *out)
{
    memset(out, 0, sizeof *out);
    rows_acc rows = {0};
    st_result r = store_vi_annotations_by_asset(workspace_id, a->id, collect, &rows);
    if (r == ST_OK && rows.failed)
        r = ST_ERROR;
    if (r == ST_OK) {
        int rc = type == VI_TYPE_VQA        ? load_vqa(out, &rows, a)
                 : type == VI_TYPE_FREEFORM ? load_freeform(out, &rows, a)
                                            : load_phrase_grounding(out, &rows, a, tags);
        if (rc != 0)
            r = ST_ERROR;
    }
    rows_free(&rows);
    if (r != ST_OK)
        vi_view_free(out);
    return r;
}

void vi_view_free(vi_view *v)
{
    for (size_t i = 0; i < v->nparts; i++) {
        free(v->parts[i].text);
        free(v->parts[i].phrase);
    }
    free(v->parts);
    free(v->caption);
    free(v->boxes);
    free(v->qas);
    free(v->response);
    memset(v, 0, sizeof *v);
}

json_t *vi_part_json(const vi_dataset_ref *d, const char *asset_id, const vi_part *p)
{
    json_t *contents;
    if (p->role == VI_PART_BOX) {
        const double *b = p->box;
        contents = json_pack("{s:s,s:[[f,f],[f,f],[f,f],[f,f]],s:[i,i]}", "kind", "PhraseGroundingBoundingBox",
                             "bound", b[0], b[1], b[2], b[1], b[2], b[3], b[0], b[3], "target", p->start, p->end);
    } else {
        contents = json_pack("{s:s,s:s}", "kind", "Caption", "contents", p->text ? p->text : "");
    }
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "kind", "Annotation", "annotationId", p->id, "assetId", asset_id,
                          "workspaceId", d->org, "datasetId", d->segment);
    json_object_set_new(o, "selfLink", vi_link(d, "/assets/%s/annotations/%s", asset_id, p->id));
    json_object_set_new(o, "etag", vi_etag(p->updated_at));
    json_object_set_new(o, "metadata", vi_metadata(p->created_at, p->updated_at, 1, NULL));
    json_object_set_new(o, "spec",
                        json_pack("{s:s,s:i,s:{s:{s:s},s:{s:s}},s:o}", "boundType",
                                  p->role == VI_PART_BOX ? "box" : "none", "tag", p->tag, "aggregation", "whole",
                                  "id", p->whole, "thisPart", "role",
                                  p->role == VI_PART_BOX ? "PhraseGroundingBoundingBox" : "Caption", "contents",
                                  contents));
    return o;
}
