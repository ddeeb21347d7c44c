/* store_vi_sessions.c — SQL for the Vi-only tables. Single-statement writes;
 * callers that write several rows wrap them in db_begin()/db_commit(). Reads are
 * scoped by workspace_id so another workspace's session is simply not found.
 * Any thread.
 */
#include "store_vi_sessions.h"
#include <stddef.h>
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static void bind(sqlite3_stmt *st, int i, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static st_result changed(st_result r)
{
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        return ST_NOT_FOUND;
    return r;
}

/* --- asset ingestion sessions ------------------------------------------- */

void vi_asset_session_row_free(vi_asset_session_row *s)
{
    free(s->message);
    free(s->events);
    s->message = s->events = NULL;
}

st_result store_vi_asset_sessions_create(const vi_asset_session_row *s)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO vi_asset_sessions(id, workspace_id, dataset_id, failure_mode,"
                               " on_overwritten, spec_kind, last_activity, created_at, updated_at)"
                               " VALUES (?1,?2,?3,?4,?5,?6,?7,?7,?7)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, s->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, s->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->failure_mode, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, s->on_overwritten, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, s->spec_kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, s->created_at);
    return db_exec_stmt(st);
}

st_result store_vi_asset_files_create(const char *session_id, const char *workspace_id, const vi_asset_file_row *f)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO vi_asset_files(session_id, workspace_id, position, filename, mime, kind,"
                               " size, crc32c, custom_metadata, token) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, session_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, f->position);
    sqlite3_bind_text(st, 4, f->filename, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, f->mime, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, f->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, f->size);
    if (f->has_crc32c)
        sqlite3_bind_int64(st, 8, f->crc32c);
    else
        sqlite3_bind_null(st, 8);
    bind(st, 9, f->custom_metadata);
    sqlite3_bind_text(st, 10, f->token, -1, SQLITE_STATIC);
    return db_exec_stmt(st);
}

static void read_asset_session(sqlite3_stmt *st, void *p)
{
    vi_asset_session_row *s = p;
    memset(s, 0, sizeof *s);
    db_col_copy(st, 0, s->id, sizeof s->id);
    db_col_copy(st, 1, s->workspace_id, sizeof s->workspace_id);
    db_col_copy(st, 2, s->dataset_id, sizeof s->dataset_id);
    db_col_copy(st, 3, s->failure_mode, sizeof s->failure_mode);
    db_col_copy(st, 4, s->on_overwritten, sizeof s->on_overwritten);
    db_col_copy(st, 5, s->spec_kind, sizeof s->spec_kind);
    db_col_copy(st, 6, s->finished, sizeof s->finished);
    s->finished_at = sqlite3_column_int64(st, 7);
    s->message = db_col_strdup(st, 8);
    s->events = db_col_strdup(st, 9);
    s->last_activity = sqlite3_column_int64(st, 10);
    s->generation = sqlite3_column_int64(st, 11);
    s->created_at = sqlite3_column_int64(st, 12);
    s->updated_at = sqlite3_column_int64(st, 13);
}

st_result store_vi_asset_sessions_get(const char *workspace_id, const char *id, vi_asset_session_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT id, workspace_id, dataset_id, failure_mode, on_overwritten, spec_kind, finished,"
                               " COALESCE(finished_at,0), message, events, last_activity, generation, created_at,"
                               " updated_at FROM vi_asset_sessions WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    return db_row(st, read_asset_session, out);
}

st_result store_vi_asset_files_list(const char *session_id, void (*cb)(const vi_asset_file_row *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT position, filename, mime, kind, size, crc32c, custom_metadata, token, state,"
                               " COALESCE(error_code,''), COALESCE(asset_id,'') FROM vi_asset_files"
                               " WHERE session_id=?1 ORDER BY position");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, session_id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vi_asset_file_row f;
        memset(&f, 0, sizeof f);
        f.position = sqlite3_column_int(st, 0);
        db_col_copy(st, 1, f.filename, sizeof f.filename);
        db_col_copy(st, 2, f.mime, sizeof f.mime);
        db_col_copy(st, 3, f.kind, sizeof f.kind);
        f.size = sqlite3_column_int64(st, 4);
        f.has_crc32c = sqlite3_column_type(st, 5) != SQLITE_NULL;
        f.crc32c = sqlite3_column_int64(st, 5);
        f.custom_metadata = sqlite3_column_type(st, 6) == SQLITE_NULL ? NULL : col(st, 6);
        db_col_copy(st, 7, f.token, sizeof f.token);
        db_col_copy(st, 8, f.state, sizeof f.state);
        db_col_copy(st, 9, f.error_code, sizeof f.error_code);
        db_col_copy(st, 10, f.asset_id, sizeof f.asset_id);
        cb(&f, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_vi_asset_files_set(const char *session_id, int position, const char *state, const char *error_code,
                                   const char *asset_id)
{
    sqlite3_stmt *st = db_stmt("UPDATE vi_asset_files SET state=?3, error_code=?4, asset_id=?5"
                               " WHERE session_id=?1 AND position=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, session_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, position);
    sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
    bind(st, 4, error_code);
    bind(st, 5, asset_id);
    return changed(db_exec_stmt(st));
}

st_result store_vi_asset_sessions_update(const vi_asset_session_row *s)
{
    sqlite3_stmt *st = db_stmt("UPDATE vi_asset_sessions SET finished=?2, finished_at=?3, message=?4, events=?5,"
                               " last_activity=?6, updated_at=?7, generation=generation+1 WHERE id=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, s->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, s->finished, -1, SQLITE_STATIC);
    if (s->finished_at)
        sqlite3_bind_int64(st, 3, s->finished_at);
    else
        sqlite3_bind_null(st, 3);
    bind(st, 4, s->message);
    sqlite3_bind_text(st, 5, s->events ? s->events : "[]", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, s->last_activity);
    sqlite3_bind_int64(st, 7, s->updated_at);
    return changed(db_exec_stmt(st));
}

/* --- annotation import sessions ----------------------------------------- */

void vi_import_row_free(vi_import_row *s)
{
    free(s->attributes);
    free(s->reason);
    s->attributes = s->reason = NULL;
}

st_result store_vi_imports_create(const vi_import_row *s)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO vi_import_sessions(id, workspace_id, dataset_id, upload_before,"
                               " on_bad_annotation, on_bad_file, on_overwritten, attributes, inserted_at, created_at,"
                               " updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?9,?9)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, s->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, s->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, s->upload_before);
    sqlite3_bind_text(st, 5, s->on_bad_annotation, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, s->on_bad_file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, s->on_overwritten, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, s->attributes ? s->attributes : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, s->created_at);
    return db_exec_stmt(st);
}

static void read_import(sqlite3_stmt *st, void *p)
{
    vi_import_row *s = p;
    memset(s, 0, sizeof *s);
    db_col_copy(st, 0, s->id, sizeof s->id);
    db_col_copy(st, 1, s->workspace_id, sizeof s->workspace_id);
    db_col_copy(st, 2, s->dataset_id, sizeof s->dataset_id);
    s->upload_before = sqlite3_column_int64(st, 3);
    db_col_copy(st, 4, s->on_bad_annotation, sizeof s->on_bad_annotation);
    db_col_copy(st, 5, s->on_bad_file, sizeof s->on_bad_file);
    db_col_copy(st, 6, s->on_overwritten, sizeof s->on_overwritten);
    s->attributes = db_col_strdup(st, 7);
    db_col_copy(st, 8, s->inserted, sizeof s->inserted);
    db_col_copy(st, 9, s->inserted_reason, sizeof s->inserted_reason);
    s->inserted_at = sqlite3_column_int64(st, 10);
    db_col_copy(st, 11, s->complete, sizeof s->complete);
    s->complete_at = sqlite3_column_int64(st, 12);
    s->reason = db_col_strdup(st, 13);
    s->files_uploaded = sqlite3_column_int64(st, 14);
    s->files_imported = sqlite3_column_int64(st, 15);
    s->files_rejected = sqlite3_column_int64(st, 16);
    s->lines_imported = sqlite3_column_int64(st, 17);
    s->lines_rejected = sqlite3_column_int64(st, 18);
    s->total_bytes = sqlite3_column_int64(st, 19);
    s->page_count = sqlite3_column_int64(st, 20);
    s->generation = sqlite3_column_int64(st, 21);
    s->created_at = sqlite3_column_int64(st, 22);
    s->updated_at = sqlite3_column_int64(st, 23);
}

st_result store_vi_imports_get(const char *workspace_id, const char *id, vi_import_row *out)
{
    sqlite3_stmt *st = db_stmt(
        "SELECT id, workspace_id, dataset_id, upload_before, on_bad_annotation, on_bad_file, on_overwritten,"
        " attributes, inserted, COALESCE(inserted_reason,''), inserted_at, COALESCE(complete,''),"
        " COALESCE(complete_at,0), reason, files_uploaded, files_imported, files_rejected, lines_imported,"
        " lines_rejected, total_bytes, page_count, generation, created_at, updated_at"
        " FROM vi_import_sessions WHERE workspace_id=?1 AND id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    return db_row(st, read_import, out);
}

st_result store_vi_imports_set_inserted(const char *id, const char *status, const char *reason, int64_t at,
                                        const char *complete)
{
    sqlite3_stmt *st = db_stmt("UPDATE vi_import_sessions SET inserted=?2, inserted_reason=?3, inserted_at=?4,"
                               " complete=?5, complete_at=CASE WHEN ?5 IS NULL THEN NULL ELSE ?4 END,"
                               " updated_at=?4, generation=generation+1 WHERE id=?1 AND inserted='Waiting'");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    bind(st, 3, reason);
    sqlite3_bind_int64(st, 4, at);
    bind(st, 5, complete);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        return ST_CONFLICT;
    return r;
}

st_result store_vi_imports_finish(const vi_import_row *s)
{
    sqlite3_stmt *st = db_stmt("UPDATE vi_import_sessions SET complete=?2, complete_at=?3, reason=?4,"
                               " files_uploaded=?5, files_imported=?6, files_rejected=?7, lines_imported=?8,"
                               " lines_rejected=?9, total_bytes=?10, page_count=?11, updated_at=?3,"
                               " generation=generation+1 WHERE id=?1 AND complete='Waiting'");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, s->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, s->complete, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, s->complete_at);
    bind(st, 4, s->reason);
    sqlite3_bind_int64(st, 5, s->files_uploaded);
    sqlite3_bind_int64(st, 6, s->files_imported);
    sqlite3_bind_int64(st, 7, s->files_rejected);
    sqlite3_bind_int64(st, 8, s->lines_imported);
    sqlite3_bind_int64(st, 9, s->lines_rejected);
    sqlite3_bind_int64(st, 10, s->total_bytes);
    sqlite3_bind_int64(st, 11, s->page_count);
    return changed(db_exec_stmt(st));
}

/* --- exports -------------------------------------------------------------- */

void vi_export_row_free(vi_export_row *e)
{
    free(e->message);
    e->message = NULL;
}

st_result store_vi_exports_create(const vi_export_row *e)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO vi_exports(id, workspace_id, dataset_id, resource, format, normalized,"
                               " split_ratio, created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?8)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, e->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->resource, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, e->format, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, e->normalized);
    if (e->has_split)
        sqlite3_bind_double(st, 7, e->split_ratio);
    else
        sqlite3_bind_null(st, 7);
    sqlite3_bind_int64(st, 8, e->created_at);
    return db_exec_stmt(st);
}

#define EXPORT_COLUMNS                                                                                      \
    "id, workspace_id, dataset_id, resource, format, normalized, split_ratio, state, message,"              \
    " COALESCE(token,''), COALESCE(expires_at,0), generation, created_at, updated_at"

static void read_export(sqlite3_stmt *st, void *p)
{
    vi_export_row *e = p;
    memset(e, 0, sizeof *e);
    db_col_copy(st, 0, e->id, sizeof e->id);
    db_col_copy(st, 1, e->workspace_id, sizeof e->workspace_id);
    db_col_copy(st, 2, e->dataset_id, sizeof e->dataset_id);
    db_col_copy(st, 3, e->resource, sizeof e->resource);
    db_col_copy(st, 4, e->format, sizeof e->format);
    e->normalized = sqlite3_column_int(st, 5);
    e->has_split = sqlite3_column_type(st, 6) != SQLITE_NULL;
    e->split_ratio = sqlite3_column_double(st, 6);
    db_col_copy(st, 7, e->state, sizeof e->state);
    e->message = db_col_strdup(st, 8);
    db_col_copy(st, 9, e->token, sizeof e->token);
    e->expires_at = sqlite3_column_int64(st, 10);
    e->generation = sqlite3_column_int64(st, 11);
    e->created_at = sqlite3_column_int64(st, 12);
    e->updated_at = sqlite3_column_int64(st, 13);
}

st_result store_vi_exports_get(const char *workspace_id, const char *id, const char *resource, vi_export_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " EXPORT_COLUMNS " FROM vi_exports WHERE workspace_id=?1 AND id=?2"
                               " AND (?3 IS NULL OR resource=?3)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    bind(st, 3, resource);
    return db_row(st, read_export, out);
}

st_result store_vi_exports_list(const char *workspace_id, const char *dataset_id, const char *resource,
                                void (*cb)(const vi_export_row *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT " EXPORT_COLUMNS " FROM vi_exports WHERE workspace_id=?1 AND dataset_id=?2"
                               " AND resource=?3 ORDER BY created_at, rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, resource, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        vi_export_row e;
        read_export(st, &e);
        cb(&e, arg);
        vi_export_row_free(&e);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_vi_exports_finish(const char *id, const char *state, const char *message, const char *token,
                                  int64_t expires_at, int64_t now)
{
    sqlite3_stmt *st = db_stmt("UPDATE vi_exports SET state=?2, message=?3, token=?4, expires_at=?5,"
                               " updated_at=?6, generation=generation+1"
                               " WHERE id=?1 AND state='Waiting'");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    bind(st, 3, message);
    bind(st, 4, token);
    if (expires_at)
        sqlite3_bind_int64(st, 5, expires_at);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_int64(st, 6, now);
    return changed(db_exec_stmt(st));
}

/* --- bulk asset deletions and deletion records ---------------------------- */

void vi_bulk_row_free(vi_bulk_row *b)
{
    free(b->spec);
    b->spec = NULL;
}

st_result store_vi_bulk_create(const vi_bulk_row *b)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO vi_bulk_deletions(id, workspace_id, dataset_id, spec, state, deleted,"
                               " created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, b->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b->dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, b->spec ? b->spec : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, b->state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, b->deleted);
    sqlite3_bind_int64(st, 7, b->created_at);
    sqlite3_bind_int64(st, 8, b->updated_at);
    return db_exec_stmt(st);
}

static void read_bulk(sqlite3_stmt *st, void *p)
{
    vi_bulk_row *b = p;
    memset(b, 0, sizeof *b);
    db_col_copy(st, 0, b->id, sizeof b->id);
    db_col_copy(st, 1, b->workspace_id, sizeof b->workspace_id);
    db_col_copy(st, 2, b->dataset_id, sizeof b->dataset_id);
    b->spec = db_col_strdup(st, 3);
    db_col_copy(st, 4, b->state, sizeof b->state);
    b->deleted = sqlite3_column_int64(st, 5);
    b->created_at = sqlite3_column_int64(st, 6);
    b->updated_at = sqlite3_column_int64(st, 7);
}

st_result store_vi_bulk_get(const char *workspace_id, const char *dataset_id, const char *id, vi_bulk_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT id, workspace_id, dataset_id, spec, state, deleted, created_at, updated_at"
                               " FROM vi_bulk_deletions WHERE workspace_id=?1 AND dataset_id=?2 AND id=?3");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    return db_row(st, read_bulk, out);
}

st_result store_vi_deleted_put(const char *workspace_id, const char *dataset_id, int64_t at)
{
    sqlite3_stmt *st = db_stmt("INSERT OR REPLACE INTO vi_deleted_datasets(workspace_id, dataset_id, deleted_at)"
                               " VALUES (?1, ?2, ?3)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, at);
    return db_exec_stmt(st);
}

static void read_at(sqlite3_stmt *st, void *p) { *(int64_t *)p = sqlite3_column_int64(st, 0); }

st_result store_vi_deleted_get(const char *workspace_id, const char *dataset_id, int64_t *at)
{
    sqlite3_stmt *st =
        db_stmt("SELECT deleted_at FROM vi_deleted_datasets WHERE workspace_id=?1 AND dataset_id=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dataset_id, -1, SQLITE_STATIC);
    return db_row(st, read_at, at);
}
