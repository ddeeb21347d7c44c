/* store_xim_rows.c — generic row mapping for the Ximilar stores (see header).
 * Keeping the column → JSON rule in one place lets each store file hold only
 * its SQL, and keeps the wire names next to the SELECT that produces them. The
 * runners below bind the usual (workspace, key) parameters and step a
 * statement the caller prepared from its own SQL literal, so the statement
 * cache stays keyed by that literal. */
#include "store_xim_rows.h"
#include "clock.h"
#include "core/store_transfers.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XIM_NEVER_EXPIRES (INT64_MAX / 4)

static int ends_with(const char *s, const char *suffix, size_t *base_len)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n <= m || strcmp(s + n - m, suffix) != 0)
        return 0;
    *base_len = n - m;
    return 1;
}

json_t *store_xim_rows_object(sqlite3_stmt *st)
{
    json_t *obj = json_object();
    int n = sqlite3_column_count(st);
    for (int c = 0; c < n; c++) {
        const char *name = sqlite3_column_name(st, c);
        char key[96];
        size_t base = 0;
        json_t *v = NULL;
        int type = sqlite3_column_type(st, c);
        if (ends_with(name, "__json", &base)) {
            if (type != SQLITE_NULL) {
                const char *text = (const char *)sqlite3_column_text(st, c);
                json_error_t err;
                v = text ? json_loads(text, JSON_DECODE_ANY, &err) : NULL;
            }
            if (!v)
                v = json_null();
        } else if (ends_with(name, "__bool", &base)) {
            v = json_boolean(sqlite3_column_int64(st, c) != 0);
        } else {
            base = strlen(name);
            switch (type) {
            case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(st, c)); break;
            case SQLITE_FLOAT: v = json_real(sqlite3_column_double(st, c)); break;
            case SQLITE_NULL: v = json_null(); break;
            default: {
                const unsigned char *t = sqlite3_column_text(st, c);
                v = json_stringn(t ? (const char *)t : "", (size_t)sqlite3_column_bytes(st, c));
                if (!v)
                    v = json_null(); /* not UTF-8: never written by us */
            }
            }
        }
        if (base >= sizeof key)
            base = sizeof key - 1;
        memcpy(key, name, base);
        key[base] = 0;
        json_object_set_new(obj, key, v);
    }
    return obj;
}

st_result store_xim_rows_one(sqlite3_stmt *st, json_t **out)
{
    *out = NULL;
    int rc = sqlite3_step(st);
    st_result r = rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOT_FOUND : db_result(rc);
    if (rc == SQLITE_ROW)
        *out = store_xim_rows_object(st);
    sqlite3_reset(st);
    return r;
}

st_result store_xim_rows_all(sqlite3_stmt *st, json_t **out)
{
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, store_xim_rows_object(st));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        *out = NULL;
        return db_result(rc);
    }
    *out = arr;
    return ST_OK;
}

st_result store_xim_rows_int(sqlite3_stmt *st, int64_t *out)
{
    int rc = sqlite3_step(st);
    st_result r = rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOT_FOUND : db_result(rc);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return r;
}

int store_xim_bind_json(sqlite3_stmt *st, int idx, const json_t *v)
{
    if (!v)
        return sqlite3_bind_null(st, idx);
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text)
        return sqlite3_bind_null(st, idx);
    return sqlite3_bind_text(st, idx, text, -1, free);
}

char *store_xim_like(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *out = malloc(2 * n + 3);
    if (!out)
        return NULL;
    size_t k = 0;
    out[k++] = '%';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
            out[k++] = '\\';
        out[k++] = s[i];
    }
    out[k++] = '%';
    out[k] = 0;
    return out;
}

int store_xim_bind_tristate(sqlite3_stmt *st, int idx, int v)
{
    return v < 0 ? sqlite3_bind_null(st, idx) : sqlite3_bind_int(st, idx, v);
}

st_result store_xim_rows_change(sqlite3_stmt *st)
{
    st_result r = db_exec_stmt(st);
    if (r == ST_OK && sqlite3_changes(sqlite3_db_handle(st)) == 0)
        return ST_NOT_FOUND;
    return r;
}

static void bind_ws_key(sqlite3_stmt *st, const char *ws, const char *key)
{
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    db_bind_text(st, 2, key); /* a copy: count/page_like free theirs after the step */
}

st_result store_xim_rows_one_ws(sqlite3_stmt *st, const char *ws, const char *key, json_t **out)
{
    if (!st)
        return ST_ERROR;
    bind_ws_key(st, ws, key);
    return store_xim_rows_one(st, out);
}

st_result store_xim_rows_all_ws(sqlite3_stmt *st, const char *ws, const char *key, json_t **out)
{
    if (!st)
        return ST_ERROR;
    bind_ws_key(st, ws, key);
    return store_xim_rows_all(st, out);
}

st_result store_xim_rows_int_ws(sqlite3_stmt *st, const char *ws, const char *key, int64_t *out)
{
    if (!st)
        return ST_ERROR;
    bind_ws_key(st, ws, key);
    return store_xim_rows_int(st, out);
}

