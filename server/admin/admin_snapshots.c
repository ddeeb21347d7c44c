/* admin_snapshots.c — named snapshots: save, list, restore in place, delete. */
#include "admin.h"
#include "../core/store_snapshots.h"
#include "../worker.h"

#include <stdlib.h>
#include <string.h>

static json_t *snapshot_json(const snapshot_info *s)
{
    return json_pack("{s:s,s:I,s:I}", "name", s->name, "createdAt", (json_int_t)s->created_at, "bytes",
                     (json_int_t)s->bytes);
}

static int check_name(const char *name, vs_response *res)
{
    if (!name || !store_snapshots_valid_name(name))
        return vs_fail(res, 400, "validation_error",
                       "Snapshot name must be 1-64 characters of letters, digits, '.', '_' or '-', "
                       "starting with a letter or digit");
    return 0;
}

int admin_snapshots_create(vs_request *req, vs_response *res)
{
    static const char *const allowed[] = {"name", NULL};
    const char *name = NULL;
    if (vs_body_allow(req, res, allowed) || vs_body_string(req, res, "name", 1, 64, &name) ||
        check_name(name, res))
        return -1;
    snapshot_info info;
    st_result r = store_snapshots_save(name, &info);
    if (r == ST_CONFLICT)
        return vs_fail(res, 409, "conflict", "Snapshot '%s' already exists", name);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Snapshot");
    return vs_reply_json(res, 201, snapshot_json(&info));
}

static void add_item(const snapshot_info *s, void *arg) { json_array_append_new(arg, snapshot_json(s)); }

static int by_name(const void *a, const void *b)
{
    return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "name")),
                  json_string_value(json_object_get(*(json_t *const *)b, "name")));
}

int admin_snapshots_list(vs_request *req, vs_response *res)
{
    (void)req;
    json_t *items = json_array();
    st_result r = store_snapshots_list(add_item, items);
    if (r != ST_OK) {
        json_decref(items);
        return vs_fail_store(res, r, "Snapshots");
    }
    /* Directory order is arbitrary; answer in name order. */
    size_t n = json_array_size(items);
    json_t **v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; v && i < n; i++)
        v[i] = json_incref(json_array_get(items, i));
    if (v) {
        qsort(v, n, sizeof *v, by_name);
        json_array_clear(items);
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, v[i]);
        free(v);
    }
    return vs_reply_json(res, 200, json_pack("{s:o}", "items", items));
}

int admin_snapshots_restore(vs_request *req, vs_response *res)
{
    const char *name = vs_param(req, "name");
    if (check_name(name, res))
        return -1;
    worker_replace_begin();
    st_result r = store_snapshots_restore(name);
    worker_replace_end();
    if (r == ST_NOT_FOUND)
        return vs_fail(res, 404, "not_found", "Snapshot '%s' not found", name);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Snapshot");
    return vs_reply_empty(res, 204);
}

int admin_snapshots_delete(vs_request *req, vs_response *res)
{
    const char *name = vs_param(req, "name");
    if (check_name(name, res))
        return -1;
    st_result r = store_snapshots_delete(name);
    if (r == ST_NOT_FOUND)
        return vs_fail(res, 404, "not_found", "Snapshot '%s' not found", name);
    return r == ST_OK ? vs_reply_empty(res, 204) : vs_fail_store(res, r, "Snapshot");
}
