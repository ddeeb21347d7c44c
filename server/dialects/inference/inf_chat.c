/* inf_chat.c — POST /v1/chat/completions, OpenAI-compatible (spec vi.md
 * §13.4, the surface the vendor SDK's NIM predictor calls).
 *
 * Task, first rule that applies: a response_format.json_schema whose schema
 * has a top-level `vqa` or `phrase_grounding` property, or whose name contains
 * VQA/Vqa or PhraseGrounding; else the model's own task (a run's
 * projectKind); else the user's words (predict_task_guess); else generic.
 *
 * Content: with a task schema, exactly the task JSON (no tags, no fences, as
 * that client parses strictly); with any other json_schema, an instance of
 * that schema (predict_fill_schema); with json_object, the task JSON or
 * {"response": text}; otherwise the model's raw output, in
 * <think>…</think><answer>…</answer> when chain of thought was asked for.
 * Then `stop` cuts at the first stop sequence (finish_reason "stop") and
 * max_tokens / max_completion_tokens cut at that many tokens (finish_reason
 * "length") — honestly: a cut JSON stays cut.
 *
 * Sampling: choice i of n uses predict_variant(seed, temperature, i), so equal
 * requests give equal bytes. Usage counts tokens with predict_tokens.c:
 * prompt = every message's text + 28x28 patches per image + 4 per message + 3.
 * stream:true answers one text/event-stream body: a role chunk, one chunk per
 * token with choices[0].delta.content, a closing chunk with finish_reason,
 * a usage chunk when stream_options.include_usage, then `data: [DONE]`.
 * Request threads only.
 */
#include "clock.h"
#include "core/formats/format.h"
#include "core/ids.h"
#include "core/predict.h"
#include "core/predict_recall.h"
#include "core/store_remote_files.h"
#include "inf_request.h"
#include "inf_routes.h"
#include "version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FINGERPRINT "fp_visionstack_" VISIONSTACK_VERSION

typedef struct {
    char *content;
    const char *finish;
    int64_t tokens;
} choice;

/* The task a json_schema names, or -1. */
static int schema_task(const inf_request *r)
{
    if (r->format != INF_FORMAT_JSON_SCHEMA)
        return -1;
    const json_t *props = json_object_get(r->schema, "properties");
    const char *name = r->schema_name ? r->schema_name : "";
    if (json_object_get(props, "vqa") || strstr(name, "VQA") || strstr(name, "Vqa"))
        return PREDICT_VQA;
    if (json_object_get(props, "phrase_grounding") || strstr(name, "PhraseGrounding"))
        return PREDICT_PHRASE_GROUNDING;
    return -1;
}

static predict_task task_of(const inf_request *r, const model_row *m, int is_base)
{
    int t = schema_task(r);
    if (t >= 0)
        return (predict_task)t;
    predict_task own;
    if (!is_base && predict_task_from_name(m->task, &own) == 0)
        return own;
    if (predict_task_guess(r->prompt, &own))
        return own;
    return PREDICT_GENERIC;
}

/* The bytes behind an image URL: a data URL, or a registered remote file. */
static int image_bytes(vs_response *res, const char *url, int index, unsigned char **data, size_t *len)
{
    char param[64], mime[64], err[160];
    snprintf(param, sizeof param, "messages.image_url[%d]", index);
    if (strncmp(url, "data:", 5) == 0) {
        if (predict_data_url_decode(url, strlen(url), data, len, mime, err, sizeof err) != 0)
            return inf_fail(res, 400, "invalid_image_url", param, "Invalid image data URL: %s", err);
        return 0;
    }
    if ((strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) || strlen(url) > REMOTE_FILE_URL_MAX)
        return inf_fail(res, 400, "invalid_image_url", param,
                        "Image URLs must be data URLs (data:image/jpeg;base64,...) or http(s) URLs");
    st_result r = store_remote_files_fetch(url, data, len, NULL);
    if (r == ST_NOT_FOUND)
        return inf_fail(res, 400, "invalid_image_url", param, "Error while downloading %.200s: the host is unreachable",
                        url);
    if (r != ST_OK)
        return vs_fail_store(res, r, "Image");
    return 0;
}

