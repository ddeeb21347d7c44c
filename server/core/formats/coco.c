/* coco.c — COCO object-detection JSON, one `<split>/annotations.json` per split:
 * images[{id,file_name,width,height}], annotations[{id,image_id,category_id,
 * bbox:[x,y,w,h] pixels,area,iscrowd:0}], categories[{id,name}] with 1-based
 * ids in class-list order. Images and annotations are accumulated as two JSON
 * fragments while images arrive and joined on close. Any thread.
 */
#include "format.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    const format_options *o;
    char split[32];
    format_buf images, annotations;
    long long next_image, next_annotation;
} coco_state;

static void *coco_open(const format_options *o, const char *split)
{
    coco_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->o = o;
    snprintf(s->split, sizeof s->split, "%s", split);
    return s;
}

static int coco_add(void *state, const format_image *img, format_emit emit, void *arg)
{
    (void)emit;
    (void)arg;
    coco_state *s = state;
    long long image_id = ++s->next_image;
    format_buf_printf(&s->images, "%s{\"id\":%lld,\"file_name\":", image_id > 1 ? "," : "", image_id);
    format_buf_json_string(&s->images, img->filename);
    format_buf_printf(&s->images, ",\"width\":%d,\"height\":%d}", img->width, img->height);
    for (size_t i = 0; i < img->nboxes; i++) {
        const format_box *bx = &img->boxes[i];
        double x = format_px(bx->xmin, img->width), y = format_px(bx->ymin, img->height);
        double w = format_px(bx->xmax, img->width) - x, h = format_px(bx->ymax, img->height) - y;
        long long id = ++s->next_annotation;
        format_buf_printf(&s->annotations, "%s{\"id\":%lld,\"image_id\":%lld,\"category_id\":%d,\"bbox\":[",
                          id > 1 ? "," : "", id, image_id, bx->class_index + 1);
        format_buf_num(&s->annotations, x);
        format_buf_puts(&s->annotations, ",");
        format_buf_num(&s->annotations, y);
        format_buf_puts(&s->annotations, ",");
        format_buf_num(&s->annotations, w);
        format_buf_puts(&s->annotations, ",");
        format_buf_num(&s->annotations, h);
        format_buf_puts(&s->annotations, "],\"area\":");
        format_buf_num(&s->annotations, w * h);
        format_buf_puts(&s->annotations, ",\"iscrowd\":0}");
    }
    return s->images.failed || s->annotations.failed ? -1 : 0;
}

static int coco_close(void *state, format_emit emit, void *arg)
{
    coco_state *s = state;
    int rc = 0;
    if (emit) {
        format_buf out = {0};
        format_buf_puts(&out, "{\"info\":{\"description\":\"visionstack export\"},\"images\":[");
        format_buf_put(&out, s->images.data, s->images.len);
        format_buf_puts(&out, "],\"annotations\":[");
        format_buf_put(&out, s->annotations.data, s->annotations.len);
        format_buf_puts(&out, "],\"categories\":[");
        for (size_t i = 0; i < s->o->nclasses; i++) {
            format_buf_printf(&out, "%s{\"id\":%zu,\"name\":", i ? "," : "", i + 1);
            format_buf_json_string(&out, s->o->classes[i]);
            format_buf_puts(&out, ",\"supercategory\":\"none\"}");
        }
        format_buf_puts(&out, "]}\n");
        char path[64];
        snprintf(path, sizeof path, "%s/annotations.json", s->split);
        rc = out.failed || s->images.failed || s->annotations.failed ? -1 : emit(arg, path, out.data, out.len);
        format_buf_free(&out);
    }
    format_buf_free(&s->images);
    format_buf_free(&s->annotations);
    free(s);
    return rc;
}

const format_def format_coco = {"Coco", FORMAT_TASK_BIT(FORMAT_TASK_PHRASE_GROUNDING), coco_open, coco_add, coco_close,
                                NULL};
