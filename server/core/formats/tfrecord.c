/* tfrecord.c — TFRecord files of tf.train.Example records (spec §12.5), one
 * `<split>/<split>.tfrecord` per split.
 *
 * Framing per record: uint64 little-endian length, uint32 masked CRC32C of those
 * 8 bytes, the data, uint32 masked CRC32C of the data. The data is a serialized
 * Example {Features features = 1}, Features {map<string, Feature> feature = 1},
 * Feature {BytesList = 1 | FloatList = 2 | Int64List = 3}, lists packed where
 * protobuf packs them. Messages are built inside-out into small buffers; the
 * split's file accumulates in memory and is emitted on close. Any thread.
 */
#include "format.h"
#include "../hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const format_options *o;
    char split[32];
    format_buf file;
} tfrecord_state;

static void pb_varint(format_buf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        tmp[n++] = (unsigned char)(c | (v ? 0x80 : 0));
    } while (v);
    format_buf_put(b, tmp, n);
}

/* A length-delimited field. */
static void pb_field(format_buf *b, unsigned field, const void *p, size_t n)
{
    pb_varint(b, (uint64_t)field << 3 | 2);
    pb_varint(b, n);
    format_buf_put(b, p, n);
}

/* Wraps a list body as Feature{kind = list} and adds the map entry. */
static void add_feature(format_buf *features, const char *key, unsigned kind, const format_buf *list)
{
    format_buf feature = {0}, entry = {0};
    pb_field(&feature, kind, list->data ? (const void *)list->data : "", list->len);
    pb_field(&entry, 1, key, strlen(key));
    pb_field(&entry, 2, feature.data, feature.len);
    pb_field(features, 1, entry.data, entry.len);
    if (feature.failed || entry.failed)
        features->failed = 1;
    format_buf_free(&feature);
    format_buf_free(&entry);
}

static void feature_bytes(format_buf *features, const char *key, const void *p, size_t n)
{
    format_buf list = {0};
    pb_field(&list, 1, p, n);
    add_feature(features, key, 1, &list);
    format_buf_free(&list);
}

static void feature_int64s(format_buf *features, const char *key, const int64_t *v, size_t n)
{
    format_buf packed = {0}, list = {0};
    for (size_t i = 0; i < n; i++)
        pb_varint(&packed, (uint64_t)v[i]);
    if (n)
        pb_field(&list, 1, packed.data, packed.len);
    add_feature(features, key, 3, &list);
    format_buf_free(&packed);
    format_buf_free(&list);
}

/* One float per box, taken by `pick` (0..3 = xmin, ymin, xmax, ymax). */
static void feature_box_floats(format_buf *features, const char *key, const format_image *img, int pick, double scale)
{
    format_buf packed = {0}, list = {0};
    for (size_t i = 0; i < img->nboxes; i++) {
        const format_box *bx = &img->boxes[i];
        double v = pick == 0 ? bx->xmin : pick == 1 ? bx->ymin : pick == 2 ? bx->xmax : bx->ymax;
        float f = (float)(v * scale);
        uint32_t u;
        memcpy(&u, &f, 4);
        unsigned char le[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16),
                               (unsigned char)(u >> 24)};
        format_buf_put(&packed, le, 4);
    }
    if (img->nboxes)
        pb_field(&list, 1, packed.data, packed.len);
    add_feature(features, key, 2, &list);
    format_buf_free(&packed);
    format_buf_free(&list);
}

/* A bytes list of the strings picked from each element. */
typedef const char *(*pick_string)(const format_image *img, size_t i);
static const char *pick_phrase(const format_image *img, size_t i) { return img->boxes[i].label; }
static const char *pick_question(const format_image *img, size_t i) { return img->qas[i].question; }
static const char *pick_answer(const format_image *img, size_t i) { return img->qas[i].answer; }

static void feature_strings(format_buf *features, const char *key, const format_image *img, size_t n, pick_string pick)
{
    format_buf list = {0};
    for (size_t i = 0; i < n; i++) {
        const char *s = pick(img, i);
        pb_field(&list, 1, s, strlen(s));
    }
    add_feature(features, key, 1, &list);
    format_buf_free(&list);
}

static const char *image_format_name(const char *mime)
{
    if (!mime)
        return "jpeg";
    const char *slash = strchr(mime, '/');
    return slash ? slash + 1 : mime;
}

