/* http.c — the only file that speaks libmicrohttpd.
 *
 * Per request: match the route on the first callback; reject early (404, 405,
 * 413 from Content-Length, 415) before reading any body; count body bytes as they
 * arrive and stop buffering past the route's cap (413 at the end); check UTF-8,
 * parse JSON; authenticate; call the handler; render its result, or its error in
 * the route's dialect shape; echo or mint X-Request-Id; log one access line.
 *
 * Threads: libmicrohttpd's internal pool (epoll). A connection is served by one
 * pool thread, but that thread interleaves connections, so all per-request state
 * lives in the per-connection context, never in thread-local storage (the SQLite
 * connection is the exception: it is per thread and never held across callbacks).
 */
#include "http.h"
#include "clock.h"
#include "core/ids.h"
#include "core/validate.h"
#include "db.h"
#include "dialect.h"
#include "faults.h"
#include "journal.h"
#include "metrics.h"
#include "log.h"
#include "router.h"
#include "routes.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_JSON_CAP (1024 * 1024)
#define PREALLOC_MAX ((size_t)64 * 1024 * 1024)
/* libmicrohttpd (0.9.75) zeroes a connection's whole memory pool each time it
 * readies a kept-alive connection for its next request: with a 256 KiB pool that
 * memset was 12 % of the CPU of a read-by-id request (perf, bench/RESULTS.md). The
 * library's default, 32 KiB, still holds any request line and headers a client
 * sends; bodies never live in the pool (absorb_body copies them out as they come). */
#define CONNECTION_POOL_BYTES ((size_t)32 * 1024)

typedef struct {
    struct MHD_Connection *conn;
    route_match match;
    route_match_result match_result;
    vs_request req;
    vs_response res;
    unsigned char *body;
    size_t len, cap, limit;
    uint64_t received;
    size_t declared; /* Content-Length, when given and within the cap */
    int too_large;
    int responded;
    int status;
    int64_t started_ns;
    char *journal_response; /* copy of a small JSON response body for the journal */
} conn_ctx;

static size_t g_journal_body_cap = 4096;

static struct MHD_Daemon *g_daemon;
static atomic_int g_inflight;
static atomic_int g_stopping;

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const char *lookup_header(void *conn, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)conn, MHD_HEADER_KIND, name);
}

static const char *lookup_query(void *conn, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)conn, MHD_GET_ARGUMENT_KIND, name);
}

/* Sends ctx->res (success or error) and records the status. */
static enum MHD_Result send_response(conn_ctx *ctx)
{
    vs_response *res = &ctx->res;
    struct MHD_Response *mr = NULL;
    int status;
    const char *ctype = res->content_type;
    if (res->err_status) {
        json_t *body = dialect_error_body(ctx->req.dialect, res);
        char *text = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        if (text && strlen(text) <= g_journal_body_cap)
            ctx->journal_response = strdup(text);
        status = res->err_status;
        mr = MHD_create_response_from_buffer(text ? strlen(text) : 0, text, MHD_RESPMEM_MUST_FREE);
        ctype = "application/json";
    } else if (res->json) {
        char *text = json_dumps(res->json, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
        if (text && strlen(text) <= g_journal_body_cap)
            ctx->journal_response = strdup(text);
        status = res->status;
        mr = MHD_create_response_from_buffer(text ? strlen(text) : 0, text, MHD_RESPMEM_MUST_FREE);
    } else if (res->raw) {
        status = res->status;
        mr = MHD_create_response_from_buffer(res->raw_len, res->raw, MHD_RESPMEM_MUST_FREE);
        res->raw = NULL; /* now owned by libmicrohttpd */
    } else if (res->borrowed) {
        status = res->status;
        mr = MHD_create_response_from_buffer(res->raw_len, (void *)res->borrowed, MHD_RESPMEM_PERSISTENT);
    } else {
        status = res->status ? res->status : 204;
        mr = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    }
    if (!mr)
        return MHD_NO;
    if (ctype && *ctype)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(mr, "X-Request-Id", ctx->req.request_id);
    for (int i = 0; i < res->nheaders; i++)
        MHD_add_response_header(mr, res->header_names[i], res->header_values[i]);
    ctx->status = status;
    ctx->responded = 1;
    enum MHD_Result ret = MHD_queue_response(ctx->conn, (unsigned)status, mr);
    MHD_destroy_response(mr);
    return ret;
}

static enum MHD_Result reply_error(conn_ctx *ctx, int status, const char *code, const char *message)
{
    vs_fail(&ctx->res, status, code, "%s", message);
    return send_response(ctx);
}

static enum MHD_Result check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    int *ok = cls;
    if (!validate_utf8(key, strlen(key)) || (value && !validate_utf8(value, strlen(value)))) {
        *ok = 0;
        return MHD_NO;
    }
    return MHD_YES;
}

