/* fuzz_labelbox_multipart.c — libFuzzer target for the Labelbox multipart
 * reader (server/dialects/labelbox/lb_multipart.c).
 *
 * The first input byte picks a boundary length (1..16) taken from the next
 * bytes; the rest is the body. Properties checked on arbitrary input:
 *   - parsing never reads outside the body (ASan) and never reports more parts
 *     than asked for;
 *   - every part's data lies inside the body, names are NUL-terminated;
 *   - the boundary reader accepts or refuses any header text safely.
 *
 *   clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -Iserver \
 *       tests/fuzz/fuzz_labelbox_multipart.c server/dialects/labelbox/lb_multipart.c -o fuzz_labelbox_multipart
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialects/labelbox/lb_multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t blen = (size_t)(data[0] % 16) + 1;
    if (size < 1 + blen)
        return 0;
    char boundary[17];
    memcpy(boundary, data + 1, blen);
    boundary[blen] = 0;
    size_t body_len = size - 1 - blen;
    /* an exact-size copy so ASan sees any read past the end */
    unsigned char *body = malloc(body_len ? body_len : 1);
    if (!body)
        return 0;
    memcpy(body, data + 1 + blen, body_len);
    lb_part parts[4];
    int n = lb_multipart_parse(body, body_len, boundary, parts, 4);
    if (n > 4)
        abort();
    for (int i = 0; i < n; i++) {
        if (parts[i].data < body || parts[i].data + parts[i].len > body + body_len)
            abort();
        if (strlen(parts[i].name) >= sizeof parts[i].name || strlen(parts[i].filename) >= sizeof parts[i].filename)
            abort();
    }
    /* the same bytes as a Content-Type header */
    char *header = malloc(body_len + 1);
    if (header) {
        memcpy(header, body, body_len);
        header[body_len] = 0;
        char out[80];
        if (lb_multipart_boundary(header, out, sizeof out) == 0 && (strlen(out) == 0 || strlen(out) > 70))
            abort();
        free(header);
    }
    free(body);
    return 0;
}
