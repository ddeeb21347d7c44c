/* store.h — result codes shared by every store_* function, and the mapping rules.
 * A store function never returns a half-applied write: multi-statement writes run
 * inside db_begin()/db_commit() and roll back on any failure.
 */
#ifndef VS_STORE_H
#define VS_STORE_H

typedef enum {
    ST_OK = 0,
    ST_NOT_FOUND,   /* -> 404 */
    ST_CONFLICT,    /* unique/foreign-key violation -> 409 */
    ST_INVALID,     /* check constraint or bad value -> 400 */
    ST_BUSY,        /* busy_timeout expired -> 503 + Retry-After */
    ST_ERROR        /* anything else -> 500 */
} st_result;

const char *store_result_name(st_result r);
#endif
