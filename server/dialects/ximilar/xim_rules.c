/* xim_rules.c — VLM variable definitions and value validation.
 *
 * The rules follow the dataset variable schema of the VLM v2 reference:
 * string (choices, min/max length in characters), integer (bounds, step grid
 * from min_value or 0, exact), float (bounds, step grid within 1e-9), boolean,
 * array (item count bounds), object. Messages name the variable and the rule
 * ("grade: 11.0 is above max_value 10.0"). Synthesis walks the same rules, so a
 * synthesized value always passes xim_var_check_value unless the definition is
 * unsatisfiable (then the default value, or the closest value, is returned).
 * Pure; any thread.
 */
#include "xim_rules.h"
#include "xim_template.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const xim_var_type_names[] = {"string", "integer", "float", "boolean", "array", "object"};

int xim_var_type_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int t = 0; t < 6; t++)
        if (strcmp(name, xim_var_type_names[t]) == 0)
            return t;
    return -1;
}

const char *xim_var_type_name(int type) { return type >= 0 && type < 6 ? xim_var_type_names[type] : "unknown"; }

void xim_var_from_json(const json_t *obj, xim_var *out)
{
    memset(out, 0, sizeof *out);
    out->name = json_string_value(json_object_get(obj, "name"));
    if (!out->name)
        out->name = "variable";
    out->type = xim_var_type_from_name(json_string_value(json_object_get(obj, "type")));
    out->required = json_is_true(json_object_get(obj, "required"));
    out->choices = json_string_value(json_object_get(obj, "choices"));
    json_t *v;
    if (json_is_number(v = json_object_get(obj, "min_value"))) {
        out->has_min = 1;
        out->min_value = json_number_value(v);
    }
    if (json_is_number(v = json_object_get(obj, "max_value"))) {
        out->has_max = 1;
        out->max_value = json_number_value(v);
    }
    if (json_is_number(v = json_object_get(obj, "step_size"))) {
        out->has_step = 1;
        out->step_size = json_number_value(v);
    }
    if (json_is_integer(v = json_object_get(obj, "min_length"))) {
        out->has_min_len = 1;
        out->min_length = json_integer_value(v);
    }
    if (json_is_integer(v = json_object_get(obj, "max_length"))) {
        out->has_max_len = 1;
        out->max_length = json_integer_value(v);
    }
    v = json_object_get(obj, "default_value");
    out->default_value = v && !json_is_null(v) ? v : NULL;
}

/* Visits the comma-separated choices (trimmed); stops when cb returns non-zero. */
static int each_choice(const char *choices, int (*cb)(const char *s, size_t n, void *arg), void *arg)
{
    const char *p = choices;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        int rc = cb(a, (size_t)(b - a), arg);
        if (rc)
            return rc;
        p = comma ? comma + 1 : end;
    }
    return 0;
}

static int choice_empty(const char *s, size_t n, void *arg)
{
    (void)s;
    (void)arg;
    return n == 0;
}

static int choice_equals(const char *s, size_t n, void *arg)
{
    const char *want = arg;
    return strlen(want) == n && memcmp(want, s, n) == 0;
}

static size_t utf8_chars_n(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static size_t utf8_chars(const char *s)
{
    return utf8_chars_n(s, strlen(s));
}

/* Whether a choice of n bytes satisfies v's length limits. */
static int choice_fits(const xim_var *v, const char *s, size_t n)
{
    int64_t chars = (int64_t)utf8_chars_n(s, n);
    return !(v->has_min_len && chars < v->min_length) && !(v->has_max_len && chars > v->max_length);
}

/* Walks the choices that fit var's length limits, counting them and keeping the
 * index-th one. */
typedef struct {
    const xim_var *var;
    uint64_t index;
    const char *s;
    size_t n;
    uint64_t count;
} choice_pick;

static int choice_count(const char *s, size_t n, void *arg)
{
    choice_pick *pk = arg;
    if (!choice_fits(pk->var, s, n))
        return 0;
    if (pk->count == pk->index) {
        pk->s = s;
        pk->n = n;
    }
    pk->count++;
    return 0;
}

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "float";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    case JSON_NULL:
    default: return "null";
    }
}

