/* fuzz_predict_parse.c — libFuzzer target for the raw-output parser
 * (server/core/predict_parse.c), the client's algorithm applied to model text
 * (think/answer tags, code fences, first JSON value, task shapes), and for the
 * tokenizer that cuts and streams the same text.
 *
 * The first byte picks the task; the rest is the raw output. Invariants: a
 * parse of UTF-8 text succeeds; a result keeps the asked task or is generic
 * with exactly the raw text; VQA answers and phrase-grounding sentences are
 * non-empty; every box holds four integers in 0..1024; tokens are non-empty,
 * advance, never start inside a UTF-8 sequence, and cover the text exactly.
 *
 *   CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
 *   ninja -C build-fuzz && build-fuzz/tests/fuzz/fuzz_predict_parse -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/predict.h"
#include "core/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_boxes(const json_t *groundings)
{
    if (!json_is_array(groundings) || json_array_size(groundings) == 0)
        abort();
    size_t i, k;
    const json_t *g, *box;
    json_array_foreach(groundings, i, g) {
        if (json_string_length(json_object_get(g, "phrase")) == 0)
            abort();
        json_array_foreach(json_object_get(g, "grounding"), k, box) {
            if (json_array_size(box) != 4)
                abort();
            for (size_t j = 0; j < 4; j++) {
                const json_t *v = json_array_get(box, j);
                if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1024)
                    abort();
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    predict_task task = (predict_task)(data[0] % 3);
    char *raw = malloc(size);
    if (!raw)
        return 0;
    memcpy(raw, data + 1, size - 1);
    raw[size - 1] = 0;
    size_t len = strlen(raw);
    int utf8 = validate_utf8(raw, len);
    predict_parsed p;
    int rc = predict_parse(raw, task, &p);
    if (utf8 && rc != 0)
        abort();
    if (rc == 0) {
        if (p.task != task && p.task != PREDICT_GENERIC)
            abort();
        if (p.task == PREDICT_GENERIC && strcmp(json_string_value(p.result), raw) != 0)
            abort();
        if (p.task == PREDICT_VQA && json_string_length(json_object_get(p.result, "answer")) == 0)
            abort();
        if (p.task == PREDICT_PHRASE_GROUNDING) {
            if (json_string_length(json_object_get(p.result, "sentence")) == 0)
                abort();
            check_boxes(json_object_get(p.result, "groundings"));
        }
        predict_parsed_free(&p);
    }
    size_t pos = 0, n = 0;
    while (raw[pos]) {
        size_t end = predict_token_end(raw, pos);
        if (end <= pos || end > len)
            abort();
        pos = end;
        n++;
    }
    if (n != predict_token_count(raw) || predict_token_prefix(raw, n) != len)
        abort();
    free(raw);
    return 0;
}
