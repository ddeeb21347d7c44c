/* test_format_coco.c — COCO JSON: layout, 1-based category ids in class order,
 * pixel xywh boxes, areas, image ids, and JSON escaping of names. */
#include <jansson.h>
#include <math.h>

#include "check.h"
#include "format_capture.h"

static int near(double a, double b) { return fabs(a - b) < 1e-9; }

int main(void)
{
    capture c = {0};
    format_options o = capture_options(1);
    CHECK_EQ_INT(capture_run(&c, "Coco", &o, "training", capture_images, 2), 0);
    CHECK_EQ_INT(c.n, 1);
    const captured_file *f = capture_find(&c, "training/annotations.json");
    CHECK(f != NULL);
    json_error_t err;
    json_t *root = f ? json_loadb((const char *)f->data, f->len, 0, &err) : NULL;
    CHECK(root != NULL);
    json_t *images = json_object_get(root, "images"), *anns = json_object_get(root, "annotations"),
           *cats = json_object_get(root, "categories");
    CHECK_EQ_INT(json_array_size(images), 2);
    CHECK_EQ_INT(json_array_size(anns), 2);
    CHECK_EQ_INT(json_array_size(cats), 2);
    CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(images, 1), "file_name")), "b.photo.png");
    CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(images, 0), "width")), 640);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(cats, 1), "id")), 2);
    CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(cats, 1), "name")), "couch");
    json_t *a0 = json_array_get(anns, 0);
    json_t *bbox = json_object_get(a0, "bbox");
    CHECK(near(json_number_value(json_array_get(bbox, 0)), 64));
    CHECK(near(json_number_value(json_array_get(bbox, 1)), 96));
    CHECK(near(json_number_value(json_array_get(bbox, 2)), 256));
    CHECK(near(json_number_value(json_array_get(bbox, 3)), 240));
    CHECK(near(json_number_value(json_object_get(a0, "area")), 256 * 240));
    CHECK_EQ_INT(json_integer_value(json_object_get(a0, "category_id")), 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(a0, "image_id")), 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(a0, "iscrowd")), 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(anns, 1), "category_id")), 2);
    json_decref(root);
    capture_free(&c);

    /* Names that need escaping stay valid JSON. */
    static const char *const odd[] = {"a \"quoted\"\nname\\"};
    format_box box = {"a \"quoted\"\nname\\", 0, 0, 0, 1, 1, 0, 0};
    format_image img = {"l", "x", "we\"ird\t.jpg", "image/jpeg", 10, 10, "", &box, 1, NULL, 0, NULL, NULL, 0};
    format_options o2 = {FORMAT_TASK_PHRASE_GROUNDING, odd, 1, 1, 0, 0};
    CHECK_EQ_INT(capture_run(&c, "Coco", &o2, "dump", &img, 1), 0);
    root = c.n ? json_loadb((const char *)c.files[0].data, c.files[0].len, 0, &err) : NULL;
    CHECK(root != NULL);
    CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(root, "categories"), 0), "name")),
                 odd[0]);
    CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(root, "images"), 0), "file_name")),
                 "we\"ird\t.jpg");
    json_decref(root);
    capture_free(&c);
    return check_exit();
}
