/* xim_formats.c — names of the VLM result formats and the dispatch to their
 * checkers. JSON is checked with jansson (any top-level value, as RFC 8259
 * allows); YAML, XML and CSV have their own checkers in xim_yaml.c, xim_xml.c
 * and xim_csv.c. Pure; any thread. */
#include "xim_formats.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *const xim_format_names[] = {NULL, "json", "yaml", "xml", "csv"};

int xim_format_from_name(const char *name)
{
    if (!name)
        return XIM_FMT_NONE;
    for (int f = XIM_FMT_JSON; f <= XIM_FMT_CSV; f++)
        if (strcmp(name, xim_format_names[f]) == 0)
            return f;
    return -1;
}

const char *xim_format_name(xim_format f)
{
    return (unsigned)f <= XIM_FMT_CSV ? xim_format_names[f] : NULL;
}

int xim_json_validate(const char *text, size_t len, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *v = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
    if (v) {
        json_decref(v);
        if (err && errlen)
            err[0] = 0;
        return 0;
    }
    if (err && errlen)
        snprintf(err, errlen, "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
    return -1;
}

int xim_format_validate(xim_format f, const char *text, size_t len, char *err, size_t errlen)
{
    switch (f) {
    case XIM_FMT_JSON:
        return xim_json_validate(text, len, err, errlen);
    case XIM_FMT_YAML:
        return xim_yaml_validate(text, len, err, errlen);
    case XIM_FMT_XML:
        return xim_xml_validate(text, len, err, errlen);
    case XIM_FMT_CSV:
        return xim_csv_validate(text, len, err, errlen);
    case XIM_FMT_NONE:
    default:
        if (err && errlen)
            err[0] = 0;
        return 0;
    }
}
