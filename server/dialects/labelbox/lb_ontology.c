/* lb_ontology.c — normalising and indexing Labelbox ontologies.
 *
 * Normalisation keeps every key the client sent and fills what the vendor fills
 * (ids, defaults), so the client reads back the same structure with ids — it
 * matches tools and options by the featureSchemaId it finds there. The index is
 * a tree of lb_node arrays whose strings point into the normalized JSON, so one
 * json_decref frees every string. Pure; any thread. */
#include "lb_ontology.h"
#include "lb_ids.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LB_FEATURE_NAME_MAX 255
#define LB_DEPTH_MAX 16

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static void fill_ids(json_t *o)
{
    static const char *const keys[] = {"featureSchemaId", "schemaNodeId"};
    for (size_t i = 0; i < 2; i++) {
        json_t *v = json_object_get(o, keys[i]);
        if (!json_is_string(v) || json_string_length(v) == 0) {
            char id[26];
            lb_ids_cuid(id);
            json_object_set_new(o, keys[i], json_string(id));
        }
    }
}

static void default_bool(json_t *o, const char *key)
{
    if (!json_is_boolean(json_object_get(o, key)))
        json_object_set_new(o, key, json_false());
}

static int name_of(json_t *o, const char *what, char *err, size_t errlen, const char **out)
{
    json_t *name = json_object_get(o, "name");
    if (!json_is_string(name) || json_string_length(name) == 0 || json_string_length(name) > LB_FEATURE_NAME_MAX ||
        strlen(json_string_value(name)) != json_string_length(name))
        return fail(err, errlen, "every %s needs a name of 1 to 255 characters", what);
    *out = json_string_value(name);
    return 0;
}

static int normalize_classifications(json_t *list, int depth, char *err, size_t errlen);

static int normalize_option(json_t *opt, int depth, const char *parent, char *err, size_t errlen)
{
    if (!json_is_object(opt))
        return fail(err, errlen, "an option of classification '%.200s' is not an object", parent);
    json_t *value = json_object_get(opt, "value");
    if (json_is_integer(value) || json_is_real(value)) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", json_number_value(value));
        json_object_set_new(opt, "value", json_string(buf));
        value = json_object_get(opt, "value");
    }
    if (!json_is_string(value) || json_string_length(value) == 0)
        return fail(err, errlen, "an option of classification '%.200s' has no value", parent);
    if (!json_is_string(json_object_get(opt, "label")))
        json_object_set(opt, "label", value);
    fill_ids(opt);
    json_t *sub = json_object_get(opt, "options");
    if (!sub || json_is_null(sub)) {
        json_object_set_new(opt, "options", json_array());
        return 0;
    }
    if (!json_is_array(sub))
        return fail(err, errlen, "the options of an option of '%.200s' must be a list", parent);
    return normalize_classifications(sub, depth + 1, err, errlen);
}

static int normalize_classification(json_t *c, int depth, char *err, size_t errlen)
{
    const char *name;
    if (!json_is_object(c))
        return fail(err, errlen, "a classification is not an object");
    if (name_of(c, "classification", err, errlen, &name) != 0)
        return -1;
    const char *type = json_string_value(json_object_get(c, "type"));
    if (!type || !*type)
        return fail(err, errlen, "classification '%.200s' has no type", name);
    default_bool(c, "required");
    if (!json_is_string(json_object_get(c, "instructions")))
        json_object_set(c, "instructions", json_object_get(c, "name"));
    fill_ids(c);
    json_t *options = json_object_get(c, "options");
    if (!options || json_is_null(options)) {
        options = json_array();
        json_object_set_new(c, "options", options);
    }
    if (!json_is_array(options))
        return fail(err, errlen, "the options of classification '%.200s' must be a list", name);
    if ((strcmp(type, "radio") == 0 || strcmp(type, "checklist") == 0) && json_array_size(options) == 0)
        return fail(err, errlen, "Classification '%.200s' requires options.", name);
    size_t i;
    json_t *opt;
    json_array_foreach(options, i, opt) {
        if (normalize_option(opt, depth, name, err, errlen) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_object_get(json_array_get(options, j), "value"), json_object_get(opt, "value")))
                return fail(err, errlen, "Duplicate option value in classification '%.200s'", name);
    }
    return 0;
}

