/* lb_ndjson.h — validating a Labelbox NDJSON annotation file line by line
 * against a project's ontology and data rows (spec §7.3–7.4), producing the
 * status and error files, and handing every accepted line to the caller to store.
 *
 * The validator knows no SQL: data rows, mask URLs and writes come through the
 * environment's callbacks, so the same code runs in the import job and in unit
 * tests and the fuzz target. Single-threaded per run. */
#ifndef VS_LB_NDJSON_H
#define VS_LB_NDJSON_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "lb_ontology.h"

typedef struct {
    char asset_id[37];
    char dataset_id[37];
    const char *global_key;  /* NULL when the row has none */
    int width, height;       /* 0 = unknown: bounds and mask-size checks are skipped */
} lb_rowinfo;

typedef struct {
    const char *uuid;
    const lb_rowinfo *row;
    /* [{"kind","label","geometry","text"?,"confidence"?,"schemaId"}...]: the core
     * annotations of the line (the object and its nested classifications) */
    json_t *annotations;
    /* {"name","schemaId","source","target","type"} for a relationship, else NULL */
    json_t *relationship;
    int benchmark;           /* isBenchmarkReferenceLabel (ground truth) */
} lb_accepted;

typedef struct {
    const lb_ontology *ontology;
    const char *project_id;
    int mal;                 /* relationships allowed */
    /* A data row of the project by id (by_key 0) or global key (1): 1 found
     * (out filled, valid for the run), 0 unknown or not in the project, -1 failure. */
    int (*row)(void *arg, int by_key, const char *value, lb_rowinfo *out);
    /* The bytes behind a mask URL: 0 found (*data malloc'd), 1 unreachable, -1 failure. */
    int (*fetch)(void *arg, const char *url, unsigned char **data, size_t *len);
    /* Stores an accepted line: 0 stored, -1 failure (the run stops). */
    int (*accept)(void *arg, const lb_accepted *a);
    void *arg;
} lb_ndjson_env;

typedef struct {
    char *status;            /* one line per input line, '\n'-separated, no trailing newline */
    size_t status_len;
    char *errors;            /* the FAILURE lines only; 0 bytes when there are none */
    size_t errors_len;
    int64_t lines, failures;
} lb_ndjson_report;

/* Validates text. 0: report filled (some lines may have failed); 1: the file is
 * not NDJSON at all (empty, or no line is a JSON object) — reason in err; -1: a
 * callback failed. */
int lb_ndjson_run(const char *text, size_t len, const lb_ndjson_env *env, lb_ndjson_report *out, char *err,
                  size_t errlen);
void lb_ndjson_report_free(lb_ndjson_report *r);
/* Parses one line as a JSON object; Python's NaN/Infinity literals are read as
 * the string LB_NONFINITE so geometry checks can call them non-finite. NULL when
 * the line is not a JSON object. */
json_t *lb_ndjson_parse_line(const char *s, size_t n);
#define LB_NONFINITE "\x01nonfinite"
#endif
