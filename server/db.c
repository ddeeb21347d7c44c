/* db.c — connections, the per-connection statement cache and transactions.
 *
 * Each thread owns one connection, opened lazily from the path given to db_init
 * and closed by a pthread key destructor when the thread exits (libmicrohttpd's
 * pool threads, the worker). Statements are cached per connection in a small
 * open-addressing table keyed by the address of the SQL literal. A connection is
 * never shared, so nothing here needs a lock except the global path. ":memory:"
 * maps to a private temporary file so that every thread sees the same store and
 * WAL still applies; it is unlinked at shutdown.
 */
#include "db.h"
#include "migrate.h"
#include "log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Several hundred distinct statements exist across the dialects; the table stays
 * well under half full so probes are short. */
#define STMT_CACHE_SLOTS 4096

typedef struct {
    const char *sql;
    sqlite3_stmt *stmt;
} stmt_slot;

typedef struct {
    sqlite3 *db;
    uint64_t serial; /* db_conn_serial() */
    int depth; /* open db_begin() levels: 1 = BEGIN IMMEDIATE, deeper = savepoints */
    stmt_slot slots[STMT_CACHE_SLOTS];
} thread_conn; /* heap-allocated: 64 KiB of slots */

static char g_path[4096];
static char g_temp_path[4096]; /* set when the store is a private temp file */
static int g_busy_timeout_ms = 5000;
static pthread_key_t g_key;
static atomic_uint_fast64_t g_serial;
static pthread_once_t g_key_once = PTHREAD_ONCE_INIT;

static void conn_free(void *p)
{
    thread_conn *tc = p;
    if (!tc)
        return;
    for (int i = 0; i < STMT_CACHE_SLOTS; i++)
        if (tc->slots[i].stmt)
            sqlite3_finalize(tc->slots[i].stmt);
    sqlite3_close_v2(tc->db);
    free(tc);
}

static void key_create(void) { pthread_key_create(&g_key, conn_free); }

static sqlite3 *conn_open(void)
{
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(g_path, &db, flags, NULL) != SQLITE_OK) {
        log_error("db", "cannot open %s: %s", g_path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close_v2(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, g_busy_timeout_ms);
    sqlite3_extended_result_codes(db, 1);
    char *err = NULL;
    if (sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL;"
                     "PRAGMA synchronous=NORMAL;"
                     "PRAGMA foreign_keys=ON;"
                     "PRAGMA temp_store=MEMORY;"
                     "PRAGMA cache_size=-16000;",
                     NULL, NULL, &err) != SQLITE_OK) {
        log_error("db", "pragmas failed: %s", err ? err : "?");
        sqlite3_free(err);
        sqlite3_close_v2(db);
        return NULL;
    }
    return db;
}

static thread_conn *conn_get(void)
{
    pthread_once(&g_key_once, key_create);
    thread_conn *tc = pthread_getspecific(g_key);
    if (tc)
        return tc;
    tc = calloc(1, sizeof *tc);
    if (!tc)
        return NULL;
    tc->db = conn_open();
    if (!tc->db) {
        free(tc);
        return NULL;
    }
    tc->serial = atomic_fetch_add(&g_serial, 1) + 1;
    pthread_setspecific(g_key, tc);
    return tc;
}

sqlite3 *db_conn(void)
{
    thread_conn *tc = conn_get();
    return tc ? tc->db : NULL;
}

void db_thread_close(void)
{
    pthread_once(&g_key_once, key_create);
    thread_conn *tc = pthread_getspecific(g_key);
    if (tc) {
        pthread_setspecific(g_key, NULL);
        conn_free(tc);
    }
}

