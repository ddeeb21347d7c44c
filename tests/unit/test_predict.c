/* test_predict.c — the prediction model (core/predict.h, phash.h,
 * predict_scene.h) on images of exactly known content: synthetic shapes drawn
 * here, and the committed fixture photographs for signature robustness.
 * Covers the client's raw-output parsing rules, data URLs, tokens, memory
 * answers, pixel answers, schema filling and determinism.
 */
#include "check.h"
#include "core/formats/tar.h"
#include "core/image.h"
#include "core/phash.h"
#include "core/predict.h"
#include "core/predict_scene.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- images ------------------------------------------------------------- */

static image_pixels canvas(int w, int h, const uint8_t *bg)
{
    image_pixels px = {w, h, malloc((size_t)w * h * 3)};
    for (int i = 0; i < w * h; i++)
        memcpy(px.rgb + 3 * i, bg, 3);
    return px;
}

static void rect(image_pixels *px, int x, int y, int w, int h, const uint8_t *c)
{
    for (int j = y; j < y + h; j++)
        for (int i = x; i < x + w; i++)
            memcpy(px->rgb + ((size_t)j * px->width + i) * 3, c, 3);
}

static void disc(image_pixels *px, double cx, double cy, double r, const uint8_t *c)
{
    for (int j = 0; j < px->height; j++)
        for (int i = 0; i < px->width; i++) {
            double dx = i + 0.5 - cx, dy = j + 0.5 - cy;
            if (dx * dx + dy * dy <= r * r)
                memcpy(px->rgb + ((size_t)j * px->width + i) * 3, c, 3);
        }
}

static const uint8_t WHITE[3] = {255, 255, 255}, RED[3] = {220, 30, 30}, BLUE[3] = {30, 60, 220},
                     GREEN[3] = {40, 180, 60};

/* Two red circles, a blue square, on white: 640x480. */
static image_pixels scene_image(void)
{
    image_pixels px = canvas(640, 480, WHITE);
    disc(&px, 160, 160, 90, RED);
    disc(&px, 480, 360, 50, RED);
    rect(&px, 400, 60, 120, 120, BLUE);
    return px;
}

static int load_png(const image_pixels *px, predict_image *out)
{
    uint8_t *png = NULL;
    size_t len = 0;
    if (image_encode_png(px, &png, &len) != 0)
        return -1;
    char err[128];
    int rc = predict_image_load(png, len, out, err, sizeof err);
    free(png);
    return rc;
}

static char fixture_dir[PATH_MAX * 2];

static unsigned char *read_file(const char *name, size_t *len)
{
    char path[PATH_MAX * 2 + 64];
    snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)n);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return data;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_tokens(void)
{
    const char *t = "Hello, world! 12345 colours\n\n  ok";
    size_t n = predict_token_count(t);
    CHECK(n > 5);
    /* Tokens concatenate back to the text. */
    size_t p = 0, count = 0;
    while (t[p]) {
        size_t e = predict_token_end(t, p);
        CHECK(e > p);
        p = e;
        count++;
    }
    CHECK_EQ_INT(count, n);
    CHECK_EQ_INT(predict_token_prefix(t, 1), 5);           /* "Hello" */
    CHECK_EQ_INT(predict_token_prefix(t, 2), 6);           /* "," */
    CHECK_EQ_INT(predict_token_prefix(t, 3), 12);          /* " world" */
    CHECK_EQ_INT(predict_token_prefix(t, n + 5), strlen(t));
    /* UTF-8 sequences are never split. */
    const char *u = "caf\xc3\xa9\xe2\x82\xac";
    for (size_t q = 0; u[q]; q = predict_token_end(u, q))
        CHECK(((unsigned char)u[q] & 0xC0) != 0x80);
    CHECK_EQ_INT(predict_image_tokens(28, 28), 4);
    CHECK_EQ_INT(predict_image_tokens(280, 280), 100);
    CHECK_EQ_INT(predict_image_tokens(4000, 4000), 1280);
}

