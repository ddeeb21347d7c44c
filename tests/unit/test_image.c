/* test_image.c — tests for core/image.c: PNG round trips through our encoder,
 * PNG colour types written with libpng directly, JPEGs built with libjpeg's
 * memory destination, and hostile input (truncation at every length, garbage,
 * absurd dimensions, pixel caps). Also decodes from several threads at once.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "check.h"
#include "core/image.h"

/* ---- helpers: build images in memory -------------------------------------------- */

typedef struct {
    uint8_t *buf;
    size_t len;
    size_t cap;
} test_buf;

static void test_buf_append(test_buf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        b->buf = realloc(b->buf, cap);
        if (b->buf == NULL) {
            perror("realloc");
            exit(2);
        }
        b->cap = cap;
    }
    memcpy(b->buf + b->len, data, n);
    b->len += n;
}

static void test_png_write_fn(png_structp png, png_bytep data, size_t n)
{
    test_buf_append(png_get_io_ptr(png), data, n);
}

static void test_png_flush_fn(png_structp png)
{
    (void)png;
}

typedef struct {
    png_uint_32 width;
    png_uint_32 height;
    int depth;
    int color_type;
    int interlace;
    const uint8_t *rows;       /* packed rows in PNG byte order; NULL: header only */
    size_t stride;
    const png_color *palette;
    int palette_len;
    const png_byte *trns;      /* palette alpha */
    int trns_len;
    const png_color_16 *trns_color; /* gray/RGB transparent colour */
} test_png_spec;

/* Writes a PNG with libpng's classic API. With rows == NULL only the signature
 * and IHDR are written, followed by an empty IDAT header, which is enough for a
 * header probe of dimensions no one could ever allocate. */
static int test_png_make(const test_png_spec *s, test_buf *out)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL; /* read after a longjmp */

    memset(out, 0, sizeof *out);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        return -1;
    }
    png_set_write_fn(png, out, test_png_write_fn, test_png_flush_fn);
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_set_IHDR(png, info, s->width, s->height, s->depth, s->color_type, s->interlace,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (s->palette)
        png_set_PLTE(png, info, s->palette, s->palette_len);
    if (s->trns || s->trns_color)
        png_set_tRNS(png, info, s->trns, s->trns_len, s->trns_color);
    png_write_info(png, info);
    if (s->rows == NULL) {
        /* length 0, "IDAT", CRC-32 of "IDAT" */
        static const uint8_t idat[] = {0, 0, 0, 0, 'I', 'D', 'A', 'T', 0x35, 0xaf, 0x06, 0x1e};
        test_buf_append(out, idat, sizeof idat);
    } else {
        rows = malloc(sizeof *rows * s->height);
        for (png_uint_32 y = 0; y < s->height; y++)
            rows[y] = (png_bytep)(s->rows + y * s->stride);
        png_write_image(png, rows);
        png_write_end(png, NULL);
    }
    png_destroy_write_struct(&png, &info);
    free(rows);
    return 0;
}

/* Compresses pixels with libjpeg into a malloc'd buffer (jpeg_mem_dest). */
static unsigned char *test_jpeg_make(int w, int h, int components, J_COLOR_SPACE cs,
                                     const uint8_t *pixels, int progressive,
                                     unsigned long *len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    unsigned char *buf = NULL;

    *len = 0;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &buf, len);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = components;
    c.in_color_space = cs;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 95, TRUE);
    if (progressive)
        jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)c.next_scanline * (size_t)w * components);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    return buf;
}

static int test_near(int a, int b, int tol)
{
    return a - b <= tol && b - a <= tol;
}

/* Checks every pixel of a decoded image against one colour. */
static int test_all_near(const image_pixels *px, int r, int g, int b, int tol)
{
    size_t n = (size_t)px->width * (size_t)px->height;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = px->rgb + 3 * i;
        if (!test_near(p[0], r, tol) || !test_near(p[1], g, tol) || !test_near(p[2], b, tol)) {
            fprintf(stderr, "    pixel %zu = (%d,%d,%d), want ~(%d,%d,%d)\n", i, p[0], p[1],
                    p[2], r, g, b);
            return 0;
        }
    }
    return 1;
}

