/* segment.c — the segmentation engine behind point, box and text prompts (see
 * segment.h for the method). Pure computation on an immutable segment_image:
 * no globals besides the colour tables built once under pthread_once, no I/O,
 * no randomness. Every loop visits pixels in a fixed order and every tie is
 * broken by that order, which is what makes results bit-identical.
 *
 * Pixel sets are plain byte masks of the image; a region being finished is
 * copied into a small local grid with an empty one-pixel frame, so hole filling
 * and crack tracing never test image bounds. Any thread.
 */
#include "segment.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define FLOOD_NB 105          /* flood levels of 0.5 Delta-E: distances up to 52.5 */
#define LEVEL_SCALE 2.0f
#define T_MIN_DE 3.0          /* lowest point tolerance */
#define T_MAX_BUCKET 80       /* highest point tolerance: 40 Delta-E */
#define MAX_SEEDS 255
#define MAX_CLUSTERS 4
#define OTSU_BINS 200         /* 0.5 Delta-E each: 0..100 */
#define TEXT_MAX_DEFAULT 256

/* ------------------------------------------------------------------ colour */

#define FT_N 2048
#define FT_MAX 1.1f

static float g_lin[256];
static float g_ft[FT_N + 2];
/* floor(sqrt(i)): the flood level of a squared, scaled distance, exactly. */
static uint8_t g_level_of[FLOOD_NB * FLOOD_NB];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static double lab_f(double t) { return t > 216.0 / 24389.0 ? cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0; }

static void tables_init(void)
{
    for (int i = 0; i < 256; i++) {
        double c = i / 255.0;
        g_lin[i] = (float)(c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4));
    }
    for (int i = 0; i < FT_N + 2; i++)
        g_ft[i] = (float)lab_f((double)i * FT_MAX / FT_N);
    for (int i = 0; i < FLOOD_NB * FLOOD_NB; i++) {
        int r = (int)sqrt((double)i);
        while (r * r > i)
            r--;
        while ((r + 1) * (r + 1) <= i)
            r++;
        g_level_of[i] = (uint8_t)r;
    }
}

/* Linear interpolation in the f(t) table: within 1e-4 of the exact curve. */
static inline float ft(float t)
{
    float x = t * ((float)FT_N / FT_MAX);
    if (x <= 0)
        return g_ft[0];
    int i = (int)x;
    if (i >= FT_N)
        i = FT_N - 1;
    float fr = x - (float)i;
    return g_ft[i] + (g_ft[i + 1] - g_ft[i]) * fr;
}

static void rgb_to_lab(const uint8_t *rgb, float *lab)
{
    float r = g_lin[rgb[0]], g = g_lin[rgb[1]], b = g_lin[rgb[2]];
    float x = (0.4124564f * r + 0.3575761f * g + 0.1804375f * b) / 0.95047f;
    float y = 0.2126729f * r + 0.7151522f * g + 0.0721750f * b;
    float z = (0.0193339f * r + 0.1191920f * g + 0.9503041f * b) / 1.08883f;
    float fx = ft(x), fy = ft(y), fz = ft(z);
    lab[0] = 116.0f * fy - 16.0f;
    lab[1] = 500.0f * (fx - fy);
    lab[2] = 200.0f * (fy - fz);
}

static inline float de2(const float *p, const float *q)
{
    float d0 = p[0] - q[0], d1 = p[1] - q[1], d2 = p[2] - q[2];
    return d0 * d0 + d1 * d1 + d2 * d2;
}

static inline float de(const float *p, const float *q) { return sqrtf(de2(p, q)); }

struct segment_image {
    int w, h;
    float *lab; /* L, a, b per pixel, row-major */
};

segment_image *segment_image_new(const uint8_t *rgb, int width, int height)
{
    if (!rgb || width <= 0 || height <= 0 || (size_t)width > SIZE_MAX / 12 / (size_t)height)
        return NULL;
    pthread_once(&g_once, tables_init);
    segment_image *img = calloc(1, sizeof *img);
    if (!img)
        return NULL;
    size_t n = (size_t)width * (size_t)height;
    img->lab = malloc(n * 3 * sizeof(float));
    if (!img->lab) {
        free(img);
        return NULL;
    }
    img->w = width;
    img->h = height;
    for (size_t i = 0; i < n; i++)
        rgb_to_lab(rgb + i * 3, img->lab + i * 3);
    return img;
}

void segment_image_free(segment_image *img)
{
    if (!img)
        return;
    free(img->lab);
    free(img);
}

int segment_image_width(const segment_image *img) { return img->w; }
int segment_image_height(const segment_image *img) { return img->h; }
size_t segment_image_bytes(const segment_image *img)
{
    return sizeof *img + (size_t)img->w * (size_t)img->h * 3 * sizeof(float);
}

void seg_region_free(seg_region *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->nrings; i++)
        free(r->rings[i].xy);
    free(r->rings);
    memset(r, 0, sizeof *r);
}

void seg_regions_free(seg_regions *rs)
{
    if (!rs)
        return;
    for (int i = 0; i < rs->n; i++)
        seg_region_free(&rs->items[i]);
    free(rs->items);
    rs->items = NULL;
    rs->n = 0;
}

/* ---------------------------------------------------------------- helpers */

typedef struct {
    int *v;
    size_t n, cap;
} ivec;

