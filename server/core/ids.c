/* ids.c — UUIDs, tokens and hex secrets.
 *
 * Unseeded (the normal case) UUIDs come from libuuid and secret characters from
 * getrandom(), so nothing here keeps state. After ids_set_seed() every call draws
 * from one splitmix64 stream instead, so a test run or a --id-seed run hands out
 * the same identifiers in the same order. The seed flag and the stream live under
 * one mutex because request threads, the admin thread and startup code all mint
 * identifiers concurrently; with several threads the order in which they draw is
 * of course only as repeatable as their scheduling.
 */
#include "core/ids.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <uuid/uuid.h>

static pthread_mutex_t ids_lock = PTHREAD_MUTEX_INITIALIZER;
static bool ids_seeded;     /* guarded by ids_lock */
static uint64_t ids_state;  /* guarded by ids_lock */

void ids_set_seed(uint64_t seed)
{
    pthread_mutex_lock(&ids_lock);
    ids_seeded = true;
    ids_state = seed;
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

void ids_uuid(char out[37])
{
    uuid_t u = {0};

    if (ids_seeded_fill(u, sizeof u)) {
        /* Stamp version 4 and the RFC 4122 variant so seeded ids still parse as
         * ordinary random UUIDs everywhere. */
        u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
        u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    } else {
        uuid_generate_random(u);
    }
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
