/* lb_ontology.h — Labelbox ontologies as data: normalising what a client sends
 * (ids, colours and defaults filled in) and an index over the tree that the
 * import validator walks. Pure; any thread. */
#ifndef VS_LB_ONTOLOGY_H
#define VS_LB_ONTOLOGY_H
#include <jansson.h>
#include <stddef.h>

typedef enum { LB_NODE_TOOL, LB_NODE_CLASSIFICATION, LB_NODE_OPTION } lb_node_kind;

typedef struct lb_node {
    lb_node_kind kind;
    const char *name;        /* tool / classification name, option value */
    const char *schema_id;   /* featureSchemaId */
    const char *type;        /* tool type (rectangle, ...) or classification type (radio, ...); "" for options */
    struct lb_node *children; /* tool → classifications, classification → options, option → classifications */
    size_t nchildren;
} lb_node;

typedef struct {
    json_t *root;            /* owns every string the nodes point at */
    lb_node *tools;
    size_t ntools;
    lb_node *classifications;
    size_t nclassifications;
} lb_ontology;

/* A normalised copy of `in` ({"tools":[...],"classifications":[...]}): every
 * absent or null featureSchemaId/schemaNodeId filled with a fresh id, required
 * false, a stable colour per tool name, options [], instructions and labels
 * defaulted, option values made strings; other keys echoed. NULL with a reason
 * in err when the shape is wrong (not an object, a tool without name or type,
 * a radio/checklist without options, two top-level features of one kind with
 * one name). */
json_t *lb_ontology_normalize(const json_t *in, char *err, size_t errlen);
/* Counts: tools and top-level classifications. */
void lb_ontology_counts(const json_t *normalized, int *tools, int *classifications);
/* Indexes normalized JSON text; 0 on success. */
int lb_ontology_load(const char *normalized, lb_ontology *out);
void lb_ontology_free(lb_ontology *o);
/* The node among nodes[0..n) matching name and/or schema id (either may be
 * NULL; when both are given both must match the same node). */
const lb_node *lb_ontology_find(const lb_node *nodes, size_t n, const char *name, const char *schema_id);
/* 1 when schema_id names any node of the ontology. */
int lb_ontology_has_schema(const lb_ontology *o, const char *schema_id);
/* The annotation payload key ("bbox", "polygon", "line", "point", "mask",
 * "relationship") a tool type takes, or NULL for tools images do not use. */
const char *lb_ontology_payload_of(const char *tool_type);
#endif