static int ivec_push2(ivec *a, int x, int y)
{
    if (a->n + 2 > a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        int *grown = realloc(a->v, cap * sizeof *grown);
        if (!grown)
            return -1;
        a->v = grown;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    a->v[a->n++] = y;
    return 0;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

/* floor() of a coordinate, kept inside int range for any double. */
static int pix_floor(double v)
{
    if (!(v == v))
        return -1;
    return (int)floor(clampd(v, -1e9, 1e9));
}

static int pix_ceil(double v)
{
    if (!(v == v))
        return -1;
    return (int)ceil(clampd(v, -1e9, 1e9));
}

/* A 4-connected component of a byte mask. */
typedef struct {
    int64_t area;
    int x0, y0, x1, y1;
    int first; /* image index of its first pixel in raster order */
} comp;

/* Labels the 4-connected components of mask (non-zero bytes) within the rect
 * [x0,x1] x [y0,y1]; labels must be zero there. Component k gets label k+1.
 * Returns the number of components or -1 on out of memory. */
static int label_components(const uint8_t *mask, int W, int x0, int y0, int x1, int y1, int32_t *labels,
                            comp **out)
{
    size_t rect = (size_t)(x1 - x0 + 1) * (size_t)(y1 - y0 + 1);
    int32_t *queue = malloc(rect * sizeof *queue);
    comp *comps = NULL;
    int n = 0, cap = 0;
    if (!queue)
        goto fail;
    for (int y = y0; y <= y1; y++) {
        for (int x = x0; x <= x1; x++) {
            int p = y * W + x;
            if (!mask[p] || labels[p])
                continue;
            if (n == cap) {
                int ncap = cap ? cap * 2 : 16;
                comp *grown = realloc(comps, (size_t)ncap * sizeof *grown);
                if (!grown)
                    goto fail;
                comps = grown;
                cap = ncap;
            }
            comp *c = &comps[n++];
            c->area = 0;
            c->x0 = c->x1 = x;
            c->y0 = c->y1 = y;
            c->first = p;
            size_t head = 0, tail = 0;
            labels[p] = n;
            queue[tail++] = p;
            while (head < tail) {
                int q = queue[head++];
                int qx = q % W, qy = q / W;
                c->area++;
                if (qx < c->x0) c->x0 = qx;
                if (qx > c->x1) c->x1 = qx;
                if (qy < c->y0) c->y0 = qy;
                if (qy > c->y1) c->y1 = qy;
                int nb[4] = {qy > y0 ? q - W : -1, qx > x0 ? q - 1 : -1, qx < x1 ? q + 1 : -1, qy < y1 ? q + W : -1};
                for (int k = 0; k < 4; k++) {
                    if (nb[k] >= 0 && mask[nb[k]] && !labels[nb[k]]) {
                        labels[nb[k]] = n;
                        queue[tail++] = nb[k];
                    }
                }
            }
        }
    }
    free(queue);
    *out = comps;
    return n;
fail:
    free(queue);
    free(comps);
    *out = NULL;
    return -1;
}

/* ---------------------------------------------------------- local grids */

/* A region copied into a grid with an empty one-pixel frame. Cell values:
 * 0 outside, 1 region, 2 filled hole (transient), 3 hole kept open, 4 reached
 * from the frame (transient). */
typedef struct {
    int ox, oy; /* image coordinates of cell (0, 0) */
    int w, h;
    uint8_t *m;
} lgrid;

static int lgrid_from_label(lgrid *g, const int32_t *labels, int W, int id, const comp *c)
{
    g->ox = c->x0 - 1;
    g->oy = c->y0 - 1;
    g->w = c->x1 - c->x0 + 3;
    g->h = c->y1 - c->y0 + 3;
    g->m = calloc((size_t)g->w * (size_t)g->h, 1);
    if (!g->m)
        return -1;
    for (int y = c->y0; y <= c->y1; y++)
        for (int x = c->x0; x <= c->x1; x++)
            if (labels[y * W + x] == id)
                g->m[(size_t)(y - g->oy) * g->w + (x - g->ox)] = 1;
    return 0;
}

/* Floods cells equal to `from` (4-connected) starting at start, setting `to`:
 * a scanline fill (whole runs per row), with stack as growable scratch. */
static int lgrid_flood(lgrid *g, int start, uint8_t from, uint8_t to, ivec *stack)
{
    if (g->m[start] != from)
        return 0;
    stack->n = 0;
    if (ivec_push2(stack, start % g->w, start / g->w) != 0)
        return -1;
    while (stack->n) {
        int y = stack->v[--stack->n];
        int x = stack->v[--stack->n];
        uint8_t *row = g->m + (size_t)y * g->w;
        if (row[x] != from)
            continue;
        int xl = x, xr = x;
        while (xl > 0 && row[xl - 1] == from)
            xl--;
        while (xr < g->w - 1 && row[xr + 1] == from)
            xr++;
        memset(row + xl, to, (size_t)(xr - xl + 1));
        for (int dy = -1; dy <= 1; dy += 2) {
            int ny = y + dy;
            if (ny < 0 || ny >= g->h)
                continue;
            const uint8_t *nrow = g->m + (size_t)ny * g->w;
            int in_run = 0;
            for (int i = xl; i <= xr; i++) {
                int c = nrow[i] == from;
                if (c && !in_run && ivec_push2(stack, i, ny) != 0)
                    return -1;
                in_run = c;
            }
        }
    }
    return 0;
}

/* Fills holes; a hole containing one of the keep points (image x, y pairs)
 * stays open (value 3). */
static int lgrid_fill_holes(lgrid *g, const int *keep, int nkeep)
{
    size_t n = (size_t)g->w * (size_t)g->h;
    ivec stack = {0};
    if (lgrid_flood(g, 0, 0, 4, &stack) != 0) /* the frame is connected and empty */
        goto fail;
    for (size_t i = 0; i < n; i++)
        if (g->m[i] == 0)
            g->m[i] = 2;
    for (int k = 0; k < nkeep; k++) {
        int x = keep[2 * k] - g->ox, y = keep[2 * k + 1] - g->oy;
        if (x > 0 && y > 0 && x < g->w - 1 && y < g->h - 1 && lgrid_flood(g, y * g->w + x, 2, 3, &stack) != 0)
            goto fail;
    }
    for (size_t i = 0; i < n; i++)
        g->m[i] = g->m[i] == 4 ? 0 : g->m[i] == 2 ? 1 : g->m[i];
    free(stack.v);
    return 0;
fail:
    free(stack.v);
    return -1;
}

/* Traces the outer crack boundary of the 4-connected set of cells equal to v
 * that contains `start` (its first cell in raster order), clockwise on screen,
 * one vertex per change of direction, in image coordinates. */
static int lgrid_trace(const lgrid *g, uint8_t v, int start, ivec *out)
{
#define CELL(px, py) ((px) >= 0 && (py) >= 0 && (px) < g->w && (py) < g->h && g->m[(py) * g->w + (px)] == v)
    int sx = start % g->w, sy = start / g->w;
    int vx = sx + 1, vy = sy, d = 0;
    size_t guard = (size_t)g->w * (size_t)g->h * 4 + 8;
    out->n = 0;
    if (ivec_push2(out, sx + g->ox, sy + g->oy) != 0)
        return -1;
    while (!(vx == sx && vy == sy)) {
        if (guard-- == 0)
            return -1;
        int lx, ly, rx, ry;
        switch (d) {
        case 0: lx = vx; ly = vy - 1; rx = vx; ry = vy; break;
        case 1: lx = vx; ly = vy; rx = vx - 1; ry = vy; break;
        case 2: lx = vx - 1; ly = vy; rx = vx - 1; ry = vy - 1; break;
        default: lx = vx - 1; ly = vy - 1; rx = vx; ry = vy - 1; break;
        }
        int nd = !CELL(rx, ry) ? (d + 1) & 3 : CELL(lx, ly) ? (d + 3) & 3 : d;
        if (nd != d) {
            if (ivec_push2(out, vx + g->ox, vy + g->oy) != 0)
                return -1;
            d = nd;
        }
        switch (d) {
        case 0: vx++; break;
        case 1: vy++; break;
        case 2: vx--; break;
        default: vy--; break;
        }
    }
    return 0;
#undef CELL
}

/* ------------------------------------------------------- polygon outlines */

static double seg_dist2(double px, double py, double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay;
    double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
    t = clampd(t, 0, 1);
    double qx = ax + t * dx - px, qy = ay + t * dy - py;
    return qx * qx + qy * qy;
}

/* Douglas-Peucker on a closed ring of integer vertices (xy pairs, n points). */
static int simplify_ring(const int *xy, int n, double eps, seg_ring *out)
{
    uint8_t *keep = calloc((size_t)n + 1, 1);
    int *stack = malloc(((size_t)n + 1) * 2 * sizeof *stack);
    int rc = -1;
    if (!keep || !stack)
        goto out;
    int far = 0;
    double best = -1;
    for (int i = 1; i < n; i++) {
        double dx = xy[2 * i] - xy[0], dy = xy[2 * i + 1] - xy[1];
        double d2 = dx * dx + dy * dy;
        if (d2 > best) {
            best = d2;
            far = i;
        }
    }
    keep[0] = 1;
    keep[far] = 1;
    double eps2 = eps * eps;
    int sp = 0;
    stack[sp++] = 0;
    stack[sp++] = far;
    stack[sp++] = far;
    stack[sp++] = n;
    while (sp > 0) {
        int b = stack[--sp], a = stack[--sp];
        int bi = b % n;
        int idx = -1;
        double dmax = eps2;
        for (int i = a + 1; i < b; i++) {
            double d2 = seg_dist2(xy[2 * i], xy[2 * i + 1], xy[2 * a], xy[2 * a + 1], xy[2 * bi], xy[2 * bi + 1]);
            if (d2 > dmax) {
                dmax = d2;
                idx = i;
            }
        }
        if (idx >= 0) {
            keep[idx] = 1;
            stack[sp++] = a;
            stack[sp++] = idx;
            stack[sp++] = idx;
            stack[sp++] = b;
        }
    }
    int m = 0;
    for (int i = 0; i < n; i++)
        m += keep[i];
    if (m < 3) { /* a sliver: keep every corner rather than a degenerate ring */
        memset(keep, 1, (size_t)n);
        m = n;
    }
    out->xy = malloc((size_t)m * 2 * sizeof *out->xy);
    if (!out->xy)
        goto out;
    out->npoints = m;
    for (int i = 0, j = 0; i < n; i++) {
        if (keep[i]) {
            out->xy[2 * j] = xy[2 * i];
            out->xy[2 * j + 1] = xy[2 * i + 1];
            j++;
        }
    }
    rc = 0;
out:
    free(keep);
    free(stack);
    return rc;
}

static void ring_measure(const seg_ring *r, double *area, double *perimeter)
{
    double a = 0, p = 0;
    for (int i = 0; i < r->npoints; i++) {
        int j = (i + 1) % r->npoints;
        double x0 = r->xy[2 * i], y0 = r->xy[2 * i + 1], x1 = r->xy[2 * j], y1 = r->xy[2 * j + 1];
        a += x0 * y1 - x1 * y0;
        p += hypot(x1 - x0, y1 - y0);
    }
    *area = fabs(a) / 2;
    *perimeter = p;
}

static double ring_eps(const ivec *raw)
{
    double p = 0;
    size_t n = raw->n / 2;
    for (size_t i = 0; i < n; i++) {
        size_t j = (i + 1) % n;
        p += fabs((double)raw->v[2 * j] - raw->v[2 * i]) + fabs((double)raw->v[2 * j + 1] - raw->v[2 * i + 1]);
    }
    return p / 400 > 1.0 ? p / 400 : 1.0;
}

static int add_ring(seg_region *r, const ivec *raw, int reverse)
{
    seg_ring *grown = realloc(r->rings, ((size_t)r->nrings + 1) * sizeof *grown);
    if (!grown)
        return -1;
    r->rings = grown;
    seg_ring *ring = &r->rings[r->nrings];
    memset(ring, 0, sizeof *ring);
    if (simplify_ring(raw->v, (int)(raw->n / 2), ring_eps(raw), ring) != 0)
        return -1;
    r->nrings++;
    if (reverse) {
        for (int i = 1, j = ring->npoints - 1; i < j; i++, j--) { /* same start, other way round */
            double tx = ring->xy[2 * i], ty = ring->xy[2 * i + 1];
            ring->xy[2 * i] = ring->xy[2 * j];
            ring->xy[2 * i + 1] = ring->xy[2 * j + 1];
            ring->xy[2 * j] = tx;
            ring->xy[2 * j + 1] = ty;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ measures */

static double round4(double v) { return floor(v * 10000.0 + 0.5) / 10000.0; }

static double score_of(double contrast, double compactness, double evidence)
{
    double c = 1.0 - exp(-contrast / 12.0);
    double k = sqrt(clampd(compactness / 0.35, 0, 1));
    return round4(clampd(sqrt(clampd(c, 0, 1)) * k * clampd(evidence, 0, 1), 0, 1));
}

/* Mean colour of the region and Delta-E to the band of pixels within 2 px
 * (Chebyshev) outside it. The band is found from the region's border cells
 * only; the mean of a large region (over 16384 px) samples every other row and
 * column, which moves it by far less than the contrast scale. */
static int region_colours(const segment_image *img, const lgrid *g, seg_region *r)
{
    int mw = g->w + 4, mh = g->h + 4; /* two more cells of margin for the band */
    uint8_t *mark = calloc((size_t)mw * (size_t)mh, 1);
    if (!mark)
        return -1;
    double sum_in[3] = {0, 0, 0}, sum_band[3] = {0, 0, 0};
    int64_t n_in = 0, n_band = 0;
    int step = r->area > 16384 ? 2 : 1;
#define REGION(px, py) ((px) >= 0 && (py) >= 0 && (px) < g->w && (py) < g->h && g->m[(size_t)(py) * g->w + (px)] == 1)
    for (int y = 1; y < g->h - 1; y++) {
        const uint8_t *row = g->m + (size_t)y * g->w;
        for (int x = 1; x < g->w - 1; x++) {
            if (row[x] != 1)
                continue;
            if (y % step == 0 && x % step == 0) {
                const float *lab = img->lab + ((size_t)(y + g->oy) * img->w + (x + g->ox)) * 3;
                for (int k = 0; k < 3; k++)
                    sum_in[k] += lab[k];
                n_in++;
            }
            if (row[x - 1] == 1 && row[x + 1] == 1 && row[x - g->w] == 1 && row[x + g->w] == 1)
                continue; /* interior: no band cell within reach that a border cell misses */
            for (int dy = -2; dy <= 2; dy++)
                for (int dx = -2; dx <= 2; dx++) {
                    int cx = x + dx, cy = y + dy;
                    if (REGION(cx, cy))
                        continue;
                    uint8_t *mk = &mark[(size_t)(cy + 2) * mw + (cx + 2)];
                    if (*mk)
                        continue;
                    *mk = 1;
                    int ix = cx + g->ox, iy = cy + g->oy;
                    if (ix < 0 || iy < 0 || ix >= img->w || iy >= img->h)
                        continue;
                    const float *lab = img->lab + ((size_t)iy * img->w + ix) * 3;
                    for (int k = 0; k < 3; k++)
                        sum_band[k] += lab[k];
                    n_band++;
                }
        }
    }
#undef REGION
    for (int k = 0; k < 3; k++)
        r->lab[k] = n_in ? sum_in[k] / (double)n_in : 0;
    if (n_band && n_in) {
        double d = 0;
        for (int k = 0; k < 3; k++) {
            double t = r->lab[k] - sum_band[k] / (double)n_band;
            d += t * t;
        }
        r->contrast = sqrt(d);
    } else {
        r->contrast = 0; /* the region is the whole image: nothing stands out */
    }
    free(mark);
    return 0;
}

/* Turns the region cells (value 1) of g into a finished region: holes filled
 * (except those holding a keep point), outline traced and simplified, measures
 * and score. g's bounds are the region's bbox plus the empty frame. Frees g. */
static seg_status finish_grid(const segment_image *img, lgrid *g, const int *keep, int nkeep, double evidence,
                              seg_region *r)
{
    ivec raw = {0}, stack = {0};
    seg_status st = SEG_ERROR;
    memset(r, 0, sizeof *r);
    if (lgrid_fill_holes(g, keep, nkeep) != 0)
        goto out;
    size_t n = (size_t)g->w * (size_t)g->h;
    int first = -1;
    for (size_t i = 0; i < n; i++) {
        if (g->m[i] == 1) {
            if (first < 0)
                first = (int)i;
            r->area++;
        }
    }
    if (first < 0)
        goto out;
    r->x = g->ox + 1;
    r->y = g->oy + 1;
    r->w = g->w - 2;
    r->h = g->h - 2;
    if (lgrid_trace(g, 1, first, &raw) != 0 || add_ring(r, &raw, 0) != 0)
        goto out;
    /* Open holes: each component of value-3 cells becomes a hole ring. */
    for (size_t i = 0; i < n; i++) {
        if (g->m[i] != 3)
            continue;
        if (lgrid_trace(g, 3, (int)i, &raw) != 0 || add_ring(r, &raw, 1) != 0 ||
            lgrid_flood(g, (int)i, 3, 5, &stack) != 0) /* traced: hide from the scan */
            goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (g->m[i] == 5)
            g->m[i] = 3;
    if (region_colours(img, g, r) != 0)
        goto out;
    double area, perim;
    ring_measure(&r->rings[0], &area, &perim);
    r->compactness = perim > 0 ? clampd(4.0 * M_PI * area / (perim * perim), 0, 1) : 0;
    r->evidence = clampd(evidence, 0, 1);
    r->score = score_of(r->contrast, r->compactness, r->evidence);
    st = SEG_FOUND;
out:
    if (st != SEG_FOUND)
        seg_region_free(r);
    free(stack.v);
    free(raw.v);
    free(g->m);
    g->m = NULL;
    return st;
}

/* finish_grid for component `id` of a label image. */
static seg_status finish_region(const segment_image *img, const int32_t *labels, int id, const comp *c,
                                const int *keep, int nkeep, double evidence, seg_region *r)
{
    lgrid g = {0};
    memset(r, 0, sizeof *r);
    if (lgrid_from_label(&g, labels, img->w, id, c) != 0)
        return SEG_ERROR;
    return finish_grid(img, &g, keep, nkeep, evidence, r);
}

/* Index of the largest component (earliest in raster order on ties), or -1. */
static int largest(const comp *comps, int n)
{
    int best = -1;
    for (int i = 0; i < n; i++)
        if (best < 0 || comps[i].area > comps[best].area)
            best = i;
    return best;
}

/* ----------------------------------------------------------------- point */

#define NONE_IDX UINT32_MAX
#define STABLE 0.9 /* area(t/1.3) / area(t*1.3) at or above this is a plateau */

/* Bucket queue of flood entries: one growing pool, a FIFO list per level. */
typedef struct {
    uint32_t p, next;
    uint8_t seed;
} qnode;

typedef struct {
    qnode *v;
    size_t n, cap;
    uint32_t head[FLOOD_NB], tail[FLOOD_NB];
} bqueue;

static int bq_push(bqueue *q, int level, uint32_t p, uint8_t seed)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 4096;
        qnode *grown = realloc(q->v, cap * sizeof *grown);
        if (!grown)
            return -1;
        q->v = grown;
        q->cap = cap;
    }
    uint32_t i = (uint32_t)q->n++;
    q->v[i].p = p;
    q->v[i].next = NONE_IDX;
    q->v[i].seed = seed;
    if (q->head[level] == NONE_IDX)
        q->head[level] = i;
    else
        q->v[q->tail[level]].next = i;
    q->tail[level] = i;
    return 0;
}

typedef struct {
    int x, y;
    float mu[3];
    float sigma;
} seed_info;

/* Robust colour of a seed (per-channel median of its 5x5 window) and the noise
 * level around it (median Delta-E to that colour / 1.54, the chi-3 median). */
static void seed_stats(const segment_image *img, seed_info *s)
{
    float ch[3][25], dist[25];
    int n = 0;
    for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++) {
            int x = s->x + dx, y = s->y + dy;
            if (x < 0 || y < 0 || x >= img->w || y >= img->h)
                continue;
            const float *lab = img->lab + ((size_t)y * img->w + x) * 3;
            for (int k = 0; k < 3; k++)
                ch[k][n] = lab[k];
            n++;
        }
    for (int k = 0; k < 3; k++) {
        qsort(ch[k], (size_t)n, sizeof(float), cmp_float);
        s->mu[k] = ch[k][n / 2];
    }
    n = 0;
    for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++) {
            int x = s->x + dx, y = s->y + dy;
            if (x < 0 || y < 0 || x >= img->w || y >= img->h)
                continue;
            dist[n++] = de(img->lab + ((size_t)y * img->w + x) * 3, s->mu);
        }
    qsort(dist, (size_t)n, sizeof(float), cmp_float);
    s->sigma = dist[n / 2] / 1.54f;
}

static int cand_lo(int c) { return c * 10 / 13; }
static int cand_hi(int c) { return (c * 13 + 9) / 10; }

/* Tolerance choice, fed one finished flood level at a time. The first run of
 * candidates whose stability reaches STABLE is the answer (its most stable
 * member, the larger on ties): the smallest coherent object at the click, as a
 * user clicking there means. Without any such run the most stable candidate
 * (the smaller on ties) wins. */
typedef struct {
    int blo, bhi;
    int run_best, global_best;
    double run_s, global_s;
    int run_open, run_closed;
} tol_pick;

static void tol_feed(tol_pick *t, const int64_t *area, int b)
{
    for (int c = t->blo; c <= t->bhi && !t->run_closed; c++) {
        if (cand_hi(c) != b)
            continue;
        double s = (double)area[cand_lo(c)] / (double)area[b];
        if (t->global_best < 0 || s > t->global_s) {
            t->global_best = c;
            t->global_s = s;
        }
        if (s >= STABLE) {
            t->run_open = 1;
            if (t->run_best < 0 || s >= t->run_s) {
                t->run_best = c;
                t->run_s = s;
            }
        } else if (t->run_open) {
            t->run_closed = 1;
        }
    }
}

static void tol_init(tol_pick *t, float sigma)
{
    double tlo = 2.5 * sigma > T_MIN_DE ? 2.5 * sigma : T_MIN_DE;
    memset(t, 0, sizeof *t);
    t->blo = (int)(tlo * LEVEL_SCALE);
    t->bhi = T_MAX_BUCKET;
    t->run_best = t->global_best = -1;
    if (t->blo > t->bhi)
        t->blo = t->bhi;
}

/* Past an eighth of the image without a stable tolerance the click has leaked
 * into its surroundings; larger tolerances are not worth flooding for. */
static int64_t leak_cap(size_t n) { return (int64_t)(n / 8) > 64 ? (int64_t)(n / 8) : 64; }

/* The chosen level once the flood stopped after level last_b. */
static int tol_choose(const tol_pick *t, const int64_t *area, int last_b, double *stability)
{
    if (t->run_best >= 0) {
        *stability = t->run_s;
        return t->run_best;
    }
    if (t->global_best >= 0) {
        *stability = t->global_s;
        return t->global_best;
    }
    int c = t->blo < last_b ? t->blo : last_b; /* leaked before any candidate could be judged */
    int lo = cand_lo(c) < last_b ? cand_lo(c) : last_b;
    *stability = (double)area[lo] / (double)area[last_b];
    return c;
}

typedef struct {
    uint32_t *v;
    size_t n, cap;
} u32stack;

static int u32_grow(u32stack *s)
{
    size_t cap = s->cap ? s->cap * 2 : 1024;
    uint32_t *grown = realloc(s->v, cap * sizeof *grown);
    if (!grown)
        return -1;
    s->v = grown;
    s->cap = cap;
    return 0;
}

/* The flood's innermost operation: the common case must inline. */
static inline int u32_push(u32stack *s, uint32_t p)
{
    if (s->n == s->cap && u32_grow(s) != 0)
        return -1;
    s->v[s->n++] = p;
    return 0;
}

#define TILE_SHIFT 5
#define TILE (1 << TILE_SHIFT)

/* Costs (flood level of the colour distance to mu) are computed a 32x32 tile
 * at a time, sequentially, the first time the flood reaches the tile: cheap
 * where the flood goes, nothing where it never does. */
static void cost_tile(const segment_image *img, const float *mu, uint8_t *cost, uint8_t *tiles, int tw, int x, int y)
{
    uint8_t *flag = &tiles[(size_t)(y >> TILE_SHIFT) * tw + (x >> TILE_SHIFT)];
    if (*flag)
        return;
    *flag = 1;
    int x0 = x & ~(TILE - 1), y0 = y & ~(TILE - 1);
    int x1 = x0 + TILE < img->w ? x0 + TILE : img->w, y1 = y0 + TILE < img->h ? y0 + TILE : img->h;
    for (int yy = y0; yy < y1; yy++) {
        size_t i = (size_t)yy * img->w + x0;
        for (int xx = x0; xx < x1; xx++, i++) {
            /* level = floor(sqrt(4 d^2)) by table: no square root per pixel */
            float v = de2(img->lab + i * 3, mu) * (LEVEL_SCALE * LEVEL_SCALE);
            cost[i] = v >= (float)(FLOOD_NB * FLOOD_NB) ? (uint8_t)FLOOD_NB : g_level_of[(int)v];
        }
    }
}

/* The common case, one click and no negative points. With a single seed a
 * pixel's level is fixed the moment it is first reached (max of its parent's
 * level and its own cost, and parents come in level order), so each pixel is
 * pushed once, the order inside a level does not matter (LIFO stacks), and the
 * region {level <= t} is the flood's first pixels — connected by construction. */
static seg_status point_single(const segment_image *img, const seed_info *sd, seg_region *out)
{
    uint8_t *cost = NULL, *level = NULL, *tiles = NULL;
    u32stack done = {0};
    u32stack stacks[FLOOD_NB];
    lgrid g = {0};
    seg_status st = SEG_ERROR;
    memset(stacks, 0, sizeof stacks);
    int W = img->w, H = img->h;
    size_t N = (size_t)W * (size_t)H;
    int tw = (W + TILE - 1) >> TILE_SHIFT, th = (H + TILE - 1) >> TILE_SHIFT;
    cost = malloc(N);
    level = malloc(N);
    tiles = calloc((size_t)tw * (size_t)th, 1);
    if (!cost || !level || !tiles)
        goto out;
    memset(level, 255, N);
    uint32_t seed = (uint32_t)(sd->y * W + sd->x);
    cost_tile(img, sd->mu, cost, tiles, tw, sd->x, sd->y);
    level[seed] = 0;
    if (u32_push(&stacks[0], seed) != 0)
        goto out;

    tol_pick pick;
    tol_init(&pick, sd->sigma);
    int b_end = cand_hi(pick.bhi);
    int64_t area_cap = leak_cap(N);
    int64_t area[FLOOD_NB];
    size_t done_end[FLOOD_NB];
    int last_b = 0;
    for (int b = 0; b <= b_end; b++) {
        u32stack *sk = &stacks[b];
        while (sk->n) {
            uint32_t p = sk->v[--sk->n];
            if (u32_push(&done, p) != 0)
                goto out;
            int px = (int)(p % (uint32_t)W), py = (int)(p / (uint32_t)W);
            uint32_t nb[4];
            int nn = 0;
            if (py > 0) nb[nn++] = p - (uint32_t)W;
            if (px > 0) nb[nn++] = p - 1;
            if (px < W - 1) nb[nn++] = p + 1;
            if (py < H - 1) nb[nn++] = p + (uint32_t)W;
            /* Neighbours outside p's tile may sit in a tile not costed yet. */
            int edge = ((px + 1) & (TILE - 1)) < 2 || ((py + 1) & (TILE - 1)) < 2;
            for (int k = 0; k < nn; k++) {
                uint32_t r = nb[k];
                if (level[r] != 255)
                    continue;
                if (edge)
                    cost_tile(img, sd->mu, cost, tiles, tw, (int)(r % (uint32_t)W), (int)(r / (uint32_t)W));
                if (cost[r] >= FLOOD_NB)
                    continue;
                int lv = cost[r] > b ? cost[r] : b;
                level[r] = (uint8_t)lv;
                if (u32_push(&stacks[lv], r) != 0)
                    goto out;
            }
        }
        area[b] = (int64_t)done.n;
        done_end[b] = done.n;
        last_b = b;
        tol_feed(&pick, area, b);
        if (pick.run_closed || area[b] > area_cap)
            break;
    }
    double stability;
    int chosen = tol_choose(&pick, area, last_b, &stability);
    size_t n = done_end[chosen];
    int rx0 = W, ry0 = H, rx1 = -1, ry1 = -1;
    for (size_t i = 0; i < n; i++) {
        int px = (int)(done.v[i] % (uint32_t)W), py = (int)(done.v[i] / (uint32_t)W);
        if (px < rx0) rx0 = px;
        if (px > rx1) rx1 = px;
        if (py < ry0) ry0 = py;
        if (py > ry1) ry1 = py;
    }
    g.ox = rx0 - 1;
    g.oy = ry0 - 1;
    g.w = rx1 - rx0 + 3;
    g.h = ry1 - ry0 + 3;
    g.m = calloc((size_t)g.w * (size_t)g.h, 1);
    if (!g.m)
        goto out;
    for (size_t i = 0; i < n; i++) {
        int px = (int)(done.v[i] % (uint32_t)W), py = (int)(done.v[i] / (uint32_t)W);
        g.m[(size_t)(py - g.oy) * g.w + (px - g.ox)] = 1;
    }
    st = finish_grid(img, &g, NULL, 0, stability, out);
out:
    for (int b = 0; b < FLOOD_NB; b++)
        free(stacks[b].v);
    free(done.v);
    free(g.m);
    free(cost);
    free(level);
    free(tiles);
    return st;
}

seg_status segment_point(const segment_image *img, const seg_point *pos, int npos, const seg_point *neg, int nneg,
                         seg_region *out)
{
    seed_info *seeds = NULL;
    uint8_t *level = NULL, *owner = NULL, *best = NULL, *mask = NULL;
    uint32_t *done = NULL;
    int32_t *labels = NULL;
    comp *comps = NULL;
    int *keep = NULL;
    bqueue q;
    seg_status st = SEG_ERROR;
    memset(&q, 0, sizeof q);
    memset(out, 0, sizeof *out);
    if (!img || npos < 1 || !pos)
        return SEG_NONE;
    int W = img->w, H = img->h;
    size_t N = (size_t)W * (size_t)H;
    int x0 = pix_floor(pos[0].x), y0 = pix_floor(pos[0].y);
    if (x0 < 0 || y0 < 0 || x0 >= W || y0 >= H)
        return SEG_NONE;

    seeds = malloc(MAX_SEEDS * sizeof *seeds);
    keep = malloc(((size_t)nneg + 1) * 2 * sizeof *keep);
    if (!seeds || !keep)
        goto out;
    int nseeds = 0, npos_used = 0, nkeep = 0;
    for (int i = 0; i < npos && nseeds < MAX_SEEDS; i++) {
        int x = pix_floor(pos[i].x), y = pix_floor(pos[i].y);
        if (x < 0 || y < 0 || x >= W || y >= H)
            continue;
        seeds[nseeds].x = x;
        seeds[nseeds].y = y;
        nseeds++;
    }
    npos_used = nseeds;
    for (int i = 0; i < nneg && nseeds < MAX_SEEDS; i++) {
        int x = pix_floor(neg[i].x), y = pix_floor(neg[i].y);
        if (x < 0 || y < 0 || x >= W || y >= H)
            continue;
        seeds[nseeds].x = x;
        seeds[nseeds].y = y;
        nseeds++;
        keep[2 * nkeep] = x;
        keep[2 * nkeep + 1] = y;
        nkeep++;
    }
    for (int i = 0; i < nseeds; i++)
        seed_stats(img, &seeds[i]);
    if (nseeds == 1) {
        st = point_single(img, &seeds[0], out);
        goto out;
    }

    level = malloc(N);
    owner = malloc(N);
    best = malloc(N);
    if (!level || !owner || !best)
        goto out;
    memset(level, 255, N);
    memset(best, 255, N);
    for (int b = 0; b < FLOOD_NB; b++)
        q.head[b] = q.tail[b] = NONE_IDX;
    for (int i = 0; i < nseeds; i++) {
        uint32_t p = (uint32_t)(seeds[i].y * W + seeds[i].x);
        if (best[p] == 0)
            continue; /* an earlier seed holds this pixel */
        best[p] = 0;
        if (bq_push(&q, 0, p, (uint8_t)i) != 0)
            goto out;
    }

    tol_pick pick;
    tol_init(&pick, seeds[0].sigma);
    int b_end = cand_hi(pick.bhi);
    int64_t area_cap = leak_cap(N);
    int64_t area[FLOOD_NB];
    memset(area, 0, sizeof area);
    size_t ndone = 0, done_cap = 0;
    int last_b = 0;

    /* Priority flood: each pixel is finalised at the lowest minimax level a
     * seed reaches it with; equal levels go to the earliest push. */
    for (int b = 0; b <= b_end; b++) {
        int64_t pos_here = 0;
        for (uint32_t i = q.head[b]; i != NONE_IDX; i = q.v[i].next) {
            uint32_t p = q.v[i].p;
            uint8_t sd = q.v[i].seed;
            if (level[p] != 255)
                continue;
            level[p] = (uint8_t)b;
            owner[p] = sd;
            if (sd < npos_used)
                pos_here++;
            if (ndone == done_cap) {
                size_t cap = done_cap ? done_cap * 2 : 4096;
                uint32_t *grown = realloc(done, cap * sizeof *grown);
                if (!grown)
                    goto out;
                done = grown;
                done_cap = cap;
            }
            done[ndone++] = p;
            int px = (int)(p % (uint32_t)W), py = (int)(p / (uint32_t)W);
            const float *mu = seeds[sd].mu;
            uint32_t nb[4];
            int nn = 0;
            if (py > 0) nb[nn++] = p - (uint32_t)W;
            if (px > 0) nb[nn++] = p - 1;
            if (px < W - 1) nb[nn++] = p + 1;
            if (py < H - 1) nb[nn++] = p + (uint32_t)W;
            for (int k = 0; k < nn; k++) {
                uint32_t r = nb[k];
                if (level[r] != 255)
                    continue;
                float c = de(img->lab + (size_t)r * 3, mu) * LEVEL_SCALE;
                int cb = c >= (float)FLOOD_NB ? FLOOD_NB : (int)c;
                if (cb >= FLOOD_NB)
                    continue;
                int lv = cb > b ? cb : b;
                if (lv < best[r]) {
                    best[r] = (uint8_t)lv;
                    if (bq_push(&q, lv, r, sd) != 0)
                        goto out;
                }
            }
        }
        area[b] = (b ? area[b - 1] : 0) + pos_here;
        last_b = b;
        tol_feed(&pick, area, b);
        if (pick.run_closed || area[b] > area_cap)
            break;
    }
    double stability;
    int chosen = tol_choose(&pick, area, last_b, &stability);

    mask = calloc(N, 1);
    labels = calloc(N, sizeof *labels);
    if (!mask || !labels)
        goto out;
    int rx0 = W, ry0 = H, rx1 = -1, ry1 = -1;
    for (size_t i = 0; i < ndone; i++) {
        uint32_t p = done[i];
        if (owner[p] < npos_used && level[p] <= chosen) {
            mask[p] = 1;
            int px = (int)(p % (uint32_t)W), py = (int)(p / (uint32_t)W);
            if (px < rx0) rx0 = px;
            if (px > rx1) rx1 = px;
            if (py < ry0) ry0 = py;
            if (py > ry1) ry1 = py;
        }
    }
    if (rx1 < 0) {
        st = SEG_NONE;
        goto out;
    }
    int ncomp = label_components(mask, W, rx0, ry0, rx1, ry1, labels, &comps);
    if (ncomp < 0)
        goto out;
    int big = largest(comps, ncomp);
    if (big < 0) {
        st = SEG_NONE;
        goto out;
    }
    st = finish_region(img, labels, big + 1, &comps[big], keep, nkeep, stability, out);
out:
    free(q.v);
    free(seeds);
    free(keep);
    free(level);
    free(owner);
    free(best);
    free(done);
    free(mask);
    free(labels);
    free(comps);
    return st;
}

/* -------------------------------------------------- background model */

typedef struct {
    int x0, y0, x1, y1, rw, rh;
    int ncl;
    float centre[MAX_CLUSTERS][3];
    int is_bg[MAX_CLUSTERS];
    float threshold;
    double eta;     /* Otsu separability at the threshold, [0, 1] */
    float *dist;    /* rw*rh: Delta-E to the nearest background colour */
    uint8_t *bg;    /* rw*rh: 1 = background, flooded from the frame */
} bgmodel;

static void bgmodel_free(bgmodel *m)
{
    free(m->dist);
    free(m->bg);
    m->dist = NULL;
    m->bg = NULL;
}

/* The frame's pixels (image indices), each once, in a fixed order. */
static int frame_pixels(const segment_image *img, const bgmodel *m, int **out)
{
    int cap = 2 * m->rw + 2 * m->rh, n = 0;
    int *v = malloc((size_t)cap * sizeof *v);
    if (!v)
        return -1;
    for (int x = m->x0; x <= m->x1; x++)
        v[n++] = m->y0 * img->w + x;
    for (int y = m->y0 + 1; y <= m->y1; y++)
        v[n++] = y * img->w + m->x1;
    if (m->y1 > m->y0)
        for (int x = m->x1 - 1; x >= m->x0; x--)
            v[n++] = m->y1 * img->w + x;
    if (m->x1 > m->x0)
        for (int y = m->y1 - 1; y > m->y0; y--)
            v[n++] = y * img->w + m->x0;
    *out = v;
    return n;
}

static int nearest(const bgmodel *m, const float *lab, int bg_only, float *d_out)
{
    int best = -1;
    float bd = 0;
    for (int k = 0; k < m->ncl; k++) {
        if (bg_only && !m->is_bg[k])
            continue;
        float d = de2(lab, m->centre[k]);
        if (best < 0 || d < bd) {
            best = k;
            bd = d;
        }
    }
    *d_out = sqrtf(bd);
    return best;
}

/* Clusters the frame's colours (median start, farthest-point additions while
 * they are >= 8 Delta-E away, ten Lloyd rounds), keeps clusters holding >= 10%
 * of the frame as background, then thresholds the rect's distances to them by
 * Otsu (never below 1.5 x the frame's own 90th-percentile spread + 2, nor 6)
 * and floods the background from the frame. */
static int bgmodel_build(const segment_image *img, int x0, int y0, int x1, int y1, bgmodel *m)
{
    int *frame = NULL, *assign = NULL;
    float *tmp = NULL;
    int rc = -1;
    int32_t *queue = NULL;
    memset(m, 0, sizeof *m);
    m->x0 = x0;
    m->y0 = y0;
    m->x1 = x1;
    m->y1 = y1;
    m->rw = x1 - x0 + 1;
    m->rh = y1 - y0 + 1;
    int nf = frame_pixels(img, m, &frame);
    if (nf <= 0)
        goto out;
    tmp = malloc((size_t)nf * sizeof *tmp);
    assign = malloc((size_t)nf * sizeof *assign);
    if (!tmp || !assign)
        goto out;
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < nf; i++)
            tmp[i] = img->lab[(size_t)frame[i] * 3 + k];
        qsort(tmp, (size_t)nf, sizeof *tmp, cmp_float);
        m->centre[0][k] = tmp[nf / 2];
    }
    m->ncl = 1;
    while (m->ncl < MAX_CLUSTERS) {
        int far = -1;
        float fd = 0;
        for (int i = 0; i < nf; i++) {
            float d;
            nearest(m, img->lab + (size_t)frame[i] * 3, 0, &d);
            if (d > fd) {
                fd = d;
                far = i;
            }
        }
        if (far < 0 || fd < 8.0f)
            break;
        memcpy(m->centre[m->ncl], img->lab + (size_t)frame[far] * 3, sizeof m->centre[0]);
        m->ncl++;
    }
    int count[MAX_CLUSTERS];
    for (int round = 0; round < 10; round++) {
        double sum[MAX_CLUSTERS][3];
        memset(sum, 0, sizeof sum);
        memset(count, 0, sizeof count);
        for (int i = 0; i < nf; i++) {
            float d;
            const float *lab = img->lab + (size_t)frame[i] * 3;
            int k = nearest(m, lab, 0, &d);
            assign[i] = k;
            count[k]++;
            for (int c = 0; c < 3; c++)
                sum[k][c] += lab[c];
        }
        for (int k = 0; k < m->ncl; k++)
            if (count[k])
                for (int c = 0; c < 3; c++)
                    m->centre[k][c] = (float)(sum[k][c] / count[k]);
    }
    for (int k = 0; k < m->ncl; k++)
        m->is_bg[k] = count[k] * 10 >= nf;
    int nspread = 0;
    for (int i = 0; i < nf; i++) {
        if (!m->is_bg[assign[i]])
            continue;
        nearest(m, img->lab + (size_t)frame[i] * 3, 1, &tmp[nspread]);
        nspread++;
    }
    qsort(tmp, (size_t)nspread, sizeof *tmp, cmp_float);
    float p90 = nspread ? tmp[(nspread * 9) / 10 < nspread ? (nspread * 9) / 10 : nspread - 1] : 0;

    size_t n = (size_t)m->rw * (size_t)m->rh;
    m->dist = malloc(n * sizeof *m->dist);
    m->bg = calloc(n, 1);
    queue = malloc(n * sizeof *queue);
    if (!m->dist || !m->bg || !queue)
        goto out;
    double hist[OTSU_BINS];
    memset(hist, 0, sizeof hist);
    for (int y = 0; y < m->rh; y++)
        for (int x = 0; x < m->rw; x++) {
            size_t i = (size_t)y * m->rw + x;
            nearest(m, img->lab + ((size_t)(y + y0) * img->w + (x + x0)) * 3, 1, &m->dist[i]);
            int bin = (int)(m->dist[i] * 2.0f);
            hist[bin < OTSU_BINS ? bin : OTSU_BINS - 1] += 1;
        }
    /* Otsu over the histogram of distances. */
    double total = (double)n, sum_all = 0, sum_sq = 0;
    for (int b = 0; b < OTSU_BINS; b++) {
        sum_all += b * hist[b];
        sum_sq += (double)b * b * hist[b];
    }
    double var_total = sum_sq / total - (sum_all / total) * (sum_all / total);
    double w0 = 0, s0 = 0, best_between = -1;
    int best_t = 0;
    for (int b = 0; b < OTSU_BINS - 1; b++) {
        w0 += hist[b];
        s0 += b * hist[b];
        double w1 = total - w0;
        if (w0 <= 0 || w1 <= 0)
            continue;
        double m0 = s0 / w0, m1 = (sum_all - s0) / w1;
        double between = w0 * w1 * (m0 - m1) * (m0 - m1) / (total * total);
        if (between > best_between) {
            best_between = between;
            best_t = b;
        }
    }
    m->eta = var_total > 1e-12 && best_between > 0 ? clampd(best_between / var_total, 0, 1) : 0;
    float t_otsu = (float)(best_t + 1) / 2.0f;
    float t_spread = 1.5f * p90 + 2.0f;
    m->threshold = t_otsu > t_spread ? t_otsu : t_spread;
    if (m->threshold < 6.0f)
        m->threshold = 6.0f;

    size_t head = 0, tail = 0;
    for (int i = 0; i < nf; i++) {
        int fx = frame[i] % img->w - x0, fy = frame[i] / img->w - y0;
        size_t li = (size_t)fy * m->rw + fx;
        if (!m->bg[li] && m->dist[li] <= m->threshold) {
            m->bg[li] = 1;
            queue[tail++] = (int32_t)li;
        }
    }
    while (head < tail) {
        int q = queue[head++];
        int x = q % m->rw, y = q / m->rw;
        int nb[4] = {y > 0 ? q - m->rw : -1, x > 0 ? q - 1 : -1, x < m->rw - 1 ? q + 1 : -1,
                     y < m->rh - 1 ? q + m->rw : -1};
        for (int k = 0; k < 4; k++) {
            if (nb[k] >= 0 && !m->bg[nb[k]] && m->dist[nb[k]] <= m->threshold) {
                m->bg[nb[k]] = 1;
                queue[tail++] = nb[k];
            }
        }
    }
    rc = 0;
out:
    if (rc != 0)
        bgmodel_free(m);
    free(queue);
    free(frame);
    free(assign);
    free(tmp);
    return rc;
}

