/* test_labelbox_ndjson.c — ontology normalisation and the NDJSON validator,
 * driven through a fake environment (no store): data rows, mask URLs and the
 * accepted lines are all in memory here. */
#include "check.h"
#include "core/image.h"
#include "dialects/labelbox/lb_mask.h"
#include "dialects/labelbox/lb_ndjson.h"
#include "dialects/labelbox/lb_ontology.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *ONTOLOGY =
    "{\"tools\":[{\"tool\":\"rectangle\",\"name\":\"box\",\"classifications\":[{\"type\":\"radio\",\"name\":\"q\","
    "\"options\":[{\"value\":\"yes\"},{\"value\":\"no\",\"options\":[{\"type\":\"text\",\"name\":\"why\"}]}]}]},"
    "{\"tool\":\"raster-segmentation\",\"name\":\"seg\"},{\"tool\":\"edge\",\"name\":\"rel\"},"
    "{\"tool\":\"polygon\",\"name\":\"poly\"},{\"tool\":\"line\",\"name\":\"ln\"},{\"tool\":\"point\",\"name\":\"pt\"}],"
    "\"classifications\":[{\"type\":\"checklist\",\"name\":\"tags\",\"options\":[{\"value\":\"a\"},{\"value\":7}]},"
    "{\"type\":\"text\",\"name\":\"note\"}]}";

typedef struct {
    int accepted, relationships, annotations;
    unsigned char *png;
    size_t png_len;
} fake;

static int fake_row(void *arg, int by_key, const char *value, lb_rowinfo *out)
{
    (void)arg;
    if (strcmp(value, by_key ? "r1" : "a1") != 0)
        return 0;
    memset(out, 0, sizeof *out);
    strcpy(out->asset_id, "a1");
    strcpy(out->dataset_id, "d1");
    out->global_key = "r1";
    out->width = 8;
    out->height = 6;
    return 1;
}

static int fake_fetch(void *arg, const char *url, unsigned char **data, size_t *len)
{
    fake *f = arg;
    if (strcmp(url, "mem://mask") != 0)
        return 1;
    *data = malloc(f->png_len);
    memcpy(*data, f->png, f->png_len);
    *len = f->png_len;
    return 0;
}

static int fake_accept(void *arg, const lb_accepted *a)
{
    fake *f = arg;
    f->accepted++;
    f->annotations += (int)json_array_size(a->annotations);
    f->relationships += a->relationship != NULL;
    return 0;
}

static json_t *run(const lb_ontology *o, fake *f, int mal, const char *text, lb_ndjson_report *rep, int *rc)
{
    lb_ndjson_env env = {o, "cproject", mal, fake_row, fake_fetch, fake_accept, f};
    char err[200];
    *rc = lb_ndjson_run(text, strlen(text), &env, rep, err, sizeof err);
    if (*rc != 0)
        return NULL;
    json_t *lines = json_array();
    const char *p = rep->status;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        json_array_append_new(lines, json_loadb(p, n, 0, NULL));
        p += n + (nl ? 1 : 0);
    }
    return lines;
}

static const char *first_error(json_t *lines, size_t i)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(json_array_get(lines, i), "errors"), 0),
                                             "name"));
}

static void test_normalize(void)
{
    char err[200];
    json_t *in = json_loads(ONTOLOGY, 0, NULL);
    json_t *n = lb_ontology_normalize(in, err, sizeof err);
    CHECK(n != NULL);
    json_t *box = json_array_get(json_object_get(n, "tools"), 0);
    CHECK(json_string_length(json_object_get(box, "featureSchemaId")) == 25);
    CHECK(json_is_false(json_object_get(box, "required")));
    CHECK(json_string_length(json_object_get(box, "color")) == 7);
    json_t *tags = json_array_get(json_object_get(n, "classifications"), 0);
    CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(tags, "options"), 1), "value")),
                 "7");
    CHECK_EQ_STR(json_string_value(json_object_get(tags, "instructions")), "tags");
    int t, c;
    lb_ontology_counts(n, &t, &c);
    CHECK_EQ_INT(t, 6);
    CHECK_EQ_INT(c, 2);
    json_decref(n);
    json_decref(in);
    static const char *bad[] = {
        "[]", "{\"tools\":{}}", "{\"tools\":[{\"tool\":\"point\"}]}", "{\"tools\":[{\"name\":\"x\"}]}",
        "{\"classifications\":[{\"type\":\"radio\",\"name\":\"r\",\"options\":[]}]}",
        "{\"tools\":[{\"tool\":\"point\",\"name\":\"x\"},{\"tool\":\"line\",\"name\":\"x\"}]}",
        "{\"classifications\":[{\"type\":\"radio\",\"name\":\"r\",\"options\":[{\"value\":\"a\"},{\"value\":\"a\"}]}]}",
        NULL};
    for (int i = 0; bad[i]; i++) {
        in = json_loads(bad[i], 0, NULL);
        n = lb_ontology_normalize(in, err, sizeof err);
        CHECK(n == NULL);
        CHECK(err[0] != 0);
        json_decref(n);
        json_decref(in);
    }
    CHECK_EQ_STR(lb_ontology_payload_of("rectangle"), "bbox");
    CHECK_EQ_STR(lb_ontology_payload_of("superpixel"), "mask");
    CHECK(lb_ontology_payload_of("named-entity") == NULL);
}

