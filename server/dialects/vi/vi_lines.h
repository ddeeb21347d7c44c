/* vi_lines.h — one line of an uploaded Vi JSONL annotation file, parsed and
 * validated against the dataset type (spec §12.2, §12.2a, §12.4). Accepts the
 * canonical lines (`asset.filename`, `contents` tagged by `type`) and the vendor
 * guide's hand-written ones (`asset_id`, `caption` + `grounded_phrases` with
 * `bbox`, `contents.interactions`, `contents.response`). Pure: no store, no
 * globals; any thread. This is the parser the fuzz target drives.
 */
#ifndef VS_VI_LINES_H
#define VS_VI_LINES_H
#include <jansson.h>
#include <stddef.h>
#include "vi.h"

typedef struct {
    const char *phrase;
    double box[4];          /* normalized xmin, ymin, xmax, ymax */
    int start, end;         /* span in the caption, in characters */
} vi_line_box;

typedef struct {
    int order;
    const char *question, *answer;
} vi_line_qa;

typedef struct {
    json_t *root;           /* owns every string below */
    const char *id;         /* explicit line id, or NULL */
    const char *asset_id;   /* asset_id / assetId, or NULL */
    const char *filename;   /* asset.filename, or NULL */
    const char *caption;    /* phrase grounding; "" when absent */
    vi_line_box *boxes;
    size_t nboxes;
    vi_line_qa *qas;
    size_t nqas;
    const char *response;   /* freeform */
    int empty;              /* "no annotation for this asset" */
} vi_line;

/* Parses text[0..len). 0 and *out filled (free with vi_lines_free), or -1 with a
 * reason in err. */
int vi_lines_parse(const char *text, size_t len, vi_type type, vi_line *out, char *err, size_t errlen);
void vi_lines_free(vi_line *l);

/* Character (code point) offsets of the first case-insensitive occurrence of
 * phrase in caption; [0,0] when absent. */
void vi_span_find(const char *caption, const char *phrase, int *start, int *end);
/* Number of code points in a UTF-8 string. */
int vi_utf8_length(const char *s);
#endif