/* ------------------------------------------------------------------- box */

static void clip_rect(const segment_image *img, const seg_rect *r, int *x0, int *y0, int *x1, int *y1)
{
    *x0 = pix_floor(r->x);
    *y0 = pix_floor(r->y);
    *x1 = pix_ceil(clampd(r->x, -1e9, 1e9) + clampd(r->w, -1e9, 1e9)) - 1;
    *y1 = pix_ceil(clampd(r->y, -1e9, 1e9) + clampd(r->h, -1e9, 1e9)) - 1;
    if (*x0 < 0) *x0 = 0;
    if (*y0 < 0) *y0 = 0;
    if (*x1 > img->w - 1) *x1 = img->w - 1;
    if (*y1 > img->h - 1) *y1 = img->h - 1;
}

seg_status segment_box(const segment_image *img, const seg_rect *box, const seg_rect *neg, int nneg,
                       seg_region *out)
{
    bgmodel m = {0};
    uint8_t *mask = NULL;
    int32_t *labels = NULL;
    comp *comps = NULL;
    seg_status st = SEG_ERROR;
    memset(out, 0, sizeof *out);
    if (!img || !box || !(box->w > 0) || !(box->h > 0))
        return SEG_NONE;
    int W = img->w, H = img->h;
    int x0, y0, x1, y1;
    clip_rect(img, box, &x0, &y0, &x1, &y1);
    if (x1 - x0 + 1 < 3 || y1 - y0 + 1 < 3)
        return SEG_NONE;
    if (bgmodel_build(img, x0, y0, x1, y1, &m) != 0)
        goto out;
    size_t N = (size_t)W * (size_t)H;
    mask = calloc(N, 1);
    labels = calloc(N, sizeof *labels);
    if (!mask || !labels)
        goto out;
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
            mask[(size_t)y * W + x] = !m.bg[(size_t)(y - y0) * m.rw + (x - x0)];
    for (int i = 0; i < nneg; i++) {
        if (!(neg[i].w > 0) || !(neg[i].h > 0))
            continue;
        int nx0, ny0, nx1, ny1;
        clip_rect(img, &neg[i], &nx0, &ny0, &nx1, &ny1);
        for (int y = ny0; y <= ny1; y++)
            for (int x = nx0; x <= nx1; x++)
                mask[(size_t)y * W + x] = 0;
    }
    int ncomp = label_components(mask, W, x0, y0, x1, y1, labels, &comps);
    if (ncomp < 0)
        goto out;
    int big = largest(comps, ncomp);
    int64_t min_area = (int64_t)m.rw * m.rh / 500;
    if (min_area < 4)
        min_area = 4;
    if (big < 0 || comps[big].area < min_area) {
        st = SEG_NONE;
        goto out;
    }
    st = finish_region(img, labels, big + 1, &comps[big], NULL, 0, m.eta, out);
out:
    bgmodel_free(&m);
    free(mask);
    free(labels);
    free(comps);
    return st;
}

