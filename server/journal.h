/* journal.h — a bounded, in-memory ring of recent requests, with filters and a
 * blocking wait-for. Thread-safe. */
#ifndef VS_JOURNAL_H
#define VS_JOURNAL_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *dialect, *workspace, *method, *path, *route, *request_id;
    int status;
    double duration_ms;
    const unsigned char *request_body;
    size_t request_len;
    const char *request_type;   /* Content-Type of the request */
    const char *response_body;  /* JSON text or NULL */
    size_t response_len;
} journal_entry;

/* capacity entries; bodies over body_cap bytes are recorded by size only. */
void journal_init(size_t capacity, size_t body_cap);
void journal_shutdown(void);
void journal_record(const journal_entry *e);

typedef struct {
    const char *dialect, *workspace, *route; /* route: a path pattern, or NULL */
    int status;                              /* 0 = any */
    int64_t since;                           /* only entries with id > since */
} journal_filter;

/* Newest first, at most limit. */
json_t *journal_query(const journal_filter *f, int limit);
/* Blocks until an entry matching f arrives (or exists), up to timeout_ms;
 * returns it, or NULL on timeout. */
json_t *journal_wait(const journal_filter *f, int timeout_ms);
void journal_clear(void);
#endif
