/* xim_prompts.h — prompt references shared by tasks and datasets. */
#ifndef VS_XIM_PROMPTS_H
#define VS_XIM_PROMPTS_H
#include "request.h"

/* Reads body field `field` as a prompt id (or null) that must exist in ws and
 * have the given type (system / user / template). 1 present (*id NULL for
 * null), 0 absent, -1 after failing res with a 400 naming the field. */
int xim_prompts_ref(const vs_request *req, vs_response *res, const char *ws, const char *field, const char *type,
                    const char **id);
#endif
