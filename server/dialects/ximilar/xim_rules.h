/* xim_rules.h — the schema of a VLM variable: its type and constraints, checks
 * of a definition and of a value against it, and deterministic synthesis of a
 * value that satisfies every constraint (answers for unseen images). Pure, any
 * thread. Variables travel as JSON objects shaped like the wire entity
 * ({"name","type","required","choices","min_value",...,"default_value"}). */
#ifndef VS_XIM_RULES_H
#define VS_XIM_RULES_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The longest min_length / max_length a variable may declare. */
#define XIM_VAR_LENGTH_MAX 100000

typedef enum { XIM_VAR_STRING = 0, XIM_VAR_INTEGER, XIM_VAR_FLOAT, XIM_VAR_BOOLEAN, XIM_VAR_ARRAY, XIM_VAR_OBJECT } xim_var_type;

typedef struct {
    const char *name;        /* borrowed from the JSON object */
    int type;                /* xim_var_type, -1 when unknown */
    int required;
    const char *choices;     /* comma-separated, or NULL */
    int has_min, has_max, has_step, has_min_len, has_max_len;
    double min_value, max_value, step_size;
    int64_t min_length, max_length;
    const json_t *default_value; /* NULL = none (JSON null counts as none) */
} xim_var;

/* -1 for an unknown name. */
int xim_var_type_from_name(const char *name);
const char *xim_var_type_name(int type);
/* Reads a variable object (borrowing its strings). */
void xim_var_from_json(const json_t *obj, xim_var *out);
/* Checks the definition: constraints that fit the type, min <= max, step > 0,
 * lengths >= 0, non-empty choices, a default that satisfies the rest. 0 when
 * fine; else -1 with the offending field name in *field and a message. */
int xim_var_check_definition(const xim_var *v, const char **field, char *err, size_t errlen);
/* 0 when value satisfies v; else -1 with "<name>: <rule>" in err. */
int xim_var_check_value(const xim_var *v, const json_t *value, char *err, size_t errlen);
/* The value as stored: an integral real for an integer variable becomes an
 * integer. New reference. */
json_t *xim_var_normalize(const xim_var *v, const json_t *value);
/* A value of v's type satisfying its constraints, chosen by seed. New reference. */
json_t *xim_var_synthesize(const xim_var *v, uint64_t seed);
#endif
