/* lb_mask.h — segmentation masks of NDJSON imports: decoding the PNG (with a
 * small cache, since a composite mask is named once per instance colour) and
 * turning the pixels of one colour into the core's run-length geometry. */
#ifndef VS_LB_MASK_H
#define VS_LB_MASK_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/image.h"

#define LB_MASK_MAX_SIDE 9000
#define LB_MASK_CACHE 2

typedef struct {
    char key[72];            /* "" = empty slot */
    int status;              /* LB_MASK_OK / LB_MASK_UNDECODABLE / LB_MASK_TOO_LARGE */
    int width, height;
    image_pixels px;
} lb_mask_slot;

typedef struct {
    lb_mask_slot slots[LB_MASK_CACHE];
    int next;
} lb_mask_cache;

enum { LB_MASK_OK = 0, LB_MASK_UNDECODABLE = -1, LB_MASK_TOO_LARGE = -2 };

void lb_mask_cache_init(lb_mask_cache *c);
void lb_mask_cache_free(lb_mask_cache *c);
/* The cached decode of key, or NULL. */
const lb_mask_slot *lb_mask_cached(const lb_mask_cache *c, const char *key);
/* Decodes data (PNG or JPEG) under key, refusing sides above 9000 px before
 * decoding; the slot (owned by the cache, valid until the next decode) says how
 * it went. Never NULL. */
const lb_mask_slot *lb_mask_decode(lb_mask_cache *c, const char *key, const void *data, size_t len);
/* A cache key for inline bytes: "b:" + SHA-256 hex of the text. */
void lb_mask_key_bytes(const char *text, size_t len, char out[72]);
/* COCO-style run lengths (column-major, starting with background) of the pixels
 * equal to rgb — or, when rgb is NULL, of every non-zero pixel: {"rle":{"counts":
 * [...],"size":[h,w]},"width":w,"height":h}. *area = foreground pixels. */
json_t *lb_mask_rle(const image_pixels *px, const int *rgb, int64_t *area);
#endif
