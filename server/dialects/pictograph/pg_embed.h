/* pg_embed.h — the decoded, analysed pixels ("embedding") of an image, cached.
 *
 * Keyed by the blob's SHA-256 (content-addressed, so an entry can never go
 * stale), built once by decoding the bytes and running segment_image_new, kept
 * in an LRU bounded by bytes. Entries are reference counted: an entry evicted
 * while a prompt still uses it is freed on that prompt's release. This cache is
 * only about speed; what a prompt costs is decided by the billing sessions in
 * store_pg_sessions. Any thread.
 */
#ifndef VS_PG_EMBED_H
#define VS_PG_EMBED_H
#include "core/segment.h"

#define PG_EMBED_MAX_PIXELS (16u * 1000u * 1000u)

typedef struct pg_embed pg_embed;

/* 0 with *out set; -1 when the bytes are not a PNG/JPEG of at most
 * PG_EMBED_MAX_PIXELS; -2 on a store or memory error. */
int pg_embed_get(const char *blob_sha256, pg_embed **out);
const segment_image *pg_embed_image(const pg_embed *e);
void pg_embed_release(pg_embed *e);
#endif
