/* fuzz_predict_chat.c — libFuzzer target for the /v1/chat/completions body
 * parser (server/dialects/inference/inf_request.c), the image data-URL decoder
 * (server/core/predict_input.c) and the JSON-schema filler
 * (server/core/predict_schema.c), which all read untrusted client input.
 *
 * The input is the request body. Invariants: a refusal carries a non-empty,
 * NUL-terminated message; an accepted request has its prompt and system text,
 * 1..8 choices, an image index inside its image list, at most 4 stop strings;
 * every data URL either decodes to bytes with an image media type or is
 * refused with a reason; a caller's schema always yields JSON text that parses.
 *
 *   CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
 *   ninja -C build-fuzz && build-fuzz/tests/fuzz/fuzz_predict_chat -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/predict.h"
#include "dialects/inference/inf_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!body)
        return 0;
    inf_request r;
    char err[300], param[96];
    err[0] = 'x';
    err[1] = 0;
    if (inf_request_parse(body, &r, err, sizeof err, param, sizeof param) != 0) {
        if (!err[0] || !memchr(err, 0, sizeof err) || !memchr(param, 0, sizeof param))
            abort();
        json_decref(body);
        return 0;
    }
    if (!r.model || !r.system || !r.prompt || r.n < 1 || r.n > INF_MAX_CHOICES || r.nstop > INF_MAX_STOP ||
        r.image >= r.nimages || r.nimages > INF_MAX_IMAGES)
        abort();
    for (int i = 0; i < r.nimages; i++) {
        unsigned char *bytes = NULL;
        size_t len = 0;
        char mime[64], why[160];
        why[0] = 0;
        if (predict_data_url_decode(r.images[i], strlen(r.images[i]), &bytes, &len, mime, why, sizeof why) == 0) {
            if (!bytes || len == 0 || strncmp(mime, "image/", 6) != 0)
                abort();
            free(bytes);
        } else if (!why[0] || bytes) {
            abort();
        }
    }
    if (r.schema) {
        predict_request rq = {PREDICT_GENERIC, r.prompt, NULL, NULL, NULL, 0, 0};
        char *text = predict_fill_schema(&rq, r.schema);
        if (text) {
            json_t *doc = json_loads(text, JSON_DECODE_ANY, NULL);
            if (!doc)
                abort();
            json_decref(doc);
            free(text);
        }
    }
    inf_request_free(&r);
    json_decref(body);
    return 0;
}
