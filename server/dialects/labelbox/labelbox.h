/* labelbox.h — what the rest of the server sees of the Labelbox dialect: the
 * GraphQL route handler (POST /graphql and /_gql), its body cap, the operations
 * it serves (coverage), and the durable job steps it registers. */
#ifndef VS_LABELBOX_H
#define VS_LABELBOX_H
#include <stddef.h>
#include "request.h"
#include "worker.h"

/* Largest multipart GraphQL request (NDJSON imports, file uploads). */
#define LB_UPLOAD_CAP (256u * 1024u * 1024u)

int lb_graphql(vs_request *req, vs_response *res);
/* JSON requests keep the default 1 MiB cap; multipart ones get LB_UPLOAD_CAP. */
size_t lb_graphql_cap(const vs_request *req);
/* The operation names the dispatcher serves (static, NULL-terminated). */
const char *const *lb_graphql_operations(void);

/* Job types: data-row ingestion and annotation imports. */
step_outcome lb_ingest_step(job_ctx *ctx);
step_outcome lb_import_step(job_ctx *ctx);
#endif
