/* pg_credits.c — A/credits: balance, estimate, history (specs/pictograph.md
 * §5.5, §6.6, §10.3). Amounts are integer micro-USD. The billing period is the
 * current 30-day window since the workspace was created; the emulator never
 * resets a balance on its own (the control plane sets it exactly).
 * Request threads.
 */
#include "pg.h"
#include "pg_routes.h"
#include "clock.h"
#include "core/store_workspaces.h"
#include "dialects/pictograph/store_pg_credits.h"

#include <stdlib.h>
#include <string.h>

#define PERIOD_MS (30LL * 24 * 3600 * 1000)
#define RECENT 10

static json_t *ledger_json(const pg_ledger_row *row)
{
    json_t *meta = json_loads(row->metadata ? row->metadata : "{}", 0, NULL);
    if (!json_is_object(meta)) {
        json_decref(meta);
        meta = json_object();
    }
    return json_pack("{s:s,s:s,s:I,s:I,s:s,s:o,s:o}", "id", row->id, "operation", row->operation, "amount",
                     (json_int_t)row->amount, "balance_after", (json_int_t)row->balance_after, "description",
                     row->description ? row->description : "", "metadata", meta, "created_at",
                     pg_time_json(row->created_at));
}

static void add_entry(const pg_ledger_row *row, void *arg) { json_array_append_new(arg, ledger_json(row)); }

int pg_credits_balance(vs_request *req, vs_response *res)
{
    const pg_config *cfg = pg_config_get();
    ws_row w;
    int64_t remaining = 0, spend = 0, total = 0, now = clock_now_ms();
    st_result r = store_workspaces_get(req->workspace_id, &w, NULL);
    if (r == ST_OK)
        r = store_pg_credits_remaining(req->workspace_id, cfg->allowance_micro_usd, &remaining);
    int64_t period_start = w.created_at;
    if (r == ST_OK && now > w.created_at)
        period_start = w.created_at + (now - w.created_at) / PERIOD_MS * PERIOD_MS;
    if (r == ST_OK)
        r = store_pg_ledger_spend_since(req->workspace_id, period_start, &spend);
    json_t *recent = json_array();
    if (r == ST_OK)
        r = store_pg_ledger_list(req->workspace_id, RECENT, 0, add_entry, recent, &total);
    if (r != ST_OK) {
        json_decref(recent);
        return vs_fail_store(res, r, "Credits");
    }
    json_t *o = json_object();
    json_object_set_new(o, "included_allowance_micro_usd", json_integer(cfg->allowance_micro_usd));
    json_object_set_new(o, "included_remaining_micro_usd", json_integer(remaining));
    json_object_set_new(o, "budget_micro_usd", json_integer(0));
    json_object_set_new(o, "period_spend_micro_usd", json_integer(spend));
    json_object_set_new(o, "period_overage_micro_usd", json_integer(0));
    json_object_set_new(o, "budget_remaining_micro_usd", json_integer(0));
    json_object_set_new(o, "period_start", pg_time_json(period_start));
    json_object_set_new(o, "credits_reset_at", pg_time_json(period_start + PERIOD_MS));
    json_object_set_new(o, "credits_remaining", json_integer(remaining / cfg->credit_micro_usd));
    json_object_set_new(o, "credits_monthly_allowance", json_integer(cfg->allowance_micro_usd / cfg->credit_micro_usd));
    json_object_set_new(o, "unit", json_string("micro_usd"));
    json_object_set_new(o, "recent_history", recent);
    return vs_reply_json(res, 200, o);
}

int pg_credits_estimate(vs_request *req, vs_response *res)
{
    const pg_config *cfg = pg_config_get();
    const char *op = vs_query(req, "operation"), *qty = vs_query(req, "quantity");
    int64_t quantity = 1;
    pg_errs e;
    pg_errs_init(&e);
    if (!op || !*op)
        pg_errs_add(&e, json_pack("[s,s]", "query", "operation"), "missing", "Field required");
    if (qty) {
        char *end = NULL;
        long long n = strtoll(qty, &end, 10);
        if (!*qty || *end)
            pg_errs_add(&e, json_pack("[s,s]", "query", "quantity"), "int_parsing",
                        "Input should be a valid integer, unable to parse string as an integer");
        else if (n < 1 || n > 1000000000LL)
            pg_errs_add(&e, json_pack("[s,s]", "query", "quantity"), "greater_than_equal",
                        "Input should be between 1 and 1000000000");
        else
            quantity = n;
    }
    if (pg_errs_finish(&e, res) != 0)
        return -1;
    const pg_price *p = pg_price_find(op);
    if (!p)
        return vs_fail_details(res, 400, "validation_error", json_pack("{s:s}", "operation", op),
                               "Unknown credit operation '%.100s'", op);
    int64_t remaining = 0;
    st_result r = store_pg_credits_remaining(req->workspace_id, cfg->allowance_micro_usd, &remaining);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Credits");
    int64_t total = p->micro_usd * quantity;
    json_t *o = json_object();
    json_object_set_new(o, "operation", json_string(op));
    json_object_set_new(o, "unit", json_string(p->unit));
    json_object_set_new(o, "quantity", json_integer(quantity));
    json_object_set_new(o, "micro_usd_per_unit", json_integer(p->micro_usd));
    json_object_set_new(o, "total_micro_usd", json_integer(total));
    json_object_set_new(o, "remaining_micro_usd", json_integer(remaining));
    json_object_set_new(o, "sufficient", json_boolean(remaining >= total));
    json_object_set_new(o, "credits_per_unit", json_integer(p->micro_usd / cfg->credit_micro_usd));
    json_object_set_new(o, "total_credits", json_integer(total / cfg->credit_micro_usd));
    json_object_set_new(o, "minimum", json_integer(0));
    json_object_set_new(o, "credits_remaining", json_integer(remaining / cfg->credit_micro_usd));
    return vs_reply_json(res, 200, o);
}

int pg_credits_history(vs_request *req, vs_response *res)
{
    int64_t limit, offset, total = 0;
    if (pg_paging(req, res, 50, PG_MAX_LIMIT, &limit, &offset) != 0)
        return -1;
    json_t *entries = json_array();
    st_result r = store_pg_ledger_list(req->workspace_id, limit, offset, add_entry, entries, &total);
    if (r != ST_OK) {
        json_decref(entries);
        return vs_fail_store(res, r, "Credit history");
    }
    int64_t n = (int64_t)json_array_size(entries);
    return vs_reply_json(res, 200, json_pack("{s:o,s:o}", "entries", entries, "pagination",
                                             pg_pagination(limit, offset, n, total)));
}
