/* fuzz_image.c — libFuzzer target for core/image.c.
 *
 * Feeds arbitrary bytes to image_probe and image_decode (capped at 4 megapixels so
 * that a hostile header cannot make a single run allocate gigabytes) and checks
 * the invariants callers rely on: a successful decode agrees with the probe,
 * the pixel buffer really is width*height*3 bytes, and small decoded images
 * survive a round trip through image_encode_png unchanged.
 *
 *   clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -Iserver \
 *       tests/fuzz/fuzz_image.c server/core/image.c -lpng -ljpeg -o fuzz_image
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/image.h"

#define FUZZ_MAX_PIXELS ((size_t)4000000)
#define FUZZ_ROUND_TRIP_MAX_PIXELS ((size_t)65536)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    image_info info;
    image_pixels px;
    int probed = image_probe(data, size, &info);
    int decoded = image_decode(data, size, FUZZ_MAX_PIXELS, &px);

    if (probed == 0) {
        if (info.width <= 0 || info.height <= 0 || info.channels < 1 || info.channels > 4 ||
            info.mime == NULL || info.format != image_sniff(data, size))
            abort();
    }
    if (decoded != 0) {
        if (px.rgb != NULL)
            abort();
        return 0;
    }

    size_t pixels = (size_t)px.width * (size_t)px.height;
    if (probed != 0 || px.width != info.width || px.height != info.height ||
        pixels > FUZZ_MAX_PIXELS || px.rgb == NULL)
        abort();
    /* Touch the last byte so ASan proves the buffer is as large as claimed. */
    volatile uint8_t last = px.rgb[pixels * 3 - 1];
    (void)last;

    if (pixels <= FUZZ_ROUND_TRIP_MAX_PIXELS) {
        uint8_t *png = NULL;
        size_t png_len = 0;
        image_pixels back;
        if (image_encode_png(&px, &png, &png_len) != 0)
            abort();
        if (image_decode(png, png_len, FUZZ_MAX_PIXELS, &back) != 0 ||
            back.width != px.width || back.height != px.height ||
            memcmp(back.rgb, px.rgb, pixels * 3) != 0)
            abort();
        image_free(&back);
        free(png);
    }
    image_free(&px);
    return 0;
}
