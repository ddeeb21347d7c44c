/* test_format_yolo.c — YOLO Darknet (normalized centre/size per image file,
 * empty file for an image without boxes, classes.txt) and YOLO Keras/PyTorch
 * (one line per image, integer pixel corners, 0-based classes). */
#include <stdio.h>

#include "check.h"
#include "format_capture.h"

int main(void)
{
    capture c = {0};
    format_options o = capture_options(1);
    CHECK_EQ_INT(capture_run(&c, "YoloDarknet", &o, "validation", capture_images, 2), 0);
    const captured_file *a = capture_find(&c, "validation/labels/a.txt");
    const captured_file *b = capture_find(&c, "validation/labels/b.photo.txt");
    const captured_file *cls = capture_find(&c, "classes.txt");
    CHECK(a && b && cls);
    if (a)
        CHECK_EQ_STR((const char *)a->data, "0 0.300000 0.450000 0.400000 0.500000\n"
                                            "1 0.750000 0.450000 0.300000 0.500000\n");
    if (b)
        CHECK_EQ_INT(b->len, 0);
    if (cls)
        CHECK_EQ_STR((const char *)cls->data, "cat\ncouch\n");
    capture_free(&c);

    CHECK_EQ_INT(capture_run(&c, "YoloKerasPytorch", &o, "dump", capture_images, 2), 0);
    const captured_file *k = capture_find(&c, "dump/annotations.txt");
    CHECK(k != NULL);
    if (k)
        CHECK_EQ_STR((const char *)k->data, "a.jpg 64,96,320,336,0 384,96,576,336,1\nb.photo.png\n");
    CHECK(capture_find(&c, "classes.txt") != NULL);
    capture_free(&c);
    return check_exit();
}
