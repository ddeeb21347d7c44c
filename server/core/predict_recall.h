/* predict_recall.h — what a trained model remembers of an image (see
 * predict_recall.c). */
#ifndef VS_PREDICT_RECALL_H
#define VS_PREDICT_RECALL_H
#include <jansson.h>
#include <stddef.h>
#include "phash.h"
#include "store.h"

/* The memory (predict.h) of the training image matching sig best: *memory is
 * owned by the caller, source (cap bytes, may be NULL) gets its file name.
 * ST_NOT_FOUND when no training image matches. */
st_result predict_recall(const char *model_id, const phash_sig *sig, json_t **memory, char *source, size_t cap);
#endif
