/* admin_remote_files.c — /_emulator/remote-files: the bytes served in place of an
 * outside URL (DESIGN.md, fixed contract). PUT registers or replaces one URL,
 * GET lists them, DELETE forgets all of them (or one, with ?url=). The resolution
 * itself lives in core/store_remote_files.c, where every dialect reaches it.
 * HTTP pool threads. */
#include "admin.h"
#include "../core/hash.h"
#include "../core/image.h"
#include "../core/store_remote_files.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Base64 of the largest file one registration may carry (the route's JSON cap
 * leaves room for it). */
#define REMOTE_FILE_MAX_BYTES (64u * 1024u * 1024u)

/* "scheme://rest": a letter, then letters, digits, '+', '-' or '.'. */
static int url_ok(const char *url)
{
    const char *sep = strstr(url, "://");
    if (!sep || sep == url || !isalpha((unsigned char)url[0]) || !sep[3])
        return 0;
    for (const char *p = url; p < sep; p++)
        if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.')
            return 0;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ')
            return 0;
    return 1;
}

static int media_type_ok(const char *t)
{
    const char *slash = strchr(t, '/');
    if (!slash || slash == t || !slash[1])
        return 0;
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p < ' ' || *p == 127)
            return 0;
    return 1;
}

int admin_remote_files_put(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"url", "contentType", "base64", NULL};
    const char *url = NULL, *ctype = NULL, *b64 = NULL;
    uint8_t *bytes = NULL;
    int rc = -1;
    if (vs_body_allow(req, res, allowed) || vs_body_string(req, res, "url", 1, REMOTE_FILE_URL_MAX, &url) ||
        vs_body_string(req, res, "contentType", 0, 127, &ctype) ||
        vs_body_string(req, res, "base64", 0, (size_t)REMOTE_FILE_MAX_BYTES / 3 * 4 + 4, &b64))
        goto out;
    if (!url_ok(url)) {
        vs_fail(res, 400, "validation_error", "Field 'url' must be an absolute URL (scheme://...)");
        goto out;
    }
    if (!b64) {
        vs_fail(res, 400, "validation_error", "Field 'base64' is required");
        goto out;
    }
    if (ctype && !media_type_ok(ctype)) {
        vs_fail(res, 400, "validation_error", "Field 'contentType' must be a media type such as image/png");
        goto out;
    }
    size_t n = strlen(b64);
    size_t cap = n / 4 * 3 + 3;
    bytes = malloc(cap);
    if (!bytes) {
        vs_fail(res, 500, "internal", "Out of memory");
        goto out;
    }
    long len = hash_base64_decode(b64, n, bytes, cap);
    if (len < 0) {
        vs_fail(res, 400, "validation_error", "Field 'base64' is not valid base64");
        goto out;
    }
    if (!ctype) {
        image_format f = image_sniff(bytes, (size_t)len);
        ctype = f == IMAGE_PNG ? "image/png" : f == IMAGE_JPEG ? "image/jpeg" : "application/octet-stream";
    }
    st_result r = store_remote_files_put(url, ctype, bytes, (size_t)len);
    if (r != ST_OK) {
        vs_fail_store(res, r, "Remote file");
        goto out;
    }
    rc = vs_reply_json(res, 201, json_pack("{s:s,s:s,s:I}", "url", url, "contentType", ctype, "bytes", (json_int_t)len));
out:
    free(bytes);
    return rc;
}

static void add_item(const remote_file_row *f, void *arg)
{
    json_array_append_new(arg, json_pack("{s:s,s:s,s:I}", "url", f->url, "contentType", f->content_type, "bytes",
                                         (json_int_t)f->bytes));
}

int admin_remote_files_list(vs_request *req, vs_response *res)
{
    (void)req;
    json_t *items = json_array();
    st_result r = store_remote_files_list(add_item, items);
    if (r != ST_OK) {
        json_decref(items);
        return vs_fail_store(res, r, "Remote files");
    }
    return vs_reply_json(res, 200, json_pack("{s:o}", "items", items));
}

int admin_remote_files_delete(vs_request *req, vs_response *res)
{
    const char *url = vs_query(req, "url");
    if (url && (!*url || strlen(url) > REMOTE_FILE_URL_MAX))
        return vs_fail(res, 400, "validation_error", "Query 'url' must be a URL of at most %d characters",
                       REMOTE_FILE_URL_MAX);
    st_result r = store_remote_files_delete(url);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Remote file");
    return vs_reply_empty(res, 204);
}