/* ---- tests ----------------------------------------------------------------------- */

static void test_sniff(void)
{
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const uint8_t jpg[] = {0xff, 0xd8, 0xff, 0xe0};

    CHECK_EQ_INT(image_sniff(png, sizeof png), IMAGE_PNG);
    CHECK_EQ_INT(image_sniff(png, sizeof png - 1), IMAGE_UNKNOWN);
    CHECK_EQ_INT(image_sniff(jpg, sizeof jpg), IMAGE_JPEG);
    CHECK_EQ_INT(image_sniff(jpg, 2), IMAGE_UNKNOWN);
    CHECK_EQ_INT(image_sniff("GIF89a", 6), IMAGE_UNKNOWN);
    CHECK_EQ_INT(image_sniff(NULL, 0), IMAGE_UNKNOWN);
    CHECK_EQ_INT(image_sniff("", 0), IMAGE_UNKNOWN);
}

static void test_png_round_trip(void)
{
    image_pixels src = {0}, dec = {0};
    image_info info;
    uint8_t *png = NULL;
    size_t png_len = 0;
    const int w = 37, h = 23;

    src.width = w;
    src.height = h;
    src.rgb = malloc((size_t)w * h * 3);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = src.rgb + ((size_t)y * w + x) * 3;
            p[0] = (uint8_t)(x * 7);
            p[1] = (uint8_t)(y * 11);
            p[2] = (uint8_t)(x * y + 5);
        }

    CHECK_EQ_INT(image_encode_png(&src, &png, &png_len), 0);
    CHECK(png != NULL && png_len > 8);
    CHECK_EQ_INT(image_sniff(png, png_len), IMAGE_PNG);

    memset(&info, 0x55, sizeof info);
    CHECK_EQ_INT(image_probe(png, png_len, &info), 0);
    CHECK_EQ_INT(info.format, IMAGE_PNG);
    CHECK_EQ_INT(info.width, w);
    CHECK_EQ_INT(info.height, h);
    CHECK_EQ_INT(info.channels, 3);
    CHECK_EQ_STR(info.mime, "image/png");

    CHECK_EQ_INT(image_decode(png, png_len, 0, &dec), 0);
    CHECK_EQ_INT(dec.width, w);
    CHECK_EQ_INT(dec.height, h);
    if (CHECK(dec.rgb != NULL))
        CHECK_EQ_MEM(dec.rgb, src.rgb, (size_t)w * h * 3);
    image_free(&dec);
    CHECK(dec.rgb == NULL);
    image_free(&dec); /* idempotent */
    image_free(NULL);

    /* Pixel cap: exactly w*h is allowed, one less is refused. */
    CHECK_EQ_INT(image_decode(png, png_len, (size_t)w * h, &dec), 0);
    image_free(&dec);
    CHECK_EQ_INT(image_decode(png, png_len, (size_t)w * h - 1, &dec), -1);
    CHECK(dec.rgb == NULL);
    CHECK_EQ_INT(image_decode(png, png_len, 10, &dec), -1);
    /* NULL out just validates. */
    CHECK_EQ_INT(image_decode(png, png_len, 0, NULL), 0);
    CHECK_EQ_INT(image_probe(png, png_len, NULL), 0);

    /* Every truncation before IEND must fail to decode; the header probe needs
     * the signature, IHDR and the next chunk header. */
    for (size_t n = 0; n + 12 < png_len; n++) {
        if (image_decode(png, n, 0, &dec) != -1) {
            fprintf(stderr, "    truncated PNG of %zu/%zu bytes decoded\n", n, png_len);
            CHECK(0);
            image_free(&dec);
            break;
        }
        CHECK(dec.rgb == NULL);
    }
    for (size_t n = 0; n < 8 + 25 + 8; n++)
        CHECK_EQ_INT(image_probe(png, n, &info), -1);
    /* Without IEND the image is still complete. */
    CHECK_EQ_INT(image_decode(png, png_len - 12, 0, &dec), 0);
    image_free(&dec);

    /* Corrupt IHDR CRC, corrupt IDAT byte. */
    {
        uint8_t *bad = malloc(png_len);
        memcpy(bad, png, png_len);
        bad[8 + 8 + 13] ^= 0x01; /* first CRC byte of IHDR */
        CHECK_EQ_INT(image_probe(bad, png_len, &info), -1);
        CHECK_EQ_INT(image_decode(bad, png_len, 0, &dec), -1);
        memcpy(bad, png, png_len);
        bad[8 + 25 + 8 + 4] ^= 0xff; /* inside the first IDAT */
        CHECK_EQ_INT(image_decode(bad, png_len, 0, &dec), -1);
        free(bad);
    }

    /* Invalid encoder arguments. */
    {
        uint8_t *o = (uint8_t *)1;
        size_t ol = 99;
        image_pixels bad = src;
        CHECK_EQ_INT(image_encode_png(NULL, &o, &ol), -1);
        CHECK(o == NULL && ol == 0);
        bad.width = 0;
        CHECK_EQ_INT(image_encode_png(&bad, &o, &ol), -1);
        bad = src;
        bad.height = -1;
        CHECK_EQ_INT(image_encode_png(&bad, &o, &ol), -1);
        bad = src;
        bad.rgb = NULL;
        CHECK_EQ_INT(image_encode_png(&bad, &o, &ol), -1);
        CHECK_EQ_INT(image_encode_png(&src, NULL, &ol), -1);
    }

    free(png);
    free(src.rgb);
}

