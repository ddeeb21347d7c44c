/* predict_schema.c — the model's answer shaped as an instance of a caller's
 * JSON schema (an OpenAI response_format that is neither the VQA nor the
 * phrase-grounding task JSON). The facts are the model's own: the description
 * and the VQA answer from predict_run, and the objects (memorised grounded
 * phrases, else the scene's salient objects). Property names pick which fact a
 * string or number carries; the schema's own constraints (enum, const,
 * required, min/max items, bounds, maxLength) are always obeyed, so the output
 * validates against the schema. Untrusted schemas: recursion is bounded and
 * only local "#/$defs/…" and "#/definitions/…" references are followed. Pure;
 * any thread.
 */
#include "predict.h"
#include "predict_scene.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 12
#define MAX_OBJECTS 16
/* Values one answer may hold: a schema that nests arrays through "$ref": "#"
 * must not grow the answer exponentially. */
#define MAX_NODES 4096

typedef struct {
    const json_t *root;
    char *description;
    char *answer;
    int nobjects;
    const char *phrases[MAX_OBJECTS];
    const char *colours[MAX_OBJECTS];
    const char *shapes[MAX_OBJECTS];
    const char *background;
    predict_scene scene;
    int nodes;                /* values made so far */
} facts;

static int name_has(const char *name, const char *const *hints)
{
    if (!name)
        return 0;
    char low[64];
    size_t n = 0;
    for (; name[n] && n < sizeof low - 1; n++)
        low[n] = (char)tolower((unsigned char)name[n]);
    low[n] = 0;
    for (size_t i = 0; hints[i]; i++)
        if (strstr(low, hints[i]))
            return 1;
    return 0;
}

static const char *const colour_hints[] = {"colour", "color", NULL};
static const char *const shape_hints[] = {"shape", NULL};
static const char *const object_hints[] = {"label", "phrase", "name", "class", "category", "object", "type",
                                           "entity", "item", NULL};
static const char *const answer_hints[] = {"answer", "response", "result", NULL};
static const char *const count_hints[] = {"count", "number", "num", "total", "quantity", "amount", NULL};
static const char *const score_hints[] = {"confidence", "score", "probability", "prob", NULL};
static const char *const presence_hints[] = {"present", "exist", "contain", "has", "visible", "found", "detected",
                                             NULL};
static const char *const plural_hints[] = {"objects", "items", "detections", "groundings", "entities", "labels",
                                           "phrases", "boxes", "things", "shapes", NULL};

static const json_t *resolve(const facts *f, const json_t *schema)
{
    for (int hop = 0; hop < MAX_DEPTH && json_is_object(schema); hop++) {
        const char *ref = json_string_value(json_object_get(schema, "$ref"));
        if (!ref)
            return schema;
        const json_t *defs = NULL;
        const char *name = NULL;
        if (strncmp(ref, "#/$defs/", 8) == 0) {
            defs = json_object_get(f->root, "$defs");
            name = ref + 8;
        } else if (strncmp(ref, "#/definitions/", 14) == 0) {
            defs = json_object_get(f->root, "definitions");
            name = ref + 14;
        } else if (strcmp(ref, "#") == 0) {
            return f->root;
        }
        const json_t *next = name ? json_object_get(defs, name) : NULL;
        if (!next)
            return NULL;
        schema = next;
    }
    return json_is_object(schema) ? schema : NULL;
}

/* The schema's type, or one inferred from its keywords. */
static const char *type_of(const json_t *schema)
{
    const json_t *t = json_object_get(schema, "type");
    if (json_is_string(t))
        return json_string_value(t);
    if (json_is_array(t)) {
        size_t i;
        const json_t *v;
        json_array_foreach(t, i, v) {
            if (json_is_string(v) && strcmp(json_string_value(v), "null") != 0)
                return json_string_value(v);
        }
        return "null";
    }
    if (json_object_get(schema, "properties"))
        return "object";
    if (json_object_get(schema, "items"))
        return "array";
    return "string";
}

static json_t *fill(facts *f, const json_t *schema, const char *name, int index, int depth);

/* A string value that fits maxLength (code points). */
static json_t *string_value(const json_t *schema, const char *text)
{
    json_int_t max = json_is_integer(json_object_get(schema, "maxLength"))
                         ? json_integer_value(json_object_get(schema, "maxLength"))
                         : -1;
    if (max < 0)
        return json_string(text);
    size_t bytes = 0;
    for (json_int_t n = 0; text[bytes] && n < max; n++) {
        bytes++;
        while ((text[bytes] & 0xC0) == 0x80)
            bytes++;
    }
    return json_stringn(text, bytes);
}

