/* pg_results.c — regions to Pictograph annotation objects (see pg_results.h).
 * Pure functions; any thread. */
#include "pg_results.h"
#include "core/hash.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void pg_result_id(const char *seed, int index, char out[37])
{
    size_t n = strlen(seed);
    char tail[16];
    int tl = snprintf(tail, sizeof tail, "#%d", index);
    uint8_t digest[32];
    char buf[4096];
    /* seeds are short (an image id and a canonical request); longer ones are
     * hashed in two steps so any length works */
    if (n + (size_t)tl < sizeof buf) {
        memcpy(buf, seed, n);
        memcpy(buf + n, tail, (size_t)tl);
        hash_sha256(buf, n + (size_t)tl, digest);
    } else {
        uint8_t first[32];
        hash_sha256(seed, n, first);
        memcpy(buf, first, 32);
        memcpy(buf + 32, tail, (size_t)tl);
        hash_sha256(buf, 32 + (size_t)tl, digest);
    }
    digest[6] = (uint8_t)((digest[6] & 0x0f) | 0x50);
    digest[8] = (uint8_t)((digest[8] & 0x3f) | 0x80);
    char hex[33];
    hash_hex(digest, 16, hex);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static json_t *ring_json(const seg_ring *ring)
{
    json_t *pts = json_array();
    for (int i = 0; i < ring->npoints; i++)
        json_array_append_new(pts, json_pack("{s:f,s:f}", "x", ring->xy[2 * i], "y", ring->xy[2 * i + 1]));
    return pts;
}

json_t *pg_result_annotation(const seg_region *r, const char *name, const char *id, int polygon)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "type", json_string(polygon ? "polygon" : "bbox"));
    json_object_set_new(o, "bounding_box", json_pack("{s:f,s:f,s:f,s:f}", "x", (double)r->x, "y", (double)r->y, "w",
                                                     (double)r->w, "h", (double)r->h));
    if (polygon) {
        json_t *paths = json_array();
        for (int i = 0; i < r->nrings; i++)
            json_array_append_new(paths, ring_json(&r->rings[i]));
        json_object_set_new(o, "polygon", json_pack("{s:o}", "paths", paths));
    }
    json_object_set_new(o, "confidence", json_real(r->score));
    json_object_set_new(o, "created_by", json_string("sam3"));
    json_object_set_new(o, "attributes", json_array());
    return o;
}

double pg_result_inference_time(int width, int height, int text)
{
    double mp = (double)width * height / 1e6;
    double t = text ? 0.06 + 0.09 * mp : 0.02 + 0.03 * mp;
    return floor(t * 1000.0 + 0.5) / 1000.0;
}
