/* clock.h — the one clock every timestamp, expiry and job delay reads.
 * Real time by default; frozen at an instant, set, or advanced through the
 * control plane. Thread-safe. Times are epoch milliseconds. */
#ifndef VS_CLOCK_H
#define VS_CLOCK_H
#include <stdint.h>

int64_t clock_now_ms(void);
/* 1 when frozen. */
int clock_is_frozen(void);
/* Freeze at now_ms (or at the current virtual time when now_ms < 0). */
void clock_freeze(int64_t now_ms);
/* Run in real time from now_ms (or from the current virtual time when now_ms < 0). */
void clock_run(int64_t now_ms);
/* Moves the virtual time forward by ms (>= 0) in either mode. */
void clock_advance(int64_t ms);
/* Back to plain real time. */
void clock_reset(void);
/* Wall-clock milliseconds, never virtual: for durations and logs only. */
int64_t clock_real_ms(void);
#endif
