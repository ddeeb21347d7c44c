/* pg.h — internals shared by the Pictograph dialect's files: configuration and
 * prices, 422 validation errors in the vendor's shape, name/path/UUID
 * resolution of datasets and images, paging, timestamps, and the JSON views of
 * datasets, images and batch jobs.
 *
 * Conventions: functions taking (req, res) fail res in the Pictograph error
 * shape and return -1, or return 0. json_t results are new references owned by
 * the caller. Any request thread (and the worker for the pure helpers).
 */
#ifndef VS_PG_H
#define VS_PG_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store_datasets.h"
#include "dialects/pictograph/store_pg_datasets.h"
#include "dialects/pictograph/store_pg_images.h"
#include "request.h"

#define PG_API "/api/v1/developer"
#define PG_MAX_LIMIT 1000
#define PG_BATCH_MAX_IMAGES 5000

/* ------------------------------------------------------------- config */

typedef struct {
    int64_t credit_micro_usd;    /* one credit (VISIONSTACK_PICTOGRAPH_CREDIT_MICRO_USD, 10000) */
    int64_t allowance_micro_usd; /* a new workspace's balance: 1000 credits */
    int64_t session_idle_ms;     /* VISIONSTACK_PICTOGRAPH_SESSION_IDLE_S, 300 s */
    int64_t batch_image_ms;      /* VISIONSTACK_PICTOGRAPH_BATCH_IMAGE_MS, 20 ms */
} pg_config;

/* Read once from the environment; immutable afterwards. */
const pg_config *pg_config_get(void);

typedef struct {
    const char *slug;
    const char *unit;
    int64_t micro_usd;           /* per unit */
} pg_price;

/* The price of an operation slug, or NULL for an unknown slug. */
const pg_price *pg_price_find(const char *slug);
/* Per-unit price by slug; the slug must exist. */
int64_t pg_price_of(const char *slug);

/* ----------------------------------------------------- 422 validation */

typedef struct {
    json_t *errors;              /* [{loc, msg, type}] */
} pg_errs;

void pg_errs_init(pg_errs *e);
/* Records an error at loc (reference stolen). */
void pg_errs_add(pg_errs *e, json_t *loc, const char *type, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int pg_errs_count(const pg_errs *e);
/* Fails res with 422 and details.errors when any error was recorded (returns
 * -1), else returns 0. Frees the list either way. */
int pg_errs_finish(pg_errs *e, vs_response *res);

/* Error locations: base (NULL = ["body"]) plus a key or an index. */
json_t *pg_loc(const json_t *base, const char *key);
json_t *pg_loc_i(const json_t *base, size_t i);

/* Field readers over obj[key]. Each returns 1 when present, 0 when absent or
 * null, -1 after recording an error. */
int pg_field_keys(pg_errs *e, const json_t *obj, const json_t *base, const char *const *allowed);
int pg_field_str(pg_errs *e, const json_t *obj, const json_t *base, const char *key, int required, size_t max_len,
                 const char **out);
int pg_field_num(pg_errs *e, const json_t *obj, const json_t *base, const char *key, int required, double lo,
                 double hi, double *out);
int pg_field_int(pg_errs *e, const json_t *obj, const json_t *base, const char *key, int required, int64_t lo,
                 int64_t hi, int64_t *out);
int pg_field_bool(pg_errs *e, const json_t *obj, const json_t *base, const char *key, int required, int *out);
/* A finite JSON number (whole floats count as numbers too). */
int pg_value_num(const json_t *v, double *out);
/* A whole JSON number (100 or 100.0) into *out. */
int pg_value_int(const json_t *v, int64_t *out);

/* ------------------------------------------------------------ common */

int pg_is_uuid(const char *s);
/* "2025-01-01T12:00:00.123Z" from epoch milliseconds. */
void pg_iso_time(int64_t ms, char out[32]);
/* The ISO string, or JSON null for 0. */
json_t *pg_time_json(int64_t ms);
/* limit/offset query parameters (422 on garbage); limit capped at max_limit. */
int pg_paging(const vs_request *req, vs_response *res, int64_t default_limit, int64_t max_limit, int64_t *limit,
              int64_t *offset);
json_t *pg_pagination(int64_t limit, int64_t offset, int64_t count, int64_t total);
/* A boolean query parameter (true/false/1/0): *out untouched when absent. */
int pg_query_bool(const vs_request *req, vs_response *res, const char *name, int *out);
/* "/", "a", "/a/b/" -> "/" , "/a", "/a/b"; -1 for ".", "..", empty or control
 * characters inside, or too long. */
int pg_normalize_dir(const char *in, char *out, size_t cap);
/* 0 when name is a valid file name (1..255 bytes, no '/', no control chars,
 * not "." or ".."). */
int pg_valid_filename(const char *name);
/* "dir/sub/file" -> "/dir/sub", "file"; -1 when malformed. */
int pg_split_path(const char *path, char *dir, size_t dcap, char *file, size_t fcap);
/* "dir/file" of an image: "/" + directory-less path, no leading slash. */
void pg_image_path(const pg_image *im, char *out, size_t cap);

/* A dataset by UUID or name; 404 otherwise. out must be freed with dataset_row_free. */
int pg_dataset_find(const vs_request *req, vs_response *res, const char *ref, dataset_row *out);
/* An image of ds by UUID, dataset path ("val/x.jpg") or bare file name (root
 * first); 404 otherwise. out must be freed with pg_image_free. */
int pg_image_find(const vs_request *req, vs_response *res, const dataset_row *ds, const char *ref, pg_image *out);
/* The "{dataset}/{image_path}" tail of a per-image route. The dataset name may
 * itself hold '/' (it arrives percent-decoded), so every split is tried, the
 * shortest dataset name first. */
int pg_route_image(const vs_request *req, vs_response *res, const char *tail, dataset_row *ds, pg_image *im);
/* 402 in the vendor's shape. */
int pg_fail_credits(vs_response *res, int64_t required, int64_t remaining);

/* ------------------------------------------------------------- views */

json_t *pg_view_dataset(const dataset_row *d, const pg_dataset_stats *s);
/* An image status as the closed wire enum (unknown core values read "new"). */
const char *pg_wire_status(const char *status);
/* The default color of the i-th class. */
const char *pg_class_color(size_t i);
json_t *pg_view_image(const vs_request *req, const pg_image *im);
#endif
