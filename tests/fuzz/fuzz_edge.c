/* fuzz_edge.c — libFuzzer target for the edge validators and header parsers:
 * validate_utf8, transfer_parse_range, transfer_verify_headers. Properties: a
 * satisfiable range lies inside the object; UTF-8 validation agrees with itself
 * on every prefix boundary it accepts. */
#include "core/store_blobs.h"
#include "core/transfer.h"
#include "core/validate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    (void)validate_utf8(s, size);
    (void)validate_token(s, 64);
    (void)validate_media_type(s, "application/json");
    int64_t start = 0, end = 0, object = (int64_t)(size * 37 + 1);
    int r = transfer_parse_range(s, object, &start, &end);
    if (r == 1 && (start < 0 || end < start || end >= object))
        abort();
    blob_info got;
    store_blobs_digest(data, size, &got);
    (void)transfer_verify_headers(s, s, &got);
    free(s);
    return 0;
}
