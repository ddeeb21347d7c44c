/* store_xim_rows.h — row ↔ JSON plumbing shared by the Ximilar stores.
 *
 * A SELECT's columns become the keys of a JSON object: INTEGER → integer, REAL →
 * real, TEXT → string, NULL → null. A column aliased "<key>__json" holds JSON
 * text and is parsed (any value; unparsable text gives null); "<key>__bool"
 * becomes true/false. Only store files include this header (it includes
 * sqlite3.h). Returned JSON is owned by the caller. Any thread (per-thread
 * connections). The *_ws runners take the statement from db_stmt("...") at the
 * call site: the SQL stays a literal there. */
#ifndef VS_STORE_XIM_ROWS_H
#define VS_STORE_XIM_ROWS_H
#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include "core/store.h"

json_t *store_xim_rows_object(sqlite3_stmt *st);
/* Steps once: ST_OK with *out, ST_NOT_FOUND without a row. Resets st. */
st_result store_xim_rows_one(sqlite3_stmt *st, json_t **out);
/* Every row into a new array (*out). Resets st. */
st_result store_xim_rows_all(sqlite3_stmt *st, json_t **out);
/* The first column of the first row as an integer. Resets st. */
st_result store_xim_rows_int(sqlite3_stmt *st, int64_t *out);
/* Binds JSON text of v (any value), or NULL when v is NULL. */
int store_xim_bind_json(sqlite3_stmt *st, int idx, const json_t *v);
/* "%<s escaped>%" for LIKE ... ESCAPE '\' (malloc'd), or NULL when s is NULL. */
char *store_xim_like(const char *s);
/* Binds a tri-state filter: -1 = NULL (no filter), else the integer. */
int store_xim_bind_tristate(sqlite3_stmt *st, int idx, int v);
/* Runs the statement and reports whether it changed a row (ST_NOT_FOUND if not). */
st_result store_xim_rows_change(sqlite3_stmt *st);

/* Single-statement queries keyed by the workspace: each binds ws to ?1 and key
 * to ?2 (NULL binds NULL), then runs st as the function above of the same name
 * (page: ?3 LIMIT, ?4 OFFSET, every row). A NULL st (db_stmt failed) is
 * ST_ERROR. */
st_result store_xim_rows_one_ws(sqlite3_stmt *st, const char *ws, const char *key, json_t **out);
st_result store_xim_rows_all_ws(sqlite3_stmt *st, const char *ws, const char *key, json_t **out);
st_result store_xim_rows_int_ws(sqlite3_stmt *st, const char *ws, const char *key, int64_t *out);
st_result store_xim_rows_change_ws(sqlite3_stmt *st, const char *ws, const char *key);
st_result store_xim_rows_page_ws(sqlite3_stmt *st, const char *ws, const char *key, int64_t limit, int64_t offset,
                                 json_t **out);
/* The first column of the single row as text into out (cap bytes; "" for
 * NULL): ST_OK, ST_NOT_FOUND without a row. Resets st. */
st_result store_xim_rows_text_ws(sqlite3_stmt *st, const char *ws, const char *key, char *out, size_t cap);
/* Within the caller's transaction: a never-expiring "get" download of an
 * existing blob (sha, mime, size) named filename; token into token_out[49]. */
st_result store_xim_rows_download(const char *ws, const char *sha, const char *mime, int64_t size,
                                  const char *filename, const char *purpose, const char *owner, char token_out[49]);
/* In one transaction: runs tr (the owner's downloads in transfers), then st
 * (the owner's row: ST_NOT_FOUND when it changes nothing); both keyed as the
 * *_ws functions. */
st_result store_xim_rows_delete_ws(sqlite3_stmt *tr, sqlite3_stmt *st, const char *ws, const char *key);
/* Links a and b of the workspace: check (?1 ws, ?2 a, ?3 b) must count 2
 * (else ST_NOT_FOUND), then st runs with the same and ?4 = now (ms). */
st_result store_xim_rows_link(sqlite3_stmt *check, sqlite3_stmt *st, const char *ws, const char *a, const char *b);
/* st (?1 ws, ?2 a, ?3 b) must change a row (ST_NOT_FOUND if not). */
st_result store_xim_rows_unlink(sqlite3_stmt *st, const char *ws, const char *a, const char *b);
/* A task's trained model: st (?1 ws, ?2 task, ?3 version or 0) orders the
 * wanted version first; a version asked for (> 0) that is not the first row's
 * "version" is ST_NOT_FOUND. */
st_result store_xim_rows_pick(sqlite3_stmt *st, const char *ws, const char *task, int64_t version, json_t **out);
/* 1 when st (?1 ws, ?2 key) has a row, else 0 (also when st is NULL or fails). */
int store_xim_rows_exist_ws(sqlite3_stmt *st, const char *ws, const char *key);
/* The same with ?2 the LIKE pattern of search (store_xim_like; NULL = no filter). */
st_result store_xim_rows_count_like(sqlite3_stmt *st, const char *ws, const char *search, int64_t *out);
st_result store_xim_rows_page_like(sqlite3_stmt *st, const char *ws, const char *search, int64_t limit,
                                   int64_t offset, json_t **out);
#endif