static void expect_parse(const char *raw, predict_task task, predict_task want, const char *result_json,
                         const char *thinking)
{
    predict_parsed p;
    CHECK(predict_parse(raw, task, &p) == 0);
    CHECK_EQ_INT(p.task, want);
    if (want == PREDICT_GENERIC) {
        CHECK_EQ_STR(json_string_value(p.result), raw);
    } else {
        char *got = json_dumps(p.result, JSON_COMPACT | JSON_SORT_KEYS);
        CHECK_EQ_STR(got, result_json);
        free(got);
    }
    if (thinking)
        CHECK_EQ_STR(p.thinking, thinking);
    else
        CHECK(p.thinking == NULL);
    predict_parsed_free(&p);
}

static void test_parse(void)
{
    expect_parse("{\"vqa\":{\"answer\":\"red\"}}", PREDICT_VQA, PREDICT_VQA, "{\"answer\":\"red\"}", NULL);
    expect_parse("<think> looks red </think><answer>{\"vqa\":{\"answer\":\"red\"}}</answer>", PREDICT_VQA,
                 PREDICT_VQA, "{\"answer\":\"red\"}", "looks red");
    expect_parse("<think>a\nb</think>\nSure: {\"vqa\":{\"answer\":\"2\"}} trailing", PREDICT_VQA, PREDICT_VQA,
                 "{\"answer\":\"2\"}", "a\nb");
    expect_parse("```json\n{\"vqa\":{\"answer\":\"x\"}}\n```", PREDICT_VQA, PREDICT_VQA, "{\"answer\":\"x\"}",
                 NULL);
    expect_parse("{\"vqa\":{\"answer\":\"\"}}", PREDICT_VQA, PREDICT_GENERIC, NULL, NULL);
    expect_parse("not json at all", PREDICT_VQA, PREDICT_GENERIC, NULL, NULL);
    expect_parse("{\"phrase_grounding\":{\"sentence\":\"A cat.\",\"groundings\":[{\"phrase\":\"cat\","
                 "\"grounding\":[[0,10,512,1024]]}]}}",
                 PREDICT_PHRASE_GROUNDING, PREDICT_PHRASE_GROUNDING,
                 "{\"groundings\":[{\"grounding\":[[0,10,512,1024]],\"phrase\":\"cat\"}],\"sentence\":\"A cat.\"}",
                 NULL);
    /* Out-of-range, non-integer and empty groundings fall back to generic. */
    expect_parse("{\"phrase_grounding\":{\"sentence\":\"A\",\"groundings\":[{\"phrase\":\"a\",\"grounding\":"
                 "[[0,0,2000,5]]}]}}",
                 PREDICT_PHRASE_GROUNDING, PREDICT_GENERIC, NULL, NULL);
    expect_parse("{\"phrase_grounding\":{\"sentence\":\"A\",\"groundings\":[{\"phrase\":\"a\",\"grounding\":"
                 "[[0.5,0,20,5]]}]}}",
                 PREDICT_PHRASE_GROUNDING, PREDICT_GENERIC, NULL, NULL);
    expect_parse("{\"phrase_grounding\":{\"sentence\":\"A\",\"groundings\":[]}}", PREDICT_PHRASE_GROUNDING,
                 PREDICT_GENERIC, NULL, NULL);
    /* Generic keeps the raw text, tags included, but still extracts thinking. */
    expect_parse("<think>t</think><answer>hello</answer>", PREDICT_GENERIC, PREDICT_GENERIC, NULL, "t");
    /* An unclosed think block is no block. */
    expect_parse("<think>oops {\"vqa\":{\"answer\":\"y\"}}", PREDICT_VQA, PREDICT_VQA, "{\"answer\":\"y\"}", NULL);
}

static void test_data_url(void)
{
    unsigned char *data = NULL;
    size_t len = 0;
    char mime[64], err[128];
    const char *ok = "data:image/png;base64,aGVs\nbG8=";
    CHECK(predict_data_url_decode(ok, strlen(ok), &data, &len, mime, err, sizeof err) == 0);
    CHECK_EQ_INT(len, 5);
    CHECK(data && memcmp(data, "hello", 5) == 0);
    CHECK_EQ_STR(mime, "image/png");
    free(data);
    const char *bad[] = {"http://x/y.png", "data:image/png,aGVsbG8=", "data:text/plain;base64,aGVsbG8=",
                         "data:image/jpeg;base64,", "data:image/jpeg;base64,@@@@", "data:;base64,aGVsbG8=",
                         "data:image/png;base64"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(predict_data_url_decode(bad[i], strlen(bad[i]), &data, &len, mime, err, sizeof err) == -1);
        CHECK(data == NULL);
    }
}