/* ------------------------------------------------------------------ text */

static const struct {
    const char *word;
    unsigned colour, shape;
} vocabulary[] = {
    {"red", SEG_COLOUR_RED, 0},           {"crimson", SEG_COLOUR_RED, 0},       {"scarlet", SEG_COLOUR_RED, 0},
    {"maroon", SEG_COLOUR_RED, 0},        {"orange", SEG_COLOUR_ORANGE, 0},     {"yellow", SEG_COLOUR_YELLOW, 0},
    {"gold", SEG_COLOUR_YELLOW, 0},       {"golden", SEG_COLOUR_YELLOW, 0},     {"green", SEG_COLOUR_GREEN, 0},
    {"lime", SEG_COLOUR_GREEN, 0},        {"olive", SEG_COLOUR_GREEN, 0},       {"cyan", SEG_COLOUR_CYAN, 0},
    {"teal", SEG_COLOUR_CYAN, 0},         {"turquoise", SEG_COLOUR_CYAN, 0},    {"aqua", SEG_COLOUR_CYAN, 0},
    {"blue", SEG_COLOUR_BLUE, 0},         {"navy", SEG_COLOUR_BLUE, 0},         {"azure", SEG_COLOUR_BLUE, 0},
    {"purple", SEG_COLOUR_PURPLE, 0},     {"violet", SEG_COLOUR_PURPLE, 0},     {"indigo", SEG_COLOUR_PURPLE, 0},
    {"lavender", SEG_COLOUR_PURPLE, 0},   {"magenta", SEG_COLOUR_MAGENTA, 0},   {"pink", SEG_COLOUR_MAGENTA, 0},
    {"fuchsia", SEG_COLOUR_MAGENTA, 0},   {"brown", SEG_COLOUR_BROWN, 0},       {"tan", SEG_COLOUR_BROWN, 0},
    {"white", SEG_COLOUR_WHITE, 0},       {"gray", SEG_COLOUR_GRAY, 0},         {"grey", SEG_COLOUR_GRAY, 0},
    {"silver", SEG_COLOUR_GRAY, 0},       {"black", SEG_COLOUR_BLACK, 0},       {"circle", 0, SEG_SHAPE_CIRCLE},
    {"circular", 0, SEG_SHAPE_CIRCLE},    {"disc", 0, SEG_SHAPE_CIRCLE},        {"disk", 0, SEG_SHAPE_CIRCLE},
    {"round", 0, SEG_SHAPE_CIRCLE},       {"ball", 0, SEG_SHAPE_CIRCLE},        {"dot", 0, SEG_SHAPE_CIRCLE},
    {"coin", 0, SEG_SHAPE_CIRCLE},        {"square", 0, SEG_SHAPE_SQUARE},      {"rectangle", 0, SEG_SHAPE_RECTANGLE},
    {"rectangular", 0, SEG_SHAPE_RECTANGLE}, {"rect", 0, SEG_SHAPE_RECTANGLE},  {"box", 0, SEG_SHAPE_RECTANGLE},
    {"triangle", 0, SEG_SHAPE_TRIANGLE},  {"triangular", 0, SEG_SHAPE_TRIANGLE},
};

