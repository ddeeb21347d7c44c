/* store_xim_rows.h — row ↔ JSON plumbing shared by the Ximilar stores.
 *
 * A SELECT's columns become the keys of a JSON object: INTEGER → integer, REAL →
 * real, TEXT → string, NULL → null. A column aliased "<key>__json" holds JSON
 * text and is parsed (any value; unparsable text gives null); "<key>__bool"
 * becomes true/false. Only store files include this header (it includes
 * sqlite3.h). Returned JSON is owned by the caller. Any thread (per-thread
 * connections). */
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
#endif
