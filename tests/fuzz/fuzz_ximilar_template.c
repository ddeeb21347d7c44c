/* fuzz_ximilar_template.c — libFuzzer target for Ximilar result templates
 * (server/dialects/ximilar/xim_template.c). The input is split at the first
 * NUL into a template and a string value; the template is rendered in every
 * format with that value bound to each of its placeholders (and to nothing).
 * Properties: no crash or leak; placeholder discovery terminates; a render
 * that passes the format check really parses in that format; a string value
 * placed in a JSON template's value position never breaks the JSON when the
 * rest of the template is well-formed.
 *
 *   clang -std=c17 -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Iserver \
 *       tests/fuzz/fuzz_ximilar_template.c server/dialects/ximilar/xim_template.c \
 *       server/dialects/ximilar/xim_formats.c server/dialects/ximilar/xim_yaml.c \
 *       server/dialects/ximilar/xim_xml.c server/dialects/ximilar/xim_csv.c -ljansson -lm \
 *       -o fuzz_ximilar_template
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialects/ximilar/xim_template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *tpl = malloc(size + 1);
    if (!tpl)
        return 0;
    memcpy(tpl, data, size);
    tpl[size] = 0;
    const char *value_text = "";
    char *nul = memchr(tpl, 0, size);
    if (nul && nul < tpl + size)
        value_text = nul + 1;
    json_t *names = xim_template_names(tpl);
    json_t *values = json_object();
    json_t *str = json_stringn_nocheck(value_text, strlen(value_text));
    size_t i;
    json_t *n;
    json_array_foreach(names, i, n) json_object_set(values, json_string_value(n), str);
    for (int f = XIM_FMT_NONE; f <= XIM_FMT_CSV; f++) {
        char err[256];
        char *out = xim_template_render(tpl, (xim_format)f, values, NULL, 1, err, sizeof err);
        if (out && f != XIM_FMT_NONE && xim_format_validate((xim_format)f, out, strlen(out), NULL, 0) != 0)
            abort();
        free(out);
        out = xim_template_render(tpl, (xim_format)f, NULL, names, 0, err, sizeof err);
        free(out);
    }
    /* A string value in a JSON value position always gives valid JSON. */
    json_t *one = json_pack("{s:O}", "v", str);
    char *out = xim_template_render("{\"a\": {{v}}, \"b\": \"{{v}}\"}", XIM_FMT_JSON, one, NULL, 1, NULL, 0);
    json_t *valid = json_stringn(value_text, strlen(value_text)); /* NULL unless UTF-8 */
    if (!out && valid)
        abort();
    json_decref(valid);
    free(out);
    json_decref(one);
    json_decref(str);
    json_decref(values);
    json_decref(names);
    free(tpl);
    return 0;
}
