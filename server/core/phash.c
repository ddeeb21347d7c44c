/* phash.c — perceptual signatures and box downscaling (see phash.h for the
 * algorithm and the match rule). Cell boundaries are integer pixel ranges
 * [floor(i*W/n), floor((i+1)*W/n)), widened to one pixel for images smaller
 * than the grid, so an image and its resized copy average over the same
 * fractions of the picture. Everything is computed per call on the stack or in
 * buffers freed before returning; any thread.
 */
#include "phash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DCT_N 32
#define DCT_K 8
/* A coefficient must exceed the median by this much (orthonormal DCT of 0..255
 * luminance) to set its bit: JPEG noise stays well below it, structure far above. */
#define DCT_MARGIN 2.0

static void cell_range(int i, int n, int size, int *lo, int *hi)
{
    *lo = (int)((int64_t)i * size / n);
    *hi = (int)((int64_t)(i + 1) * size / n);
    if (*hi <= *lo)
        *hi = *lo + 1;
    if (*hi > size) {
        *hi = size;
        *lo = size - 1;
    }
}

static double luma(const uint8_t *p) { return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]; }

/* Mean luminance of n x n cells. */
static void luma_grid(const image_pixels *px, int n, double *out)
{
    for (int gy = 0; gy < n; gy++) {
        int y0, y1;
        cell_range(gy, n, px->height, &y0, &y1);
        for (int gx = 0; gx < n; gx++) {
            int x0, x1;
            cell_range(gx, n, px->width, &x0, &x1);
            double sum = 0;
            for (int y = y0; y < y1; y++) {
                const uint8_t *row = px->rgb + ((size_t)y * (size_t)px->width + (size_t)x0) * 3;
                for (int x = x0; x < x1; x++, row += 3)
                    sum += luma(row);
            }
            out[gy * n + gx] = sum / ((double)(y1 - y0) * (double)(x1 - x0));
        }
    }
}