static int lookup_word(const char *w, size_t n, seg_query *q)
{
    for (size_t i = 0; i < sizeof vocabulary / sizeof *vocabulary; i++) {
        if (strlen(vocabulary[i].word) == n && memcmp(vocabulary[i].word, w, n) == 0) {
            q->colours |= vocabulary[i].colour;
            q->shapes |= vocabulary[i].shape;
            return 1;
        }
    }
    return 0;
}

void segment_query_parse(const char *prompt, seg_query *out)
{
    char word[33];
    size_t n = 0;
    int too_long = 0;
    out->colours = out->shapes = 0;
    if (!prompt)
        return;
    for (const char *p = prompt;; p++) {
        unsigned char c = (unsigned char)*p;
        int letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (letter) {
            if (n < sizeof word - 1)
                word[n++] = (char)(c | 0x20);
            else
                too_long = 1;
            continue;
        }
        if (n && !too_long) {
            if (!lookup_word(word, n, out) && n > 1 && word[n - 1] == 's' && !lookup_word(word, n - 1, out) &&
                n > 2 && word[n - 2] == 'e')
                lookup_word(word, n - 2, out);
        }
        n = 0;
        too_long = 0;
        if (!c)
            break;
    }
}

/* Colour names of one CIELAB colour, by chroma C* and hue angle h in LCh:
 * C* < 15 is achromatic (white L >= 80, black L <= 25, gray between); else
 * red h < 50 or >= 345, orange 50-75, yellow 75-115, green 115-185, cyan
 * 185-260, blue 240-310, purple 290-335 with L < 65, magenta/pink 310-355 or
 * light reds (h < 40 or >= 345, L >= 70), brown 20-80 with L < 50. Ranges
 * overlap where names do (azure is both cyan and blue). */
