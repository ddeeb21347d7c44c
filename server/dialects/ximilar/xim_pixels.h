/* xim_pixels.h — pixel work for Ximilar images: the perceptual hash that lets a
 * trained model recognise its training images (even re-encoded or resized by
 * the client), and box-filter downscaling for thumbnails and object crops. Pure
 * functions over core/image.h pixels; any thread. */
#ifndef VS_XIM_PIXELS_H
#define VS_XIM_PIXELS_H
#include <stddef.h>
#include <stdint.h>
#include "core/image.h"

/* 64-bit difference hash: luminance box-averaged onto a 9x8 grid, one bit per
 * horizontal neighbour pair (left brighter than right). */
uint64_t xim_pixels_dhash(const image_pixels *px);
int xim_pixels_hamming(uint64_t a, uint64_t b);
/* The region [x0,x1) x [y0,y1) of src, box-downscaled so that its longer side is
 * at most max_side (never upscaled). out->rgb is malloc'd (free with
 * image_free). 0 on success, -1 on a bad region or no memory. */
int xim_pixels_scaled_region(const image_pixels *src, int x0, int y0, int x1, int y1, int max_side,
                             image_pixels *out);
/* Decodes an encoded PNG/JPEG and returns its hash and a PNG thumbnail (longer
 * side <= max_side; *png malloc'd, caller frees). 0 on success. */
int xim_pixels_hash_and_thumb(const void *data, size_t len, int max_side, uint64_t *hash, uint8_t **png,
                              size_t *png_len);
#endif