static void test_signature(void)
{
    image_pixels a = scene_image();
    predict_image full, half;
    CHECK(load_png(&a, &full) == 0);
    image_pixels small;
    CHECK(phash_downscale(&a, 320, &small) == 0);
    CHECK(load_png(&small, &half) == 0);
    CHECK(phash_match(&full.sig, &half.sig));
    /* Same layout, other colours: the DCT bits agree, the colour grid does not. */
    image_pixels b = canvas(640, 480, WHITE);
    disc(&b, 160, 160, 90, GREEN);
    disc(&b, 480, 360, 50, GREEN);
    rect(&b, 400, 60, 120, 120, GREEN);
    predict_image other;
    CHECK(load_png(&b, &other) == 0);
    CHECK(!phash_match(&full.sig, &other.sig));
    /* Text round trip. */
    char text[PHASH_HEX_LEN + 1];
    phash_to_text(&full.sig, text);
    phash_sig back;
    CHECK(phash_from_text(text, &back) == 0);
    CHECK(back.dct == full.sig.dct && memcmp(back.grid, full.sig.grid, PHASH_GRID_BYTES) == 0);
    CHECK(phash_match(&back, &full.sig));
    CHECK(phash_from_text("zz", &back) == -1);
    /* Photographs: a re-encoded, resized copy matches; another photo does not. */
    size_t n1 = 0, n2 = 0;
    unsigned char *cat = read_file("chelsea.jpg", &n1), *coffee = read_file("coffee.jpg", &n2);
    CHECK(cat && coffee);
    if (cat && coffee) {
        predict_image pc, pf, pcs;
        char err[128];
        CHECK(predict_image_load(cat, n1, &pc, err, sizeof err) == 0);
        CHECK(predict_image_load(coffee, n2, &pf, err, sizeof err) == 0);
        image_pixels dec = {0}, shrunk = {0};
        CHECK(image_decode(cat, n1, 0, &dec) == 0);
        CHECK(phash_downscale(&dec, 200, &shrunk) == 0);
        CHECK(load_png(&shrunk, &pcs) == 0);
        CHECK(phash_match(&pc.sig, &pcs.sig));
        CHECK(!phash_match(&pc.sig, &pf.sig));
        image_free(&dec);
        image_free(&shrunk);
        predict_image_free(&pc);
        predict_image_free(&pf);
        predict_image_free(&pcs);
    }
    free(cat);
    free(coffee);
    image_free(&a);
    image_free(&b);
    image_free(&small);
    predict_image_free(&full);
    predict_image_free(&half);
    predict_image_free(&other);
}

static void test_scene(void)
{
    image_pixels a = scene_image();
    predict_image im;
    CHECK(load_png(&a, &im) == 0);
    predict_scene s;
    CHECK(predict_scene_analyse(&im.work, &s) == 0);
    CHECK_EQ_INT(s.n, 3);
    CHECK_EQ_STR(s.background, "white");
    int circles = 0, squares = 0;
    for (int i = 0; i < s.n; i++) {
        circles += strcmp(s.objects[i].shape, "circle") == 0 && strcmp(s.objects[i].colour, "red") == 0;
        squares += strcmp(s.objects[i].shape, "square") == 0 && strcmp(s.objects[i].colour, "blue") == 0;
    }
    CHECK_EQ_INT(circles, 2);
    CHECK_EQ_INT(squares, 1);
    /* The largest object first: the big red circle, box around (70..250, 70..250) px. */
    CHECK_EQ_STR(s.objects[0].phrase, "medium red circle");
    CHECK(abs(s.objects[0].box[0] - 70 * 1024 / 640) <= 8 && abs(s.objects[0].box[3] - 250 * 1024 / 480) <= 8);
    image_free(&a);
    predict_image_free(&im);
}

