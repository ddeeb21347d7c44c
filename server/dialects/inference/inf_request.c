/* inf_request.c — checks an OpenAI chat-completions body field by field and
 * reduces it (see inf_request.h). Accepted fields are OpenAI's chat fields
 * plus the sampling extras NIM/vLLM servers take (top_k, min_p,
 * repetition_penalty, chat_template_kwargs, nvext, …); anything else is a 400
 * naming the field, as OpenAI answers an unrecognized argument. Tools and log
 * probabilities are not served and say so. Any thread.
 */
#include "inf_request.h"
#include "core/formats/format.h"
#include "core/predict.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MODEL_LEN 256

typedef struct {
    char *err;
    size_t errlen;
    char *param;
    size_t paramlen;
} failure;

static int fail(const failure *f, const char *param, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(const failure *f, const char *param, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->err, f->errlen, fmt, ap);
    va_end(ap);
    snprintf(f->param, f->paramlen, "%s", param ? param : "");
    return -1;
}

static const char *const known_fields[] = {
    "model", "messages", "response_format", "max_tokens", "max_completion_tokens", "temperature", "top_p", "seed",
    "stream", "stream_options", "n", "stop", "frequency_penalty", "presence_penalty", "user", "logprobs",
    "top_logprobs", "logit_bias", "top_k", "min_p", "repetition_penalty", "chat_template_kwargs", "ignore_eos",
    "min_tokens", "skip_special_tokens", "nvext", "metadata", "store", NULL};

static int known(const char *key)
{
    for (size_t i = 0; known_fields[i]; i++)
        if (strcmp(known_fields[i], key) == 0)
            return 1;
    return 0;
}

/* A number field within [lo, hi] (null = absent). */
static int number_in(const failure *f, const json_t *body, const char *key, double lo, double hi, double *out)
{
    const json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi)
        return fail(f, key, "'%s' must be a number from %g to %g", key, lo, hi);
    if (out)
        *out = json_number_value(v);
    return 0;
}

static int integer_in(const failure *f, const json_t *body, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
    const json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return fail(f, key, "'%s' must be an integer from %lld to %lld", key, (long long)lo, (long long)hi);
    if (out)
        *out = json_integer_value(v);
    return 0;
}

static int boolean(const failure *f, const json_t *body, const char *key, int *out)
{
    const json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return fail(f, key, "'%s' must be a boolean", key);
    if (out)
        *out = json_is_true(v);
    return 0;
}

static int object_or_null(const failure *f, const json_t *body, const char *key)
{
    const json_t *v = json_object_get(body, key);
    if (v && !json_is_null(v) && !json_is_object(v))
        return fail(f, key, "'%s' must be an object", key);
    return 0;
}

static void append_text(format_buf *b, const char *text)
{
    if (b->len)
        format_buf_puts(b, "\n");
    format_buf_puts(b, text);
}

static int content_parts(const failure *f, const json_t *content, int i, int user, inf_request *out, format_buf *text,
                         int *first_image)
{
    char param[96];
    size_t k;
    const json_t *part;
    json_array_foreach(content, k, part) {
        snprintf(param, sizeof param, "messages[%d].content[%zu]", i, k);
        const char *type = json_string_value(json_object_get(part, "type"));
        if (!json_is_object(part) || !type)
            return fail(f, param, "Each content part must be an object with a string 'type'");
        const char *key;
        const json_t *v;
        if (strcmp(type, "text") == 0) {
            json_object_foreach((json_t *)part, key, v) {
                if (strcmp(key, "type") != 0 && strcmp(key, "text") != 0)
                    return fail(f, param, "Unrecognized content part field '%.60s'", key);
            }
            const json_t *t = json_object_get(part, "text");
            if (!json_is_string(t))
                return fail(f, param, "A text part needs a string 'text'");
            out->text_tokens += (int64_t)predict_token_count(json_string_value(t));
            if (text)
                append_text(text, json_string_value(t));
        } else if (strcmp(type, "image_url") == 0) {
            json_object_foreach((json_t *)part, key, v) {
                if (strcmp(key, "type") != 0 && strcmp(key, "image_url") != 0)
                    return fail(f, param, "Unrecognized content part field '%.60s'", key);
            }
            if (!user)
                return fail(f, param, "Images are only accepted in user messages");
            const json_t *iu = json_object_get(part, "image_url");
            const char *url = json_string_value(iu);
            if (json_is_object(iu)) {
                json_object_foreach((json_t *)iu, key, v) {
                    if (strcmp(key, "url") != 0 && strcmp(key, "detail") != 0)
                        return fail(f, param, "Unrecognized image_url field '%.60s'", key);
                }
                url = json_string_value(json_object_get(iu, "url"));
                const json_t *detail = json_object_get(iu, "detail");
                if (detail && !json_is_null(detail) &&
                    (!json_is_string(detail) ||
                     (strcmp(json_string_value(detail), "auto") != 0 && strcmp(json_string_value(detail), "low") != 0 &&
                      strcmp(json_string_value(detail), "high") != 0)))
                    return fail(f, param, "'detail' must be 'auto', 'low' or 'high'");
            }
            if (!url || !*url)
                return fail(f, param, "An image_url part needs a non-empty 'url'");
            if (out->nimages == INF_MAX_IMAGES)
                return fail(f, param, "At most %d images are accepted per request", INF_MAX_IMAGES);
            if (*first_image < 0)
                *first_image = out->nimages;
            out->images[out->nimages++] = url;
        } else {
            return fail(f, param, "Content part type '%.40s' is not supported (text, image_url)", type);
        }
    }
    return 0;
}

