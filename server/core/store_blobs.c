/* store_blobs.c — SQL for the blobs table. Digests are computed here, once, when
 * bytes first arrive; readers use sqlite3_blob_read for ranges so a Range request
 * never copies the whole object. Any thread. */
#include "store_blobs.h"
#include "../clock.h"
#include "../db.h"
#include "hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void store_blobs_digest(const void *data, size_t len, blob_info *info)
{
    uint8_t sha[32], md5[16];
    hash_sha256(data, len, sha);
    hash_md5(data, len, md5);
    hash_hex(sha, 32, info->sha256);
    hash_hex(md5, 16, info->md5);
    info->size = (int64_t)len;
    info->crc32c = hash_crc32c(0, data, len);
}

st_result store_blobs_put(const void *data, size_t len, blob_info *info)
{
    store_blobs_digest(data, len, info);
    return store_blobs_put_digested(data, len, info);
}

st_result store_blobs_put_digested(const void *data, size_t len, const blob_info *info)
{
    sqlite3_stmt *st = db_stmt("INSERT OR IGNORE INTO blobs(sha256, size, crc32c, md5, bytes, created_at)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, info->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, info->size);
    sqlite3_bind_int64(st, 3, info->crc32c);
    sqlite3_bind_text(st, 4, info->md5, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 5, len ? data : "", len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_blobs_info(const char *sha256, blob_info *info)
{
    sqlite3_stmt *st = db_stmt("SELECT size, crc32c, md5 FROM blobs WHERE sha256=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK) {
        snprintf(info->sha256, sizeof info->sha256, "%s", sha256);
        info->size = sqlite3_column_int64(st, 0);
        info->crc32c = (uint32_t)sqlite3_column_int64(st, 1);
        snprintf(info->md5, sizeof info->md5, "%s", (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_reset(st);
    return r;
}

static st_result rowid_of(const char *sha256, sqlite3_int64 *rowid)
{
    sqlite3_stmt *st = db_stmt("SELECT rowid FROM blobs WHERE sha256=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        *rowid = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return r;
}

st_result store_blobs_read(const char *sha256, int64_t offset, size_t len, void *buf)
{
    sqlite3_int64 rowid = 0;
    st_result r = rowid_of(sha256, &rowid);
    if (r != ST_OK)
        return r;
    sqlite3_blob *b = NULL;
    int rc = sqlite3_blob_open(db_conn(), "main", "blobs", "bytes", rowid, 0, &b);
    if (rc != SQLITE_OK)
        return db_result(rc);
    if (offset < 0 || offset + (int64_t)len > sqlite3_blob_bytes(b)) {
        sqlite3_blob_close(b);
        return ST_INVALID;
    }
    rc = len ? sqlite3_blob_read(b, buf, (int)len, (int)offset) : SQLITE_OK;
    sqlite3_blob_close(b);
    return db_result(rc);
}

st_result store_blobs_load(const char *sha256, unsigned char **data, size_t *len)
{
    blob_info info;
    *data = NULL;
    *len = 0;
    st_result r = store_blobs_info(sha256, &info);
    if (r != ST_OK)
        return r;
    unsigned char *buf = malloc(info.size ? (size_t)info.size : 1);
    if (!buf)
        return ST_ERROR;
    r = store_blobs_read(sha256, 0, (size_t)info.size, buf);
    if (r != ST_OK) {
        free(buf);
        return r;
    }
    *data = buf;
    *len = (size_t)info.size;
    return ST_OK;
}
