/* geometry.c — validation and measures of annotation geometry (see geometry.h).
 * Coordinates may be fractional; a shape must lie within [0,width] x [0,height]. */
#include "geometry.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const kinds[] = {"bbox", "polygon", "polyline", "point", "mask", "classification", "text"};

int geometry_kind_known(const char *kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(kinds[i], kind) == 0)
            return 1;
    return 0;
}

static int number(const json_t *obj, const char *key, double *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return isfinite(*out) ? 0 : -1;
}

static int inside(double x, double y, int w, int h) { return x >= 0 && y >= 0 && x <= w && y <= h; }

static int check_points(const json_t *g, size_t min, int w, int h, char *err, size_t errlen)
{
    json_t *pts = json_object_get(g, "points");
    if (!json_is_array(pts) || json_array_size(pts) < min) {
        snprintf(err, errlen, "'points' must be an array of at least %zu [x, y] pairs", min);
        return -1;
    }
    size_t i;
    json_t *p;
    json_array_foreach(pts, i, p) {
        json_t *x = json_array_get(p, 0), *y = json_array_get(p, 1);
        if (!json_is_array(p) || json_array_size(p) != 2 || !json_is_number(x) || !json_is_number(y)) {
            snprintf(err, errlen, "point %zu must be an [x, y] pair of numbers", i);
            return -1;
        }
        if (!inside(json_number_value(x), json_number_value(y), w, h)) {
            snprintf(err, errlen, "point %zu (%g, %g) lies outside the %dx%d image", i, json_number_value(x),
                     json_number_value(y), w, h);
            return -1;
        }
    }
    return 0;
}

int geometry_validate(const char *kind, const json_t *g, int w, int h, char *err, size_t errlen)
{
    if (!geometry_kind_known(kind)) {
        snprintf(err, errlen, "unknown annotation kind '%.40s'", kind);
        return -1;
    }
    if (g && !json_is_object(g)) {
        snprintf(err, errlen, "geometry must be an object");
        return -1;
    }
    if (strcmp(kind, "bbox") == 0) {
        double x, y, bw, bh;
        if (!g || number(g, "x", &x) || number(g, "y", &y) || number(g, "w", &bw) || number(g, "h", &bh)) {
            snprintf(err, errlen, "a bbox needs numeric x, y, w, h");
            return -1;
        }
        if (bw <= 0 || bh <= 0) {
            snprintf(err, errlen, "a bbox needs positive width and height");
            return -1;
        }
        if (!inside(x, y, w, h) || !inside(x + bw, y + bh, w, h)) {
            snprintf(err, errlen, "bbox (%g, %g, %g, %g) lies outside the %dx%d image", x, y, bw, bh, w, h);
            return -1;
        }
        return 0;
    }
    if (strcmp(kind, "polygon") == 0 || strcmp(kind, "polyline") == 0) {
        if (!g) {
            snprintf(err, errlen, "a %s needs points", kind);
            return -1;
        }
        return check_points(g, strcmp(kind, "polygon") == 0 ? 3 : 2, w, h, err, errlen);
    }
    if (strcmp(kind, "point") == 0) {
        double x, y;
        if (!g || number(g, "x", &x) || number(g, "y", &y)) {
            snprintf(err, errlen, "a point needs numeric x and y");
            return -1;
        }
        if (!inside(x, y, w, h)) {
            snprintf(err, errlen, "point (%g, %g) lies outside the %dx%d image", x, y, w, h);
            return -1;
        }
        return 0;
    }
    if (strcmp(kind, "mask") == 0) {
        json_t *rle = g ? json_object_get(g, "rle") : NULL;
        if (!json_is_object(rle) || !json_is_array(json_object_get(rle, "counts"))) {
            snprintf(err, errlen, "a mask needs rle.counts");
            return -1;
        }
        return 0;
    }
    return 0; /* classification, text */
}

int geometry_bounds(const char *kind, const json_t *g, double *x, double *y, double *w, double *h)
{
    if (strcmp(kind, "bbox") == 0)
        return number(g, "x", x) || number(g, "y", y) || number(g, "w", w) || number(g, "h", h) ? -1 : 0;
    if (strcmp(kind, "point") == 0) {
        *w = *h = 0;
        return number(g, "x", x) || number(g, "y", y) ? -1 : 0;
    }
    if (strcmp(kind, "polygon") != 0 && strcmp(kind, "polyline") != 0)
        return -1;
    json_t *pts = json_object_get(g, "points");
    if (!json_is_array(pts) || json_array_size(pts) == 0)
        return -1;
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    size_t i;
    json_t *p;
    json_array_foreach(pts, i, p) {
        double px = json_number_value(json_array_get(p, 0)), py = json_number_value(json_array_get(p, 1));
        x0 = fmin(x0, px);
        y0 = fmin(y0, py);
        x1 = fmax(x1, px);
        y1 = fmax(y1, py);
    }
    *x = x0;
    *y = y0;
    *w = x1 - x0;
    *h = y1 - y0;
    return 0;
}

/* Reads `"key":N` at *p, N a JSON number; advances *p past it. */
static int text_member(const char **p, const char *key, double *out)
{
    size_t klen = strlen(key);
    const char *s = *p;
    if (s[0] != '"' || strncmp(s + 1, key, klen) != 0 || s[klen + 1] != '"' || s[klen + 2] != ':')
        return -1;
    s += klen + 3;
    const char *end = s;
    while (strchr("0123456789+-.eE", *end) && *end) /* JSON's number characters only: no inf, nan, hex */
        end++;
    if (end == s || end - s > 40)
        return -1;
    char num[48];
    memcpy(num, s, (size_t)(end - s));
    num[end - s] = 0;
    char *stop;
    *out = strtod(num, &stop);
    if (*stop || !isfinite(*out))
        return -1;
    *p = end;
    return 0;
}

int geometry_bounds_text(const char *kind, const char *text, double *x, double *y, double *w, double *h)
{
    if (strcmp(kind, "bbox") == 0 && text[0] == '{') {
        const char *p = text + 1;
        if (text_member(&p, "x", x) == 0 && *p++ == ',' && text_member(&p, "y", y) == 0 && *p++ == ',' &&
            text_member(&p, "w", w) == 0 && *p++ == ',' && text_member(&p, "h", h) == 0 && p[0] == '}' && !p[1])
            return 0;
    }
    json_t *g = json_loads(text, 0, NULL);
    int rc = g ? geometry_bounds(kind, g, x, y, w, h) : -1;
    json_decref(g);
    return rc;
}

double geometry_polygon_area(const json_t *points)
{
    size_t n = json_array_size(points);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(points, i), *b = json_array_get(points, (i + 1) % n);
        sum += json_number_value(json_array_get(a, 0)) * json_number_value(json_array_get(b, 1)) -
               json_number_value(json_array_get(b, 0)) * json_number_value(json_array_get(a, 1));
    }
    return fabs(sum) / 2;
}