static unsigned colour_bits(const float *lab)
{
    double L = lab[0], a = lab[1], b = lab[2];
    double C = sqrt(a * a + b * b);
    if (C < 15.0)
        return L >= 80.0 ? SEG_COLOUR_WHITE : L <= 25.0 ? SEG_COLOUR_BLACK : SEG_COLOUR_GRAY;
    double h = atan2(b, a) * 180.0 / M_PI;
    if (h < 0)
        h += 360.0;
    unsigned bits = 0;
    if (h >= 345.0 || h < 50.0) bits |= SEG_COLOUR_RED;
    if (h >= 50.0 && h < 75.0) bits |= SEG_COLOUR_ORANGE;
    if (h >= 75.0 && h < 115.0) bits |= SEG_COLOUR_YELLOW;
    if (h >= 115.0 && h < 185.0) bits |= SEG_COLOUR_GREEN;
    if (h >= 185.0 && h < 260.0) bits |= SEG_COLOUR_CYAN;
    if (h >= 240.0 && h < 310.0) bits |= SEG_COLOUR_BLUE;
    if (h >= 290.0 && h < 335.0 && L < 65.0) bits |= SEG_COLOUR_PURPLE;
    if ((h >= 310.0 && h < 355.0) || ((h >= 345.0 || h < 40.0) && L >= 70.0)) bits |= SEG_COLOUR_MAGENTA;
    if (h >= 20.0 && h < 80.0 && L < 50.0) bits |= SEG_COLOUR_BROWN;
    return bits;
}

