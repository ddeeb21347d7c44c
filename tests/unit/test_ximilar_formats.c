/* test_ximilar_formats.c — the result-format checkers of the Ximilar dialect:
 * JSON (jansson), YAML, XML and CSV accept well-formed text and reject broken
 * text with a "line L, column C: message" naming the place. */
#include <string.h>

#include "check.h"
#include "dialects/ximilar/xim_formats.h"

static int ok(xim_format f, const char *text)
{
    char err[300];
    int rc = xim_format_validate(f, text, strlen(text), err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "    unexpected error for %s: %s\n", xim_format_name(f), err);
    return rc == 0;
}

/* Fails, and the message mentions `where` (e.g. "line 2"). */
static int bad(xim_format f, const char *text, const char *where)
{
    char err[300] = "";
    int rc = xim_format_validate(f, text, strlen(text), err, sizeof err);
    if (rc == 0) {
        fprintf(stderr, "    accepted broken %s: %s\n", xim_format_name(f), text);
        return 0;
    }
    if (where && !strstr(err, where)) {
        fprintf(stderr, "    message '%s' lacks '%s'\n", err, where);
        return 0;
    }
    return 1;
}

static void test_names(void)
{
    CHECK_EQ_INT(xim_format_from_name("json"), XIM_FMT_JSON);
    CHECK_EQ_INT(xim_format_from_name("csv"), XIM_FMT_CSV);
    CHECK_EQ_INT(xim_format_from_name(NULL), XIM_FMT_NONE);
    CHECK_EQ_INT(xim_format_from_name("toml"), -1);
    CHECK_EQ_STR(xim_format_name(XIM_FMT_YAML), "yaml");
    CHECK(xim_format_name(XIM_FMT_NONE) == NULL);
    CHECK(ok(XIM_FMT_NONE, "anything {{ at all"));
}

static void test_json(void)
{
    CHECK(ok(XIM_FMT_JSON, "{\"grade\": 8.5, \"explain\": \"x\"}"));
    CHECK(ok(XIM_FMT_JSON, "[1, 2]"));
    CHECK(ok(XIM_FMT_JSON, "42"));
    CHECK(bad(XIM_FMT_JSON, "{\"grade\": }", "line 1"));
    CHECK(bad(XIM_FMT_JSON, "{\"a\": 1,\n \"b\": x}", "line 2"));
    CHECK(bad(XIM_FMT_JSON, "", NULL));
}

static void test_yaml(void)
{
    CHECK(ok(XIM_FMT_YAML, "grade: 8.5\nexplain: \"Nice \\\"jacket\\\"\"\n"));
    CHECK(ok(XIM_FMT_YAML, "a:\n  b: 1\n  c: [1, 2]\n"));
    CHECK(ok(XIM_FMT_YAML, "- a: 1\n  b: 2\n- c\n"));
    CHECK(ok(XIM_FMT_YAML, "key:\n- x\n- y\nother: 3\n"));
    CHECK(ok(XIM_FMT_YAML, "text: |\n  line1\n\n  line2\nnext: 1\n"));
    CHECK(ok(XIM_FMT_YAML, "a: {x: 1,\n  y: [2, 3]}\n"));
    CHECK(ok(XIM_FMT_YAML, "a: &anc 1\nb: *anc\nc: !!str 2\n"));
    CHECK(ok(XIM_FMT_YAML, "%YAML 1.2\n---\na: 1\n...\n"));
    CHECK(ok(XIM_FMT_YAML, "url: http://x.com:80/a # comment\n"));
    CHECK(ok(XIM_FMT_YAML, "x: 'it''s'\ny: \"\\u00e9\\x41\"\n"));
    CHECK(ok(XIM_FMT_YAML, "plain multi\n  line\n"));
    CHECK(ok(XIM_FMT_YAML, ""));
    CHECK(bad(XIM_FMT_YAML, "a: b: c\n", "line 1"));
    CHECK(bad(XIM_FMT_YAML, "a: 1\n b: 2\n", "line 2"));
    CHECK(bad(XIM_FMT_YAML, "a:\n  - 1\n b: 3\n", "line 3"));
    CHECK(bad(XIM_FMT_YAML, "a: \"open\n", "double-quoted"));
    CHECK(bad(XIM_FMT_YAML, "a: \"bad \\q escape\"\n", "escape"));
    CHECK(bad(XIM_FMT_YAML, "\ta: 1\n", "tab"));
    CHECK(bad(XIM_FMT_YAML, "a: [1, 2\n", "flow"));
    CHECK(bad(XIM_FMT_YAML, "a: [1] x\n", NULL));
    CHECK(bad(XIM_FMT_YAML, "a: @x\n", "cannot start"));
    CHECK(bad(XIM_FMT_YAML, "a: 1\n- b\n", "line 2"));
    CHECK(bad(XIM_FMT_YAML, "? complex\n: v\n", "complex"));
    CHECK(bad(XIM_FMT_YAML, "a: |x\n  y\n", "block scalar"));
    CHECK(bad(XIM_FMT_YAML, "a: 1\x01\n", "control"));
    /* Nesting is bounded, not recursive without limit. */
    char deep[1200];
    memset(deep, '[', 600);
    memset(deep + 600, ']', 600);
    deep[1199] = 0;
    CHECK(bad(XIM_FMT_YAML, deep, "nesting"));
}

