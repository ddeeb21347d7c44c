/* predict_scene.c — salient objects of an image, named and boxed for the
 * prediction model (see predict_scene.h for the naming rules). The engine
 * runs on the caller's working copy (predict.h keeps it at most 256 pixels on
 * the longer side), which bounds the cost per prediction whatever the upload
 * size. The colour ranges agree with segment.c's colour words, so a question
 * about "red objects" counts what the description calls red. Any thread.
 */
#include "predict_scene.h"
#include "segment.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Regions covering more than this share are the background seen as an object;
 * below the minimum they are specks. */
#define SCENE_MAX_FRAC 0.90
#define SCENE_MIN_FRAC 0.002

static double srgb_linear(double c)
{
    c /= 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double lab_f(double t) { return t > 216.0 / 24389.0 ? cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0; }

static void rgb_to_lab(double r, double g, double b, double lab[3])
{
    double R = srgb_linear(r), G = srgb_linear(g), B = srgb_linear(b);
    double X = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
    double Y = 0.2126729 * R + 0.7151522 * G + 0.0721750 * B;
    double Z = (0.0193339 * R + 0.1191920 * G + 0.9503041 * B) / 1.08883;
    double fx = lab_f(X), fy = lab_f(Y), fz = lab_f(Z);
    lab[0] = 116.0 * fy - 16.0;
    lab[1] = 500.0 * (fx - fy);
    lab[2] = 200.0 * (fy - fz);
}

/* The same ranges as segment.c's colour words (a colour may answer to two). */
static unsigned colour_bits(double L, double a, double b)
{
    double C = sqrt(a * a + b * b);
    if (C < 15.0)
        return L >= 80.0 ? SEG_COLOUR_WHITE : L <= 25.0 ? SEG_COLOUR_BLACK : SEG_COLOUR_GRAY;
    double h = atan2(b, a) * 180.0 / M_PI;
    if (h < 0)
        h += 360.0;
    unsigned bits = 0;
    if (h >= 345.0 || h < 50.0) bits |= SEG_COLOUR_RED;
    if (h >= 50.0 && h < 75.0) bits |= SEG_COLOUR_ORANGE;
    if (h >= 75.0 && h < 115.0) bits |= SEG_COLOUR_YELLOW;
    if (h >= 115.0 && h < 185.0) bits |= SEG_COLOUR_GREEN;
    if (h >= 185.0 && h < 260.0) bits |= SEG_COLOUR_CYAN;
    if (h >= 240.0 && h < 310.0) bits |= SEG_COLOUR_BLUE;
    if (h >= 290.0 && h < 335.0 && L < 65.0) bits |= SEG_COLOUR_PURPLE;
    if ((h >= 310.0 && h < 355.0) || ((h >= 345.0 || h < 40.0) && L >= 70.0)) bits |= SEG_COLOUR_MAGENTA;
    if (h >= 20.0 && h < 80.0 && L < 50.0) bits |= SEG_COLOUR_BROWN;
    return bits;
}

const char *predict_scene_colour_name(double L, double a, double b, unsigned *bits)
{
    unsigned bt = colour_bits(L, a, b);
    const char *name;
    double C = sqrt(a * a + b * b);
    double h = atan2(b, a) * 180.0 / M_PI;
    if (h < 0)
        h += 360.0;
    if (C < 15.0)
        name = L >= 80.0 ? "white" : L <= 25.0 ? "black" : "gray";
    else if (h >= 45.0 && h < 80.0 && L < 50.0)
        name = "brown";
    else if (h >= 345.0 || h < 50.0)
        name = L >= 70.0 ? "pink" : "red";
    else if (h < 75.0)
        name = "orange";
    else if (h < 115.0)
        name = "yellow";
    else if (h < 185.0)
        name = "green";
    else if (h < 240.0)
        name = "cyan";
    else if (h < 310.0)
        name = "blue";
    else if (h < 335.0)
        name = L < 50.0 ? "purple" : "magenta";
    else
        name = "pink";
    /* The name always answers to its own word. */
    if (strcmp(name, "pink") == 0 || strcmp(name, "magenta") == 0)
        bt |= SEG_COLOUR_MAGENTA;
    else if (strcmp(name, "purple") == 0)
        bt |= SEG_COLOUR_PURPLE;
    else if (strcmp(name, "brown") == 0)
        bt |= SEG_COLOUR_BROWN;
    if (bits)
        *bits = bt;
    return name;
}

/* The same thresholds as segment.c's shape words, plus ovals. */
static const char *shape_of(const seg_region *r, unsigned *bits)
{
    double rect = (double)r->area / ((double)r->w * r->h);
    double aspect = (double)r->w / r->h;
    int squarish = aspect >= 0.8 && aspect <= 1.25;
    *bits = 0;
    if (squarish && r->compactness >= 0.80 && rect >= 0.70 && rect <= 0.86) {
        *bits = SEG_SHAPE_CIRCLE;
        return "circle";
    }
    if (squarish && rect >= 0.9) {
        *bits = SEG_SHAPE_SQUARE | SEG_SHAPE_RECTANGLE;
        return "square";
    }
    if (rect >= 0.9) {
        *bits = SEG_SHAPE_RECTANGLE;
        return "rectangle";
    }
    if (rect >= 0.4 && rect <= 0.6 && r->compactness >= 0.35 && r->compactness <= 0.70) {
        *bits = SEG_SHAPE_TRIANGLE;
        return "triangle";
    }
    if (!squarish && rect >= 0.70 && rect <= 0.86 && r->compactness >= 0.6)
        return "oval";
    return "object";
}

static int frame(double v, int size)
{
    long x = lround(v * 1024.0 / size);
    return x < 0 ? 0 : x > 1024 ? 1024 : (int)x;
}

static void background_of(const image_pixels *px, predict_scene *out)
{
    double sum[3] = {0, 0, 0};
    int64_t n = 0;
    int w = px->width, h = px->height;
    for (int y = 0; y < h; y++) {
        int step = (y == 0 || y == h - 1) ? 1 : (w > 1 ? w - 1 : 1);
        for (int x = 0; x < w; x += step) {
            const uint8_t *p = px->rgb + ((size_t)y * (size_t)w + (size_t)x) * 3;
            sum[0] += p[0];
            sum[1] += p[1];
            sum[2] += p[2];
            n++;
        }
    }
    double lab[3];
    rgb_to_lab(sum[0] / (double)n, sum[1] / (double)n, sum[2] / (double)n, lab);
    out->background = predict_scene_colour_name(lab[0], lab[1], lab[2], &out->background_bits);
}

int predict_scene_analyse(const image_pixels *px, predict_scene *out)
{
    memset(out, 0, sizeof *out);
    if (!px || !px->rgb || px->width <= 0 || px->height <= 0)
        return -1;
    out->width = px->width;
    out->height = px->height;
    background_of(px, out);
    segment_image *img = segment_image_new(px->rgb, px->width, px->height);
    if (!img)
        return px->width < 3 || px->height < 3 ? 0 : -1;
    seg_regions regions = {0};
    seg_status st = segment_text(img, "", SCENE_MAX_OBJECTS * 2, &regions);
    int rc = st == SEG_ERROR ? -1 : 0;
    double total = (double)px->width * (double)px->height;
    for (int i = 0; st == SEG_FOUND && i < regions.n && out->n < SCENE_MAX_OBJECTS; i++) {
        const seg_region *r = &regions.items[i];
        double frac = (double)r->area / total;
        if (frac > SCENE_MAX_FRAC || frac < SCENE_MIN_FRAC || r->w <= 0 || r->h <= 0)
            continue;
        scene_object *o = &out->objects[out->n++];
        o->box[0] = frame(r->x, px->width);
        o->box[1] = frame(r->y, px->height);
        o->box[2] = frame(r->x + r->w, px->width);
        o->box[3] = frame(r->y + r->h, px->height);
        o->area_frac = frac;
        o->colour = predict_scene_colour_name(r->lab[0], r->lab[1], r->lab[2], &o->colour_bits);
        o->size = frac >= 0.15 ? "large" : frac >= 0.03 ? "medium" : "small";
        o->shape = shape_of(r, &o->shape_bits);
        snprintf(o->phrase, sizeof o->phrase, "%s %s %s", o->size, o->colour, o->shape);
    }
    seg_regions_free(&regions);
    segment_image_free(img);
    return rc;
}
