/* test_ids.c — tests for core/ids.c. The seed is process-wide and cannot be
 * cleared, so the unseeded (libuuid/getrandom) checks run first.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/ids.h"

enum { TEST_MANY = 1000 };

static int test_is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int test_is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ */
static int test_uuid_ok(const char *u)
{
    if (strlen(u) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (u[i] != '-')
                return 0;
        } else if (!test_is_lower_hex(u[i])) {
            return 0;
        }
    }
    return u[14] == '7' && strchr("89ab", u[19]) != NULL; /* version 7, RFC variant */
}

static int test_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Mints TEST_MANY UUIDs, checks each one's shape, and counts duplicates. */
static int test_uuid_batch(void)
{
    static char ids[TEST_MANY][37];
    static char *sorted[TEST_MANY];
    int bad = 0, dups = 0;

    for (int i = 0; i < TEST_MANY; i++) {
        ids_uuid(ids[i]);
        bad += !test_uuid_ok(ids[i]);
        sorted[i] = ids[i];
    }
    CHECK_EQ_INT(bad, 0);
    if (bad)
        fprintf(stderr, "    e.g. \"%s\"\n", ids[0]);
    qsort(sorted, TEST_MANY, sizeof sorted[0], test_cmp_str);
    for (int i = 1; i < TEST_MANY; i++)
        dups += strcmp(sorted[i - 1], sorted[i]) == 0;
    return dups;
}

/* Token/hex shape: exact length, NUL, nothing written past it, right alphabet.
 * Also checks that a long draw uses the whole alphabet. */
static void test_secret_shapes(void)
{
    char buf[4100];
    int seen[256];
    int bad;

    for (size_t n = 0; n <= 70; n++) {
        memset(buf, '#', sizeof buf);
        ids_token(buf, n);
        CHECK_EQ_INT(strlen(buf), n);
        CHECK_EQ_INT(buf[n + 1], '#');
        bad = 0;
        for (size_t i = 0; i < n; i++)
            bad += !test_is_alnum(buf[i]);
        CHECK_EQ_INT(bad, 0);

        memset(buf, '#', sizeof buf);
        ids_hex(buf, n);
        CHECK_EQ_INT(strlen(buf), n);
        CHECK_EQ_INT(buf[n + 1], '#');
        bad = 0;
        for (size_t i = 0; i < n; i++)
            bad += !test_is_lower_hex(buf[i]);
        CHECK_EQ_INT(bad, 0);
    }

    memset(seen, 0, sizeof seen);
    ids_token(buf, 4096);
    for (size_t i = 0; i < 4096; i++)
        seen[(unsigned char)buf[i]]++;
    bad = 0;
    for (int c = 0; c < 256; c++)
        bad += test_is_alnum((char)c) ? seen[c] == 0 : seen[c] != 0;
    CHECK_EQ_INT(bad, 0);

    memset(seen, 0, sizeof seen);
    ids_hex(buf, 4096);
    for (size_t i = 0; i < 4096; i++)
        seen[(unsigned char)buf[i]]++;
    bad = 0;
    for (int c = 0; c < 256; c++)
        bad += test_is_lower_hex((char)c) ? seen[c] == 0 : seen[c] != 0;
    CHECK_EQ_INT(bad, 0);

    /* Two unseeded 32-character tokens colliding would mean no randomness. */
    {
        char a[33], b[33];
        ids_token(a, 32);
        ids_token(b, 32);
        CHECK(strcmp(a, b) != 0);
    }
}

typedef struct {
    char uuids[5][37];
    char tokens[3][41];
    char hexes[3][65];
} test_sequence;

static void test_draw(test_sequence *s)
{
    memset(s, 0, sizeof *s);
    ids_uuid(s->uuids[0]);
    ids_token(s->tokens[0], 40);
    ids_uuid(s->uuids[1]);
    ids_hex(s->hexes[0], 64);
    ids_uuid(s->uuids[2]);
    ids_token(s->tokens[1], 7);
    ids_hex(s->hexes[1], 1);
    ids_uuid(s->uuids[3]);
    ids_token(s->tokens[2], 0);
    ids_hex(s->hexes[2], 33);
    ids_uuid(s->uuids[4]);
}

static void *test_thread_main(void *p)
{
    char (*out)[37] = p;
    for (int i = 0; i < TEST_MANY / 4; i++)
        ids_uuid(out[i]);
    return NULL;
}

static void test_seeded(void)
{
    test_sequence a, b, c;

    ids_set_seed(42);
    test_draw(&a);
    ids_set_seed(42);
    test_draw(&b);
    CHECK_EQ_MEM(&a, &b, sizeof a);
    for (int i = 0; i < 5; i++)
        CHECK(test_uuid_ok(a.uuids[i]));
    CHECK_EQ_INT(strlen(a.tokens[0]), 40);
    CHECK_EQ_INT(strlen(a.hexes[0]), 64);
    CHECK(strcmp(a.uuids[0], a.uuids[1]) != 0);

    ids_set_seed(43);
    test_draw(&c);
    CHECK(strcmp(a.uuids[0], c.uuids[0]) != 0);
    CHECK(strcmp(a.tokens[0], c.tokens[0]) != 0);

    /* Seed 0 is a valid seed, not "unseeded". */
    ids_set_seed(0);
    test_draw(&a);
    ids_set_seed(0);
    test_draw(&b);
    CHECK_EQ_MEM(&a, &b, sizeof a);

    /* Seeded ids are still well-formed and unique, and the shapes hold. */
    ids_set_seed(7);
    CHECK_EQ_INT(test_uuid_batch(), 0);
    test_secret_shapes();

    /* Concurrent draws from the shared stream never hand out the same value. */
    {
        static char ids[TEST_MANY][37];
        static char *sorted[TEST_MANY];
        pthread_t th[4];
        int dups = 0;

        ids_set_seed(99);
        for (int t = 0; t < 4; t++)
            CHECK_EQ_INT(pthread_create(&th[t], NULL, test_thread_main,
                                        ids[t * (TEST_MANY / 4)]), 0);
        for (int t = 0; t < 4; t++)
            pthread_join(th[t], NULL);
        for (int i = 0; i < TEST_MANY; i++) {
            CHECK(test_uuid_ok(ids[i]));
            sorted[i] = ids[i];
        }
        qsort(sorted, TEST_MANY, sizeof sorted[0], test_cmp_str);
        for (int i = 1; i < TEST_MANY; i++)
            dups += strcmp(sorted[i - 1], sorted[i]) == 0;
        CHECK_EQ_INT(dups, 0);
    }
}

/* Unseeded ids made one after another sort in the order they were made, even
 * though thousands share a millisecond: the list endpoints order by id. */
static void test_unseeded_order(void)
{
    char prev[37], next[37];
    int out_of_order = 0;

    ids_uuid(prev);
    for (int i = 0; i < TEST_MANY; i++) {
        ids_uuid(next);
        CHECK(test_uuid_ok(next));
        out_of_order += strcmp(prev, next) >= 0;
        memcpy(prev, next, sizeof prev);
    }
    CHECK_EQ_INT(out_of_order, 0);
}

int main(void)
{
    test_unseeded_order();
    CHECK_EQ_INT(test_uuid_batch(), 0);
    test_secret_shapes();
    test_seeded();
    return check_exit();
}
