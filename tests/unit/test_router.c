/* test_router.c — route matching: literals, params, '*', '**', trailing slash,
 * 405 with Allow, HEAD on GET routes, mounts → dialect. */
#include "check.h"
#include "router.h"

static int h(vs_request *req, vs_response *res) { (void)req; (void)res; return 0; }

static const route table[] = {
    {"GET", "/a/b", DIALECT_ADMIN, h, AUTH_NONE, BODY_NONE, 0, NULL, NULL},
    {"POST", "/a/b", DIALECT_ADMIN, h, AUTH_NONE, BODY_JSON, 0, NULL, NULL},
    {"GET", "/items/{id}", DIALECT_VI, h, AUTH_NONE, BODY_NONE, 0, NULL, NULL},
    {"DELETE", "/items/{id}", DIALECT_VI, h, AUTH_NONE, BODY_NONE, 0, NULL, NULL},
    {"GET", "/items/{id}/parts/{part}", DIALECT_VI, h, AUTH_NONE, BODY_NONE, 0, NULL, NULL},
    {"GET", "/star/*/x", DIALECT_XIMILAR, h, AUTH_NONE, BODY_NONE, 0, NULL, NULL},
    {"GET", "/files/**", DIALECT_BLOB, h, AUTH_NONE, BODY_NONE, 0, NULL, NULL},
};
#define N (sizeof table / sizeof *table)

int main(void)
{
    route_match m;
    CHECK_EQ_INT(router_match(table, N, "GET", "/a/b", &m), ROUTE_FOUND);
    CHECK(m.route == &table[0]);
    router_match_free(&m);
    CHECK_EQ_INT(router_match(table, N, "POST", "/a/b/", &m), ROUTE_FOUND);
    CHECK(m.route == &table[1]);
    router_match_free(&m);
    CHECK_EQ_INT(router_match(table, N, "HEAD", "/a/b", &m), ROUTE_FOUND);
    CHECK(m.route == &table[0]);
    router_match_free(&m);

    CHECK_EQ_INT(router_match(table, N, "PUT", "/a/b", &m), ROUTE_BAD_METHOD);
    CHECK_EQ_STR(m.allow, "GET, HEAD, POST");
    router_match_free(&m);

    CHECK_EQ_INT(router_match(table, N, "GET", "/items/42", &m), ROUTE_FOUND);
    CHECK_EQ_INT(m.nparams, 1);
    CHECK_EQ_STR(m.names[0], "id");
    CHECK_EQ_STR(m.values[0], "42");
    router_match_free(&m);

    CHECK_EQ_INT(router_match(table, N, "GET", "/items/42/parts/7/", &m), ROUTE_FOUND);
    CHECK_EQ_INT(m.nparams, 2);
    CHECK_EQ_STR(m.names[1], "part");
    CHECK_EQ_STR(m.values[1], "7");
    router_match_free(&m);

    CHECK_EQ_INT(router_match(table, N, "POST", "/items/42", &m), ROUTE_BAD_METHOD);
    CHECK_EQ_STR(m.allow, "GET, HEAD, DELETE");
    router_match_free(&m);

    /* Empty segments never match a parameter. */
    CHECK_EQ_INT(router_match(table, N, "GET", "/items//parts/7", &m), ROUTE_NO_PATH);
    router_match_free(&m);
    CHECK_EQ_INT(router_match(table, N, "GET", "/items", &m), ROUTE_NO_PATH);
    router_match_free(&m);
    CHECK_EQ_INT(router_match(table, N, "GET", "/", &m), ROUTE_NO_PATH);
    router_match_free(&m);
    CHECK_EQ_INT(router_match(table, N, "GET", "/a/b/c", &m), ROUTE_NO_PATH);
    router_match_free(&m);

    CHECK_EQ_INT(router_match(table, N, "GET", "/star/anything/x", &m), ROUTE_FOUND);
    CHECK_EQ_STR(m.names[0], "*");
    CHECK_EQ_STR(m.values[0], "anything");
    router_match_free(&m);

    CHECK_EQ_INT(router_match(table, N, "GET", "/files/a/b/c.png", &m), ROUTE_FOUND);
    CHECK_EQ_STR(m.names[0], "**");
    CHECK_EQ_STR(m.values[0], "a/b/c.png");
    router_match_free(&m);
    CHECK_EQ_INT(router_match(table, N, "GET", "/files", &m), ROUTE_NO_PATH);
    router_match_free(&m);
    CHECK_EQ_INT(router_match(table, N, "GET", "/files//", &m), ROUTE_NO_PATH); /* empty rest (fuzz_router) */
    router_match_free(&m);

    /* Too many segments is a miss, not a crash. */
    char deep[400] = "";
    for (int i = 0; i < 60; i++)
        strcat(deep, "/x");
    CHECK_EQ_INT(router_match(table, N, "GET", deep, &m), ROUTE_NO_PATH);
    router_match_free(&m);

    CHECK_EQ_INT(router_dialect_of("/workspaces/o/datasets"), DIALECT_VI);
    CHECK_EQ_INT(router_dialect_of("/workspacesX"), DIALECT_ADMIN);
    CHECK_EQ_INT(router_dialect_of("/api/v1/developer/datasets/"), DIALECT_PICTOGRAPH);
    CHECK_EQ_INT(router_dialect_of("/vlm/v2/prompt"), DIALECT_XIMILAR);
    CHECK_EQ_INT(router_dialect_of("/recognition/v2/training-image"), DIALECT_XIMILAR);
    CHECK_EQ_INT(router_dialect_of("/graphql"), DIALECT_LABELBOX);
    CHECK_EQ_INT(router_dialect_of("/_gql"), DIALECT_LABELBOX);
    CHECK_EQ_INT(router_dialect_of("/_blob/vi/t"), DIALECT_BLOB);
    CHECK_EQ_INT(router_dialect_of("/_emulator/health"), DIALECT_ADMIN);
    return check_exit();
}
