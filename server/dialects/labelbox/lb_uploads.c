/* lb_uploads.c — UploadFile: the client's way to put bytes on the server (local
 * row-data files, data-row chunk files, upload manifests). The bytes become a
 * blob behind a server-issued URL that later calls name and that the server
 * resolves internally. The client's quirks are tolerated: its data-row chunks
 * arrive with filename and content type swapped, and contentLength is not the
 * byte count (the real part size is used). HTTP pool threads. */
#include "core/transfer.h"
#include "db.h"
#include "lb_files.h"
#include "lb_jobs.h"
#include "lb_ops.h"

#include <stdio.h>
#include <string.h>

static int looks_like_media_type(const char *s)
{
    const char *slash = strchr(s, '/');
    return slash && slash != s && slash[1] && !strchr(slash + 1, '/') && !strchr(s, ' ');
}

int lb_uploads_file(lb_call *c)
{
    if (!c->file)
        return lb_error(c, LB_MALFORMED, "Variable \"$file\" of type \"Upload!\" was not provided.");
    const char *filename = c->file->has_filename ? c->file->filename : "";
    const char *ctype = c->file->content_type;
    /* the swapped chunk upload: filename "application/json", type "json_import.json" */
    if (looks_like_media_type(filename) && *ctype && !looks_like_media_type(ctype)) {
        const char *t = filename;
        filename = ctype;
        ctype = t;
    }
    if (*ctype && !looks_like_media_type(ctype))
        ctype = "";
    char token[49], safe[256], url[1024];
    lb_files_safe_name(filename, safe, sizeof safe);
    st_result r = db_begin();
    if (r == ST_OK) {
        r = lb_files_publish(c->req->workspace_id, "labelbox.upload", c->file->data, c->file->len, safe, ctype, token);
        r = lb_finish_txn(r);
    }
    if (r != ST_OK)
        return lb_error_store(c, r, "Upload");
    transfer_url(c->req->host, "labelbox", token, safe, url, sizeof url);
    return lb_reply(c, "uploadFile", json_pack("{s:s,s:s}", "url", url, "filename", safe));
}
