/* voc.c — Pascal VOC XML, one `<split>/annotations/<image stem>.xml` per image:
 * filename, size{width,height,depth}, and per box an object{name, pose,
 * truncated, difficult, bndbox{xmin,ymin,xmax,ymax}} in integer pixels. Each
 * image's file is emitted as soon as it is added. Any thread.
 */
#include "format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    char split[32];
} voc_state;

static void *voc_open(const format_options *o, const char *split)
{
    (void)o;
    voc_state *s = calloc(1, sizeof *s);
    if (s)
        snprintf(s->split, sizeof s->split, "%s", split);
    return s;
}

static int voc_add(void *state, const format_image *img, format_emit emit, void *arg)
{
    voc_state *s = state;
    format_buf b = {0};
    format_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<annotation>\n  <folder>");
    format_buf_xml(&b, s->split);
    format_buf_puts(&b, "</folder>\n  <filename>");
    format_buf_xml(&b, img->filename);
    format_buf_printf(&b,
                      "</filename>\n  <source><database>visionstack</database></source>\n"
                      "  <size>\n    <width>%d</width>\n    <height>%d</height>\n    <depth>%d</depth>\n"
                      "  </size>\n  <segmented>0</segmented>\n",
                      img->width, img->height, 3);
    for (size_t i = 0; i < img->nboxes; i++) {
        const format_box *bx = &img->boxes[i];
        format_buf_puts(&b, "  <object>\n    <name>");
        format_buf_xml(&b, bx->label);
        format_buf_printf(&b,
                          "</name>\n    <pose>Unspecified</pose>\n    <truncated>0</truncated>\n"
                          "    <difficult>0</difficult>\n    <bndbox>\n      <xmin>%ld</xmin>\n"
                          "      <ymin>%ld</ymin>\n      <xmax>%ld</xmax>\n      <ymax>%ld</ymax>\n"
                          "    </bndbox>\n  </object>\n",
                          lround(format_px(bx->xmin, img->width)), lround(format_px(bx->ymin, img->height)),
                          lround(format_px(bx->xmax, img->width)), lround(format_px(bx->ymax, img->height)));
    }
    format_buf_puts(&b, "</annotation>\n");
    char stem[256], path[320];
    format_stem(img->filename, stem, sizeof stem);
    snprintf(path, sizeof path, "%s/annotations/%s.xml", s->split, stem);
    int rc = b.failed ? -1 : emit(arg, path, b.data, b.len);
    format_buf_free(&b);
    return rc;
}

static int voc_close(void *state, format_emit emit, void *arg)
{
    (void)emit;
    (void)arg;
    free(state);
    return 0;
}

const format_def format_voc = {"PascalVoc", FORMAT_TASK_BIT(FORMAT_TASK_PHRASE_GROUNDING), voc_open, voc_add,
                               voc_close, NULL};