static void colour_grid(const image_pixels *px, uint8_t *out)
{
    for (int gy = 0; gy < 4; gy++) {
        int y0, y1;
        cell_range(gy, 4, px->height, &y0, &y1);
        for (int gx = 0; gx < 4; gx++) {
            int x0, x1;
            cell_range(gx, 4, px->width, &x0, &x1);
            double sum[3] = {0, 0, 0};
            for (int y = y0; y < y1; y++) {
                const uint8_t *row = px->rgb + ((size_t)y * (size_t)px->width + (size_t)x0) * 3;
                for (int x = x0; x < x1; x++, row += 3) {
                    sum[0] += row[0];
                    sum[1] += row[1];
                    sum[2] += row[2];
                }
            }
            double n = (double)(y1 - y0) * (double)(x1 - x0);
            for (int c = 0; c < 3; c++)
                out[(gy * 4 + gx) * 3 + c] = (uint8_t)lround(sum[c] / n);
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The 8x8 lowest frequencies of the orthonormal 2-D DCT-II of a 32x32 grid. */
static void dct_low(const double *in, double out[DCT_K][DCT_K])
{
    double basis[DCT_K][DCT_N];
    for (int k = 0; k < DCT_K; k++) {
        double scale = k == 0 ? sqrt(1.0 / DCT_N) : sqrt(2.0 / DCT_N);
        for (int i = 0; i < DCT_N; i++)
            basis[k][i] = scale * cos(M_PI * (2 * i + 1) * k / (2.0 * DCT_N));
    }
    double rows[DCT_N][DCT_K];
    for (int y = 0; y < DCT_N; y++)
        for (int k = 0; k < DCT_K; k++) {
            double s = 0;
            for (int x = 0; x < DCT_N; x++)
                s += in[y * DCT_N + x] * basis[k][x];
            rows[y][k] = s;
        }
    for (int u = 0; u < DCT_K; u++)
        for (int v = 0; v < DCT_K; v++) {
            double s = 0;
            for (int y = 0; y < DCT_N; y++)
                s += rows[y][v] * basis[u][y];
            out[u][v] = s;
        }
}

int phash_compute(const image_pixels *px, phash_sig *out)
{
    memset(out, 0, sizeof *out);
    if (!px || !px->rgb || px->width <= 0 || px->height <= 0)
        return -1;
    double grid[DCT_N * DCT_N];
    luma_grid(px, DCT_N, grid);
    double coef[DCT_K][DCT_K];
    dct_low(grid, coef);
    double ac[DCT_K * DCT_K - 1];
    int n = 0;
    for (int u = 0; u < DCT_K; u++)
        for (int v = 0; v < DCT_K; v++)
            if (u || v)
                ac[n++] = coef[u][v];
    qsort(ac, (size_t)n, sizeof *ac, cmp_double);
    double median = ac[n / 2];
    uint64_t bits = 0;
    for (int u = 0; u < DCT_K; u++)
        for (int v = 0; v < DCT_K; v++)
            if ((u || v) && coef[u][v] > median + DCT_MARGIN)
                bits |= 1ULL << (u * DCT_K + v);
    out->dct = bits;
    colour_grid(px, out->grid);
    out->aspect = (double)px->width / (double)px->height;
    return 0;
}

int phash_bits(const phash_sig *a, const phash_sig *b) { return __builtin_popcountll(a->dct ^ b->dct); }

double phash_colour(const phash_sig *a, const phash_sig *b)
{
    /* The worst cell decides: a change confined to one object must count. */
    int worst = 0;
    for (int cell = 0; cell < PHASH_GRID_BYTES / 3; cell++) {
        int d = 0;
        for (int c = 0; c < 3; c++)
            d += abs((int)a->grid[cell * 3 + c] - (int)b->grid[cell * 3 + c]);
        if (d > worst)
            worst = d;
    }
    return worst / 3.0;
}

static double aspect_gap(const phash_sig *a, const phash_sig *b)
{
    if (a->aspect <= 0 || b->aspect <= 0)
        return 1.0;
    return fabs(log(a->aspect / b->aspect));
}

int phash_match(const phash_sig *a, const phash_sig *b)
{
    return phash_bits(a, b) <= PHASH_MAX_BITS && phash_colour(a, b) <= PHASH_MAX_COLOUR && aspect_gap(a, b) <= 0.08;
}

double phash_distance(const phash_sig *a, const phash_sig *b)
{
    return phash_bits(a, b) + phash_colour(a, b) / 4.0 + aspect_gap(a, b) * 10.0;
}

void phash_to_text(const phash_sig *s, char *out)
{
    static const char hex[] = "0123456789abcdef";
    snprintf(out, 17, "%016llx", (unsigned long long)s->dct);
    for (int i = 0; i < PHASH_GRID_BYTES; i++) {
        out[16 + 2 * i] = hex[s->grid[i] >> 4];
        out[16 + 2 * i + 1] = hex[s->grid[i] & 15];
    }
    long aspect = lround(s->aspect * 10000.0);
    if (aspect < 0 || aspect > 999999999L)
        aspect = 0;
    snprintf(out + 16 + 2 * PHASH_GRID_BYTES, PHASH_HEX_LEN + 1 - (16 + 2 * PHASH_GRID_BYTES), "-%ld", aspect);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int phash_from_text(const char *text, phash_sig *out)
{
    memset(out, 0, sizeof *out);
    size_t head = 16 + 2 * PHASH_GRID_BYTES;
    if (!text || strlen(text) < head + 2 || strlen(text) > PHASH_HEX_LEN || text[head] != '-')
        return -1;
    uint64_t dct = 0;
    for (int i = 0; i < 16; i++) {
        int v = hex_value(text[i]);
        if (v < 0)
            return -1;
        dct = dct << 4 | (uint64_t)v;
    }
    for (int i = 0; i < PHASH_GRID_BYTES; i++) {
        int hi = hex_value(text[16 + 2 * i]), lo = hex_value(text[16 + 2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out->grid[i] = (uint8_t)(hi << 4 | lo);
    }
    long aspect = 0;
    for (const char *p = text + head + 1; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        aspect = aspect * 10 + (*p - '0');
    }
    out->dct = dct;
    out->aspect = (double)aspect / 10000.0;
    return 0;
}

int phash_downscale(const image_pixels *src, int max_side, image_pixels *out)
{
    memset(out, 0, sizeof *out);
    if (!src || !src->rgb || src->width <= 0 || src->height <= 0 || max_side <= 0)
        return -1;
    int w = src->width, h = src->height;
    if (w > max_side || h > max_side) {
        if (w >= h) {
            h = (int)lround((double)h * max_side / w);
            w = max_side;
        } else {
            w = (int)lround((double)w * max_side / h);
            h = max_side;
        }
        if (w < 1)
            w = 1;
        if (h < 1)
            h = 1;
    }
    uint8_t *rgb = malloc((size_t)w * (size_t)h * 3);
    if (!rgb)
        return -1;
    if (w == src->width && h == src->height) {
        memcpy(rgb, src->rgb, (size_t)w * (size_t)h * 3);
    } else {
        for (int oy = 0; oy < h; oy++) {
            int y0, y1;
            cell_range(oy, h, src->height, &y0, &y1);
            for (int ox = 0; ox < w; ox++) {
                int x0, x1;
                cell_range(ox, w, src->width, &x0, &x1);
                uint64_t sum[3] = {0, 0, 0};
                for (int y = y0; y < y1; y++) {
                    const uint8_t *p = src->rgb + ((size_t)y * (size_t)src->width + (size_t)x0) * 3;
                    for (int x = x0; x < x1; x++, p += 3) {
                        sum[0] += p[0];
                        sum[1] += p[1];
                        sum[2] += p[2];
                    }
                }
                uint64_t n = (uint64_t)(y1 - y0) * (uint64_t)(x1 - x0);
                uint8_t *o = rgb + ((size_t)oy * (size_t)w + (size_t)ox) * 3;
                for (int c = 0; c < 3; c++)
                    o[c] = (uint8_t)((sum[c] + n / 2) / n);
            }
        }
    }
    out->width = w;
    out->height = h;
    out->rgb = rgb;
    return 0;
}
