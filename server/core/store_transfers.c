/* store_transfers.c — SQL for the transfers table. A completed PUT stores its
 * blob and marks the row in one transaction: the row never points at bytes that
 * are not there. Any thread. */
#include "store_transfers.h"
#include "../clock.h"
#include "../db.h"
#include "ids.h"
#include "store_blobs.h"

#include <stdio.h>
#include <string.h>

#define TRANSFER_COLUMNS                                                                                     \
    "token, COALESCE(workspace_id,''), dialect, direction, filename, content_type, max_bytes,"               \
    " COALESCE(expected_size,-1), expected_crc32c, COALESCE(expected_md5,''), COALESCE(blob_sha256,''),"     \
    " COALESCE(check_result,''), purpose, owner_ref, expires_at, COALESCE(completed_at,0), created_at"

static void read_row(sqlite3_stmt *st, transfer_row *t)
{
    memset(t, 0, sizeof *t);
    db_col_copy(st, 0, t->token, sizeof t->token);
    db_col_copy(st, 1, t->workspace_id, sizeof t->workspace_id);
    db_col_copy(st, 2, t->dialect, sizeof t->dialect);
    db_col_copy(st, 3, t->direction, sizeof t->direction);
    db_col_copy(st, 4, t->filename, sizeof t->filename);
    db_col_copy(st, 5, t->content_type, sizeof t->content_type);
    t->max_bytes = sqlite3_column_int64(st, 6);
    t->expected_size = sqlite3_column_int64(st, 7);
    t->has_crc32c = sqlite3_column_type(st, 8) != SQLITE_NULL;
    t->expected_crc32c = (uint32_t)sqlite3_column_int64(st, 8);
    db_col_copy(st, 9, t->expected_md5, sizeof t->expected_md5);
    db_col_copy(st, 10, t->blob_sha256, sizeof t->blob_sha256);
    db_col_copy(st, 11, t->check_result, sizeof t->check_result);
    db_col_copy(st, 12, t->purpose, sizeof t->purpose);
    db_col_copy(st, 13, t->owner_ref, sizeof t->owner_ref);
    t->expires_at = sqlite3_column_int64(st, 14);
    t->completed_at = sqlite3_column_int64(st, 15);
    t->created_at = sqlite3_column_int64(st, 16);
}

st_result store_transfers_create(transfer_row *t)
{
    sqlite3_stmt *st = db_stmt(
        "INSERT INTO transfers(token, workspace_id, dialect, direction, filename, content_type, max_bytes,"
        " expected_size, expected_crc32c, expected_md5, blob_sha256, purpose, owner_ref, expires_at, created_at)"
        " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)");
    if (!st)
        return ST_ERROR;
    ids_token(t->token, 48);
    t->created_at = clock_now_ms();
    sqlite3_bind_text(st, 1, t->token, -1, SQLITE_STATIC);
    db_bind_text(st, 2, t->workspace_id[0] ? t->workspace_id : NULL);
    sqlite3_bind_text(st, 3, t->dialect, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, t->direction, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, t->filename, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, t->content_type[0] ? t->content_type : "application/octet-stream", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, t->max_bytes);
    if (t->expected_size >= 0)
        sqlite3_bind_int64(st, 8, t->expected_size);
    else
        sqlite3_bind_null(st, 8);
    if (t->has_crc32c)
        sqlite3_bind_int64(st, 9, t->expected_crc32c);
    else
        sqlite3_bind_null(st, 9);
    db_bind_text(st, 10, t->expected_md5[0] ? t->expected_md5 : NULL);
    db_bind_text(st, 11, t->blob_sha256[0] ? t->blob_sha256 : NULL);
    sqlite3_bind_text(st, 12, t->purpose, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, t->owner_ref, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 14, t->expires_at);
    sqlite3_bind_int64(st, 15, t->created_at);
    return db_exec_stmt(st);
}

st_result store_transfers_get(const char *dialect, const char *token, transfer_row *out)
{
    sqlite3_stmt *st = db_stmt("SELECT " TRANSFER_COLUMNS " FROM transfers WHERE token=?1 AND dialect=?2");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dialect, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        read_row(st, out);
    sqlite3_reset(st);
    return r;
}

st_result store_transfers_complete(const char *token, const void *data, size_t len, const blob_info *digest,
                                   const char *check_result, int64_t now)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    if ((r = store_blobs_put_digested(data, len, digest)) != ST_OK)
        goto fail;
    sqlite3_stmt *st = db_stmt("UPDATE transfers SET blob_sha256=?2, check_result=?3, completed_at=?4 WHERE token=?1");
    if (!st) {
        r = ST_ERROR;
        goto fail;
    }
    sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, digest->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, check_result, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    if ((r = db_exec_stmt(st)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_transfers_by_owner(const char *purpose, const char *owner_ref,
                                   void (*cb)(const transfer_row *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT " TRANSFER_COLUMNS " FROM transfers WHERE purpose=?1 AND owner_ref=?2"
                               " ORDER BY created_at, rowid");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, purpose, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, owner_ref, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        transfer_row t;
        read_row(st, &t);
        cb(&t, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}