/* Decodes a PNG built from spec and checks probe channels and a few pixels. */
static void test_png_variant(const char *name, const test_png_spec *spec, int want_channels,
                             const uint8_t *want_rgb)
{
    test_buf buf;
    image_info info;
    image_pixels px = {0};
    size_t n = (size_t)spec->width * spec->height;

    fprintf(stderr, "  png variant: %s\n", name);
    CHECK_EQ_INT(test_png_make(spec, &buf), 0);
    CHECK_EQ_INT(image_probe(buf.buf, buf.len, &info), 0);
    CHECK_EQ_INT(info.channels, want_channels);
    CHECK_EQ_INT(info.width, (int)spec->width);
    CHECK_EQ_INT(info.height, (int)spec->height);
    CHECK_EQ_INT(image_decode(buf.buf, buf.len, 0, &px), 0);
    if (CHECK(px.rgb != NULL)) {
        CHECK_EQ_INT(px.width, (int)spec->width);
        CHECK_EQ_INT(px.height, (int)spec->height);
        if (!CHECK_EQ_MEM(px.rgb, want_rgb, n * 3)) {
            for (size_t i = 0; i < n && i < 8; i++)
                fprintf(stderr, "    [%zu] got (%d,%d,%d) want (%d,%d,%d)\n", i,
                        px.rgb[3 * i], px.rgb[3 * i + 1], px.rgb[3 * i + 2], want_rgb[3 * i],
                        want_rgb[3 * i + 1], want_rgb[3 * i + 2]);
        }
    }
    image_free(&px);
    /* Truncating any of these variants in the middle must fail cleanly too. */
    CHECK_EQ_INT(image_decode(buf.buf, buf.len / 2, 0, &px), -1);
    free(buf.buf);
}

static uint8_t test_over_black(unsigned c, unsigned a)
{
    return (uint8_t)((c * a + 127) / 255);
}

