/* xim_render.c — rendering of a sample's result (see header). The schema is
 * checked again at render time because a variable's constraints may have been
 * tightened after its values were annotated. Pure; any thread. */
#include "xim_render.h"
#include "xim_formats.h"
#include "xim_rules.h"
#include "xim_template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *xim_render_values(const json_t *variables, const json_t *values, char *err, size_t errlen)
{
    json_t *out = json_object();
    size_t i;
    json_t *row;
    json_array_foreach(variables, i, row) {
        xim_var v;
        xim_var_from_json(row, &v);
        json_t *value = json_object_get(values, v.name);
        if (!value || json_is_null(value))
            value = (json_t *)v.default_value;
        if (!value) {
            if (v.required) {
                snprintf(err, errlen, "%s: a value is required (the variable is required and has no default_value)",
                         v.name);
                json_decref(out);
                return NULL;
            }
            continue;
        }
        if (xim_var_check_value(&v, value, err, errlen) != 0) {
            json_decref(out);
            return NULL;
        }
        json_object_set(out, v.name, value);
    }
    return out;
}

char *xim_render_result(const char *tpl, const char *format, const json_t *variables, const json_t *values, char *err,
                        size_t errlen)
{
    char *text = NULL;
    json_t *known = NULL;
    json_t *effective = xim_render_values(variables, values, err, errlen);
    if (!effective)
        return NULL;
    if (!tpl || !*tpl) {
        text = json_dumps(effective, JSON_COMPACT | JSON_PRESERVE_ORDER);
        goto out;
    }
    int f = xim_format_from_name(format);
    if (f < 0)
        f = XIM_FMT_NONE;
    known = json_object();
    size_t i;
    json_t *row;
    json_array_foreach(variables, i, row) json_object_set_new(known, json_string_value(json_object_get(row, "name")),
                                                              json_true());
    text = xim_template_render(tpl, (xim_format)f, effective, known, 1, err, errlen);
out:
    json_decref(known);
    json_decref(effective);
    return text;
}
