/* test_labelbox_multipart.c — the tolerant multipart/form-data reader used by
 * the Labelbox GraphQL uploads: the client's exact layout, line-end variants,
 * quoting, RFC 5987 names, truncated bodies and boundary parsing. */
#include "check.h"
#include "dialects/labelbox/lb_multipart.h"

#include <string.h>

static int parse(const char *body, const char *boundary, lb_part *parts)
{
    return lb_multipart_parse((const unsigned char *)body, strlen(body), boundary, parts, LB_MULTIPART_MAX_PARTS);
}

static void test_boundary(void)
{
    char b[80];
    CHECK_EQ_INT(lb_multipart_boundary("multipart/form-data; boundary=abc123", b, sizeof b), 0);
    CHECK_EQ_STR(b, "abc123");
    CHECK_EQ_INT(lb_multipart_boundary("multipart/form-data; charset=utf-8; BOUNDARY=\"a b;c\"", b, sizeof b), 0);
    CHECK_EQ_STR(b, "a b;c");
    CHECK_EQ_INT(lb_multipart_boundary("multipart/form-data", b, sizeof b), -1);
    CHECK_EQ_INT(lb_multipart_boundary("multipart/form-data; boundary=", b, sizeof b), -1);
    CHECK_EQ_INT(lb_multipart_boundary("multipart/form-data; boundary=\"open", b, sizeof b), -1);
    CHECK_EQ_INT(lb_multipart_boundary(NULL, b, sizeof b), -1);
    char longb[100];
    memset(longb, 'x', 71);
    longb[71] = 0;
    char header[160];
    snprintf(header, sizeof header, "multipart/form-data; boundary=%s", longb);
    CHECK_EQ_INT(lb_multipart_boundary(header, b, sizeof b), -1);
}

static void test_sdk_layout(void)
{
    /* as python-requests sends the vendor client's UploadFile (swapped quirk) */
    const char *body = "--B\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{\"query\":\"q\"}\r\n"
                       "--B\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{\"1\": [\"variables.file\"]}\r\n"
                       "--B\r\nContent-Disposition: form-data; name=\"1\"; filename=\"application/json\"\r\n"
                       "Content-Type: json_import.json\r\n\r\n[1,2]\r\n--B--\r\n";
    lb_part parts[LB_MULTIPART_MAX_PARTS];
    CHECK_EQ_INT(parse(body, "B", parts), 3);
    CHECK_EQ_STR(parts[0].name, "operations");
    CHECK_EQ_INT(parts[0].len, 13);
    CHECK(memcmp(parts[0].data, "{\"query\":\"q\"}", 13) == 0);
    CHECK_EQ_INT(parts[0].has_filename, 0);
    CHECK_EQ_STR(parts[2].name, "1");
    CHECK_EQ_STR(parts[2].filename, "application/json");
    CHECK_EQ_STR(parts[2].content_type, "json_import.json");
    CHECK_EQ_INT(parts[2].len, 5);
    CHECK(lb_multipart_find(parts, 3, "map") == &parts[1]);
    CHECK(lb_multipart_find(parts, 3, "nope") == NULL);
}

static void test_tolerance(void)
{
    lb_part parts[LB_MULTIPART_MAX_PARTS];
    /* bare LF, preamble, epilogue, padding after the delimiter, header case */
    const char *lf = "preamble\n--b  \ncontent-disposition: FORM-DATA; NAME=x\n\nhello\n--b--\nepilogue";
    CHECK_EQ_INT(parse(lf, "b", parts), 1);
    CHECK_EQ_STR(parts[0].name, "x");
    CHECK_EQ_INT(parts[0].len, 5);
    /* no closing delimiter: the part runs to the end */
    CHECK_EQ_INT(parse("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nrest", "b", parts), 1);
    CHECK_EQ_INT(parts[0].len, 4);
    /* a delimiter that ends the body */
    CHECK_EQ_INT(parse("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--b", "b", parts), 1);
    CHECK_EQ_INT(parts[0].len, 1);
    /* escapes in quoted values; RFC 5987 filename* wins */
    const char *q = "--b\r\nContent-Disposition: form-data; name=\"a\\\"b\"; filename=\"plain.txt\"; "
                    "filename*=UTF-8''%C3%A9t%C3%A9.ndjson\r\n\r\nz\r\n--b--";
    CHECK_EQ_INT(parse(q, "b", parts), 1);
    CHECK_EQ_STR(parts[0].name, "a\"b");
    CHECK_EQ_STR(parts[0].filename, "\xc3\xa9t\xc3\xa9.ndjson");
    /* content that contains the boundary text mid-line is content */
    CHECK_EQ_INT(parse("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx--b y\r\n--b--", "b", parts), 1);
    CHECK_EQ_INT(parts[0].len, 6);
    /* empty part content */
    CHECK_EQ_INT(parse("--b\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--b--", "b", parts), 1);
    CHECK_EQ_INT(parts[0].len, 0);
}

static void test_refusals(void)
{
    lb_part parts[2];
    CHECK_EQ_INT(parse("no delimiter at all", "b", parts), 0);
    CHECK_EQ_INT(parse("--b\r\nContent-Disposition: form-data; name=a\r\n", "b", parts), -1); /* headers never end */
    CHECK_EQ_INT(parse("--bgarbage\r\n\r\nx", "b", parts), -1);
    const char *three = "--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b\r\n\r\n3\r\n--b--";
    CHECK_EQ_INT(lb_multipart_parse((const unsigned char *)three, strlen(three), "b", parts, 2), -1);
    CHECK_EQ_INT(lb_multipart_parse(NULL, 0, "b", parts, 2), 0);
    CHECK_EQ_INT(lb_multipart_parse((const unsigned char *)"--", 2, "", parts, 2), 0);
}

int main(void)
{
    test_boundary();
    test_sdk_layout();
    test_tolerance();
    test_refusals();
    return check_exit();
}
