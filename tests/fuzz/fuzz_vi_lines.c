/* fuzz_vi_lines.c — libFuzzer target for the Vi JSONL line parser
 * (server/dialects/vi/vi_lines.c), the code that reads every line of an
 * uploaded annotation file.
 *
 * The first byte picks the dataset type; the rest is the line. Invariants
 * checked on success: boxes are finite, inside [0,1] and not inverted; spans lie
 * inside the caption; every string is non-NULL; VQA orders are unique; an
 * "empty" line really carries nothing. On failure the reason is a non-empty,
 * NUL-terminated string.
 *
 *   clang -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iserver \
 *       tests/fuzz/fuzz_vi_lines.c build/libvs.a $(pkg-config --libs jansson sqlite3 uuid zlib libpng \
 *       libjpeg libmicrohttpd) -lm -lpthread -o fuzz_vi_lines
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialects/vi/vi_lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    vi_type type = (vi_type)(data[0] % 3);
    vi_line l;
    char err[300];
    err[0] = 'x';
    err[1] = 0;
    if (vi_lines_parse((const char *)data + 1, size - 1, type, &l, err, sizeof err) != 0) {
        if (!err[0] || memchr(err, 0, sizeof err) == NULL)
            abort();
        vi_lines_free(&l);
        return 0;
    }
    if ((!l.asset_id || !*l.asset_id) && (!l.filename || !*l.filename))
        abort();
    if (type == VI_TYPE_PHRASE_GROUNDING) {
        if (!l.caption)
            abort();
        int len = vi_utf8_length(l.caption);
        for (size_t i = 0; i < l.nboxes; i++) {
            const vi_line_box *b = &l.boxes[i];
            for (int k = 0; k < 4; k++)
                if (!isfinite(b->box[k]) || b->box[k] < 0 || b->box[k] > 1)
                    abort();
            if (!(b->box[0] < b->box[2]) || !(b->box[1] < b->box[3]) || !b->phrase || !*b->phrase)
                abort();
            if (b->start < 0 || b->end < b->start || b->end > len || (b->end == b->start && b->start != 0))
                abort();
        }
        if (l.empty != (!*l.caption && l.nboxes == 0))
            abort();
    } else if (type == VI_TYPE_VQA) {
        for (size_t i = 0; i < l.nqas; i++) {
            if (!l.qas[i].question || !*l.qas[i].question || !l.qas[i].answer || !*l.qas[i].answer)
                abort();
            for (size_t k = 0; k < i; k++)
                if (l.qas[k].order == l.qas[i].order)
                    abort();
        }
        if (l.empty != (l.nqas == 0))
            abort();
    } else if (l.empty != (!l.response || !*l.response)) {
        abort();
    }
    vi_lines_free(&l);
    return 0;
}
