/* pg_results.h — segmentation regions as Pictograph annotations, shared by the
 * single prompts and the batch job.
 *
 * Annotation ids are derived from the request (SHA-256 of a seed string and
 * the result's index, shaped as a version-5 UUID) rather than drawn at random,
 * so the same image and prompt give byte-identical responses. Pure functions;
 * any thread.
 */
#ifndef VS_PG_RESULTS_H
#define VS_PG_RESULTS_H
#include <jansson.h>
#include "core/segment.h"

/* A UUID-shaped id from seed and index into out[37]. */
void pg_result_id(const char *seed, int index, char out[37]);
/* The wire annotation of r: a polygon (with bounding_box) or a bbox, named
 * name, confidence = r's score, created_by "sam3". */
json_t *pg_result_annotation(const seg_region *r, const char *name, const char *id, int polygon);
/* Modeled GPU time in seconds (deterministic): per prompt kind and image size. */
double pg_result_inference_time(int width, int height, int text);
#endif
