/* test_geometry.c — geometry validation per kind, bounds, polygon area. */
#include "check.h"
#include "core/geometry.h"

static int valid(const char *kind, const char *json, int w, int h)
{
    json_t *g = json ? json_loads(json, 0, NULL) : NULL;
    char err[200];
    int rc = geometry_validate(kind, g, w, h, err, sizeof err);
    json_decref(g);
    return rc == 0;
}

int main(void)
{
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
