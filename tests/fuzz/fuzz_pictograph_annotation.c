/* fuzz_pictograph_annotation.c — libFuzzer target for the strict Pictograph
 * annotation parser and renderer (server/dialects/pictograph/pg_annotation.c).
 *
 * The input is parsed as JSON and fed to pg_ann_parse; whatever parses must
 * render back to an object whose type and name survive, and every input is
 * also fed to pg_ann_render as stored geometry and attrs text, which must
 * never crash on garbage a store could hold.
 *
 *   CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
 *   ninja -C build-fuzz && build-fuzz/tests/fuzz/fuzz_pictograph_annotation -max_total_time=20
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialects/pictograph/pg_annotation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const kinds[] = {"bbox", "polygon", "polyline", "point", "mask"};
    json_t *obj = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (obj) {
        pg_errs e;
        pg_errs_init(&e);
        json_t *base = json_pack("[s,s,i]", "body", "annotations", 0);
        pg_ann a;
        if (pg_ann_parse(obj, base, &e, &a) == 0) {
            char *g = json_dumps(a.geometry, JSON_COMPACT);
            char *attrs = json_dumps(a.attrs, JSON_COMPACT);
            json_t *o = pg_ann_render("id", a.kind, a.name, g, attrs, 1, a.confidence);
            if (!o || !json_string_value(json_object_get(o, "type")))
                abort();
            json_decref(o);
            free(g);
            free(attrs);
            pg_ann_clear(&a);
        } else if (pg_errs_count(&e) == 0) {
            abort(); /* a rejection always says why */
        }
        json_decref(e.errors);
        json_decref(base);
        json_decref(obj);
    }
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        json_decref(pg_ann_render("id", kinds[i], text, text, text, 1, 0.5));
        json_decref(pg_ann_render("id", kinds[i], "n", text, "{}", 0, 0));
    }
    free(text);
    return 0;
}
