/* test_geometry.c — geometry validation per kind, bounds, polygon area. */
#include "check.h"
#include <stdio.h>
#include "core/geometry.h"

static int valid(const char *kind, const char *json, int w, int h)
{
    json_t *g = json ? json_loads(json, 0, NULL) : NULL;
    char err[200];
    int rc = geometry_validate(kind, g, w, h, err, sizeof err);
    json_decref(g);
    return rc == 0;
}

/* geometry_bounds_text agrees with parsing and geometry_bounds, fast path or not. */
static int text_bounds_agree(const char *kind, const char *text)
{
    double a[4] = {0}, b[4] = {0};
    int ra = geometry_bounds_text(kind, text, &a[0], &a[1], &a[2], &a[3]);
    json_t *g = json_loads(text, 0, NULL);
    int rb = g ? geometry_bounds(kind, g, &b[0], &b[1], &b[2], &b[3]) : -1;
    json_decref(g);
    int same = ra == rb && (ra != 0 || (a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3]));
    if (!same)
        fprintf(stderr, "    %s %s: text %d, json %d\n", kind, text, ra, rb);
    return same;
}

int main(void)
{
    CHECK(text_bounds_agree("bbox", "{\"x\":1.5,\"y\":2,\"w\":3e2,\"h\":-0.25}"));   /* the fast form */
    CHECK(text_bounds_agree("bbox", "{\"x\": 1.5, \"y\": 2, \"w\": 3, \"h\": 4}"));  /* blanks: parsed */
    CHECK(text_bounds_agree("bbox", "{\"y\":2,\"x\":1,\"w\":3,\"h\":4}"));           /* order: parsed */
    CHECK(text_bounds_agree("bbox", "{\"x\":1,\"y\":2,\"w\":3,\"h\":4,\"r\":0}"));  /* extra member */
    CHECK(text_bounds_agree("bbox", "{\"x\":1,\"y\":2,\"w\":3}"));                    /* missing h */
    CHECK(text_bounds_agree("bbox", "{\"x\":1,\"y\":2,\"w\":3,\"h\":\"4\"}"));      /* a string */
    CHECK(text_bounds_agree("bbox", "{\"x\":1-2,\"y\":2,\"w\":3,\"h\":4}"));         /* not a number */
    CHECK(text_bounds_agree("bbox", "{\"x\":1e999,\"y\":2,\"w\":3,\"h\":4}"));       /* overflow */
    CHECK(text_bounds_agree("bbox", "{\"x\":1,\"y\":2,\"w\":3,\"h\":4}x"));          /* trailing bytes */
    CHECK(text_bounds_agree("polygon", "{\"points\":[[1,2],[5,2],[3,9]]}"));
    CHECK(text_bounds_agree("point", "{\"x\":3,\"y\":4}"));
    CHECK(valid("bbox", "{\"x\":0,\"y\":0,\"w\":10,\"h\":10}", 10, 10));
    CHECK(valid("bbox", "{\"x\":1.5,\"y\":2.5,\"w\":3,\"h\":4}", 10, 10));
    CHECK(!valid("bbox", "{\"x\":5,\"y\":5,\"w\":10,\"h\":1}", 10, 10));
    CHECK(!valid("bbox", "{\"x\":-1,\"y\":0,\"w\":1,\"h\":1}", 10, 10));
    CHECK(!valid("bbox", "{\"x\":0,\"y\":0,\"w\":0,\"h\":1}", 10, 10));
    CHECK(!valid("bbox", "{\"x\":\"0\",\"y\":0,\"w\":1,\"h\":1}", 10, 10));
    CHECK(!valid("bbox", NULL, 10, 10));
    CHECK(valid("polygon", "{\"points\":[[0,0],[10,0],[10,10]]}", 10, 10));
    CHECK(!valid("polygon", "{\"points\":[[0,0],[10,0]]}", 10, 10));
    CHECK(!valid("polygon", "{\"points\":[[0,0],[11,0],[1,1]]}", 10, 10));
    CHECK(!valid("polygon", "{\"points\":[[0,0],[1],[1,1]]}", 10, 10));
    CHECK(valid("polyline", "{\"points\":[[0,0],[3,3]]}", 10, 10));
    CHECK(valid("point", "{\"x\":10,\"y\":10}", 10, 10));
    CHECK(!valid("point", "{\"x\":10.5,\"y\":10}", 10, 10));
    CHECK(valid("mask", "{\"rle\":{\"counts\":[1,2],\"size\":[10,10]}}", 10, 10));
    CHECK(!valid("mask", "{}", 10, 10));
    CHECK(valid("classification", NULL, 10, 10));
    CHECK(valid("text", "{}", 10, 10));
    CHECK(!valid("circle", "{}", 10, 10));
    CHECK(!valid("bbox", "[1,2,3,4]", 10, 10));

    json_t *g = json_loads("{\"points\":[[1,2],[5,2],[5,8],[1,8]]}", 0, NULL);
    double x, y, w, h;
    CHECK_EQ_INT(geometry_bounds("polygon", g, &x, &y, &w, &h), 0);
    CHECK(x == 1 && y == 2 && w == 4 && h == 6);
    CHECK(geometry_polygon_area(json_object_get(g, "points")) == 24.0);
    CHECK_EQ_INT(geometry_bounds("text", g, &x, &y, &w, &h), -1);
    json_decref(g);
    return check_exit();
}