static char *answer_of(predict_task task, const char *prompt, const predict_image *im, const json_t *memory,
                       unsigned variant, int cot, char **raw)
{
    predict_request rq = {task, prompt, im, memory, "a.png", cot, variant};
    predict_output o;
    if (predict_run(&rq, &o) != 0)
        return NULL;
    char *a = strdup(o.answer);
    if (raw)
        *raw = strdup(o.raw);
    predict_output_free(&o);
    return a;
}

static void test_pixels(void)
{
    image_pixels a = scene_image();
    predict_image im;
    CHECK(load_png(&a, &im) == 0);
    char *s = answer_of(PREDICT_VQA, "How many red circles are there?", &im, NULL, 0, 0, NULL);
    CHECK_EQ_STR(s, "{\"vqa\":{\"answer\":\"2\"}}");
    free(s);
    s = answer_of(PREDICT_VQA, "How many blue objects?", &im, NULL, 0, 0, NULL);
    CHECK_EQ_STR(s, "{\"vqa\":{\"answer\":\"1\"}}");
    free(s);
    s = answer_of(PREDICT_VQA, "What colour is the square?", &im, NULL, 0, 0, NULL);
    CHECK_EQ_STR(s, "{\"vqa\":{\"answer\":\"blue\"}}");
    free(s);
    s = answer_of(PREDICT_VQA, "Is there a green triangle?", &im, NULL, 0, 0, NULL);
    CHECK_EQ_STR(s, "{\"vqa\":{\"answer\":\"No\"}}");
    free(s);
    s = answer_of(PREDICT_VQA, "Where is the blue square?", &im, NULL, 0, 0, NULL);
    CHECK_EQ_STR(s, "{\"vqa\":{\"answer\":\"In the top right of the image.\"}}");
    free(s);
    char *raw = NULL;
    s = answer_of(PREDICT_PHRASE_GROUNDING, NULL, &im, NULL, 0, 1, &raw);
    predict_parsed p;
    CHECK(predict_parse(raw, PREDICT_PHRASE_GROUNDING, &p) == 0);
    CHECK_EQ_INT(p.task, PREDICT_PHRASE_GROUNDING);
    CHECK(p.thinking && strstr(p.thinking, "salient objects"));
    const json_t *g = json_object_get(p.result, "groundings");
    CHECK_EQ_INT(json_array_size(g), 3);
    CHECK(strstr(json_string_value(json_object_get(p.result, "sentence")), "on a white background"));
    predict_parsed_free(&p);
    /* Same input, same bytes; a sampled variant rephrases the sentence only. */
    char *again = answer_of(PREDICT_PHRASE_GROUNDING, NULL, &im, NULL, 0, 0, NULL);
    CHECK_EQ_STR(again, s);
    unsigned v = 0;
    for (int seed = 0; seed < 20 && v == 0; seed++)
        v = predict_variant(seed, 0.7, 0);
    CHECK(v != 0);
    CHECK_EQ_INT(predict_variant(5, 0.0, 0), 0);
    char *varied = answer_of(PREDICT_PHRASE_GROUNDING, NULL, &im, NULL, v, 0, NULL);
    CHECK(strcmp(varied, s) != 0);
    CHECK(strstr(varied, "\"groundings\":") && strcmp(strstr(varied, "\"groundings\":"), strstr(s, "\"groundings\":")) == 0);
    free(varied);
    free(again);
    free(raw);
    free(s);
    /* No image: still valid task JSON. */
    s = answer_of(PREDICT_PHRASE_GROUNDING, NULL, NULL, NULL, 0, 0, NULL);
    CHECK(predict_parse(s, PREDICT_PHRASE_GROUNDING, &p) == 0 && p.task == PREDICT_PHRASE_GROUNDING);
    predict_parsed_free(&p);
    free(s);
    image_free(&a);
    predict_image_free(&im);
}

