/* pg_answers.h — registered exact prompt answers (see pg_answers.c). */
#ifndef VS_PG_ANSWERS_H
#define VS_PG_ANSWERS_H
#include <jansson.h>
#include "request.h"

/* Control plane, /_emulator/workspaces/{id}/pictograph/answers. */
int pg_answers_put(vs_request *req, vs_response *res);
int pg_answers_list(vs_request *req, vs_response *res);
int pg_answers_clear(vs_request *req, vs_response *res);
/* The registered {"status","annotations","score"} for a prompt, or NULL
 * (new reference). text is the text prompt for kind "text", else NULL. */
json_t *pg_answers_find(const char *workspace_id, const char *asset_id, const char *kind, const char *text);
#endif
