/* store_pg_credits.h — a workspace's compute-credit balance and its ledger.
 *
 * Amounts are integer micro-USD. A workspace without a row still holds its
 * starting allowance (passed in by the caller, who knows the configuration);
 * the row appears with the first charge or control-plane set. Every charge is
 * one ledger row written in the same transaction as the balance change, so the
 * two can never disagree. Any thread.
 */
#ifndef VS_STORE_PG_CREDITS_H
#define VS_STORE_PG_CREDITS_H
#include <stdint.h>
#include "core/store.h"

typedef struct {
    char id[37];
    char operation[64];
    int64_t amount;          /* negative for charges */
    int64_t balance_after;
    const char *description; /* valid during the callback only */
    const char *metadata;    /* JSON object text, valid during the callback only */
    int64_t created_at;
} pg_ledger_row;

/* Remaining micro-USD of the workspace (allowance when untouched). */
st_result store_pg_credits_remaining(const char *workspace_id, int64_t allowance, int64_t *remaining);
/* Takes amount (> 0) from the balance and records a ledger row. ST_INVALID,
 * with *balance_after = the unchanged balance, when the balance is short.
 * Joins the caller's transaction (opens its own otherwise). */
st_result store_pg_credits_charge(const char *workspace_id, int64_t allowance, int64_t amount, const char *operation,
                                  const char *description, const char *metadata_json, int64_t now,
                                  int64_t *balance_after);
/* Sets the remaining balance to exactly micro_usd (control plane);
 * ST_NOT_FOUND for an unknown or deleted workspace. */
st_result store_pg_credits_set(const char *workspace_id, int64_t micro_usd, int64_t now);
/* Ledger rows newest first; *total = all rows of the workspace. */
st_result store_pg_ledger_list(const char *workspace_id, int64_t limit, int64_t offset,
                               void (*cb)(const pg_ledger_row *, void *), void *arg, int64_t *total);
/* Sum of charges (as a positive number) at or after `since`. */
st_result store_pg_ledger_spend_since(const char *workspace_id, int64_t since, int64_t *spend);
#endif