static void test_memory(void)
{
    json_t *m = predict_memory_new();
    annotation_row r;
    memset(&r, 0, sizeof r);
    snprintf(r.kind, sizeof r.kind, "bbox");
    snprintf(r.label, sizeof r.label, "cat");
    r.geometry = "{\"x\":64,\"y\":48,\"w\":320,\"h\":240}";
    predict_memory_add(m, &r, 640, 480);
    r.geometry = "{\"x\":0,\"y\":0,\"w\":64,\"h\":48}";
    predict_memory_add(m, &r, 640, 480);
    snprintf(r.kind, sizeof r.kind, "polygon");
    snprintf(r.label, sizeof r.label, "sofa");
    r.geometry = "{\"points\":[[320,240],[640,240],[640,480]]}";
    predict_memory_add(m, &r, 640, 480);
    snprintf(r.kind, sizeof r.kind, "text");
    snprintf(r.label, sizeof r.label, "vqa");
    r.text = "{\"question\":\"What colour is the cat?\",\"answer\":\"ginger\"}";
    predict_memory_add(m, &r, 640, 480);
    r.text = "{\"question\":\"Is the sofa leather?\",\"answer\":\"no\"}";
    predict_memory_add(m, &r, 640, 480);
    predict_memory_finish(m);
    CHECK_EQ_STR(json_string_value(json_object_get(m, "caption")), "cat, sofa");

    char *s = answer_of(PREDICT_VQA, "what color is that cat", NULL, m, 0, 0, NULL);
    CHECK_EQ_STR(s, "{\"vqa\":{\"answer\":\"ginger\"}}");
    free(s);
    s = answer_of(PREDICT_VQA, "How many cats?", NULL, m, 0, 0, NULL);
    CHECK_EQ_STR(s, "{\"vqa\":{\"answer\":\"2\"}}");
    free(s);
    s = answer_of(PREDICT_PHRASE_GROUNDING, NULL, NULL, m, 0, 0, NULL);
    CHECK_EQ_STR(s, "{\"phrase_grounding\":{\"sentence\":\"cat, sofa\",\"groundings\":[{\"phrase\":\"cat\","
                    "\"grounding\":[[102,102,614,614],[0,0,102,102]]},{\"phrase\":\"sofa\",\"grounding\":"
                    "[[512,512,1024,1024]]}]}}");
    free(s);
    s = answer_of(PREDICT_GENERIC, NULL, NULL, m, 0, 0, NULL);
    CHECK_EQ_STR(s, "cat, sofa");
    free(s);
    json_decref(m);
}

static void test_schema(void)
{
    image_pixels a = scene_image();
    predict_image im;
    CHECK(load_png(&a, &im) == 0);
    json_t *schema = json_loads(
        "{\"type\":\"object\",\"properties\":{\"count\":{\"type\":\"integer\",\"maximum\":10},"
        "\"objects\":{\"type\":\"array\",\"maxItems\":2,\"items\":{\"$ref\":\"#/$defs/obj\"}},"
        "\"mood\":{\"enum\":[\"calm\",\"busy\"]},\"summary\":{\"type\":\"string\",\"maxLength\":5},"
        "\"ok\":{\"type\":[\"boolean\",\"null\"]}},\"required\":[\"count\",\"objects\",\"mood\",\"summary\",\"ok\"],"
        "\"$defs\":{\"obj\":{\"type\":\"object\",\"properties\":{\"label\":{\"type\":\"string\"},\"colour\":"
        "{\"type\":\"string\"}},\"required\":[\"label\",\"colour\"]}}}",
        0, NULL);
    predict_request rq = {PREDICT_GENERIC, "Summarise", &im, NULL, NULL, 0, 0};
    char *text = predict_fill_schema(&rq, schema);
    CHECK(text != NULL);
    json_t *doc = json_loads(text, 0, NULL);
    CHECK_EQ_INT(json_integer_value(json_object_get(doc, "count")), 3);
    CHECK_EQ_INT(json_array_size(json_object_get(doc, "objects")), 2);
    CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(doc, "objects"), 0), "colour")),
                 "red");
    CHECK_EQ_STR(json_string_value(json_object_get(doc, "mood")), "calm");
    CHECK_EQ_INT(json_string_length(json_object_get(doc, "summary")), 5);
    CHECK(json_is_true(json_object_get(doc, "ok")));
    json_decref(doc);
    free(text);
    json_decref(schema);
    /* A schema that recurses through arrays stays bounded. */
    schema = json_loads("{\"type\":\"array\",\"minItems\":64,\"items\":{\"$ref\":\"#\"}}", 0, NULL);
    text = predict_fill_schema(&rq, schema);
    CHECK(text != NULL && strlen(text) < 1000000);
    free(text);
    json_decref(schema);
    image_free(&a);
    predict_image_free(&im);
}

