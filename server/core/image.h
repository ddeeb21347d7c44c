/* image.h — real PNG and JPEG decoding (libpng, libjpeg-turbo).
 * image_probe reads only headers; image_decode returns pixels. Thread-safe, no
 * global state; every error path frees what it allocated.
 */
#ifndef VS_IMAGE_H
#define VS_IMAGE_H
#include <stddef.h>
#include <stdint.h>

typedef enum { IMAGE_UNKNOWN = 0, IMAGE_PNG, IMAGE_JPEG } image_format;

typedef struct {
    image_format format;
    int width;
    int height;
    int channels;        /* channels in the file: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA */
    const char *mime;    /* "image/png", "image/jpeg" (static) */
} image_info;

typedef struct {
    int width;
    int height;
    uint8_t *rgb;        /* width*height*3 bytes, row-major, owned: free with image_free */
} image_pixels;

/* Sniffs the magic bytes only. */
image_format image_sniff(const void *data, size_t len);
/* 0 on success; -1 when not a PNG/JPEG or the header is corrupt. */
int image_probe(const void *data, size_t len, image_info *out);
/* Decodes to 8-bit RGB (alpha composited on black, gray expanded, 16-bit reduced).
 * Refuses images above max_pixels (0 = 100 megapixels). 0 on success, -1 on error. */
int image_decode(const void *data, size_t len, size_t max_pixels, image_pixels *out);
void image_free(image_pixels *px);
/* Encodes RGB pixels as PNG into a malloc'd buffer (*out, *out_len). 0 on success. */
int image_encode_png(const image_pixels *px, uint8_t **out, size_t *out_len);
#endif