/* Whether v lies on base + k * step: exactly (integers, up to rounding of the
 * division), or within 1e-9 steps for floats, widened by the few units in the
 * last place that v and base themselves can be off by (a grid point near 4e9 is
 * only representable to ~5e-7). */
static int on_grid(double v, double base, double step, int exact)
{
    double q = (v - base) / step;
    if (!isfinite(q)) /* a step below the resolution of v: v is as near the grid as a double gets */
        return 1;
    double r = nearbyint(q);
    if (exact)
        return fabs(q - r) <= 1e-12 * (fabs(q) > 1 ? fabs(q) : 1);
    return fabs(q - r) <= 1e-9 + 4 * DBL_EPSILON * (fabs(v) + fabs(base)) / step;
}

int xim_var_check_value(const xim_var *v, const json_t *value, char *err, size_t errlen)
{
    char a[64], b[64], c[64];
    switch (v->type) {
    case XIM_VAR_STRING: {
        if (!json_is_string(value)) {
            snprintf(err, errlen, "%s: expected a string, got %s", v->name, json_kind(value));
            return -1;
        }
        const char *s = json_string_value(value);
        if (v->choices && !each_choice(v->choices, choice_equals, (void *)s)) {
            xim_value_describe(value, a, sizeof a);
            snprintf(err, errlen, "%s: %s is not one of the choices %s", v->name, a, v->choices);
            return -1;
        }
        size_t n = utf8_chars(s);
        if (v->has_min_len && (int64_t)n < v->min_length) {
            snprintf(err, errlen, "%s: length %zu is below min_length %lld", v->name, n, (long long)v->min_length);
            return -1;
        }
        if (v->has_max_len && (int64_t)n > v->max_length) {
            snprintf(err, errlen, "%s: length %zu is above max_length %lld", v->name, n, (long long)v->max_length);
            return -1;
        }
        return 0;
    }
    case XIM_VAR_INTEGER:
    case XIM_VAR_FLOAT: {
        int integer = v->type == XIM_VAR_INTEGER;
        if (!json_is_number(value)) {
            snprintf(err, errlen, "%s: expected %s, got %s", v->name, integer ? "an integer" : "a number",
                     json_kind(value));
            return -1;
        }
        double d = json_number_value(value);
        if (integer && json_is_real(value) && (d != nearbyint(d) || fabs(d) > 9007199254740992.0)) {
            xim_value_describe(value, a, sizeof a);
            snprintf(err, errlen, "%s: %s is not an integer", v->name, a);
            return -1;
        }
        xim_value_describe(value, a, sizeof a);
        if (v->has_min && d < v->min_value) {
            xim_number_format(v->min_value, b);
            snprintf(err, errlen, "%s: %s is below min_value %s", v->name, a, b);
            return -1;
        }
        if (v->has_max && d > v->max_value) {
            xim_number_format(v->max_value, b);
            snprintf(err, errlen, "%s: %s is above max_value %s", v->name, a, b);
            return -1;
        }
        if (v->has_step && v->step_size > 0) {
            double base = v->has_min ? v->min_value : 0.0;
            if (!on_grid(d, base, v->step_size, integer)) {
                xim_number_format(v->step_size, b);
                xim_number_format(base, c);
                snprintf(err, errlen, "%s: %s is not on the step_size %s grid starting at %s", v->name, a, b, c);
                return -1;
            }
        }
        return 0;
    }
    case XIM_VAR_BOOLEAN:
        if (!json_is_boolean(value)) {
            snprintf(err, errlen, "%s: expected a boolean, got %s", v->name, json_kind(value));
            return -1;
        }
        return 0;
    case XIM_VAR_ARRAY: {
        if (!json_is_array(value)) {
            snprintf(err, errlen, "%s: expected an array, got %s", v->name, json_kind(value));
            return -1;
        }
        size_t n = json_array_size(value);
        if (v->has_min_len && (int64_t)n < v->min_length) {
            snprintf(err, errlen, "%s: %zu items is below min_length %lld", v->name, n, (long long)v->min_length);
            return -1;
        }
        if (v->has_max_len && (int64_t)n > v->max_length) {
            snprintf(err, errlen, "%s: %zu items is above max_length %lld", v->name, n, (long long)v->max_length);
            return -1;
        }
        return 0;
    }
    case XIM_VAR_OBJECT:
        if (!json_is_object(value)) {
            snprintf(err, errlen, "%s: expected an object, got %s", v->name, json_kind(value));
            return -1;
        }
        return 0;
    default:
        snprintf(err, errlen, "%s: the variable has an unknown type", v->name);
        return -1;
    }
}