/* Shape tests on a finished region: rectangularity (area / bbox area), aspect
 * ratio and compactness. */
static int shape_matches(const seg_region *r, unsigned shapes)
{
    if (!shapes)
        return 1;
    double rect = (double)r->area / ((double)r->w * r->h);
    double aspect = (double)r->w / r->h;
    int squarish = aspect >= 0.8 && aspect <= 1.25;
    if ((shapes & SEG_SHAPE_CIRCLE) && squarish && r->compactness >= 0.80 && rect >= 0.70 && rect <= 0.86)
        return 1;
    if ((shapes & SEG_SHAPE_SQUARE) && squarish && rect >= 0.9)
        return 1;
    if ((shapes & SEG_SHAPE_RECTANGLE) && rect >= 0.9)
        return 1;
    if ((shapes & SEG_SHAPE_TRIANGLE) && rect >= 0.4 && rect <= 0.6 && r->compactness >= 0.35 &&
        r->compactness <= 0.70)
        return 1;
    return 0;
}

typedef struct {
    seg_region r;
    double rank;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank > y->rank ? -1 : 1;
    if (x->r.score != y->r.score)
        return x->r.score > y->r.score ? -1 : 1;
    if (x->r.y != y->r.y)
        return x->r.y < y->r.y ? -1 : 1;
    return (x->r.x > y->r.x) - (x->r.x < y->r.x);
}

