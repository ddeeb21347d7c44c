/* test_clock.c — real, frozen, set and advanced virtual time. */
#include "check.h"
#include "clock.h"

#include <unistd.h>

int main(void)
{
    int64_t real = clock_real_ms();
    int64_t now = clock_now_ms();
    CHECK(now - real < 50 && real - now < 50);
    CHECK(!clock_is_frozen());

    clock_freeze(1700000000000);
    CHECK(clock_is_frozen());
    CHECK_EQ_INT(clock_now_ms(), 1700000000000);
    usleep(20000);
    CHECK_EQ_INT(clock_now_ms(), 1700000000000);
    clock_advance(5000);
    CHECK_EQ_INT(clock_now_ms(), 1700000005000);
    clock_advance(-10); /* ignored: time never goes back by advance */
    CHECK_EQ_INT(clock_now_ms(), 1700000005000);

    clock_run(-1); /* keep running from the frozen instant */
    CHECK(!clock_is_frozen());
    usleep(20000);
    int64_t after = clock_now_ms();
    CHECK(after >= 1700000005000 + 15 && after < 1700000005000 + 1000);

    clock_advance(60000);
    CHECK(clock_now_ms() >= after + 60000);

    clock_freeze(-1); /* freeze at the current virtual time */
    int64_t f = clock_now_ms();
    CHECK(f >= after + 60000);
    CHECK_EQ_INT(clock_now_ms(), f);

    clock_reset();
    CHECK(!clock_is_frozen());
    CHECK(clock_now_ms() - clock_real_ms() < 50);
    return check_exit();
}