json_t *xim_var_normalize(const xim_var *v, const json_t *value)
{
    if (v->type == XIM_VAR_INTEGER && json_is_real(value))
        return json_integer((json_int_t)nearbyint(json_real_value(value)));
    if (v->type == XIM_VAR_FLOAT && json_is_integer(value))
        return json_real((double)json_integer_value(value));
    return json_deep_copy(value);
}

int xim_var_check_definition(const xim_var *v, const char **field, char *err, size_t errlen)
{
    int numeric = v->type == XIM_VAR_INTEGER || v->type == XIM_VAR_FLOAT;
    int sized = v->type == XIM_VAR_STRING || v->type == XIM_VAR_ARRAY;
    const char *tname = xim_var_type_name(v->type);
    *field = NULL;
    if (v->type < 0) {
        *field = "type";
        snprintf(err, errlen, "Unknown variable type.");
        return -1;
    }
    if (v->choices && v->type != XIM_VAR_STRING) {
        *field = "choices";
        snprintf(err, errlen, "choices are only allowed for string variables, not %s.", tname);
        return -1;
    }
    if (v->choices && (!*v->choices || each_choice(v->choices, choice_empty, NULL))) {
        *field = "choices";
        snprintf(err, errlen, "choices must be a comma-separated list of non-empty values.");
        return -1;
    }
    if ((v->has_min || v->has_max) && !numeric) {
        *field = v->has_min ? "min_value" : "max_value";
        snprintf(err, errlen, "%s is only allowed for integer and float variables, not %s.", *field, tname);
        return -1;
    }
    if (v->has_min && v->has_max && v->min_value > v->max_value) {
        *field = "min_value";
        snprintf(err, errlen, "min_value must not be greater than max_value.");
        return -1;
    }
    if (v->has_step && !numeric) {
        *field = "step_size";
        snprintf(err, errlen, "step_size is only allowed for integer and float variables, not %s.", tname);
        return -1;
    }
    if (v->has_step && !(v->step_size > 0)) {
        *field = "step_size";
        snprintf(err, errlen, "step_size must be greater than 0.");
        return -1;
    }
    /* Integers travel as JSON integers (int64) and are synthesised exactly, so
     * their bounds must be exact in a double and their grid made of whole steps. */
    if (v->type == XIM_VAR_INTEGER) {
        const double exact = 9007199254740991.0; /* 2^53 - 1 */
        if ((v->has_min && fabs(v->min_value) > exact) || (v->has_max && fabs(v->max_value) > exact)) {
            *field = v->has_min && fabs(v->min_value) > exact ? "min_value" : "max_value";
            snprintf(err, errlen, "%s must lie within +/-9007199254740991 for integer variables.", *field);
            return -1;
        }
        if (v->has_step && v->step_size != floor(v->step_size)) {
            *field = "step_size";
            snprintf(err, errlen, "step_size must be a whole number for integer variables.");
            return -1;
        }
        if (v->has_step && v->has_min && v->min_value != floor(v->min_value)) {
            *field = "min_value";
            snprintf(err, errlen, "min_value starts the step_size grid, so it must be a whole number for integer variables.");
            return -1;
        }
        if (v->has_min && v->has_max && ceil(v->min_value) > floor(v->max_value)) {
            *field = "min_value";
            snprintf(err, errlen, "no integer lies between min_value and max_value.");
            return -1;
        }
    }
    if ((v->has_min_len || v->has_max_len) && !sized) {
        *field = v->has_min_len ? "min_length" : "max_length";
        snprintf(err, errlen, "%s is only allowed for string and array variables, not %s.", *field, tname);
        return -1;
    }
    if ((v->has_min_len && v->min_length < 0) || (v->has_max_len && v->max_length < 0)) {
        *field = v->has_min_len && v->min_length < 0 ? "min_length" : "max_length";
        snprintf(err, errlen, "%s must be 0 or more.", *field);
        return -1;
    }
    if ((v->has_min_len && v->min_length > XIM_VAR_LENGTH_MAX) || (v->has_max_len && v->max_length > XIM_VAR_LENGTH_MAX)) {
        *field = v->has_min_len && v->min_length > XIM_VAR_LENGTH_MAX ? "min_length" : "max_length";
        snprintf(err, errlen, "%s must be %d or less.", *field, XIM_VAR_LENGTH_MAX);
        return -1;
    }
    if (v->has_min_len && v->has_max_len && v->min_length > v->max_length) {
        *field = "min_length";
        snprintf(err, errlen, "min_length must not be greater than max_length.");
        return -1;
    }
    if (v->choices && (v->has_min_len || v->has_max_len)) {
        choice_pick fitting = {.var = v, .index = UINT64_MAX};
        each_choice(v->choices, choice_count, &fitting);
        if (!fitting.count) {
            *field = "choices";
            snprintf(err, errlen, "none of the choices has a length within min_length and max_length.");
            return -1;
        }
    }
    if (v->default_value) {
        char msg[400];
        if (xim_var_check_value(v, v->default_value, msg, sizeof msg) != 0) {
            *field = "default_value";
            snprintf(err, errlen, "%s", msg);
            return -1;
        }
    }
    return 0;
}

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* A number in [lo, hi] on the step grid (when any), chosen by seed; falls back
 * to the nearest bound when the grid has no point inside. */
