/* xim_records.h — image inputs of the Ximilar API: base64 text (with or
 * without a data-URI prefix, whitespace ignored) and prediction records
 * ({_base64 | _url | _id | ...}; unknown keys such as _file are ignored).
 * Any request thread. */
#ifndef VS_XIM_RECORDS_H
#define VS_XIM_RECORDS_H
#include <jansson.h>
#include <stddef.h>

/* Decodes base64 (or a data: URI) into *out (malloc'd, caller frees). 0 on
 * success, -1 when it is not base64. */
int xim_records_base64(const char *text, size_t len, unsigned char **out, size_t *out_len);
/* The image bytes of a record (malloc'd into *data). 0 on success; -1 with an
 * HTTP-like *code (400 bad input, 404 unknown image id or unreachable URL) and
 * a message. ws scopes `_id`. */
int xim_records_image(const char *ws, const json_t *record, unsigned char **data, size_t *len, int *code,
                      char *msg, size_t msglen);
#endif
