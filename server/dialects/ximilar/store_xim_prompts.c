/* store_xim_prompts.c — SQL for VLM prompts. Readers resolve prompt text by
 * joining at read time, so an update is seen by every task and dataset at once
 * and nothing is copied. Any thread. */
#include "store_xim_prompts.h"
#include "clock.h"
#include "core/ids.h"
#include "db.h"
#include "store_xim_rows.h"

#include <stdio.h>
#include <stdlib.h>

#define PROMPT_COLUMNS                                                                                         \
    "SELECT p.id, p.name, p.description, p.content, p.type, p.format, p.workspace_id AS workspace,"            \
    " p.created_at, p.updated_at FROM xim_prompts p"
#define PROMPT_FILTER                                                                                          \
    " WHERE p.workspace_id=?1 AND (?2 IS NULL OR p.name LIKE ?2 ESCAPE '\\') AND (?3 IS NULL OR p.type=?3)"

st_result store_xim_prompts_create(const char *ws, const xim_prompt_fields *f, char id_out[37])
{
    sqlite3_stmt *st = db_stmt("INSERT INTO xim_prompts(id, workspace_id, name, type, description, content, format,"
                               " created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?8)");
    if (!st)
        return ST_ERROR;
    ids_uuid(id_out);
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, f->type, -1, SQLITE_STATIC);
    db_bind_text(st, 5, f->description);
    db_bind_text(st, 6, f->content);
    db_bind_text(st, 7, f->format);
    sqlite3_bind_int64(st, 8, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_xim_prompts_get(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(PROMPT_COLUMNS " WHERE p.workspace_id=?1 AND p.id=?2");
    return store_xim_rows_one_ws(st, ws, id, out);
}

st_result store_xim_prompts_type(const char *ws, const char *id, char type_out[16])
{
    sqlite3_stmt *st = db_stmt("SELECT type FROM xim_prompts WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_text_ws(st, ws, id, type_out, 16);
}

st_result store_xim_prompts_count(const char *ws, const char *search, const char *type, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM xim_prompts p" PROMPT_FILTER);
    if (!st)
        return ST_ERROR;
    char *like = store_xim_like(search);
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    db_bind_text(st, 2, like);
    db_bind_text(st, 3, type);
    st_result r = store_xim_rows_int(st, n);
    free(like);
    return r;
}

st_result store_xim_prompts_list(const char *ws, const char *search, const char *type, int64_t limit,
                                 int64_t offset, json_t **out)
{
    sqlite3_stmt *st = db_stmt(PROMPT_COLUMNS PROMPT_FILTER " ORDER BY p.rowid LIMIT ?4 OFFSET ?5");
    if (!st)
        return ST_ERROR;
    char *like = store_xim_like(search);
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    db_bind_text(st, 2, like);
    db_bind_text(st, 3, type);
    sqlite3_bind_int64(st, 4, limit);
    sqlite3_bind_int64(st, 5, offset);
    st_result r = store_xim_rows_all(st, out);
    free(like);
    return r;
}

st_result store_xim_prompts_update(const char *ws, const char *id, const xim_prompt_fields *f)
{
    sqlite3_stmt *st = db_stmt("UPDATE xim_prompts SET name=CASE WHEN ?3 THEN ?4 ELSE name END,"
                               " description=CASE WHEN ?5 THEN ?6 ELSE description END,"
                               " content=CASE WHEN ?7 THEN ?8 ELSE content END,"
                               " format=CASE WHEN ?9 THEN ?10 ELSE format END, updated_at=?11"
                               " WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, f->set_name);
    db_bind_text(st, 4, f->name);
    sqlite3_bind_int(st, 5, f->set_description);
    db_bind_text(st, 6, f->description);
    sqlite3_bind_int(st, 7, f->set_content);
    db_bind_text(st, 8, f->content);
    sqlite3_bind_int(st, 9, f->set_format);
    db_bind_text(st, 10, f->format);
    sqlite3_bind_int64(st, 11, clock_now_ms());
    return store_xim_rows_change(st);
}

st_result store_xim_prompts_delete(const char *ws, const char *id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_prompts WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_change_ws(st, ws, id);
}