static void test_task_names(void)
{
    predict_task t;
    CHECK(predict_task_from_name("phrase_grounding", &t) == 0 && t == PREDICT_PHRASE_GROUNDING);
    CHECK(predict_task_from_name("freeform", &t) == 0 && t == PREDICT_GENERIC);
    CHECK(predict_task_from_name("detect", &t) == -1);
    CHECK(predict_task_guess("What is this?", &t) == 1 && t == PREDICT_VQA);
    CHECK(predict_task_guess("how many dogs", &t) == 1 && t == PREDICT_VQA);
    CHECK(predict_task_guess("Describe and locate all visible objects", &t) == 1 && t == PREDICT_PHRASE_GROUNDING);
    CHECK(predict_task_guess("Write a poem", &t) == 0);
}

/* The committed fixtures, found through this file's path (relative to the
 * build directory, three levels above the test binary, when not absolute). */
static void find_fixtures(void)
{
    char src[PATH_MAX], exe[PATH_MAX];
    snprintf(src, sizeof src, "%s", __FILE__);
    char *srcdir = dirname(src);
    if (srcdir[0] == '/') {
        snprintf(fixture_dir, sizeof fixture_dir, "%s/../../fixtures/images", srcdir);
        return;
    }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = 0;
    char *build = dirname(dirname(dirname(exe)));
    snprintf(fixture_dir, sizeof fixture_dir, "%.2000s/%.1000s/../../fixtures/images", build, srcdir);
}

/* The ustar writer: headers with valid checksums, 512-byte padding, long
 * names split into prefix + name, two zero blocks at the end. */
static void test_tar(void)
{
    tar_writer *t = tar_writer_new(1700000000000LL);
    char longname[200];
    snprintf(longname, sizeof longname, "%0120d/file.json", 0);
    CHECK(tar_writer_add(t, "model_full/", NULL, 0) == 0);
    CHECK(tar_writer_add(t, "model_full/run.json", "{}", 2) == 0);
    CHECK(tar_writer_add(t, longname, "abc", 3) == 0);
    char toolong[300];
    memset(toolong, 'a', sizeof toolong - 1);
    toolong[sizeof toolong - 1] = 0;
    CHECK(tar_writer_add(t, toolong, "x", 1) == -1);
    unsigned char *out = NULL;
    size_t len = 0;
    CHECK(tar_writer_finish(t, &out, &len) == 0);
    CHECK_EQ_INT(len, 512 * (1 + 2 + 2 + 2));
    for (size_t off = 0; off + 512 <= len - 1024; off += 512) {
        const unsigned char *h = out + off;
        if (memcmp(h + 257, "ustar", 5) != 0)
            continue; /* a data block */
        unsigned sum = 0;
        for (int i = 0; i < 512; i++)
            sum += (i >= 148 && i < 156) ? ' ' : h[i];
        CHECK_EQ_INT(strtoul((const char *)h + 148, NULL, 8), sum);
    }
    CHECK(out[512 + 156] == '0' && memcmp(out + 512 * 2, "{}", 2) == 0);
    CHECK(strcmp((const char *)out + 512, "model_full/run.json") == 0);
    CHECK(out[156] == '5');
    CHECK(strcmp((const char *)out + 512 * 3, "file.json") == 0);
    CHECK(strncmp((const char *)out + 512 * 3 + 345, "000", 3) == 0);
    CHECK(memcmp(out + 512 * 4, "abc", 3) == 0);
    static const unsigned char zeros[1024];
    CHECK(memcmp(out + len - 1024, zeros, 1024) == 0);
    free(out);
}

int main(void)
{
    find_fixtures();
    test_tokens();
    test_parse();
    test_data_url();
    test_signature();
    test_scene();
    test_pixels();
    test_memory();
    test_schema();
    test_task_names();
    test_tar();
    return check_exit();
}
