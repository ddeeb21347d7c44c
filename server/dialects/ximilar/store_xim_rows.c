/* store_xim_rows.c — generic row mapping for the Ximilar stores (see header).
 * Keeping the column → JSON rule in one place lets each store file hold only
 * its SQL, and keeps the wire names next to the SELECT that produces them. */
#include "store_xim_rows.h"
#include "db.h"

#include <stdlib.h>
#include <string.h>

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
