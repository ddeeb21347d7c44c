/* http.h — starts and stops the HTTP front end (libmicrohttpd, epoll, thread pool). */
#ifndef VS_HTTP_H
#define VS_HTTP_H
/* port 0 picks a free port (see http_port). 0 on success. */
int http_start(const char *bind_addr, int port, int threads);
int http_port(void);
/* Stops accepting, waits up to grace_ms for requests in flight, then stops. */
void http_stop(int grace_ms);
#endif
