/* validate.h — checks applied at the edge before any handler sees a value. */
#ifndef VS_VALIDATE_H
#define VS_VALIDATE_H
#include <stddef.h>

/* 1 when s[0..len) is well-formed UTF-8 with no NUL, no overlongs, no surrogates. */
int validate_utf8(const char *s, size_t len);
/* 1 when s is 1..max characters of [A-Za-z0-9._-] (ids, request ids, names). */
int validate_token(const char *s, size_t max);
/* 1 when the media type of a Content-Type header equals `type` (ignores params
 * and case). NULL header never matches. */
int validate_media_type(const char *header, const char *type);
#endif
