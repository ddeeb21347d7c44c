/* pg_embed.c — the LRU of analysed images (see pg_embed.h). One mutex guards
 * the list; decoding happens outside it, and when two threads race on the same
 * image the second one's work is dropped for the entry already in place. */
#include "pg_embed.h"
#include "core/image.h"
#include "core/store_blobs.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BUDGET_BYTES ((size_t)256 * 1024 * 1024)

struct pg_embed {
    char sha[65];
    segment_image *img;
    size_t bytes;
    int refs;
    int cached;              /* still in the list */
    struct pg_embed *prev, *next;
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pg_embed *g_head, *g_tail;
static size_t g_bytes;

static void unlink_entry(pg_embed *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        g_head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        g_tail = e->prev;
    e->prev = e->next = NULL;
}

static void push_front(pg_embed *e)
{
    e->prev = NULL;
    e->next = g_head;
    if (g_head)
        g_head->prev = e;
    g_head = e;
    if (!g_tail)
        g_tail = e;
}

static void entry_free(pg_embed *e)
{
    segment_image_free(e->img);
    free(e);
}

/* Evicts from the cold end until within budget; entries in use are unlinked
 * and left to their last release. Called with the lock held. */
static void evict(void)
{
    pg_embed *e = g_tail;
    while (e && g_bytes > BUDGET_BYTES) {
        pg_embed *prev = e->prev;
        if (e != g_head) {
            unlink_entry(e);
            e->cached = 0;
            g_bytes -= e->bytes;
            if (e->refs == 0)
                entry_free(e);
        }
        e = prev;
    }
}

static pg_embed *find(const char *sha)
{
    for (pg_embed *e = g_head; e; e = e->next)
        if (strcmp(e->sha, sha) == 0)
            return e;
    return NULL;
}

static int build(const char *sha, pg_embed **out)
{
    unsigned char *data = NULL;
    size_t len = 0;
    image_pixels px = {0};
    if (store_blobs_load(sha, &data, &len) != ST_OK)
        return -2;
    int rc = image_decode(data, len, PG_EMBED_MAX_PIXELS, &px);
    free(data);
    if (rc != 0)
        return -1;
    pg_embed *e = calloc(1, sizeof *e);
    if (e)
        e->img = segment_image_new(px.rgb, px.width, px.height);
    image_free(&px);
    if (!e || !e->img) {
        free(e);
        return -2;
    }
    memcpy(e->sha, sha, 64);
    e->sha[64] = 0;
    e->bytes = segment_image_bytes(e->img);
    *out = e;
    return 0;
}

int pg_embed_get(const char *blob_sha256, pg_embed **out)
{
    pthread_mutex_lock(&g_lock);
    pg_embed *e = find(blob_sha256);
    if (e) {
        e->refs++;
        unlink_entry(e);
        push_front(e);
        pthread_mutex_unlock(&g_lock);
        *out = e;
        return 0;
    }
    pthread_mutex_unlock(&g_lock);
    pg_embed *fresh = NULL;
    int rc = build(blob_sha256, &fresh);
    if (rc != 0)
        return rc;
    pthread_mutex_lock(&g_lock);
    e = find(blob_sha256);
    if (e) {
        entry_free(fresh);
        unlink_entry(e);
    } else {
        e = fresh;
        e->cached = 1;
        g_bytes += e->bytes;
    }
    e->refs++;
    push_front(e);
    evict();
    pthread_mutex_unlock(&g_lock);
    *out = e;
    return 0;
}

const segment_image *pg_embed_image(const pg_embed *e) { return e->img; }

void pg_embed_release(pg_embed *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&g_lock);
    e->refs--;
    int drop = e->refs == 0 && !e->cached;
    pthread_mutex_unlock(&g_lock);
    if (drop)
        entry_free(e);
}