static void test_lines(const lb_ontology *o, fake *f)
{
    const char *text =
        "{\"name\":\"box\",\"bbox\":{\"top\":1,\"left\":1,\"height\":2,\"width\":3},\"dataRow\":{\"globalKey\":\"r1\"},"
        "\"classifications\":[{\"name\":\"q\",\"answer\":{\"name\":\"no\",\"classifications\":[{\"name\":\"why\","
        "\"answer\":\"because\"}]}}]}\n"
        "{\"name\":\"tags\",\"answer\":[{\"name\":\"a\"},{\"name\":\"7\"}],\"dataRow\":{\"id\":\"a1\"}}\n"
        "{\"name\":\"seg\",\"mask\":{\"instanceURI\":\"mem://mask\",\"colorRGB\":[9,9,9]},\"dataRow\":{\"id\":\"a1\"}}\n"
        "{\"name\":\"seg\",\"mask\":{\"instanceURI\":\"mem://other\",\"colorRGB\":[9,9,9]},\"dataRow\":{\"id\":\"a1\"}}\n"
        "{\"name\":\"pt\",\"point\":{\"x\":9,\"y\":1},\"dataRow\":{\"id\":\"a1\"}}\n"
        "\n"
        "   \r\n"
        "{\"name\":\"poly\",\"polygon\":[{\"x\":0,\"y\":0},{\"x\":8,\"y\":0},{\"x\":8,\"y\":6},{\"x\":0,\"y\":0}],"
        "\"dataRow\":{\"id\":\"a1\"}}\n"
        "{\"name\":\"ln\",\"line\":[{\"x\":0,\"y\":0},{\"x\":Infinity,\"y\":0}],\"dataRow\":{\"id\":\"a1\"}}\n"
        "{\"name\":\"note\",\"answer\":\"hi\",\"dataRow\":{\"globalKey\":\"nope\"}}";
    lb_ndjson_report rep;
    int rc;
    memset(f, 0, offsetof(fake, png));
    json_t *lines = run(o, f, 1, text, &rep, &rc);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(json_array_size(lines), 8);
    CHECK_EQ_INT(rep.lines, 8);
    CHECK_EQ_INT(rep.failures, 4);
    CHECK(first_error(lines, 0) == NULL);
    CHECK(first_error(lines, 1) == NULL);
    CHECK(first_error(lines, 2) == NULL);
    CHECK_EQ_STR(first_error(lines, 3), "FetchImageError");
    CHECK_EQ_STR(first_error(lines, 4), "GeometryInvalid"); /* x = 9 > 8 */
    CHECK(first_error(lines, 5) == NULL);
    CHECK_EQ_STR(first_error(lines, 6), "GeometryInvalid");
    CHECK_EQ_STR(first_error(lines, 7), "DataRowNotFound");
    CHECK_EQ_INT(f->accepted, 4);
    /* box + q + why; two checklist answers; the mask; the polygon */
    CHECK_EQ_INT(f->annotations, 3 + 2 + 1 + 1);
    /* the error file holds exactly the failures, no trailing newline */
    CHECK(rep.errors_len > 0 && rep.errors[rep.errors_len - 1] == '}');
    json_decref(lines);
    lb_ndjson_report_free(&rep);

    /* relationships: ends are checked after every object line; ground truth refuses them */
    const char *rel =
        "{\"name\":\"rel\",\"relationship\":{\"source\":\"11111111-1111-4111-8111-111111111111\",\"target\":"
        "\"22222222-2222-4222-8222-222222222222\",\"type\":\"bidirectional\"},\"dataRow\":{\"id\":\"a1\"}}\n"
        "{\"uuid\":\"11111111-1111-4111-8111-111111111111\",\"name\":\"pt\",\"point\":{\"x\":1,\"y\":1},"
        "\"dataRow\":{\"id\":\"a1\"}}\n"
        "{\"uuid\":\"22222222-2222-4222-8222-222222222222\",\"name\":\"pt\",\"point\":{\"x\":2,\"y\":2},"
        "\"dataRow\":{\"id\":\"a1\"}}\n"
        "{\"uuid\":\"22222222-2222-4222-8222-222222222222\",\"name\":\"pt\",\"point\":{\"x\":2,\"y\":2},"
        "\"dataRow\":{\"id\":\"a1\"}}";
    memset(f, 0, offsetof(fake, png));
    lines = run(o, f, 1, rel, &rep, &rc);
    CHECK_EQ_INT(rc, 0);
    CHECK(first_error(lines, 0) == NULL);
    CHECK_EQ_STR(first_error(lines, 3), "InvalidAnnotation");
    CHECK_EQ_INT(f->relationships, 1);
    json_decref(lines);
    lb_ndjson_report_free(&rep);
    memset(f, 0, offsetof(fake, png));
    lines = run(o, f, 0, rel, &rep, &rc);
    CHECK_EQ_STR(first_error(lines, 0), "InvalidAnnotation");
    CHECK_EQ_INT(f->relationships, 0);
    CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(json_array_get(lines, 0), "errors"),
                                                                  0),
                                                   "message")),
                 "Relationships are supported only for MAL imports");
    json_decref(lines);
    lb_ndjson_report_free(&rep);
}

