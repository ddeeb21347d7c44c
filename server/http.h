/* http.h — starts and stops the HTTP front end (libmicrohttpd, epoll, thread pool). */
#ifndef VS_HTTP_H
#define VS_HTTP_H
#include <stddef.h>
/* port 0 picks a free port (see http_port). JSON bodies up to journal_body_cap
 * bytes are kept in the request journal. 0 on success. */
int http_start(const char *bind_addr, int port, int threads, size_t journal_body_cap);
int http_port(void);
/* Stops accepting, waits up to grace_ms for requests in flight, then stops. */
void http_stop(int grace_ms);
#endif
