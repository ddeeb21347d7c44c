/* xim_views.h — wire shapes of the Ximilar entities built from store rows
 * (store_xim_*): absolute URLs from the request's Host, ISO timestamps,
 * internal columns dropped. Every function returns a new object (caller owns)
 * and leaves its input untouched. Any request thread. */
#ifndef VS_XIM_VIEWS_H
#define VS_XIM_VIEWS_H
#include <jansson.h>
#include "request.h"

/* Training image: {id, created, img_path, thumb_img_path, workspace, img_width,
 * img_height, meta_data, test_image, real, verifyCount, noresize, labels}.
 * labels may be NULL ([]). */
json_t *xim_views_image(const vs_request *req, const json_t *row, const json_t *labels);
/* The short image object nested in detection objects. */
json_t *xim_views_image_ref(const vs_request *req, const json_t *row);
json_t *xim_views_label(const json_t *row);
json_t *xim_views_dlabel(const json_t *row);
/* Detection object from a store_xim_dobjects row. */
json_t *xim_views_dobject(const vs_request *req, const json_t *row);
json_t *xim_views_prompt(const json_t *row);
/* sample-images / sample-objects items. */
json_t *xim_views_sample_image(const vs_request *req, const json_t *row);
json_t *xim_views_sample_object(const vs_request *req, const json_t *row);
/* name → {id, type, required, …constraints that are set} over a dataset's
 * variables (rows of store_xim_variables). */
json_t *xim_views_variables_config(const json_t *variables);
json_t *xim_views_variable(const json_t *row);
#endif
