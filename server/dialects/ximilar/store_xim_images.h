/* store_xim_images.h — Ximilar training images: a core asset (workspace level,
 * bytes in a blob) plus its Ximilar row (URL tokens, hash, flags, metadata),
 * their recognition labels, and the batch update. Every call is scoped by
 * workspace; another workspace's id is ST_NOT_FOUND. Returned JSON is owned by
 * the caller. Any thread. */
#ifndef VS_STORE_XIM_IMAGES_H
#define VS_STORE_XIM_IMAGES_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "core/store.h"

typedef struct {
    const char *workspace_id;
    const void *bytes;
    size_t len;
    const char *mime;
    const char *ext;          /* "jpg" / "png" */
    int width, height;
    const void *thumb_png;
    size_t thumb_len;
    uint64_t phash;
    const json_t *meta_data;  /* object, or NULL for {} */
    int test_image, noresize;
} xim_image_new;

/* Stores the bytes, the asset, its two download tokens and the row in one
 * transaction. ST_CONFLICT (dup_out set) when the workspace already has a
 * training image with the same bytes. */
st_result store_xim_images_create(const xim_image_new *in, char id_out[37], char dup_out[37]);
/* Gives an existing asset of the workspace (uploaded through another dialect) its
 * Ximilar row; ST_OK when it already has one. */
st_result store_xim_images_adopt(const char *ws, const char *asset_id, const void *thumb_png, size_t thumb_len,
                                 uint64_t phash);
/* 1 when id is an asset of ws without a Ximilar row (a candidate for adopt). */
int store_xim_images_adoptable(const char *ws, const char *id);
/* {id, workspace, created_at, img_token, thumb_token, filename, img_width,
 *  img_height, meta_data, test_image, real, verify_count, noresize, phash,
 *  blob_sha256, mime}. */
st_result store_xim_images_get(const char *ws, const char *id, json_t **out);
/* [{id, name}] of the image's recognition labels. */
st_result store_xim_images_labels(const char *ws, const char *id, json_t **out);

typedef struct {
    int test, real, verified;       /* -1 = no filter */
    const char *label, *not_label, *detection_label; /* NULL = no filter */
} xim_image_filter;
st_result store_xim_images_count(const char *ws, const xim_image_filter *f, int64_t *n);
st_result store_xim_images_list(const char *ws, const xim_image_filter *f, int64_t limit, int64_t offset,
                                json_t **out);
st_result store_xim_images_set_meta(const char *ws, const char *id, const json_t *meta);
/* Flags: -1 = keep. */
st_result store_xim_images_set_flags(const char *ws, const char *id, int test_image, int real);
/* Removes the row, its asset and its download tokens. */
st_result store_xim_images_delete(const char *ws, const char *id);
/* ST_NOT_FOUND when the label is not in ws. */
st_result store_xim_images_add_label(const char *ws, const char *id, const char *label_id, const char *value);
st_result store_xim_images_remove_label(const char *ws, const char *id, const char *label_id);
/* The batch update of §7.1, all or nothing: ids and labels must all be in ws
 * (else ST_NOT_FOUND with the missing id in missing[37]). labels_set replaces
 * the label set when not NULL. Flags: -1 keep, 0/1 set. */
st_result store_xim_images_batch(const char *ws, const json_t *ids, const json_t *labels_set,
                                 const json_t *labels_add, const json_t *labels_remove, int test, int real,
                                 int64_t *updated, char missing[37]);
/* The image's bytes (malloc'd; caller frees) with its mime. */
st_result store_xim_images_bytes(const char *ws, const char *id, unsigned char **data, size_t *len,
                                 char mime[64]);
#endif
