/* vi_import_job.c — the durable "vi.annotation_import" job: parses every
 * uploaded JSONL file of a session, maps each line to an asset (by id, else
 * full file name, else unique file stem), converts it to core annotations and
 * applies the failure policies (spec §9, §12).
 *
 * All-or-nothing by construction: the whole session runs in one BEGIN
 * IMMEDIATE transaction with a nested db_begin() (a savepoint) per file, so a
 * rejected file is rolled back to its savepoint and a rejected session rolls
 * back everything; the outcome row is written in the same transaction. A crash
 * before the commit leaves nothing, and the resumed job simply runs again. Files
 * stream from the blob store in 1 MiB chunks, so memory is bounded by the
 * longest line and the dataset's asset index, never by the file size. Core rows
 * per line: phrase grounding → a text "caption" row (when the caption is
 * non-empty) plus a bbox row per phrase (label = phrase, attrs vi.target =
 * span); VQA → a text "vqa" row per interaction ({"question","answer"}, attrs
 * vi.order); freeform → a text "freeform" row. Every row carries attrs vi.whole
 * = the line id. Worker thread only.
 */
#include "clock.h"
#include "core/formats/format.h"
#include "core/ids.h"
#include "core/store_blobs.h"
#include "core/store_transfers.h"
#include "db.h"
#include "store_vi_core.h"
#include "store_vi_sessions.h"
#include "vi.h"
#include "vi_lines.h"
#include "vi_routes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)
#define MAX_LINE (16u << 20)
#define MAX_REASONS 20

/* ---- the dataset's assets, indexed by id, file name and stem ------------------------ */

typedef struct {
    char id[37];
    char *filename, *stem;
    int width, height;
} idx_asset;

typedef struct {
    const char **keys;
    int *vals;          /* index into assets; -2 = ambiguous */
    size_t cap;
} strmap;

typedef struct {
    idx_asset *assets;
    size_t n;
    strmap by_id, by_name, by_stem;
    int failed;
} asset_index;

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int map_init(strmap *m, size_t n)
{
    m->cap = 16;
    while (m->cap < n * 2 + 1)
        m->cap *= 2;
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->vals = calloc(m->cap, sizeof *m->vals);
    return m->keys && m->vals ? 0 : -1;
}

/* Inserts key → val; a second distinct value for the same key marks it ambiguous. */
static void map_put(strmap *m, const char *key, int val)
{
    size_t i = str_hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    if (m->keys[i] && m->vals[i] != val)
        m->vals[i] = -2;
    else if (!m->keys[i]) {
        m->keys[i] = key;
        m->vals[i] = val;
    }
}

