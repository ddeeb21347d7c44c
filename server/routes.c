/* routes.c — the one route table: every dialect and the control plane.
 * Order matters only among patterns that overlap; literals come before params. */
#include "routes.h"
#include "admin/admin.h"
#include "transfer_routes.h"
/* dialect route headers:begin */
/* dialect route headers:end */

#define MiB (1024u * 1024u)
#define UPLOAD_CAP (512u * MiB)

static const route table[] = {
    /* control plane */
    {"GET", "/_emulator/health", DIALECT_ADMIN, admin_health, AUTH_NONE, BODY_NONE, 0, NULL, NULL},
    {"POST", "/_emulator/workspaces", DIALECT_ADMIN, admin_workspaces_create, AUTH_ADMIN, BODY_JSON, 0, NULL, NULL},
    {"GET", "/_emulator/workspaces", DIALECT_ADMIN, admin_workspaces_list, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"GET", "/_emulator/workspaces/{id}", DIALECT_ADMIN, admin_workspaces_get, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"DELETE", "/_emulator/workspaces/{id}", DIALECT_ADMIN, admin_workspaces_delete, AUTH_ADMIN, BODY_NONE, 0, NULL,
     NULL},
    {"POST", "/_emulator/workspaces/{id}/reset", DIALECT_ADMIN, admin_workspaces_reset, AUTH_ADMIN, BODY_JSON, 0, NULL,
     NULL},
    {"POST", "/_emulator/reset", DIALECT_ADMIN, admin_reset, AUTH_ADMIN, BODY_JSON, 0, NULL, NULL},
    {"POST", "/_emulator/snapshots", DIALECT_ADMIN, admin_snapshots_create, AUTH_ADMIN, BODY_JSON, 0, NULL, NULL},
    {"GET", "/_emulator/snapshots", DIALECT_ADMIN, admin_snapshots_list, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"POST", "/_emulator/snapshots/{name}/restore", DIALECT_ADMIN, admin_snapshots_restore, AUTH_ADMIN, BODY_JSON, 0,
     NULL, NULL},
    {"DELETE", "/_emulator/snapshots/{name}", DIALECT_ADMIN, admin_snapshots_delete, AUTH_ADMIN, BODY_NONE, 0, NULL,
     NULL},
    {"GET", "/_emulator/clock", DIALECT_ADMIN, admin_clock_get, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"POST", "/_emulator/clock", DIALECT_ADMIN, admin_clock_set, AUTH_ADMIN, BODY_JSON, 0, NULL, NULL},
    {"POST", "/_emulator/clock/advance", DIALECT_ADMIN, admin_clock_advance, AUTH_ADMIN, BODY_JSON, 0, NULL, NULL},
    {"GET", "/_emulator/jobs", DIALECT_ADMIN, admin_jobs_list, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"GET", "/_emulator/jobs/{id}", DIALECT_ADMIN, admin_jobs_get, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"POST", "/_emulator/faults", DIALECT_ADMIN, admin_faults_create, AUTH_ADMIN, BODY_JSON, 0, NULL, NULL},
    {"GET", "/_emulator/faults", DIALECT_ADMIN, admin_faults_list, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"DELETE", "/_emulator/faults", DIALECT_ADMIN, admin_faults_clear, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"DELETE", "/_emulator/faults/{id}", DIALECT_ADMIN, admin_faults_delete, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"GET", "/_emulator/journal", DIALECT_ADMIN, admin_journal_list, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"DELETE", "/_emulator/journal", DIALECT_ADMIN, admin_journal_clear, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"GET", "/_emulator/journal/wait", DIALECT_ADMIN, admin_journal_wait, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"GET", "/_emulator/coverage", DIALECT_ADMIN, admin_coverage, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},
    {"GET", "/metrics", DIALECT_ADMIN, admin_metrics, AUTH_ADMIN, BODY_NONE, 0, NULL, NULL},

    /* vi:begin */
    /* vi:end */
    /* pictograph:begin */
    /* pictograph:end */
    /* ximilar:begin */
    /* ximilar:end */
    /* labelbox:begin */
    /* labelbox:end */

    /* server-issued transfer URLs: the token is the credential */
    {"PUT", "/_blob/{dialect}/{token}", DIALECT_BLOB, transfer_put, AUTH_NONE, BODY_RAW, UPLOAD_CAP, transfer_put_cap,
     NULL},
    {"PUT", "/_blob/{dialect}/{token}/{filename}", DIALECT_BLOB, transfer_put, AUTH_NONE, BODY_RAW, UPLOAD_CAP,
     transfer_put_cap, NULL},
    {"GET", "/_blob/{dialect}/{token}", DIALECT_BLOB, transfer_get, AUTH_NONE, BODY_NONE, 0, NULL, NULL},
    {"GET", "/_blob/{dialect}/{token}/{filename}", DIALECT_BLOB, transfer_get, AUTH_NONE, BODY_NONE, 0, NULL, NULL},
};

const char *const *routes_graphql_operations(void)
{
    static const char *const none[] = {NULL};
    return none;
}

const route *routes_table(size_t *n)
{
    *n = sizeof table / sizeof *table;
    return table;
}
