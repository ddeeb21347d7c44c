/* inf_request.h — an OpenAI chat-completions body, checked and reduced to what
 * the model needs (spec vi.md §13.4, OpenAI-compatible surface). Untrusted
 * input: the fuzz target drives inf_request_parse. Pure (no store, no
 * globals); any thread.
 *
 * Reduction: the system text joins every system/developer message; the prompt
 * is the text of the last user message; the image is the first image of the
 * last user message that has one (earlier ones still count for usage);
 * chain of thought is on when chat_template_kwargs.enable_thinking is true or
 * the system or user text asks for <think> tags, and never with a
 * response_format.
 */
#ifndef VS_INF_REQUEST_H
#define VS_INF_REQUEST_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define INF_MAX_MESSAGES 256
#define INF_MAX_IMAGES 16
#define INF_MAX_STOP 4
#define INF_MAX_CHOICES 8

typedef enum { INF_FORMAT_NONE = 0, INF_FORMAT_TEXT, INF_FORMAT_JSON_OBJECT, INF_FORMAT_JSON_SCHEMA } inf_format;

typedef struct {
    const char *model;            /* borrowed from the body */
    char *system;                 /* owned, "" when none */
    char *prompt;                 /* owned, "" when none */
    int64_t text_tokens;          /* tokens of every message's text */
    int nmessages;
    int nimages;
    const char *images[INF_MAX_IMAGES]; /* image URLs in message order (borrowed) */
    int image;                    /* index of the image to look at, -1 = none */
    inf_format format;
    const json_t *schema;         /* json_schema.schema (borrowed) or NULL */
    const char *schema_name;      /* json_schema.name or NULL */
    int stream, include_usage;
    int64_t max_tokens;           /* 0 = no limit */
    double temperature;
    int64_t seed;
    int n;
    int nstop;
    const char *stop[INF_MAX_STOP];
    int cot;
} inf_request;

/* 0 and out filled (free with inf_request_free), or -1 with a message in err
 * and the offending parameter ("messages[0].content[1].image_url") in param
 * ("" when none). */
int inf_request_parse(const json_t *body, inf_request *out, char *err, size_t errlen, char *param, size_t paramlen);
void inf_request_free(inf_request *r);
#endif
