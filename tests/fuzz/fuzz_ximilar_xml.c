/* fuzz_ximilar_xml.c — libFuzzer target for the Ximilar XML result checker
 * (server/dialects/ximilar/xim_xml.c). Properties: never reads outside the
 * input (it is handed an exact-size heap copy, not NUL-terminated), always
 * terminates, and on failure writes a NUL-terminated "line L, column C: ..."
 * message that fits the buffer; the verdict is the same on a second run.
 *
 *   clang -std=c17 -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Iserver \
 *       tests/fuzz/fuzz_ximilar_xml.c server/dialects/ximilar/xim_formats.c \
 *       server/dialects/ximilar/xim_yaml.c server/dialects/ximilar/xim_xml.c \
 *       server/dialects/ximilar/xim_csv.c -ljansson -o fuzz_ximilar_xml
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialects/ximilar/xim_formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    char err[64];
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    memset(err, 'x', sizeof err);
    int rc = xim_xml_validate(copy, size, err, sizeof err);
    if (rc != 0 && rc != -1)
        abort();
    if (rc != 0 && (memchr(err, 0, sizeof err) == NULL || strncmp(err, "line ", 5) != 0))
        abort();
    if (xim_xml_validate(copy, size, NULL, 0) != rc)
        abort();
    free(copy);
    return 0;
}
