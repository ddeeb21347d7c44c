/* predict_input.c — turning what a client sends into an image the model can
 * look at: data URLs (untrusted text; the fuzz target drives the parser) and
 * encoded PNG/JPEG bytes, decoded once and reduced to the working copy whose
 * signature and segmentation every later step uses. Pure; any thread.
 */
#include "core/hash.h"
#include "predict.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DATA_URL_MAX_TYPE 63

int predict_data_url_decode(const char *url, size_t len, unsigned char **data, size_t *out_len, char *mime,
                            char *err, size_t errlen)
{
    *data = NULL;
    *out_len = 0;
    mime[0] = 0;
    char *clean = NULL;
    int rc = -1;
    if (len < 5 || strncasecmp(url, "data:", 5) != 0) {
        snprintf(err, errlen, "not a data URL");
        goto out;
    }
    const char *comma = memchr(url, ',', len);
    if (!comma) {
        snprintf(err, errlen, "the data URL has no ',' before its payload");
        goto out;
    }
    /* Header: media type, then ;-separated parameters, the last "base64". */
    const char *head = url + 5;
    size_t head_len = (size_t)(comma - head);
    size_t type_len = 0;
    while (type_len < head_len && head[type_len] != ';')
        type_len++;
    if (type_len == 0 || type_len > DATA_URL_MAX_TYPE) {
        snprintf(err, errlen, "the data URL has no media type");
        goto out;
    }
    for (size_t i = 0; i < type_len; i++)
        mime[i] = (char)tolower((unsigned char)head[i]);
    mime[type_len] = 0;
    if (strncmp(mime, "image/", 6) != 0) {
        snprintf(err, errlen, "the data URL's media type '%.40s' is not an image type", mime);
        goto out;
    }
    int base64 = 0;
    for (size_t i = type_len; i < head_len;) {
        size_t j = i + 1;
        while (j < head_len && head[j] != ';')
            j++;
        base64 = j - i - 1 == 6 && strncasecmp(head + i + 1, "base64", 6) == 0;
        i = j;
    }
    if (!base64) {
        snprintf(err, errlen, "the data URL must be base64-encoded (';base64,')");
        goto out;
    }
    const char *payload = comma + 1;
    size_t plen = len - (size_t)(payload - url);
    clean = malloc(plen + 1);
    if (!clean) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    size_t n = 0;
    for (size_t i = 0; i < plen; i++)
        if (!isspace((unsigned char)payload[i]))
            clean[n++] = payload[i];
    if (n == 0) {
        snprintf(err, errlen, "the data URL's payload is empty");
        goto out;
    }
    size_t cap = n / 4 * 3 + 3;
    *data = malloc(cap);
    if (!*data) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    long got = hash_base64_decode(clean, n, *data, cap);
    if (got <= 0) {
        snprintf(err, errlen, "the data URL's payload is not valid base64");
        free(*data);
        *data = NULL;
        goto out;
    }
    *out_len = (size_t)got;
    rc = 0;
out:
    free(clean);
    return rc;
}

int predict_image_load(const void *data, size_t len, predict_image *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    image_info info;
    image_pixels full = {0};
    int rc = -1;
    if (!data || len == 0 || image_probe(data, len, &info) != 0) {
        snprintf(err, errlen, "the image is not a PNG or JPEG file");
        goto out;
    }
    if ((uint64_t)info.width * (uint64_t)info.height > PREDICT_MAX_PIXELS) {
        snprintf(err, errlen, "the image has %dx%d pixels; at most %u are accepted", info.width, info.height,
                 PREDICT_MAX_PIXELS);
        goto out;
    }
    if (image_decode(data, len, PREDICT_MAX_PIXELS, &full) != 0) {
        snprintf(err, errlen, "the %s image is corrupt and cannot be decoded", info.mime);
        goto out;
    }
    if (phash_downscale(&full, PREDICT_WORK_SIDE, &out->work) != 0 || phash_compute(&out->work, &out->sig) != 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    out->width = full.width;
    out->height = full.height;
    out->mime = info.mime;
    rc = 0;
out:
    image_free(&full);
    return rc;
}

void predict_image_free(predict_image *im)
{
    image_free(&im->work);
    memset(im, 0, sizeof *im);
}