/* Loads the image the model looks at and counts every image's tokens. */
static int load_images(vs_response *res, const inf_request *r, predict_image *im, int *have, int64_t *tokens)
{
    int chosen = r->image >= 0 ? r->image : r->nimages - 1;
    for (int i = 0; i < r->nimages; i++) {
        unsigned char *data = NULL;
        size_t len = 0;
        if (image_bytes(res, r->images[i], i, &data, &len) != 0)
            return -1;
        char err[200], param[64];
        snprintf(param, sizeof param, "messages.image_url[%d]", i);
        int rc = 0;
        if (i == chosen) {
            if (predict_image_load(data, len, im, err, sizeof err) != 0)
                rc = inf_fail(res, 400, "invalid_image", param, "Invalid image: %s", err);
            else {
                *have = 1;
                *tokens += predict_image_tokens(im->width, im->height);
            }
        } else {
            image_info info;
            if (image_probe(data, len, &info) != 0)
                rc = inf_fail(res, 400, "invalid_image", param, "Invalid image: not a PNG or JPEG file");
            else
                *tokens += predict_image_tokens(info.width, info.height);
        }
        free(data);
        if (rc)
            return -1;
    }
    return 0;
}

static char *answer_text(const predict_request *rq, int want_raw)
{
    predict_output o;
    if (predict_run(rq, &o) != 0)
        return NULL;
    char *text = want_raw ? o.raw : o.answer;
    if (want_raw)
        o.raw = NULL;
    else
        o.answer = NULL;
    predict_output_free(&o);
    return text;
}

static int make_choice(const inf_request *r, predict_request *rq, choice *c)
{
    char *text = NULL;
    if (r->format == INF_FORMAT_JSON_SCHEMA && schema_task(r) < 0 && r->schema) {
        text = predict_fill_schema(rq, r->schema);
    } else if (r->format == INF_FORMAT_JSON_SCHEMA || r->format == INF_FORMAT_JSON_OBJECT) {
        rq->cot = 0;
        char *answer = answer_text(rq, 0);
        if (answer && rq->task == PREDICT_GENERIC) {
            json_t *wrapped = json_pack("{s:s}", "response", answer);
            text = wrapped ? json_dumps(wrapped, JSON_COMPACT) : NULL;
            json_decref(wrapped);
            free(answer);
        } else {
            text = answer;
        }
    } else {
        text = answer_text(rq, 1);
    }
    if (!text)
        return -1;
    c->finish = "stop";
    size_t cut = strlen(text);
    for (int i = 0; i < r->nstop; i++) {
        const char *at = strstr(text, r->stop[i]);
        if (at && (size_t)(at - text) < cut)
            cut = (size_t)(at - text);
    }
    text[cut] = 0;
    if (r->max_tokens > 0 && (int64_t)predict_token_count(text) > r->max_tokens) {
        text[predict_token_prefix(text, (size_t)r->max_tokens)] = 0;
        c->finish = "length";
    }
    c->content = text;
    c->tokens = (int64_t)predict_token_count(text);
    return 0;
}

static json_t *chunk(const char *id, int64_t created, const char *model, json_t *choices, int usage_null)
{
    json_t *c = json_pack("{s:s,s:s,s:I,s:s,s:s,s:o}", "id", id, "object", "chat.completion.chunk", "created",
                          (json_int_t)created, "model", model, "system_fingerprint", FINGERPRINT, "choices", choices);
    if (usage_null)
        json_object_set_new(c, "usage", json_null());
    return c;
}

static void sse_data(format_buf *b, json_t *data)
{
    char *text = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(data);
    if (!text) {
        b->failed = 1;
        return;
    }
    format_buf_puts(b, "data: ");
    format_buf_puts(b, text);
    format_buf_puts(b, "\n\n");
    free(text);
}

static json_t *delta(int index, json_t *d, const char *finish)
{
    return json_pack("[{s:i,s:o,s:n,s:o}]", "index", index, "delta", d, "logprobs", "finish_reason",
                     finish ? json_string(finish) : json_null());
}

