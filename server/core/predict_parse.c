/* predict_parse.c — raw model output → typed result, the vendor client's
 * algorithm (spec vi.md §13.4), so that a prediction's `rawOutput` and its
 * parsed `result` can never disagree:
 *   1. thinking = trimmed content of the first <think>…</think>, else null;
 *   2. candidate = trimmed content of the first <answer>…</answer>; without
 *      one but with a think block, the text with every think block removed;
 *      else the whole output;
 *   3. one enclosing Markdown code fence is stripped when the candidate is
 *      exactly fenced;
 *   4. one JSON value is decoded from the first '{' or '[' (the rest ignored);
 *   5. VQA needs {"vqa":{"answer":<non-empty string>}}; phrase grounding
 *      {"phrase_grounding":{"sentence":<non-empty>,"groundings":[{"phrase":
 *      <non-empty>,"grounding":[[4 integers 0..1024],…≥1]},…≥1]}};
 *   6. any failure gives the generic result: the full raw output.
 * Untrusted input (the fuzz target drives it). Pure; any thread.
 */
#include "predict.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Trimmed copy of [s, s+n). */
static char *trimmed(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = 0;
    }
    return out;
}

/* Content of the first <open>…<close> block; NULL when there is none (or no
 * memory: *oom is set then). */
static char *block(const char *raw, const char *open, const char *close, int *oom)
{
    const char *a = strstr(raw, open);
    if (!a)
        return NULL;
    a += strlen(open);
    const char *b = strstr(a, close);
    if (!b)
        return NULL;
    char *t = trimmed(a, (size_t)(b - a));
    if (!t)
        *oom = 1;
    return t;
}

/* raw with every complete <think>…</think> removed, trimmed. */
static char *without_think(const char *raw)
{
    size_t n = strlen(raw);
    char *buf = malloc(n + 1);
    if (!buf)
        return NULL;
    size_t len = 0;
    const char *p = raw;
    for (;;) {
        const char *a = strstr(p, "<think>");
        const char *b = a ? strstr(a + 7, "</think>") : NULL;
        if (!a || !b) {
            size_t rest = strlen(p);
            memcpy(buf + len, p, rest);
            len += rest;
            break;
        }
        memcpy(buf + len, p, (size_t)(a - p));
        len += (size_t)(a - p);
        p = b + 8;
    }
    char *t = trimmed(buf, len);
    free(buf);
    return t;
}

/* Strips one enclosing ``` fence (with an optional info string) in place. */
static void unfence(char *s)
{
    size_t n = strlen(s);
    if (n < 6 || strncmp(s, "```", 3) != 0 || strcmp(s + n - 3, "```") != 0)
        return;
    const char *nl = strchr(s + 3, '\n');
    if (!nl || (size_t)(nl - s) > n - 3)
        return;
    size_t start = (size_t)(nl + 1 - s), end = n - 3;
    if (start > end)
        return;
    char *inner = trimmed(s + start, end - start);
    if (!inner)
        return;
    memmove(s, inner, strlen(inner) + 1);
    free(inner);
}

static int nonempty_string(const json_t *v) { return json_is_string(v) && json_string_length(v) > 0; }

static json_t *vqa_result(const json_t *doc)
{
    const json_t *answer = json_object_get(json_object_get(doc, "vqa"), "answer");
    return nonempty_string(answer) ? json_pack("{s:O}", "answer", answer) : NULL;
}

static int box_ok(const json_t *box)
{
    if (!json_is_array(box) || json_array_size(box) != 4)
        return 0;
    for (size_t i = 0; i < 4; i++) {
        const json_t *v = json_array_get(box, i);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1024)
            return 0;
    }
    return 1;
}

static json_t *grounding_result(const json_t *doc)
{
    const json_t *pg = json_object_get(doc, "phrase_grounding");
    const json_t *sentence = json_object_get(pg, "sentence");
    const json_t *groundings = json_object_get(pg, "groundings");
    if (!nonempty_string(sentence) || !json_is_array(groundings) || json_array_size(groundings) == 0)
        return NULL;
    json_t *list = json_array();
    size_t i;
    const json_t *g;
    json_array_foreach(groundings, i, g) {
        const json_t *phrase = json_object_get(g, "phrase");
        const json_t *boxes = json_object_get(g, "grounding");
        int ok = nonempty_string(phrase) && json_is_array(boxes) && json_array_size(boxes) > 0;
        for (size_t k = 0; ok && k < json_array_size(boxes); k++)
            ok = box_ok(json_array_get(boxes, k));
        if (!ok) {
            json_decref(list);
            return NULL;
        }
        json_array_append_new(list, json_pack("{s:O,s:O}", "phrase", phrase, "grounding", boxes));
    }
    return json_pack("{s:O,s:o}", "sentence", sentence, "groundings", list);
}

int predict_parse(const char *raw, predict_task task, predict_parsed *out)
{
    memset(out, 0, sizeof *out);
    int oom = 0;
    char *candidate = NULL;
    json_t *doc = NULL;
    if (!raw)
        raw = "";
    out->thinking = block(raw, "<think>", "</think>", &oom);
    if (task != PREDICT_GENERIC && !oom) {
        candidate = block(raw, "<answer>", "</answer>", &oom);
        if (!candidate && !oom)
            candidate = out->thinking ? without_think(raw) : trimmed(raw, strlen(raw));
        if (!candidate)
            oom = 1;
    }
    if (candidate) {
        unfence(candidate);
        const char *start = candidate + strcspn(candidate, "{[");
        if (*start)
            doc = json_loads(start, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, NULL);
        if (doc)
            out->result = task == PREDICT_VQA ? vqa_result(doc) : grounding_result(doc);
    }
    out->task = out->result ? task : PREDICT_GENERIC;
    if (!out->result && !oom)
        out->result = json_string(raw); /* NULL for text that is not UTF-8 */
    json_decref(doc);
    free(candidate);
    if (oom || !out->result) {
        predict_parsed_free(out);
        return -1;
    }
    return 0;
}

void predict_parsed_free(predict_parsed *p)
{
    free(p->thinking);
    json_decref(p->result);
    memset(p, 0, sizeof *p);
}
