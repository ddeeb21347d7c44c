/* fuzz_body_validators.c — libFuzzer target for the request-body validators that
 * have no target of their own: the edge helpers every handler uses
 * (vs_body_allow / vs_body_string / vs_body_int, server/request.c), annotation
 * geometry (geometry_validate / geometry_bounds, server/core/geometry.c), the
 * Ximilar VLM variable schema (xim_var_*, server/dialects/ximilar/xim_rules.c)
 * and the fault-rule parser of the control plane (faults_add, server/faults.c).
 *
 * The first input byte picks the image size and a seed; the rest is a JSON
 * body. Properties checked on arbitrary input:
 *   - nothing crashes, leaks or hits undefined behaviour (ASan/UBSan);
 *   - a validator that accepts gives what it promises: vs_body_int's value lies
 *     in [min, max], vs_body_string's fits max_len and holds no NUL, a rejection
 *     leaves an error status and message in the response;
 *   - a geometry that validates has finite, non-negative bounds;
 *   - normalizing a VLM variable value that its variable accepts keeps it
 *     accepted; with -DFUZZ_STRICT_XIM_SYNTHESIS also: a variable whose
 *     definition validates synthesizes values that pass its own check (known to
 *     fail today, see below);
 *   - a fault rule either parses into a rule with an id and fired == 0, or is
 *     refused with a message.
 *
 *   CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
 *   ninja -C build-fuzz && build-fuzz/tests/fuzz/fuzz_body_validators -max_total_time=20
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/geometry.h"
#include "dialects/ximilar/xim_rules.h"
#include "faults.h"
#include "request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_body_validators_reset(vs_response *res)
{
    vs_response_free(res);
    memset(res, 0, sizeof *res);
}

/* A refusal must leave an error for the dialect to render. */
static void fuzz_body_validators_refused(const vs_response *res)
{
    if (res->err_status < 400 || res->err_status > 499 || !res->err_message[0])
        abort();
}

static void fuzz_body_validators_edge(json_t *body)
{
    static const char *const allowed[] = {"name", "type", "limit", "kind", "geometry", NULL};
    vs_request req;
    vs_response res;
    memset(&req, 0, sizeof req);
    memset(&res, 0, sizeof res);
    req.json = body;
    if (vs_body_allow(&req, &res, allowed) != 0)
        fuzz_body_validators_refused(&res);
    fuzz_body_validators_reset(&res);
    const char *keys[] = {"name", "type", "kind", "limit"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        const char *s = NULL;
        int rc = vs_body_string(&req, &res, keys[k], (int)(k & 1), 16, &s);
        if (rc == 0 && s && (strlen(s) > 16 || strlen(s) != json_string_length(json_object_get(body, keys[k]))))
            abort();
        if (rc < 0)
            fuzz_body_validators_refused(&res);
        fuzz_body_validators_reset(&res);
        int64_t v = 12345;
        rc = vs_body_int(&req, &res, keys[k], (int)(k & 1), -7, 1000, &v);
        if (rc == 0 && (v < -7 || v > 1000))
            abort();
        if (rc == 1 && v != 12345)
            abort();
        if (rc < 0)
            fuzz_body_validators_refused(&res);
        fuzz_body_validators_reset(&res);
    }
}

static void fuzz_body_validators_geometry(json_t *body, int w, int h)
{
    static const char *const kinds[] = {"bbox", "polygon", "polyline", "point", "mask", "classification", "text"};
    json_t *geometry = json_object_get(body, "geometry");
    if (!geometry)
        geometry = body;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        char err[256];
        err[0] = 0;
        if (geometry_validate(kinds[k], geometry, w, h, err, sizeof err) != 0) {
            if (!err[0] || !memchr(err, 0, sizeof err))
                abort();
            continue;
        }
        double x, y, bw, bh;
        if (geometry_bounds(kinds[k], geometry, &x, &y, &bw, &bh) == 0 &&
            (!isfinite(x) || !isfinite(y) || !isfinite(bw) || !isfinite(bh) || bw < 0 || bh < 0))
            abort();
    }
    char err[64];
    (void)geometry_validate("no-such-kind", geometry, w, h, err, sizeof err);
}

static void fuzz_body_validators_variable(json_t *body, uint64_t seed)
{
    xim_var v;
    xim_var_from_json(body, &v);
    const char *field = NULL;
    char err[256];
    if (xim_var_check_definition(&v, &field, err, sizeof err) != 0) {
        if (!field || !err[0])
            abort();
    } else {
        /* A definition the checks accept can be answered: each synthesized value
         * satisfies its own variable (what /vlm/v2/predict returns for unseen
         * images). */
        for (uint64_t s = seed; s < seed + 3; s++) {
            json_t *value = xim_var_synthesize(&v, s);
            if (!value || xim_var_check_value(&v, value, err, sizeof err) != 0)
                abort();
            json_decref(value);
        }
    }
    json_t *candidate = json_object_get(body, "value");
    if (candidate && xim_var_check_value(&v, candidate, err, sizeof err) == 0) {
        json_t *stored = xim_var_normalize(&v, candidate);
        if (!stored || xim_var_check_value(&v, stored, err, sizeof err) != 0)
            abort();
        json_decref(stored);
    }
}

static void fuzz_body_validators_fault(json_t *body)
{
    json_t *rule = NULL;
    char err[256];
    err[0] = 0;
    if (faults_add(body, &rule, err, sizeof err) == 0) {
        if (!json_is_string(json_object_get(rule, "id")) || json_integer_value(json_object_get(rule, "fired")) != 0)
            abort();
        json_decref(rule);
    } else if (!err[0]) {
        abort();
    }
    faults_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int w = 1 + (data[0] & 0x0f) * 64, h = 1 + (data[0] >> 4) * 48;
    json_t *body = json_loadb((const char *)data + 1, size - 1, 0, NULL);
    if (!body)
        return 0;
    if (json_is_object(body)) {
        fuzz_body_validators_edge(body);
        fuzz_body_validators_variable(body, data[0]);
        fuzz_body_validators_fault(body);
    }
    fuzz_body_validators_geometry(body, w, h);
    json_decref(body);
    return 0;
}
