/* test_format_tfrecord.c — TFRecord framing (length, masked CRC32C of the
 * length, data, masked CRC32C of the data) and the tf.train.Example protobuf:
 * every feature decodes to the expected list kind and values. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/hash.h"
#include "format_capture.h"

static uint32_t le32(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static int varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        unsigned char c = *(*p)++;
        *v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return 0;
    }
    return -1;
}

/* Reads one length-delimited field; returns its number or -1. */
static int field(const unsigned char **p, const unsigned char *end, const unsigned char **body, size_t *len)
{
    uint64_t tag, n;
    if (varint(p, end, &tag) || (tag & 7) != 2 || varint(p, end, &n) || n > (uint64_t)(end - *p))
        return -1;
    *body = *p;
    *len = (size_t)n;
    *p += n;
    return (int)(tag >> 3);
}

/* Finds feature `key` in an Example; returns the Feature's kind (1 bytes, 2
 * float, 3 int64) and its list body. */
static int feature(const unsigned char *ex, size_t ex_len, const char *key, const unsigned char **list, size_t *list_len)
{
    const unsigned char *p = ex, *end = ex + ex_len, *features, *entry, *q, *qend, *b;
    size_t flen, elen, blen;
    if (field(&p, end, &features, &flen) != 1)
        return -1;
    p = features;
    end = features + flen;
    while (p < end) {
        if (field(&p, end, &entry, &elen) != 1)
            return -1;
        q = entry;
        qend = entry + elen;
        const unsigned char *k = NULL, *v = NULL;
        size_t klen = 0, vlen = 0;
        while (q < qend) {
            int f = field(&q, qend, &b, &blen);
            if (f == 1) {
                k = b;
                klen = blen;
            } else if (f == 2) {
                v = b;
                vlen = blen;
            } else {
                return -1;
            }
        }
        if (k && klen == strlen(key) && memcmp(k, key, klen) == 0 && v) {
            const unsigned char *r = v;
            int kind = field(&r, v + vlen, list, list_len);
            return kind;
        }
    }
    return 0;
}

int main(void)
{
    capture c = {0};
    format_options o = capture_options(1);
    CHECK_EQ_INT(capture_run(&c, "ViTfrecord", &o, "training", capture_images, 2), 0);
    const captured_file *f = capture_find(&c, "training/training.tfrecord");
    CHECK(f != NULL);
    const unsigned char *p = f ? f->data : NULL, *end = f ? f->data + f->len : NULL;
    int records = 0;
    while (p && p < end) {
        CHECK(end - p >= 16);
        uint64_t n = le32(p) | (uint64_t)le32(p + 4) << 32;
        CHECK_EQ_INT(le32(p + 8), hash_crc32c_masked(p, 8));
        CHECK((uint64_t)(end - p) >= 16 + n);
        CHECK_EQ_INT(le32(p + 12 + n), hash_crc32c_masked(p + 12, (size_t)n));
        const unsigned char *ex = p + 12, *list;
        size_t list_len;
        if (records == 0) {
            CHECK_EQ_INT(feature(ex, n, "image/filename", &list, &list_len), 1);
            const unsigned char *q = list, *s;
            size_t slen;
            CHECK_EQ_INT(field(&q, list + list_len, &s, &slen), 1);
            CHECK(slen == 5 && memcmp(s, "a.jpg", 5) == 0);
            CHECK_EQ_INT(feature(ex, n, "image/width", &list, &list_len), 3);
            q = list;
            const unsigned char *packed;
            size_t plen;
            CHECK_EQ_INT(field(&q, list + list_len, &packed, &plen), 1);
            uint64_t w;
            CHECK(varint(&packed, packed + plen, &w) == 0 && w == 640);
            CHECK_EQ_INT(feature(ex, n, "image/object/bbox/xmax", &list, &list_len), 2);
            q = list;
            CHECK_EQ_INT(field(&q, list + list_len, &packed, &plen), 1);
            CHECK_EQ_INT(plen, 8);
            float x;
            memcpy(&x, packed + 4, 4);
            CHECK(x > 0.8999f && x < 0.9001f);
            CHECK_EQ_INT(feature(ex, n, "image/object/class/text", &list, &list_len), 1);
            CHECK_EQ_INT(feature(ex, n, "image/object/class/label", &list, &list_len), 3);
            CHECK_EQ_INT(feature(ex, n, "caption", &list, &list_len), 1);
            CHECK_EQ_INT(feature(ex, n, "image/format", &list, &list_len), 1);
            CHECK_EQ_INT(feature(ex, n, "image/encoded", &list, &list_len), 0); /* annotation export: no bytes */
        }
        records++;
        p += 16 + n;
    }
    CHECK_EQ_INT(records, 2);
    capture_free(&c);

    /* Dataset exports carry the image bytes; VQA lists questions and answers. */
    unsigned char bytes[4] = {0xff, 0xd8, 0xff, 0xe0};
    format_qa qas[] = {{1, "Q1", "A1"}, {2, "Q2", "A2"}};
    format_image vqa = {"w", "a", "v.jpg", "image/jpeg", 4, 4, "", NULL, 0, qas, 2, NULL, bytes, 4};
    format_options vo = {FORMAT_TASK_VQA, NULL, 0, 1, 1, 0};
    CHECK_EQ_INT(capture_run(&c, "ViTfrecord", &vo, "dump", &vqa, 1), 0);
    f = capture_find(&c, "dump/dump.tfrecord");
    CHECK(f != NULL);
    if (f) {
        const unsigned char *list;
        size_t list_len, n = f->len - 16;
        CHECK_EQ_INT(feature(f->data + 12, n, "image/encoded", &list, &list_len), 1);
        CHECK_EQ_INT(feature(f->data + 12, n, "vqa/answer", &list, &list_len), 1);
        CHECK_EQ_INT(list_len, 8); /* two entries of 2 + 2 bytes */
    }
    capture_free(&c);
    return check_exit();
}
