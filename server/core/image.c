/* image.c — PNG and JPEG probing, decoding to RGB8, and PNG encoding.
 *
 * Request threads call these on untrusted uploads, concurrently, so nothing here
 * has global state: each call owns its libpng/libjpeg objects, its memory reader
 * and its jump buffer. Both libraries report errors by longjmp. To keep that
 * sound, each decode is split in three: an outer *_process function owns a "job"
 * struct that records every resource, a *_run function does nothing but call
 * setjmp, and a *_work function does the library work, storing whatever it
 * acquires into the job as it goes. A longjmp only ever unwinds *_work, so no
 * local variable of a function that called setjmp is read afterwards, and the
 * outer function frees the job on its single exit path whatever happened.
 *
 * Invariants: nothing is allocated for pixels before the dimensions have been
 * checked against max_pixels; truncated input is an error (never gray-filled
 * output); the libraries never print and never exit the process.
 */
#include "core/image.h"

#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE */
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>
#include <png.h>

#define IMAGE_DEFAULT_MAX_PIXELS ((size_t)100000000)
/* Progressive JPEGs may contain any number of scans and each one costs a pass
 * over the image; real encoders use about ten. libjpeg-turbo's own fuzzers and
 * TurboJPEG's scan limit use the same order of magnitude. */
#define IMAGE_JPEG_MAX_SCANS 500
/* Ancillary chunks are skipped, so this only bounds a hostile PLTE/tRNS/zTXt
 * style chunk that libpng would otherwise buffer whole. */
#define IMAGE_PNG_CHUNK_MALLOC_MAX ((png_alloc_size_t)8000000)

static const uint8_t image_png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

image_format image_sniff(const void *data, size_t len)
{
    const uint8_t *p = data;

    if (p == NULL)
        return IMAGE_UNKNOWN;
    if (len >= sizeof image_png_magic && memcmp(p, image_png_magic, sizeof image_png_magic) == 0)
        return IMAGE_PNG;
    if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return IMAGE_JPEG;
    return IMAGE_UNKNOWN;
}

/* Multiplies out the buffer size, refusing anything above the caller's pixel cap
 * or anything that would overflow size_t. */
static int image_check_size(size_t width, size_t height, size_t channels, size_t max_pixels,
                            size_t *bytes)
{
    if (width == 0 || height == 0)
        return -1;
    if (max_pixels == 0)
        max_pixels = IMAGE_DEFAULT_MAX_PIXELS;
    if (width > max_pixels / height)
        return -1;
    if (width * height > SIZE_MAX / channels)
        return -1;
    *bytes = width * height * channels;
    return 0;
}

/* Composites RGBA onto black in place, leaving tightly packed RGB at the front.
 * Writing pixel i touches bytes [3i, 3i+2], all below the next read at 4(i+1). */
static void image_rgba_to_rgb(uint8_t *buf, size_t pixels)
{
    for (size_t i = 0; i < pixels; i++) {
        const uint8_t *s = buf + 4 * i;
        unsigned a = s[3];
        unsigned r = (s[0] * a + 127) / 255;
        unsigned g = (s[1] * a + 127) / 255;
        unsigned b = (s[2] * a + 127) / 255;
        buf[3 * i] = (uint8_t)r;
        buf[3 * i + 1] = (uint8_t)g;
        buf[3 * i + 2] = (uint8_t)b;
    }
}

/* ---- PNG ----------------------------------------------------------------------- */

typedef struct {
    const uint8_t *data;
    size_t len;
    size_t pos;
} image_reader;

typedef struct {
    png_structp png;
    png_infop info;
    image_reader src;
    int decode;        /* 0: stop after the header */
    size_t max_pixels;
    uint8_t *pixels;   /* width*height*channels after transforms */
    png_bytep *rows;
    int width;
    int height;
    int file_channels; /* as reported by image_probe */
    int channels;      /* after transforms: 3 or 4 */
} image_png_job;

