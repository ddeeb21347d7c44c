/* lb_ids.h — Labelbox-shaped identifiers and stable derived values.
 * Ids are cuid-like ("c" + 24 lower-case hex digits) from the core id source, so
 * they follow its seed. Pure apart from that source; any thread. */
#ifndef VS_LB_IDS_H
#define VS_LB_IDS_H
#include <stddef.h>
#include <stdint.h>

/* A fresh id into out[26]. */
void lb_ids_cuid(char out[26]);
/* A UUID (version 7 layout) that sorts after every one this process made
 * before, so rows keyed by it append to their index instead of landing at
 * random places (bulk imports). */
void lb_ids_sequential_uuid(char out[37]);
/* A stable id derived from (kind, key): the same inputs always give the same id
 * (the organisation and user of a workspace). */
void lb_ids_derived(const char *kind, const char *key, char out[26]);
/* A stable "#rrggbb" colour for a feature name into out[8]. */
void lb_ids_color(const char *name, char out[8]);
/* 1 when s looks like a cuid-like or UUID id (what a data row id may be). */
int lb_ids_plausible(const char *s);
/* "YYYY-MM-DDTHH:MM:SS.fffZ" for epoch ms into out[32]. */
void lb_ids_time(int64_t ms, char out[32]);
/* Parses an ISO-8601 UTC time ("YYYY-MM-DDTHH:MM:SS[.fff][Z|+00:00]"); 0 on
 * success. */
int lb_ids_parse_time(const char *s, int64_t *ms);
#endif
