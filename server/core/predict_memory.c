/* predict_memory.c — what training keeps of one image: its annotations read
 * dialect-neutrally from core rows (DESIGN "One store, four views"), so a
 * dataset labelled through any dialect trains the same model. Captions are
 * text rows labelled "caption", VQA pairs text rows labelled "vqa" holding
 * {"question","answer"}, free text rows labelled "freeform"; every shaped row
 * (bbox, polygon, polyline, mask) is a box of its label's phrase, normalized
 * to [0,1] by the image size; classifications are labels. Pure; any thread
 * (the training job calls it).
 */
#include "geometry.h"
#include "predict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *predict_memory_new(void)
{
    return json_pack("{s:n,s:[],s:[],s:n,s:[]}", "caption", "phrases", "qa", "response", "labels");
}

/* Bounds of an uncompressed COCO-style RLE ({"counts":[…],"size":[h,w]},
 * column-major, background first). */
static int mask_bounds(const json_t *g, double *x, double *y, double *w, double *h)
{
    const json_t *rle = json_object_get(g, "rle");
    const json_t *counts = json_object_get(rle, "counts"), *size = json_object_get(rle, "size");
    if (!json_is_array(counts) || !json_is_array(size) || json_array_size(size) != 2)
        return -1;
    json_int_t rows = json_integer_value(json_array_get(size, 0));
    if (rows <= 0)
        return -1;
    json_int_t pos = 0, x0 = -1, y0 = 0, x1 = 0, y1 = 0;
    size_t i;
    const json_t *c;
    json_array_foreach(counts, i, c) {
        json_int_t run = json_integer_value(c);
        if (run < 0 || pos > INT64_MAX / 2 - run)
            return -1;
        if (i % 2 == 1 && run > 0) {
            json_int_t first = pos, last = pos + run - 1;
            json_int_t cf = first / rows, cl = last / rows;
            json_int_t rf = cf == cl ? first % rows : 0, rl = cf == cl ? last % rows : rows - 1;
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

static double unit(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

static json_t *phrase_entry(json_t *phrases, const char *phrase)
{
    size_t i;
    json_t *p;
    json_array_foreach(phrases, i, p) {
        if (strcmp(json_string_value(json_object_get(p, "phrase")), phrase) == 0)
            return p;
    }
    p = json_pack("{s:s,s:[]}", "phrase", phrase, "boxes");
    json_array_append_new(phrases, p);
    return p;
}

static void add_box(json_t *memory, const annotation_row *row, int width, int height)
{
    if (!row->label[0] || !row->geometry || width <= 0 || height <= 0)
        return;
    json_t *g = json_loads(row->geometry, 0, NULL);
    double x, y, w, h;
    int rc = strcmp(row->kind, "mask") == 0 ? mask_bounds(g, &x, &y, &w, &h)
                                             : geometry_bounds(row->kind, g, &x, &y, &w, &h);
    json_decref(g);
    if (rc != 0 || !(w > 0) || !(h > 0))
        return;
    double box[4] = {unit(x / width), unit(y / height), unit((x + w) / width), unit((y + h) / height)};
    if (!(box[0] < box[2]) || !(box[1] < box[3]))
        return;
    json_t *entry = phrase_entry(json_object_get(memory, "phrases"), row->label);
    json_array_append_new(json_object_get(entry, "boxes"), json_pack("[f,f,f,f]", box[0], box[1], box[2], box[3]));
}

static void add_qa(json_t *memory, const char *text)
{
    json_t *qa = json_loads(text, 0, NULL);
    const char *q = json_string_value(json_object_get(qa, "question"));
    const char *a = json_string_value(json_object_get(qa, "answer"));
    if (q && a && *a)
        json_array_append_new(json_object_get(memory, "qa"), json_pack("{s:s,s:s}", "question", q, "answer", a));
    json_decref(qa);
}

void predict_memory_add(json_t *memory, const annotation_row *row, int width, int height)
{
    if (!memory || !row)
        return;
    if (strcmp(row->kind, "text") == 0) {
        if (!row->text || !*row->text)
            return;
        if (strcmp(row->label, "vqa") == 0)
            add_qa(memory, row->text);
        else if (strcmp(row->label, "caption") == 0 && json_is_null(json_object_get(memory, "caption")))
            json_object_set_new(memory, "caption", json_string(row->text));
        else if (strcmp(row->label, "freeform") == 0 && json_is_null(json_object_get(memory, "response")))
            json_object_set_new(memory, "response", json_string(row->text));
        return;
    }
    if (strcmp(row->kind, "classification") == 0) {
        if (row->label[0])
            json_array_append_new(json_object_get(memory, "labels"), json_string(row->label));
        return;
    }
    if (strcmp(row->kind, "bbox") == 0 || strcmp(row->kind, "polygon") == 0 || strcmp(row->kind, "polyline") == 0 ||
        strcmp(row->kind, "mask") == 0)
        add_box(memory, row, width, height);
}

void predict_memory_finish(json_t *memory)
{
    if (!memory || !json_is_null(json_object_get(memory, "caption")))
        return;
    const json_t *phrases = json_object_get(memory, "phrases");
    if (json_array_size(phrases) == 0)
        return;
    size_t need = 1;
    size_t i;
    const json_t *p;
    json_array_foreach(phrases, i, p) need += strlen(json_string_value(json_object_get(p, "phrase"))) + 2;
    char *caption = malloc(need);
    if (!caption)
        return;
    caption[0] = 0;
    json_array_foreach(phrases, i, p) {
        if (i)
            strcat(caption, ", ");
        strcat(caption, json_string_value(json_object_get(p, "phrase")));
    }
    json_object_set_new(memory, "caption", json_string(caption));
    free(caption);
}