static int normalize_classifications(json_t *list, int depth, char *err, size_t errlen)
{
    if (depth > LB_DEPTH_MAX)
        return fail(err, errlen, "classifications nest deeper than 16 levels");
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) {
        if (normalize_classification(c, depth, err, errlen) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_object_get(json_array_get(list, j), "name"), json_object_get(c, "name")))
                return fail(err, errlen, "Duplicate classification name '%.200s'",
                            json_string_value(json_object_get(c, "name")));
    }
    return 0;
}

static int normalize_tool(json_t *t, char *err, size_t errlen)
{
    const char *name;
    if (!json_is_object(t))
        return fail(err, errlen, "a tool is not an object");
    if (name_of(t, "tool", err, errlen, &name) != 0)
        return -1;
    const char *type = json_string_value(json_object_get(t, "tool"));
    if (!type || !*type)
        return fail(err, errlen, "tool '%.200s' has no tool type", name);
    default_bool(t, "required");
    if (!json_is_string(json_object_get(t, "color")) || json_string_length(json_object_get(t, "color")) == 0) {
        char color[8];
        lb_ids_color(name, color);
        json_object_set_new(t, "color", json_string(color));
    }
    fill_ids(t);
    json_t *sub = json_object_get(t, "classifications");
    if (!sub || json_is_null(sub)) {
        json_object_set_new(t, "classifications", json_array());
        return 0;
    }
    if (!json_is_array(sub))
        return fail(err, errlen, "the classifications of tool '%.200s' must be a list", name);
    return normalize_classifications(sub, 1, err, errlen);
}

json_t *lb_ontology_normalize(const json_t *in, char *err, size_t errlen)
{
    if (!json_is_object(in)) {
        fail(err, errlen, "normalized must be a JSON object with tools and classifications");
        return NULL;
    }
    json_t *out = json_deep_copy(in);
    static const char *const lists[] = {"tools", "classifications"};
    for (size_t k = 0; k < 2; k++) {
        json_t *v = json_object_get(out, lists[k]);
        if (!v || json_is_null(v)) {
            json_object_set_new(out, lists[k], json_array());
        } else if (!json_is_array(v)) {
            fail(err, errlen, "normalized.%s must be a list", lists[k]);
            json_decref(out);
            return NULL;
        }
    }
    json_t *tools = json_object_get(out, "tools");
    size_t i;
    json_t *t;
    json_array_foreach(tools, i, t) {
        if (normalize_tool(t, err, errlen) != 0) {
            json_decref(out);
            return NULL;
        }
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_object_get(json_array_get(tools, j), "name"), json_object_get(t, "name"))) {
                fail(err, errlen, "Duplicate tool name '%.200s'", json_string_value(json_object_get(t, "name")));
                json_decref(out);
                return NULL;
            }
    }
    if (normalize_classifications(json_object_get(out, "classifications"), 0, err, errlen) != 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

void lb_ontology_counts(const json_t *normalized, int *tools, int *classifications)
{
    *tools = (int)json_array_size(json_object_get(normalized, "tools"));
    *classifications = (int)json_array_size(json_object_get(normalized, "classifications"));
}

static void free_nodes(lb_node *nodes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free_nodes(nodes[i].children, nodes[i].nchildren);
    free(nodes);
}

static int index_list(json_t *list, lb_node_kind kind, int depth, lb_node **out, size_t *n);

static int index_node(json_t *o, lb_node_kind kind, int depth, lb_node *node)
{
    memset(node, 0, sizeof *node);
    node->kind = kind;
    node->schema_id = json_string_value(json_object_get(o, "featureSchemaId"));
    if (!node->schema_id)
        node->schema_id = "";
    switch (kind) {
    case LB_NODE_TOOL:
        node->name = json_string_value(json_object_get(o, "name"));
        node->type = json_string_value(json_object_get(o, "tool"));
        return index_list(json_object_get(o, "classifications"), LB_NODE_CLASSIFICATION, depth + 1, &node->children,
                          &node->nchildren);
    case LB_NODE_CLASSIFICATION:
        node->name = json_string_value(json_object_get(o, "name"));
        node->type = json_string_value(json_object_get(o, "type"));
        return index_list(json_object_get(o, "options"), LB_NODE_OPTION, depth + 1, &node->children,
                          &node->nchildren);
    case LB_NODE_OPTION:
    default:
        node->name = json_string_value(json_object_get(o, "value"));
        node->type = "";
        return index_list(json_object_get(o, "options"), LB_NODE_CLASSIFICATION, depth + 1, &node->children,
                          &node->nchildren);
    }
}

static int index_list(json_t *list, lb_node_kind kind, int depth, lb_node **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(list) || json_array_size(list) == 0)
        return 0;
    if (depth > 3 * LB_DEPTH_MAX + 3)
        return -1;
    lb_node *nodes = calloc(json_array_size(list), sizeof *nodes);
    if (!nodes)
        return -1;
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o) {
        if (index_node(o, kind, depth, &nodes[i]) != 0 || !nodes[i].name || !nodes[i].type) {
            free_nodes(nodes, i + 1);
            return -1;
        }
    }
    *out = nodes;
    *n = json_array_size(list);
    return 0;
}

