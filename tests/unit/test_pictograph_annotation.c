/* test_pictograph_annotation.c — the strict Pictograph annotation parser and
 * renderer (pg_annotation.c), plus the dialect's path rules (pg_common.c), its
 * deterministic result ids (pg_results.c) and batch pricing (pg_batch_job.c).
 * Pure functions: no store, no server.
 */
#include "check.h"
#include "dialects/pictograph/pg.h"
#include "dialects/pictograph/pg_annotation.h"
#include "dialects/pictograph/pg_batch_job.h"
#include "dialects/pictograph/pg_results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses text; returns the number of errors and fills a when valid. */
static int parse(const char *text, pg_ann *a, json_t **errors)
{
    json_t *obj = json_loads(text, 0, NULL);
    pg_errs e;
    pg_errs_init(&e);
    json_t *base = json_pack("[s,s,i]", "body", "annotations", 0);
    int rc = pg_ann_parse(obj, base, &e, a);
    int n = pg_errs_count(&e);
    CHECK((rc == 0) == (n == 0));
    if (errors)
        *errors = json_incref(e.errors);
    json_decref(e.errors);
    json_decref(base);
    json_decref(obj);
    return n;
}

static int has_error(json_t *errors, const char *last_loc, const char *type)
{
    size_t i;
    json_t *err;
    json_array_foreach(errors, i, err) {
        json_t *loc = json_object_get(err, "loc");
        json_t *last = json_array_get(loc, json_array_size(loc) - 1);
        const char *t = json_string_value(json_object_get(err, "type"));
        char text[32];
        if (json_is_integer(last))
            snprintf(text, sizeof text, "%lld", (long long)json_integer_value(last));
        else
            snprintf(text, sizeof text, "%s", json_string_value(last) ? json_string_value(last) : "");
        if (strcmp(text, last_loc) == 0 && t && strcmp(t, type) == 0)
            return 1;
    }
    return 0;
}

/* JSON equality where 2 and 2.0 are the same number. */
static int same(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_is_object(a) && json_is_object(b)) {
        if (json_object_size(a) != json_object_size(b))
            return 0;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)a, k, v) if (!same(v, json_object_get(b, k))) return 0;
        return 1;
    }
    if (json_is_array(a) && json_is_array(b)) {
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!same(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        return 1;
    }
    return json_equal(a, b);
}

/* Renders the core form of a parsed annotation back to the wire. */
static json_t *round_trip(const pg_ann *a)
{
    char *g = json_dumps(a->geometry, JSON_COMPACT);
    char *attrs = json_dumps(a->attrs, JSON_COMPACT);
    json_t *o = pg_ann_render("core-id", a->kind, a->name, g, attrs, 1, a->confidence);
    free(g);
    free(attrs);
    return o;
}

