/* xim_pixels.c — perceptual hash and box-filter downscaling.
 *
 * Downscaling averages every source pixel that falls into each destination cell
 * (cells are at least one source pixel wide), which is what a thumbnail needs
 * and keeps the hash stable under JPEG re-encoding and resizing: the client's
 * default max_image_size re-encodes large images, and a memorised training image
 * must still be recognised. All buffers are sized from checked dimensions.
 * Pure; any thread.
 */
#include "xim_pixels.h"

#include <stdlib.h>
#include <string.h>

/* Average of the box [x0,x1) x [y0,y1) per channel into out[3]. */
static void box_average(const image_pixels *src, int x0, int y0, int x1, int y1, double out[3])
{
    uint64_t sum[3] = {0, 0, 0};
    for (int y = y0; y < y1; y++) {
        const uint8_t *row = src->rgb + ((size_t)y * (size_t)src->width + (size_t)x0) * 3;
        for (int x = x0; x < x1; x++, row += 3) {
            sum[0] += row[0];
            sum[1] += row[1];
            sum[2] += row[2];
        }
    }
    double count = (double)(x1 - x0) * (double)(y1 - y0);
    for (int c = 0; c < 3; c++)
        out[c] = count > 0 ? (double)sum[c] / count : 0;
}

/* Cell k of n across [lo, hi): its [a, b), at least one pixel wide. */
static void cell_span(int lo, int hi, int k, int n, int *a, int *b)
{
    int len = hi - lo;
    *a = lo + (int)((int64_t)len * k / n);
    *b = lo + (int)((int64_t)len * (k + 1) / n);
    if (*b <= *a)
        *b = *a + 1;
    if (*b > hi) {
        *b = hi;
        *a = hi - 1;
    }
}

uint64_t xim_pixels_dhash(const image_pixels *px)
{
    double lum[8][9];
    for (int gy = 0; gy < 8; gy++)
        for (int gx = 0; gx < 9; gx++) {
            int x0, x1, y0, y1;
            cell_span(0, px->width, gx, 9, &x0, &x1);
            cell_span(0, px->height, gy, 8, &y0, &y1);
            double avg[3];
            box_average(px, x0, y0, x1, y1, avg);
            lum[gy][gx] = 0.299 * avg[0] + 0.587 * avg[1] + 0.114 * avg[2];
        }
    uint64_t h = 0;
    for (int gy = 0; gy < 8; gy++)
        for (int gx = 0; gx < 8; gx++)
            h = (h << 1) | (lum[gy][gx] > lum[gy][gx + 1] ? 1u : 0u);
    return h;
}

int xim_pixels_hamming(uint64_t a, uint64_t b) { return __builtin_popcountll(a ^ b); }

int xim_pixels_scaled_region(const image_pixels *src, int x0, int y0, int x1, int y1, int max_side,
                             image_pixels *out)
{
    memset(out, 0, sizeof *out);
    if (x0 < 0 || y0 < 0 || x1 > src->width || y1 > src->height || x0 >= x1 || y0 >= y1 || max_side < 1)
        return -1;
    int w = x1 - x0, h = y1 - y0;
    int dw = w, dh = h;
    if (w > max_side || h > max_side) {
        if (w >= h) {
            dw = max_side;
            dh = (int)((int64_t)h * max_side / w);
        } else {
            dh = max_side;
            dw = (int)((int64_t)w * max_side / h);
        }
        if (dw < 1)
            dw = 1;
        if (dh < 1)
            dh = 1;
    }
    uint8_t *rgb = malloc((size_t)dw * (size_t)dh * 3);
    if (!rgb)
        return -1;
    for (int y = 0; y < dh; y++)
        for (int x = 0; x < dw; x++) {
            int ax, bx, ay, by;
            cell_span(x0, x1, x, dw, &ax, &bx);
            cell_span(y0, y1, y, dh, &ay, &by);
            double avg[3];
            box_average(src, ax, ay, bx, by, avg);
            uint8_t *o = rgb + ((size_t)y * (size_t)dw + (size_t)x) * 3;
            for (int c = 0; c < 3; c++)
                o[c] = (uint8_t)(avg[c] + 0.5);
        }
    out->width = dw;
    out->height = dh;
    out->rgb = rgb;
    return 0;
}

int xim_pixels_hash_and_thumb(const void *data, size_t len, int max_side, uint64_t *hash, uint8_t **png,
                              size_t *png_len)
{
    image_pixels px = {0}, thumb = {0};
    int rc = -1;
    *png = NULL;
    *png_len = 0;
    if (image_decode(data, len, 0, &px) != 0)
        goto out;
    *hash = xim_pixels_dhash(&px);
    if (xim_pixels_scaled_region(&px, 0, 0, px.width, px.height, max_side, &thumb) != 0)
        goto out;
    if (image_encode_png(&thumb, png, png_len) != 0)
        goto out;
    rc = 0;
out:
    image_free(&thumb);
    image_free(&px);
    return rc;
}