static int cmp_comp_area(const void *a, const void *b)
{
    const comp *x = a, *y = b;
    if (x->area != y->area)
        return x->area > y->area ? -1 : 1;
    return (x->first > y->first) - (x->first < y->first);
}

seg_status segment_text(const segment_image *img, const char *prompt, int max_results, seg_regions *out)
{
    bgmodel m = {0};
    uint8_t *mask = NULL;
    int32_t *labels = NULL;
    comp *comps = NULL;
    ranked *found = NULL;
    int nfound = 0;
    seg_status st = SEG_ERROR;
    out->items = NULL;
    out->n = 0;
    if (!img)
        return SEG_NONE;
    if (max_results <= 0)
        max_results = TEXT_MAX_DEFAULT;
    seg_query q;
    segment_query_parse(prompt, &q);
    int W = img->w, H = img->h;
    size_t N = (size_t)W * (size_t)H;
    if (W < 3 || H < 3)
        return SEG_NONE;
    if (bgmodel_build(img, 0, 0, W - 1, H - 1, &m) != 0)
        goto out;
    mask = calloc(N, 1);
    labels = calloc(N, sizeof *labels);
    if (!mask || !labels)
        goto out;
    for (size_t i = 0; i < N; i++)
        mask[i] = !m.bg[i] && (!q.colours || (colour_bits(img->lab + i * 3) & q.colours));
    int ncomp = label_components(mask, W, 0, 0, W - 1, H - 1, labels, &comps);
    if (ncomp < 0)
        goto out;
    /* Keep the work bounded on busy images: only the largest components are
     * measured; specks below the minimum area never are. */
    comp *order = malloc((size_t)(ncomp ? ncomp : 1) * sizeof *order);
    if (!order)
        goto out;
    if (ncomp)
        memcpy(order, comps, (size_t)ncomp * sizeof *order);
    qsort(order, (size_t)ncomp, sizeof *order, cmp_comp_area);
    int64_t min_area = (int64_t)(N / 20000);
    if (min_area < 12)
        min_area = 12;
    int limit = ncomp < TEXT_MAX_DEFAULT ? ncomp : TEXT_MAX_DEFAULT;
    found = calloc((size_t)(limit ? limit : 1), sizeof *found);
    if (!found) {
        free(order);
        goto out;
    }
    for (int i = 0; i < limit && order[i].area >= min_area; i++) {
        int id = labels[order[i].first];
        seg_region r;
        seg_status fs = finish_region(img, labels, id, &order[i], NULL, 0, 1.0, &r);
        if (fs != SEG_FOUND) {
            free(order);
            goto out;
        }
        if (!shape_matches(&r, q.shapes)) {
            seg_region_free(&r);
            continue;
        }
        if (q.colours) { /* share of the filled region that has the colour */
            r.evidence = (double)order[i].area / (double)r.area;
            r.score = score_of(r.contrast, r.compactness, r.evidence);
        }
        found[nfound].r = r;
        found[nfound].rank = (double)r.area * (1.0 - exp(-r.contrast / 12.0));
        nfound++;
    }
    free(order);
    qsort(found, (size_t)nfound, sizeof *found, cmp_ranked);
    if (nfound == 0) {
        st = SEG_NONE;
        goto out;
    }
    int keep = nfound < max_results ? nfound : max_results;
    out->items = calloc((size_t)keep, sizeof *out->items);
    if (!out->items)
        goto out;
    for (int i = 0; i < keep; i++) {
        out->items[i] = found[i].r;
        memset(&found[i].r, 0, sizeof found[i].r);
    }
    out->n = keep;
    st = SEG_FOUND;
out:
    for (int i = 0; i < nfound; i++)
        seg_region_free(&found[i].r);
    free(found);
    bgmodel_free(&m);
    free(mask);
    free(labels);
    free(comps);
    return st;
}
