/* geometry.h — dialect-neutral annotation geometry: validation and measures.
 * Geometry is JSON in pixel coordinates of the asset:
 *   bbox {"x","y","w","h"}; polygon / polyline {"points":[[x,y],...]};
 *   point {"x","y"}; mask {"rle":{"counts":[...],"size":[h,w]}};
 *   classification and text carry no geometry ({}).
 * Pure functions; any thread. */
#ifndef VS_GEOMETRY_H
#define VS_GEOMETRY_H
#include <jansson.h>
#include <stddef.h>

/* 1 for a known kind. */
int geometry_kind_known(const char *kind);
/* Checks geometry for kind inside a width x height image. 0 when valid; -1 with a
 * human-readable reason in err. */
int geometry_validate(const char *kind, const json_t *geometry, int width, int height, char *err, size_t errlen);
/* Axis-aligned bounds of any shaped geometry; -1 for kinds without a shape. */
int geometry_bounds(const char *kind, const json_t *geometry, double *x, double *y, double *w, double *h);
/* geometry_bounds of geometry stored as JSON text. The form every dialect writes
 * for a box, {"x":N,"y":N,"w":N,"h":N} without blanks, is read directly (exports
 * read a million of them); anything else is parsed. */
int geometry_bounds_text(const char *kind, const char *text, double *x, double *y, double *w, double *h);
/* Shoelace area of a polygon's points (absolute value). */
double geometry_polygon_area(const json_t *points);
#endif
