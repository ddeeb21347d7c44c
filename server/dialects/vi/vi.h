/* vi.h — what every Vi (Datature) resource file shares: resolving the `{org}` and
 * `{org}_{ds}` path segments, the common JSON pieces (ResourceMetadata,
 * ResourceCondition, pages, selfLink) and query parsing in the client's style.
 *
 * Encoding rules the helpers keep (spec §3): keys in camelCase, integers always
 * json_integer, timestamps in epoch milliseconds, `workspaceId` = the Vi
 * organization id (never the internal workspace id), dataset ids emitted as
 * "{org}_{ds}". Request threads only.
 */
#ifndef VS_VI_H
#define VS_VI_H
#include <jansson.h>
#include <stdint.h>
#include "core/store_datasets.h"
#include "core/store_workspaces.h"
#include "request.h"

/* Dataset types as Vi names them; core datasets of other types read as
 * phrase grounding. */
typedef enum { VI_TYPE_PHRASE_GROUNDING = 0, VI_TYPE_VQA, VI_TYPE_FREEFORM } vi_type;

typedef struct {
    char org[VS_ORG_LEN];       /* organization id (the `{org}` path segment) */
    char segment[VS_ORG_LEN + 40]; /* "{org}_{ds}", as emitted in datasetId */
    dataset_row ds;             /* owns its strings: free with vi_dataset_ref_free */
    vi_type type;
} vi_dataset_ref;

/* The request's organization id: the `{org}` path segment, else the key's org
 * (looked up). Writes "" and fails res when neither can be had. 0 on success. */
int vi_org_of(const vs_request *req, vs_response *res, char org[VS_ORG_LEN]);
/* Resolves `{org}` and the `{ds}` segment ("{org}_{ds}", split at the last '_',
 * or a bare id) to a dataset of the caller's workspace; 404 otherwise. */
int vi_dataset_resolve(const vs_request *req, vs_response *res, vi_dataset_ref *out);
void vi_dataset_ref_free(vi_dataset_ref *r);
vi_type vi_type_of(const char *core_type);
const char *vi_type_name(vi_type t);

/* {"timeCreated","lastUpdated","generation","attributes"}; attributes stolen
 * (NULL = {}). */
json_t *vi_metadata(int64_t created, int64_t updated, int64_t generation, json_t *attributes);
/* ResourceCondition; reason and message are omitted when NULL. */
json_t *vi_condition(const char *name, const char *status, int64_t at, const char *reason, const char *message);
/* {"items": items (stolen), "nextPage": next or null, "prevPage": null}. */
json_t *vi_page(json_t *items, const char *next);
/* "/workspaces/{org}/datasets/{org}_{ds}" + suffix (may be ""). */
json_t *vi_link(const vi_dataset_ref *d, const char *suffix_fmt, ...) __attribute__((format(printf, 2, 3)));
/* Decimal etag of a generation. */
json_t *vi_etag(int64_t generation);

/* pageSize (1..1000, default 10) and pageToken (decimal offset) as the client
 * sends them for annotations; fails res with a 400 naming the parameter. */
int vi_query_page(const vs_request *req, vs_response *res, int64_t *size, int64_t *offset);
/* The same checks on values read elsewhere (ps, pt: NULL when absent). */
int vi_page_params(vs_response *res, const char *ps, const char *pt, int64_t *size, int64_t *offset);
/* A failure policy / enum value as JSON text → canonical spelling, or NULL. */
const char *vi_policy_canonical(const char *s);
/* Ids the client may put in a path: ^[A-Za-z0-9_-]{1,255}$. */
int vi_id_ok(const char *s);
#endif
