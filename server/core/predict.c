/* predict.c — composing the model's answer (see predict.h): from the matched
 * training memory when there is one and it covers the question, else from the
 * pixels (predict_scene.c). The reasoning is written alongside the answer so
 * chain-of-thought output says what the answer was computed from. The scene is
 * analysed lazily: an answer read from memory never pays for segmentation.
 * Pure; any thread.
 */
#include "predict.h"
#include "formats/format.h"
#include "predict_scene.h"
#include "segment.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VARIANTS 3

const char *predict_task_name(predict_task t)
{
    return t == PREDICT_VQA ? "vqa" : t == PREDICT_PHRASE_GROUNDING ? "phrase-grounding" : "generic";
}

int predict_task_from_name(const char *name, predict_task *out)
{
    if (!name)
        return -1;
    if (strcmp(name, "vqa") == 0)
        *out = PREDICT_VQA;
    else if (strcmp(name, "phrase-grounding") == 0 || strcmp(name, "phrase_grounding") == 0)
        *out = PREDICT_PHRASE_GROUNDING;
    else if (strcmp(name, "generic") == 0 || strcmp(name, "freeform") == 0)
        *out = PREDICT_GENERIC;
    else
        return -1;
    return 0;
}

const char *predict_default_prompt(predict_task t)
{
    switch (t) {
    case PREDICT_VQA: return "What is in this image?";
    case PREDICT_PHRASE_GROUNDING: return "Describe and locate all visible objects in this image.";
    case PREDICT_GENERIC:
    default: return "Describe this image.";
    }
}

/* ---- words ------------------------------------------------------------------ */

#define MAX_WORDS 48

typedef struct {
    int n;
    char w[MAX_WORDS][24];
} words;

/* Lower-case ASCII words of s (other bytes separate words), plurals kept. */
static void words_of(const char *s, words *out)
{
    out->n = 0;
    while (s && *s && out->n < MAX_WORDS) {
        while (*s && !isalnum((unsigned char)*s))
            s++;
        size_t len = 0;
        while (s[len] && isalnum((unsigned char)s[len]))
            len++;
        if (!len)
            break;
        size_t keep = len < sizeof out->w[0] - 1 ? len : sizeof out->w[0] - 1;
        for (size_t i = 0; i < keep; i++)
            out->w[out->n][i] = (char)tolower((unsigned char)s[i]);
        out->w[out->n][keep] = 0;
        out->n++;
        s += len;
    }
}

static int has_word(const words *w, const char *word)
{
    for (int i = 0; i < w->n; i++)
        if (strcmp(w->w[i], word) == 0)
            return 1;
    return 0;
}

static int has_pair(const words *w, const char *a, const char *b)
{
    for (int i = 0; i + 1 < w->n; i++)
        if (strcmp(w->w[i], a) == 0 && strcmp(w->w[i + 1], b) == 0)
            return 1;
    return 0;
}

/* "cars" → "car", "boxes" → "box", into out (same size as a word). */
static void singular(const char *w, char *out, size_t cap)
{
    size_t n = strlen(w);
    if (n > 4 && strcmp(w + n - 3, "ies") == 0)
        snprintf(out, cap, "%.*sy", (int)(n - 3), w);
    else if (n > 4 && (strcmp(w + n - 3, "xes") == 0 || strcmp(w + n - 4, "ches") == 0 ||
                       strcmp(w + n - 4, "shes") == 0))
        snprintf(out, cap, "%.*s", (int)(n - 2), w);
    else if (n > 2 && w[n - 1] == 's' && w[n - 2] != 's')
        snprintf(out, cap, "%.*s", (int)(n - 1), w);
    else
        snprintf(out, cap, "%s", w);
}

static const char *const question_words[] = {"what", "which", "who", "whom", "whose", "where", "when", "why",
                                             "how", "is", "are", "does", "do", "can", "could", "was", "were",
                                             "has", "have", "will", "should", "would", "did", NULL};

static int is_question_word(const char *w)
{
    for (size_t i = 0; question_words[i]; i++)
        if (strcmp(w, question_words[i]) == 0)
            return 1;
    return 0;
}

