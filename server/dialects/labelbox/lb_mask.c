/* lb_mask.c — mask decoding and run-length encoding. The size limit is checked
 * from the image header before any pixel is decoded, so a 60000-pixel-wide PNG
 * costs nothing. The cache holds the last LB_MASK_CACHE decodes (a 9000x9000
 * mask is 243 MB of RGB). Single-threaded use (one import at a time per cache). */
#include "lb_mask.h"
#include "core/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lb_mask_cache_init(lb_mask_cache *c) { memset(c, 0, sizeof *c); }

void lb_mask_cache_free(lb_mask_cache *c)
{
    for (int i = 0; i < LB_MASK_CACHE; i++)
        image_free(&c->slots[i].px);
    memset(c, 0, sizeof *c);
}

const lb_mask_slot *lb_mask_cached(const lb_mask_cache *c, const char *key)
{
    for (int i = 0; i < LB_MASK_CACHE; i++)
        if (c->slots[i].key[0] && strcmp(c->slots[i].key, key) == 0)
            return &c->slots[i];
    return NULL;
}

const lb_mask_slot *lb_mask_decode(lb_mask_cache *c, const char *key, const void *data, size_t len)
{
    const lb_mask_slot *hit = lb_mask_cached(c, key);
    if (hit)
        return hit;
    lb_mask_slot *s = &c->slots[c->next];
    c->next = (c->next + 1) % LB_MASK_CACHE;
    image_free(&s->px);
    memset(s, 0, sizeof *s);
    snprintf(s->key, sizeof s->key, "%s", key);
    image_info info;
    if (image_probe(data, len, &info) != 0) {
        s->status = LB_MASK_UNDECODABLE;
        return s;
    }
    s->width = info.width;
    s->height = info.height;
    if (info.width > LB_MASK_MAX_SIDE || info.height > LB_MASK_MAX_SIDE) {
        s->status = LB_MASK_TOO_LARGE;
        return s;
    }
    if (image_decode(data, len, (size_t)LB_MASK_MAX_SIDE * LB_MASK_MAX_SIDE, &s->px) != 0) {
        memset(&s->px, 0, sizeof s->px);
        s->status = LB_MASK_UNDECODABLE;
        return s;
    }
    s->status = LB_MASK_OK;
    return s;
}

void lb_mask_key_bytes(const char *text, size_t len, char out[72])
{
    uint8_t sha[32];
    char hex[65];
    hash_sha256(text, len, sha);
    hash_hex(sha, 32, hex);
    snprintf(out, 72, "b:%s", hex);
}

json_t *lb_mask_rle(const image_pixels *px, const int *rgb, int64_t *area)
{
    json_t *counts = json_array();
    int64_t run = 0, fg = 0;
    int state = 0; /* runs alternate, starting with background */
    for (int x = 0; x < px->width; x++) {
        for (int y = 0; y < px->height; y++) {
            const uint8_t *p = px->rgb + ((size_t)y * (size_t)px->width + (size_t)x) * 3;
            int on = rgb ? p[0] == rgb[0] && p[1] == rgb[1] && p[2] == rgb[2] : (p[0] | p[1] | p[2]) != 0;
            if (on != state) {
                json_array_append_new(counts, json_integer(run));
                run = 0;
                state = on;
            }
            run++;
            fg += on;
        }
    }
    json_array_append_new(counts, json_integer(run));
    *area = fg;
    return json_pack("{s:{s:o,s:[i,i]},s:i,s:i}", "rle", "counts", counts, "size", px->height, px->width, "width",
                     px->width, "height", px->height);
}