static void image_png_error(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

static void image_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void image_png_read(png_structp png, png_bytep out, size_t n)
{
    image_reader *r = png_get_io_ptr(png);

    if (n > r->len - r->pos)
        png_error(png, "truncated");
    memcpy(out, r->data + r->pos, n);
    r->pos += n;
}

static int image_png_channels(png_structp png, png_infop info, int color_type)
{
    int has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;

    /* A tRNS chunk gives colour types without an alpha channel an alpha
     * channel in effect, so it is reported as one. */
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return has_trns ? 2 : 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    default: return has_trns ? 4 : 3; /* RGB, palette */
    }
}

/* Reads up to the first IDAT and, when decode is set, the whole image. Anything
 * allocated is stored in job before libpng can longjmp past it. Only called
 * from image_png_run, whose setjmp catches libpng's errors. */
static int image_png_work(image_png_job *job)
{
    png_structp png = job->png;
    int decode = job->decode;
    size_t max_pixels = job->max_pixels;
    png_infop info = job->info;
    png_uint_32 width, height;
    int depth, color_type, interlace;
    png_uint_32 dim_limit = PNG_UINT_31_MAX;
    size_t bytes, rowbytes;

    /* No side of an acceptable image can exceed the pixel cap, so libpng may
     * reject an oversized IHDR itself, before it sizes any row buffer. A probe
     * reports whatever the format allows. */
    if (decode) {
        size_t cap = max_pixels != 0 ? max_pixels : IMAGE_DEFAULT_MAX_PIXELS;
        if (cap < dim_limit)
            dim_limit = (png_uint_32)cap;
    }
    png_set_user_limits(png, dim_limit, dim_limit);
    png_set_chunk_malloc_max(png, IMAGE_PNG_CHUNK_MALLOC_MAX);
    /* Colour management, text and metadata are not used: skipping every chunk
     * except IHDR/PLTE/tRNS/IDAT/IEND saves work and attack surface. */
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    /* Lets a fuzzer's mutations get past the CRCs into the decoder proper. */
    png_set_crc_action(png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE);
#endif
    png_set_read_fn(png, &job->src, image_png_read);
    png_read_info(png, info);
    png_get_IHDR(png, info, &width, &height, &depth, &color_type, &interlace, NULL, NULL);
    job->width = (int)width;
    job->height = (int)height;
    job->file_channels = image_png_channels(png, info, color_type);
    if (!decode)
        return 0;

    /* Checked for the worst case (RGBA) before any transform is chosen. */
    if (image_check_size(width, height, 4, max_pixels, &bytes) != 0)
        return -1;
    if (color_type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    if (depth == 16)
        png_set_scale_16(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(png);
    (void)png_set_interlace_handling(png);
    png_read_update_info(png, info);

    job->channels = png_get_channels(png, info);
    rowbytes = png_get_rowbytes(png, info);
    if ((job->channels != 3 && job->channels != 4) || png_get_bit_depth(png, info) != 8 ||
        rowbytes != (size_t)width * (size_t)job->channels)
        return -1;

    bytes = rowbytes * height;
    job->pixels = malloc(bytes);
    job->rows = malloc(sizeof *job->rows * height);
    if (job->pixels == NULL || job->rows == NULL)
        return -1;
    for (png_uint_32 y = 0; y < height; y++)
        job->rows[y] = job->pixels + (size_t)y * rowbytes;
    /* Missing or short IDAT data raises "Not enough image data", so every row is
     * written when this returns. Trailing chunks after the image are not read. */
    png_read_image(png, job->rows);
    return 0;
}

/* The setjmp frame holds nothing but the job pointer, so nothing in it can be
 * clobbered by the longjmp (and GCC's -Wclobbered has nothing to guess about). */
static int image_png_run(image_png_job *job)
{
    if (setjmp(png_jmpbuf(job->png)))
        return -1;
    return image_png_work(job);
}

static int image_png_process(const void *data, size_t len, int decode, size_t max_pixels,
                             image_info *info_out, image_pixels *px_out)
{
    image_png_job job = {0};
    int rc = -1;

    job.src.data = data;
    job.src.len = len;
    job.decode = decode;
    job.max_pixels = max_pixels;
    job.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, image_png_error,
                                     image_png_warning);
    if (job.png == NULL)
        goto out;
    job.info = png_create_info_struct(job.png);
    if (job.info == NULL)
        goto out;
    if (image_png_run(&job) != 0)
        goto out;

    if (info_out != NULL) {
        info_out->format = IMAGE_PNG;
        info_out->width = job.width;
        info_out->height = job.height;
        info_out->channels = job.file_channels;
        info_out->mime = "image/png";
    }
    if (px_out != NULL) {
        size_t pixels = (size_t)job.width * (size_t)job.height;
        if (job.channels == 4) {
            uint8_t *shrunk;
            image_rgba_to_rgb(job.pixels, pixels);
            /* Giving back the alpha quarter is an optimisation; keep the
             * larger block if the allocator declines. */
            shrunk = realloc(job.pixels, pixels * 3);
            if (shrunk != NULL)
                job.pixels = shrunk;
        }
        px_out->width = job.width;
        px_out->height = job.height;
        px_out->rgb = job.pixels;
        job.pixels = NULL;
    }
    rc = 0;
out:
    free(job.rows);
    free(job.pixels);
    if (job.png != NULL)
        png_destroy_read_struct(&job.png, job.info != NULL ? &job.info : NULL, NULL);
    return rc;
}

/* ---- JPEG ---------------------------------------------------------------------- */

typedef struct {
    struct jpeg_error_mgr pub; /* first, so the library's pointer can be cast back */
    jmp_buf jump;
} image_jpeg_error;

typedef struct {
    struct jpeg_decompress_struct cinfo;
    image_jpeg_error err;
    struct jpeg_progress_mgr progress;
    const void *data;
    size_t len;
    int decode;        /* 0: stop after the header */
    size_t max_pixels;
    uint8_t *pixels;
    uint8_t *cmyk_row;
    int width;
    int height;
    int channels;
} image_jpeg_job;

static void image_jpeg_error_exit(j_common_ptr cinfo)
{
    image_jpeg_error *err = (image_jpeg_error *)cinfo->err;
    longjmp(err->jump, 1);
}

/* libjpeg treats running out of data as a warning and pads the image with gray;
 * an upload cut short must fail instead, so that warning is promoted to an
 * error. Other corrupt-data warnings (extraneous bytes before a marker, a
 * segment ending early) are tolerated, as most decoders do. */
static void image_jpeg_emit_message(j_common_ptr cinfo, int level)
{
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF)
        image_jpeg_error_exit(cinfo);
}

