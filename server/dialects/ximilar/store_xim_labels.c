/* store_xim_labels.c — SQL for recognition labels. Updates are one statement
 * with a (set flag, value) pair per field, so concurrent PATCHes of different
 * fields never overwrite each other. Any thread. */
#include "store_xim_labels.h"
#include "clock.h"
#include "core/ids.h"
#include "db.h"
#include "store_xim_rows.h"

#include <stdlib.h>

#define LABEL_COLUMNS                                                                                   \
    "SELECT l.id, l.name, l.type, l.description, l.output_name, l.workspace_id AS workspace,"          \
    " (SELECT COUNT(*) FROM xim_image_labels il WHERE il.label_id=l.id) AS images_count, l.created_at" \
    " FROM xim_labels l"

st_result store_xim_labels_create(const char *ws, const xim_label_fields *f, char id_out[37])
{
    sqlite3_stmt *st = db_stmt("INSERT INTO xim_labels(id, workspace_id, name, type, description, output_name,"
                               " created_at) VALUES (?1,?2,?3,?4,?5,?6,?7)");
    if (!st)
        return ST_ERROR;
    ids_uuid(id_out);
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, f->type ? f->type : "category", -1, SQLITE_STATIC);
    db_bind_text(st, 5, f->description);
    db_bind_text(st, 6, f->output_name);
    sqlite3_bind_int64(st, 7, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_xim_labels_get(const char *ws, const char *id, json_t **out)
{
    sqlite3_stmt *st = db_stmt(LABEL_COLUMNS " WHERE l.workspace_id=?1 AND l.id=?2");
    return store_xim_rows_one_ws(st, ws, id, out);
}

#define LABEL_FILTER                                                                                     \
    " WHERE l.workspace_id=?1 AND (?2 IS NULL OR l.name LIKE ?2 ESCAPE '\\') AND (?3 IS NULL OR l.type=?3)" \
    " AND (?4 IS NULL OR EXISTS (SELECT 1 FROM xim_rtask_labels t WHERE t.label_id=l.id AND t.task_id=?4))"

static void bind_filter(sqlite3_stmt *st, const char *ws, const char *like, const char *type, const char *task)
{
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    db_bind_text(st, 2, like);
    db_bind_text(st, 3, type);
    db_bind_text(st, 4, task);
}

st_result store_xim_labels_count(const char *ws, const char *search, const char *type, const char *task, int64_t *n)
{
    sqlite3_stmt *st = db_stmt("SELECT COUNT(*) FROM xim_labels l" LABEL_FILTER);
    if (!st)
        return ST_ERROR;
    char *like = store_xim_like(search);
    bind_filter(st, ws, like, type, task);
    st_result r = store_xim_rows_int(st, n);
    free(like);
    return r;
}

st_result store_xim_labels_list(const char *ws, const char *search, const char *type, const char *task,
                                int64_t limit, int64_t offset, json_t **out)
{
    sqlite3_stmt *st = db_stmt(LABEL_COLUMNS LABEL_FILTER " ORDER BY l.rowid LIMIT ?5 OFFSET ?6");
    if (!st)
        return ST_ERROR;
    char *like = store_xim_like(search);
    bind_filter(st, ws, like, type, task);
    sqlite3_bind_int64(st, 5, limit);
    sqlite3_bind_int64(st, 6, offset);
    st_result r = store_xim_rows_all(st, out);
    free(like);
    return r;
}

st_result store_xim_labels_update(const char *ws, const char *id, const xim_label_fields *f)
{
    sqlite3_stmt *st = db_stmt("UPDATE xim_labels SET name=CASE WHEN ?3 THEN ?4 ELSE name END,"
                               " type=CASE WHEN ?5 THEN ?6 ELSE type END,"
                               " description=CASE WHEN ?7 THEN ?8 ELSE description END,"
                               " output_name=CASE WHEN ?9 THEN ?10 ELSE output_name END"
                               " WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, f->set_name);
    db_bind_text(st, 4, f->name);
    sqlite3_bind_int(st, 5, f->set_type);
    db_bind_text(st, 6, f->type);
    sqlite3_bind_int(st, 7, f->set_description);
    db_bind_text(st, 8, f->description);
    sqlite3_bind_int(st, 9, f->set_output_name);
    db_bind_text(st, 10, f->output_name);
    return store_xim_rows_change(st);
}

st_result store_xim_labels_delete(const char *ws, const char *id)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM xim_labels WHERE workspace_id=?1 AND id=?2");
    return store_xim_rows_change_ws(st, ws, id);
}
