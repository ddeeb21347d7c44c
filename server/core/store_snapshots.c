/* store_snapshots.c — snapshot files and the reset baseline.
 *
 * A snapshot is a SQLite file in the snapshot directory named by the hex of its
 * name (so no request text ever becomes a path); its mtime records the virtual
 * time of capture. Copies run with sqlite3_backup_step(-1), one call, holding the
 * destination's write lock: readers on other connections keep reading the old
 * contents until the copy commits. After a restore the schema is migrated (an old
 * snapshot may predate this build). Operations are serialised by one mutex.
 */
#include "store_snapshots.h"
#include "store_workspaces.h"
#include "../clock.h"
#include "../db.h"
#include "../log.h"
#include "../migrate.h"
#include "hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static char g_dir[4096];
static int g_ephemeral;
static sqlite3 *g_baseline;

int store_snapshots_init(const char *dir, int ephemeral)
{
    snprintf(g_dir, sizeof g_dir, "%s", dir);
    g_ephemeral = ephemeral;
    if (mkdir(g_dir, 0700) != 0 && errno != EEXIST) {
        log_error("snapshots", "cannot create %s: %s", g_dir, strerror(errno));
        return -1;
    }
    return 0;
}

int store_snapshots_valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
            return 0;
    }
    return 1;
}

static void file_for(const char *name, char *out, size_t cap)
{
    char hex[140];
    hash_hex((const uint8_t *)name, strlen(name), hex);
    snprintf(out, cap, "%s/%s.snap", g_dir, hex);
}

static int name_from_file(const char *file, char *out, size_t cap)
{
    size_t n = strlen(file);
    if (n < 6 || strcmp(file + n - 5, ".snap") != 0)
        return -1;
    size_t hexlen = n - 5;
    if (hexlen % 2 || hexlen / 2 >= cap)
        return -1;
    for (size_t i = 0; i < hexlen / 2; i++) {
        unsigned v;
        if (sscanf(file + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (char)v;
    }
    out[hexlen / 2] = 0;
    return store_snapshots_valid_name(out) ? 0 : -1;
}

/* Copies all of src into dst (both "main"). */
static st_result copy_db(sqlite3 *dst, sqlite3 *src)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        log_error("snapshots", "backup init: %s", sqlite3_errmsg(dst));
        return db_result(sqlite3_errcode(dst));
    }
    int rc = sqlite3_backup_step(b, -1);
    int fin = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        log_error("snapshots", "backup step: %s", sqlite3_errstr(rc));
        return db_result(rc);
    }
    return db_result(fin);
}

static void fill_info(const char *name, const char *path, snapshot_info *out)
{
    struct stat sb;
    snprintf(out->name, sizeof out->name, "%s", name);
    out->created_at = 0;
    out->bytes = 0;
    if (stat(path, &sb) == 0) {
        out->created_at = (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000;
        out->bytes = sb.st_size;
    }
}

st_result store_snapshots_save(const char *name, snapshot_info *out)
{
    char path[4400], tmp[4420];
    st_result r = ST_ERROR;
    sqlite3 *dst = NULL;
    file_for(name, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.partial", path);
    pthread_mutex_lock(&g_lock);
    if (access(path, F_OK) == 0) {
        r = ST_CONFLICT;
        goto out;
    }
    unlink(tmp);
    if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        goto out;
    if ((r = copy_db(dst, db_conn())) != ST_OK)
        goto out;
    /* A snapshot is one self-contained file: fold any WAL back in. */
    sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    sqlite3_close_v2(dst);
    dst = NULL;
    int64_t now = clock_now_ms();
    struct timespec times[2] = {{now / 1000, (now % 1000) * 1000000L}, {now / 1000, (now % 1000) * 1000000L}};
    utimensat(AT_FDCWD, tmp, times, 0);
    if (rename(tmp, path) != 0) {
        r = ST_ERROR;
        goto out;
    }
    fill_info(name, path, out);
    r = ST_OK;
out:
    if (dst)
        sqlite3_close_v2(dst);
    if (r != ST_OK)
        unlink(tmp);
    pthread_mutex_unlock(&g_lock);
    return r;
}

st_result store_snapshots_list(void (*cb)(const snapshot_info *, void *), void *arg)
{
    pthread_mutex_lock(&g_lock);
    DIR *d = opendir(g_dir);
    if (!d) {
        pthread_mutex_unlock(&g_lock);
        return ST_ERROR;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char name[65], path[4400];
        if (name_from_file(e->d_name, name, sizeof name) != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", g_dir, e->d_name);
        snapshot_info info;
        fill_info(name, path, &info);
        cb(&info, arg);
    }
    closedir(d);
    pthread_mutex_unlock(&g_lock);
    return ST_OK;
}

st_result store_snapshots_restore(const char *name)
{
    char path[4400];
    sqlite3 *src = NULL;
    st_result r = ST_NOT_FOUND;
    file_for(name, path, sizeof path);
    pthread_mutex_lock(&g_lock);
    if (access(path, R_OK) != 0)
        goto out;
    r = ST_ERROR;
    if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        goto out;
    if ((r = copy_db(db_conn(), src)) != ST_OK)
        goto out;
    r = migrate_apply(db_conn()) == 0 ? ST_OK : ST_ERROR;
out:
    if (src)
        sqlite3_close_v2(src);
    store_keys_forget();
    pthread_mutex_unlock(&g_lock);
    return r;
}

st_result store_snapshots_delete(const char *name)
{
    char path[4400];
    file_for(name, path, sizeof path);
    pthread_mutex_lock(&g_lock);
    int rc = unlink(path);
    pthread_mutex_unlock(&g_lock);
    return rc == 0 ? ST_OK : ST_NOT_FOUND;
}

st_result store_baseline_capture(void)
{
    pthread_mutex_lock(&g_lock);
    st_result r = ST_ERROR;
    if (!g_baseline && sqlite3_open(":memory:", &g_baseline) != SQLITE_OK)
        goto out;
    r = copy_db(g_baseline, db_conn());
out:
    pthread_mutex_unlock(&g_lock);
    return r;
}

st_result store_baseline_restore(void)
{
    pthread_mutex_lock(&g_lock);
    st_result r = g_baseline ? copy_db(db_conn(), g_baseline) : ST_ERROR;
    store_keys_forget();
    pthread_mutex_unlock(&g_lock);
    return r;
}

void store_snapshots_shutdown(void)
{
    pthread_mutex_lock(&g_lock);
    if (g_baseline) {
        sqlite3_close_v2(g_baseline);
        g_baseline = NULL;
    }
    if (g_ephemeral && g_dir[0]) {
        DIR *d = opendir(g_dir);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            char path[4400];
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", g_dir, e->d_name);
            unlink(path);
        }
        if (d)
            closedir(d);
        rmdir(g_dir);
    }
    pthread_mutex_unlock(&g_lock);
}
