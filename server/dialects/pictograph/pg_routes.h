/* pg_routes.h — the Pictograph handlers routes.c points at (paths under
 * /api/v1/developer, see specs/pictograph.md §5). */
#ifndef VS_PG_ROUTES_H
#define VS_PG_ROUTES_H
#include "request.h"
#include "dialects/pictograph/pg_answers.h"

/* pg_prompts.c */
int pg_prompt_point(vs_request *req, vs_response *res);
int pg_prompt_box(vs_request *req, vs_response *res);
int pg_prompt_text(vs_request *req, vs_response *res);
/* pg_batch.c */
int pg_batch_create(vs_request *req, vs_response *res);
int pg_batch_quote(vs_request *req, vs_response *res);
int pg_batch_get(vs_request *req, vs_response *res);
int pg_batch_cancel(vs_request *req, vs_response *res);
/* pg_annotations.c */
int pg_annotations_get(vs_request *req, vs_response *res);
int pg_annotations_save(vs_request *req, vs_response *res);
int pg_annotations_delete(vs_request *req, vs_response *res);
int pg_annotations_bulk(vs_request *req, vs_response *res);
/* pg_datasets.c */
int pg_datasets_list(vs_request *req, vs_response *res);
int pg_datasets_create(vs_request *req, vs_response *res);
int pg_datasets_get(vs_request *req, vs_response *res);
int pg_datasets_delete(vs_request *req, vs_response *res);
/* pg_images.c */
int pg_images_list(vs_request *req, vs_response *res);
int pg_images_get(vs_request *req, vs_response *res);
int pg_images_delete(vs_request *req, vs_response *res);
/* pg_upload.c */
int pg_upload_url(vs_request *req, vs_response *res);
int pg_upload_register(vs_request *req, vs_response *res);
int pg_upload_bulk_url(vs_request *req, vs_response *res);
int pg_upload_bulk_register(vs_request *req, vs_response *res);
/* pg_credits.c */
int pg_credits_balance(vs_request *req, vs_response *res);
int pg_credits_estimate(vs_request *req, vs_response *res);
int pg_credits_history(vs_request *req, vs_response *res);
#endif
