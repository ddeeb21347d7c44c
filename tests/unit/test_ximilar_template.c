/* test_ximilar_template.c — result templates: placeholder discovery, rendering
 * with values escaped for their context in each format (the output must parse),
 * unknown placeholders reported, Python-style number text. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dialects/ximilar/xim_template.h"

static char *render(const char *tpl, xim_format f, const char *values_json, const char *known_json, char *err,
                    size_t errlen)
{
    json_t *values = json_loads(values_json, 0, NULL);
    json_t *known = known_json ? json_loads(known_json, 0, NULL) : NULL;
    char *out = xim_template_render(tpl, f, values, known, 1, err, errlen);
    json_decref(values);
    json_decref(known);
    return out;
}

static void expect(const char *tpl, xim_format f, const char *values, const char *want)
{
    char err[400] = "";
    char *out = render(tpl, f, values, NULL, err, sizeof err);
    CHECK(out != NULL);
    if (!out)
        fprintf(stderr, "    error: %s\n", err);
    else
        CHECK_EQ_STR(out, want);
    free(out);
}

static void test_names(void)
{
    json_t *n = xim_template_names("{\"a\": {{grade}}, \"b\": \"{{ explain }}\", \"c\": {{grade}}, \"d\": {{{x}}}, {{ 1bad }}");
    CHECK_EQ_INT(json_array_size(n), 3);
    CHECK_EQ_STR(json_string_value(json_array_get(n, 0)), "grade");
    CHECK_EQ_STR(json_string_value(json_array_get(n, 1)), "explain");
    CHECK_EQ_STR(json_string_value(json_array_get(n, 2)), "x");
    json_decref(n);
    n = xim_template_names(NULL);
    CHECK_EQ_INT(json_array_size(n), 0);
    json_decref(n);
}

static void test_json_contexts(void)
{
    expect("{\"grade\": {{grade}}, \"explain\": \"{{explain}}\"}", XIM_FMT_JSON,
           "{\"grade\": 8.5, \"explain\": \"Nice \\\"leather\\\"\\njacket\"}",
           "{\"grade\": 8.5, \"explain\": \"Nice \\\"leather\\\"\\njacket\"}");
    /* Strings outside quotes become JSON strings; containers are JSON. */
    expect("{\"a\": {{s}}, \"b\": {{arr}}, \"c\": {{obj}}, \"d\": {{flag}}, \"e\": {{n}}}", XIM_FMT_JSON,
           "{\"s\": \"x\", \"arr\": [1, \"two\"], \"obj\": {\"k\": null}, \"flag\": true, \"n\": 3}",
           "{\"a\": \"x\", \"b\": [1,\"two\"], \"c\": {\"k\":null}, \"d\": true, \"e\": 3}");
    /* Braces of the format next to a placeholder's braces. */
    expect("{\"x\": {\"k\": {{v}}}}", XIM_FMT_JSON, "{\"v\": 1}", "{\"x\": {\"k\": 1}}");
    expect("[{{{v}}}]", XIM_FMT_YAML, "{\"v\": \"a\"}", "[{a}]");
}

static void test_other_formats(void)
{
    expect("grade: {{grade}}\nexplain: \"{{explain}}\"\nplain: {{p}}\nsq: '{{q}}'\n", XIM_FMT_YAML,
           "{\"grade\": 4.0, \"explain\": \"say \\\"hi\\\"\", \"p\": \"a: b # c\", \"q\": \"it's\"}",
           "grade: 4.0\nexplain: \"say \\\"hi\\\"\"\nplain: \"a: b # c\"\nsq: 'it''s'\n");
    expect("plain: {{p}}\n", XIM_FMT_YAML, "{\"p\": \"true\"}", "plain: \"true\"\n");
    expect("<r a=\"{{a}}\">{{b}}</r>", XIM_FMT_XML, "{\"a\": \"\\\"q\\\"\", \"b\": \"<x> & 'y'\"}",
           "<r a=\"&quot;q&quot;\">&lt;x&gt; &amp; &apos;y&apos;</r>");
    expect("a,b\n{{x}},\"{{y}}\"\n", XIM_FMT_CSV, "{\"x\": \"1,5\", \"y\": \"say \\\"hi\\\"\"}",
           "a,b\n\"1,5\",\"say \"\"hi\"\"\"\n");
    expect("{{a}} and {{b}}", XIM_FMT_NONE, "{\"a\": \"x\"}", "x and ");
}

static void test_errors(void)
{
    char err[400];
    char *out = render("{\"a\": {{a}}, \"b\": {{nope}}}", XIM_FMT_JSON, "{\"a\": 1}", "{\"a\": true}", err, sizeof err);
    CHECK(out == NULL);
    CHECK(strstr(err, "{{nope}}") != NULL);
    out = render("{\"a\": {{a}}}", XIM_FMT_JSON, "{}", "{\"a\": true}", err, sizeof err);
    CHECK(out == NULL);
    CHECK(strstr(err, "does not parse as JSON") != NULL);
    out = render("<a>{{a}}", XIM_FMT_XML, "{\"a\": 1}", NULL, err, sizeof err);
    CHECK(out == NULL);
    CHECK(strstr(err, "XML") != NULL);
}

static void test_numbers(void)
{
    char buf[32];
    struct { double v; const char *want; } cases[] = {
        {10.0, "10.0"}, {8.5, "8.5"}, {0.1, "0.1"}, {-0.5, "-0.5"}, {1e16, "1e+16"}, {123456789.0, "123456789.0"},
        {0.0001, "0.0001"}, {1.5e-5, "1.5e-05"}, {0.0, "0.0"}, {2.0 / 3.0, "0.6666666666666666"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        xim_number_format(cases[i].v, buf);
        CHECK_EQ_STR(buf, cases[i].want);
    }
    json_t *s = json_string("abc");
    xim_value_describe(s, buf, sizeof buf);
    CHECK_EQ_STR(buf, "'abc'");
    json_decref(s);
}

int main(void)
{
    test_names();
    test_json_contexts();
    test_other_formats();
    test_errors();
    test_numbers();
    return check_exit();
}
