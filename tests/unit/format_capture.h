/* format_capture.h — header-only helpers for the export-format unit tests: a
 * format_emit that keeps every emitted file in memory, and a runner that feeds
 * images to one format split by split. Single-threaded test binaries only.
 */
#ifndef VS_FORMAT_CAPTURE_H
#define VS_FORMAT_CAPTURE_H
#include <stdlib.h>
#include <string.h>
#include "core/formats/format.h"

typedef struct {
    char path[320];
    unsigned char *data;
    size_t len;
} captured_file;

typedef struct {
    captured_file files[64];
    int n;
} capture;

static inline int capture_emit(void *arg, const char *path, const void *data, size_t len)
{
    capture *c = arg;
    if (c->n >= 64)
        return -1;
    captured_file *f = &c->files[c->n++];
    strncpy(f->path, path, sizeof f->path - 1);
    f->data = malloc(len + 1);
    memcpy(f->data, data, len);
    f->data[len] = 0;
    f->len = len;
    return 0;
}

static inline const captured_file *capture_find(const capture *c, const char *path)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->files[i].path, path) == 0)
            return &c->files[i];
    return NULL;
}

static inline void capture_free(capture *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->files[i].data);
    c->n = 0;
}

/* Runs one split of n images through the named format; 0 on success. */
static inline int capture_run(capture *c, const char *format, const format_options *o, const char *split,
                              const format_image *imgs, size_t n)
{
    const format_def *def = format_find(format);
    if (!def)
        return -1;
    void *w = def->open(o, split);
    if (!w)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = def->add(w, &imgs[i], capture_emit, c);
    if (def->close(w, rc == 0 ? capture_emit : NULL, c) != 0)
        rc = -1;
    if (rc == 0 && def->root)
        rc = def->root(o, capture_emit, c);
    return rc;
}

/* Two images of a phrase-grounding dataset with classes {cat, couch}. */
static const char *const capture_classes[] = {"cat", "couch"};
static const format_box capture_boxes[] = {
    {"cat", 0, 0.1, 0.2, 0.5, 0.7, 2, 5},
    {"couch", 1, 0.6, 0.2, 0.9, 0.7, 20, 25},
};
static const format_image capture_images[] = {
    {"line-1", "asset-1", "a.jpg", "image/jpeg", 640, 480, "A cat sitting on a couch", capture_boxes, 2, NULL, 0, NULL,
     NULL, 0},
    {"line-2", "asset-2", "b.photo.png", "image/png", 100, 50, "", NULL, 0, NULL, 0, NULL, NULL, 0},
};

static inline format_options capture_options(int normalized)
{
    format_options o = {FORMAT_TASK_PHRASE_GROUNDING, capture_classes, 2, normalized, 0, 0};
    return o;
}
#endif
