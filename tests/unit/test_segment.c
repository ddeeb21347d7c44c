/* test_segment.c — the segmentation engine on shapes of exactly known geometry.
 *
 * The synthetic images are drawn here with the fixture generator's rule (a pixel
 * is filled iff its centre lies inside the shape, boundary inclusive), and the
 * committed fixtures/images/shapes-*.png are decoded too, so a click inside a
 * known rectangle must return exactly that rectangle's bbox and polygon.
 */
#include "check.h"
#include "core/image.h"
#include "core/segment.h"

#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    int w, h;
    uint8_t *rgb;
} canvas;

static canvas canvas_new(int w, int h, uint8_t r, uint8_t g, uint8_t b)
{
    canvas c = {w, h, malloc((size_t)w * h * 3)};
    for (int i = 0; i < w * h; i++) {
        c.rgb[3 * i] = r;
        c.rgb[3 * i + 1] = g;
        c.rgb[3 * i + 2] = b;
    }
    return c;
}

static void put(canvas *c, int x, int y, const uint8_t *col) { memcpy(c->rgb + ((size_t)y * c->w + x) * 3, col, 3); }

static void fill_rect(canvas *c, int x, int y, int w, int h, const uint8_t *col)
{
    for (int j = y; j < y + h; j++)
        for (int i = x; i < x + w; i++)
            put(c, i, j, col);
}

static int fill_disc(canvas *c, double cx, double cy, double r, const uint8_t *col)
{
    int n = 0;
    for (int j = 0; j < c->h; j++)
        for (int i = 0; i < c->w; i++) {
            double dx = i + 0.5 - cx, dy = j + 0.5 - cy;
            if (dx * dx + dy * dy <= r * r) {
                put(c, i, j, col);
                n++;
            }
        }
    return n;
}

