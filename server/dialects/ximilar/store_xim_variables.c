/* store_xim_variables.c — SQL for VLM variables. Names are unique per dataset
 * (a UNIQUE constraint, reported as ST_CONFLICT). Any thread. */
#include "store_xim_variables.h"
#include "clock.h"
#include "core/ids.h"
#include "db.h"
#include "store_xim_rows.h"

#include <stdlib.h>

#define VARIABLE_COLUMNS                                                                                       \
    "SELECT v.id, v.dataset_id AS dataset, d.name AS dataset_name, v.name, v.type, v.required AS required__bool," \
    " v.description, v.choices, v.min_value, v.max_value, v.step_size, v.min_length, v.max_length,"            \
    " v.default_value AS default_value__json, v.workspace_id AS workspace, v.created_at"                       \
    " FROM xim_vlm_variables v JOIN xim_vlm_datasets d ON d.id=v.dataset_id"

static void bind_fields(sqlite3_stmt *st, const xim_variable_fields *f, int base)
{
    sqlite3_bind_text(st, base, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 1, f->type, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, base + 2, f->required);
    db_bind_text(st, base + 3, f->description);
    db_bind_text(st, base + 4, f->choices);
    if (f->has_min)
        sqlite3_bind_double(st, base + 5, f->min_value);
    else
        sqlite3_bind_null(st, base + 5);
    if (f->has_max)
        sqlite3_bind_double(st, base + 6, f->max_value);
    else
        sqlite3_bind_null(st, base + 6);
    if (f->has_step)
        sqlite3_bind_double(st, base + 7, f->step_size);
    else
        sqlite3_bind_null(st, base + 7);
    if (f->has_min_len)
        sqlite3_bind_int64(st, base + 8, f->min_length);
    else
        sqlite3_bind_null(st, base + 8);
    if (f->has_max_len)
        sqlite3_bind_int64(st, base + 9, f->max_length);
    else
        sqlite3_bind_null(st, base + 9);
    store_xim_bind_json(st, base + 10, f->default_value);
}

st_result store_xim_variables_create(const char *ws, const xim_variable_fields *f, char id_out[37])
{
    sqlite3_stmt *st = db_stmt("INSERT INTO xim_vlm_variables(id, workspace_id, dataset_id, name, type, required,"
                               " description, choices, min_value, max_value, step_size, min_length, max_length,"
                               " default_value, created_at, updated_at)"
                               " SELECT ?1, ?2, d.id, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15"
                               " FROM xim_vlm_datasets d WHERE d.workspace_id=?2 AND d.id=?3");
    if (!st)
        return ST_ERROR;
    ids_uuid(id_out);
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->dataset, -1, SQLITE_STATIC);
    bind_fields(st, f, 4);
    sqlite3_bind_int64(st, 15, clock_now_ms());
    return store_xim_rows_change(st);
}

st_result store_xim_variables_get(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(VARIABLE_COLUMNS " WHERE v.workspace_id=?1 AND v.id=?2");
    return store_xim_rows_one_ws(st, ws, id, out);
}

st_result store_xim_variables_count(const char *ws, const char *dataset, const char *search, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM xim_vlm_variables v WHERE v.workspace_id=?1"
                               " AND (?2 IS NULL OR v.dataset_id=?2) AND (?3 IS NULL OR v.name LIKE ?3 ESCAPE '\\')");
    if (!st)
        return ST_ERROR;
    char *like = store_xim_like(search);
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    db_bind_text(st, 2, dataset);
    db_bind_text(st, 3, like);
    st_result r = store_xim_rows_int(st, n);
    free(like);
    return r;
}

st_result store_xim_variables_list(const char *ws, const char *dataset, const char *search, int64_t limit,
                                   int64_t offset, json_t **out)
{
    sqlite3_stmt *st = db_stmt(VARIABLE_COLUMNS " WHERE v.workspace_id=?1 AND (?2 IS NULL OR v.dataset_id=?2)"
                                                " AND (?3 IS NULL OR v.name LIKE ?3 ESCAPE '\\')"
                                                " ORDER BY v.rowid LIMIT ?4 OFFSET ?5");
    if (!st)
        return ST_ERROR;
    char *like = store_xim_like(search);
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    db_bind_text(st, 2, dataset);
    db_bind_text(st, 3, like);
    sqlite3_bind_int64(st, 4, limit);
    sqlite3_bind_int64(st, 5, offset);
    st_result r = store_xim_rows_all(st, out);
    free(like);
    return r;
}

st_result store_xim_variables_of_dataset(const char *ws, const char *dataset, json_t **out)
{
    sqlite3_stmt *st = db_stmt(VARIABLE_COLUMNS " WHERE v.workspace_id=?1 AND v.dataset_id=?2 ORDER BY v.rowid");
    return store_xim_rows_all_ws(st, ws, dataset, out);
}

st_result store_xim_variables_update(const char *ws, const char *id, const xim_variable_fields *f)
{
    sqlite3_stmt *st = db_stmt("UPDATE xim_vlm_variables SET name=?3, type=?4, required=?5, description=?6,"
                               " choices=?7, min_value=?8, max_value=?9, step_size=?10, min_length=?11,"
                               " max_length=?12, default_value=?13, updated_at=?14 WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    bind_fields(st, f, 3);
    sqlite3_bind_int64(st, 14, clock_now_ms());
    return store_xim_rows_change(st);
}

st_result store_xim_variables_delete(const char *ws, const char *id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_vlm_variables WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_change_ws(st, ws, id);
}
