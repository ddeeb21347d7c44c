/* xim_render.h — the result of a VLM sample: its values (or the variables'
 * defaults) checked against the variable schema and rendered through the
 * result template in the dataset's format. Shared by the render endpoint,
 * training and predictions. Pure; any thread. */
#ifndef VS_XIM_RENDER_H
#define VS_XIM_RENDER_H
#include <jansson.h>
#include <stddef.h>

/* variables: rows of store_xim_variables (the dataset's schema); values: object
 * name → value. template NULL or "" renders the values as a JSON object (format
 * json). Returns malloc'd text (caller frees), or NULL with a message naming the
 * missing or invalid variable, the unknown placeholder, or the parse error. */
char *xim_render_result(const char *tpl, const char *format, const json_t *variables, const json_t *values, char *err,
                        size_t errlen);
/* Effective values: set values, else defaults; complete = every required
 * variable has one. New object; on an invalid value returns NULL with err. */
json_t *xim_render_values(const json_t *variables, const json_t *values, char *err, size_t errlen);
#endif
