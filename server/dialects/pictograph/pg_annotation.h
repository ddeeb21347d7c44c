/* pg_annotation.h — Pictograph annotation objects <-> core annotations.
 *
 * The wire object is strict (specs/pictograph.md §6.1): a discriminated union
 * on "type" (bbox, polygon, polyline, keypoint) whose keys are exactly those of
 * its type; any other key, a missing geometry, a non-positive box, a ring under
 * 3 points or a path under 2 is a 422 at its location. Core rows hold the
 * geometry in pixels (bbox {x,y,w,h}; polygon and polyline {"points"}; point
 * {x,y}) and the Pictograph-only fields in attrs.pictograph: the client's id,
 * created_by, attributes, oriented_box, instance_id, polygon holes and a
 * client-given bounding_box. Coordinates are kept exactly as sent (Pictograph
 * allows boxes that start left of or above the image).
 *
 * Rendering never emits a key outside §6.1 and skips rows that have no valid
 * Pictograph form (masks, classifications, degenerate shapes written by other
 * dialects), so a client's strict parser never sees a bad object. Pure
 * functions; any thread.
 */
#ifndef VS_PG_ANNOTATION_H
#define VS_PG_ANNOTATION_H
#include <jansson.h>
#include "dialects/pictograph/pg.h"

typedef struct {
    char kind[16];        /* core kind: bbox, polygon, polyline, point */
    const char *name;     /* points into src */
    json_t *src;          /* the parsed object (a reference, keeps name valid) */
    json_t *geometry;     /* core geometry (owned) */
    json_t *attrs;        /* {"pictograph": {...}} (owned) */
    double confidence;
    const char *source;   /* "auto" when created_by is "sam3", else "human" */
} pg_ann;

void pg_ann_clear(pg_ann *a);
/* Parses obj (located at base, e.g. ["body","annotations",3]). 0 when valid;
 * -1 with the problems recorded in e. */
int pg_ann_parse(const json_t *obj, const json_t *base, pg_errs *e, pg_ann *out);
/* Adds the names of anns that the dataset's class list lacks (type from the
 * annotation; names over 120 bytes, the class-name limit, are not added). Joins
 * the caller's transaction. */
st_result pg_classes_add(const char *workspace_id, const char *dataset_id, const pg_ann *anns, size_t n,
                         int64_t now);
/* The wire object of a stored annotation, or NULL when it has none. */
json_t *pg_ann_render(const char *row_id, const char *kind, const char *label, const char *geometry_json,
                      const char *attrs_json, int has_confidence, double confidence);
#endif
