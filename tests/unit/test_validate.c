/* test_validate.c — UTF-8, tokens, media types. */
#include "check.h"
#include "core/validate.h"

static int utf8(const char *s) { return validate_utf8(s, strlen(s)); }

int main(void)
{
    CHECK(utf8("plain ascii"));
    CHECK(utf8("caf\xc3\xa9"));                 /* é */
    CHECK(utf8("\xe2\x82\xac"));                /* € */
    CHECK(utf8("\xf0\x9f\x98\x80"));            /* emoji */
    CHECK(!utf8("\xc3"));                       /* truncated */
    CHECK(!utf8("\xc0\xaf"));                   /* overlong '/' */
    CHECK(!utf8("\xe0\x80\xaf"));               /* overlong 3-byte */
    CHECK(!utf8("\xed\xa0\x80"));               /* surrogate */
    CHECK(!utf8("\xf4\x90\x80\x80"));           /* > U+10FFFF */
    CHECK(!utf8("\xff"));
    CHECK(!utf8("abc\x80"));
    CHECK(!validate_utf8("a\0b", 3));           /* NUL */
    CHECK(validate_utf8("", 0));

    CHECK(validate_token("abc-DEF_1.2", 64));
    CHECK(!validate_token("", 64));
    CHECK(!validate_token("a b", 64));
    CHECK(!validate_token("../x", 64));
    CHECK(!validate_token("a/b", 64));
    CHECK(!validate_token("abcdef", 5));

    CHECK(validate_media_type("application/json", "application/json"));
    CHECK(validate_media_type("Application/JSON; charset=utf-8", "application/json"));
    CHECK(!validate_media_type("application/jsonx", "application/json"));
    CHECK(!validate_media_type("text/plain", "application/json"));
    CHECK(!validate_media_type(NULL, "application/json"));
    return check_exit();
}