static void test_valid_round_trips(void)
{
    static const char *const cases[] = {
        "{\"id\":\"b\",\"name\":\"car\",\"type\":\"bbox\",\"bounding_box\":{\"x\":-1.5,\"y\":2,\"w\":3,\"h\":4},"
        "\"confidence\":0.25,\"created_by\":\"me\",\"attributes\":{\"k\":1}}",
        "{\"id\":\"o\",\"name\":\"car\",\"type\":\"bbox\",\"bounding_box\":{\"x\":0,\"y\":0,\"w\":3,\"h\":4},"
        "\"oriented_box\":{\"cx\":1,\"cy\":2,\"w\":3,\"h\":4,\"angle\":359.5}}",
        "{\"id\":\"p\",\"name\":\"lake\",\"type\":\"polygon\",\"polygon\":{\"paths\":[[{\"x\":0,\"y\":0},"
        "{\"x\":4,\"y\":0},{\"x\":4,\"y\":4}],[{\"x\":1,\"y\":1},{\"x\":2,\"y\":1},{\"x\":2,\"y\":2}]]}}",
        "{\"id\":\"l\",\"name\":\"road\",\"type\":\"polyline\",\"polyline\":{\"path\":[{\"x\":0,\"y\":0},"
        "{\"x\":1,\"y\":3}]},\"bounding_box\":{\"x\":0,\"y\":0,\"w\":9,\"h\":9}}",
        "{\"id\":\"k\",\"name\":\"nose\",\"type\":\"keypoint\",\"keypoint\":{\"x\":5,\"y\":6},\"instance_id\":3}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pg_ann a;
        CHECK_EQ_INT(parse(cases[i], &a, NULL), 0);
        json_t *o = round_trip(&a);
        json_t *in = json_loads(cases[i], 0, NULL);
        CHECK(o != NULL);
        if (o) {
            CHECK_EQ_STR(json_string_value(json_object_get(o, "id")), json_string_value(json_object_get(in, "id")));
            CHECK_EQ_STR(json_string_value(json_object_get(o, "type")),
                         json_string_value(json_object_get(in, "type")));
            const char *key;
            json_t *v;
            json_object_foreach(in, key, v) {
                if (strcmp(key, "confidence") == 0 || strcmp(key, "created_by") == 0 || strcmp(key, "attributes") == 0)
                    continue;
                CHECK(same(v, json_object_get(o, key)));
            }
            CHECK(json_object_get(o, "confidence") != NULL);
            CHECK(json_object_get(o, "attributes") != NULL);
        }
        json_decref(in);
        json_decref(o);
        pg_ann_clear(&a);
    }
}

static void test_polygon_core_shape(void)
{
    pg_ann a;
    CHECK_EQ_INT(parse("{\"name\":\"x\",\"type\":\"polygon\",\"polygon\":{\"paths\":[[{\"x\":0,\"y\":0},{\"x\":4,"
                       "\"y\":0},{\"x\":4,\"y\":3}]]}}",
                       &a, NULL),
                 0);
    CHECK_EQ_STR(a.kind, "polygon");
    CHECK_EQ_INT(json_array_size(json_object_get(a.geometry, "points")), 3);
    CHECK_EQ_STR(a.source, "human");
    /* a generated id is stored with the annotation */
    CHECK_EQ_INT(strlen(json_string_value(json_object_get(json_object_get(a.attrs, "pictograph"), "id"))), 36);
    json_t *o = round_trip(&a);
    json_t *box = json_object_get(o, "bounding_box");
    CHECK_EQ_INT((int)json_real_value(json_object_get(box, "w")), 4);
    CHECK_EQ_INT((int)json_real_value(json_object_get(box, "h")), 3);
    json_decref(o);
    pg_ann_clear(&a);
    CHECK_EQ_INT(parse("{\"name\":\"x\",\"type\":\"bbox\",\"created_by\":\"sam3\",\"bounding_box\":{\"x\":0,\"y\":0,"
                       "\"w\":1,\"h\":1}}",
                       &a, NULL),
                 0);
    CHECK_EQ_STR(a.source, "auto");
    CHECK_EQ_STR(a.kind, "bbox");
    pg_ann_clear(&a);
}

