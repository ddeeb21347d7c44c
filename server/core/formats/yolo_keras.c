/* yolo_keras.c — YOLO Keras/PyTorch annotations: one `<split>/annotations.txt`
 * per split, a line per image `<file> x1,y1,x2,y2,class x1,y1,x2,y2,class ...`
 * in integer pixels with 0-based class numbers; `classes.txt` at the root.
 * Any thread.
 */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    char split[32];
    format_buf lines;
} yolo_keras_state;

static void *yolo_keras_open(const format_options *o, const char *split)
{
    (void)o;
    yolo_keras_state *s = calloc(1, sizeof *s);
    if (s)
        snprintf(s->split, sizeof s->split, "%s", split);
    return s;
}

static int yolo_keras_add(void *state, const format_image *img, format_emit emit, void *arg)
{
    (void)emit;
    (void)arg;
    yolo_keras_state *s = state;
    format_buf_puts(&s->lines, img->filename);
    for (size_t i = 0; i < img->nboxes; i++) {
        const format_box *bx = &img->boxes[i];
        format_buf_printf(&s->lines, " %ld,%ld,%ld,%ld,%d", lround(format_px(bx->xmin, img->width)),
                          lround(format_px(bx->ymin, img->height)), lround(format_px(bx->xmax, img->width)),
                          lround(format_px(bx->ymax, img->height)), bx->class_index);
    }
    format_buf_puts(&s->lines, "\n");
    return s->lines.failed ? -1 : 0;
}

static int yolo_keras_close(void *state, format_emit emit, void *arg)
{
    yolo_keras_state *s = state;
    int rc = 0;
    if (emit) {
        char path[64];
        snprintf(path, sizeof path, "%s/annotations.txt", s->split);
        rc = s->lines.failed ? -1 : emit(arg, path, s->lines.data ? (const void *)s->lines.data : "", s->lines.len);
    }
    format_buf_free(&s->lines);
    free(s);
    return rc;
}

const format_def format_yolo_keras = {"YoloKerasPytorch", FORMAT_TASK_BIT(FORMAT_TASK_PHRASE_GROUNDING),
                                      yolo_keras_open, yolo_keras_add, yolo_keras_close, format_root_classes};