int predict_task_guess(const char *prompt, predict_task *out)
{
    if (!prompt || !*prompt)
        return 0;
    words w;
    words_of(prompt, &w);
    if (strchr(prompt, '?') || (w.n && is_question_word(w.w[0]))) {
        *out = PREDICT_VQA;
        return 1;
    }
    if (has_word(&w, "locate") || has_word(&w, "detect") || has_word(&w, "find") || has_word(&w, "ground") ||
        has_word(&w, "localize") || has_word(&w, "localise")) {
        *out = PREDICT_PHRASE_GROUNDING;
        return 1;
    }
    return 0;
}

/* Words that carry no content when matching a question against the
 * memorised ones. */
static const char *const stopwords[] = {
    "a", "an", "the", "is", "are", "was", "were", "be", "this", "that", "these", "those", "of", "in", "on", "at",
    "to", "for", "and", "or", "it", "its", "what", "which", "who", "how", "do", "does", "there", "image", "picture",
    "photo", "shown", "see", "you", "can", "please", "me", "tell", NULL};

static int is_stopword(const char *w)
{
    for (size_t i = 0; stopwords[i]; i++)
        if (strcmp(w, stopwords[i]) == 0)
            return 1;
    return 0;
}

/* Content words, singular, without duplicates. */
static void content_words(const char *s, words *out)
{
    words all;
    words_of(s, &all);
    out->n = 0;
    for (int i = 0; i < all.n; i++) {
        if (is_stopword(all.w[i]))
            continue;
        char one[24];
        singular(strcmp(all.w[i], "color") == 0 ? "colour" : all.w[i], one, sizeof one);
        if (!has_word(out, one))
            snprintf(out->w[out->n++], sizeof out->w[0], "%s", one);
    }
}

static int same_words(const words *a, const words *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->w[i], b->w[i]) != 0)
            return 0;
    return 1;
}

/* ---- what a question asks ------------------------------------------------------ */

typedef enum { ASK_DESCRIBE = 0, ASK_COUNT, ASK_COLOUR, ASK_SHAPE, ASK_WHERE, ASK_YESNO } ask_kind;

typedef struct {
    ask_kind kind;
    seg_query filter;   /* colour and shape words of the question */
    int background;     /* the question names the background */
    words w;
} question;

static void question_parse(const char *prompt, question *q)
{
    memset(q, 0, sizeof *q);
    words_of(prompt, &q->w);
    segment_query_parse(prompt, &q->filter);
    q->background = has_word(&q->w, "background");
    const char *first = q->w.n ? q->w.w[0] : "";
    if (has_pair(&q->w, "how", "many") || has_word(&q->w, "count") || has_pair(&q->w, "number", "of"))
        q->kind = ASK_COUNT;
    else if (has_word(&q->w, "colour") || has_word(&q->w, "color") || has_word(&q->w, "colours") ||
             has_word(&q->w, "colors"))
        q->kind = ASK_COLOUR;
    else if (has_word(&q->w, "shape"))
        q->kind = ASK_SHAPE;
    else if (has_word(&q->w, "where"))
        q->kind = ASK_WHERE;
    else if (!strcmp(first, "is") || !strcmp(first, "are") || !strcmp(first, "does") || !strcmp(first, "do") ||
             !strcmp(first, "can") || !strcmp(first, "was") || !strcmp(first, "were") || !strcmp(first, "has") ||
             !strcmp(first, "have") || !strcmp(first, "any"))
        q->kind = ASK_YESNO;
}

/* ---- context ------------------------------------------------------------------ */

typedef struct {
    const predict_request *rq;
    const char *prompt;
    predict_scene scene;
    int have_scene;
    int scene_failed;
    format_buf think;
} run_ctx;

static const predict_scene *scene_of(run_ctx *c)
{
    if (!c->have_scene && !c->scene_failed && c->rq->image) {
        if (predict_scene_analyse(&c->rq->image->work, &c->scene) == 0)
            c->have_scene = 1;
        else
            c->scene_failed = 1;
    }
    return c->have_scene ? &c->scene : NULL;
}

static const char *const number_words[] = {"no",    "one",   "two",    "three",  "four",   "five",  "six",
                                           "seven", "eight", "nine",   "ten",    "eleven", "twelve"};

