/* predict_scene.h — what the pixels of an unseen image say, for the prediction
 * model (predict.h): the salient objects the segmentation engine finds, each
 * named by size, colour and shape and boxed in the 0–1024 frame, plus the
 * background colour. Pure; any thread.
 *
 * Naming: colour from the region's mean CIELAB (C* < 15 achromatic: white
 * L >= 80, black L <= 25, gray between; otherwise by hue: red, pink for light
 * reds, orange, brown (dark, hue 45–80), yellow, green, cyan, blue, magenta or
 * purple (dark)); size from the share of the image (large >= 15%, medium
 * >= 3%, small below); shape from rectangularity, aspect and compactness
 * (circle, square, rectangle, triangle, oval, else "object"). Objects are in
 * the engine's rank (area x contrast), at most SCENE_MAX_OBJECTS.
 */
#ifndef VS_PREDICT_SCENE_H
#define VS_PREDICT_SCENE_H
#include "image.h"

#define SCENE_MAX_OBJECTS 8

typedef struct {
    int box[4];            /* xmin, ymin, xmax, ymax in 0..1024 */
    double area_frac;      /* share of the image, 0..1 */
    const char *colour;    /* static name */
    unsigned colour_bits;  /* SEG_COLOUR_* the region's colour answers to */
    const char *size;      /* "small" | "medium" | "large" */
    const char *shape;     /* "circle" | "square" | "rectangle" | "triangle" | "oval" | "object" */
    unsigned shape_bits;   /* SEG_SHAPE_* */
    char phrase[64];       /* "large red circle" */
} scene_object;

typedef struct {
    int width, height;     /* of the analysed (working) image */
    int n;
    scene_object objects[SCENE_MAX_OBJECTS];
    const char *background;     /* colour name of the image border */
    unsigned background_bits;
} predict_scene;

/* 0, or -1 when out of memory or on an empty image. */
int predict_scene_analyse(const image_pixels *px, predict_scene *out);
/* Name and SEG_COLOUR_* bits of a CIELAB colour. */
const char *predict_scene_colour_name(double L, double a, double b, unsigned *bits);
#endif