static json_t *string_for(const facts *f, const json_t *schema, const char *name, int index)
{
    int i = f->nobjects ? index % f->nobjects : 0;
    const char *text = f->description;
    if (name_has(name, colour_hints))
        text = f->nobjects && f->colours[i] ? f->colours[i] : f->background ? f->background : "unknown";
    else if (name_has(name, shape_hints))
        text = f->nobjects && f->shapes[i] ? f->shapes[i] : "none";
    else if (name_has(name, answer_hints))
        text = f->answer;
    else if (name_has(name, object_hints) && f->nobjects)
        text = f->phrases[i];
    return string_value(schema, text);
}

/* Clamps v to the schema's numeric bounds. */
static double bounded(const json_t *schema, double v, int integer)
{
    const json_t *min = json_object_get(schema, "minimum"), *max = json_object_get(schema, "maximum");
    const json_t *xmin = json_object_get(schema, "exclusiveMinimum");
    const json_t *xmax = json_object_get(schema, "exclusiveMaximum");
    double step = integer ? 1.0 : 1e-6;
    if (json_is_number(min) && v < json_number_value(min))
        v = integer ? ceil(json_number_value(min)) : json_number_value(min);
    if (json_is_number(xmin) && v <= json_number_value(xmin))
        v = integer ? floor(json_number_value(xmin)) + 1 : json_number_value(xmin) + step;
    if (json_is_number(max) && v > json_number_value(max))
        v = integer ? floor(json_number_value(max)) : json_number_value(max);
    if (json_is_number(xmax) && v >= json_number_value(xmax))
        v = integer ? ceil(json_number_value(xmax)) - 1 : json_number_value(xmax) - step;
    return v;
}

static json_t *number_for(const facts *f, const json_t *schema, const char *name, int integer)
{
    double v = 0;
    if (name_has(name, count_hints))
        v = f->nobjects;
    else if (name_has(name, score_hints))
        v = 1.0;
    v = bounded(schema, v, integer);
    if (integer)
        return json_integer((json_int_t)llround(v));
    return json_real(v);
}

/* The enum member that is one of the facts, else the first. */
static json_t *enum_value(const facts *f, const json_t *values, int index)
{
    int i = f->nobjects ? index % f->nobjects : 0;
    const char *prefer[] = {f->answer, f->nobjects ? f->colours[i] : f->background, f->nobjects ? f->shapes[i] : NULL};
    for (size_t p = 0; p < sizeof prefer / sizeof *prefer; p++) {
        size_t k;
        const json_t *v;
        json_array_foreach(values, k, v) {
            if (prefer[p] && json_is_string(v) && strcasecmp(json_string_value(v), prefer[p]) == 0)
                return json_incref((json_t *)v);
        }
    }
    return json_deep_copy(json_array_get(values, 0));
}

static json_t *object_for(facts *f, const json_t *schema, int index, int depth)
{
    json_t *out = json_object();
    const json_t *props = json_object_get(schema, "properties");
    const json_t *required = json_object_get(schema, "required");
    const char *key;
    const json_t *sub;
    json_object_foreach((json_t *)props, key, sub) {
        int want = !json_is_array(required);
        size_t i;
        const json_t *r;
        json_array_foreach(required, i, r) {
            if (json_is_string(r) && strcmp(json_string_value(r), key) == 0)
                want = 1;
        }
        if (want)
            json_object_set_new(out, key, fill(f, sub, key, index, depth + 1));
    }
    /* Required names without a property schema still get a value. */
    size_t i;
    const json_t *r;
    json_array_foreach(required, i, r) {
        if (json_is_string(r) && !json_object_get(out, json_string_value(r)))
            json_object_set_new(out, json_string_value(r), string_value(json_null(), f->description));
    }
    return out;
}

