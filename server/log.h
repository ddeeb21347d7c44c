/* log.h — diagnostics and the access log, one line each, to stderr.
 * Thread-safe (each line is a single write). Format is text or JSON (--log-format). */
#ifndef VS_LOG_H
#define VS_LOG_H
#include <stdint.h>

typedef enum { LOG_TEXT = 0, LOG_JSON } log_format;

void log_configure(log_format fmt, int quiet);
void log_error(const char *area, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_info(const char *area, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_access(const char *request_id, const char *method, const char *path, int status,
                const char *dialect, const char *workspace, double duration_ms, uint64_t bytes_in);
#endif