static void example(format_buf *out, const format_options *o, const format_image *img)
{
    format_buf f = {0};
    int64_t v;
    feature_bytes(&f, "image/filename", img->filename, strlen(img->filename));
    v = img->width;
    feature_int64s(&f, "image/width", &v, 1);
    v = img->height;
    feature_int64s(&f, "image/height", &v, 1);
    const char *fmt = image_format_name(img->mime);
    feature_bytes(&f, "image/format", fmt, strlen(fmt));
    if (o->include_images && img->image)
        feature_bytes(&f, "image/encoded", img->image, img->image_len);
    if (o->task == FORMAT_TASK_PHRASE_GROUNDING) {
        double sx = o->normalized ? 1.0 : img->width, sy = o->normalized ? 1.0 : img->height;
        feature_box_floats(&f, "image/object/bbox/xmin", img, 0, sx);
        feature_box_floats(&f, "image/object/bbox/ymin", img, 1, sy);
        feature_box_floats(&f, "image/object/bbox/xmax", img, 2, sx);
        feature_box_floats(&f, "image/object/bbox/ymax", img, 3, sy);
        feature_strings(&f, "image/object/class/text", img, img->nboxes, pick_phrase);
        int64_t *labels = calloc(img->nboxes ? img->nboxes : 1, sizeof *labels);
        if (!labels) {
            f.failed = 1;
        } else {
            for (size_t i = 0; i < img->nboxes; i++)
                labels[i] = img->boxes[i].class_index;
            feature_int64s(&f, "image/object/class/label", labels, img->nboxes);
            free(labels);
        }
        const char *caption = img->caption ? img->caption : "";
        feature_bytes(&f, "caption", caption, strlen(caption));
    } else if (o->task == FORMAT_TASK_VQA) {
        feature_strings(&f, "vqa/question", img, img->nqas, pick_question);
        feature_strings(&f, "vqa/answer", img, img->nqas, pick_answer);
    } else {
        const char *text = img->response ? img->response : "";
        feature_bytes(&f, "freeform/text", text, strlen(text));
    }
    pb_field(out, 1, f.data ? (const void *)f.data : "", f.len);
    if (f.failed)
        out->failed = 1;
    format_buf_free(&f);
}

static void frame(format_buf *file, const format_buf *data)
{
    unsigned char len[8];
    uint64_t n = data->len;
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(n >> (8 * i));
    uint32_t c1 = hash_crc32c_masked(len, 8), c2 = hash_crc32c_masked(data->data, data->len);
    unsigned char crc1[4] = {(unsigned char)c1, (unsigned char)(c1 >> 8), (unsigned char)(c1 >> 16),
                             (unsigned char)(c1 >> 24)};
    unsigned char crc2[4] = {(unsigned char)c2, (unsigned char)(c2 >> 8), (unsigned char)(c2 >> 16),
                             (unsigned char)(c2 >> 24)};
    format_buf_put(file, len, 8);
    format_buf_put(file, crc1, 4);
    format_buf_put(file, data->data, data->len);
    format_buf_put(file, crc2, 4);
}

static void *tfrecord_open(const format_options *o, const char *split)
{
    tfrecord_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->o = o;
    snprintf(s->split, sizeof s->split, "%s", split);
    return s;
}

static int tfrecord_add(void *state, const format_image *img, format_emit emit, void *arg)
{
    (void)emit;
    (void)arg;
    tfrecord_state *s = state;
    format_buf data = {0};
    example(&data, s->o, img);
    if (data.failed)
        s->file.failed = 1;
    else
        frame(&s->file, &data);
    format_buf_free(&data);
    return s->file.failed ? -1 : 0;
}

static int tfrecord_close(void *state, format_emit emit, void *arg)
{
    tfrecord_state *s = state;
    int rc = 0;
    if (emit) {
        char path[96];
        snprintf(path, sizeof path, "%s/%s.tfrecord", s->split, s->split);
        rc = s->file.failed ? -1 : emit(arg, path, s->file.data ? (const void *)s->file.data : "", s->file.len);
    }
    format_buf_free(&s->file);
    free(s);
    return rc;
}

const format_def format_tfrecord = {"ViTfrecord",
                                    FORMAT_TASK_BIT(FORMAT_TASK_PHRASE_GROUNDING) | FORMAT_TASK_BIT(FORMAT_TASK_VQA) |
                                        FORMAT_TASK_BIT(FORMAT_TASK_FREEFORM),
                                    tfrecord_open, tfrecord_add, tfrecord_close, NULL};
