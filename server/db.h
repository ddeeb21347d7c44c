/* db.h — the store's connections, cached statements and transactions.
 *
 * One SQLite connection per thread (opened lazily, closed at thread exit), WAL,
 * synchronous=NORMAL, foreign_keys=ON, busy_timeout. Statements are prepared once
 * per connection with SQLITE_PREPARE_PERSISTENT and cached by the address of their
 * SQL text, so callers pass string literals. Only db*.c and core/store_*.c include
 * sqlite3.h.
 */
#ifndef VS_DB_H
#define VS_DB_H
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include "core/store.h"

/* Opens (creating if needed) the store at path and applies migrations.
 * ":memory:" means a private temporary file removed by db_shutdown. 0 on success. */
int db_init(const char *path, int busy_timeout_ms);
void db_shutdown(void);
const char *db_path(void);

/* This thread's connection; NULL if it cannot be opened. */
sqlite3 *db_conn(void);
/* Closes this thread's connection (threads that exit call it; pool threads are
 * covered by a thread-exit destructor). */
void db_thread_close(void);

/* A reset, cached statement for this thread; NULL on error (logged). The SQL text
 * must be a string literal (its address is the cache key). */
sqlite3_stmt *db_stmt(const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK on this thread's connection. Inside an
 * open transaction they nest as savepoints (commit releases, rollback undoes
 * only the inner level). */
st_result db_begin(void);
st_result db_commit(void);
void db_rollback(void);

/* The main database's data version as this thread's connection sees it
 * (SQLITE_FCNTL_DATA_VERSION): it changes whenever any connection commits, this one
 * included (a snapshot restore too). Read it while a statement is running, so that
 * it describes the snapshot that statement reads. 0 on success. */
int db_data_version(uint32_t *out);
/* A number naming this thread's current connection, never reused in the process
 * (so that a value cached against one connection's data version is never taken for
 * another's). 0 when the connection cannot be opened. */
uint64_t db_conn_serial(void);

/* page_count * page_size of the main database (0 on error). */
int64_t db_size_bytes(void);

/* After each request: a handler must never leave a transaction open on this
 * thread's connection (the next request on the thread would run inside it).
 * Rolls back whatever is open and returns 1 when something was. */
int db_reclaim_transaction(void);

/* Maps a SQLite result code to a store result. */
st_result db_result(int rc);

/* Helpers over a prepared statement: bind text or NULL. */
int db_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* Runs a statement that returns no rows; resets it. */
st_result db_exec_stmt(sqlite3_stmt *st);
/* Copies a text column into out (cap bytes, always NUL-terminated; "" for NULL). */
void db_col_copy(sqlite3_stmt *st, int col, char *out, size_t cap);
/* Steps a single-row query: ST_OK with a row ready, ST_NOT_FOUND when there is
 * none, else the mapped error. The caller reads the row, then resets. */
st_result db_step_row(sqlite3_stmt *st);
/* Steps st once: on a row calls read(st, out); resets st. ST_OK, ST_NOT_FOUND or the error. */
st_result db_row(sqlite3_stmt *st, void (*read)(sqlite3_stmt *, void *), void *out);
/* Column as malloc'd string, NULL for SQL NULL. */
char *db_col_strdup(sqlite3_stmt *st, int col);
#endif
