/* format.h — the dialect-neutral export model and the registry of annotation
 * formats (COCO, YOLO Darknet, YOLO Keras/PyTorch, Pascal VOC, CSV four-corner
 * and width-height, Vi JSONL, TFRecord).
 *
 * A caller describes each image once (format_image: file, size, caption, boxes
 * with class index and normalized corners, VQA pairs, free text, optionally the
 * encoded bytes) and feeds images split by split to a format's writer. A writer
 * emits finished files through a callback (path inside the archive, bytes), so
 * it never knows whether they go to a ZIP, a directory or a test buffer. Memory
 * is bounded by what a format must hold for one split (COCO's JSON, a CSV), never
 * by image bytes, which are emitted as they come. Pure, no globals; any thread.
 */
#ifndef VS_FORMAT_H
#define VS_FORMAT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { FORMAT_TASK_PHRASE_GROUNDING = 0, FORMAT_TASK_VQA, FORMAT_TASK_FREEFORM } format_task;
#define FORMAT_TASK_BIT(t) (1u << (t))

typedef struct {
    const char *label;          /* phrase / class name */
    int class_index;            /* 0-based position in format_options.classes */
    double xmin, ymin, xmax, ymax; /* normalized [0,1], origin top-left */
    int start, end;             /* phrase span in the caption (characters) */
} format_box;

typedef struct {
    int order;
    const char *question, *answer;
} format_qa;

typedef struct {
    const char *id;             /* line id (JSONL "id") */
    const char *asset_id;
    const char *filename;       /* file name only */
    const char *mime;           /* image/jpeg, image/png, ... */
    int width, height;
    const char *caption;        /* phrase grounding; "" when none */
    const format_box *boxes;
    size_t nboxes;
    const format_qa *qas;
    size_t nqas;
    const char *response;       /* freeform text or NULL */
    const unsigned char *image; /* encoded bytes or NULL */
    size_t image_len;
} format_image;

typedef struct {
    format_task task;
    const char *const *classes; /* class names by index */
    size_t nclasses;
    int normalized;             /* coordinates in [0,1] where the format allows */
    int include_images;         /* ViFull-style archives carry the image bytes */
    int annotation_only;        /* annotation-only download layout */
} format_options;

/* Receives one finished file; returns 0, or -1 to abort the export. */
typedef int (*format_emit)(void *arg, const char *path, const void *data, size_t len);

typedef struct {
    const char *name;           /* wire name, e.g. "Coco" */
    unsigned tasks;             /* FORMAT_TASK_BIT(...) of the tasks it can express */
    /* Per split: open a writer (NULL on allocation failure), add images, close.
     * close emits what the split still holds and frees the state; with emit NULL
     * it only frees. */
    void *(*open)(const format_options *o, const char *split);
    int (*add)(void *state, const format_image *img, format_emit emit, void *arg);
    int (*close)(void *state, format_emit emit, void *arg);
    /* Files at the archive root after every split (e.g. classes.txt); may be NULL. */
    int (*root)(const format_options *o, format_emit emit, void *arg);
} format_def;

/* The format with this wire name, or NULL. */
const format_def *format_find(const char *name);

/* A growable byte buffer. Functions never fail loudly: an allocation failure sets
 * `failed`, later appends are ignored, and the caller checks once at the end. */
typedef struct {
    unsigned char *data;
    size_t len, cap;
    int failed;
} format_buf;

void format_buf_put(format_buf *b, const void *p, size_t n);
void format_buf_puts(format_buf *b, const char *s);
void format_buf_printf(format_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A number with ten significant digits, integers without a fraction. */
void format_buf_num(format_buf *b, double v);
/* A JSON string literal (quotes included), escaped. */
void format_buf_json_string(format_buf *b, const char *s);
/* XML character data, escaped. */
void format_buf_xml(format_buf *b, const char *s);
/* A CSV field, quoted when it holds a comma, quote or line break. */
void format_buf_csv(format_buf *b, const char *s);
void format_buf_free(format_buf *b);

/* Writes `classes.txt` (one class name per line, in index order) at the root;
 * the `root` hook of the YOLO formats. */
int format_root_classes(const format_options *o, format_emit emit, void *arg);

/* "a.b.jpg" → "a.b" into out (cap bytes). */
void format_stem(const char *filename, char *out, size_t cap);
/* Pixel value of a normalized coordinate. */
double format_px(double v, int size);
#endif
