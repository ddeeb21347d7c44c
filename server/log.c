/* log.c — one line per event on stderr, text or JSON. Lines are assembled in a
 * stack buffer and written with one write(2) so concurrent threads never
 * interleave inside a line. Callers must not log secrets; the access log carries
 * the path only (never the query, which may hold tokens) and no headers. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static log_format g_format = LOG_TEXT;
static int g_quiet_access = 0;

void log_configure(log_format fmt, int quiet)
{
    g_format = fmt;
    g_quiet_access = quiet;
}

static void timestamp(char *out, size_t n)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t k = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + k, n - k, ".%03ldZ", ts.tv_nsec / 1000000);
}

/* Appends s to buf as a JSON string body (without quotes). */
static size_t json_escape(char *buf, size_t cap, const char *s)
{
    size_t k = 0;
    for (; *s && k + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf[k++] = '\\';
            buf[k++] = (char)c;
        } else if (c < 0x20) {
            k += (size_t)snprintf(buf + k, cap - k, "\\u%04x", c);
        } else {
            buf[k++] = (char)c;
        }
    }
    buf[k] = 0;
    return k;
}

static void emit(const char *line, size_t len)
{
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}

__attribute__((format(printf, 3, 0))) static void vlog(const char *level, const char *area, const char *fmt, va_list ap)
{
    char msg[1024], esc[2200], ts[40], line[2600];
    vsnprintf(msg, sizeof msg, fmt, ap);
    timestamp(ts, sizeof ts);
    int n;
    if (g_format == LOG_JSON) {
        json_escape(esc, sizeof esc, msg);
        n = snprintf(line, sizeof line, "{\"ts\":\"%s\",\"level\":\"%s\",\"area\":\"%s\",\"msg\":\"%s\"}\n",
                     ts, level, area, esc);
    } else {
        n = snprintf(line, sizeof line, "%s %s [%s] %s\n", ts, level, area, msg);
    }
    if (n > 0)
        emit(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void log_error(const char *area, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("error", area, fmt, ap);
    va_end(ap);
}

void log_info(const char *area, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("info", area, fmt, ap);
    va_end(ap);
}

void log_access(const char *request_id, const char *method, const char *path, int status,
                const char *dialect, const char *workspace, double duration_ms, uint64_t bytes_in)
{
    if (g_quiet_access)
        return;
    char ts[40], esc[1100], line[1600];
    timestamp(ts, sizeof ts);
    int n;
    if (g_format == LOG_JSON) {
        json_escape(esc, sizeof esc, path);
        n = snprintf(line, sizeof line,
                     "{\"ts\":\"%s\",\"type\":\"access\",\"requestId\":\"%s\",\"method\":\"%s\",\"path\":\"%s\","
                     "\"status\":%d,\"dialect\":\"%s\",\"workspace\":\"%s\",\"durationMs\":%.3f,\"bytesIn\":%llu}\n",
                     ts, request_id, method, esc, status, dialect, workspace ? workspace : "", duration_ms,
                     (unsigned long long)bytes_in);
    } else {
        n = snprintf(line, sizeof line, "%s access %s %s %s %d %s %s %.3fms %lluB\n", ts, request_id, method,
                     path, status, dialect, workspace && *workspace ? workspace : "-", duration_ms,
                     (unsigned long long)bytes_in);
    }
    if (n > 0)
        emit(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}