st_result store_xim_rows_change_ws(sqlite3_stmt *st, const char *ws, const char *key)
{
    if (!st)
        return ST_ERROR;
    bind_ws_key(st, ws, key);
    return store_xim_rows_change(st);
}

st_result store_xim_rows_page_ws(sqlite3_stmt *st, const char *ws, const char *key, int64_t limit, int64_t offset,
                                 json_t **out)
{
    if (!st)
        return ST_ERROR;
    bind_ws_key(st, ws, key);
    sqlite3_bind_int64(st, 3, limit);
    sqlite3_bind_int64(st, 4, offset);
    return store_xim_rows_all(st, out);
}

st_result store_xim_rows_count_like(sqlite3_stmt *st, const char *ws, const char *search, int64_t *out)
{
    if (!st)
        return ST_ERROR;
    char *like = store_xim_like(search);
    st_result r = store_xim_rows_int_ws(st, ws, like, out);
    free(like);
    return r;
}

st_result store_xim_rows_page_like(sqlite3_stmt *st, const char *ws, const char *search, int64_t limit,
                                   int64_t offset, json_t **out)
{
    if (!st)
        return ST_ERROR;
    char *like = store_xim_like(search);
    st_result r = store_xim_rows_page_ws(st, ws, like, limit, offset, out);
    free(like);
    return r;
}

st_result store_xim_rows_text_ws(sqlite3_stmt *st, const char *ws, const char *key, char *out, size_t cap)
{
    if (!st)
        return ST_ERROR;
    bind_ws_key(st, ws, key);
    st_result r = db_step_row(st);
    if (r == ST_OK)
        db_col_copy(st, 0, out, cap);
    sqlite3_reset(st);
    return r;
}

st_result store_xim_rows_download(const char *ws, const char *sha, const char *mime, int64_t size,
                                  const char *filename, const char *purpose, const char *owner, char token_out[49])
{
    transfer_row t;
    memset(&t, 0, sizeof t);
    snprintf(t.workspace_id, sizeof t.workspace_id, "%s", ws);
    snprintf(t.dialect, sizeof t.dialect, "ximilar");
    snprintf(t.direction, sizeof t.direction, "get");
    snprintf(t.filename, sizeof t.filename, "%s", filename);
    snprintf(t.content_type, sizeof t.content_type, "%s", mime);
    t.max_bytes = size;
    t.expected_size = -1;
    snprintf(t.blob_sha256, sizeof t.blob_sha256, "%s", sha);
    snprintf(t.purpose, sizeof t.purpose, "%s", purpose);
    snprintf(t.owner_ref, sizeof t.owner_ref, "%s", owner);
    t.expires_at = XIM_NEVER_EXPIRES;
    st_result r = store_transfers_create(&t);
    if (r == ST_OK)
        snprintf(token_out, 49, "%s", t.token);
    return r;
}

st_result store_xim_rows_delete_ws(sqlite3_stmt *tr, sqlite3_stmt *st, const char *ws, const char *key)
{
    st_result r = db_begin();
    if (r != ST_OK)
        return r;
    if (!tr || !st) {
        r = ST_ERROR;
        goto fail;
    }
    bind_ws_key(tr, ws, key);
    bind_ws_key(st, ws, key);
    if ((r = db_exec_stmt(tr)) != ST_OK || (r = store_xim_rows_change(st)) != ST_OK)
        goto fail;
    return db_commit();
fail:
    db_rollback();
    return r;
}

static void bind_pair(sqlite3_stmt *st, const char *ws, const char *a, const char *b)
{
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
}

st_result store_xim_rows_link(sqlite3_stmt *check, sqlite3_stmt *st, const char *ws, const char *a, const char *b)
{
    if (!st || !check)
        return ST_ERROR;
    int64_t found = 0;
    bind_pair(check, ws, a, b);
    st_result r = store_xim_rows_int(check, &found);
    if (r != ST_OK)
        return r;
    if (found != 2)
        return ST_NOT_FOUND;
    bind_pair(st, ws, a, b);
    sqlite3_bind_int64(st, 4, clock_now_ms());
    return db_exec_stmt(st);
}

st_result store_xim_rows_unlink(sqlite3_stmt *st, const char *ws, const char *a, const char *b)
{
    if (!st)
        return ST_ERROR;
    bind_pair(st, ws, a, b);
    return store_xim_rows_change(st);
}

st_result store_xim_rows_pick(sqlite3_stmt *st, const char *ws, const char *task, int64_t version, json_t **out)
{
    if (!st)
        return ST_ERROR;
    sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, task, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, version);
    st_result r = store_xim_rows_one(st, out);
    if (r == ST_OK && version > 0 && json_integer_value(json_object_get(*out, "version")) != version) {
        json_decref(*out);
        *out = NULL;
        return ST_NOT_FOUND;
    }
    return r;
}

int store_xim_rows_exist_ws(sqlite3_stmt *st, const char *ws, const char *key)
{
    if (!st)
        return 0;
    bind_ws_key(st, ws, key);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return found;
}