static void test_invalid(void)
{
    static const struct {
        const char *text, *loc, *type;
    } cases[] = {
        {"{\"name\":\"x\",\"type\":\"bbox\",\"bounding_box\":{\"x\":0,\"y\":0,\"w\":0,\"h\":1}}", "w", "greater_than"},
        {"{\"name\":\"x\",\"type\":\"bbox\"}", "bounding_box", "missing"},
        {"{\"name\":\"x\",\"type\":\"bbox\",\"bounding_box\":{\"x\":0,\"y\":0,\"w\":1,\"h\":1},\"area\":1}", "area",
         "extra_forbidden"},
        {"{\"name\":\"x\",\"type\":\"keypoint\",\"keypoint\":{\"x\":0,\"y\":0},\"bounding_box\":{\"x\":0,\"y\":0,"
         "\"w\":1,\"h\":1}}",
         "bounding_box", "extra_forbidden"},
        {"{\"name\":\"x\",\"type\":\"polygon\",\"polygon\":{\"paths\":[[{\"x\":0,\"y\":0}]]}}", "0", "too_short"},
        {"{\"name\":\"x\",\"type\":\"polyline\",\"polyline\":{\"path\":[{\"x\":0,\"y\":\"a\"},{\"x\":1,\"y\":1}]}}",
         "y", "float_type"},
        {"{\"name\":\"\",\"type\":\"keypoint\",\"keypoint\":{\"x\":0,\"y\":0}}", "name", "string_too_short"},
        {"{\"type\":\"keypoint\",\"keypoint\":{\"x\":0,\"y\":0}}", "name", "missing"},
        {"{\"name\":\"x\",\"type\":\"circle\"}", "type", "union_tag_invalid"},
        {"{\"name\":\"x\"}", "type", "union_tag_not_found"},
        {"{\"name\":\"x\",\"type\":\"keypoint\",\"keypoint\":{\"x\":0,\"y\":0},\"confidence\":null}", "confidence",
         "missing"},
        {"{\"name\":\"x\",\"type\":\"keypoint\",\"keypoint\":{\"x\":0,\"y\":0},\"attributes\":3}", "attributes",
         "model_type"},
        {"{\"name\":\"x\",\"type\":\"keypoint\",\"keypoint\":{\"x\":0,\"y\":0},\"instance_id\":1.5}", "instance_id",
         "int_type"},
        {"{\"name\":\"x\",\"type\":\"bbox\",\"bounding_box\":{\"x\":0,\"y\":0,\"w\":1,\"h\":1},"
         "\"oriented_box\":{\"cx\":0,\"cy\":0,\"w\":1,\"h\":1,\"angle\":-1}}",
         "angle", "greater_than_equal"},
        {"{\"id\":\" \",\"name\":\"x\",\"type\":\"keypoint\",\"keypoint\":{\"x\":0,\"y\":0}}", "id", "value_error"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pg_ann a;
        json_t *errors = NULL;
        int n = parse(cases[i].text, &a, &errors);
        if (!CHECK(n > 0))
            pg_ann_clear(&a);
        if (!CHECK(has_error(errors, cases[i].loc, cases[i].type)))
            fprintf(stderr, "    case %zu: %s\n", i, json_dumps(errors, JSON_COMPACT));
        json_decref(errors);
    }
    pg_ann a;
    json_t *errors = NULL;
    json_t *arr = json_array();
    pg_errs e;
    pg_errs_init(&e);
    CHECK_EQ_INT(pg_ann_parse(arr, NULL, &e, &a), -1);
    json_decref(arr);
    json_decref(e.errors);
    (void)errors;
}

static void test_render_skips_what_has_no_wire_form(void)
{
    CHECK(pg_ann_render("a", "mask", "m", "{\"rle\":{}}", "{}", 0, 0) == NULL);
    CHECK(pg_ann_render("a", "bbox", "b", "{\"x\":0,\"y\":0,\"w\":0,\"h\":2}", "{}", 0, 0) == NULL);
    CHECK(pg_ann_render("a", "polygon", "p", "{\"points\":[[0,0],[1,1]]}", "{}", 0, 0) == NULL);
    CHECK(pg_ann_render("a", "point", "p", "not json", "{}", 0, 0) == NULL);
    json_t *o = pg_ann_render("core", "point", "  ", "{\"x\":1,\"y\":2}", "garbage", 1, 7.0);
    CHECK(o != NULL);
    if (o) {
        CHECK_EQ_STR(json_string_value(json_object_get(o, "id")), "core");
        CHECK_EQ_STR(json_string_value(json_object_get(o, "name")), "object");
        CHECK(json_real_value(json_object_get(o, "confidence")) == 1.0);
        CHECK(json_is_null(json_object_get(o, "created_by")));
        CHECK(json_object_get(o, "bounding_box") == NULL);
    }
    json_decref(o);
}

static void test_paths(void)
{
    char dir[512], file[256];
    CHECK_EQ_INT(pg_normalize_dir("/", dir, sizeof dir), 0);
    CHECK_EQ_STR(dir, "/");
    CHECK_EQ_INT(pg_normalize_dir("a/b/", dir, sizeof dir), 0);
    CHECK_EQ_STR(dir, "/a/b");
    CHECK_EQ_INT(pg_normalize_dir("", dir, sizeof dir), 0);
    CHECK_EQ_STR(dir, "/");
    CHECK_EQ_INT(pg_normalize_dir("/a/../b", dir, sizeof dir), -1);
    CHECK_EQ_INT(pg_normalize_dir("/a//b", dir, sizeof dir), -1);
    CHECK_EQ_INT(pg_normalize_dir("/a/./b", dir, sizeof dir), -1);
    CHECK_EQ_INT(pg_normalize_dir("/a\tb", dir, sizeof dir), -1);
    CHECK_EQ_INT(pg_split_path("val/a b.jpg", dir, sizeof dir, file, sizeof file), 0);
    CHECK_EQ_STR(dir, "/val");
    CHECK_EQ_STR(file, "a b.jpg");
    CHECK_EQ_INT(pg_split_path("x.png", dir, sizeof dir, file, sizeof file), 0);
    CHECK_EQ_STR(dir, "/");
    CHECK_EQ_INT(pg_split_path("a/b/c/x.png", dir, sizeof dir, file, sizeof file), 0);
    CHECK_EQ_STR(dir, "/a/b/c");
    CHECK_EQ_INT(pg_split_path("a/", dir, sizeof dir, file, sizeof file), -1);
    CHECK_EQ_INT(pg_split_path("a/..", dir, sizeof dir, file, sizeof file), -1);
    CHECK_EQ_INT(pg_valid_filename("ok.png"), 0);
    CHECK_EQ_INT(pg_valid_filename(".."), -1);
    CHECK_EQ_INT(pg_valid_filename("a/b"), -1);
    CHECK(pg_is_uuid("3b1e1b52-8a59-4c8f-9a36-1e2b3c4d5e6f"));
    CHECK(!pg_is_uuid("3b1e1b52-8a59-4c8f-9a36-1e2b3c4d5e6"));
    CHECK(!pg_is_uuid("run 3b1e1b52-8a59-4c8f-9a36-1e2b3c4d5e6f"));
    char iso[32];
    pg_iso_time(1700000000123LL, iso);
    CHECK_EQ_STR(iso, "2023-11-14T22:13:20.123Z");
}

static void test_ids_and_prices(void)
{
    char a[37], b[37], c[37];
    pg_result_id("seed", 0, a);
    pg_result_id("seed", 0, b);
    pg_result_id("seed", 1, c);
    CHECK_EQ_STR(a, b);
    CHECK(strcmp(a, c) != 0);
    CHECK(pg_is_uuid(a));
    CHECK_EQ_INT(a[14], '5');
    CHECK_EQ_INT(pg_batch_tiles(320, 240, 640), 0);
    CHECK_EQ_INT(pg_batch_tiles(2000, 1000, 640), 8);
    CHECK_EQ_INT(pg_batch_tiles(0, 0, 640), 4);
    CHECK_EQ_INT(pg_batch_tiles(2000, 1000, 0), 0);
    CHECK_EQ_INT(pg_batch_image_price(2000, 1000, 640), 30000 + 8 * 10000);
    CHECK(pg_price_find("sam3_per_minute") != NULL);
    CHECK(pg_price_find("nope") == NULL);
    CHECK(pg_result_inference_time(1000, 1000, 0) == 0.05);
}

int main(void)
{
    test_valid_round_trips();
    test_polygon_core_shape();
    test_invalid();
    test_render_skips_what_has_no_wire_form();
    test_paths();
    test_ids_and_prices();
    return check_exit();
}