static double pick_number(const xim_var *v, uint64_t seed, int integer)
{
    double lo, hi;
    if (v->has_min && v->has_max) {
        lo = v->min_value;
        hi = v->max_value;
    } else if (v->has_min) {
        lo = v->min_value;
        hi = v->min_value + 10;
    } else if (v->has_max) {
        lo = v->max_value - 10;
        hi = v->max_value;
    } else {
        lo = 0;
        hi = 10;
    }
    if (integer) {
        lo = ceil(lo);
        hi = floor(hi);
    }
    double step = v->has_step && v->step_size > 0 ? v->step_size : integer ? 1.0 : 0.0;
    if (step > 0) {
        double base = v->has_step && v->has_min ? v->min_value : 0.0; /* as xim_var_check_value */
        double kmin = ceil((lo - base) / step - 1e-9), kmax = floor((hi - base) / step + 1e-9);
        if (kmin > kmax) /* only a max_value, the window below it misses the grid */
            kmin = kmax = floor((v->max_value - base) / step + 1e-9);
        if (!isfinite(kmin) || !isfinite(kmax)) /* a step too fine to count: the base, clamped below */
            kmin = kmax = 0;
        double span = kmax - kmin;
        if (span > 1000)
            span = 1000;
        double k = kmin + (double)(seed % ((uint64_t)span + 1));
        double value = base + k * step;
        if (integer)
            value = nearbyint(value);
        else {
            /* The grid point's short decimal form (0.1 * 3 = 0.3, not
             * 0.30000000000000004), unless rounding moves it off the grid (a step
             * of 1/15 has no 9-decimal points on it). */
            double shortest = nearbyint(value * 1e9) / 1e9;
            if (on_grid(shortest, base, step, 0))
                value = shortest;
        }
        if (v->has_min && value < v->min_value) /* rounding's last bit, never off the grid */
            value = v->min_value;
        if (v->has_max && value > v->max_value)
            value = v->max_value;
        return value;
    }
    double frac = (double)(seed % 1001) / 1000.0;
    double value = nearbyint((lo * (1 - frac) + hi * frac) * 100) / 100; /* hi - lo may overflow */
    if (!isfinite(value))
        value = lo * (1 - frac) + hi * frac;
    return value < lo ? lo : value > hi ? hi : value;
}

