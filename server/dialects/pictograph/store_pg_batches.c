/* store_pg_batches.c — SQL for pictograph_batches (see the header). Any thread. */
#include "store_pg_batches.h"
#include "db.h"

#include <stdlib.h>
#include <string.h>

void pg_batch_row_free(pg_batch_row *b)
{
    free(b->images);
    free(b->classes);
    b->images = b->classes = NULL;
}

st_result store_pg_batches_create(const pg_batch_row *b)
{
    sqlite3_stmt *st = db_stmt("INSERT INTO pictograph_batches(job_id, workspace_id, dataset_id, images, classes,"
                               " confidence, top_k, sahi_slice, per_image_ms, started_at, estimated, created_at)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, b->job_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->workspace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b->dataset_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, b->images, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, b->classes, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 6, b->confidence);
    sqlite3_bind_int(st, 7, b->top_k);
    sqlite3_bind_int(st, 8, b->sahi_slice);
    sqlite3_bind_int64(st, 9, b->per_image_ms);
    sqlite3_bind_int64(st, 10, b->started_at);
    sqlite3_bind_int64(st, 11, b->estimated);
    sqlite3_bind_int64(st, 12, b->created_at);
    return db_exec_stmt(st);
}

st_result store_pg_batches_get(const char *job_id, const char *workspace_id, pg_batch_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT job_id, workspace_id, dataset_id, images, classes, confidence, top_k, sahi_slice,"
                               " per_image_ms, started_at, estimated, next_index, processed, failed, annotations_added,"
                               " charged, created_at FROM pictograph_batches"
                               " WHERE job_id=?1 AND (?2 IS NULL OR workspace_id=?2)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, job_id, -1, SQLITE_STATIC);
    db_bind_text(st, 2, workspace_id);
    st_result r = db_step_row(st);
    if (r == ST_OK) {
        memset(out, 0, sizeof *out);
        db_col_copy(st, 0, out->job_id, sizeof out->job_id);
        db_col_copy(st, 1, out->workspace_id, sizeof out->workspace_id);
        db_col_copy(st, 2, out->dataset_id, sizeof out->dataset_id);
        out->images = db_col_strdup(st, 3);
        out->classes = db_col_strdup(st, 4);
        out->confidence = sqlite3_column_double(st, 5);
        out->top_k = sqlite3_column_int(st, 6);
        out->sahi_slice = sqlite3_column_int(st, 7);
        out->per_image_ms = sqlite3_column_int64(st, 8);
        out->started_at = sqlite3_column_int64(st, 9);
        out->estimated = sqlite3_column_int64(st, 10);
        out->next_index = sqlite3_column_int64(st, 11);
        out->processed = sqlite3_column_int64(st, 12);
        out->failed = sqlite3_column_int64(st, 13);
        out->annotations_added = sqlite3_column_int64(st, 14);
        out->charged = sqlite3_column_int64(st, 15);
        out->created_at = sqlite3_column_int64(st, 16);
        if (!out->images || !out->classes) {
            pg_batch_row_free(out);
            r = ST_ERROR;
        }
    }
    sqlite3_reset(st);
    return r;
}

st_result store_pg_batches_advance(const char *job_id, int64_t index, int ok, int64_t annotations, int64_t charged)
{
    sqlite3_stmt *st = db_stmt("UPDATE pictograph_batches SET next_index=next_index + 1, processed=processed + ?3,"
                               " failed=failed + ?4, annotations_added=annotations_added + ?5, charged=charged + ?6"
                               " WHERE job_id=?1 AND next_index=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, job_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, index);
    sqlite3_bind_int(st, 3, ok ? 1 : 0);
    sqlite3_bind_int(st, 4, ok ? 0 : 1);
    sqlite3_bind_int64(st, 5, annotations);
    sqlite3_bind_int64(st, 6, charged);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(db_conn()) == 0)
        r = ST_CONFLICT;
    return r;
}