static void test_png_variants(void)
{
    enum { W = 4, H = 2, N = W * H };
    uint8_t want[N * 3];

    { /* 8-bit gray */
        uint8_t g[N] = {0, 1, 50, 100, 127, 128, 200, 255};
        test_png_spec s = {W, H, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, g, W,
                           NULL, 0, NULL, 0, NULL};
        for (int i = 0; i < N; i++)
            want[3 * i] = want[3 * i + 1] = want[3 * i + 2] = g[i];
        test_png_variant("gray8", &s, 1, want);
    }
    { /* 8-bit gray + alpha */
        uint8_t ga[N * 2] = {255, 255, 255, 0, 255, 128, 100, 50, 10, 200, 0, 0, 200, 255, 77, 77};
        test_png_spec s = {W, H, 8, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_INTERLACE_NONE, ga, W * 2,
                           NULL, 0, NULL, 0, NULL};
        for (int i = 0; i < N; i++)
            want[3 * i] = want[3 * i + 1] = want[3 * i + 2] =
                test_over_black(ga[2 * i], ga[2 * i + 1]);
        test_png_variant("gray+alpha8", &s, 2, want);
        CHECK_EQ_INT(want[3], 0);   /* fully transparent white -> black */
        CHECK_EQ_INT(want[6], 128); /* 255 at alpha 128 */
    }
    { /* 8-bit RGBA */
        uint8_t rgba[N * 4];
        for (int i = 0; i < N * 4; i++)
            rgba[i] = (uint8_t)(i * 37 + 11);
        rgba[3] = 255;
        rgba[7] = 0;
        test_png_spec s = {W, H, 8, PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE, rgba, W * 4,
                           NULL, 0, NULL, 0, NULL};
        for (int i = 0; i < N; i++)
            for (int c = 0; c < 3; c++)
                want[3 * i + c] = test_over_black(rgba[4 * i + c], rgba[4 * i + 3]);
        test_png_variant("rgba8", &s, 4, want);
    }
    { /* 16-bit RGB, values that scale to 8 bits exactly (v * 257) */
        uint8_t rgb16[N * 6];
        for (int i = 0; i < N * 3; i++) {
            unsigned v8 = (unsigned)(i * 29 + 3) & 0xff;
            unsigned v = v8 * 257;
            rgb16[2 * i] = (uint8_t)(v >> 8);
            rgb16[2 * i + 1] = (uint8_t)v;
            want[i] = (uint8_t)v8;
        }
        test_png_spec s = {W, H, 16, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, rgb16, W * 6,
                           NULL, 0, NULL, 0, NULL};
        test_png_variant("rgb16", &s, 3, want);
    }
    { /* 16-bit gray + alpha */
        uint8_t ga16[N * 4];
        for (int i = 0; i < N; i++) {
            unsigned g = (unsigned)(i * 30) * 257, a = (i % 2 ? 255u : 128u) * 257;
            ga16[4 * i] = (uint8_t)(g >> 8);
            ga16[4 * i + 1] = (uint8_t)g;
            ga16[4 * i + 2] = (uint8_t)(a >> 8);
            ga16[4 * i + 3] = (uint8_t)a;
            want[3 * i] = want[3 * i + 1] = want[3 * i + 2] =
                test_over_black((unsigned)i * 30, i % 2 ? 255u : 128u);
        }
        test_png_spec s = {W, H, 16, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_INTERLACE_NONE, ga16, W * 4,
                           NULL, 0, NULL, 0, NULL};
        test_png_variant("gray+alpha16", &s, 2, want);
    }
    { /* 1-bit gray: 0 -> black, 1 -> white; rows are MSB first */
        uint8_t bits[H] = {0xa0, 0x50}; /* row0: 1010, row1: 0101 */
        test_png_spec s = {W, H, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, bits, 1,
                           NULL, 0, NULL, 0, NULL};
        for (int i = 0; i < N; i++) {
            int on = (i / W == 0) ? (i % 2 == 0) : (i % 2 == 1);
            want[3 * i] = want[3 * i + 1] = want[3 * i + 2] = on ? 255 : 0;
        }
        test_png_variant("gray1", &s, 1, want);
    }
    { /* 8-bit gray with a transparent gray value */
        uint8_t g[N] = {10, 20, 30, 40, 30, 60, 70, 30};
        png_color_16 t = {0};
        t.gray = 30;
        test_png_spec s = {W, H, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, g, W,
                           NULL, 0, NULL, 0, &t};
        for (int i = 0; i < N; i++)
            want[3 * i] = want[3 * i + 1] = want[3 * i + 2] = g[i] == 30 ? 0 : g[i];
        test_png_variant("gray8+tRNS", &s, 2, want);
    }
    { /* palette, 2-bit indices, with and without tRNS */
        static const png_color pal[4] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {250, 250, 250}};
        static const png_byte alpha[3] = {255, 0, 100};
        uint8_t idx[H] = {0x1b, 0xe4}; /* row0: 0 1 2 3, row1: 3 2 1 0 */
        static const int order[N] = {0, 1, 2, 3, 3, 2, 1, 0};
        test_png_spec s = {W, H, 2, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE, idx, 1,
                           pal, 4, NULL, 0, NULL};
        for (int i = 0; i < N; i++) {
            want[3 * i] = pal[order[i]].red;
            want[3 * i + 1] = pal[order[i]].green;
            want[3 * i + 2] = pal[order[i]].blue;
        }
        test_png_variant("palette2", &s, 3, want);

        s.trns = alpha;
        s.trns_len = 3; /* entry 3 stays opaque */
        for (int i = 0; i < N; i++) {
            unsigned a = order[i] < 3 ? alpha[order[i]] : 255;
            want[3 * i] = test_over_black(pal[order[i]].red, a);
            want[3 * i + 1] = test_over_black(pal[order[i]].green, a);
            want[3 * i + 2] = test_over_black(pal[order[i]].blue, a);
        }
        test_png_variant("palette2+tRNS", &s, 4, want);
    }
    { /* Adam7-interlaced RGB, large enough to have all seven passes */
        enum { IW = 19, IH = 13 };
        static uint8_t rgb[IW * IH * 3];
        for (int i = 0; i < IW * IH * 3; i++)
            rgb[i] = (uint8_t)(i * 13 + i / 7);
        test_png_spec s = {IW, IH, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_ADAM7, rgb, IW * 3,
                           NULL, 0, NULL, 0, NULL};
        test_png_variant("rgb8 interlaced", &s, 3, rgb);
    }
}

