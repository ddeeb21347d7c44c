/* test_format_csv.c — CsvFourCorner and CsvWidthHeight: header, one row per
 * box, pixels or normalized values, quoting of awkward fields. */
#include "check.h"
#include "format_capture.h"

int main(void)
{
    capture c = {0};
    format_options px = capture_options(0), norm = capture_options(1);
    CHECK_EQ_INT(capture_run(&c, "CsvFourCorner", &px, "dump", capture_images, 2), 0);
    const captured_file *f = capture_find(&c, "dump/annotations.csv");
    CHECK(f != NULL);
    if (f)
        CHECK_EQ_STR((const char *)f->data, "filename,xmin,ymin,xmax,ymax,label\n"
                                            "a.jpg,64,96,320,336,cat\n"
                                            "a.jpg,384,96,576,336,couch\n");
    capture_free(&c);

    CHECK_EQ_INT(capture_run(&c, "CsvWidthHeight", &norm, "dump", capture_images, 1), 0);
    f = capture_find(&c, "dump/annotations.csv");
    CHECK(f != NULL);
    if (f)
        CHECK_EQ_STR((const char *)f->data, "filename,xmin,ymin,width,height,label\n"
                                            "a.jpg,0.1,0.2,0.4,0.5,cat\n"
                                            "a.jpg,0.6,0.2,0.3,0.5,couch\n");
    capture_free(&c);

    format_box box = {"big, \"red\" cat", 0, 0, 0, 1, 1, 0, 0};
    format_image img = {"l", "x", "a,b.jpg", "image/jpeg", 2, 2, "", &box, 1, NULL, 0, NULL, NULL, 0};
    CHECK_EQ_INT(capture_run(&c, "CsvWidthHeight", &px, "dump", &img, 1), 0);
    CHECK(c.n == 1);
    if (c.n == 1)
        CHECK_EQ_STR((const char *)c.files[0].data, "filename,xmin,ymin,width,height,label\n"
                                                    "\"a,b.jpg\",0,0,2,2,\"big, \"\"red\"\" cat\"\n");
    capture_free(&c);
    return check_exit();
}
