/* check.h — a header-only assertion helper for the C unit tests.
 *
 * Checks never abort: a failing check prints file:line and the values involved,
 * bumps a counter and lets the test continue, so one run reports every broken
 * expectation. main() ends with `return check_exit();`. Each test binary is a
 * single translation unit on a single thread, hence the plain static counters.
 */
#ifndef VS_CHECK_H
#define VS_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_total;

static inline int check_report(int ok, const char *file, int line, const char *expr)
{
    check_total++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expr);
    }
    return ok;
}

/* Prints a summary; the result is the process exit status. */
static inline int check_exit(void)
{
    fprintf(stderr, "%d checks, %d failed\n", check_total, check_failures);
    return check_failures != 0;
}

#define CHECK(cond) check_report((cond) ? 1 : 0, __FILE__, __LINE__, #cond)

#define CHECK_EQ_INT(a, b)                                                            \
    do {                                                                              \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);               \
        if (!check_report(check_a_ == check_b_, __FILE__, __LINE__, #a " == " #b))   \
            fprintf(stderr, "    left:  %lld (0x%llx)\n    right: %lld (0x%llx)\n",  \
                    check_a_, (unsigned long long)check_a_, check_b_,                 \
                    (unsigned long long)check_b_);                                    \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                            \
    do {                                                                              \
        const char *check_a_ = (a), *check_b_ = (b);                                  \
        int check_ok_ = check_a_ != NULL && check_b_ != NULL &&                       \
                        strcmp(check_a_, check_b_) == 0;                              \
        if (!check_report(check_ok_, __FILE__, __LINE__, #a " == " #b))               \
            fprintf(stderr, "    left:  \"%s\"\n    right: \"%s\"\n",                 \
                    check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");  \
    } while (0)

#define CHECK_EQ_MEM(a, b, n)                                                         \
    check_report(memcmp((a), (b), (n)) == 0, __FILE__, __LINE__,                      \
                 "memcmp(" #a ", " #b ", " #n ") == 0")

#endif
