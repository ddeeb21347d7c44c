/* fuzz_base64.c — libFuzzer target for the base64 and hex code in core/hash.c.
 *
 * Properties checked on arbitrary input:
 *   - decode never writes past out_cap and never returns more than 3/4 of the
 *     input length; a result of L bytes needs exactly out_cap >= L;
 *   - anything that decodes re-encodes to text that decodes to the same bytes;
 *   - encoding the raw input yields the documented length and decodes back to it,
 *     also with the padding stripped and in the URL-safe alphabet;
 *   - CRC32C chaining at an input-chosen split equals the one-shot value.
 *
 *   clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -Iserver \
 *       tests/fuzz/fuzz_base64.c server/core/hash.c -o fuzz_base64
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t cap = size / 4 * 3 + 3;
    size_t enc_cap = 4 * ((size + 2) / 3) + 1;
    /* Exact-size heap buffers so that ASan catches any write past the limit. */
    uint8_t *dec = malloc(cap ? cap : 1);
    uint8_t *again = malloc(cap ? cap : 1);
    uint8_t *raw = malloc(size ? size : 1);
    char *enc = malloc(enc_cap);
    char *hex = malloc(2 * size + 1);
    long n, m;
    size_t len;

    if (dec == NULL || again == NULL || raw == NULL || enc == NULL || hex == NULL)
        goto out;

    n = hash_base64_decode(text, size, dec, cap);
    if (n < -1 || n > (long)(size / 4 * 3 + 2))
        abort();
    if (n >= 0) {
        if (n > 0 && hash_base64_decode(text, size, again, (size_t)n - 1) != -1)
            abort();
        if (hash_base64_decode(text, size, again, (size_t)n) != n ||
            memcmp(again, dec, (size_t)n) != 0)
            abort();
        len = hash_base64_encode(dec, (size_t)n, enc);
        m = hash_base64_decode(enc, len, again, cap);
        if (m != n || memcmp(again, dec, (size_t)n) != 0)
            abort();
    }

    len = hash_base64_encode(data, size, enc);
    if (len != 4 * ((size + 2) / 3) || enc[len] != '\0' || strlen(enc) != len)
        abort();
    if (hash_base64_decode(enc, len, raw, size) != (long)size || memcmp(raw, data, size) != 0)
        abort();
    for (size_t i = 0; i < len; i++) {
        if (enc[i] == '+')
            enc[i] = '-';
        else if (enc[i] == '/')
            enc[i] = '_';
    }
    while (len > 0 && enc[len - 1] == '=')
        len--;
    if (hash_base64_decode(enc, len, raw, size) != (long)size || memcmp(raw, data, size) != 0)
        abort();

    hash_hex(data, size, hex);
    if (strlen(hex) != 2 * size)
        abort();

    {
        size_t split = size ? data[0] % (size + 1) : 0;
        uint32_t crc = hash_crc32c(hash_crc32c(0, data, split), data + split, size - split);
        if (crc != hash_crc32c(0, data, size))
            abort();
    }
out:
    free(hex);
    free(enc);
    free(raw);
    free(again);
    free(dec);
    return 0;
}
