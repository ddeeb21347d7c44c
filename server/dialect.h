/* dialect.h — what differs per dialect at the edge: its name, how a key is read
 * from the request, and the shape of its error body. One table, indexed by
 * vs_dialect; the HTTP layer and the control plane both read it. */
#ifndef VS_DIALECT_H
#define VS_DIALECT_H
#include "request.h"

const char *dialect_name(vs_dialect d);
/* Builds the error body for res (err_status, err_code, err_message, err_details)
 * in the dialect's shape; never NULL. */
json_t *dialect_error_body(vs_dialect d, const vs_response *res);
/* Authenticates req for its route's dialect: sets req->workspace_id, or fails res
 * (401 unknown key, 403 organization mismatch) and returns -1. */
int dialect_authenticate(vs_request *req, vs_response *res);
/* Admin key check for the control plane (no-op when no admin key is configured). */
void dialect_set_admin_key(const char *key);
#endif
