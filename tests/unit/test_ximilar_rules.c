/* test_ximilar_rules.c — VLM variable schema: definition checks, value checks
 * with messages naming the variable and the rule, normalisation, and
 * synthesized values that always satisfy the constraints. */
#include <jansson.h>
#include <string.h>

#include "check.h"
#include "dialects/ximilar/xim_rules.h"

static xim_var var_of(json_t **hold, const char *json)
{
    xim_var v;
    *hold = json_loads(json, 0, NULL);
    xim_var_from_json(*hold, &v);
    return v;
}

static int value_ok(const char *def, const char *value, const char *msg)
{
    json_t *hold, *val = json_loads(value, JSON_DECODE_ANY, NULL);
    xim_var v = var_of(&hold, def);
    char err[300] = "";
    int rc = xim_var_check_value(&v, val, err, sizeof err);
    int good = msg ? rc != 0 && strstr(err, msg) != NULL : rc == 0;
    if (!good)
        fprintf(stderr, "    %s / %s -> rc %d '%s'\n", def, value, rc, err);
    json_decref(val);
    json_decref(hold);
    return good;
}

static int definition_fails(const char *def, const char *field)
{
    json_t *hold;
    xim_var v = var_of(&hold, def);
    const char *f = NULL;
    char err[300];
    int rc = xim_var_check_definition(&v, &f, err, sizeof err);
    int good = field ? rc != 0 && f && strcmp(f, field) == 0 : rc == 0;
    if (!good)
        fprintf(stderr, "    %s -> rc %d field %s '%s'\n", def, rc, f ? f : "-", err);
    json_decref(hold);
    return good;
}

static void test_values(void)
{
    const char *grade = "{\"name\":\"grade\",\"type\":\"float\",\"min_value\":0.0,\"max_value\":10.0,\"step_size\":0.5}";
    CHECK(value_ok(grade, "8.5", NULL));
    CHECK(value_ok(grade, "10", NULL));
    CHECK(value_ok(grade, "11.0", "grade: 11.0 is above max_value 10.0"));
    CHECK(value_ok(grade, "-1", "grade: -1 is below min_value 0.0"));
    CHECK(value_ok(grade, "8.3", "grade: 8.3 is not on the step_size 0.5 grid starting at 0.0"));
    CHECK(value_ok(grade, "\"8\"", "expected a number, got string"));
    CHECK(value_ok("{\"name\":\"f\",\"type\":\"float\",\"step_size\":0.1}", "0.3", NULL)); /* 1e-9 tolerance */
    const char *n = "{\"name\":\"n\",\"type\":\"integer\",\"min_value\":1,\"step_size\":3}";
    CHECK(value_ok(n, "7", NULL));
    CHECK(value_ok(n, "7.0", NULL));
    CHECK(value_ok(n, "8", "step_size"));
    CHECK(value_ok(n, "1.5", "not an integer"));
    CHECK(value_ok(n, "0", "below min_value"));
    CHECK(value_ok(n, "true", "expected an integer"));
    const char *c = "{\"name\":\"condition\",\"type\":\"string\",\"choices\":\"mint, near_mint,good\"}";
    CHECK(value_ok(c, "\"near_mint\"", NULL));
    CHECK(value_ok(c, "\"poor\"", "condition: 'poor' is not one of the choices"));
    const char *s = "{\"name\":\"s\",\"type\":\"string\",\"min_length\":2,\"max_length\":3}";
    CHECK(value_ok(s, "\"\\u017elu\"", NULL)); /* 3 characters, 4 bytes */
    CHECK(value_ok(s, "\"a\"", "length 1 is below min_length 2"));
    CHECK(value_ok(s, "\"abcd\"", "length 4 is above max_length 3"));
    const char *a = "{\"name\":\"a\",\"type\":\"array\",\"max_length\":1}";
    CHECK(value_ok(a, "[1]", NULL));
    CHECK(value_ok(a, "[1,2]", "2 items is above max_length 1"));
    CHECK(value_ok("{\"name\":\"b\",\"type\":\"boolean\"}", "false", NULL));
    CHECK(value_ok("{\"name\":\"b\",\"type\":\"boolean\"}", "0", "expected a boolean"));
    CHECK(value_ok("{\"name\":\"o\",\"type\":\"object\"}", "{}", NULL));
    CHECK(value_ok("{\"name\":\"o\",\"type\":\"object\"}", "[]", "expected an object"));
}

