/* ids.c — UUIDs, tokens and hex secrets.
 *
 * Unseeded (the normal case) UUIDs are time-ordered version 7 ids and secret
 * characters come from getrandom(). After ids_set_seed() every call draws
 * from one splitmix64 stream instead, so a test run or a --id-seed run hands out
 * the same identifiers in the same order. The seed flag and the stream live under
 * one mutex because request threads, the admin thread and startup code all mint
 * identifiers concurrently; with several threads the order in which they draw is
 * of course only as repeatable as their scheduling.
 */
#include "core/ids.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <uuid/uuid.h>

static pthread_mutex_t ids_lock = PTHREAD_MUTEX_INITIALIZER;
static bool ids_seeded;     /* guarded by ids_lock */
static uint64_t ids_state;  /* guarded by ids_lock */
static uint64_t ids_counter; /* guarded by ids_lock: seeded UUIDs' time part */

void ids_set_seed(uint64_t seed)
{
    pthread_mutex_lock(&ids_lock);
    ids_seeded = true;
    ids_state = seed;
    ids_counter = 0;
    pthread_mutex_unlock(&ids_lock);
}

/* splitmix64: tiny, passes BigCrush, and every seed (including 0) is usable,
 * which matters because the seed comes straight from a command-line flag. */
static uint64_t ids_splitmix_next(void)
{
    uint64_t z = (ids_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Kernel randomness for secrets. There is no error return in the API and a
 * predictable fallback would silently weaken tokens, so failure is fatal. */
static void ids_getrandom(uint8_t *buf, size_t n)
{
    while (n > 0) {
        ssize_t got = getrandom(buf, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            perror("ids: getrandom");
            abort();
        }
        buf += got;
        n -= (size_t)got;
    }
}

/* Fills buf from the seeded stream and returns true, or returns false when no
 * seed is set so that the caller uses its unseeded source. Checking the flag and
 * drawing under one lock keeps a concurrent ids_set_seed from splitting a value. */
static bool ids_seeded_fill(uint8_t *buf, size_t n)
{
    bool seeded;

    pthread_mutex_lock(&ids_lock);
    seeded = ids_seeded;
    if (seeded) {
        for (size_t i = 0; i < n; i += 8) {
            uint64_t v = ids_splitmix_next();
            for (size_t j = 0; j < 8 && i + j < n; j++)
                buf[i + j] = (uint8_t)(v >> (8 * j));
        }
    }
    pthread_mutex_unlock(&ids_lock);
    return seeded;
}

static void ids_fill(uint8_t *buf, size_t n)
{
    if (!ids_seeded_fill(buf, n))
        ids_getrandom(buf, n);
}

/* Ids are not secrets, so their random part comes from a per-thread generator
 * seeded once from the kernel: no system call per id on bulk imports. */
static uint64_t ids_thread_random(void)
{
    static __thread uint64_t state;
    static __thread bool ready;
    if (!ready) {
        ids_getrandom((uint8_t *)&state, sizeof state);
        ready = true;
    }
    uint64_t z = (state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t ids_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The next unseeded (milliseconds << 12 | sequence) value: at least the current
 * time, and strictly greater than every value handed out before. RFC 9562
 * §6.2 method 1: a 12-bit counter in rand_a keeps ids made in the same
 * millisecond in the order they were made (a list sorted by id is then the
 * creation order, across threads too); when the counter runs out it carries into
 * the time part, which runs a little ahead until the clock catches up. */
static uint64_t ids_next_stamp(void)
{
    static _Atomic uint64_t last;
    uint64_t now = ids_now_ms() << 12;
    uint64_t prev = atomic_load_explicit(&last, memory_order_relaxed);
    uint64_t next;
    do {
        next = now > prev ? now : prev + 1;
    } while (!atomic_compare_exchange_weak_explicit(&last, &prev, next,
                                                    memory_order_relaxed,
                                                    memory_order_relaxed));
    return next;
}

/* UUID version 7 (RFC 9562): 48 bits of milliseconds, a 12-bit sequence, then
 * random bits. Ids made close in time sort together, so the primary-key B-trees
 * of bulk inserts grow at one end instead of splitting pages all over (several
 * times faster for imports). Seeded runs replace the time with a counter from
 * the seeded stream, so they stay repeatable. (Debian 12's libuuid predates its
 * own v7 generator; it formats the bytes.) */
void ids_uuid(char out[37])
{
    uuid_t u;
    uint64_t stamp, seq, r1, r2;

    pthread_mutex_lock(&ids_lock);
    bool seeded = ids_seeded;
    if (seeded) {
        stamp = ++ids_counter;
        r1 = ids_splitmix_next();
        seq = (r1 & 0xf00) | (r1 & 0xff); /* the bits seeded ids always used */
        r2 = ids_splitmix_next();
    }
    pthread_mutex_unlock(&ids_lock);
    if (!seeded) {
        uint64_t next = ids_next_stamp();
        stamp = next >> 12;
        seq = next;
        r1 = ids_thread_random();
        r2 = ids_thread_random();
    }
    for (int i = 0; i < 6; i++)
        u[i] = (uint8_t)(stamp >> (40 - 8 * i));
    u[6] = (uint8_t)(0x70 | ((seq >> 8) & 0x0f));
    u[7] = (uint8_t)seq;
    u[8] = (uint8_t)(0x80 | ((r1 >> 16) & 0x3f));
    for (int i = 9; i < 16; i++)
        u[i] = (uint8_t)(r2 >> (8 * (i - 9)));
    uuid_unparse_lower(u, out);
}

/* Draws random bytes in batches and maps them onto alphabet by rejection, so
 * every character is equally likely; limit is the largest multiple of the
 * alphabet size that fits in a byte. */
static void ids_random_chars(char *out, size_t n, const char *alphabet, unsigned size)
{
    unsigned limit = 256 / size * size;
    uint8_t pool[64];
    size_t used = sizeof pool;
    size_t o = 0;

    while (o < n) {
        if (used == sizeof pool) {
            ids_fill(pool, sizeof pool);
            used = 0;
        }
        uint8_t b = pool[used++];
        if (b < limit)
            out[o++] = alphabet[b % size];
    }
    out[n] = '\0';
}

void ids_token(char *out, size_t n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    ids_random_chars(out, n, alphabet, sizeof alphabet - 1);
}

void ids_hex(char *out, size_t n)
{
    static const char alphabet[] = "0123456789abcdef";
    ids_random_chars(out, n, alphabet, sizeof alphabet - 1);
}
