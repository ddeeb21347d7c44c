/* xim_samples.h — the sample entity, shared by the sample CRUD and action
 * handlers. Request threads. */
#ifndef VS_XIM_SAMPLES_H
#define VS_XIM_SAMPLES_H
#include <jansson.h>
#include "request.h"

/* The full sample entity from a store_xim_samples row: counts, images,
 * variable_values and dataset_variables_config. cache (an object, may be NULL)
 * keeps each dataset's variables across a page. images / values: the sample's
 * rows when already fetched (borrowed), else NULL to fetch them. New reference,
 * or NULL with res failed. */
json_t *xim_samples_entity(const vs_request *req, vs_response *res, const char *ws, const json_t *row, json_t *cache,
                           const json_t *images, const json_t *values);
/* Replies status + the entity of sample id. */
int xim_samples_reply(vs_request *req, vs_response *res, const char *ws, const char *id, int status);
#endif