static const char *const words[] = {"clear", "sample", "output", "detail", "steady", "bright", "neutral",
                                    "sharp", "visible", "subject", "frame", "typical", "solid", "plain"};

json_t *xim_var_synthesize(const xim_var *v, uint64_t seed)
{
    char msg[200];
    seed = mix(seed);
    switch (v->type) {
    case XIM_VAR_STRING: {
        if (v->choices) {
            choice_pick all = {.var = v, .index = UINT64_MAX};
            each_choice(v->choices, choice_count, &all);
            choice_pick pk = {.var = v, .index = all.count ? seed % all.count : 0};
            each_choice(v->choices, choice_count, &pk);
            json_t *s = json_stringn(pk.s ? pk.s : "", pk.s ? pk.n : 0);
            if (xim_var_check_value(v, s, msg, sizeof msg) == 0 || !v->default_value)
                return s;
            json_decref(s);
            return json_deep_copy(v->default_value);
        }
        int64_t lo = v->has_min_len ? v->min_length : 0;
        int64_t hi = v->has_max_len ? v->max_length : lo + 24;
        int64_t target = lo > 12 ? lo : 12;
        if (target > hi)
            target = hi;
        if (target > 4096)
            target = 4096;
        size_t cap = (size_t)(lo > target ? lo : target) + 32;
        char *buf = malloc(cap);
        if (!buf)
            return NULL;
        size_t n = 0;
        uint64_t w = seed;
        while ((int64_t)n < target) {
            const char *word = words[w % (sizeof words / sizeof *words)];
            w = mix(w);
            if (n)
                buf[n++] = ' ';
            size_t wl = strlen(word);
            memcpy(buf + n, word, wl); /* target + 1 + longest word < cap */
            n += wl;
        }
        if ((int64_t)n > target)
            n = (size_t)target;
        while (n > 0 && buf[n - 1] == ' ' && (int64_t)n > lo) /* no trailing blank unless needed */
            n--;
        while ((int64_t)n < lo)
            buf[n++] = 'x';
        json_t *s = json_stringn(buf, n);
        free(buf);
        return s;
    }
    case XIM_VAR_INTEGER:
        return json_integer((json_int_t)pick_number(v, seed, 1));
    case XIM_VAR_FLOAT:
        return json_real(pick_number(v, seed, 0));
    case XIM_VAR_BOOLEAN:
        return json_boolean(seed & 1);
    case XIM_VAR_ARRAY: {
        int64_t lo = v->has_min_len ? v->min_length : 1;
        if (v->has_max_len && lo > v->max_length) /* max_length 0: the empty array */
            lo = v->max_length;
        int64_t hi = v->has_max_len ? v->max_length : lo + 2;
        int64_t count = lo + (int64_t)(seed % (uint64_t)(hi - lo + 1 > 0 ? hi - lo + 1 : 1));
        if (count > 100)
            count = lo > 100 ? lo : 100;
        json_t *arr = json_array();
        for (int64_t k = 0; k < count; k++)
            json_array_append_new(arr, json_string(words[mix(seed + (uint64_t)k) % (sizeof words / sizeof *words)]));
        return arr;
    }
    case XIM_VAR_OBJECT:
        return v->default_value ? json_deep_copy(v->default_value) : json_object();
    default:
        return json_null();
    }
}