static void image_jpeg_output_message(j_common_ptr cinfo)
{
    (void)cinfo;
}

static void image_jpeg_progress(j_common_ptr cinfo)
{
    if (cinfo->is_decompressor &&
        ((j_decompress_ptr)cinfo)->input_scan_number > IMAGE_JPEG_MAX_SCANS)
        image_jpeg_error_exit(cinfo);
}

/* Adobe applications write CMYK inverted and flag it with an APP14 marker; the
 * plain convention stores ink amounts. Either way the result is a naive,
 * profile-free conversion, which is all a dominant-colour style consumer needs. */
static void image_cmyk_to_rgb(const uint8_t *src, uint8_t *dst, size_t pixels, int inverted)
{
    for (size_t i = 0; i < pixels; i++) {
        unsigned c = src[4 * i], m = src[4 * i + 1], y = src[4 * i + 2], k = src[4 * i + 3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        dst[3 * i] = (uint8_t)((c * k + 127) / 255);
        dst[3 * i + 1] = (uint8_t)((m * k + 127) / 255);
        dst[3 * i + 2] = (uint8_t)((y * k + 127) / 255);
    }
}

/* Only called from image_jpeg_run, whose setjmp catches libjpeg's errors. */
static int image_jpeg_work(image_jpeg_job *job)
{
    j_decompress_ptr cinfo = &job->cinfo;
    size_t bytes, stride;
    int cmyk;

    jpeg_create_decompress(cinfo);
    job->progress.progress_monitor = image_jpeg_progress;
    cinfo->progress = &job->progress;
    jpeg_mem_src(cinfo, job->data, (unsigned long)job->len);
    (void)jpeg_read_header(cinfo, TRUE);
    /* Only colour spaces that decode to RGB count as images, so a successful
     * probe promises a decodable file (pixel cap aside). */
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB:
    case JCS_CMYK:
    case JCS_YCCK:
        break;
    default:
        return -1;
    }
    job->width = (int)cinfo->image_width;
    job->height = (int)cinfo->image_height;
    job->channels = cinfo->num_components;
    if (!job->decode)
        return 0;

    if (image_check_size(cinfo->image_width, cinfo->image_height, 4, job->max_pixels,
                         &bytes) != 0)
        return -1;
    cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
    cinfo->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    (void)jpeg_start_decompress(cinfo);
    if (cinfo->output_width != cinfo->image_width ||
        cinfo->output_height != cinfo->image_height ||
        cinfo->output_components != (cmyk ? 4 : 3))
        return -1;

    stride = (size_t)cinfo->output_width * 3;
    job->pixels = malloc(stride * cinfo->output_height);
    if (job->pixels == NULL)
        return -1;
    if (cmyk) {
        job->cmyk_row = malloc((size_t)cinfo->output_width * 4);
        if (job->cmyk_row == NULL)
            return -1;
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        uint8_t *dst = job->pixels + (size_t)cinfo->output_scanline * stride;
        JSAMPROW row = cmyk ? job->cmyk_row : dst;
        /* A memory source never suspends, so 0 rows would mean a library bug;
         * bail out rather than spin. */
        if (jpeg_read_scanlines(cinfo, &row, 1) != 1)
            return -1;
        if (cmyk)
            image_cmyk_to_rgb(job->cmyk_row, dst, cinfo->output_width,
                              cinfo->saw_Adobe_marker);
    }
    /* jpeg_finish_decompress is skipped: every pixel is in hand and it would
     * only read on to EOI. (A file lacking just EOI has already failed above,
     * since the entropy decoder reads ahead into the missing bytes.) */
    return 0;
}

