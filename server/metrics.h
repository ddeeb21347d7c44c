/* metrics.h — request counters and latency histograms for /metrics. Thread-safe. */
#ifndef VS_METRICS_H
#define VS_METRICS_H
#include "router.h"

/* r may be NULL (no route matched). */
void metrics_observe(const route *r, vs_dialect dialect, int status, double duration_ms);
/* Prometheus text exposition (malloc'd). */
char *metrics_render(void);
#endif
