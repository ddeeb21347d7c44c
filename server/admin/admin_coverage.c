/* admin_coverage.c — which vendor operations this build serves, read from the
 * route table itself (and, for GraphQL, the dispatcher's operation list). */
#include "admin.h"
#include "../dialect.h"
#include "../routes.h"

#include <string.h>

/* Known, deliberate differences from the vendors' services. */
static const char *const deviations[] = {
    "All dialects: data never leaves the machine; outside URLs are served from /_emulator/remote-files or fail "
    "as unreachable.",
    "All dialects: time-based behaviour (expiries, job progress) follows the virtual clock.",
    "Vi: freeform datasets (Dataset.type \"freeform\") go beyond vi-sdk 0.1.0b4, which fails to decode any page of "
    "datasets that holds one; phrase-grounding and VQA datasets decode in every client (spec 13.2).",
    NULL,
};

int admin_coverage(vs_request *req, vs_response *res)
{
    (void)req;
    json_t *dialects = json_object();
    size_t n = 0;
    const route *table = routes_table(&n);
    for (size_t i = 0; i < n; i++) {
        const route *r = &table[i];
        if (r->dialect == DIALECT_ADMIN || r->dialect == DIALECT_BLOB)
            continue;
        /* The OpenAI-compatible prediction endpoints belong to the Vi platform
         * (DESIGN.md), though they render errors in their own shape. */
        const char *name = dialect_name(r->dialect);
        if (strcmp(name, "inference") == 0)
            name = "vi";
        json_t *list = json_object_get(dialects, name);
        if (!list) {
            list = json_array();
            json_object_set_new(dialects, name, list);
        }
        if (r->body == BODY_GRAPHQL)
            continue; /* operations below */
        json_array_append_new(list, json_pack("{s:s,s:s}", "method", r->method, "path", r->pattern));
    }
    const char *const *ops = routes_graphql_operations();
    json_t *ops_list = json_object_get(dialects, "labelbox");
    for (size_t i = 0; ops_list && ops[i]; i++)
        json_array_append_new(ops_list, json_pack("{s:s}", "operation", ops[i]));
    json_t *dev = json_array();
    for (size_t i = 0; deviations[i]; i++)
        json_array_append_new(dev, json_string(deviations[i]));
    return vs_reply_json(res, 200, json_pack("{s:o,s:o}", "dialects", dialects, "deviations", dev));
}