static void set_request_id(conn_ctx *ctx)
{
    const char *given = lookup_header(ctx->conn, "X-Request-Id");
    if (given && validate_token(given, sizeof ctx->req.request_id - 1))
        snprintf(ctx->req.request_id, sizeof ctx->req.request_id, "%s", given);
    else
        ids_hex(ctx->req.request_id, 32);
}

static size_t route_cap(const conn_ctx *ctx)
{
    const route *r = ctx->match.route;
    size_t cap = r->body_cap ? r->body_cap : DEFAULT_JSON_CAP;
    if (r->cap_fn) {
        size_t own = r->cap_fn(&ctx->req);
        if (own && own < cap)
            cap = own;
    }
    return cap;
}

static int content_type_ok(const route *r, const char *ctype)
{
    switch (r->body) {
    case BODY_JSON:
        return validate_media_type(ctype, "application/json");
    case BODY_GRAPHQL:
        return validate_media_type(ctype, "application/json") || validate_media_type(ctype, "multipart/form-data");
    case BODY_RAW:
    case BODY_NONE:
    default:
        return 1;
    }
}

/* The error slug a fault with this status carries. */
static const char *fault_code(int status)
{
    switch (status) {
    case 400: return "validation_error";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 409: return "conflict";
    case 429: return "rate_limited";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal" : "fault";
    }
}

/* First callback: match, and refuse what can be refused before reading a body. */
static enum MHD_Result begin_request(conn_ctx *ctx, const char *method, const char *url)
{
    vs_request *req = &ctx->req;
    req->method = method;
    req->path = url;
    req->conn = ctx->conn;
    req->header_fn = lookup_header;
    req->query_fn = lookup_query;
    const char *host = lookup_header(ctx->conn, MHD_HTTP_HEADER_HOST);
    req->host = host && *host ? host : "localhost";
    set_request_id(ctx);
    req->dialect = router_dialect_of(url);

    int utf8_ok = validate_utf8(url, strlen(url));
    if (utf8_ok)
        MHD_get_connection_values(ctx->conn, MHD_GET_ARGUMENT_KIND, check_query_arg, &utf8_ok);
    if (!utf8_ok)
        return reply_error(ctx, 400, "validation_error", "The path or query is not valid UTF-8");

    size_t nroutes = 0;
    const route *table = routes_table(&nroutes);
    ctx->match_result = router_match(table, nroutes, method, url, &ctx->match);
    if (ctx->match_result == ROUTE_NO_PATH) {
        char msg[300];
        if (req->dialect == DIALECT_ADMIN && strncmp(url, "/_emulator", 10) != 0)
            snprintf(msg, sizeof msg, "No route for %s %.200s", method, url);
        else
            snprintf(msg, sizeof msg, "Not emulated: %s %.200s", method, url);
        return reply_error(ctx, 404, req->dialect == DIALECT_ADMIN ? "not_found" : "not_emulated", msg);
    }
    if (ctx->match_result == ROUTE_BAD_METHOD) {
        vs_add_header(&ctx->res, "Allow", ctx->match.allow);
        char msg[200];
        snprintf(msg, sizeof msg, "Method %s is not allowed here; allowed: %s", method, ctx->match.allow);
        return reply_error(ctx, 405, "method_not_allowed", msg);
    }
    const route *r = ctx->match.route;
    req->route = r;
    req->dialect = r->dialect;
    req->nparams = ctx->match.nparams;
    for (int i = 0; i < ctx->match.nparams; i++) {
        req->param_names[i] = ctx->match.names[i];
        req->params[i] = ctx->match.values[i];
    }