static int messages(const failure *f, const json_t *list, inf_request *out)
{
    if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > INF_MAX_MESSAGES)
        return fail(f, "messages", "'messages' must be a list of 1 to %d messages", INF_MAX_MESSAGES);
    format_buf system = {0}, prompt = {0};
    int rc = 0;
    size_t i;
    const json_t *m;
    json_array_foreach(list, i, m) {
        char param[64];
        snprintf(param, sizeof param, "messages[%zu]", i);
        const char *role = json_string_value(json_object_get(m, "role"));
        if (!json_is_object(m) || !role) {
            rc = fail(f, param, "Each message must be an object with a string 'role'");
            break;
        }
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)m, key, v) {
            if (strcmp(key, "role") != 0 && strcmp(key, "content") != 0 && strcmp(key, "name") != 0) {
                rc = fail(f, param, "Unrecognized message field '%.60s'", key);
                break;
            }
        }
        if (rc)
            break;
        int is_system = strcmp(role, "system") == 0 || strcmp(role, "developer") == 0;
        int is_user = strcmp(role, "user") == 0;
        if (!is_system && !is_user && strcmp(role, "assistant") != 0) {
            rc = fail(f, param, "Role '%.40s' is not supported (system, developer, user, assistant)", role);
            break;
        }
        const json_t *name = json_object_get(m, "name");
        if (name && !json_is_null(name) && !json_is_string(name)) {
            rc = fail(f, param, "'name' must be a string");
            break;
        }
        const json_t *content = json_object_get(m, "content");
        format_buf this_text = {0};
        int first_image = -1;
        if (json_is_string(content)) {
            out->text_tokens += (int64_t)predict_token_count(json_string_value(content));
            append_text(&this_text, json_string_value(content));
        } else if (json_is_array(content)) {
            rc = content_parts(f, content, (int)i, is_user, out, &this_text, &first_image);
        } else if (!(json_is_null(content) && !is_system && !is_user)) {
            rc = fail(f, param, "'content' must be a string or a list of content parts");
        }
        if (rc == 0) {
            if (is_system) {
                append_text(&system, this_text.data ? (const char *)this_text.data : "");
            } else if (is_user) {
                format_buf_free(&prompt);
                prompt = this_text;
                memset(&this_text, 0, sizeof this_text);
                if (first_image >= 0)
                    out->image = first_image;
            }
        }
        format_buf_free(&this_text);
        out->nmessages++;
        if (rc)
            break;
    }
    if (rc == 0 && (system.failed || prompt.failed))
        rc = fail(f, "messages", "Out of memory");
    if (rc == 0) {
        out->system = system.data ? (char *)system.data : strdup("");
        out->prompt = prompt.data ? (char *)prompt.data : strdup("");
        memset(&system, 0, sizeof system);
        memset(&prompt, 0, sizeof prompt);
        if (!out->system || !out->prompt)
            rc = fail(f, "messages", "Out of memory");
    }
    format_buf_free(&system);
    format_buf_free(&prompt);
    return rc;
}