int lb_ontology_load(const char *normalized, lb_ontology *out)
{
    memset(out, 0, sizeof *out);
    out->root = json_loads(normalized, 0, NULL);
    if (!json_is_object(out->root) ||
        index_list(json_object_get(out->root, "tools"), LB_NODE_TOOL, 0, &out->tools, &out->ntools) != 0 ||
        index_list(json_object_get(out->root, "classifications"), LB_NODE_CLASSIFICATION, 0, &out->classifications,
                   &out->nclassifications) != 0) {
        lb_ontology_free(out);
        return -1;
    }
    return 0;
}

void lb_ontology_free(lb_ontology *o)
{
    free_nodes(o->tools, o->ntools);
    free_nodes(o->classifications, o->nclassifications);
    json_decref(o->root);
    memset(o, 0, sizeof *o);
}

const lb_node *lb_ontology_find(const lb_node *nodes, size_t n, const char *name, const char *schema_id)
{
    for (size_t i = 0; i < n; i++) {
        if (name && strcmp(nodes[i].name, name) != 0)
            continue;
        if (schema_id && strcmp(nodes[i].schema_id, schema_id) != 0)
            continue;
        if (name || schema_id)
            return &nodes[i];
    }
    return NULL;
}

static int has_schema(const lb_node *nodes, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(nodes[i].schema_id, id) == 0 || has_schema(nodes[i].children, nodes[i].nchildren, id))
            return 1;
    return 0;
}

int lb_ontology_has_schema(const lb_ontology *o, const char *schema_id)
{
    return has_schema(o->tools, o->ntools, schema_id) ||
           has_schema(o->classifications, o->nclassifications, schema_id);
}

const char *lb_ontology_payload_of(const char *tool_type)
{
    static const struct {
        const char *tool, *payload;
    } map[] = {
        {"rectangle", "bbox"},    {"polygon", "polygon"},           {"line", "line"},
        {"point", "point"},       {"raster-segmentation", "mask"}, {"superpixel", "mask"},
        {"edge", "relationship"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(map[i].tool, tool_type) == 0)
            return map[i].payload;
    return NULL;
}
