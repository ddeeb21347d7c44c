/* test_format_vi_jsonl.c — Vi JSONL lines carry both the canonical keys and the
 * guide's keys; dataset layout is one ordinal file per image (ViFull adds the
 * images), annotation-only layout one <split>.jsonl at the root; VQA and
 * freeform contents; pixel output when normalized is off. */
#include <jansson.h>
#include <math.h>

#include "check.h"
#include "format_capture.h"

static json_t *parse(const captured_file *f)
{
    return f ? json_loadb((const char *)f->data, f->len, 0, NULL) : NULL;
}

int main(void)
{
    capture c = {0};
    format_options o = capture_options(1);
    CHECK_EQ_INT(capture_run(&c, "ViJsonl", &o, "training", capture_images, 2), 0);
    CHECK_EQ_INT(c.n, 2);
    json_t *l1 = parse(capture_find(&c, "training/annotations/00000001.jsonl"));
    json_t *l2 = parse(capture_find(&c, "training/annotations/00000002.jsonl"));
    CHECK(l1 && l2);
    CHECK_EQ_STR(json_string_value(json_object_get(l1, "id")), "line-1");
    CHECK_EQ_STR(json_string_value(json_object_get(l1, "asset_id")), "asset-1");
    json_t *asset = json_object_get(l1, "asset");
    CHECK_EQ_STR(json_string_value(json_object_get(asset, "filename")), "a.jpg");
    CHECK(json_is_integer(json_object_get(asset, "width")) && json_integer_value(json_object_get(asset, "width")) == 640);
    json_t *contents = json_object_get(l1, "contents");
    CHECK_EQ_STR(json_string_value(json_object_get(contents, "type")), "PhraseGrounding");
    CHECK_EQ_STR(json_string_value(json_object_get(contents, "caption")), "A cat sitting on a couch");
    json_t *gp = json_array_get(json_object_get(contents, "groundedPhrases"), 0);
    CHECK_EQ_STR(json_string_value(json_object_get(gp, "phrase")), "cat");
    CHECK_EQ_INT(json_integer_value(json_object_get(gp, "startTokenIndex")), 2);
    CHECK_EQ_INT(json_integer_value(json_object_get(gp, "endTokenIndex")), 5);
    json_t *bounds = json_object_get(gp, "bounds");
    CHECK_EQ_INT(json_array_size(bounds), 4);
    CHECK(fabs(json_number_value(json_array_get(json_array_get(bounds, 2), 0)) - 0.5) < 1e-12);
    CHECK(fabs(json_number_value(json_array_get(json_array_get(bounds, 2), 1)) - 0.7) < 1e-12);
    json_t *guide = json_array_get(json_object_get(l1, "grounded_phrases"), 1);
    CHECK_EQ_STR(json_string_value(json_object_get(guide, "phrase")), "couch");
    CHECK(fabs(json_number_value(json_array_get(json_object_get(guide, "bbox"), 2)) - 0.9) < 1e-12);
    CHECK_EQ_STR(json_string_value(json_object_get(l1, "caption")), "A cat sitting on a couch");
    /* An image without annotations still gets its (empty) line. */
    CHECK_EQ_INT(json_array_size(json_object_get(json_object_get(l2, "contents"), "groundedPhrases")), 0);
    json_decref(l1);
    json_decref(l2);
    capture_free(&c);

    /* Pixels, ViFull images, annotation-only layout. */
    unsigned char bytes[3] = {1, 2, 3};
    format_image with_bytes = capture_images[0];
    with_bytes.image = bytes;
    with_bytes.image_len = 3;
    format_options full = capture_options(0);
    full.include_images = 1;
    CHECK_EQ_INT(capture_run(&c, "ViFull", &full, "dump", &with_bytes, 1), 0);
    const captured_file *img = capture_find(&c, "dump/images/a.jpg");
    CHECK(img && img->len == 3 && img->data[2] == 3);
    l1 = parse(capture_find(&c, "dump/annotations/00000001.jsonl"));
    gp = json_array_get(json_object_get(json_object_get(l1, "contents"), "groundedPhrases"), 0);
    CHECK(fabs(json_number_value(json_array_get(json_array_get(json_object_get(gp, "bounds"), 0), 0)) - 64) < 1e-9);
    json_decref(l1);
    capture_free(&c);

    format_options only = capture_options(1);
    only.annotation_only = 1;
    CHECK_EQ_INT(capture_run(&c, "ViJsonl", &only, "dump", capture_images, 2), 0);
    const captured_file *root = capture_find(&c, "dump.jsonl");
    CHECK(c.n == 1 && root != NULL);
    int lines = 0;
    for (size_t i = 0; root && i < root->len; i++)
        lines += root->data[i] == '\n';
    CHECK_EQ_INT(lines, 2);
    capture_free(&c);

    /* VQA and freeform contents. */
    format_qa qas[] = {{1, "Colour?", "red"}, {2, "How many?", "two"}};
    format_image vqa = {"w1", "a1", "x.jpg", "image/jpeg", 4, 4, "", NULL, 0, qas, 2, NULL, NULL, 0};
    format_options vo = {FORMAT_TASK_VQA, NULL, 0, 1, 0, 1};
    CHECK_EQ_INT(capture_run(&c, "ViJsonl", &vo, "dump", &vqa, 1), 0);
    l1 = parse(capture_find(&c, "dump.jsonl"));
    contents = json_object_get(l1, "contents");
    CHECK_EQ_STR(json_string_value(json_object_get(contents, "type")), "Vqa");
    json_t *it = json_array_get(json_object_get(contents, "interactions"), 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(it, "order")), 2);
    CHECK_EQ_STR(json_string_value(json_object_get(it, "answer")), "two");
    json_decref(l1);
    capture_free(&c);

    format_image ff = {"w2", "a2", "y.png", "image/png", 4, 4, "", NULL, 0, NULL, 0, "{\"total\": \"918.00\"}\nok", NULL,
                       0};
    format_options fo = {FORMAT_TASK_FREEFORM, NULL, 0, 1, 0, 1};
    CHECK_EQ_INT(capture_run(&c, "ViJsonl", &fo, "dump", &ff, 1), 0);
    l1 = parse(capture_find(&c, "dump.jsonl"));
    CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(l1, "contents"), "response")),
                 "{\"total\": \"918.00\"}\nok");
    json_decref(l1);
    capture_free(&c);
    return check_exit();
}