static void test_whole_file(const lb_ontology *o, fake *f)
{
    lb_ndjson_report rep;
    int rc;
    CHECK(run(o, f, 1, "", &rep, &rc) == NULL);
    CHECK_EQ_INT(rc, 1);
    CHECK(run(o, f, 1, "[1]\nnope\n{broken", &rep, &rc) == NULL);
    CHECK_EQ_INT(rc, 1);
    json_t *lines = run(o, f, 1, "{\"name\":\"pt\",\"point\":{\"x\":1,\"y\":1},\"dataRow\":{\"id\":\"a1\"}}", &rep, &rc);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(rep.errors_len, 0);
    CHECK(rep.errors == NULL || rep.errors[0] == 0);
    json_decref(lines);
    lb_ndjson_report_free(&rep);
}

static void test_mask_rle(void)
{
    image_pixels px = {3, 2, NULL};
    uint8_t rgb[18] = {0};
    px.rgb = rgb;
    rgb[3 * 1] = 5;     /* (x=1, y=0) */
    rgb[3 * 4] = 5;     /* (x=1, y=1) */
    int64_t area = 0;
    int color[3] = {5, 0, 0};
    json_t *g = lb_mask_rle(&px, color, &area);
    CHECK_EQ_INT(area, 2);
    json_t *counts = json_object_get(json_object_get(g, "rle"), "counts");
    /* column-major: column 0 (2 bg), column 1 (2 fg), column 2 (2 bg) */
    CHECK_EQ_INT(json_array_size(counts), 3);
    CHECK_EQ_INT(json_integer_value(json_array_get(counts, 0)), 2);
    CHECK_EQ_INT(json_integer_value(json_array_get(counts, 1)), 2);
    CHECK_EQ_INT(json_integer_value(json_array_get(counts, 2)), 2);
    json_decref(g);
    g = lb_mask_rle(&px, NULL, &area);
    CHECK_EQ_INT(area, 2);
    json_decref(g);
}

static void test_parse_line(void)
{
    const char *line = "{\"a\":NaN,\"b\":\"NaN\",\"c\":-Infinity}";
    json_t *o = lb_ndjson_parse_line(line, strlen(line));
    CHECK(o != NULL);
    CHECK_EQ_STR(json_string_value(json_object_get(o, "a")), LB_NONFINITE);
    CHECK_EQ_STR(json_string_value(json_object_get(o, "b")), "NaN");
    CHECK_EQ_STR(json_string_value(json_object_get(o, "c")), LB_NONFINITE);
    json_decref(o);
    CHECK(lb_ndjson_parse_line("[1]", 3) == NULL);
    CHECK(lb_ndjson_parse_line("{", 1) == NULL);
}

int main(void)
{
    test_normalize();
    char err[200];
    json_t *in = json_loads(ONTOLOGY, 0, NULL);
    json_t *n = lb_ontology_normalize(in, err, sizeof err);
    char *text = json_dumps(n, JSON_COMPACT);
    lb_ontology o;
    CHECK_EQ_INT(lb_ontology_load(text, &o), 0);
    fake f;
    memset(&f, 0, sizeof f);
    uint8_t rgb[8 * 6 * 3] = {0};
    rgb[0] = rgb[1] = rgb[2] = 9;
    image_pixels px = {8, 6, rgb};
    CHECK_EQ_INT(image_encode_png(&px, &f.png, &f.png_len), 0);
    test_lines(&o, &f);
    test_whole_file(&o, &f);
    test_mask_rle();
    test_parse_line();
    free(f.png);
    lb_ontology_free(&o);
    free(text);
    json_decref(n);
    json_decref(in);
    return check_exit();
}
