/* segment.h — deterministic, pixel-based segmentation from point, box and text
 * prompts. Dialect-neutral: it knows pixels, not wire shapes.
 *
 * There is no model and no randomness: every result is a pure function of the
 * decoded RGB pixels and the prompt, so the same image and prompt give
 * bit-identical regions on the same build.
 *
 *   point: seeded region growing in CIELAB. Every seed (positive or negative
 *          point) floods outwards in order of its minimax colour distance from
 *          the seed's robust colour (median of a 5x5 window); a pixel belongs to
 *          the seed that reaches it first, so positive regions never cross into
 *          what a negative point claims. The tolerance adapts per prompt: the
 *          area-vs-tolerance curve of the positive region is scanned from
 *          max(3, 2.5 x local noise) to 40 Delta-E with the stability
 *          area(t/1.3) / area(t*1.3); the first run of tolerances whose
 *          stability is >= 0.9 is the object (its most stable member, the
 *          larger on ties) - the smallest coherent thing at the click. Without
 *          such a run the most stable tolerance wins; the flood stops once the
 *          region passes an eighth of the image (it has leaked). The largest
 *          4-connected component is kept and its holes are filled (a hole
 *          holding a negative point stays open).
 *   box:   the box's one-pixel frame seeds a background model (up to 4 colour
 *          clusters by deterministic k-means; clusters under 10% of the frame
 *          are treated as object that the frame cut through). Pixels inside the
 *          box are scored by their distance to the nearest background colour,
 *          Otsu picks the threshold, the background is flooded from the frame,
 *          and what remains (minus negative boxes) is the foreground; its
 *          largest component, holes filled, is the object.
 *   text:  the same background model on the whole image (its frame), giving
 *          salient foreground components. Colour words in the prompt (red,
 *          orange, yellow, green, cyan, blue, purple, magenta/pink, brown,
 *          white, gray, black and synonyms; hue ranges in CIELAB LCh, see
 *          segment.c) keep only pixels of those colours; shape words (circle,
 *          square, rectangle, triangle and synonyms) keep components of that
 *          shape. Other words do not filter. Components are ranked by area x
 *          contrast.
 *
 * Outlines are traced along pixel edges (pixel (i, j) covers [i, i+1) x
 * [j, j+1)), so a filled rectangle of columns x..x+w-1 and rows y..y+h-1 comes
 * back as exactly (x,y) (x+w,y) (x+w,y+h) (x,y+h), clockwise on screen, then
 * simplified by Douglas-Peucker (epsilon 1 px, or perimeter/400 when larger).
 *
 * The score in [0,1] is sqrt(contrast term) x compactness term x evidence term:
 * contrast term 1 - exp(-dE/12) with dE the Delta-E between the region and a
 * 2-pixel band around it; compactness term min(1, (4 pi A / P^2) / 0.35)^0.5 on
 * the simplified outline; evidence term = tolerance stability (point), Otsu
 * separability (box) or the share of the component's pixels that match the
 * prompt's colour (text; 1 without a colour word). A clean, high-contrast,
 * compact object scores >= 0.9; a region that leaks into its surroundings has
 * low contrast, a ragged outline and an unstable tolerance, and scores low.
 *
 * Threads: a segment_image is immutable after segment_image_new and may be read
 * by any number of threads at once. Results are owned by the caller.
 */
#ifndef VS_SEGMENT_H
#define VS_SEGMENT_H
#include <stddef.h>
#include <stdint.h>

typedef struct segment_image segment_image;

typedef struct {
    double x, y;
} seg_point;

typedef struct {
    double x, y, w, h;
} seg_rect;

typedef struct {
    int npoints;
    double *xy; /* x0, y0, x1, y1, ... (owned) */
} seg_ring;

typedef struct {
    int x, y, w, h;       /* tight pixel bbox: columns x..x+w-1, rows y..y+h-1 */
    int64_t area;         /* pixels in the region (holes filled) */
    int nrings;
    seg_ring *rings;      /* ring 0 outer (clockwise on screen), then holes */
    double score;         /* [0, 1], rounded to 4 decimals */
    double contrast;      /* Delta-E between the region and its surroundings */
    double compactness;   /* 4 pi A / P^2 of the simplified outer ring */
    double evidence;      /* stability / separability / colour share, [0, 1] */
    double lab[3];        /* mean CIELAB colour of the region */
} seg_region;

typedef struct {
    seg_region *items;    /* owned, ranked best first */
    int n;
} seg_regions;

typedef enum { SEG_ERROR = -1, SEG_FOUND = 0, SEG_NONE = 1 } seg_status;

/* Bit sets of the words a text prompt used (see segment_query_parse). */
enum {
    SEG_COLOUR_RED = 1u << 0,
    SEG_COLOUR_ORANGE = 1u << 1,
    SEG_COLOUR_YELLOW = 1u << 2,
    SEG_COLOUR_GREEN = 1u << 3,
    SEG_COLOUR_CYAN = 1u << 4,
    SEG_COLOUR_BLUE = 1u << 5,
    SEG_COLOUR_PURPLE = 1u << 6,
    SEG_COLOUR_MAGENTA = 1u << 7,
    SEG_COLOUR_BROWN = 1u << 8,
    SEG_COLOUR_WHITE = 1u << 9,
    SEG_COLOUR_GRAY = 1u << 10,
    SEG_COLOUR_BLACK = 1u << 11,
};
enum {
    SEG_SHAPE_CIRCLE = 1u << 0,
    SEG_SHAPE_SQUARE = 1u << 1,
    SEG_SHAPE_RECTANGLE = 1u << 2,
    SEG_SHAPE_TRIANGLE = 1u << 3,
};

typedef struct {
    unsigned colours;     /* SEG_COLOUR_* bits; 0 = no colour filter */
    unsigned shapes;      /* SEG_SHAPE_* bits; 0 = no shape filter */
} seg_query;

/* The per-image analysis (CIELAB planes) of width x height 8-bit RGB pixels.
 * NULL on bad dimensions or out of memory. Free with segment_image_free. */
segment_image *segment_image_new(const uint8_t *rgb, int width, int height);
void segment_image_free(segment_image *img);
int segment_image_width(const segment_image *img);
int segment_image_height(const segment_image *img);
/* Bytes held by img (for cache budgets). */
size_t segment_image_bytes(const segment_image *img);

/* pos[0] is the click; pos[1..] extra positive points; neg the negative points.
 * Points are in pixel coordinates (floored); points outside the image are
 * ignored, and SEG_NONE is returned when pos[0] is outside. */
seg_status segment_point(const segment_image *img, const seg_point *pos, int npos, const seg_point *neg, int nneg,
                         seg_region *out);
/* box and negative boxes in pixel coordinates; SEG_NONE when the box misses the
 * image, is under 3x3 pixels after clipping, or holds no foreground. */
seg_status segment_box(const segment_image *img, const seg_rect *box, const seg_rect *neg, int nneg,
                       seg_region *out);
/* Every candidate for the prompt, ranked (at most max_results, <= 0 = 256);
 * SEG_NONE when there is none. Callers apply their score threshold and cut. */
seg_status segment_text(const segment_image *img, const char *prompt, int max_results, seg_regions *out);

/* Words of a free-text prompt: ASCII letters, case-insensitive, plural "s"/"es"
 * ignored; anything else separates words. Never fails. */
void segment_query_parse(const char *prompt, seg_query *out);

void seg_region_free(seg_region *r);
void seg_regions_free(seg_regions *r);
#endif