static int image_jpeg_run(image_jpeg_job *job)
{
    if (setjmp(job->err.jump))
        return -1;
    return image_jpeg_work(job);
}

static int image_jpeg_process(const void *data, size_t len, int decode, size_t max_pixels,
                              image_info *info_out, image_pixels *px_out)
{
    image_jpeg_job *job = NULL;
    int rc = -1;

    /* The decompress struct is large and zeroed so that destroying it is safe
     * even if jpeg_create_decompress itself failed. */
    job = calloc(1, sizeof *job);
    if (job == NULL)
        goto out;
    job->cinfo.err = jpeg_std_error(&job->err.pub);
    job->err.pub.error_exit = image_jpeg_error_exit;
    job->err.pub.emit_message = image_jpeg_emit_message;
    job->err.pub.output_message = image_jpeg_output_message;
    job->data = data;
    job->len = len;
    job->decode = decode;
    job->max_pixels = max_pixels;
    if (image_jpeg_run(job) != 0)
        goto out;

    if (info_out != NULL) {
        info_out->format = IMAGE_JPEG;
        info_out->width = job->width;
        info_out->height = job->height;
        info_out->channels = job->channels;
        info_out->mime = "image/jpeg";
    }
    if (px_out != NULL) {
        px_out->width = job->width;
        px_out->height = job->height;
        px_out->rgb = job->pixels;
        job->pixels = NULL;
    }
    rc = 0;
out:
    if (job != NULL) {
        free(job->cmyk_row);
        free(job->pixels);
        jpeg_destroy_decompress(&job->cinfo);
        free(job);
    }
    return rc;
}

/* ---- public entry points ------------------------------------------------------- */

