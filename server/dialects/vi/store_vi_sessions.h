/* store_vi_sessions.h — rows of the Vi-only tables (schema/0002_vi.sql): asset
 * ingestion sessions and their files, annotation import sessions, exports, bulk
 * asset deletions and dataset deletion records. Row structs own their malloc'd
 * strings (free with the matching *_free). Writes join the caller's transaction
 * when there is one. Any thread.
 */
#ifndef VS_STORE_VI_SESSIONS_H
#define VS_STORE_VI_SESSIONS_H
#include <stdint.h>
#include "core/store.h"

typedef struct {
    char id[37], workspace_id[37], dataset_id[37];
    char failure_mode[16], on_overwritten[32], spec_kind[64];
    char finished[16];          /* Waiting | Reached | FailedReach */
    int64_t finished_at;
    char *message;              /* or NULL */
    char *events;               /* JSON array text */
    int64_t last_activity, generation, created_at, updated_at;
} vi_asset_session_row;
void vi_asset_session_row_free(vi_asset_session_row *s);

typedef struct {
    int position;
    char filename[256], mime[128], kind[64];
    int64_t size;
    int has_crc32c;
    int64_t crc32c;             /* signed, as the client sent it */
    const char *custom_metadata; /* JSON text or NULL (valid during callbacks only) */
    char token[49];
    char state[8];              /* pending | done | error */
    char error_code[16];
    char asset_id[37];
} vi_asset_file_row;

st_result store_vi_asset_sessions_create(const vi_asset_session_row *s);
st_result store_vi_asset_files_create(const char *session_id, const char *workspace_id, const vi_asset_file_row *f);
st_result store_vi_asset_sessions_get(const char *workspace_id, const char *id, vi_asset_session_row *out);
st_result store_vi_asset_files_list(const char *session_id, void (*cb)(const vi_asset_file_row *, void *), void *arg);
st_result store_vi_asset_files_set(const char *session_id, int position, const char *state, const char *error_code,
                                   const char *asset_id);
/* Writes finished/finished_at/message/events/last_activity and bumps generation. */
st_result store_vi_asset_sessions_update(const vi_asset_session_row *s);

typedef struct {
    char id[37], workspace_id[37], dataset_id[37];
    int64_t upload_before;
    char on_bad_annotation[16], on_bad_file[16], on_overwritten[16];
    char *attributes;           /* JSON object text */
    char inserted[16];
    char inserted_reason[24];   /* "" = none */
    int64_t inserted_at;
    char complete[16];          /* "" = not appended yet */
    int64_t complete_at;
    char *reason;               /* status.reason or NULL */
    int64_t files_uploaded, files_imported, files_rejected, lines_imported, lines_rejected;
    int64_t total_bytes, page_count, generation, created_at, updated_at;
} vi_import_row;
void vi_import_row_free(vi_import_row *s);

st_result store_vi_imports_create(const vi_import_row *s);
st_result store_vi_imports_get(const char *workspace_id, const char *id, vi_import_row *out);
/* Compare-and-set of the FilesInserted condition: only from Waiting. Sets
 * complete to `complete` ("" leaves it NULL). ST_CONFLICT when not Waiting. */
st_result store_vi_imports_set_inserted(const char *id, const char *status, const char *reason, int64_t at,
                                        const char *complete);
/* Records the worker's outcome: Complete status, reason and every count. */
st_result store_vi_imports_finish(const vi_import_row *s);

typedef struct {
    char id[37], workspace_id[37], dataset_id[37];
    char resource[16];          /* dataset | annotation */
    char format[32];
    int normalized;
    int has_split;
    double split_ratio;
    char state[16];
    char *message;
    char token[49];             /* "" until Reached */
    int64_t expires_at, generation, created_at, updated_at;
} vi_export_row;
void vi_export_row_free(vi_export_row *e);

st_result store_vi_exports_create(const vi_export_row *e);
/* resource NULL = either kind. */
st_result store_vi_exports_get(const char *workspace_id, const char *id, const char *resource, vi_export_row *out);
st_result store_vi_exports_list(const char *workspace_id, const char *dataset_id, const char *resource,
                                void (*cb)(const vi_export_row *, void *), void *arg);
st_result store_vi_exports_finish(const char *id, const char *state, const char *message, const char *token,
                                  int64_t expires_at, int64_t now);

typedef struct {
    char id[37], workspace_id[37], dataset_id[37];
    char *spec;                 /* JSON text */
    char state[16];
    int64_t deleted, created_at, updated_at;
} vi_bulk_row;
void vi_bulk_row_free(vi_bulk_row *b);
st_result store_vi_bulk_create(const vi_bulk_row *b);
st_result store_vi_bulk_get(const char *workspace_id, const char *dataset_id, const char *id, vi_bulk_row *out);

st_result store_vi_deleted_put(const char *workspace_id, const char *dataset_id, int64_t at);
st_result store_vi_deleted_get(const char *workspace_id, const char *dataset_id, int64_t *at);
#endif