static const char *article(const char *phrase) { return strchr("aeiou", phrase[0]) ? "an" : "a"; }

typedef struct {
    const char *phrase;
    int count;
    int members[SCENE_MAX_OBJECTS];
} group;

/* Objects grouped by phrase, in rank order of their first member. */
static int group_objects(const predict_scene *s, group *g)
{
    int n = 0;
    for (int i = 0; i < s->n; i++) {
        int k = 0;
        while (k < n && strcmp(g[k].phrase, s->objects[i].phrase) != 0)
            k++;
        if (k == n) {
            g[n].phrase = s->objects[i].phrase;
            g[n].count = 0;
            n++;
        }
        g[k].members[g[k].count++] = i;
    }
    return n;
}

/* "a large red circle, two small blue squares and a green object". */
static void object_list(format_buf *b, const group *g, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            format_buf_puts(b, i == n - 1 ? " and " : ", ");
        if (g[i].count == 1)
            format_buf_printf(b, "%s %s", article(g[i].phrase), g[i].phrase);
        else if (g[i].count < 13)
            format_buf_printf(b, "%s %ss", number_words[g[i].count], g[i].phrase);
        else
            format_buf_printf(b, "%d %ss", g[i].count, g[i].phrase);
    }
}

static void capitalise_first(format_buf *b, size_t from)
{
    if (!b->failed && b->len > from)
        b->data[from] = (unsigned char)toupper(b->data[from]);
}

/* The description of a scene, in one of VARIANTS phrasings. */
static void scene_sentence(format_buf *b, const predict_scene *s, unsigned variant)
{
    group g[SCENE_MAX_OBJECTS];
    int n = group_objects(s, g);
    size_t start = b->len;
    unsigned v = variant % VARIANTS;
    if (n == 0) {
        if (v == 0)
            format_buf_printf(b, "A plain %s background with no distinct objects.", s->background);
        else if (v == 1)
            format_buf_printf(b, "The image shows a plain %s background with no distinct objects.", s->background);
        else
            format_buf_printf(b, "There are no distinct objects, only a plain %s background.", s->background);
        return;
    }
    if (v == 1)
        format_buf_puts(b, "The image shows ");
    else if (v == 2)
        format_buf_printf(b, "There %s ", s->n == 1 ? "is" : "are");
    object_list(b, g, n);
    format_buf_printf(b, " %s %s %s background.", v == 2 ? "against" : "on", article(s->background), s->background);
    capitalise_first(b, start);
}

static void think_scene(run_ctx *c, const predict_scene *s)
{
    format_buf_printf(&c->think, "The image is %dx%d pixels with %s %s background. ", c->rq->image->width,
                      c->rq->image->height, article(s->background), s->background);
    if (s->n == 0) {
        format_buf_puts(&c->think, "I find no distinct object in it. ");
        return;
    }
    format_buf_printf(&c->think, "I find %d salient object%s: ", s->n, s->n == 1 ? "" : "s");
    for (int i = 0; i < s->n; i++) {
        const scene_object *o = &s->objects[i];
        format_buf_printf(&c->think, "%s%s %s at [%d, %d, %d, %d]", i ? "; " : "", article(o->phrase), o->phrase,
                          o->box[0], o->box[1], o->box[2], o->box[3]);
    }
    format_buf_puts(&c->think, ". ");
}

/* ---- answers from pixels -------------------------------------------------------- */

static int object_matches(const scene_object *o, const seg_query *f)
{
    if (f->colours && !(o->colour_bits & f->colours))
        return 0;
    if (f->shapes && !(o->shape_bits & f->shapes))
        return 0;
    return 1;
}

static const scene_object *first_match(const predict_scene *s, const seg_query *f)
{
    for (int i = 0; i < s->n; i++)
        if (object_matches(&s->objects[i], f))
            return &s->objects[i];
    return NULL;
}

static void position_of(const scene_object *o, format_buf *b)
{
    int cx = (o->box[0] + o->box[2]) / 2, cy = (o->box[1] + o->box[3]) / 2;
    const char *v = cy < 341 ? "top" : cy > 682 ? "bottom" : NULL;
    const char *h = cx < 341 ? "left" : cx > 682 ? "right" : NULL;
    if (!v && !h)
        format_buf_puts(b, "In the centre of the image.");
    else if (v && h)
        format_buf_printf(b, "In the %s %s of the image.", v, h);
    else
        format_buf_printf(b, "On the %s of the image.", v ? v : h);
}

