/* predict_tokens.c — the model's token accounting (predict.h): a stand-in
 * tokenizer that is deterministic, cheap and never splits a UTF-8 sequence,
 * so usage counts, max_tokens truncation and streamed deltas all agree on
 * the same boundaries and the deltas concatenate back to the text. Pure; any
 * thread.
 */
#include "predict.h"

#include <ctype.h>
#include <string.h>

#define WORD_MAX 8
#define DIGITS_MAX 3

/* Bytes of the UTF-8 sequence starting at s (1 for a stray byte). */
static size_t seq_len(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return i;
    return n;
}

static int is_letter(unsigned char c) { return isalpha(c) || c >= 0x80; }

size_t predict_token_end(const char *text, size_t pos)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t p = pos;
    if (!s[p])
        return p;
    if (s[p] == ' ' && s[p + 1] && !isspace(s[p + 1]))
        p++; /* a single space belongs to the token after it */
    else if (isspace(s[p])) {
        while (s[p] && isspace(s[p]) && !(s[p] == ' ' && s[p + 1] && !isspace(s[p + 1]) && p > pos))
            p++;
        return p;
    }
    if (is_letter(s[p])) {
        for (int n = 0; n < WORD_MAX && s[p] && is_letter(s[p]); n++)
            p += seq_len(s + p);
        return p;
    }
    if (isdigit(s[p])) {
        for (int n = 0; n < DIGITS_MAX && isdigit(s[p]); n++)
            p++;
        return p;
    }
    return p + seq_len(s + p);
}

size_t predict_token_count(const char *text)
{
    size_t n = 0;
    for (size_t p = 0; text && text[p]; p = predict_token_end(text, p))
        n++;
    return n;
}

size_t predict_token_prefix(const char *text, size_t n)
{
    size_t p = 0;
    for (size_t i = 0; i < n && text[p]; i++)
        p = predict_token_end(text, p);
    return p;
}

int64_t predict_image_tokens(int width, int height)
{
    if (width <= 0 || height <= 0)
        return 0;
    int64_t t = (int64_t)((width + 27) / 28) * (int64_t)((height + 27) / 28);
    return t < 4 ? 4 : t > 1280 ? 1280 : t;
}