static void test_definitions(void)
{
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"string\",\"choices\":\"a,b\",\"default_value\":\"a\"}", NULL));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"integer\",\"choices\":\"a\"}", "choices"));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"string\",\"choices\":\"a, ,b\"}", "choices"));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"string\",\"max_value\":1}", "max_value"));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"float\",\"min_value\":2,\"max_value\":1}", "min_value"));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"float\",\"step_size\":-1}", "step_size"));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"object\",\"min_length\":1}", "min_length"));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"array\",\"min_length\":3,\"max_length\":1}", "min_length"));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"float\",\"max_value\":1,\"default_value\":5}", "default_value"));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"date\"}", "type"));
    /* Definitions nothing can satisfy are refused, so predictions never break them. */
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"string\",\"choices\":\"reen,blue\",\"min_length\":9}",
                           "choices"));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"string\",\"choices\":\"reen,turquoise\",\"min_length\":9}",
                           NULL));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"integer\",\"min_value\":0.5,\"step_size\":2}", "min_value"));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"integer\",\"min_value\":0.5,\"max_value\":0.9}", "min_value"));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"integer\",\"min_value\":0.5,\"max_value\":1.2}", NULL));
    CHECK(definition_fails("{\"name\":\"x\",\"type\":\"string\",\"min_length\":100001}", "min_length"));
}

static void test_normalize_and_synthesize(void)
{
    json_t *hold;
    xim_var v = var_of(&hold, "{\"name\":\"n\",\"type\":\"integer\"}");
    json_t *real = json_real(4.0), *norm = xim_var_normalize(&v, real);
    CHECK(json_is_integer(norm) && json_integer_value(norm) == 4);
    json_decref(norm);
    json_decref(real);
    json_decref(hold);
    const char *defs[] = {
        "{\"name\":\"grade\",\"type\":\"float\",\"min_value\":0.0,\"max_value\":10.0,\"step_size\":0.5}",
        "{\"name\":\"n\",\"type\":\"integer\",\"min_value\":-3,\"max_value\":3,\"step_size\":2}",
        "{\"name\":\"f\",\"type\":\"float\",\"min_value\":1.25}",
        "{\"name\":\"f2\",\"type\":\"float\",\"max_value\":-100.5,\"step_size\":0.25}",
        "{\"name\":\"i\",\"type\":\"integer\"}",
        "{\"name\":\"c\",\"type\":\"string\",\"choices\":\"mint,near_mint,excellent,good,poor\"}",
        "{\"name\":\"s\",\"type\":\"string\",\"min_length\":30,\"max_length\":40}",
        "{\"name\":\"s0\",\"type\":\"string\",\"max_length\":0}",
        "{\"name\":\"long\",\"type\":\"string\",\"min_length\":5000}",
        "{\"name\":\"a\",\"type\":\"array\",\"min_length\":2,\"max_length\":4}",
        "{\"name\":\"b\",\"type\":\"boolean\"}",
        "{\"name\":\"o\",\"type\":\"object\"}",
        /* Regressions found by fuzz_body_validators: a choice that fits the lengths,
         * a float step with no short decimal grid points, a non-whole integer bound,
         * a grid that misses the window below max_value, bounds whose span overflows. */
        "{\"name\":\"c2\",\"type\":\"string\",\"choices\":\"red,green(blue\",\"min_length\":5}",
        "{\"name\":\"g\",\"type\":\"float\",\"step_size\":0.06666666666666667}",
        "{\"name\":\"i2\",\"type\":\"integer\",\"min_value\":0.5,\"max_value\":1.2}",
        "{\"name\":\"f3\",\"type\":\"float\",\"max_value\":-5,\"step_size\":100}",
        "{\"name\":\"f4\",\"type\":\"float\",\"min_value\":-1e308,\"max_value\":1e308}",
        "{\"name\":\"a0\",\"type\":\"array\",\"max_length\":0}",
        "{\"name\":\"f5\",\"type\":\"float\",\"max_value\":-1e300,\"step_size\":1e-300}",
        "{\"name\":\"f6\",\"type\":\"float\",\"min_value\":3888000015,\"step_size\":0.255}",
    };
    for (size_t d = 0; d < sizeof defs / sizeof *defs; d++) {
        v = var_of(&hold, defs[d]);
        for (uint64_t seed = 0; seed < 200; seed++) {
            json_t *val = xim_var_synthesize(&v, seed * 7919);
            char err[300] = "";
            int rc = xim_var_check_value(&v, val, err, sizeof err);
            CHECK_EQ_INT(rc, 0);
            if (rc != 0)
                fprintf(stderr, "    %s seed %llu: %s\n", defs[d], (unsigned long long)seed, err);
            json_t *again = xim_var_synthesize(&v, seed * 7919);
            CHECK(json_equal(val, again)); /* deterministic */
            json_decref(again);
            json_decref(val);
            if (rc != 0)
                break;
        }
        json_decref(hold);
    }
}

int main(void)
{
    test_values();
    test_definitions();
    test_normalize_and_synthesize();
    return check_exit();
}
