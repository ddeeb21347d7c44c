/* vi_jsonl.c — Vi JSONL (spec §12.1–12.2, §12.2a) and ViFull.
 *
 * A line carries the canonical keys (`id`, `asset`, `contents` tagged by `type`)
 * plus the vendor guide's own keys (`asset_id`, `caption` + `grounded_phrases`
 * with `bbox`, `contents.interactions`, `contents.response`), so both readers
 * accept it. Dataset exports write one file per image and one line per file,
 * `<split>/annotations/<ordinal>.jsonl` in the order images arrive (the caller
 * sorts them by file name); ViFull adds `<split>/images/<file>`. Annotation-only
 * exports put one `<split>.jsonl` per split at the archive root. Any thread.
 */
#include "format.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    const format_options *o;
    char split[32];
    long ordinal;
    format_buf lines; /* annotation-only layout */
} vi_jsonl_state;

static void *vi_jsonl_open(const format_options *o, const char *split)
{
    vi_jsonl_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->o = o;
    snprintf(s->split, sizeof s->split, "%s", split);
    return s;
}

static void point(format_buf *b, double x, double y)
{
    format_buf_puts(b, "[");
    format_buf_num(b, x);
    format_buf_puts(b, ",");
    format_buf_num(b, y);
    format_buf_puts(b, "]");
}

static void phrase_grounding(format_buf *b, const format_image *img, double sx, double sy)
{
    const char *caption = img->caption ? img->caption : "";
    format_buf_puts(b, "{\"type\":\"PhraseGrounding\",\"caption\":");
    format_buf_json_string(b, caption);
    format_buf_puts(b, ",\"groundedPhrases\":[");
    for (size_t i = 0; i < img->nboxes; i++) {
        const format_box *bx = &img->boxes[i];
        double x0 = bx->xmin * sx, y0 = bx->ymin * sy, x1 = bx->xmax * sx, y1 = bx->ymax * sy;
        format_buf_puts(b, i ? ",{\"phrase\":" : "{\"phrase\":");
        format_buf_json_string(b, bx->label);
        format_buf_printf(b, ",\"startTokenIndex\":%d,\"endTokenIndex\":%d,\"bounds\":[", bx->start, bx->end);
        point(b, x0, y0);
        format_buf_puts(b, ",");
        point(b, x1, y0);
        format_buf_puts(b, ",");
        point(b, x1, y1);
        format_buf_puts(b, ",");
        point(b, x0, y1);
        format_buf_puts(b, "]}");
    }
    format_buf_puts(b, "]},\"caption\":");
    format_buf_json_string(b, caption);
    format_buf_puts(b, ",\"grounded_phrases\":[");
    for (size_t i = 0; i < img->nboxes; i++) {
        const format_box *bx = &img->boxes[i];
        format_buf_puts(b, i ? ",{\"phrase\":" : "{\"phrase\":");
        format_buf_json_string(b, bx->label);
        format_buf_puts(b, ",\"bbox\":[");
        format_buf_num(b, bx->xmin * sx);
        format_buf_puts(b, ",");
        format_buf_num(b, bx->ymin * sy);
        format_buf_puts(b, ",");
        format_buf_num(b, bx->xmax * sx);
        format_buf_puts(b, ",");
        format_buf_num(b, bx->ymax * sy);
        format_buf_puts(b, "]}");
    }
    format_buf_puts(b, "]");
}

/* Appends one line (with its newline) describing img. */
static void vi_jsonl_line(format_buf *b, const format_options *o, const format_image *img)
{
    double sx = o->normalized ? 1.0 : img->width, sy = o->normalized ? 1.0 : img->height;
    format_buf_puts(b, "{\"id\":");
    format_buf_json_string(b, img->id ? img->id : img->asset_id);
    format_buf_puts(b, ",\"asset_id\":");
    format_buf_json_string(b, img->asset_id);
    format_buf_puts(b, ",\"asset\":{\"type\":\"Image\",\"filename\":");
    format_buf_json_string(b, img->filename);
    format_buf_printf(b, ",\"height\":%d,\"width\":%d},\"contents\":", img->height, img->width);
    switch (o->task) {
    case FORMAT_TASK_VQA:
        format_buf_puts(b, "{\"type\":\"Vqa\",\"interactions\":[");
        for (size_t i = 0; i < img->nqas; i++) {
            format_buf_printf(b, "%s{\"order\":%d,\"question\":", i ? "," : "", img->qas[i].order);
            format_buf_json_string(b, img->qas[i].question);
            format_buf_puts(b, ",\"answer\":");
            format_buf_json_string(b, img->qas[i].answer);
            format_buf_puts(b, "}");
        }
        format_buf_puts(b, "]}");
        break;
    case FORMAT_TASK_FREEFORM:
        format_buf_puts(b, "{\"type\":\"Freeform\",\"response\":");
        format_buf_json_string(b, img->response ? img->response : "");
        format_buf_puts(b, "}");
        break;
    case FORMAT_TASK_PHRASE_GROUNDING:
    default:
        phrase_grounding(b, img, sx, sy);
        break;
    }
    format_buf_puts(b, "}\n");
}

static int vi_jsonl_add(void *state, const format_image *img, format_emit emit, void *arg)
{
    vi_jsonl_state *s = state;
    if (s->o->annotation_only) {
        vi_jsonl_line(&s->lines, s->o, img);
        return s->lines.failed ? -1 : 0;
    }
    char path[320];
    if (s->o->include_images && img->image) {
        snprintf(path, sizeof path, "%s/images/%s", s->split, img->filename);
        if (emit(arg, path, img->image, img->image_len) != 0)
            return -1;
    }
    format_buf line = {0};
    vi_jsonl_line(&line, s->o, img);
    snprintf(path, sizeof path, "%s/annotations/%08ld.jsonl", s->split, ++s->ordinal);
    int rc = line.failed ? -1 : emit(arg, path, line.data, line.len);
    format_buf_free(&line);
    return rc;
}

static int vi_jsonl_close(void *state, format_emit emit, void *arg)
{
    vi_jsonl_state *s = state;
    int rc = 0;
    if (emit && s->o->annotation_only) {
        char path[64];
        snprintf(path, sizeof path, "%s.jsonl", s->split);
        rc = s->lines.failed ? -1 : emit(arg, path, s->lines.data ? (const void *)s->lines.data : "", s->lines.len);
    }
    format_buf_free(&s->lines);
    free(s);
    return rc;
}

#define ALL_TASKS                                                                                            \
    (FORMAT_TASK_BIT(FORMAT_TASK_PHRASE_GROUNDING) | FORMAT_TASK_BIT(FORMAT_TASK_VQA) |                      \
     FORMAT_TASK_BIT(FORMAT_TASK_FREEFORM))

const format_def format_vi_jsonl = {"ViJsonl", ALL_TASKS, vi_jsonl_open, vi_jsonl_add, vi_jsonl_close, NULL};
/* ViFull is the same writer; the caller sets include_images. */
const format_def format_vi_full = {"ViFull", ALL_TASKS, vi_jsonl_open, vi_jsonl_add, vi_jsonl_close, NULL};
