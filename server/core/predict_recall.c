/* predict_recall.c — a trained model's memory lookup: the training image whose
 * perceptual signature matches the query best (phash_match, ranked by
 * phash_distance; ties go to the earlier training position). The scan reads
 * signatures only; the one matching image's memory is read afterwards. Any
 * thread (request threads of both prediction surfaces).
 */
#include "predict_recall.h"
#include "store_models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const phash_sig *query;
    double best;
    char asset_id[128];
    char filename[256];
    int found;
} scan_acc;

static void consider(const model_memory_row *m, void *arg)
{
    scan_acc *acc = arg;
    phash_sig sig;
    if (phash_from_text(m->signature, &sig) != 0 || !phash_match(acc->query, &sig))
        return;
    double d = phash_distance(acc->query, &sig);
    if (acc->found && d >= acc->best)
        return;
    acc->found = 1;
    acc->best = d;
    snprintf(acc->asset_id, sizeof acc->asset_id, "%s", m->asset_id);
    snprintf(acc->filename, sizeof acc->filename, "%s", m->filename);
}

st_result predict_recall(const char *model_id, const phash_sig *sig, json_t **memory, char *source, size_t cap)
{
    *memory = NULL;
    if (source && cap)
        source[0] = 0;
    scan_acc acc;
    memset(&acc, 0, sizeof acc);
    acc.query = sig;
    st_result r = store_models_memory_scan(model_id, consider, &acc);
    if (r != ST_OK)
        return r;
    if (!acc.found)
        return ST_NOT_FOUND;
    char *text = NULL;
    if ((r = store_models_memory_get(model_id, acc.asset_id, &text)) != ST_OK)
        return r;
    *memory = json_loads(text, 0, NULL);
    free(text);
    if (!*memory)
        return ST_ERROR;
    if (source && cap)
        snprintf(source, cap, "%s", acc.filename);
    return ST_OK;
}