static void vqa_from_pixels(run_ctx *c, const question *q, format_buf *answer)
{
    const predict_scene *s = scene_of(c);
    if (!s) {
        format_buf_puts(answer, "No image was provided, so I cannot answer.");
        format_buf_puts(&c->think, "There is no image to look at. ");
        return;
    }
    think_scene(c, s);
    seg_query only_shape = {0, q->filter.shapes}, only_colour = {q->filter.colours, 0};
    switch (q->kind) {
    case ASK_COUNT: {
        int n = 0;
        for (int i = 0; i < s->n; i++)
            n += object_matches(&s->objects[i], &q->filter);
        format_buf_printf(answer, "%d", n);
        format_buf_printf(&c->think, "Counting the objects the question describes gives %d.", n);
        return;
    }
    case ASK_COLOUR: {
        const scene_object *o = q->background ? NULL : first_match(s, &only_shape);
        format_buf_puts(answer, o ? o->colour : s->background);
        format_buf_printf(&c->think, "The %s is %s.", o ? o->phrase : "background", o ? o->colour : s->background);
        return;
    }
    case ASK_SHAPE: {
        const scene_object *o = first_match(s, &only_colour);
        if (o && strcmp(o->shape, "object") != 0)
            format_buf_puts(answer, o->shape);
        else
            format_buf_puts(answer, o ? "an irregular shape" : "There is no such object.");
        format_buf_printf(&c->think, "The object asked about is %s.", o ? o->phrase : "not in the image");
        return;
    }
    case ASK_WHERE: {
        const scene_object *o = first_match(s, &q->filter);
        if (o)
            position_of(o, answer);
        else
            format_buf_puts(answer, "There is no such object in the image.");
        format_buf_printf(&c->think, "I look for the object the question names: %s.", o ? o->phrase : "none matches");
        return;
    }
    case ASK_YESNO: {
        int yes;
        if (q->background && q->filter.colours)
            yes = (s->background_bits & q->filter.colours) != 0;
        else
            yes = (q->filter.colours || q->filter.shapes) ? first_match(s, &q->filter) != NULL : s->n > 0;
        format_buf_puts(answer, yes ? "Yes" : "No");
        format_buf_printf(&c->think, "What the question asks about is %s.", yes ? "there" : "not there");
        return;
    }
    case ASK_DESCRIBE:
    default:
        scene_sentence(answer, s, c->rq->variant);
        format_buf_puts(&c->think, "The question asks what the image shows, so I describe it.");
        return;
    }
}

/* ---- answers from memory --------------------------------------------------------- */

static const char *mem_string(const json_t *m, const char *key)
{
    const char *s = json_string_value(json_object_get(m, key));
    return s && *s ? s : NULL;
}

static void think_memory(run_ctx *c)
{
    if (c->rq->memory_source)
        format_buf_printf(&c->think, "This image matches the training image %s, so I answer from its annotation. ",
                          c->rq->memory_source);
    else
        format_buf_puts(&c->think, "This image matches a training image, so I answer from its annotation. ");
}

/* The memorised answer of the nearest question, or NULL. */
static const char *memory_qa(run_ctx *c, const question *q)
{
    const json_t *qa = json_object_get(c->rq->memory, "qa");
    words asked, asked_all;
    content_words(c->prompt, &asked);
    words_of(c->prompt, &asked_all);
    const json_t *best = NULL;
    double best_score = 0;
    size_t i;
    const json_t *item;
    json_array_foreach(qa, i, item) {
        const char *text = json_string_value(json_object_get(item, "question"));
        words known_all, known;
        words_of(text, &known_all);
        if (same_words(&asked_all, &known_all)) {
            best = item;
            break;
        }
        /* A count is never the answer to a colour question, and so on. */
        question kq;
        question_parse(text, &kq);
        if (kq.kind != q->kind)
            continue;
        content_words(text, &known);
        int shared = 0;
        for (int k = 0; k < known.n; k++)
            shared += has_word(&asked, known.w[k]);
        int uni = asked.n + known.n - shared;
        double score = uni ? (double)shared / uni : 0;
        if (score > best_score) {
            best_score = score;
            best = item;
        }
    }
    if (!best)
        return NULL;
    think_memory(c);
    format_buf_printf(&c->think, "The closest annotated question is \"%s\".",
                      json_string_value(json_object_get(best, "question")));
    return json_string_value(json_object_get(best, "answer"));
}