static json_t *array_for(facts *f, const json_t *schema, const char *name, int depth)
{
    const json_t *items = json_object_get(schema, "items");
    const json_t *item = resolve(f, items);
    int per_object = name_has(name, plural_hints) || (item && strcmp(type_of(item), "object") == 0);
    json_int_t n = per_object ? (f->nobjects ? f->nobjects : 1) : 1;
    const json_t *min = json_object_get(schema, "minItems"), *max = json_object_get(schema, "maxItems");
    if (json_is_integer(min) && n < json_integer_value(min))
        n = json_integer_value(min);
    if (json_is_integer(max) && n > json_integer_value(max))
        n = json_integer_value(max);
    if (n < 0)
        n = 0;
    if (n > 64)
        n = 64;
    json_t *out = json_array();
    for (json_int_t i = 0; i < n && f->nodes < MAX_NODES; i++)
        json_array_append_new(out, fill(f, items, name, (int)i, depth + 1));
    return out;
}

static json_t *fill(facts *f, const json_t *schema, const char *name, int index, int depth)
{
    if (++f->nodes > MAX_NODES || depth > MAX_DEPTH)
        return json_null();
    schema = resolve(f, schema);
    if (!schema)
        return string_value(json_null(), f->description);
    const json_t *c = json_object_get(schema, "const");
    if (c)
        return json_deep_copy(c);
    const json_t *values = json_object_get(schema, "enum");
    if (json_is_array(values) && json_array_size(values))
        return enum_value(f, values, index);
    const char *branches[] = {"anyOf", "oneOf", "allOf"};
    for (size_t b = 0; b < 3; b++) {
        const json_t *list = json_object_get(schema, branches[b]);
        size_t i;
        const json_t *alt;
        json_array_foreach(list, i, alt) {
            const json_t *r = resolve(f, alt);
            if (r && strcmp(type_of(r), "null") != 0)
                return fill(f, r, name, index, depth + 1);
        }
    }
    const char *type = type_of(schema);
    if (strcmp(type, "object") == 0)
        return object_for(f, schema, index, depth);
    if (strcmp(type, "array") == 0)
        return array_for(f, schema, name, depth);
    if (strcmp(type, "integer") == 0)
        return number_for(f, schema, name, 1);
    if (strcmp(type, "number") == 0)
        return number_for(f, schema, name, 0);
    if (strcmp(type, "boolean") == 0)
        return json_boolean(name_has(name, presence_hints) ? f->nobjects > 0 : 1);
    if (strcmp(type, "null") == 0)
        return json_null();
    return string_for(f, schema, name, index);
}

/* The model's text for one task, unwrapped. */
static char *answer_of(const predict_request *rq, predict_task task)
{
    predict_request one = *rq;
    one.task = task;
    one.cot = 0;
    predict_output o;
    if (predict_run(&one, &o) != 0)
        return NULL;
    char *text = NULL;
    if (task == PREDICT_VQA) {
        json_t *doc = json_loads(o.answer, 0, NULL);
        const char *a = json_string_value(json_object_get(json_object_get(doc, "vqa"), "answer"));
        text = strdup(a ? a : "");
        json_decref(doc);
    } else {
        text = o.answer;
        o.answer = NULL;
    }
    predict_output_free(&o);
    return text;
}

static void facts_objects(facts *f, const predict_request *rq)
{
    const json_t *phrases = json_object_get(rq->memory, "phrases");
    size_t i;
    const json_t *p;
    json_array_foreach(phrases, i, p) {
        if (f->nobjects < MAX_OBJECTS)
            f->phrases[f->nobjects++] = json_string_value(json_object_get(p, "phrase"));
    }
    if (f->nobjects || !rq->image || predict_scene_analyse(&rq->image->work, &f->scene) != 0)
        return;
    f->background = f->scene.background;
    for (int k = 0; k < f->scene.n && f->nobjects < MAX_OBJECTS; k++) {
        f->phrases[f->nobjects] = f->scene.objects[k].phrase;
        f->colours[f->nobjects] = f->scene.objects[k].colour;
        f->shapes[f->nobjects] = f->scene.objects[k].shape;
        f->nobjects++;
    }
}

char *predict_fill_schema(const predict_request *rq, const json_t *schema)
{
    facts f;
    memset(&f, 0, sizeof f);
    f.root = schema;
    char *text = NULL;
    f.description = answer_of(rq, PREDICT_GENERIC);
    f.answer = answer_of(rq, PREDICT_VQA);
    if (f.description && f.answer) {
        facts_objects(&f, rq);
        json_t *doc = fill(&f, schema, NULL, 0, 0);
        text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) : NULL;
        json_decref(doc);
    }
    free(f.description);
    free(f.answer);
    return text;
}