static int reply_stream(vs_response *res, const inf_request *r, const char *id, int64_t created, const choice *cs,
                        json_t *usage)
{
    format_buf b = {0};
    int u = r->include_usage;
    for (int i = 0; i < r->n; i++) {
        sse_data(&b, chunk(id, created, r->model,
                           delta(i, json_pack("{s:s,s:s}", "role", "assistant", "content", ""), NULL), u));
        const char *text = cs[i].content;
        for (size_t p = 0; text[p];) {
            size_t e = predict_token_end(text, p);
            sse_data(&b, chunk(id, created, r->model, delta(i, json_pack("{s:s%}", "content", text + p, e - p), NULL),
                               u));
            p = e;
        }
        sse_data(&b, chunk(id, created, r->model, delta(i, json_object(), cs[i].finish), u));
    }
    if (u) {
        json_t *last = chunk(id, created, r->model, json_array(), 0);
        json_object_set(last, "usage", usage);
        sse_data(&b, last);
    }
    format_buf_puts(&b, "data: [DONE]\n\n");
    if (b.failed) {
        format_buf_free(&b);
        return vs_fail(res, 500, "internal", "Out of memory");
    }
    vs_add_header(res, "Cache-Control", "no-cache");
    return vs_reply_owned_bytes(res, 200, "text/event-stream", b.data, b.len);
}

int inf_chat_completions(vs_request *req, vs_response *res)
{
    inf_request r;
    memset(&r, 0, sizeof r);
    predict_image im;
    memset(&im, 0, sizeof im);
    model_row m;
    memset(&m, 0, sizeof m);
    choice cs[INF_MAX_CHOICES];
    memset(cs, 0, sizeof cs);
    json_t *memory = NULL, *usage = NULL;
    int rc = -1, have_image = 0, is_base = 0, have_request = 0;
    if (inf_scope(req, res) != 0)
        return -1;
    char err[300], param[96];
    if (inf_request_parse(req->json, &r, err, sizeof err, param, sizeof param) != 0)
        return inf_fail(res, 400, "invalid_value", param, "%s", err);
    have_request = 1;
    if (inf_model_resolve(req, res, r.model, &m, &is_base) != 0)
        goto out;
    int64_t prompt_tokens = r.text_tokens + 4 * (int64_t)r.nmessages + 3;
    if (load_images(res, &r, &im, &have_image, &prompt_tokens) != 0)
        goto out;
    char source[256] = "";
    if (have_image && !is_base) {
        st_result sr = predict_recall(m.id, &im.sig, &memory, source, sizeof source);
        if (sr != ST_OK && sr != ST_NOT_FOUND) {
            vs_fail_store(res, sr, "Model memory");
            goto out;
        }
    }
    predict_task task = task_of(&r, &m, is_base);
    int64_t completion = 0;
    for (int i = 0; i < r.n; i++) {
        predict_request rq = {task, r.prompt, have_image ? &im : NULL, memory, source[0] ? source : NULL, r.cot,
                              predict_variant(r.seed, r.temperature, i)};
        if (make_choice(&r, &rq, &cs[i]) != 0) {
            vs_fail(res, 500, "internal", "The completion could not be computed");
            goto out;
        }
        completion += cs[i].tokens;
    }
    char id[48] = "chatcmpl-";
    ids_hex(id + 9, 29);
    int64_t created = clock_now_ms() / 1000;
    usage = json_pack("{s:I,s:I,s:I}", "prompt_tokens", (json_int_t)prompt_tokens, "completion_tokens",
                      (json_int_t)completion, "total_tokens", (json_int_t)(prompt_tokens + completion));
    if (r.stream) {
        rc = reply_stream(res, &r, id, created, cs, usage);
        goto out;
    }
    json_t *choices = json_array();
    for (int i = 0; i < r.n; i++)
        json_array_append_new(choices, json_pack("{s:i,s:{s:s,s:s},s:n,s:s}", "index", i, "message", "role",
                                                 "assistant", "content", cs[i].content, "logprobs", "finish_reason",
                                                 cs[i].finish));
    rc = vs_reply_json(res, 200,
                       json_pack("{s:s,s:s,s:I,s:s,s:s,s:o,s:O}", "id", id, "object", "chat.completion", "created",
                                 (json_int_t)created, "model", r.model, "system_fingerprint", FINGERPRINT, "choices",
                                 choices, "usage", usage));
out:
    for (int i = 0; i < INF_MAX_CHOICES; i++)
        free(cs[i].content);
    json_decref(usage);
    json_decref(memory);
    predict_image_free(&im);
    model_row_free(&m);
    if (have_request)
        inf_request_free(&r);
    return rc;
}
