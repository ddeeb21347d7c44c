/* fuzz_labelbox_mask.c — libFuzzer target for the Labelbox mask decoder
 * (server/dialects/labelbox/lb_mask.c): the PNG/JPEG bytes of an NDJSON mask
 * (inline imBytes or a registered instanceURI) decoded through the two-slot
 * cache and turned into run-length geometry.
 *
 * The NDJSON target rarely gets past base64 to a real image, so this one feeds
 * the bytes straight in. The first input byte picks the instance colour mode
 * (binary mask, or the colour of a chosen pixel); the rest is the image.
 * Properties checked on arbitrary input:
 *   - decode never crashes or leaks (ASan/LSan) and always answers a slot whose
 *     status is one of the three documented values;
 *   - a too-large mask is refused from its header: its decoded pixels are absent;
 *   - a decoded mask has width*height*3 bytes and its sides are at most 9000;
 *   - the run lengths are non-negative, sum to width*height, alternate starting
 *     with background, and the foreground runs sum to the reported area;
 *   - a second decode under the same key is served from the cache unchanged.
 *
 *   CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
 *   ninja -C build-fuzz && build-fuzz/tests/fuzz/fuzz_labelbox_mask -max_total_time=20
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialects/labelbox/lb_mask.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks one run-length geometry against the decoded pixels; aborts on a lie. */
static void fuzz_labelbox_mask_check_rle(const image_pixels *px, const int *rgb)
{
    int64_t area = -1;
    json_t *g = lb_mask_rle(px, rgb, &area);
    if (!g)
        abort();
    json_t *counts = json_object_get(json_object_get(g, "rle"), "counts");
    if (!json_is_array(counts) || json_array_size(counts) == 0)
        abort();
    int64_t total = 0, fg = 0;
    size_t i;
    json_t *c;
    json_array_foreach(counts, i, c) {
        if (!json_is_integer(c) || json_integer_value(c) < 0)
            abort();
        /* Only the first run may be empty (an image that starts with foreground). */
        if (i > 0 && json_integer_value(c) == 0)
            abort();
        total += json_integer_value(c);
        if (i % 2 == 1)
            fg += json_integer_value(c);
    }
    if (total != (int64_t)px->width * px->height || fg != area)
        abort();
    if (json_integer_value(json_object_get(g, "width")) != px->width ||
        json_integer_value(json_object_get(g, "height")) != px->height)
        abort();
    json_decref(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    const uint8_t *img = data + 1;
    size_t len = size - 1;
    /* An exact-size heap copy so that ASan sees any read past the end. */
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return 0;
    if (len)
        memcpy(copy, img, len);

    lb_mask_cache cache;
    lb_mask_cache_init(&cache);
    char key[72];
    lb_mask_key_bytes((const char *)copy, len, key);
    const lb_mask_slot *s = lb_mask_decode(&cache, key, copy, len);
    if (!s || strcmp(s->key, key) != 0)
        abort();
    if (s->status != LB_MASK_OK && s->status != LB_MASK_UNDECODABLE && s->status != LB_MASK_TOO_LARGE)
        abort();
    if (s->status == LB_MASK_TOO_LARGE &&
        (s->px.rgb || (s->width <= LB_MASK_MAX_SIDE && s->height <= LB_MASK_MAX_SIDE)))
        abort();
    if (s->status == LB_MASK_OK) {
        const image_pixels *px = &s->px;
        if (!px->rgb || px->width <= 0 || px->height <= 0 || px->width > LB_MASK_MAX_SIDE ||
            px->height > LB_MASK_MAX_SIDE || px->width != s->width || px->height != s->height)
            abort();
        /* Touch the last byte: the buffer really is width*height*3. */
        volatile uint8_t last = px->rgb[(size_t)px->width * (size_t)px->height * 3 - 1];
        (void)last;
        fuzz_labelbox_mask_check_rle(px, NULL);
        size_t pick = (size_t)mode * 2654435761u % ((size_t)px->width * (size_t)px->height);
        int rgb[3] = {px->rgb[pick * 3], px->rgb[pick * 3 + 1], px->rgb[pick * 3 + 2]};
        fuzz_labelbox_mask_check_rle(px, rgb);
        int absent[3] = {mode, 256, 300}; /* a colour no pixel can have: area 0 */
        int64_t area = -1;
        json_t *g = lb_mask_rle(px, absent, &area);
        if (area != 0)
            abort();
        json_decref(g);
    }
    const lb_mask_slot *again = lb_mask_decode(&cache, key, copy, len);
    if (again != s || again->status != s->status)
        abort();
    /* A second key evicts nothing the first still needs; a third recycles a slot. */
    (void)lb_mask_decode(&cache, "k2", copy, len);
    (void)lb_mask_decode(&cache, "k3", copy, len);
    lb_mask_cache_free(&cache);
    free(copy);
    return 0;
}
