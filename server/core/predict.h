/* predict.h — the deterministic vision-language model behind every prediction
 * endpoint (the OpenAI-compatible /v1 surface and Vi's run predictions). It
 * knows pixels, annotations and text, never a wire shape.
 *
 * How it answers (spec vi.md §13.4):
 *   - memory: a model trained on a dataset keeps, per training image, its
 *     perceptual signature (phash.h) and what its annotations say (caption,
 *     grounded phrases with normalized boxes, question/answer pairs, free text).
 *     An image matching a training image is answered from that memory: VQA by
 *     the answer of the nearest question (exact, else most shared content
 *     words), phrase grounding by the caption and its boxes in the 0–1024
 *     frame, generic by the free text or caption;
 *   - pixels: anything else is answered from the segmentation engine's salient
 *     objects (segment.h) on the image downscaled to PREDICT_WORK_SIDE: phrases
 *     from size, colour and shape ("large red circle"), counts, colours,
 *     positions, yes/no on presence, a description otherwise.
 * The same request always gives the same bytes. Sampling is honest but seeded:
 * `variant` (predict_variant) picks one of a few phrasings of a sentence, never
 * different boxes or counts.
 *
 * Output: the answer proper is the task JSON for VQA ({"vqa":{"answer"}}) and
 * phrase grounding ({"phrase_grounding":{"sentence","groundings":[{"phrase",
 * "grounding":[[xmin,ymin,xmax,ymax],…]}]}}, integers 0–1024), plain text for
 * generic. With chain of thought the raw output is
 * "<think>reasoning</think><answer>answer</answer>".
 *
 * Threads: everything here is pure (no store, no globals) and safe from any
 * thread. Ownership is stated per function.
 */
#ifndef VS_PREDICT_H
#define VS_PREDICT_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "image.h"
#include "phash.h"
#include "store_annotations.h"

/* Longer side of the working copy every analysis and signature is made on. */
#define PREDICT_WORK_SIDE 256
/* Images above this many pixels are refused before decoding. */
#define PREDICT_MAX_PIXELS (40u * 1000u * 1000u)

typedef enum { PREDICT_GENERIC = 0, PREDICT_VQA, PREDICT_PHRASE_GROUNDING } predict_task;

/* "generic", "vqa", "phrase-grounding". */
const char *predict_task_name(predict_task t);
/* Accepts those names, "phrase_grounding" and the dataset type "freeform"
 * (generic). 0, or -1 for anything else. */
int predict_task_from_name(const char *name, predict_task *out);
/* The prompt a task uses when the caller gives none (static). */
const char *predict_default_prompt(predict_task t);
/* The task a user's words ask for: a question mark or question word → vqa;
 * "describe and locate", "locate", "detect", "find", "ground" → phrase
 * grounding. Returns 1 and sets *out when the text decides, else 0. */
int predict_task_guess(const char *prompt, predict_task *out);

/* ---- images ------------------------------------------------------------- */

typedef struct {
    int width, height;     /* as decoded */
    const char *mime;      /* static */
    image_pixels work;     /* longer side <= PREDICT_WORK_SIDE, owned */
    phash_sig sig;
} predict_image;

/* Decodes PNG/JPEG bytes and prepares the working copy and signature. 0, or -1
 * with a reason in err (not an image, corrupt, too large, no memory). Free with
 * predict_image_free (also after a failure). */
int predict_image_load(const void *data, size_t len, predict_image *out, char *err, size_t errlen);
void predict_image_free(predict_image *im);

/* "data:<image type>[;param]*;base64,<payload>" → bytes (malloc'd into *data,
 * caller frees) and the declared media type (mime[64]). Whitespace inside the
 * payload is skipped. 0, or -1 with a reason in err. */
int predict_data_url_decode(const char *url, size_t len, unsigned char **data, size_t *out_len, char *mime,
                            char *err, size_t errlen);

/* ---- memory: what training keeps of one image --------------------------- */

/* An empty item: {"caption":null,"phrases":[],"qa":[],"response":null,
 * "labels":[]}. The caller owns it. */
json_t *predict_memory_new(void);
/* Folds one core annotation row in (text "caption" / "vqa" {"question",
 * "answer"} / "freeform" rows, boxes of bbox, polygon, polyline and mask rows
 * normalized by width x height, classification labels). Rows it cannot use
 * are skipped. */
void predict_memory_add(json_t *memory, const annotation_row *row, int width, int height);
/* Derives the caption from the phrases when none was annotated. */
void predict_memory_finish(json_t *memory);

/* ---- running the model -------------------------------------------------- */

typedef struct {
    predict_task task;
    const char *prompt;            /* user text; NULL or "" = the task's default */
    const predict_image *image;    /* NULL: no image was given */
    const json_t *memory;          /* the matched training item, or NULL */
    const char *memory_source;     /* its name (file name) for the reasoning, or NULL */
    int cot;                       /* wrap the output in think/answer tags */
    unsigned variant;              /* phrasing variant; 0 = greedy */
} predict_request;

typedef struct {
    predict_task task;   /* as asked */
    char *answer;        /* task JSON (vqa, phrase grounding) or text (generic) */
    char *thinking;      /* the reasoning, always produced */
    char *raw;           /* what the model emits: answer, or think/answer tags */
} predict_output;

/* 0, or -1 when out of memory (out is then empty). Free with
 * predict_output_free. */
int predict_run(const predict_request *rq, predict_output *out);
void predict_output_free(predict_output *o);
/* The phrasing variant for a sampled completion: 0 when temperature is 0,
 * else a function of seed and choice index. */
unsigned predict_variant(int64_t seed, double temperature, int index);

/* The answer as an instance of an arbitrary JSON schema (a response_format the
 * task JSON does not cover): objects get their required (else all) properties,
 * strings the description or, by property name, the answer, a colour or an
 * object phrase; numbers a count or their minimum; arrays one entry per object
 * within minItems..maxItems; enum/const their first value; local $ref,
 * anyOf/oneOf/allOf the first usable branch. Compact JSON text, malloc'd;
 * NULL when out of memory. */
char *predict_fill_schema(const predict_request *rq, const json_t *schema);

/* ---- raw output → result: the client's algorithm (§13.4) ---------------- */

typedef struct {
    predict_task task;   /* the asked task, or generic when the output failed it */
    char *thinking;      /* trimmed first <think> block, or NULL; owned */
    json_t *result;      /* vqa {"answer"}, phrase grounding {"sentence",
                          * "groundings"}, generic the raw output string; owned */
} predict_parsed;

/* Never fails on well-formed text (failures become generic); -1 when out of
 * memory or when raw is not UTF-8. */
int predict_parse(const char *raw, predict_task task, predict_parsed *out);
void predict_parsed_free(predict_parsed *p);

/* ---- tokens --------------------------------------------------------------- */
/* A deterministic stand-in for a tokenizer: a token is an optional leading
 * space plus a run of up to 8 letters (code points), or up to 3 digits, or one
 * other character; a run of other whitespace is one token. Tokens never split
 * a UTF-8 sequence and concatenate back to the text. */
size_t predict_token_end(const char *text, size_t pos);
size_t predict_token_count(const char *text);
/* Bytes taken by the first n tokens. */
size_t predict_token_prefix(const char *text, size_t n);
/* Tokens an image costs in a prompt: one per 28x28 patch, 4..1280. */
int64_t predict_image_tokens(int width, int height);
#endif
