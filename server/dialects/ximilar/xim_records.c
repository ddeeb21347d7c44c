/* xim_records.c — decoding of image inputs (see header). `_url` never leaves
 * the machine: it resolves through the store's remote-file registry or the
 * server's own /_blob URLs (store_remote_files_fetch). `_id` reads a training
 * image of the caller's workspace. Any request thread. */
#include "xim_records.h"
#include "core/hash.h"
#include "core/store_remote_files.h"
#include "store_xim_images.h"
#include "xim_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xim_records_base64(const char *text, size_t len, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (len > 5 && strncmp(text, "data:", 5) == 0) {
        const char *comma = memchr(text, ',', len);
        if (!comma)
            return -1;
        size_t head = (size_t)(comma - text);
        if (head < 7 || memcmp(comma - 7, ";base64", 7) != 0)
            return -1;
        len -= head + 1;
        text = comma + 1;
    }
    char *clean = malloc(len + 1);
    if (!clean)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] != '\n' && text[i] != '\r' && text[i] != ' ' && text[i] != '\t')
            clean[n++] = text[i];
    size_t cap = n / 4 * 3 + 3;
    unsigned char *buf = malloc(cap ? cap : 1);
    long got = buf && n ? hash_base64_decode(clean, n, buf, cap) : -1;
    free(clean);
    if (got <= 0) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = (size_t)got;
    return 0;
}

int xim_records_image(const char *ws, const json_t *record, unsigned char **data, size_t *len, int *code,
                      char *msg, size_t msglen)
{
    *data = NULL;
    *len = 0;
    *code = 400;
    json_t *b64 = json_object_get(record, "_base64");
    json_t *url = json_object_get(record, "_url");
    json_t *id = json_object_get(record, "_id");
    if (json_is_string(b64)) {
        if (xim_records_base64(json_string_value(b64), json_string_length(b64), data, len) != 0) {
            snprintf(msg, msglen, "_base64 is not valid base64");
            return -1;
        }
        return 0;
    }
    if (json_is_string(url)) {
        char ctype[128];
        st_result r = store_remote_files_fetch(json_string_value(url), data, len, ctype);
        if (r != ST_OK) {
            *code = r == ST_NOT_FOUND ? 404 : 503;
            snprintf(msg, msglen, "could not download the image from _url");
            return -1;
        }
        return 0;
    }
    if (json_is_string(id)) {
        char mime[64];
        if (!xim_is_uuid(json_string_value(id))) {
            snprintf(msg, msglen, "_id must be an image id");
            return -1;
        }
        st_result r = store_xim_images_bytes(ws, json_string_value(id), data, len, mime);
        if (r != ST_OK) {
            *code = 404;
            snprintf(msg, msglen, "no image with _id %s", json_string_value(id));
            return -1;
        }
        return 0;
    }
    snprintf(msg, msglen, "the record has no image: give _base64, _url or _id");
    return -1;
}
