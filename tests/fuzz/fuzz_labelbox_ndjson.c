/* fuzz_labelbox_ndjson.c — libFuzzer target for the Labelbox NDJSON validator
 * (server/dialects/labelbox/lb_ndjson.c) and the GraphQL text scanners
 * (lb_gql.c), over a fixed ontology and an in-memory data row.
 *
 * Properties checked on arbitrary input:
 *   - the run never crashes or leaks (ASan/LSan), and either refuses the file
 *     as not NDJSON or reports exactly one status line per non-blank line;
 *   - the error file holds exactly `failures` lines and is empty without them;
 *   - every status line is a JSON object with uuid, dataRow and status;
 *   - the operation / root-field / literal scanners accept any text safely.
 *
 *   clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -Iserver \
 *       tests/fuzz/fuzz_labelbox_ndjson.c server/dialects/labelbox/lb_ndjson.c \
 *       server/dialects/labelbox/lb_ontology.c server/dialects/labelbox/lb_mask.c \
 *       server/dialects/labelbox/lb_strmap.c server/dialects/labelbox/lb_ids.c \
 *       server/dialects/labelbox/lb_gql.c server/request.c server/clock.c server/core/image.c \
 *       server/core/hash.c server/core/ids.c -ljansson -lpng -ljpeg -luuid -lz -lm -o fuzz_labelbox_ndjson
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialects/labelbox/lb_gql.h"
#include "dialects/labelbox/lb_ndjson.h"
#include "dialects/labelbox/lb_ontology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *ONTOLOGY =
    "{\"tools\":[{\"tool\":\"rectangle\",\"name\":\"box\",\"classifications\":[{\"type\":\"radio\",\"name\":\"q\","
    "\"options\":[{\"value\":\"yes\",\"options\":[{\"type\":\"text\",\"name\":\"why\"}]}]}]},"
    "{\"tool\":\"raster-segmentation\",\"name\":\"seg\"},{\"tool\":\"edge\",\"name\":\"rel\"},"
    "{\"tool\":\"polygon\",\"name\":\"poly\"},{\"tool\":\"line\",\"name\":\"ln\"},{\"tool\":\"point\",\"name\":\"pt\"}],"
    "\"classifications\":[{\"type\":\"checklist\",\"name\":\"tags\",\"options\":[{\"value\":\"a\"}]},"
    "{\"type\":\"text\",\"name\":\"note\"}]}";

static int fake_row(void *arg, int by_key, const char *value, lb_rowinfo *out)
{
    (void)arg;
    (void)by_key;
    if (strcmp(value, "r1") != 0)
        return 0;
    memset(out, 0, sizeof *out);
    strcpy(out->asset_id, "r1");
    strcpy(out->dataset_id, "d1");
    out->width = 64;
    out->height = 48;
    return 1;
}

static int fake_fetch(void *arg, const char *url, unsigned char **d, size_t *len)
{
    (void)arg;
    (void)url;
    (void)d;
    (void)len;
    return 1;
}

static int fake_accept(void *arg, const lb_accepted *a)
{
    (void)arg;
    return json_is_array(a->annotations) ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lb_ontology ontology;
    static int loaded;
    if (!loaded) {
        char err[200];
        json_t *in = json_loads(ONTOLOGY, 0, NULL);
        json_t *n = lb_ontology_normalize(in, err, sizeof err);
        char *text = json_dumps(n, JSON_COMPACT);
        if (lb_ontology_load(text, &ontology) != 0)
            abort();
        free(text);
        json_decref(n);
        json_decref(in);
        loaded = 1;
    }
    for (int mal = 0; mal < 2; mal++) {
        lb_ndjson_env env = {&ontology, "cproject", mal, fake_row, fake_fetch, fake_accept, NULL};
        lb_ndjson_report rep;
        char err[200];
        int rc = lb_ndjson_run((const char *)data, size, &env, &rep, err, sizeof err);
        if (rc < 0)
            abort();
        if (rc == 0) {
            int64_t lines = 0, fails = 0;
            for (size_t i = 0; i < rep.status_len; i++)
                lines += rep.status[i] == '\n';
            for (size_t i = 0; i < rep.errors_len; i++)
                fails += rep.errors[i] == '\n';
            if (lines + 1 != rep.lines || (rep.failures ? fails + 1 : 0) != rep.failures ||
                (rep.failures == 0 && rep.errors_len != 0))
                abort();
            json_t *first = json_loadb(rep.status, strcspn(rep.status, "\n"), 0, NULL);
            if (!json_is_object(first) || !json_object_get(first, "uuid") || !json_object_get(first, "status"))
                abort();
            json_decref(first);
        }
        lb_ndjson_report_free(&rep);
    }
    char *text = malloc(size + 1);
    if (text) {
        memcpy(text, data, size);
        text[size] = 0;
        char out[64];
        int64_t v;
        lb_gql_operation(text, out, sizeof out);
        lb_gql_root_field(text, out, sizeof out);
        lb_gql_literal_int(text, "skip", &v);
        free(text);
    }
    return 0;
}