static void test_png_absurd(void)
{
    static const struct {
        png_uint_32 w, h;
    } dims[] = {{100000, 100000}, {PNG_UINT_31_MAX, 1}, {1, PNG_UINT_31_MAX},
                {PNG_UINT_31_MAX, PNG_UINT_31_MAX}, {10001, 10000}};

    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
        test_png_spec s = {dims[i].w, dims[i].h, 8, PNG_COLOR_TYPE_RGB_ALPHA,
                           PNG_INTERLACE_NONE, NULL, 0, NULL, 0, NULL, 0, NULL};
        test_buf buf;
        image_info info;
        image_pixels px = {0};

        CHECK_EQ_INT(test_png_make(&s, &buf), 0);
        /* The header is valid, so probing reports it ... */
        CHECK_EQ_INT(image_probe(buf.buf, buf.len, &info), 0);
        CHECK_EQ_INT(info.width, (long long)dims[i].w);
        CHECK_EQ_INT(info.height, (long long)dims[i].h);
        CHECK_EQ_INT(info.channels, 4);
        /* ... but decoding refuses before allocating (ASan would abort on an
         * allocation this large). */
        CHECK_EQ_INT(image_decode(buf.buf, buf.len, 0, &px), -1);
        CHECK_EQ_INT(image_decode(buf.buf, buf.len, 4000000, &px), -1);
        CHECK(px.rgb == NULL);
        free(buf.buf);
    }
}

