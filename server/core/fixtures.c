/* fixtures.c — the --seed loader.
 *
 * The manifest schema is documented in fixtures/README.md. The directory comes
 * from the command line (an operator's choice, never a request); image file names
 * in the manifest are checked to be plain names before they are joined to it.
 * Everything is written in one transaction, so a bad manifest or a crash leaves
 * no half-seeded data behind.
 * Runs on the main thread at start-up (and never again: reset restores the
 * baseline captured after seeding).
 */
#include "fixtures.h"
#include "../db.h"
#include "../log.h"
#include "geometry.h"
#include "image.h"
#include "store_annotations.h"
#include "store_assets.h"
#include "store_blobs.h"
#include "store_datasets.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static int plain_file_name(const char *name)
{
    return *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && name[0] != '.';
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0)
        goto out;
    long n = ftell(f);
    if (n < 0 || n > 64L * 1024 * 1024 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    *len = (size_t)n;
out:
    fclose(f);
    return buf;
}

static int load_annotation(const json_t *an, const asset_row *asset)
{
    annotation_row a;
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "%s", str(an, "id"));
    snprintf(a.workspace_id, sizeof a.workspace_id, "%s", asset->workspace_id);
    snprintf(a.dataset_id, sizeof a.dataset_id, "%s", asset->dataset_id);
    snprintf(a.asset_id, sizeof a.asset_id, "%s", asset->id);
    snprintf(a.kind, sizeof a.kind, "%s", str(an, "kind"));
    snprintf(a.label, sizeof a.label, "%s", str(an, "label"));
    json_t *geom = json_object_get(an, "geometry");
    char err[200];
    if (geometry_validate(a.kind, geom, asset->width, asset->height, err, sizeof err) != 0) {
        log_error("fixtures", "annotation %s: %s", a.id, err);
        return -1;
    }
    char *geom_text = geom ? json_dumps(geom, JSON_COMPACT) : NULL;
    a.geometry = geom_text;
    a.text = json_string_value(json_object_get(an, "text"));
    st_result r = store_annotations_create(&a);
    free(geom_text);
    if (r != ST_OK)
        log_error("fixtures", "annotation %s: %s", a.id, store_result_name(r));
    return r == ST_OK ? 0 : -1;
}

static int load_asset(const char *dir, const json_t *as, const char *ws, const char *dataset_id)
{
    const char *file = str(as, "file");
    if (!plain_file_name(file)) {
        log_error("fixtures", "bad image file name '%s'", file);
        return -1;
    }
    char path[4400];
    snprintf(path, sizeof path, "%s/images/%s", dir, file);
    size_t len = 0;
    unsigned char *bytes = read_file(path, &len);
    if (!bytes) {
        log_error("fixtures", "cannot read %s", path);
        return -1;
    }
    int rc = -1;
    image_info info;
    blob_info blob;
    if (image_probe(bytes, len, &info) != 0) {
        log_error("fixtures", "%s is not a PNG or JPEG", path);
        goto out;
    }
    if (store_blobs_put(bytes, len, &blob) != ST_OK)
        goto out;
    asset_row a;
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "%s", str(as, "id"));
    snprintf(a.workspace_id, sizeof a.workspace_id, "%s", ws);
    snprintf(a.dataset_id, sizeof a.dataset_id, "%s", dataset_id);
    snprintf(a.directory, sizeof a.directory, "%s", *str(as, "directory") ? str(as, "directory") : "/");
    snprintf(a.filename, sizeof a.filename, "%s", file);
    snprintf(a.blob_sha256, sizeof a.blob_sha256, "%s", blob.sha256);
    snprintf(a.mime, sizeof a.mime, "%s", info.mime);
    a.width = info.width;
    a.height = info.height;
    a.size = (int64_t)len;
    if (store_assets_create(&a) != ST_OK) {
        log_error("fixtures", "asset %s could not be stored", a.id);
        goto out;
    }
    size_t i;
    json_t *an;
    json_array_foreach(json_object_get(as, "annotations"), i, an) {
        if (load_annotation(an, &a) != 0)
            goto out;
    }
    rc = 0;
out:
    free(bytes);
    return rc;
}

static int load_datasets(const char *dir, const json_t *datasets, const char *ws)
{
    size_t i, j;
    json_t *ds, *as;
    json_array_foreach(datasets, i, ds) {
        const char *type = *str(ds, "type") ? str(ds, "type") : "phrase-grounding";
        if (store_datasets_create(ws, str(ds, "id"), str(ds, "name"), type, str(ds, "description"), NULL, NULL) !=
            ST_OK) {
            log_error("fixtures", "dataset %s could not be created", str(ds, "name"));
            return -1;
        }
        json_array_foreach(json_object_get(ds, "assets"), j, as) {
            if (load_asset(dir, as, ws, str(ds, "id")) != 0)
                return -1;
        }
    }
    return 0;
}

int fixtures_load(const char *dir, ws_row *ws_out, ws_keys *keys_out)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_error_t jerr;
    json_t *m = json_load_file(path, 0, &jerr);
    int rc = -1;
    if (!m) {
        log_error("fixtures", "%s: %s (line %d)", path, jerr.text, jerr.line);
        return -1;
    }
    json_t *w = json_object_get(m, "workspace");
    json_t *k = json_object_get(w, "keys");
    ws_keys keys;
    memset(&keys, 0, sizeof keys);
    snprintf(keys.vi_secret, sizeof keys.vi_secret, "%s", str(json_object_get(k, "vi"), "secretKey"));
    snprintf(keys.vi_org, sizeof keys.vi_org, "%s", str(json_object_get(k, "vi"), "organizationId"));
    snprintf(keys.pictograph, sizeof keys.pictograph, "%s", str(k, "pictograph"));
    snprintf(keys.ximilar, sizeof keys.ximilar, "%s", str(k, "ximilar"));
    snprintf(keys.labelbox, sizeof keys.labelbox, "%s", str(k, "labelbox"));
    if (strlen(keys.vi_secret) != 103 || strncmp(keys.vi_secret, "dtvi_", 5) != 0 || !*str(w, "id")) {
        log_error("fixtures", "%s: workspace id and a 103-character dtvi_ secret are required", path);
        goto out;
    }
    if (store_workspaces_get(str(w, "id"), ws_out, keys_out) == ST_OK) {
        rc = 0; /* already seeded in this store */
        goto out;
    }
    /* One transaction: a crash or a bad manifest never leaves a half-seeded store. */
    if (db_begin() != ST_OK)
        goto out;
    if (store_workspaces_create(*str(w, "name") ? str(w, "name") : "demo", str(w, "id"), &keys, ws_out, keys_out) !=
            ST_OK ||
        load_datasets(dir, json_object_get(m, "datasets"), ws_out->id) != 0) {
        log_error("fixtures", "cannot load the demo workspace from %s", path);
        db_rollback();
        goto out;
    }
    if (db_commit() != ST_OK)
        goto out;
    rc = 0;
out:
    json_decref(m);
    return rc;
}
