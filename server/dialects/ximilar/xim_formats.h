/* xim_formats.h — the result formats of Ximilar VLM datasets (json, yaml, xml,
 * csv) and a well-formedness check for each. Pure functions, any thread. The
 * checks take text of a given length (it need not be NUL-terminated) and, on
 * failure, write "line L, column C: message" into err. */
#ifndef VS_XIM_FORMATS_H
#define VS_XIM_FORMATS_H
#include <stddef.h>

typedef enum { XIM_FMT_NONE = 0, XIM_FMT_JSON, XIM_FMT_YAML, XIM_FMT_XML, XIM_FMT_CSV } xim_format;

/* "json" → XIM_FMT_JSON ...; NULL → XIM_FMT_NONE; anything else → -1. */
int xim_format_from_name(const char *name);
/* "json" ... or NULL for XIM_FMT_NONE. Static strings. */
const char *xim_format_name(xim_format f);
/* 0 when text parses in format f (XIM_FMT_NONE accepts anything); -1 otherwise. */
int xim_format_validate(xim_format f, const char *text, size_t len, char *err, size_t errlen);

int xim_json_validate(const char *text, size_t len, char *err, size_t errlen);
int xim_yaml_validate(const char *text, size_t len, char *err, size_t errlen);
int xim_xml_validate(const char *text, size_t len, char *err, size_t errlen);
int xim_csv_validate(const char *text, size_t len, char *err, size_t errlen);
#endif