int db_init(const char *path, int busy_timeout_ms)
{
    /* No allocator statistics: they take a global mutex on every allocation. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    g_busy_timeout_ms = busy_timeout_ms > 0 ? busy_timeout_ms : 5000;
    if (strcmp(path, ":memory:") == 0) {
        const char *dir = getenv("TMPDIR");
        snprintf(g_temp_path, sizeof g_temp_path, "%s/visionstack-XXXXXX", dir && *dir ? dir : "/tmp");
        int fd = mkstemp(g_temp_path);
        if (fd < 0) {
            log_error("db", "cannot create a temporary store in %s", g_temp_path);
            g_temp_path[0] = 0;
            return -1;
        }
        close(fd);
        snprintf(g_path, sizeof g_path, "%s", g_temp_path);
    } else {
        if (strlen(path) >= sizeof g_path)
            return -1;
        snprintf(g_path, sizeof g_path, "%s", path);
    }
    sqlite3 *db = db_conn();
    if (!db)
        return -1;
    return migrate_apply(db);
}

static void unlink_temp(void)
{
    if (!g_temp_path[0])
        return;
    static const char *suffixes[] = {"", "-wal", "-shm"};
    char p[4200];
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(p, sizeof p, "%s%s", g_temp_path, suffixes[i]);
        unlink(p);
    }
    g_temp_path[0] = 0;
}

void db_shutdown(void)
{
    db_thread_close();
    unlink_temp();
}

const char *db_path(void) { return g_path; }

sqlite3_stmt *db_stmt(const char *sql)
{
    thread_conn *tc = conn_get();
    if (!tc)
        return NULL;
    uintptr_t h = (uintptr_t)sql;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(h >> 20) % STMT_CACHE_SLOTS;
    for (size_t probe = 0; probe < STMT_CACHE_SLOTS; probe++, i = (i + 1) % STMT_CACHE_SLOTS) {
        stmt_slot *s = &tc->slots[i];
        if (s->sql == sql) {
            sqlite3_reset(s->stmt);
            sqlite3_clear_bindings(s->stmt);
            return s->stmt;
        }
        if (!s->sql) {
            sqlite3_stmt *st = NULL;
            if (sqlite3_prepare_v3(tc->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
                log_error("db", "prepare failed: %s: %.120s", sqlite3_errmsg(tc->db), sql);
                return NULL;
            }
            s->sql = sql;
            s->stmt = st;
            return st;
        }
    }
    log_error("db", "statement cache full");
    return NULL;
}

int db_data_version(uint32_t *out)
{
    sqlite3 *db = db_conn();
    unsigned int v = 0;
    if (!db || sqlite3_file_control(db, "main", SQLITE_FCNTL_DATA_VERSION, &v) != SQLITE_OK)
        return -1;
    *out = v;
    return 0;
}

uint64_t db_conn_serial(void)
{
    thread_conn *tc = conn_get();
    return tc ? tc->serial : 0;
}

int64_t db_size_bytes(void)
{
    sqlite3_stmt *st = db_stmt("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
    int64_t n = 0;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    if (st)
        sqlite3_reset(st);
    return n;
}

st_result db_result(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return ST_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ST_BUSY;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_CHECK || rc == SQLITE_CONSTRAINT_NOTNULL)
            return ST_INVALID;
        return ST_CONFLICT;
    default:
        return ST_ERROR;
    }
}

static st_result exec_simple(const char *sql)
{
    sqlite3 *db = db_conn();
    if (!db)
        return ST_ERROR;
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
        log_error("db", "%s: %s", sql, sqlite3_errmsg(db));
    return db_result(rc);
}

/* Nested begins become savepoints, so a store function that writes several rows
 * can run on its own or inside a caller's larger transaction unchanged. */
st_result db_begin(void)
{
    thread_conn *tc = conn_get();
    if (!tc)
        return ST_ERROR;
    char sql[32];
    if (tc->depth == 0)
        snprintf(sql, sizeof sql, "BEGIN IMMEDIATE");
    else
        snprintf(sql, sizeof sql, "SAVEPOINT vs%d", tc->depth);
    st_result r = exec_simple(sql);
    if (r == ST_OK)
        tc->depth++;
    return r;
}

st_result db_commit(void)
{
    thread_conn *tc = conn_get();
    if (!tc || tc->depth == 0)
        return ST_ERROR;
    char sql[32];
    if (tc->depth == 1)
        snprintf(sql, sizeof sql, "COMMIT");
    else
        snprintf(sql, sizeof sql, "RELEASE vs%d", tc->depth - 1);
    st_result r = exec_simple(sql);
    if (r != ST_OK) {
        db_rollback();
        return r;
    }
    tc->depth--;
    return ST_OK;
}

void db_rollback(void)
{
    thread_conn *tc = conn_get();
    if (!tc)
        return;
    if (tc->depth <= 1) {
        if (!sqlite3_get_autocommit(tc->db))
            sqlite3_exec(tc->db, "ROLLBACK", NULL, NULL, NULL);
        tc->depth = 0;
        return;
    }
    char sql[64];
    tc->depth--;
    snprintf(sql, sizeof sql, "ROLLBACK TO vs%d; RELEASE vs%d", tc->depth, tc->depth);
    sqlite3_exec(tc->db, sql, NULL, NULL, NULL);
}

int db_reclaim_transaction(void)
{
    pthread_once(&g_key_once, key_create);
    thread_conn *tc = pthread_getspecific(g_key);
    if (!tc || (tc->depth == 0 && sqlite3_get_autocommit(tc->db)))
        return 0;
    if (!sqlite3_get_autocommit(tc->db))
        sqlite3_exec(tc->db, "ROLLBACK", NULL, NULL, NULL);
    tc->depth = 0;
    return 1;
}

int db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (!s)
        return sqlite3_bind_null(st, idx);
    return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

st_result db_exec_stmt(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    st_result r = db_result(rc);
    if (r == ST_ERROR)
        log_error("db", "step failed: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
    sqlite3_reset(st);
    return r;
}

void db_col_copy(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

st_result db_step_row(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    return rc == SQLITE_ROW ? ST_OK : rc == SQLITE_DONE ? ST_NOT_FOUND : db_result(rc);
}

st_result db_row(sqlite3_stmt *st, void (*read)(sqlite3_stmt *, void *), void *out)
{
    st_result r = db_step_row(st);
    if (r == ST_OK)
        read(st, out);
    sqlite3_reset(st);
    return r;
}

char *db_col_strdup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? strdup((const char *)t) : NULL;
}

const char *store_result_name(st_result r)
{
    static const char *names[] = {"ok", "not_found", "conflict", "invalid", "busy", "error"};
    return (unsigned)r < sizeof names / sizeof *names ? names[r] : "error";
}
