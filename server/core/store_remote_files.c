/* store_remote_files.c — SQL for remote_files, and URL resolution.
 *
 * A registration is one row pointing at a content-addressed blob; replacing it
 * is an upsert inside one transaction with the blob write, so a reader sees the
 * old bytes or the new ones, never a row without bytes. Resolution order: an
 * exact registered URL first (so a test can stand a file in for any address),
 * then a server-issued transfer URL recognised by its path
 * (/_blob/<dialect>/<token>[/<name>]) whatever host it names, since clients
 * reach this server under many names (localhost, 127.0.0.1, a container name).
 * An expired transfer resolves to nothing, as it would over HTTP. Any thread.
 */
#include "store_remote_files.h"
#include "../clock.h"
#include "../db.h"
#include "store_blobs.h"
#include "store_transfers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

st_result store_remote_files_put(const char *url, const char *content_type, const void *data, size_t len)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    blob_info info;
    if ((r = store_blobs_put(data, len, &info)) != ST_OK)
        goto fail;
    sqlite3_stmt *st = db_stmt("INSERT INTO remote_files(url, content_type, blob_sha256, created_at)"
                               " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(url) DO UPDATE SET"
                               " content_type=excluded.content_type, blob_sha256=excluded.blob_sha256,"
                               " created_at=excluded.created_at");
    if (!st) {
        r = ST_ERROR;
        goto fail;
    }
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, content_type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, info.sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, clock_now_ms());
    if ((r = db_exec_stmt(st)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

st_result store_remote_files_list(void (*cb)(const remote_file_row *, void *), void *arg)
{
    sqlite3_stmt *st = db_stmt("SELECT r.url, r.content_type, b.size, r.blob_sha256, r.created_at FROM remote_files r"
                               " JOIN blobs b ON b.sha256=r.blob_sha256 ORDER BY r.created_at, r.rowid");
    if (!st)
        return ST_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        remote_file_row f;
        memset(&f, 0, sizeof f);
        f.url = (const char *)sqlite3_column_text(st, 0);
        f.content_type = (const char *)sqlite3_column_text(st, 1);
        f.bytes = sqlite3_column_int64(st, 2);
        snprintf(f.blob_sha256, sizeof f.blob_sha256, "%s", (const char *)sqlite3_column_text(st, 3));
        f.created_at = sqlite3_column_int64(st, 4);
        cb(&f, arg);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ST_OK : db_result(rc);
}

st_result store_remote_files_delete(const char *url)
{
    sqlite3_stmt *st = db_stmt("DELETE FROM remote_files WHERE ?1 IS NULL OR url=?1");
    if (!st)
        return ST_ERROR;
    db_bind_text(st, 1, url);
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && url && sqlite3_changes(db_conn()) == 0)
        return ST_NOT_FOUND;
    return r;
}

static st_result registered(const char *url, char sha_out[65], char *content_type)
{
    sqlite3_stmt *st = db_stmt("SELECT blob_sha256, content_type FROM remote_files WHERE url=?1");
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    st_result r = rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOT_FOUND : db_result(rc);
    if (rc == SQLITE_ROW) {
        snprintf(sha_out, 65, "%s", (const char *)sqlite3_column_text(st, 0));
        if (content_type)
            snprintf(content_type, 128, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_reset(st);
    return r;
}

/* Copies the segment starting at *p (up to '/', '?', '#' or the end) into out;
 * advances *p past it. 0 when it fits and is non-empty. */
static int segment(const char **p, char *out, size_t cap)
{
    size_t n = strcspn(*p, "/?#");
    if (n == 0 || n >= cap)
        return -1;
    memcpy(out, *p, n);
    out[n] = 0;
    *p += n;
    return 0;
}

/* "<scheme>://<authority>/_blob/<dialect>/<token>[/...]" → dialect, token. */
static int blob_url_parts(const char *url, char dialect[16], char token[49])
{
    const char *p = strstr(url, "://");
    if (!p)
        return -1;
    p += 3;
    p += strcspn(p, "/?#");
    if (strncmp(p, "/_blob/", 7) != 0)
        return -1;
    p += 7;
    if (segment(&p, dialect, 16) != 0 || *p != '/')
        return -1;
    p++;
    if (segment(&p, token, 49) != 0 || strlen(token) != 48)
        return -1;
    return *p == 0 || *p == '/' || *p == '?' || *p == '#' ? 0 : -1;
}

st_result store_remote_files_fetch(const char *url, unsigned char **data, size_t *len, char *content_type)
{
    char sha[65] = "";
    *data = NULL;
    *len = 0;
    st_result r = registered(url, sha, content_type);
    if (r == ST_NOT_FOUND) {
        char dialect[16], token[49];
        transfer_row t;
        if (blob_url_parts(url, dialect, token) != 0)
            return ST_NOT_FOUND;
        if ((r = store_transfers_get(dialect, token, &t)) != ST_OK)
            return r;
        if (!t.blob_sha256[0] || clock_now_ms() > t.expires_at)
            return ST_NOT_FOUND;
        snprintf(sha, sizeof sha, "%s", t.blob_sha256);
        if (content_type)
            snprintf(content_type, 128, "%s", t.content_type);
    } else if (r != ST_OK) {
        return r;
    }
    return store_blobs_load(sha, data, len);
}
