/* csv.c — the two CSV box formats, one `<split>/annotations.csv` per split with a
 * row per box: CsvFourCorner `filename,xmin,ymin,xmax,ymax,label` and
 * CsvWidthHeight `filename,xmin,ymin,width,height,label`, in pixels, or in [0,1]
 * when the export asks for normalized coordinates. Any thread.
 */
#include "format.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    const format_options *o;
    int width_height;
    char split[32];
    format_buf rows;
} csv_state;

static void *csv_open_mode(const format_options *o, const char *split, int width_height)
{
    csv_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->o = o;
    s->width_height = width_height;
    snprintf(s->split, sizeof s->split, "%s", split);
    format_buf_puts(&s->rows, width_height ? "filename,xmin,ymin,width,height,label\n"
                                           : "filename,xmin,ymin,xmax,ymax,label\n");
    return s;
}

static void *csv_open_four_corner(const format_options *o, const char *split) { return csv_open_mode(o, split, 0); }
static void *csv_open_width_height(const format_options *o, const char *split) { return csv_open_mode(o, split, 1); }

static int csv_add(void *state, const format_image *img, format_emit emit, void *arg)
{
    (void)emit;
    (void)arg;
    csv_state *s = state;
    double sx = s->o->normalized ? 1.0 : img->width, sy = s->o->normalized ? 1.0 : img->height;
    for (size_t i = 0; i < img->nboxes; i++) {
        const format_box *bx = &img->boxes[i];
        double v[4] = {bx->xmin * sx, bx->ymin * sy, bx->xmax * sx, bx->ymax * sy};
        if (s->width_height) {
            v[2] -= v[0];
            v[3] -= v[1];
        }
        format_buf_csv(&s->rows, img->filename);
        for (int k = 0; k < 4; k++) {
            format_buf_puts(&s->rows, ",");
            format_buf_num(&s->rows, v[k]);
        }
        format_buf_puts(&s->rows, ",");
        format_buf_csv(&s->rows, bx->label);
        format_buf_puts(&s->rows, "\n");
    }
    return s->rows.failed ? -1 : 0;
}

static int csv_close(void *state, format_emit emit, void *arg)
{
    csv_state *s = state;
    int rc = 0;
    if (emit) {
        char path[64];
        snprintf(path, sizeof path, "%s/annotations.csv", s->split);
        rc = s->rows.failed ? -1 : emit(arg, path, s->rows.data, s->rows.len);
    }
    format_buf_free(&s->rows);
    free(s);
    return rc;
}

const format_def format_csv_four_corner = {"CsvFourCorner", FORMAT_TASK_BIT(FORMAT_TASK_PHRASE_GROUNDING),
                                           csv_open_four_corner, csv_add, csv_close, NULL};
const format_def format_csv_width_height = {"CsvWidthHeight", FORMAT_TASK_BIT(FORMAT_TASK_PHRASE_GROUNDING),
                                            csv_open_width_height, csv_add, csv_close, NULL};