static int response_format(const failure *f, const json_t *rf, inf_request *out)
{
    if (!rf || json_is_null(rf))
        return 0;
    const char *type = json_string_value(json_object_get(rf, "type"));
    if (!json_is_object(rf) || !type)
        return fail(f, "response_format", "'response_format' must be an object with a string 'type'");
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)rf, key, v) {
        if (strcmp(key, "type") != 0 && strcmp(key, "json_schema") != 0)
            return fail(f, "response_format", "Unrecognized response_format field '%.60s'", key);
    }
    if (strcmp(type, "text") == 0) {
        out->format = INF_FORMAT_TEXT;
        return 0;
    }
    if (strcmp(type, "json_object") == 0) {
        out->format = INF_FORMAT_JSON_OBJECT;
        return 0;
    }
    if (strcmp(type, "json_schema") != 0)
        return fail(f, "response_format.type", "'response_format.type' must be 'text', 'json_object' or 'json_schema'");
    const json_t *js = json_object_get(rf, "json_schema");
    if (!json_is_object(js))
        return fail(f, "response_format.json_schema", "'response_format.json_schema' must be an object");
    json_object_foreach((json_t *)js, key, v) {
        if (strcmp(key, "name") != 0 && strcmp(key, "schema") != 0 && strcmp(key, "strict") != 0 &&
            strcmp(key, "description") != 0)
            return fail(f, "response_format.json_schema", "Unrecognized json_schema field '%.60s'", key);
    }
    const json_t *name = json_object_get(js, "name");
    if (!json_is_string(name) || json_string_length(name) == 0 || json_string_length(name) > 64)
        return fail(f, "response_format.json_schema.name",
                    "'response_format.json_schema.name' must be a string of 1 to 64 characters");
    const json_t *schema = json_object_get(js, "schema");
    if (schema && !json_is_null(schema) && !json_is_object(schema) && !json_is_boolean(schema))
        return fail(f, "response_format.json_schema.schema",
                    "'response_format.json_schema.schema' must be a JSON schema object");
    const json_t *strict = json_object_get(js, "strict");
    if (strict && !json_is_null(strict) && !json_is_boolean(strict))
        return fail(f, "response_format.json_schema.strict", "'response_format.json_schema.strict' must be a boolean");
    out->format = INF_FORMAT_JSON_SCHEMA;
    out->schema = json_is_object(schema) ? schema : NULL;
    out->schema_name = json_string_value(name);
    return 0;
}

static int stop_sequences(const failure *f, const json_t *stop, inf_request *out)
{
    if (!stop || json_is_null(stop))
        return 0;
    if (json_is_string(stop)) {
        if (json_string_length(stop) == 0)
            return fail(f, "stop", "'stop' must not be empty");
        out->stop[out->nstop++] = json_string_value(stop);
        return 0;
    }
    if (!json_is_array(stop) || json_array_size(stop) > INF_MAX_STOP)
        return fail(f, "stop", "'stop' must be a string or a list of at most %d strings", INF_MAX_STOP);
    size_t i;
    const json_t *s;
    json_array_foreach(stop, i, s) {
        if (!json_is_string(s) || json_string_length(s) == 0)
            return fail(f, "stop", "'stop' must hold non-empty strings");
        out->stop[out->nstop++] = json_string_value(s);
    }
    return 0;
}

/* The user or system text asks for <think>…</think> output. */
static int asks_for_thinking(const inf_request *r)
{
    return strstr(r->system, "<think>") != NULL || strstr(r->prompt, "<think>") != NULL;
}

