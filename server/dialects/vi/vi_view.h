/* vi_view.h — how core annotations look through Vi (DESIGN "One store, four
 * views"): the dataset's tags, and per asset the API parts (Caption /
 * PhraseGroundingBoundingBox) plus the logical line an export writes.
 *
 * Mapping: text "caption" rows are Caption parts; bbox, polygon, polyline and
 * mask rows are boxes (their bounds) whose phrase is the label; in VQA datasets
 * text "vqa" rows ({"question","answer"}) are a question part then an answer
 * part (id + "-a"); in freeform datasets text "freeform" rows (else "caption")
 * are the response. Points and classifications have no Vi form. A phrase
 * grounding asset with boxes but no caption gets a derived caption (the labels
 * joined) in exports only. Request threads and the worker.
 */
#ifndef VS_VI_VIEW_H
#define VS_VI_VIEW_H
#include <jansson.h>
#include <stdint.h>
#include "core/formats/format.h"
#include "core/store_assets.h"
#include "vi.h"

typedef struct {
    char *name;
    int id;
    int64_t count;
} vi_tag;

typedef struct {
    vi_tag *tags;   /* ordered by id */
    size_t n;
} vi_tags;

/* Tags of a dataset: those declared at creation (attrs "vi".tags) keep their ids;
 * every other box label follows in order of first appearance. */
st_result vi_tags_load(const char *workspace_id, const dataset_row *ds, vi_tags *out);
/* Index of name in t->tags, or -1. */
int vi_tags_find(const vi_tags *t, const char *name);
void vi_tags_free(vi_tags *t);

typedef enum { VI_PART_CAPTION = 0, VI_PART_BOX } vi_part_role;

typedef struct {
    char id[48];            /* annotationId */
    char core_id[37];       /* the core row behind it */
    char whole[256];
    vi_part_role role;
    int tag;
    char *text;             /* Caption contents, owned */
    char *phrase;           /* box phrase, owned */
    double box[4];          /* normalized xmin, ymin, xmax, ymax */
    int start, end;         /* span in the caption */
    int64_t created_at, updated_at;
} vi_part;

typedef struct {
    vi_part *parts;
    size_t nparts;
    /* the export line */
    char line_id[256];
    char *caption;          /* owned; "" when none */
    format_box *boxes;
    size_t nboxes;
    format_qa *qas;
    size_t nqas;
    char *response;         /* owned or NULL */
} vi_view;

st_result vi_view_load(const char *workspace_id, const asset_row *a, vi_type type, const vi_tags *tags, vi_view *out);
void vi_view_free(vi_view *v);
/* The API Annotation object of one part. */
json_t *vi_part_json(const vi_dataset_ref *d, const char *asset_id, const vi_part *p);
#endif
