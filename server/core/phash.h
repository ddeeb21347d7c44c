/* phash.h — perceptual signatures of images, so that a trained model recognises
 * its training images after the client re-encodes or resizes them, and the box
 * downscale they are built on.
 *
 * A signature has three parts, each robust to JPEG re-encoding and resizing:
 *   dct    64 bits: luminance box-averaged onto 32x32, 2-D DCT-II, the 8x8
 *          lowest frequencies; a bit is set when its coefficient exceeds the
 *          median of the 63 AC coefficients by more than a small margin, so
 *          near-median (noise) coefficients read 0 on both sides and flat
 *          images hash alike instead of at random;
 *   grid   mean RGB of a 4x4 grid: the DCT sees structure only, so two scenes
 *          of the same layout in different colours are told apart here;
 *   aspect width / height.
 * Two signatures match when the DCT bits differ in at most PHASH_MAX_BITS, no
 * grid cell's mean colour differs by more than PHASH_MAX_COLOUR (mean over the
 * three channels), and the aspect ratios differ by at most 8%. Pure functions, no global state; any thread.
 */
#ifndef VS_PHASH_H
#define VS_PHASH_H
#include <stddef.h>
#include <stdint.h>
#include "image.h"

#define PHASH_GRID_BYTES 48
#define PHASH_MAX_BITS 10
#define PHASH_MAX_COLOUR 20.0
/* Text form: 16 hex digits (dct), 96 hex digits (grid), "-", aspect x 10000. */
#define PHASH_HEX_LEN 128

typedef struct {
    uint64_t dct;
    uint8_t grid[PHASH_GRID_BYTES]; /* row-major 4x4 cells, R G B each */
    double aspect;                  /* width / height */
} phash_sig;

/* 0 on success; -1 for an empty image. */
int phash_compute(const image_pixels *px, phash_sig *out);
/* Differing DCT bits. */
int phash_bits(const phash_sig *a, const phash_sig *b);
/* The largest per-cell colour difference (mean absolute over R, G, B), 0..255. */
double phash_colour(const phash_sig *a, const phash_sig *b);
/* 1 when a and b are the same picture (see above). */
int phash_match(const phash_sig *a, const phash_sig *b);
/* A distance for ranking several matches: smaller is closer. */
double phash_distance(const phash_sig *a, const phash_sig *b);

/* Text form into out[PHASH_HEX_LEN + 1]; parse returns 0 or -1 (bad text). */
void phash_to_text(const phash_sig *s, char *out);
int phash_from_text(const char *text, phash_sig *out);

/* src box-averaged so that its longer side is at most max_side (never
 * upscaled; a copy when already small enough). out->rgb is malloc'd (free with
 * image_free). 0 on success, -1 on bad input or no memory. */
int phash_downscale(const image_pixels *src, int max_side, image_pixels *out);
#endif
