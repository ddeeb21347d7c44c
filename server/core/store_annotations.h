/* store_annotations.h — dialect-neutral annotations (geometry in pixels, JSON). */
#ifndef VS_STORE_ANNOTATIONS_H
#define VS_STORE_ANNOTATIONS_H
#include <stdint.h>
#include "store.h"

typedef struct {
    char id[37];
    char workspace_id[37];
    char dataset_id[37];
    char asset_id[37];
    char kind[16];           /* bbox polygon polyline point mask classification text */
    char label[256];
    const char *geometry;    /* JSON text (see schema/0001_core.sql) */
    const char *text;        /* or NULL */
    int has_confidence;
    double confidence;
    char source[32];         /* human | model | auto ... */
    int64_t created_at, updated_at;
} annotation_row;

/* Inserts a (id generated when empty). Joins the caller's transaction. Validate
 * geometry first (geometry.h): the store only checks the kind. */
st_result store_annotations_create(annotation_row *a);
/* Rows of one asset in creation order; the strings passed to cb are valid only
 * during the call. */
st_result store_annotations_list_by_asset(const char *workspace_id, const char *asset_id,
                                          void (*cb)(const annotation_row *, void *), void *arg);
#endif