    ctx->limit = route_cap(ctx);
    const char *clen = lookup_header(ctx->conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
    unsigned long long declared = clen ? strtoull(clen, NULL, 10) : 0;
    if (r->body != BODY_NONE && declared > ctx->limit) {
        char msg[160];
        snprintf(msg, sizeof msg, "Request body of %llu bytes exceeds the limit of %zu bytes", declared, ctx->limit);
        return reply_error(ctx, 413, "payload_too_large", msg);
    }
    ctx->declared = (size_t)declared;
    const char *ctype = lookup_header(ctx->conn, MHD_HTTP_HEADER_CONTENT_TYPE);
    const char *chunked = lookup_header(ctx->conn, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    int has_body = declared > 0 || (chunked && strstr(chunked, "chunked"));
    if (has_body && !content_type_ok(r, ctype)) {
        char msg[200];
        snprintf(msg, sizeof msg, "Unsupported Content-Type '%.100s'; expected application/json",
                 ctype ? ctype : "(none)");
        return reply_error(ctx, 415, "unsupported_media_type", msg);
    }
    return MHD_YES;
}

static void absorb_body(conn_ctx *ctx, const char *data, size_t size)
{
    ctx->received += size;
    if (ctx->too_large || ctx->match.route->body == BODY_NONE)
        return;
    if (ctx->len + size > ctx->limit) {
        ctx->too_large = 1;
        free(ctx->body);
        ctx->body = NULL;
        ctx->len = ctx->cap = 0;
        return;
    }
    if (ctx->len + size + 1 > ctx->cap) {
        /* A declared length (already checked against the cap) sizes the buffer
         * exactly, so an upload costs its size once, not up to twice; trusted only
         * up to 64 MiB before the bytes actually arrive. */
        size_t first = ctx->declared && ctx->declared < PREALLOC_MAX ? ctx->declared + 1 : 4096;
        size_t cap = ctx->cap ? ctx->cap : first;
        while (cap < ctx->len + size + 1)
            cap *= 2;
        if (cap > ctx->limit + 1)
            cap = ctx->limit + 1;
        unsigned char *grown = realloc(ctx->body, cap);
        if (!grown) {
            ctx->too_large = 1;
            return;
        }
        ctx->body = grown;
        ctx->cap = cap;
    }
    memcpy(ctx->body + ctx->len, data, size);
    ctx->len += size;
    ctx->body[ctx->len] = 0;
}

/* Last callback: validate the body, authenticate, run the handler. */
static enum MHD_Result finish_request(conn_ctx *ctx)
{
    vs_request *req = &ctx->req;
    const route *r = ctx->match.route;
    if (ctx->too_large) {
        char msg[160];
        snprintf(msg, sizeof msg, "Request body exceeds the limit of %zu bytes", ctx->limit);
        return reply_error(ctx, 413, "payload_too_large", msg);
    }
    req->body = ctx->body;
    req->body_len = ctx->len;
    int is_json = r->body == BODY_JSON ||
                  (r->body == BODY_GRAPHQL &&
                   !validate_media_type(lookup_header(ctx->conn, MHD_HTTP_HEADER_CONTENT_TYPE), "multipart/form-data"));
    if (is_json) {
        if (ctx->len == 0) {
            req->json = json_object();
        } else {
            if (!validate_utf8((const char *)ctx->body, ctx->len))
                return reply_error(ctx, 400, "validation_error", "Request body is not valid UTF-8 (or contains NUL)");
            json_error_t err;
            req->json = json_loadb((const char *)ctx->body, ctx->len, 0, &err);
            if (!req->json) {
                char msg[300];
                snprintf(msg, sizeof msg, "Malformed JSON at line %d, column %d: %s", err.line, err.column, err.text);
                vs_fail(&ctx->res, 400, "parse_error", "%s", msg);
                return send_response(ctx);
            }
            if (!json_is_object(req->json))
                return reply_error(ctx, 400, "validation_error", "Request body must be a JSON object");
        }
    }
    if (r->auth != AUTH_NONE && dialect_authenticate(req, &ctx->res) != 0)
        return send_response(ctx);
    fault_action fault;
    if (faults_apply(req->dialect, req->method, req->path, req->workspace_id, &fault)) {
        if (fault.latency_ms > 0)
            usleep((useconds_t)fault.latency_ms * 1000);
        if (fault.reset)
            return MHD_NO; /* libmicrohttpd drops the connection without an answer */
        if (fault.status) {
            char seconds[16];
            if (fault.retry_after >= 0) {
                snprintf(seconds, sizeof seconds, "%d", fault.retry_after);
                vs_add_header(&ctx->res, "Retry-After", seconds);
            }
            vs_fail(&ctx->res, fault.status, fault_code(fault.status), "Injected fault (rule %s)", fault.rule_id);
            return send_response(ctx);
        }
    }
    r->handler(req, &ctx->res);
    if (db_reclaim_transaction()) {
        log_error("http", "%s %s left a transaction open; rolled back", r->method, r->pattern);
        if (!ctx->res.err_status) {
            vs_response_free(&ctx->res);
            vs_fail(&ctx->res, 500, "internal", "Internal error: the change was not saved");
        }
    }
    return send_response(ctx);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)cls;
    (void)version;
    conn_ctx *ctx = *con_cls;
    if (!ctx) {
        if (atomic_load(&g_stopping))
            return MHD_NO;
        ctx = calloc(1, sizeof *ctx);
        if (!ctx)
            return MHD_NO;
        atomic_fetch_add(&g_inflight, 1);
        ctx->conn = connection;
        ctx->started_ns = mono_ns();
        *con_cls = ctx;
        return begin_request(ctx, method, url);
    }
    if (ctx->responded) {
        /* Already answered (early reject): discard whatever body still arrives. */
        ctx->received += *upload_data_size;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        absorb_body(ctx, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return finish_request(ctx);
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)connection;
    (void)toe;
    conn_ctx *ctx = *con_cls;
    if (!ctx)
        return;
    double ms = (double)(mono_ns() - ctx->started_ns) / 1e6;
    const vs_request *req = &ctx->req;
    log_access(req->request_id, req->method ? req->method : "-", req->path ? req->path : "-", ctx->status,
               dialect_name(req->dialect), req->workspace_id, ms, ctx->received);
    metrics_observe(ctx->match.route, req->dialect, ctx->status, ms);
    /* The journal is for traffic: vendor calls and control-plane changes, not the
     * console's and tests' polling reads of the control plane. */
    int admin_read = req->dialect == DIALECT_ADMIN && req->method &&
                     (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0);
    if (req->path && !admin_read && strncmp(req->path, "/_emulator/journal", 18) != 0) {
        journal_entry e = {
            .dialect = dialect_name(req->dialect), .workspace = req->workspace_id, .method = req->method,
            .path = req->path, .route = ctx->match.route ? ctx->match.route->pattern : NULL,
            .request_id = req->request_id, .status = ctx->status, .duration_ms = ms, .request_body = ctx->body,
            .request_len = ctx->len, .request_type = lookup_header(ctx->conn, MHD_HTTP_HEADER_CONTENT_TYPE),
            .response_body = ctx->journal_response,
            .response_len = ctx->journal_response ? strlen(ctx->journal_response) : 0,
        };
        journal_record(&e);
    }
    free(ctx->journal_response);
    json_decref(ctx->req.json);
    vs_response_free(&ctx->res);
    router_match_free(&ctx->match);
    free(ctx->body);
    free(ctx);
    *con_cls = NULL;
    atomic_fetch_sub(&g_inflight, 1);
}

int http_start(const char *bind_addr, int port, int threads, size_t journal_body_cap)
{
    atomic_store(&g_stopping, 0);
    g_journal_body_cap = journal_body_cap;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    socklen_t sl;
    if (strchr(bind_addr, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, bind_addr, &a6->sin6_addr) != 1)
            return -1;
        flags |= MHD_USE_IPv6;
        sl = sizeof *a6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, bind_addr, &a4->sin_addr) != 1)
            return -1;
        sl = sizeof *a4;
    }
    (void)sl;
    g_daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, NULL,
                                MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                                MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 0 ? threads : 4),
                                MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                                MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)300,
                                MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_POOL_BYTES,
                                MHD_OPTION_END);
    return g_daemon ? 0 : -1;
}

int http_port(void)
{
    if (!g_daemon)
        return 0;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(g_daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void http_stop(int grace_ms)
{
    if (!g_daemon)
        return;
    /* No MHD_quiesce_daemon: with a thread pool on epoll it races the pool's own
     * removal of the listen socket and aborts the process ("Failed to remove
     * listen FD from epoll set"), seen on a loaded machine. New requests are
     * refused instead (the connection is closed) while these finish. */
    atomic_store(&g_stopping, 1);
    /* Let requests already being served finish (bounded). */
    for (int waited = 0; atomic_load(&g_inflight) > 0 && waited < grace_ms; waited++)
        usleep(1000);
    MHD_stop_daemon(g_daemon);
    g_daemon = NULL;
}