int inf_request_parse(const json_t *body, inf_request *out, char *err, size_t errlen, char *param, size_t paramlen)
{
    memset(out, 0, sizeof *out);
    out->image = -1;
    out->n = 1;
    failure f = {err, errlen, param, paramlen};
    err[0] = 0;
    param[0] = 0;
    if (!json_is_object(body))
        return fail(&f, NULL, "The request body must be a JSON object");
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)body, key, v) {
        if (!known(key)) {
            fail(&f, key, "Unrecognized request argument supplied: %.80s", key);
            goto bad;
        }
    }
    const json_t *model = json_object_get(body, "model");
    if (!json_is_string(model) || json_string_length(model) == 0 || json_string_length(model) > MAX_MODEL_LEN) {
        fail(&f, "model", "'model' must be a non-empty string");
        goto bad;
    }
    out->model = json_string_value(model);
    if (messages(&f, json_object_get(body, "messages"), out) != 0 ||
        response_format(&f, json_object_get(body, "response_format"), out) != 0 ||
        stop_sequences(&f, json_object_get(body, "stop"), out) != 0)
        goto bad;
    int64_t n = 1, max_tokens = 0, max_completion = 0;
    double temperature = 1.0;
    int logprobs = 0;
    if (integer_in(&f, body, "max_tokens", 1, 1000000, &max_tokens) != 0 ||
        integer_in(&f, body, "max_completion_tokens", 1, 1000000, &max_completion) != 0 ||
        number_in(&f, body, "temperature", 0, 2, &temperature) != 0 || number_in(&f, body, "top_p", 0, 1, NULL) != 0 ||
        integer_in(&f, body, "seed", INT64_MIN, INT64_MAX, &out->seed) != 0 ||
        integer_in(&f, body, "n", 1, INF_MAX_CHOICES, &n) != 0 || boolean(&f, body, "stream", &out->stream) != 0 ||
        number_in(&f, body, "frequency_penalty", -2, 2, NULL) != 0 ||
        number_in(&f, body, "presence_penalty", -2, 2, NULL) != 0 ||
        integer_in(&f, body, "top_k", -1, 1000000, NULL) != 0 || number_in(&f, body, "min_p", 0, 1, NULL) != 0 ||
        number_in(&f, body, "repetition_penalty", 0.000001, 10, NULL) != 0 ||
        integer_in(&f, body, "min_tokens", 0, 1000000, NULL) != 0 || boolean(&f, body, "ignore_eos", NULL) != 0 ||
        boolean(&f, body, "skip_special_tokens", NULL) != 0 || boolean(&f, body, "store", NULL) != 0 ||
        boolean(&f, body, "logprobs", &logprobs) != 0 || object_or_null(&f, body, "logit_bias") != 0 ||
        object_or_null(&f, body, "nvext") != 0 || object_or_null(&f, body, "metadata") != 0 ||
        object_or_null(&f, body, "chat_template_kwargs") != 0)
        goto bad;
    if (logprobs) {
        fail(&f, "logprobs", "Log probabilities are not available from this server");
        goto bad;
    }
    const json_t *top_logprobs = json_object_get(body, "top_logprobs");
    if (top_logprobs && !json_is_null(top_logprobs)) {
        fail(&f, "top_logprobs", "Log probabilities are not available from this server");
        goto bad;
    }
    const json_t *user = json_object_get(body, "user");
    if (user && !json_is_null(user) && !json_is_string(user)) {
        fail(&f, "user", "'user' must be a string");
        goto bad;
    }
    const json_t *so = json_object_get(body, "stream_options");
    if (so && !json_is_null(so)) {
        if (!json_is_object(so) || !out->stream) {
            fail(&f, "stream_options", "'stream_options' must be an object and needs 'stream': true");
            goto bad;
        }
        json_object_foreach((json_t *)so, key, v) {
            if (strcmp(key, "include_usage") != 0) {
                fail(&f, "stream_options", "Unrecognized stream_options field '%.60s'", key);
                goto bad;
            }
        }
        if (boolean(&f, so, "include_usage", &out->include_usage) != 0) {
            snprintf(param, paramlen, "stream_options.include_usage");
            goto bad;
        }
    }
    const json_t *kwargs = json_object_get(body, "chat_template_kwargs");
    int thinking = 0;
    if (boolean(&f, kwargs, "enable_thinking", &thinking) != 0) {
        snprintf(param, paramlen, "chat_template_kwargs.enable_thinking");
        goto bad;
    }
    out->n = (int)n;
    out->max_tokens = max_completion ? max_completion : max_tokens;
    out->temperature = temperature;
    out->cot = out->format == INF_FORMAT_NONE && (thinking || asks_for_thinking(out));
    return 0;
bad:
    inf_request_free(out);
    return -1;
}

void inf_request_free(inf_request *r)
{
    free(r->system);
    free(r->prompt);
    r->system = r->prompt = NULL;
}
