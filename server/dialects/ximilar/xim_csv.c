/* xim_csv.c — an RFC 4180 CSV checker for rendered VLM results.
 *
 * Records end with CRLF, LF or CR; fields are separated by ','. A field that
 * starts with '"' is quoted: inside it '""' stands for a quote and line breaks
 * are data; the closing quote must be followed by ',', a line break or the end.
 * An unquoted field may not contain '"'. Every record must have as many fields
 * as the first one. Empty lines are skipped (as Python's csv reader does) and a
 * final line break does not start a record. Errors read "line L, column C:
 * message". Pure; any thread.
 */
#include "xim_formats.h"

#include <stdarg.h>
#include <stdio.h>

static int csv_fail(const char *s, size_t at, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int csv_fail(const char *s, size_t at, char *err, size_t errlen, const char *fmt, ...)
{
    int line = 1;
    size_t ls = 0;
    for (size_t k = 0; k < at; k++)
        if (s[k] == '\n' || (s[k] == '\r' && (k + 1 >= at || s[k + 1] != '\n'))) {
            line++;
            ls = k + 1;
        }
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (err && errlen)
        snprintf(err, errlen, "line %d, column %zu: %s", line, at - ls + 1, msg);
    return -1;
}

int xim_csv_validate(const char *s, size_t n, char *err, size_t errlen)
{
    size_t i = 0;
    long expected = -1, record = 0;
    if (err && errlen)
        err[0] = 0;
    while (i < n) {
        if (s[i] == '\n' || s[i] == '\r') { /* empty line */
            i += (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
            continue;
        }
        size_t record_start = i;
        long fields = 0;
        for (;;) {
            fields++;
            if (i < n && s[i] == '"') {
                size_t open = i++;
                for (;;) {
                    if (i >= n)
                        return csv_fail(s, open, err, errlen, "unterminated quoted field");
                    if (s[i] == '"') {
                        if (i + 1 < n && s[i + 1] == '"') {
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    i++;
                }
                if (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r')
                    return csv_fail(s, i, err, errlen, "unexpected character after a closing quote");
            } else {
                while (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
                    if (s[i] == '"')
                        return csv_fail(s, i, err, errlen, "a quote inside an unquoted field");
                    i++;
                }
            }
            if (i < n && s[i] == ',') {
                i++;
                continue;
            }
            break;
        }
        record++;
        if (expected < 0)
            expected = fields;
        else if (fields != expected)
            return csv_fail(s, record_start, err, errlen, "record %ld has %ld field%s, expected %ld", record, fields,
                            fields == 1 ? "" : "s", expected);
        if (i < n)
            i += (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
    }
    return 0;
}
