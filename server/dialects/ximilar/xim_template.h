/* xim_template.h — result templates: `{{name}}` placeholders (spaces allowed
 * inside the braces) rendered from a sample's values, escaped for the context
 * each placeholder sits in within the template's format. Pure, any thread. */
#ifndef VS_XIM_TEMPLATE_H
#define VS_XIM_TEMPLATE_H
#include <jansson.h>
#include <stddef.h>
#include "xim_formats.h"

/* The distinct placeholder names of tpl, in order of first use: a new array of
 * strings (caller decrefs). */
json_t *xim_template_names(const char *tpl);

/* Renders tpl for format f. values: object name → JSON value; a name absent from
 * values renders as nothing. known: object whose keys are the names that may
 * appear (NULL = any). Returns malloc'd text (caller frees), or NULL with a
 * message in err: an unknown placeholder, or (when check is set) text that does
 * not parse in f. */
char *xim_template_render(const char *tpl, xim_format f, const json_t *values, const json_t *known, int check,
                          char *err, size_t errlen);

/* Shortest decimal text that reads back as v, Python-style ("8.5", "10.0",
 * "1e+16"). out needs 32 bytes. */
void xim_number_format(double v, char out[32]);
/* A JSON scalar or container as display text for messages ("11.0", "'abc'",
 * "true", JSON for containers); out is truncated to cap. */
void xim_value_describe(const json_t *v, char *out, size_t cap);
#endif
