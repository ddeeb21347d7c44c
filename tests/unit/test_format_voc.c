/* test_format_voc.c — Pascal VOC: one XML per image under
 * <split>/annotations/<stem>.xml with size and integer-pixel bndbox, escaped. */
#include <string.h>

#include "check.h"
#include "format_capture.h"

int main(void)
{
    capture c = {0};
    format_options o = capture_options(1);
    CHECK_EQ_INT(capture_run(&c, "PascalVoc", &o, "training", capture_images, 2), 0);
    CHECK_EQ_INT(c.n, 2);
    const captured_file *a = capture_find(&c, "training/annotations/a.xml");
    CHECK(a != NULL);
    if (a) {
        const char *x = (const char *)a->data;
        CHECK(strstr(x, "<filename>a.jpg</filename>") != NULL);
        CHECK(strstr(x, "<width>640</width>") && strstr(x, "<height>480</height>") && strstr(x, "<depth>3</depth>"));
        CHECK(strstr(x, "<name>cat</name>") && strstr(x, "<name>couch</name>"));
        CHECK(strstr(x, "<xmin>64</xmin>") && strstr(x, "<ymin>96</ymin>") && strstr(x, "<xmax>320</xmax>") &&
              strstr(x, "<ymax>336</ymax>"));
        CHECK(strstr(x, "<xmin>384</xmin>") && strstr(x, "<xmax>576</xmax>"));
    }
    const captured_file *b = capture_find(&c, "training/annotations/b.photo.xml");
    CHECK(b && strstr((const char *)b->data, "<object>") == NULL);
    capture_free(&c);

    format_box box = {"a<b & \"c\"", 0, 0, 0, 0.5, 0.5, 0, 0};
    format_image img = {"l", "x", "t&t.jpg", "image/jpeg", 10, 10, "", &box, 1, NULL, 0, NULL, NULL, 0};
    CHECK_EQ_INT(capture_run(&c, "PascalVoc", &o, "dump", &img, 1), 0);
    CHECK(c.n == 1 && strstr((const char *)c.files[0].data, "<name>a&lt;b &amp; &quot;c&quot;</name>") != NULL);
    CHECK(c.n == 1 && strstr((const char *)c.files[0].data, "<filename>t&amp;t.jpg</filename>") != NULL);
    capture_free(&c);
    return check_exit();
}
