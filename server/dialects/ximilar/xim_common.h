/* xim_common.h — what every Ximilar handler shares: the workspace a call acts
 * in, ids in paths, DRF-style validation errors ({"detail", "errors"}), typed
 * body fields, query filters, timestamps and DRF page-number pagination.
 * Functions that can fail a request return -1 after filling res, so handlers
 * write `if (xim_... != 0) return -1;`. Any request thread. */
#ifndef VS_XIM_COMMON_H
#define VS_XIM_COMMON_H
#include <jansson.h>
#include <stdint.h>
#include "request.h"

#define XIM_NAME_MAX 255
#define XIM_TEXT_MAX 65536

/* The workspace of the call: query `workspace` (GET/DELETE) or body field
 * `workspace` (POST/PUT/PATCH; the query is accepted there too). Absent, "" or
 * "Default" = the key's workspace. Another workspace id answers 404 exactly like
 * an unknown one; a value that is not a UUID answers 400. */
int xim_workspace(vs_request *req, vs_response *res, char ws[37]);

int xim_is_uuid(const char *s);
/* A UUID path parameter, copied lower-case into out; anything else answers 404
 * "Not found." like DRF. */
int xim_path_id(const vs_request *req, vs_response *res, const char *name, char out[37]);

/* The workspace of the call and the path's "id" (both as above). */
int xim_workspace_id(vs_request *req, vs_response *res, char ws[37], char id[37]);
/* DELETE of the path's object through the store's del(ws, id): 204, or the
 * store failure. */
int xim_delete(vs_request *req, vs_response *res, st_result (*del)(const char *ws, const char *id));

int xim_not_found(vs_response *res);
/* 400 {"detail":"<field>: <msg>","errors":{"<field>":["<msg>"]}}. */
int xim_fail_field(vs_response *res, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* status + {"detail": msg}. */
int xim_fail(vs_response *res, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prediction-style failure: status + {"status":{"code":status,"text":msg}}. */
int xim_fail_status(vs_response *res, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Store results: 404 "Not found.", 400 conflict, 503 busy (+Retry-After), 500. */
int xim_fail_store(vs_response *res, st_result r);

/* Rejects body fields outside writable and readonly (readonly ones are
 * accepted and ignored, so a client may send back what it received). Both
 * lists are NULL-terminated; "workspace" is always allowed. */
int xim_body_check(const vs_request *req, vs_response *res, const char *const *writable, const char *const *readonly);

/* Typed body fields. Each returns 1 when the field is present (JSON null gives
 * *out NULL / *is_null 1, allowed only when nullable), 0 when absent, -1 after
 * failing res with a 400 naming the field. */
int xim_field_string(const json_t *body, vs_response *res, const char *key, int nullable, size_t max_len,
                     const char **out);
int xim_field_choice(const json_t *body, vs_response *res, const char *key, int nullable,
                     const char *const *choices, const char **out);
int xim_field_bool(const json_t *body, vs_response *res, const char *key, int *out);
int xim_field_int(const json_t *body, vs_response *res, const char *key, int nullable, int64_t min, int64_t max,
                  int64_t *out, int *is_null);
int xim_field_number(const json_t *body, vs_response *res, const char *key, int nullable, double *out,
                     int *is_null);
/* An object (borrowed). */
int xim_field_object(const json_t *body, vs_response *res, const char *key, int nullable, json_t **out);
/* A UUID string, or (for references the client may echo back) an object whose
 * "id" is one. */
int xim_field_ref(const json_t *body, vs_response *res, const char *key, int nullable, const char **out);
/* An array of UUID strings (1..max items); borrowed. */
int xim_field_id_list(const json_t *body, vs_response *res, const char *key, size_t max, json_t **out);
/* Fails with "This field is required." */
int xim_fail_required(vs_response *res, const char *field);

/* Query filters: 1 present, 0 absent, -1 failed (400 naming the parameter). */
int xim_query_bool(const vs_request *req, vs_response *res, const char *name, int *out);
int xim_query_uuid(const vs_request *req, vs_response *res, const char *name, const char **out);
int xim_query_text(const vs_request *req, vs_response *res, const char *name, size_t max_len, const char **out);
int xim_query_choice(const vs_request *req, vs_response *res, const char *name, const char *const *choices,
                     const char **out);

/* "2025-01-01T12:00:00.000000Z" (out[32]) and "2025-01-01" (out[11]). */
void xim_time_iso(int64_t ms, char out[32]);
void xim_time_date(int64_t ms, char out[11]);
/* Adds key: ISO time of ms, or null when ms <= 0. */
void xim_set_time(json_t *obj, const char *key, int64_t ms);

/* DRF page-number pagination: ?page=N (1-based), ?page_size=1..100 (default
 * 20; larger values are clamped). */
typedef struct {
    int64_t page, size, offset;
} xim_page;
int xim_page_parse(const vs_request *req, vs_response *res, xim_page *p);
/* After counting: 404 {"detail":"Invalid page."} past the last page. */
int xim_page_check(vs_response *res, xim_page *p, int64_t count);
/* Replies {"count","next","previous","results"} (results stolen). next and
 * previous are absolute URLs on the request's Host with the same path, the
 * listed query parameters (carry, NULL-terminated), page_size and workspace. */
int xim_page_reply(const vs_request *req, vs_response *res, const xim_page *p, int64_t count, json_t *results,
                   const char *ws, const char *const *carry);

/* Answers 404 (or the store failure) unless the object exists. DRF looks the
 * object up before reading the body: an unknown id is 404 even when the body
 * is also wrong. get is the store's `(ws, id, &row)` lookup. */
typedef st_result (*xim_get_fn)(const char *ws, const char *id, json_t **out);
int xim_exists(vs_response *res, xim_get_fn get, const char *ws, const char *id);

/* The wire shape of a listed row: a new reference (the row itself, increfed,
 * when it is reshaped in place). */
typedef json_t *(*xim_view_fn)(const vs_request *req, const char *ws, json_t *row);
/* After the store counted (r, count): fails res on a store error or a page
 * past the end. */
int xim_page_counted(vs_response *res, xim_page *p, st_result r, int64_t count);
/* After the store listed the page (r, rows stolen): maps every row through
 * view and replies as xim_page_reply. */
int xim_page_reply_rows(const vs_request *req, vs_response *res, const xim_page *p, int64_t count, st_result r,
                        json_t *rows, const char *ws, const char *const *carry, xim_view_fn view);
/* Replies status with view of the row get finds (req is passed to view and may
 * be NULL when view does not read it), or fails res with the store result. */
int xim_reply_get(const vs_request *req, vs_response *res, xim_get_fn get, xim_view_fn view, const char *ws,
                  const char *id, int status);
/* A whole list call filtered by one optional query parameter: filter is
 * "search" (text, name contains) or a UUID parameter such as "task"; count and
 * list are the store's queries taking it (NULL when absent). */
typedef st_result (*xim_count_fn)(const char *ws, const char *filter, int64_t *n);
typedef st_result (*xim_list_fn)(const char *ws, const char *filter, int64_t limit, int64_t offset, json_t **out);
int xim_list_filtered(vs_request *req, vs_response *res, const char *filter, xim_count_fn count, xim_list_fn list,
                      xim_view_fn view);

/* Absolute URL of a server-issued download (/_blob/ximilar/<token>/<filename>). */
void xim_blob_url(const vs_request *req, const char *token, const char *filename, char *out, size_t cap);
#endif
