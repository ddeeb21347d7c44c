/* vi_common.c — the pieces every Vi resource file shares: path segment
 * resolution, ResourceMetadata / ResourceCondition / page builders, and the
 * client's query conventions. Invariant: every integer goes out as a JSON
 * integer and every dataset id as "{org}_{ds}". Request threads only; no state.
 */
#include "vi.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int vi_org_of(const vs_request *req, vs_response *res, char org[VS_ORG_LEN])
{
    const char *path_org = vs_param(req, "org");
    org[0] = 0;
    if (path_org) {
        snprintf(org, VS_ORG_LEN, "%s", path_org);
        return 0;
    }
    ws_row w;
    ws_keys k;
    st_result r = store_workspaces_get(req->workspace_id, &w, &k);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Organization");
    snprintf(org, VS_ORG_LEN, "%s", k.vi_org);
    return 0;
}

vi_type vi_type_of(const char *core_type)
{
    if (core_type && strcmp(core_type, "vqa") == 0)
        return VI_TYPE_VQA;
    if (core_type && strcmp(core_type, "freeform") == 0)
        return VI_TYPE_FREEFORM;
    return VI_TYPE_PHRASE_GROUNDING;
}

const char *vi_type_name(vi_type t)
{
    return t == VI_TYPE_VQA ? "vqa" : t == VI_TYPE_FREEFORM ? "freeform" : "phrase-grounding";
}

int vi_dataset_resolve(const vs_request *req, vs_response *res, vi_dataset_ref *out)
{
    memset(out, 0, sizeof *out);
    const char *org = vs_param(req, "org");
    const char *seg = vs_param(req, "ds");
    if (!org || !seg)
        return vs_fail(res, 404, "not_found", "Dataset not found");
    const char *id = seg;
    const char *us = strrchr(seg, '_');
    if (us) {
        /* The org part must be exactly the path's org; ids never contain '_'. */
        size_t n = (size_t)(us - seg);
        if (n != strlen(org) || strncmp(seg, org, n) != 0)
            return vs_fail(res, 404, "not_found", "Dataset '%.80s' not found", seg);
        id = us + 1;
    }
    if (!*id || strlen(id) >= sizeof out->ds.id)
        return vs_fail(res, 404, "not_found", "Dataset '%.80s' not found", seg);
    st_result r = store_datasets_get(req->workspace_id, id, &out->ds);
    if (r != ST_OK)
        return r == ST_NOT_FOUND ? vs_fail(res, 404, "not_found", "Dataset '%.80s' not found", seg)
                                 : vs_fail_store(res, r, "Dataset");
    snprintf(out->org, sizeof out->org, "%s", org);
    snprintf(out->segment, sizeof out->segment, "%s_%s", org, out->ds.id);
    out->type = vi_type_of(out->ds.type);
    return 0;
}

void vi_dataset_ref_free(vi_dataset_ref *r) { dataset_row_free(&r->ds); }

json_t *vi_metadata(int64_t created, int64_t updated, int64_t generation, json_t *attributes)
{
    return json_pack("{s:I,s:I,s:I,s:o}", "timeCreated", (json_int_t)created, "lastUpdated", (json_int_t)updated,
                     "generation", (json_int_t)generation, "attributes", attributes ? attributes : json_object());
}

json_t *vi_condition(const char *name, const char *status, int64_t at, const char *reason, const char *message)
{
    json_t *c = json_pack("{s:s,s:s,s:I}", "condition", name, "status", status, "lastTransitionTime", (json_int_t)at);
    if (reason)
        json_object_set_new(c, "reason", json_string(reason));
    if (message)
        json_object_set_new(c, "message", json_string(message));
    return c;
}

json_t *vi_page(json_t *items, const char *next)
{
    return json_pack("{s:o,s:o,s:n}", "items", items, "nextPage", next ? json_string(next) : json_null(), "prevPage");
}

json_t *vi_link(const vi_dataset_ref *d, const char *suffix_fmt, ...)
{
    char suffix[512];
    va_list ap;
    va_start(ap, suffix_fmt);
    vsnprintf(suffix, sizeof suffix, suffix_fmt, ap);
    va_end(ap);
    char link[768];
    snprintf(link, sizeof link, "/workspaces/%s/datasets/%s%s", d->org, d->segment, suffix);
    return json_string(link);
}

json_t *vi_etag(int64_t generation)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)generation);
    return json_string(buf);
}

/* A decimal in [min, max], the whole string. */
static int parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s || strlen(s) > 18)
        return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    long long v = strtoll(s, NULL, 10);
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int vi_query_page(const vs_request *req, vs_response *res, int64_t *size, int64_t *offset)
{
    return vi_page_params(res, vs_query(req, "pageSize"), vs_query(req, "pageToken"), size, offset);
}

int vi_page_params(vs_response *res, const char *ps, const char *pt, int64_t *size, int64_t *offset)
{
    *size = 10;
    *offset = 0;
    if (ps && parse_int(ps, 1, 1000, size) != 0)
        return vs_fail(res, 400, "validation_error", "Query parameter 'pageSize' must be an integer from 1 to 1000");
    if (pt && *pt && parse_int(pt, 0, INT64_MAX / 2, offset) != 0)
        return vs_fail(res, 400, "validation_error", "Query parameter 'pageToken' is not a token this server issued");
    return 0;
}

const char *vi_policy_canonical(const char *s)
{
    if (!s)
        return NULL;
    if (strcasecmp(s, "Warn") == 0)
        return "Warn";
    if (strcasecmp(s, "RejectFile") == 0 || strcasecmp(s, "REJECT_FILE") == 0)
        return "RejectFile";
    if (strcasecmp(s, "RejectSession") == 0 || strcasecmp(s, "REJECT_SESSION") == 0)
        return "RejectSession";
    return NULL;
}

int vi_id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 255)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '_' && c != '-')
            return 0;
    }
    return 1;
}
