/* lb_datasets.c — Labelbox datasets, which are core datasets (so Vi and
 * Pictograph list them too). Labelbox allows two datasets with one name; the
 * core does not, so a clashing name is stored in the core with a " (n)" suffix
 * and the Labelbox name kept in attrs.labelbox.name. Deleting a dataset removes
 * it and its data rows from every view. HTTP pool threads. */
#include "core/store_datasets.h"
#include "lb_fields.h"
#include "lb_ids.h"
#include "lb_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LB_NAME_MAX 255

int lb_datasets_create(lb_call *c)
{
    const char *name = NULL, *description = NULL;
    if (lb_var_string(c, "name", 1, LB_NAME_MAX, &name) < 0 ||
        lb_var_string(c, "description", 0, 4096, &description) < 0)
        return -1;
    char id[LB_ID_LEN], core_name[LB_NAME_MAX + 16];
    lb_ids_cuid(id);
    json_t *attrs = NULL;
    dataset_row d;
    st_result r = ST_CONFLICT;
    for (int n = 1; n <= 1000 && r == ST_CONFLICT; n++) {
        if (n == 1) {
            snprintf(core_name, sizeof core_name, "%s", name);
        } else {
            snprintf(core_name, sizeof core_name, "%s (%d)", name, n);
            if (!attrs)
                attrs = json_pack("{s:{s:s}}", "labelbox", "name", name);
        }
        char *attrs_text = attrs ? json_dumps(attrs, JSON_COMPACT) : NULL;
        r = store_datasets_create(c->req->workspace_id, id, core_name, "phrase-grounding", description, attrs_text, &d);
        free(attrs_text);
    }
    json_decref(attrs);
    if (r != ST_OK)
        return lb_error_store(c, r, "Dataset");
    json_t *out = lb_fields_dataset(&d);
    dataset_row_free(&d);
    return lb_reply(c, "createDataset", out);
}

int lb_datasets_get(lb_call *c)
{
    const char *id = NULL;
    if (lb_var_string(c, "param_0", 1, 64, &id) < 0)
        return -1;
    dataset_row d;
    st_result r = store_datasets_get(c->req->workspace_id, id, &d);
    if (r == ST_NOT_FOUND)
        return lb_reply(c, "dataset", NULL);
    if (r != ST_OK)
        return lb_error_store(c, r, "Dataset");
    json_t *out = lb_fields_dataset(&d);
    dataset_row_free(&d);
    return lb_reply(c, "dataset", out);
}

int lb_datasets_delete(lb_call *c)
{
    const char *id = NULL;
    if (lb_var_string(c, "DatasetId", 1, 64, &id) < 0)
        return -1;
    st_result r = store_datasets_delete(c->req->workspace_id, id);
    if (r != ST_OK)
        return lb_error_store(c, r, "Dataset");
    return lb_reply(c, "updateDataset", json_pack("{s:s}", "id", id));
}