static int map_get(const strmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    size_t i = str_hash(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

static void map_free(strmap *m)
{
    free(m->keys);
    free(m->vals);
}

static void index_asset(const vi_asset_row *v, void *arg)
{
    asset_index *x = arg;
    idx_asset *grown = realloc(x->assets, (x->n + 1) * sizeof *grown);
    if (!grown) {
        x->failed = 1;
        return;
    }
    x->assets = grown;
    idx_asset *a = &x->assets[x->n];
    snprintf(a->id, sizeof a->id, "%s", v->a.id);
    a->filename = strdup(v->a.filename);
    a->stem = malloc(strlen(v->a.filename) + 1);
    a->width = v->a.width;
    a->height = v->a.height;
    if (!a->filename || !a->stem) {
        free(a->filename);
        free(a->stem);
        x->failed = 1;
        return;
    }
    format_stem(v->a.filename, a->stem, strlen(v->a.filename) + 1);
    x->n++;
}

static st_result index_build(const char *ws, const char *ds, asset_index *x)
{
    memset(x, 0, sizeof *x);
    st_result r = store_vi_assets_list(ws, ds, index_asset, x);
    if (r != ST_OK || x->failed)
        return r != ST_OK ? r : ST_ERROR;
    if (map_init(&x->by_id, x->n) || map_init(&x->by_name, x->n) || map_init(&x->by_stem, x->n))
        return ST_ERROR;
    for (size_t i = 0; i < x->n; i++) {
        map_put(&x->by_id, x->assets[i].id, (int)i);
        map_put(&x->by_name, x->assets[i].filename, (int)i);
        map_put(&x->by_stem, x->assets[i].stem, (int)i);
    }
    return ST_OK;
}

static void index_free(asset_index *x)
{
    for (size_t i = 0; i < x->n; i++) {
        free(x->assets[i].filename);
        free(x->assets[i].stem);
    }
    free(x->assets);
    map_free(&x->by_id);
    map_free(&x->by_name);
    map_free(&x->by_stem);
}

/* asset_id by id, else by full file name, else by unique stem; then
 * asset.filename by full name. -1 unknown, -2 ambiguous stem. */
static int index_find(const asset_index *x, const vi_line *l)
{
    int i = -1;
    if (l->asset_id && *l->asset_id) {
        i = map_get(&x->by_id, l->asset_id);
        if (i < 0)
            i = map_get(&x->by_name, l->asset_id);
        if (i < 0)
            i = map_get(&x->by_stem, l->asset_id);
    }
    if (i == -1 && l->filename && *l->filename)
        i = map_get(&x->by_name, l->filename);
    return i;
}

/* ---- reading lines from a blob in chunks ------------------------------------------------ */

typedef struct {
    const char *sha;
    int64_t size, off;
    unsigned char *chunk;
    size_t clen, cpos;
    format_buf carry;
    int eof;
} line_reader;

/* 1 with a line (no newline, no trailing CR), 0 at the end, -1 on error (reason). */
static int next_line(line_reader *r, const char **line, size_t *len, const char **why)
{
    r->carry.len = 0;
    for (;;) {
        if (r->cpos >= r->clen) {
            if (r->off >= r->size) {
                if (r->eof || r->carry.len == 0)
                    return 0;
                r->eof = 1;
                break; /* last line without a newline */
            }
            size_t want = r->size - r->off < (int64_t)CHUNK ? (size_t)(r->size - r->off) : CHUNK;
            if (store_blobs_read(r->sha, r->off, want, r->chunk) != ST_OK) {
                *why = "the uploaded file cannot be read";
                return -1;
            }
            r->off += (int64_t)want;
            r->clen = want;
            r->cpos = 0;
        }
        unsigned char *start = r->chunk + r->cpos;
        unsigned char *nl = memchr(start, '\n', r->clen - r->cpos);
        size_t n = nl ? (size_t)(nl - start) : r->clen - r->cpos;
        r->cpos += n + (nl ? 1 : 0);
        if (nl && r->carry.len == 0) { /* the common case: no copy */
            *line = (const char *)start;
            *len = n;
            goto trim;
        }
        format_buf_put(&r->carry, start, n);
        if (r->carry.failed || r->carry.len > MAX_LINE) {
            *why = "a line is longer than 16 MiB";
            return -1;
        }
        if (nl)
            break;
    }
    *line = (const char *)r->carry.data;
    *len = r->carry.len;
trim:
    if (*len && (*line)[*len - 1] == '\r')
        (*len)--;
    return 1;
}

/* ---- one session ------------------------------------------------------------------------------ */

typedef struct {
    char base[37];
    uint64_t tail, counter;
} id_gen;

static void id_next(id_gen *g, char out[37])
{
    uint64_t v = (g->tail + ++g->counter) & 0xFFFFFFFFFFFFull;
    snprintf(out, 37, "%.24s%012llx", g->base, (unsigned long long)v);
}

typedef struct {
    vi_import_row *s;
    vi_type type;
    const asset_index *assets;
    id_gen ids;
    int64_t now;
    char *reasons[MAX_REASONS];
    int nreasons, more_reasons;
    int session_failed;
    int64_t lines_in_file, rejected_in_file;
} import_ctx;

static void note(import_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(import_ctx *c, const char *fmt, ...)
{
    if (c->nreasons >= MAX_REASONS) {
        c->more_reasons++;
        return;
    }
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    c->reasons[c->nreasons] = strdup(buf);
    if (c->reasons[c->nreasons])
        c->nreasons++;
}

static st_result insert_row(import_ctx *c, const idx_asset *a, const char *kind, const char *label,
                            const char *geometry, const char *text, const char *attrs)
{
    char id[37];
    id_next(&c->ids, id);
    vi_ann_insert row = {id, c->s->workspace_id, c->s->dataset_id, a->id, kind, label, geometry, text, attrs, c->now};
    return store_vi_annotations_insert(&row);
}

static st_result insert_line(import_ctx *c, const idx_asset *a, const vi_line *l, const char *whole)
{
    char attrs[400], geometry[200];
    st_result r = ST_OK;
    if (c->type == VI_TYPE_PHRASE_GROUNDING) {
        snprintf(attrs, sizeof attrs, "{\"vi\":{\"whole\":\"%s\"}}", whole);
        if (*l->caption && (r = insert_row(c, a, "text", "caption", "{}", l->caption, attrs)) != ST_OK)
            return r;
        for (size_t i = 0; i < l->nboxes; i++) {
            const vi_line_box *b = &l->boxes[i];
            double x = b->box[0] * a->width, y = b->box[1] * a->height;
            snprintf(geometry, sizeof geometry, "{\"x\":%.10g,\"y\":%.10g,\"w\":%.10g,\"h\":%.10g}", x, y,
                     b->box[2] * a->width - x, b->box[3] * a->height - y);
            snprintf(attrs, sizeof attrs, "{\"vi\":{\"whole\":\"%s\",\"target\":[%d,%d]}}", whole, b->start, b->end);
            if ((r = insert_row(c, a, "bbox", b->phrase, geometry, NULL, attrs)) != ST_OK)
                return r;
        }
    } else if (c->type == VI_TYPE_VQA) {
        for (size_t i = 0; i < l->nqas; i++) {
            format_buf qa = {0};
            format_buf_puts(&qa, "{\"question\":");
            format_buf_json_string(&qa, l->qas[i].question);
            format_buf_puts(&qa, ",\"answer\":");
            format_buf_json_string(&qa, l->qas[i].answer);
            format_buf_puts(&qa, "}");
            snprintf(attrs, sizeof attrs, "{\"vi\":{\"whole\":\"%s\",\"order\":%d}}", whole, l->qas[i].order);
            r = qa.failed ? ST_ERROR : insert_row(c, a, "text", "vqa", "{}", (const char *)qa.data, attrs);
            format_buf_free(&qa);
            if (r != ST_OK)
                return r;
        }
    } else if (l->response && *l->response) {
        snprintf(attrs, sizeof attrs, "{\"vi\":{\"whole\":\"%s\"}}", whole);
        r = insert_row(c, a, "text", "freeform", "{}", l->response, attrs);
    }
    return r;
}

typedef enum { LINE_OK, LINE_BAD, LINE_OVERWRITE } line_outcome;

/* Imports one line; returns its outcome, or an error through *r. */
static line_outcome import_line(import_ctx *c, const char *file, int64_t lineno, const char *text, size_t len,
                                st_result *r)
{
    vi_line l;
    char err[300];
    line_outcome out = LINE_OK;
    *r = ST_OK;
    if (vi_lines_parse(text, len, c->type, &l, err, sizeof err) != 0) {
        note(c, "%s line %lld: %s", file, (long long)lineno, err);
        vi_lines_free(&l);
        return LINE_BAD;
    }
    int i = index_find(c->assets, &l);
    if (i < 0) {
        const char *ref = l.asset_id && *l.asset_id ? l.asset_id : l.filename;
        note(c, "%s line %lld: %s '%.80s'", file, (long long)lineno,
             i == -2 ? "more than one asset of the dataset has the file stem" : "no asset of the dataset matches", ref);
        vi_lines_free(&l);
        return LINE_BAD;
    }
    const idx_asset *a = &c->assets->assets[i];
    char whole[256];
    if (l.id) {
        char previous[37];
        st_result w = store_vi_wholes_get(c->s->workspace_id, c->s->dataset_id, l.id, previous);
        if (w == ST_NOT_FOUND) { /* a line exported from this dataset carries its whole id */
            w = store_vi_annotations_has_whole(c->s->workspace_id, a->id, l.id);
            snprintf(previous, sizeof previous, "%s", a->id);
        }
        if (w == ST_OK) {
            if (strcmp(c->s->on_overwritten, "Warn") != 0) {
                note(c, "%s line %lld: annotation '%.80s' already exists", file, (long long)lineno, l.id);
                vi_lines_free(&l);
                return LINE_OVERWRITE;
            }
            *r = store_vi_annotations_delete_whole(c->s->workspace_id, previous, l.id);
            out = LINE_OVERWRITE;
        } else if (w != ST_NOT_FOUND) {
            *r = w;
        }
        snprintf(whole, sizeof whole, "%s", l.id);
    } else {
        id_next(&c->ids, whole);
    }
    if (*r == ST_OK && !l.empty)
        *r = insert_line(c, a, &l, whole);
    if (*r == ST_OK && l.id)
        *r = store_vi_wholes_put(c->s->workspace_id, c->s->dataset_id, l.id, a->id);
    vi_lines_free(&l);
    return out == LINE_OVERWRITE ? LINE_OK : out; /* a permitted overwrite imports the line */
}

/* A bad file under the session's onBadFile policy. */
static void bad_file(import_ctx *c, const char *file, const char *why)
{
    note(c, "%s: %s", file, why);
    if (strcmp(c->s->on_bad_file, "RejectSession") == 0)
        c->session_failed = 1;
}

typedef struct {
    transfer_row *files;
    size_t n;
    int failed;
} transfers_acc;

/* Keeps the latest transfer per file name, in first-registration order. */
static void collect_transfer(const transfer_row *t, void *arg)
{
    transfers_acc *acc = arg;
    for (size_t i = 0; i < acc->n; i++)
        if (strcmp(acc->files[i].filename, t->filename) == 0) {
            acc->files[i] = *t;
            return;
        }
    transfer_row *grown = realloc(acc->files, (acc->n + 1) * sizeof *grown);
    if (!grown) {
        acc->failed = 1;
        return;
    }
    acc->files = grown;
    acc->files[acc->n++] = *t;
}

/* Processes one file inside its savepoint; returns a store error, else ST_OK with
 * the file imported or rolled back according to the policies. */
static st_result import_file(import_ctx *c, const transfer_row *t, unsigned char *chunk, int64_t *progress)
{
    const char *name = t->filename;
    if (!t->blob_sha256[0]) {
        bad_file(c, name, "the file was registered but never uploaded");
        c->s->files_rejected++;
        return ST_OK;
    }
    c->s->files_uploaded++;
    c->s->total_bytes += t->expected_size >= 0 ? t->expected_size : 0;
    if (strcmp(t->check_result, "ok") != 0) {
        bad_file(c, name, strcmp(t->check_result, "bad_size") == 0 ? "the upload's size differs from sizeBytes"
                                                                    : "the upload's CRC32C differs from crc32c");
        c->s->files_rejected++;
        return ST_OK;
    }
    blob_info info;
    st_result r = store_blobs_info(t->blob_sha256, &info);
    if (r != ST_OK)
        return r;
    if ((r = db_begin()) != ST_OK) /* nested: a savepoint for this file */
        return r;
    line_reader rd = {t->blob_sha256, info.size, 0, chunk, 0, 0, {0}, 0};
    const char *line, *why = NULL;
    size_t len;
    int64_t lineno = 0, imported = 0, rejected = 0;
    int drop = 0, got;
    while (!drop && !c->session_failed && (got = next_line(&rd, &line, &len, &why)) == 1) {
        lineno++;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k == len)
            continue; /* blank lines carry nothing */
        line_outcome o = import_line(c, name, lineno, line, len, &r);
        if (r != ST_OK)
            break;
        (*progress)++;
        if (o == LINE_OK) {
            imported++;
            continue;
        }
        const char *policy = o == LINE_BAD ? c->s->on_bad_annotation : c->s->on_overwritten;
        if (strcmp(policy, "RejectSession") == 0)
            c->session_failed = 1;
        else if (strcmp(policy, "RejectFile") == 0)
            drop = 1;
        else
            rejected++;
    }
    if (r == ST_OK && why) {
        bad_file(c, name, why);
        drop = 1;
    }
    format_buf_free(&rd.carry);
    if (r != ST_OK) {
        db_rollback(); /* this file's savepoint; the caller rolls back the rest */
        return r;
    }
    if (drop || c->session_failed) {
        if (drop)
            note(c, "%s: rejected as a whole, nothing imported from it", name);
        c->s->files_rejected++;
        db_rollback();
        return ST_OK;
    }
    c->s->files_imported++;
    c->s->lines_imported += imported;
    c->s->lines_rejected += rejected;
    return db_commit();
}

static char *join_reasons(import_ctx *c)
{
    if (!c->nreasons)
        return NULL;
    format_buf b = {0};
    for (int i = 0; i < c->nreasons; i++) {
        if (i)
            format_buf_puts(&b, "; ");
        format_buf_puts(&b, c->reasons[i]);
    }
    if (c->more_reasons)
        format_buf_printf(&b, "; and %d more", c->more_reasons);
    return b.failed ? NULL : (char *)b.data;
}

step_outcome vi_import_step(job_ctx *ctx)
{
    const char *sid = json_string_value(json_object_get(ctx->payload, "session"));
    if (!sid) {
        snprintf(ctx->error, sizeof ctx->error, "payload has no session");
        return STEP_FAILED;
    }
    vi_import_row s;
    memset(&s, 0, sizeof s);
    st_result r = store_vi_imports_get(ctx->workspace_id, sid, &s);
    if (r == ST_NOT_FOUND)
        return STEP_DONE;
    if (r != ST_OK) {
        ctx->delay_ms = 200;
        return STEP_WAIT;
    }
    if (strcmp(s.complete, "Waiting") != 0) {
        vi_import_row_free(&s);
        return STEP_DONE;
    }
    import_ctx c;
    memset(&c, 0, sizeof c);
    c.s = &s;
    c.now = clock_now_ms();
    ids_uuid(c.ids.base);
    c.ids.tail = strtoull(c.ids.base + 24, NULL, 16);
    asset_index assets;
    memset(&assets, 0, sizeof assets);
    transfers_acc files = {0};
    unsigned char *chunk = malloc(CHUNK);
    dataset_row ds;
    step_outcome out = STEP_DONE;
    int64_t progress = 0;
    if (!chunk) {
        r = ST_ERROR;
        goto retry;
    }
    /* Every referenced row is checked inside this transaction (dataset here,
     * assets in the index), so per-row foreign-key probes would only repeat it. */
    if ((r = store_vi_foreign_keys(0)) != ST_OK || (r = db_begin()) != ST_OK)
        goto retry;
    r = store_datasets_get(s.workspace_id, s.dataset_id, &ds);
    if (r == ST_NOT_FOUND) {
        note(&c, "the dataset was deleted");
        c.session_failed = 1;
        goto finish;
    }
    if (r != ST_OK)
        goto rollback;
    c.type = vi_type_of(ds.type);
    dataset_row_free(&ds);
    c.assets = &assets;
    if ((r = index_build(s.workspace_id, s.dataset_id, &assets)) != ST_OK)
        goto rollback;
    if ((r = store_transfers_by_owner("vi.import", s.id, collect_transfer, &files)) != ST_OK || files.failed) {
        r = r == ST_OK ? ST_ERROR : r;
        goto rollback;
    }
    s.page_count = (int64_t)files.n;
    for (size_t i = 0; i < files.n && !c.session_failed; i++)
        if ((r = import_file(&c, &files.files[i], chunk, &progress)) != ST_OK)
            goto rollback;
finish:
    free(s.reason);
    s.reason = join_reasons(&c);
    s.complete_at = clock_now_ms();
    if (c.session_failed) {
        db_rollback();
        snprintf(s.complete, sizeof s.complete, "FailedReach");
        s.files_imported = 0;
        s.lines_imported = 0;
        s.lines_rejected = 0;
        s.files_rejected = (int64_t)files.n;
        r = store_vi_imports_finish(&s);
    } else {
        snprintf(s.complete, sizeof s.complete, "Reached");
        r = store_vi_imports_finish(&s);
        if (r == ST_OK)
            r = db_commit(); /* rolls back itself when it fails */
        else
            db_rollback();   /* ST_NOT_FOUND: someone else already finished it */
    }
    if (r == ST_OK || r == ST_NOT_FOUND)
        goto out;
rollback:
    db_rollback();
retry:
    /* Nothing was committed. A busy store is retried; anything else ends the
     * session visibly, so the client's poll does not wait forever. */
    if (r == ST_BUSY) {
        ctx->delay_ms = 500;
        out = STEP_WAIT;
        goto out;
    }
    free(s.reason);
    s.reason = strdup("the import failed inside the server; nothing was imported");
    snprintf(s.complete, sizeof s.complete, "FailedReach");
    s.complete_at = clock_now_ms();
    s.files_imported = s.lines_imported = s.lines_rejected = 0;
    store_vi_imports_finish(&s);
    snprintf(ctx->error, sizeof ctx->error, "import failed: %s", store_result_name(r));
    out = STEP_FAILED;
out:
    store_vi_foreign_keys(1);
    ctx->progress = progress;
    for (int i = 0; i < c.nreasons; i++)
        free(c.reasons[i]);
    free(files.files);
    index_free(&assets);
    free(chunk);
    vi_import_row_free(&s);
    return out;
}
