/* lb_multipart.h — a tolerant multipart/form-data reader for the Labelbox
 * GraphQL uploads (the "GraphQL multipart request" convention). Parts point into
 * the caller's body; nothing is copied but the short header values. Pure, any
 * thread. */
#ifndef VS_LB_MULTIPART_H
#define VS_LB_MULTIPART_H
#include <stddef.h>

#define LB_MULTIPART_MAX_PARTS 16

typedef struct {
    char name[512];           /* form field name, "" when absent */
    char filename[512];       /* "" when absent (see has_filename) */
    int has_filename;
    char content_type[128];   /* "" when absent */
    const unsigned char *data; /* into the body */
    size_t len;
} lb_part;

/* The boundary parameter of a multipart Content-Type header (quoted or bare),
 * 1..70 characters, into out. 0 on success, -1 when absent or malformed. */
int lb_multipart_boundary(const char *content_type, char *out, size_t cap);

/* Splits body into parts (at most max). Tolerated, as real clients send them:
 * CRLF or bare LF line ends, a preamble and an epilogue, transport padding after
 * a delimiter, a missing closing delimiter (the last part runs to the end), header
 * names in any case, quoted or bare parameters, RFC 5987 filename*. Returns the
 * number of parts (0 when the body holds no delimiter), or -1 on a part whose
 * headers never end or when there are more than max parts. */
int lb_multipart_parse(const unsigned char *body, size_t len, const char *boundary, lb_part *parts, int max);

/* The first part named name, or NULL. */
const lb_part *lb_multipart_find(const lb_part *parts, int n, const char *name);
#endif