int image_probe(const void *data, size_t len, image_info *out)
{
    image_info info = {0};
    int rc = -1;

    switch (image_sniff(data, len)) {
    case IMAGE_PNG: rc = image_png_process(data, len, 0, 0, &info, NULL); break;
    case IMAGE_JPEG: rc = image_jpeg_process(data, len, 0, 0, &info, NULL); break;
    default: break;
    }
    if (out != NULL)
        *out = info;
    return rc;
}

int image_decode(const void *data, size_t len, size_t max_pixels, image_pixels *out)
{
    image_pixels px = {0};
    int rc = -1;

    switch (image_sniff(data, len)) {
    case IMAGE_PNG: rc = image_png_process(data, len, 1, max_pixels, NULL, &px); break;
    case IMAGE_JPEG: rc = image_jpeg_process(data, len, 1, max_pixels, NULL, &px); break;
    default: break;
    }
    if (out != NULL)
        *out = px;
    else
        image_free(&px);
    return rc;
}

void image_free(image_pixels *px)
{
    if (px == NULL)
        return;
    free(px->rgb);
    px->rgb = NULL;
    px->width = 0;
    px->height = 0;
}

/* ---- PNG encoding -------------------------------------------------------------- */

typedef struct {
    uint8_t *buf;
    size_t len;
    size_t cap;
} image_writer;

typedef struct {
    png_structp png;
    png_infop info;
    image_writer dst;
} image_png_write_job;

static void image_png_write(png_structp png, png_bytep data, size_t n)
{
    image_writer *w = png_get_io_ptr(png);

    if (n > w->cap - w->len) {
        size_t cap = w->cap ? w->cap : 4096;
        uint8_t *grown;
        while (cap - w->len < n) {
            if (cap > SIZE_MAX / 2)
                png_error(png, "output too large");
            cap *= 2;
        }
        grown = realloc(w->buf, cap);
        if (grown == NULL)
            png_error(png, "out of memory");
        w->buf = grown;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, data, n);
    w->len += n;
}

static void image_png_flush(png_structp png)
{
    (void)png;
}

/* Only called from image_png_write_run, whose setjmp catches libpng's errors. */
static int image_png_write_work(image_png_write_job *job, const image_pixels *px)
{
    png_structp png = job->png;
    size_t stride = (size_t)px->width * 3;

    png_set_write_fn(png, &job->dst, image_png_write, image_png_flush);
    /* The default limits (1e6 per side) are for readers; the caller's pixels
     * already exist, so only the format's own limit applies. */
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_set_IHDR(png, job->info, (png_uint_32)px->width, (png_uint_32)px->height, 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, job->info);
    for (int y = 0; y < px->height; y++)
        png_write_row(png, px->rgb + (size_t)y * stride);
    png_write_end(png, NULL);
    return 0;
}

static int image_png_write_run(image_png_write_job *job, const image_pixels *px)
{
    if (setjmp(png_jmpbuf(job->png)))
        return -1;
    return image_png_write_work(job, px);
}

int image_encode_png(const image_pixels *px, uint8_t **out, size_t *out_len)
{
    image_png_write_job job = {0};
    int rc = -1;

    if (out == NULL || out_len == NULL)
        goto out;
    *out = NULL;
    *out_len = 0;
    if (px == NULL || px->rgb == NULL || px->width <= 0 || px->height <= 0 ||
        (size_t)px->height > SIZE_MAX / 3 / (size_t)px->width)
        goto out;
    job.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, image_png_error,
                                      image_png_warning);
    if (job.png == NULL)
        goto out;
    job.info = png_create_info_struct(job.png);
    if (job.info == NULL)
        goto out;
    if (image_png_write_run(&job, px) != 0)
        goto out;
    *out = job.dst.buf;
    *out_len = job.dst.len;
    job.dst.buf = NULL;
    rc = 0;
out:
    free(job.dst.buf);
    if (job.png != NULL)
        png_destroy_write_struct(&job.png, job.info != NULL ? &job.info : NULL);
    return rc;
}