/* A count of memorised boxes whose phrase shares a content word with the
 * question; -1 when no phrase does. */
static int memory_count(run_ctx *c)
{
    words asked;
    content_words(c->prompt, &asked);
    int total = -1;
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(c->rq->memory, "phrases"), i, p) {
        words phrase;
        content_words(json_string_value(json_object_get(p, "phrase")), &phrase);
        int hit = 0;
        for (int k = 0; k < phrase.n && !hit; k++)
            hit = has_word(&asked, phrase.w[k]) && strcmp(phrase.w[k], "many") != 0;
        if (hit)
            total = (total < 0 ? 0 : total) + (int)json_array_size(json_object_get(p, "boxes"));
    }
    return total;
}

static void answer_vqa(run_ctx *c, format_buf *answer)
{
    question q;
    question_parse(c->prompt, &q);
    if (c->rq->memory) {
        const char *a = memory_qa(c, &q);
        if (a) {
            format_buf_puts(answer, a);
            return;
        }
        int n = q.kind == ASK_COUNT ? memory_count(c) : -1;
        if (n >= 0) {
            think_memory(c);
            format_buf_printf(&c->think, "Its boxes of what the question names number %d.", n);
            format_buf_printf(answer, "%d", n);
            return;
        }
        const char *caption = mem_string(c->rq->memory, "caption");
        if (q.kind == ASK_DESCRIBE && caption) {
            think_memory(c);
            format_buf_puts(&c->think, "The question asks what the image shows; its caption says so.");
            format_buf_puts(answer, caption);
            return;
        }
    }
    vqa_from_pixels(c, &q, answer);
}

static void answer_generic(run_ctx *c, format_buf *answer)
{
    const char *text = c->rq->memory ? mem_string(c->rq->memory, "response") : NULL;
    if (!text && c->rq->memory)
        text = mem_string(c->rq->memory, "caption");
    if (text) {
        think_memory(c);
        format_buf_puts(answer, text);
        return;
    }
    const predict_scene *s = scene_of(c);
    if (!s) {
        format_buf_puts(answer, "No image was provided.");
        format_buf_puts(&c->think, "There is no image to describe.");
        return;
    }
    think_scene(c, s);
    format_buf_puts(&c->think, "I describe what I see.");
    scene_sentence(answer, s, c->rq->variant);
}

static int to_frame(double v)
{
    long x = lround(v * 1024.0);
    return x < 0 ? 0 : x > 1024 ? 1024 : (int)x;
}

/* {"sentence","groundings"} from memory; NULL when it has no boxes. */
static json_t *grounding_from_memory(run_ctx *c)
{
    const json_t *phrases = json_object_get(c->rq->memory, "phrases");
    const char *caption = mem_string(c->rq->memory, "caption");
    if (json_array_size(phrases) == 0 || !caption)
        return NULL;
    json_t *list = json_array();
    size_t i, k;
    const json_t *p, *box;
    json_array_foreach(phrases, i, p) {
        json_t *boxes = json_array();
        json_array_foreach(json_object_get(p, "boxes"), k, box) {
            json_array_append_new(boxes, json_pack("[i,i,i,i]", to_frame(json_number_value(json_array_get(box, 0))),
                                                   to_frame(json_number_value(json_array_get(box, 1))),
                                                   to_frame(json_number_value(json_array_get(box, 2))),
                                                   to_frame(json_number_value(json_array_get(box, 3)))));
        }
        json_array_append_new(list, json_pack("{s:O,s:o}", "phrase", json_object_get(p, "phrase"), "grounding", boxes));
    }
    think_memory(c);
    format_buf_printf(&c->think, "Its caption is \"%s\" with %zu grounded phrase%s.", caption, json_array_size(list),
                      json_array_size(list) == 1 ? "" : "s");
    return json_pack("{s:s,s:o}", "sentence", caption, "groundings", list);
}

