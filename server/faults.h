/* faults.h — fault-injection rules applied by the HTTP layer to vendor routes.
 * In memory (a test arranges its faults after start-up); thread-safe. */
#ifndef VS_FAULTS_H
#define VS_FAULTS_H
#include <jansson.h>
#include "request.h"

typedef struct {
    int status;          /* 0 = none */
    int latency_ms;      /* total delay to add */
    int retry_after;     /* seconds, -1 = no header */
    int reset;           /* drop the connection without an answer */
    char rule_id[37];    /* the rule that set status/reset */
} fault_action;

/* Validates spec (an object) and adds a rule; *rule_out is the rule as JSON with
 * "id" and "fired". 0, or -1 with a reason naming the field. */
int faults_add(const json_t *spec, json_t **rule_out, char *err, size_t errlen);
json_t *faults_list(void);
/* 0, or -1 when no rule has that id. */
int faults_delete(const char *id);
void faults_clear(void);
/* Evaluates every rule against a request (admin routes are never faulted).
 * Returns 1 when an action applies. */
int faults_apply(vs_dialect dialect, const char *method, const char *path, const char *workspace,
                 fault_action *out);
#endif
