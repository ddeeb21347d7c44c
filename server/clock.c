/* clock.c — virtual time. In real mode now = wall clock + offset; in frozen mode
 * now = the frozen instant. Mode and both numbers change together under one mutex
 * so readers never see a torn state. Called from every thread. */
#include "clock.h"

#include <pthread.h>
#include <time.h>

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_frozen = 0;
static int64_t g_offset_ms = 0;
static int64_t g_frozen_ms = 0;

int64_t clock_real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t now_locked(void) { return g_frozen ? g_frozen_ms : clock_real_ms() + g_offset_ms; }

int64_t clock_now_ms(void)
{
    pthread_mutex_lock(&g_lock);
    int64_t now = now_locked();
    pthread_mutex_unlock(&g_lock);
    return now;
}

int clock_is_frozen(void)
{
    pthread_mutex_lock(&g_lock);
    int f = g_frozen;
    pthread_mutex_unlock(&g_lock);
    return f;
}

void clock_freeze(int64_t now_ms)
{
    pthread_mutex_lock(&g_lock);
    g_frozen_ms = now_ms >= 0 ? now_ms : now_locked();
    g_frozen = 1;
    pthread_mutex_unlock(&g_lock);
}

void clock_run(int64_t now_ms)
{
    pthread_mutex_lock(&g_lock);
    int64_t start = now_ms >= 0 ? now_ms : now_locked();
    g_offset_ms = start - clock_real_ms();
    g_frozen = 0;
    pthread_mutex_unlock(&g_lock);
}

void clock_advance(int64_t ms)
{
    if (ms <= 0)
        return;
    pthread_mutex_lock(&g_lock);
    if (g_frozen)
        g_frozen_ms += ms;
    else
        g_offset_ms += ms;
    pthread_mutex_unlock(&g_lock);
}

void clock_reset(void)
{
    pthread_mutex_lock(&g_lock);
    g_frozen = 0;
    g_offset_ms = 0;
    pthread_mutex_unlock(&g_lock);
}
