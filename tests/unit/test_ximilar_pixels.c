/* test_ximilar_pixels.c — the perceptual hash stays stable under resizing and
 * differs between different images; thumbnails and crops have the expected
 * sizes and are real PNGs. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/image.h"
#include "dialects/ximilar/xim_pixels.h"

/* A smooth pseudo-random image (bilinear over a coarse random grid). */
static image_pixels smooth(int w, int h, unsigned seed)
{
    image_pixels px = {w, h, malloc((size_t)w * h * 3)};
    unsigned char grid[7][9][3];
    for (int y = 0; y < 7; y++)
        for (int x = 0; x < 9; x++)
            for (int c = 0; c < 3; c++) {
                seed = seed * 1103515245u + 12345u;
                grid[y][x][c] = (unsigned char)(seed >> 16);
            }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double gx = (double)x / w * 8, gy = (double)y / h * 6;
            int x0 = (int)gx, y0 = (int)gy;
            double fx = gx - x0, fy = gy - y0;
            for (int c = 0; c < 3; c++) {
                double v = grid[y0][x0][c] * (1 - fx) * (1 - fy) + grid[y0][x0 + 1][c] * fx * (1 - fy) +
                           grid[y0 + 1][x0][c] * (1 - fx) * fy + grid[y0 + 1][x0 + 1][c] * fx * fy;
                px.rgb[((size_t)y * w + x) * 3 + c] = (unsigned char)v;
            }
        }
    return px;
}

int main(void)
{
    image_pixels a = smooth(640, 480, 1), b = smooth(640, 480, 2), small = {0}, crop = {0};
    uint64_t ha = xim_pixels_dhash(&a), hb = xim_pixels_dhash(&b);
    CHECK(xim_pixels_hamming(ha, hb) > 10);
    CHECK_EQ_INT(xim_pixels_hamming(ha, ha), 0);
    CHECK_EQ_INT(xim_pixels_scaled_region(&a, 0, 0, 640, 480, 256, &small), 0);
    CHECK_EQ_INT(small.width, 256);
    CHECK_EQ_INT(small.height, 192);
    CHECK(xim_pixels_hamming(ha, xim_pixels_dhash(&small)) <= 4);
    CHECK_EQ_INT(xim_pixels_scaled_region(&a, 10, 20, 110, 170, 256, &crop), 0);
    CHECK_EQ_INT(crop.width, 100);
    CHECK_EQ_INT(crop.height, 150);
    image_pixels bad = {0};
    CHECK_EQ_INT(xim_pixels_scaled_region(&a, 10, 10, 10, 20, 256, &bad), -1);
    CHECK_EQ_INT(xim_pixels_scaled_region(&a, 0, 0, 641, 10, 256, &bad), -1);
    /* Encoded round trip: hash and thumbnail from PNG bytes. */
    uint8_t *png = NULL, *thumb = NULL;
    size_t png_len = 0, thumb_len = 0;
    uint64_t h = 0;
    CHECK_EQ_INT(image_encode_png(&a, &png, &png_len), 0);
    CHECK_EQ_INT(xim_pixels_hash_and_thumb(png, png_len, 100, &h, &thumb, &thumb_len), 0);
    CHECK_EQ_INT(xim_pixels_hamming(h, ha), 0);
    image_info info;
    CHECK_EQ_INT(image_probe(thumb, thumb_len, &info), 0);
    CHECK_EQ_INT(info.width, 100);
    CHECK_EQ_INT(info.height, 75);
    free(thumb);
    thumb = NULL;
    CHECK_EQ_INT(xim_pixels_hash_and_thumb("nope", 4, 100, &h, &thumb, &thumb_len), -1);
    CHECK(thumb == NULL);
    free(png);
    image_free(&crop);
    image_free(&small);
    image_free(&b);
    image_free(&a);
    return check_exit();
}