static json_t *grounding_from_pixels(run_ctx *c)
{
    const predict_scene *s = scene_of(c);
    json_t *list = json_array();
    format_buf sentence = {0};
    if (!s) {
        format_buf_puts(&sentence, "No image was provided.");
        format_buf_puts(&c->think, "There is no image, so nothing can be located; the frame is empty.");
        json_array_append_new(list, json_pack("{s:s,s:[[i,i,i,i]]}", "phrase", "empty frame", "grounding", 0, 0,
                                              1024, 1024));
    } else {
        think_scene(c, s);
        format_buf_puts(&c->think, "Each object is named by size, colour and shape and boxed in the 0-1024 frame.");
        scene_sentence(&sentence, s, c->rq->variant);
        group g[SCENE_MAX_OBJECTS];
        int n = group_objects(s, g);
        for (int i = 0; i < n; i++) {
            json_t *boxes = json_array();
            for (int k = 0; k < g[i].count; k++) {
                const int *b = s->objects[g[i].members[k]].box;
                json_array_append_new(boxes, json_pack("[i,i,i,i]", b[0], b[1], b[2], b[3]));
            }
            json_array_append_new(list, json_pack("{s:s,s:o}", "phrase", g[i].phrase, "grounding", boxes));
        }
        if (n == 0) {
            char phrase[48];
            snprintf(phrase, sizeof phrase, "%s background", s->background);
            json_array_append_new(list, json_pack("{s:s,s:[[i,i,i,i]]}", "phrase", phrase, "grounding", 0, 0, 1024,
                                                  1024));
        }
    }
    json_t *out = json_pack("{s:s%,s:o}", "sentence", sentence.data ? (const char *)sentence.data : "",
                            sentence.len, "groundings", list);
    format_buf_free(&sentence);
    return out;
}

static char *dump(json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    return text;
}

static char *buf_take(format_buf *b)
{
    if (b->failed) {
        format_buf_free(b);
        return NULL;
    }
    char *s = b->data ? (char *)b->data : strdup("");
    memset(b, 0, sizeof *b);
    return s;
}

int predict_run(const predict_request *rq, predict_output *out)
{
    memset(out, 0, sizeof *out);
    run_ctx c = {rq, rq->prompt && *rq->prompt ? rq->prompt : predict_default_prompt(rq->task), {0}, 0, 0, {0}};
    format_buf text = {0}, raw = {0};
    out->task = rq->task;
    if (rq->task == PREDICT_VQA) {
        answer_vqa(&c, &text);
        json_t *doc = json_pack("{s:{s:s%}}", "vqa", "answer", text.data ? (const char *)text.data : "", text.len);
        out->answer = text.failed ? NULL : dump(doc);
        if (text.failed)
            json_decref(doc);
    } else if (rq->task == PREDICT_PHRASE_GROUNDING) {
        json_t *result = rq->memory ? grounding_from_memory(&c) : NULL;
        if (!result)
            result = grounding_from_pixels(&c);
        out->answer = dump(json_pack("{s:o}", "phrase_grounding", result));
    } else {
        answer_generic(&c, &text);
        out->answer = buf_take(&text);
    }
    format_buf_free(&text);
    out->thinking = buf_take(&c.think);
    if (out->answer && out->thinking) {
        if (rq->cot) {
            format_buf_printf(&raw, "<think>%s</think><answer>%s</answer>", out->thinking, out->answer);
            out->raw = buf_take(&raw);
        } else {
            out->raw = strdup(out->answer);
        }
    }
    if (!out->answer || !out->thinking || !out->raw) {
        predict_output_free(out);
        return -1;
    }
    return 0;
}

void predict_output_free(predict_output *o)
{
    free(o->answer);
    free(o->thinking);
    free(o->raw);
    memset(o, 0, sizeof *o);
}

unsigned predict_variant(int64_t seed, double temperature, int index)
{
    if (!(temperature > 0))
        return 0;
    /* splitmix64 of the seed and choice: a stable, well-spread pick. */
    uint64_t z = (uint64_t)seed + 0x9E3779B97F4A7C15ULL * (uint64_t)(index + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (unsigned)(z % VARIANTS);
}
