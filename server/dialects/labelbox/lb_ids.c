/* lb_ids.c — cuid-like ids, derived ids, colours and the DateTime format.
 * Derived ids hash their inputs (SHA-256), so a workspace's organisation and
 * user ids never change and never need a table. Any thread. */
#include "lb_ids.h"
#include "core/hash.h"
#include "core/ids.h"
#include "clock.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void lb_ids_cuid(char out[26])
{
    out[0] = 'c';
    ids_hex(out + 1, 24);
}

void lb_ids_sequential_uuid(char out[37])
{
    /* time (ms) then a process-wide counter: unique and increasing without a
     * random draw (a bulk import makes 100,000s of these) */
    static atomic_ullong seq;
    unsigned long long n = atomic_fetch_add(&seq, 1);
    unsigned long long t = (unsigned long long)clock_real_ms() & 0xffffffffffffull;
    snprintf(out, 37, "%08llx-%04llx-7%03llx-%04llx-%012llx", t >> 16, t & 0xffff, (n >> 60) & 0xf,
             0x8000 | ((n >> 48) & 0xfff), n & 0xffffffffffffull);
}

void lb_ids_derived(const char *kind, const char *key, char out[26])
{
    char buf[512];
    uint8_t sha[32];
    char hex[65];
    int n = snprintf(buf, sizeof buf, "%s:%s", kind, key);
    hash_sha256(buf, n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1, sha);
    hash_hex(sha, 32, hex);
    out[0] = 'c';
    memcpy(out + 1, hex, 24);
    out[25] = 0;
}

void lb_ids_color(const char *name, char out[8])
{
    uint8_t sha[32];
    hash_sha256(name, strlen(name), sha);
    /* keep colours away from black so masks drawn with them stay visible */
    snprintf(out, 8, "#%02x%02x%02x", sha[0] | 0x20, sha[1] | 0x20, sha[2] | 0x20);
}

int lb_ids_plausible(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
            return 0;
    return 1;
}

void lb_ids_time(int64_t ms, char out[32])
{
    time_t secs = (time_t)(ms / 1000);
    int frac = (int)(ms % 1000);
    if (frac < 0) {
        frac += 1000;
        secs--;
    }
    struct tm tm;
    gmtime_r(&secs, &tm);
    char tmp[96]; /* roomy: the compiler cannot bound tm's fields */
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    snprintf(out, 32, "%.31s", tmp);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int lb_ids_parse_time(const char *s, int64_t *ms)
{
    int y, mo, d, h, mi, sec, used = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 || used != 19)
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970)
        return -1;
    const char *p = s + used;
    int frac = 0;
    if (*p == '.') {
        p++;
        int digits = 0;
        while (isdigit((unsigned char)*p)) {
            if (digits < 3)
                frac = frac * 10 + (*p - '0');
            digits++;
            p++;
        }
        if (digits == 0)
            return -1;
        while (digits < 3) {
            frac *= 10;
            digits++;
        }
    }
    if (strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0 && *p)
        return -1;
    *ms = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400) + h * 3600 + mi * 60 + sec) * 1000 + frac;
    return 0;
}