static double cross(double ax, double ay, double bx, double by, double px, double py)
{
    return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

static int fill_triangle(canvas *c, const double *t, const uint8_t *col)
{
    int n = 0;
    for (int j = 0; j < c->h; j++)
        for (int i = 0; i < c->w; i++) {
            double px = i + 0.5, py = j + 0.5;
            double d0 = cross(t[0], t[1], t[2], t[3], px, py), d1 = cross(t[2], t[3], t[4], t[5], px, py),
                   d2 = cross(t[4], t[5], t[0], t[1], px, py);
            int neg = d0 < 0 || d1 < 0 || d2 < 0, pos = d0 > 0 || d1 > 0 || d2 > 0;
            if (!(neg && pos)) {
                put(c, i, j, col);
                n++;
            }
        }
    return n;
}

static segment_image *analyse(const canvas *c) { return segment_image_new(c->rgb, c->w, c->h); }

static int ring_is(const seg_ring *r, const double *xy, int n)
{
    if (r->npoints != n)
        return 0;
    for (int i = 0; i < 2 * n; i++)
        if (r->xy[i] != xy[i])
            return 0;
    return 1;
}

/* Even-odd point-in-polygon over ring 0, to compare outlines with masks. */
static int inside_ring(const seg_ring *r, double px, double py)
{
    int in = 0;
    for (int i = 0, j = r->npoints - 1; i < r->npoints; j = i++) {
        double xi = r->xy[2 * i], yi = r->xy[2 * i + 1], xj = r->xy[2 * j], yj = r->xy[2 * j + 1];
        if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

/* IoU between the region's outline and the pixels of colour col. */
static double iou_with_colour(const seg_region *r, const canvas *c, const uint8_t *col)
{
    long inter = 0, uni = 0;
    for (int j = 0; j < c->h; j++)
        for (int i = 0; i < c->w; i++) {
            int a = memcmp(c->rgb + ((size_t)j * c->w + i) * 3, col, 3) == 0;
            int b = inside_ring(&r->rings[0], i + 0.5, j + 0.5);
            inter += a && b;
            uni += a || b;
        }
    return uni ? (double)inter / uni : 0;
}

static const uint8_t WHITE[3] = {255, 255, 255}, RED[3] = {255, 0, 0}, BLUE[3] = {0, 102, 204},
                     YELLOW[3] = {255, 204, 0}, GREEN[3] = {0, 153, 68};

static void test_rect_point(void)
{
    canvas c = canvas_new(128, 128, 0, 0, 0);
    fill_rect(&c, 32, 40, 64, 48, WHITE);
    segment_image *img = analyse(&c);
    seg_point click = {50.5, 60.2};
    seg_region r;
    CHECK_EQ_INT(segment_point(img, &click, 1, NULL, 0, &r), SEG_FOUND);
    CHECK_EQ_INT(r.x, 32);
    CHECK_EQ_INT(r.y, 40);
    CHECK_EQ_INT(r.w, 64);
    CHECK_EQ_INT(r.h, 48);
    CHECK_EQ_INT(r.area, 3072);
    CHECK_EQ_INT(r.nrings, 1);
    static const double want[] = {32, 40, 96, 40, 96, 88, 32, 88};
    CHECK(ring_is(&r.rings[0], want, 4));
    CHECK(r.score >= 0.9);
    seg_region_free(&r);

    /* A click on the background: the region is the whole image, which does not
     * stand out from anything and scores 0. */
    seg_point bg = {3, 3};
    CHECK_EQ_INT(segment_point(img, &bg, 1, NULL, 0, &r), SEG_FOUND);
    CHECK_EQ_INT(r.area, 128 * 128);
    CHECK(r.score < 0.3);
    seg_region_free(&r);

    seg_point outside = {128, 5};
    CHECK_EQ_INT(segment_point(img, &outside, 1, NULL, 0, &r), SEG_NONE);
    seg_point negative = {-0.5, 5};
    CHECK_EQ_INT(segment_point(img, &negative, 1, NULL, 0, &r), SEG_NONE);
    segment_image_free(img);
    free(c.rgb);
}

static void test_disc_point_box_text(void)
{
    canvas c = canvas_new(256, 192, 128, 128, 128);
    int filled = fill_disc(&c, 128, 96, 48, RED);
    CHECK_EQ_INT(filled, 7232);
    segment_image *img = analyse(&c);
    seg_point click = {128, 96};
    seg_region r;
    CHECK_EQ_INT(segment_point(img, &click, 1, NULL, 0, &r), SEG_FOUND);
    CHECK_EQ_INT(r.x, 80);
    CHECK_EQ_INT(r.y, 48);
    CHECK_EQ_INT(r.w, 96);
    CHECK_EQ_INT(r.h, 96);
    CHECK_EQ_INT(r.area, 7232);
    CHECK(iou_with_colour(&r, &c, RED) >= 0.97);
    CHECK(r.score >= 0.9);
    seg_region_free(&r);

    seg_rect box = {70, 40, 120, 115};
    CHECK_EQ_INT(segment_box(img, &box, NULL, 0, &r), SEG_FOUND);
    CHECK_EQ_INT(r.x, 80);
    CHECK_EQ_INT(r.y, 48);
    CHECK_EQ_INT(r.w, 96);
    CHECK_EQ_INT(r.h, 96);
    CHECK(r.score >= 0.9);
    seg_region_free(&r);

    /* A negative box over the disc's right half leaves the left half. */
    seg_rect cut = {128, 0, 128, 192};
    CHECK_EQ_INT(segment_box(img, &box, &cut, 1, &r), SEG_FOUND);
    CHECK_EQ_INT(r.x, 80);
    CHECK_EQ_INT(r.w, 48);
    seg_region_free(&r);

    seg_regions rs;
    CHECK_EQ_INT(segment_text(img, "red ball", 0, &rs), SEG_FOUND);
    CHECK_EQ_INT(rs.n, 1);
    if (rs.n == 1) {
        CHECK_EQ_INT(rs.items[0].x, 80);
        CHECK_EQ_INT(rs.items[0].area, 7232);
        CHECK(rs.items[0].score >= 0.9);
    }
    seg_regions_free(&rs);
    CHECK_EQ_INT(segment_text(img, "blue", 0, &rs), SEG_NONE);
    CHECK_EQ_INT(segment_text(img, "red square", 0, &rs), SEG_NONE);
    segment_image_free(img);
    free(c.rgb);
}

static void draw_multi(canvas *c)
{
    *c = canvas_new(320, 240, 200, 200, 200);
    fill_rect(c, 24, 24, 96, 64, BLUE);
    fill_disc(c, 232, 72, 44, YELLOW);
    static const double tri[] = {160, 132, 244, 216, 76, 216};
    fill_triangle(c, tri, GREEN);
}

static void test_multi(void)
{
    canvas c;
    draw_multi(&c);
    segment_image *img = analyse(&c);
    seg_region r;
    seg_point blue = {70, 50}, yellow = {232, 72}, green = {160, 190};
    CHECK_EQ_INT(segment_point(img, &blue, 1, NULL, 0, &r), SEG_FOUND);
    static const double rect[] = {24, 24, 120, 24, 120, 88, 24, 88};
    CHECK(ring_is(&r.rings[0], rect, 4));
    CHECK_EQ_INT(r.area, 6144);
    seg_region_free(&r);
    CHECK_EQ_INT(segment_point(img, &yellow, 1, NULL, 0, &r), SEG_FOUND);
    CHECK_EQ_INT(r.x, 188);
    CHECK_EQ_INT(r.y, 28);
    CHECK_EQ_INT(r.w, 88);
    CHECK_EQ_INT(r.h, 88);
    CHECK_EQ_INT(r.area, 6092);
    seg_region_free(&r);
    CHECK_EQ_INT(segment_point(img, &green, 1, NULL, 0, &r), SEG_FOUND);
    CHECK_EQ_INT(r.x, 76);
    CHECK_EQ_INT(r.y, 132);
    CHECK_EQ_INT(r.w, 168);
    CHECK_EQ_INT(r.h, 84);
    CHECK_EQ_INT(r.area, 7140);
    CHECK(iou_with_colour(&r, &c, GREEN) >= 0.97);
    CHECK(r.rings[0].npoints <= 8);
    seg_region_free(&r);

    /* A negative point inside the blue rectangle takes its part of the rect. */
    seg_point negp = {110, 50};
    CHECK_EQ_INT(segment_point(img, &blue, 1, &negp, 1, &r), SEG_FOUND);
    CHECK(r.area < 6144);
    CHECK(r.x == 24);
    CHECK(r.x + r.w <= 110);
    seg_region_free(&r);

    /* Two positive points on two shapes: the larger one is kept. */
    seg_point two[2] = {{70, 50}, {160, 190}};
    CHECK_EQ_INT(segment_point(img, two, 2, NULL, 0, &r), SEG_FOUND);
    CHECK_EQ_INT(r.area, 7140);
    seg_region_free(&r);

    seg_regions rs;
    CHECK_EQ_INT(segment_text(img, "object", 0, &rs), SEG_FOUND);
    CHECK_EQ_INT(rs.n, 3);
    seg_regions_free(&rs);
    CHECK_EQ_INT(segment_text(img, "blue things", 0, &rs), SEG_FOUND);
    CHECK_EQ_INT(rs.n, 1);
    if (rs.n == 1)
        CHECK_EQ_INT(rs.items[0].area, 6144);
    seg_regions_free(&rs);
    CHECK_EQ_INT(segment_text(img, "triangles", 0, &rs), SEG_FOUND);
    CHECK_EQ_INT(rs.n, 1);
    if (rs.n == 1)
        CHECK_EQ_INT(rs.items[0].x, 76);
    seg_regions_free(&rs);
    CHECK_EQ_INT(segment_text(img, "circle", 0, &rs), SEG_FOUND);
    CHECK_EQ_INT(rs.n, 1);
    if (rs.n == 1)
        CHECK_EQ_INT(rs.items[0].x, 188);
    seg_regions_free(&rs);
    CHECK_EQ_INT(segment_text(img, "rectangle", 0, &rs), SEG_FOUND);
    CHECK_EQ_INT(rs.n, 1);
    seg_regions_free(&rs);
    CHECK_EQ_INT(segment_text(img, "yellow or green", 0, &rs), SEG_FOUND);
    CHECK_EQ_INT(rs.n, 2);
    seg_regions_free(&rs);
    CHECK_EQ_INT(segment_text(img, "anything", 2, &rs), SEG_FOUND);
    CHECK_EQ_INT(rs.n, 2);
    seg_regions_free(&rs);

    seg_rect box = {10, 10, 130, 100};
    CHECK_EQ_INT(segment_box(img, &box, NULL, 0, &r), SEG_FOUND);
    CHECK(ring_is(&r.rings[0], rect, 4));
    seg_region_free(&r);
    seg_rect empty = {140, 100, 30, 20};
    CHECK_EQ_INT(segment_box(img, &empty, NULL, 0, &r), SEG_NONE);
    seg_rect off = {400, 10, 30, 20};
    CHECK_EQ_INT(segment_box(img, &off, NULL, 0, &r), SEG_NONE);
    segment_image_free(img);
    free(c.rgb);
}

/* A hole holding a negative point stays open and comes back as ring 1. */
static void test_ring_with_hole(void)
{
    canvas c = canvas_new(100, 100, 0, 0, 0);
    fill_rect(&c, 20, 20, 60, 60, WHITE);
    static const uint8_t black[3] = {0, 0, 0};
    fill_rect(&c, 40, 40, 20, 20, black);
    segment_image *img = analyse(&c);
    seg_region r;
    seg_point click = {25, 25}, neg = {50, 50};
    CHECK_EQ_INT(segment_point(img, &click, 1, NULL, 0, &r), SEG_FOUND);
    CHECK_EQ_INT(r.area, 3600); /* hole filled */
    CHECK_EQ_INT(r.nrings, 1);
    seg_region_free(&r);
    CHECK_EQ_INT(segment_point(img, &click, 1, &neg, 1, &r), SEG_FOUND);
    CHECK_EQ_INT(r.area, 3200);
    CHECK_EQ_INT(r.nrings, 2);
    if (r.nrings == 2) {
        static const double hole[] = {40, 40, 40, 60, 60, 60, 60, 40};
        CHECK_EQ_INT(r.rings[1].npoints, 4);
        CHECK(ring_is(&r.rings[1], hole, 4));
    }
    seg_region_free(&r);
    segment_image_free(img);
    free(c.rgb);
}

/* Noise: a disc on a noisy background, point and box IoU >= 0.9. */
static void test_noise(void)
{
    canvas c = canvas_new(200, 160, 90, 110, 90);
    uint64_t s = 42;
    for (int i = 0; i < 200 * 160 * 3; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        int n = (int)((s >> 33) % 41) - 20;
        int v = c.rgb[i] + n;
        c.rgb[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
    static const uint8_t col[3] = {230, 60, 40};
    fill_disc(&c, 100, 80, 40, col);
    segment_image *img = analyse(&c);
    seg_region r;
    seg_point click = {100, 80};
    CHECK_EQ_INT(segment_point(img, &click, 1, NULL, 0, &r), SEG_FOUND);
    CHECK(iou_with_colour(&r, &c, col) >= 0.9);
    CHECK(r.score >= 0.75);
    seg_region_free(&r);
    seg_rect box = {50, 30, 100, 100};
    CHECK_EQ_INT(segment_box(img, &box, NULL, 0, &r), SEG_FOUND);
    CHECK(iou_with_colour(&r, &c, col) >= 0.9);
    seg_region_free(&r);
    segment_image_free(img);
    free(c.rgb);
}

static void test_determinism(void)
{
    canvas c;
    draw_multi(&c);
    segment_image *img = analyse(&c);
    seg_region a, b;
    seg_point click = {232, 72};
    segment_point(img, &click, 1, NULL, 0, &a);
    for (int i = 0; i < 20; i++) {
        segment_point(img, &click, 1, NULL, 0, &b);
        CHECK_EQ_INT(a.rings[0].npoints, b.rings[0].npoints);
        CHECK(memcmp(a.rings[0].xy, b.rings[0].xy, sizeof(double) * 2 * (size_t)a.rings[0].npoints) == 0);
        CHECK(a.score == b.score);
        seg_region_free(&b);
    }
    seg_region_free(&a);
    segment_image_free(img);
    free(c.rgb);
}

static void test_query(void)
{
    seg_query q;
    segment_query_parse("Red cars", &q);
    CHECK_EQ_INT(q.colours, SEG_COLOUR_RED);
    CHECK_EQ_INT(q.shapes, 0);
    segment_query_parse("GREY squares, boxes & circles", &q);
    CHECK_EQ_INT(q.colours, SEG_COLOUR_GRAY);
    CHECK_EQ_INT(q.shapes, SEG_SHAPE_SQUARE | SEG_SHAPE_RECTANGLE | SEG_SHAPE_CIRCLE);
    segment_query_parse("", &q);
    CHECK_EQ_INT(q.colours | q.shapes, 0);
    segment_query_parse(NULL, &q);
    CHECK_EQ_INT(q.colours | q.shapes, 0);
    segment_query_parse("reddish bluegreen", &q);
    CHECK_EQ_INT(q.colours, 0);
}

/* The committed fixtures, found through this file's path (relative to the
 * build directory, which is three levels above the test binary). */
static int load_fixture(const char *name, image_pixels *px)
{
    char exe[PATH_MAX], path[PATH_MAX * 2], src[PATH_MAX];
    snprintf(src, sizeof src, "%s", __FILE__);
    char *srcdir = dirname(src);
    if (srcdir[0] == '/') {
        snprintf(path, sizeof path, "%s/../../fixtures/images/%s", srcdir, name);
    } else {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0)
            return -1;
        exe[n] = 0;
        char *build = dirname(dirname(dirname(exe)));
        snprintf(path, sizeof path, "%s/%s/../../fixtures/images/%s", build, srcdir, name);
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open fixture %s\n", path);
        return -1;
    }
    static unsigned char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return image_decode(buf, len, 0, px);
}

static void test_fixtures(void)
{
    static const struct {
        const char *file;
        double cx, cy;
        int x, y, w, h;
        long area;
    } cases[] = {
        {"shapes-rect.png", 64, 64, 32, 40, 64, 48, 3072},
        {"shapes-circle.png", 128, 96, 80, 48, 96, 96, 7232},
        {"shapes-multi.png", 50, 50, 24, 24, 96, 64, 6144},
        {"shapes-multi.png", 232, 72, 188, 28, 88, 88, 6092},
        {"shapes-multi.png", 160, 200, 76, 132, 168, 84, 7140},
        {"shapes-alpha.png", 40, 40, 16, 16, 56, 56, 3136},
        {"shapes-alpha.png", 112, 64, 80, 32, 64, 64, 3228},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        image_pixels px;
        if (!CHECK(load_fixture(cases[i].file, &px) == 0))
            continue;
        segment_image *img = segment_image_new(px.rgb, px.width, px.height);
        seg_point click = {cases[i].cx, cases[i].cy};
        seg_region r;
        CHECK_EQ_INT(segment_point(img, &click, 1, NULL, 0, &r), SEG_FOUND);
        CHECK_EQ_INT(r.x, cases[i].x);
        CHECK_EQ_INT(r.y, cases[i].y);
        CHECK_EQ_INT(r.w, cases[i].w);
        CHECK_EQ_INT(r.h, cases[i].h);
        CHECK_EQ_INT(r.area, cases[i].area);
        CHECK(r.score >= 0.9);
        if (cases[i].area == 3072 || cases[i].area == 6144 || cases[i].area == 3136) {
            double want[8] = {cases[i].x, cases[i].y, cases[i].x + cases[i].w, cases[i].y,
                              cases[i].x + cases[i].w, cases[i].y + cases[i].h, cases[i].x, cases[i].y + cases[i].h};
            CHECK(ring_is(&r.rings[0], want, 4));
        }
        seg_region_free(&r);
        seg_rect box = {cases[i].x - 6, cases[i].y - 6, cases[i].w + 12, cases[i].h + 12};
        CHECK_EQ_INT(segment_box(img, &box, NULL, 0, &r), SEG_FOUND);
        CHECK_EQ_INT(r.x, cases[i].x);
        CHECK_EQ_INT(r.y, cases[i].y);
        CHECK_EQ_INT(r.w, cases[i].w);
        CHECK_EQ_INT(r.h, cases[i].h);
        seg_region_free(&r);
        segment_image_free(img);
        image_free(&px);
    }
}

int main(void)
{
    test_rect_point();
    test_disc_point_box_text();
    test_multi();
    test_ring_with_hole();
    test_noise();
    test_determinism();
    test_query();
    test_fixtures();
    return check_exit();
}
