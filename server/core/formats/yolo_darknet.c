/* yolo_darknet.c — YOLO Darknet labels: one `<split>/labels/<image stem>.txt`
 * per image (an empty file for an image without boxes), lines `class cx cy w h`
 * normalized to [0,1] with 0-based class numbers; `classes.txt` at the root.
 * Stateless apart from the split name; any thread.
 */
#include "format.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    char split[32];
} yolo_darknet_state;

static void *yolo_darknet_open(const format_options *o, const char *split)
{
    (void)o;
    yolo_darknet_state *s = calloc(1, sizeof *s);
    if (s)
        snprintf(s->split, sizeof s->split, "%s", split);
    return s;
}

static int yolo_darknet_add(void *state, const format_image *img, format_emit emit, void *arg)
{
    yolo_darknet_state *s = state;
    format_buf b = {0};
    for (size_t i = 0; i < img->nboxes; i++) {
        const format_box *bx = &img->boxes[i];
        format_buf_printf(&b, "%d %.6f %.6f %.6f %.6f\n", bx->class_index, (bx->xmin + bx->xmax) / 2,
                          (bx->ymin + bx->ymax) / 2, bx->xmax - bx->xmin, bx->ymax - bx->ymin);
    }
    char stem[256], path[320];
    format_stem(img->filename, stem, sizeof stem);
    snprintf(path, sizeof path, "%s/labels/%s.txt", s->split, stem);
    int rc = b.failed ? -1 : emit(arg, path, b.data ? (const void *)b.data : "", b.len);
    format_buf_free(&b);
    return rc;
}

static int yolo_darknet_close(void *state, format_emit emit, void *arg)
{
    (void)emit;
    (void)arg;
    free(state);
    return 0;
}

const format_def format_yolo_darknet = {"YoloDarknet", FORMAT_TASK_BIT(FORMAT_TASK_PHRASE_GROUNDING),
                                        yolo_darknet_open, yolo_darknet_add, yolo_darknet_close, format_root_classes};
