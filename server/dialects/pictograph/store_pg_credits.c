/* store_pg_credits.c — SQL for pictograph_credits and pictograph_ledger.
 * Scoped by workspace_id; a charge is a check, an upsert of the balance and a
 * ledger insert inside one transaction. Any thread. */
#include "store_pg_credits.h"
#include "core/ids.h"
#include "db.h"

#include <stdio.h>
#include <string.h>

st_result store_pg_credits_remaining(const char *workspace_id, int64_t allowance, int64_t *remaining)
{
    sqlite3_stmt *st = db_stmt("SELECT remaining FROM pictograph_credits WHERE workspace_id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        *remaining = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (r == ST_NOT_FOUND) {
        *remaining = allowance;
        r = ST_OK;
    }
    return r;
}

static st_result put_balance(const char *workspace_id, int64_t remaining, int64_t now)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO pictograph_credits(workspace_id, remaining, updated_at) VALUES (?1, ?2, ?3)"
                               " ON CONFLICT(workspace_id) DO UPDATE SET remaining=excluded.remaining,"
                               " updated_at=excluded.updated_at");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, remaining);
    sqlite3_bind_int64(st, 3, now);
    return db_exec_stmt(st);
}

st_result store_pg_credits_charge(const char *workspace_id, int64_t allowance, int64_t amount, const char *operation,
                                  const char *description, const char *metadata_json, int64_t now,
                                  int64_t *balance_after)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    int64_t remaining = 0;
    if ((r = store_pg_credits_remaining(workspace_id, allowance, &remaining)) != ST_OK)
        goto fail;
    *balance_after = remaining;
    if (remaining < amount) {
        r = ST_INVALID;
        goto fail;
    }
    remaining -= amount;
    if ((r = put_balance(workspace_id, remaining, now)) != ST_OK)
        goto fail;
    sqlite3_stmt *st = db_stmt("INSERT INTO pictograph_ledger(id, workspace_id, operation, amount, balance_after,"
                               " description, metadata, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!st) {
        r = ST_ERROR;
        goto fail;
    }
    char id[37];
    ids_uuid(id);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, operation, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, -amount);
    sqlite3_bind_int64(st, 5, remaining);
    sqlite3_bind_text(st, 6, description ? description : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, metadata_json ? metadata_json : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, now);
    if ((r = db_exec_stmt(st)) != ST_OK)
        goto fail;
    *balance_after = remaining;
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_pg_credits_set(const char *workspace_id, int64_t micro_usd, int64_t now)
{
    sqlite3_stmt *st = db_stmt("SELECT 1 FROM workspaces WHERE id=?1 AND deleted_at IS NULL");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    sqlite3_reset(st);
    if (r != ST_OK)
        return r;
    return put_balance(workspace_id, micro_usd, now);
}

st_result store_pg_ledger_list(const char *workspace_id, int64_t limit, int64_t offset,
                               void (*cb)(const pg_ledger_row *, void *), void *arg, int64_t *total)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM pictograph_ledger WHERE workspace_id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    *total = r == ST_OK ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (r != ST_OK)
        return r;
    st = db_stmt("SELECT id, operation, amount, balance_after, description, metadata, created_at"
                 " FROM pictograph_ledger WHERE workspace_id=?1 ORDER BY seq DESC LIMIT ?2 OFFSET ?3");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, limit);
    sqlite3_bind_int64(st, 3, offset);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pg_ledger_row row;
        memset(&row, 0, sizeof row);
        db_col_copy(st, 0, row.id, sizeof row.id);
        db_col_copy(st, 1, row.operation, sizeof row.operation);
        row.amount = sqlite3_column_int64(st, 2);
        row.balance_after = sqlite3_column_int64(st, 3);
        row.description = (const char *)sqlite3_column_text(st, 4);
        row.metadata = (const char *)sqlite3_column_text(st, 5);
        row.created_at = sqlite3_column_int64(st, 6);
        cb(&row, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_pg_ledger_spend_since(const char *workspace_id, int64_t since, int64_t *spend)
{
    sqlite3_stmt *st = db_stmt("SELECT COALESCE(-SUM(amount), 0) FROM pictograph_ledger"
                               " WHERE workspace_id=?1 AND amount < 0 AND created_at >= ?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, since);
    st_result r = db_step_row(st);
    *spend = r == ST_OK ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return r;
}