static void test_jpeg(void)
{
    enum { W = 33, H = 17 };
    static uint8_t rgb[W * H * 3], gray[W * H], cmyk[W * H * 4];
    unsigned char *jpg = NULL;
    unsigned long jpg_len = 0;
    image_info info;
    image_pixels px = {0};

    for (int i = 0; i < W * H; i++) {
        rgb[3 * i] = 200;
        rgb[3 * i + 1] = 40;
        rgb[3 * i + 2] = 90;
        gray[i] = 170;
        /* Adobe-style inverted CMYK for pure-ish orange: C=0 M=128 Y=255 K=0 */
        cmyk[4 * i] = 255;
        cmyk[4 * i + 1] = 127;
        cmyk[4 * i + 2] = 0;
        cmyk[4 * i + 3] = 255;
    }

    for (int progressive = 0; progressive < 2; progressive++) {
        fprintf(stderr, "  jpeg rgb, progressive=%d\n", progressive);
        jpg = test_jpeg_make(W, H, 3, JCS_RGB, rgb, progressive, &jpg_len);
        CHECK_EQ_INT(image_sniff(jpg, jpg_len), IMAGE_JPEG);
        CHECK_EQ_INT(image_probe(jpg, jpg_len, &info), 0);
        CHECK_EQ_INT(info.format, IMAGE_JPEG);
        CHECK_EQ_INT(info.width, W);
        CHECK_EQ_INT(info.height, H);
        CHECK_EQ_INT(info.channels, 3);
        CHECK_EQ_STR(info.mime, "image/jpeg");
        CHECK_EQ_INT(image_decode(jpg, jpg_len, 0, &px), 0);
        CHECK_EQ_INT(px.width, W);
        CHECK_EQ_INT(px.height, H);
        if (CHECK(px.rgb != NULL))
            CHECK(test_all_near(&px, 200, 40, 90, 8));
        image_free(&px);

        CHECK_EQ_INT(image_decode(jpg, jpg_len, W * H, &px), 0);
        image_free(&px);
        CHECK_EQ_INT(image_decode(jpg, jpg_len, W * H - 1, &px), -1);
        CHECK(px.rgb == NULL);

        /* Every truncation is refused, never gray-filled. That includes losing
         * only EOI: libjpeg's read-ahead runs into the end of the buffer while
         * decoding the last MCU row, which cannot be told apart from a cut
         * inside it. */
        for (unsigned long n = 0; n < jpg_len; n++) {
            if (image_decode(jpg, n, 0, &px) != -1) {
                fprintf(stderr, "    truncated JPEG of %lu/%lu bytes decoded\n", n, jpg_len);
                CHECK(0);
                image_free(&px);
                break;
            }
        }

        /* Absurd dimensions patched into SOF: probe reports, decode refuses. */
        for (unsigned long i = 2; i + 9 < jpg_len; i++) {
            if (jpg[i] == 0xff && (jpg[i + 1] == 0xc0 || jpg[i + 1] == 0xc2)) {
                unsigned char *big = malloc(jpg_len);
                memcpy(big, jpg, jpg_len);
                big[i + 5] = 0xff; /* height 65500 */
                big[i + 6] = 0xdc;
                big[i + 7] = 0xff; /* width 65500 */
                big[i + 8] = 0xdc;
                CHECK_EQ_INT(image_probe(big, jpg_len, &info), 0);
                CHECK_EQ_INT(info.width, 65500);
                CHECK_EQ_INT(info.height, 65500);
                CHECK_EQ_INT(image_decode(big, jpg_len, 0, &px), -1);
                CHECK_EQ_INT(image_decode(big, jpg_len, 4000000, &px), -1);
                free(big);
                break;
            }
        }
        free(jpg);
    }

    fprintf(stderr, "  jpeg gray\n");
    jpg = test_jpeg_make(W, H, 1, JCS_GRAYSCALE, gray, 0, &jpg_len);
    CHECK_EQ_INT(image_probe(jpg, jpg_len, &info), 0);
    CHECK_EQ_INT(info.channels, 1);
    CHECK_EQ_INT(image_decode(jpg, jpg_len, 0, &px), 0);
    if (CHECK(px.rgb != NULL))
        CHECK(test_all_near(&px, 170, 170, 170, 3));
    image_free(&px);
    free(jpg);

    /* Two components: a legal JPEG stream with no RGB meaning. */
    fprintf(stderr, "  jpeg 2-component\n");
    jpg = test_jpeg_make(W, H, 2, JCS_UNKNOWN, cmyk, 0, &jpg_len);
    CHECK_EQ_INT(image_probe(jpg, jpg_len, &info), -1);
    CHECK_EQ_INT(image_decode(jpg, jpg_len, 0, &px), -1);
    CHECK(px.rgb == NULL);
    free(jpg);

    fprintf(stderr, "  jpeg cmyk\n");
    jpg = test_jpeg_make(W, H, 4, JCS_CMYK, cmyk, 0, &jpg_len);
    CHECK_EQ_INT(image_probe(jpg, jpg_len, &info), 0);
    CHECK_EQ_INT(info.channels, 4);
    CHECK_EQ_INT(image_decode(jpg, jpg_len, 0, &px), 0);
    if (CHECK(px.rgb != NULL))
        CHECK(test_all_near(&px, 255, 127, 0, 8));
    image_free(&px);
    free(jpg);
}

