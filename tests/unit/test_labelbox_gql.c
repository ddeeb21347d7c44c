/* test_labelbox_gql.c — reading GraphQL query texts the way the Labelbox
 * dispatcher does (operation name, root field, pagination literals), and the
 * id/time helpers of the dialect. */
#include "check.h"
#include "dialects/labelbox/lb_gql.h"
#include "dialects/labelbox/lb_ids.h"
#include "dialects/labelbox/lb_strmap.h"

#include <stdio.h>
#include <string.h>

static void test_operation(void)
{
    char op[64];
    CHECK_EQ_INT(lb_gql_operation("mutation CreateDatasetPyApi($name: String!){createDataset(data: {name: $name}) {id}}",
                                  op, sizeof op), 0);
    CHECK_EQ_STR(op, "CreateDatasetPyApi");
    CHECK_EQ_INT(lb_gql_operation("\n            mutation UpsertDataRowsPyApi($m: String!) { x }", op, sizeof op), 0);
    CHECK_EQ_STR(op, "UpsertDataRowsPyApi");
    CHECK_EQ_INT(lb_gql_operation("# comment\nquery GetUserPyApi{user{id}}", op, sizeof op), 0);
    CHECK_EQ_STR(op, "GetUserPyApi");
    CHECK_EQ_INT(lb_gql_operation("{ user { id } }", op, sizeof op), -1);
    CHECK_EQ_INT(lb_gql_operation("query { user { id } }", op, sizeof op), -1);
    CHECK_EQ_INT(lb_gql_operation("queryX Foo { a }", op, sizeof op), -1);
    CHECK_EQ_INT(lb_gql_operation("fragment F on User { id }", op, sizeof op), -1);
    CHECK_EQ_INT(lb_gql_operation("", op, sizeof op), -1);
    CHECK_EQ_INT(lb_gql_operation(NULL, op, sizeof op), -1);
    char tiny[4];
    CHECK_EQ_INT(lb_gql_operation("query LongName { a }", tiny, sizeof tiny), -1);
}

static void test_root(void)
{
    char root[64];
    CHECK_EQ_INT(lb_gql_root_field("mutation upsertRootSchemaNodePyApi($data:  UpsertOntologyInput!){\n"
                                   "   upsertOntology(data: $data){ id }\n}", root, sizeof root), 0);
    CHECK_EQ_STR(root, "upsertOntology");
    CHECK_EQ_INT(lb_gql_root_field("query A($x: String = \"(){}\") @dir(a: 1) { alias : user { id } }", root,
                                   sizeof root), 0);
    CHECK_EQ_STR(root, "user");
    CHECK_EQ_INT(lb_gql_root_field("query A($x: ID!", root, sizeof root), -1);
    CHECK_EQ_INT(lb_gql_root_field("query A { }", root, sizeof root), -1);
}

static void test_literals(void)
{
    int64_t v = -1;
    CHECK_EQ_INT(lb_gql_literal_int("labelingFrontends(where: {name: $p} skip: 100 first: 100){id}", "skip", &v), 0);
    CHECK_EQ_INT(v, 100);
    CHECK_EQ_INT(lb_gql_literal_int("a(noskip: 3 skip: -2)", "skip", &v), 0);
    CHECK_EQ_INT(v, -2);
    CHECK_EQ_INT(lb_gql_literal_int("a(skip: $x)", "skip", &v), -1);
    CHECK_EQ_INT(lb_gql_literal_int("a(first: 1)", "skip", &v), -1);
}

static void test_time(void)
{
    char buf[32];
    lb_ids_time(0, buf);
    CHECK_EQ_STR(buf, "1970-01-01T00:00:00.000Z");
    lb_ids_time(1700000000123LL, buf);
    CHECK_EQ_STR(buf, "2023-11-14T22:13:20.123Z");
    int64_t ms = 0;
    CHECK_EQ_INT(lb_ids_parse_time("2023-11-14T22:13:20Z", &ms), 0);
    CHECK_EQ_INT(ms, 1700000000000LL);
    CHECK_EQ_INT(lb_ids_parse_time("2023-11-14T22:13:20.5+00:00", &ms), 0);
    CHECK_EQ_INT(ms, 1700000000500LL);
    CHECK_EQ_INT(lb_ids_parse_time("2024-02-29T00:00:00.000Z", &ms), 0);
    CHECK_EQ_INT(ms, 1709164800000LL);
    CHECK_EQ_INT(lb_ids_parse_time("yesterday", &ms), -1);
    CHECK_EQ_INT(lb_ids_parse_time("2023-13-01T00:00:00Z", &ms), -1);
    CHECK_EQ_INT(lb_ids_parse_time("2023-11-14T22:13:20+02:00", &ms), -1);
    CHECK_EQ_INT(lb_ids_parse_time("2023-11-14T22:13:20.Z", &ms), -1);
}

static void test_ids(void)
{
    char a[26], b[26], c[8];
    lb_ids_cuid(a);
    CHECK_EQ_INT(strlen(a), 25);
    CHECK(a[0] == 'c');
    lb_ids_derived("user", "ws-1", a);
    lb_ids_derived("user", "ws-1", b);
    CHECK_EQ_STR(a, b);
    lb_ids_derived("organization", "ws-1", b);
    CHECK(strcmp(a, b) != 0);
    lb_ids_color("car", c);
    CHECK(c[0] == '#' && strlen(c) == 7);
    char u1[37], u2[37];
    lb_ids_sequential_uuid(u1);
    for (int i = 0; i < 1000; i++) {
        lb_ids_sequential_uuid(u2);
        CHECK(strcmp(u1, u2) < 0);
        memcpy(u1, u2, sizeof u1);
    }
    CHECK_EQ_INT(strlen(u1), 36);
    CHECK(u1[14] == '7' && u1[19] == '8');
}

static void test_strmap(void)
{
    lb_strmap m;
    lb_strmap_init(&m);
    size_t v = 0;
    CHECK_EQ_INT(lb_strmap_get(&m, "x", &v), 0);
    char key[32];
    for (size_t i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        CHECK_EQ_INT(lb_strmap_put(&m, key, i), 1);
    }
    CHECK_EQ_INT(lb_strmap_put(&m, "k7", 99), 0);
    CHECK_EQ_INT(lb_strmap_get(&m, "k7", &v), 1);
    CHECK_EQ_INT(v, 7);
    CHECK_EQ_INT(lb_strmap_get(&m, "k4999", &v), 1);
    CHECK_EQ_INT(v, 4999);
    CHECK_EQ_INT(lb_strmap_get(&m, "k5000", &v), 0);
    CHECK_EQ_INT(m.count, 5000);
    lb_strmap_free(&m);
}

int main(void)
{
    test_operation();
    test_root();
    test_literals();
    test_time();
    test_ids();
    test_strmap();
    return check_exit();
}