static void test_xml(void)
{
    CHECK(ok(XIM_FMT_XML, "<result><grade>8.5</grade><explain>a &amp; b &lt;c&gt; &#233; &#x41;</explain></result>"));
    CHECK(ok(XIM_FMT_XML, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c -->\n<r a=\"1\" b='2'/>\n"));
    CHECK(ok(XIM_FMT_XML, "<r><![CDATA[ <not> & markup ]]><?pi data?></r>"));
    CHECK(ok(XIM_FMT_XML, "<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>"));
    CHECK(bad(XIM_FMT_XML, "<a><b></a></b>", "mismatched"));
    CHECK(bad(XIM_FMT_XML, "<a>x & y</a>", NULL));
    CHECK(bad(XIM_FMT_XML, "<a>&nope;</a>", "undefined entity"));
    CHECK(bad(XIM_FMT_XML, "<a></a><b></b>", "junk"));
    CHECK(bad(XIM_FMT_XML, "text<a/>", "outside"));
    CHECK(bad(XIM_FMT_XML, "<a x=\"1\" x=\"2\"/>", "duplicate"));
    CHECK(bad(XIM_FMT_XML, "<a x=1/>", "quoted"));
    CHECK(bad(XIM_FMT_XML, "<a>\n<b>\n</a>", "line 3"));
    CHECK(bad(XIM_FMT_XML, "<a><!-- a -- b --></a>", "--"));
    CHECK(bad(XIM_FMT_XML, "<a>]]></a>", "]]>"));
    CHECK(bad(XIM_FMT_XML, "<a>&#0;</a>", "invalid character"));
    CHECK(bad(XIM_FMT_XML, "", "root"));
    CHECK(bad(XIM_FMT_XML, "<a>", "never closed"));
    CHECK(bad(XIM_FMT_XML, "<a>\x01</a>", "not allowed"));
}

static void test_csv(void)
{
    CHECK(ok(XIM_FMT_CSV, "grade,explain\n4.5,\"He said \"\"hi\"\", ok\"\n"));
    CHECK(ok(XIM_FMT_CSV, "a,b\r\n1,2\r\n"));
    CHECK(ok(XIM_FMT_CSV, "a,b\n\"multi\nline\",2"));
    CHECK(ok(XIM_FMT_CSV, "single"));
    CHECK(ok(XIM_FMT_CSV, ""));
    CHECK(bad(XIM_FMT_CSV, "a,b\n1,2,3\n", "record 2 has 3 fields, expected 2"));
    CHECK(bad(XIM_FMT_CSV, "a,b\n\"open,2\n", "unterminated"));
    CHECK(bad(XIM_FMT_CSV, "a,b\n\"x\"y,2\n", "after a closing quote"));
    CHECK(bad(XIM_FMT_CSV, "a,b\nx\"y,2\n", "unquoted"));
}

int main(void)
{
    test_names();
    test_json();
    test_yaml();
    test_xml();
    test_csv();
    return check_exit();
}