static void test_garbage(void)
{
    uint8_t buf[4096];
    image_info info;
    image_pixels px = {0};
    int probe_ok = 0, decode_ok = 0;

    srand(4242);
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)rand() % sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)rand();
        /* Give two thirds of the rounds a real magic number so the decoders
         * themselves see the garbage. */
        if (round % 3 == 1 && n >= 8)
            memcpy(buf, "\x89PNG\r\n\x1a\n", 8);
        else if (round % 3 == 2 && n >= 3)
            memcpy(buf, "\xff\xd8\xff", 3);
        probe_ok += image_probe(buf, n, &info) == 0;
        if (image_decode(buf, n, 4000000, &px) == 0) {
            decode_ok++;
            image_free(&px);
        }
    }
    CHECK_EQ_INT(probe_ok, 0);
    CHECK_EQ_INT(decode_ok, 0);
    CHECK_EQ_INT(image_probe(NULL, 0, &info), -1);
    CHECK_EQ_INT(info.format, IMAGE_UNKNOWN);
    CHECK_EQ_INT(image_decode(NULL, 0, 0, &px), -1);
    CHECK_EQ_INT(image_decode("\xff\xd8\xff", 3, 0, &px), -1);
    CHECK_EQ_INT(image_decode("\x89PNG\r\n\x1a\n", 8, 0, &px), -1);
}

/* Several threads decoding good and bad images at once: catches any hidden
 * shared state (ASan/TSan builds make this meaningful). */
typedef struct {
    const uint8_t *png;
    size_t png_len;
    const uint8_t *jpg;
    size_t jpg_len;
    int failures;
} test_thread_arg;

static void *test_thread_main(void *p)
{
    test_thread_arg *a = p;
    image_pixels px;

    for (int i = 0; i < 40; i++) {
        if (image_decode(a->png, a->png_len, 0, &px) != 0)
            a->failures++;
        image_free(&px);
        if (image_decode(a->jpg, a->jpg_len, 0, &px) != 0)
            a->failures++;
        image_free(&px);
        if (image_decode(a->png, a->png_len / 2, 0, &px) != -1)
            a->failures++;
        if (image_decode(a->jpg, a->jpg_len / 2, 0, &px) != -1)
            a->failures++;
    }
    return NULL;
}

static void test_threads(void)
{
    enum { W = 64, H = 48, T = 4 };
    static uint8_t rgb[W * H * 3];
    image_pixels src = {W, H, rgb};
    uint8_t *png = NULL;
    size_t png_len = 0;
    unsigned long jpg_len = 0;
    unsigned char *jpg;
    pthread_t th[T];
    test_thread_arg args[T];

    for (size_t i = 0; i < sizeof rgb; i++)
        rgb[i] = (uint8_t)(i ^ (i >> 5));
    CHECK_EQ_INT(image_encode_png(&src, &png, &png_len), 0);
    jpg = test_jpeg_make(W, H, 3, JCS_RGB, rgb, 1, &jpg_len);
    for (int t = 0; t < T; t++) {
        args[t] = (test_thread_arg){png, png_len, jpg, jpg_len, 0};
        CHECK_EQ_INT(pthread_create(&th[t], NULL, test_thread_main, &args[t]), 0);
    }
    for (int t = 0; t < T; t++) {
        pthread_join(th[t], NULL);
        CHECK_EQ_INT(args[t].failures, 0);
    }
    free(png);
    free(jpg);
}

int main(void)
{
    test_sniff();
    test_png_round_trip();
    test_png_variants();
    test_png_absurd();
    test_jpeg();
    test_garbage();
    test_threads();
    return check_exit();
}
