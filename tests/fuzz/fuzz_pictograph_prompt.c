/* fuzz_pictograph_prompt.c — libFuzzer target for the segmentation engine's
 * untrusted inputs (server/core/segment.c): free-text prompts and arbitrary
 * point and box coordinates.
 *
 * The first 16 bytes (when present) become coordinates; the rest is the text
 * prompt. Every call runs on a small fixed synthetic image with shapes, a
 * hole and noise, and the results must satisfy the engine's promises: scores
 * in [0, 1], bounding boxes inside the image, closed rings of at least three
 * points, and identical answers on a second run.
 *
 *   CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
 *   ninja -C build-fuzz && build-fuzz/tests/fuzz/fuzz_pictograph_prompt -max_total_time=20
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/segment.h"

#define W 48
#define H 36

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static segment_image *scene(void)
{
    static uint8_t rgb[W * H * 3];
    uint32_t s = 7;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = rgb + (y * W + x) * 3;
            s = s * 1103515245u + 12345u;
            int n = (int)((s >> 16) % 9) - 4;
            int inside_rect = x >= 4 && x < 20 && y >= 4 && y < 16 && !(x >= 9 && x < 13 && y >= 8 && y < 11);
            int inside_disc = (x - 34) * (x - 34) + (y - 22) * (y - 22) <= 64;
            p[0] = (uint8_t)((inside_rect ? 30 : inside_disc ? 220 : 128) + n);
            p[1] = (uint8_t)((inside_rect ? 60 : inside_disc ? 40 : 128) + n);
            p[2] = (uint8_t)((inside_rect ? 200 : inside_disc ? 40 : 128) + n);
        }
    return segment_image_new(rgb, W, H);
}

static void check_region(const seg_region *r)
{
    if (!(r->score >= 0 && r->score <= 1) || r->x < 0 || r->y < 0 || r->x + r->w > W || r->y + r->h > H ||
        r->nrings < 1 || r->area < 1)
        abort();
    for (int i = 0; i < r->nrings; i++)
        if (r->rings[i].npoints < 3)
            abort();
}

static double coord(const uint8_t *b)
{
    int16_t v;
    memcpy(&v, b, sizeof v);
    return v / 4.0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static segment_image *img;
    if (!img)
        img = scene();
    if (size >= 16) {
        seg_point pts[2] = {{coord(data), coord(data + 2)}, {coord(data + 4), coord(data + 6)}};
        seg_point neg = {coord(data + 8), coord(data + 10)};
        seg_rect box = {coord(data + 8), coord(data + 10), coord(data + 12), coord(data + 14)};
        seg_rect nbox = {coord(data), coord(data + 2), 5, 5};
        seg_region a, b;
        seg_status s1 = segment_point(img, pts, 1 + (data[15] & 1), &neg, data[14] & 1, &a);
        seg_status s2 = segment_point(img, pts, 1 + (data[15] & 1), &neg, data[14] & 1, &b);
        if (s1 != s2)
            abort();
        if (s1 == SEG_FOUND) {
            check_region(&a);
            if (a.rings[0].npoints != b.rings[0].npoints || a.score != b.score ||
                memcmp(a.rings[0].xy, b.rings[0].xy, sizeof(double) * 2 * (size_t)a.rings[0].npoints) != 0)
                abort();
            seg_region_free(&a);
            seg_region_free(&b);
        }
        if (segment_box(img, &box, &nbox, data[13] & 1, &a) == SEG_FOUND) {
            check_region(&a);
            seg_region_free(&a);
        }
        data += 16;
        size -= 16;
    }
    char *prompt = malloc(size + 1);
    if (!prompt)
        return 0;
    memcpy(prompt, data, size);
    prompt[size] = 0;
    seg_query q;
    segment_query_parse(prompt, &q);
    seg_regions rs;
    if (segment_text(img, prompt, 0, &rs) == SEG_FOUND) {
        for (int i = 0; i < rs.n; i++)
            check_region(&rs.items[i]);
        seg_regions_free(&rs);
    }
    free(prompt);
    return 0;
}
