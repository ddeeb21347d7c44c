/* test_hash.c — known-answer and property tests for core/hash.c.
 * Vectors come from RFC 3720 (CRC32C), RFC 1321, FIPS 180-2 examples and
 * RFC 4648; the block-boundary digests were produced with Python's hashlib.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/hash.h"

/* Bit-at-a-time CRC32C, the definition the table-driven code must agree with. */
static uint32_t test_crc32c_ref(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc & 1u) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
    }
    return ~crc;
}

static void test_fill_pattern(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + 3);
}

static void test_crc32c(void)
{
    uint8_t buf[1100];

    CHECK_EQ_INT(hash_crc32c(0, "123456789", 9), 0xE3069283u);
    CHECK_EQ_INT(hash_crc32c(0, "", 0), 0);
    CHECK_EQ_INT(hash_crc32c(0, NULL, 0), 0);

    memset(buf, 0, 32);
    CHECK_EQ_INT(hash_crc32c(0, buf, 32), 0x8A9136AAu);
    memset(buf, 0xff, 32);
    CHECK_EQ_INT(hash_crc32c(0, buf, 32), 0x62A8AB43u);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    CHECK_EQ_INT(hash_crc32c(0, buf, 32), 0x46DD794Eu);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)(31 - i);
    CHECK_EQ_INT(hash_crc32c(0, buf, 32), 0x113FDB5Cu);

    /* Every length and misalignment against the reference, and chaining at
     * every split point must equal the one-shot value. */
    srand(12345);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)rand();
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n + off <= 80; n++)
            CHECK_EQ_INT(hash_crc32c(0, buf + off, n), test_crc32c_ref(buf + off, n));
    CHECK_EQ_INT(hash_crc32c(0, buf, 1099), test_crc32c_ref(buf, 1099));
    for (size_t split = 0; split <= 100; split++) {
        uint32_t c = hash_crc32c(0, buf, split);
        c = hash_crc32c(c, buf + split, 100 - split);
        CHECK_EQ_INT(c, hash_crc32c(0, buf, 100));
    }

    /* TFRecord masking: rotate right by 15, add the constant, wrap at 32 bits. */
    CHECK_EQ_INT(hash_crc32c_masked("", 0), 0xa282ead8u);
    CHECK_EQ_INT(hash_crc32c_masked("123456789", 9), 0xc78ab0e5u);
}

/* The slicing tables are built on first use; racing first calls must all see
 * complete tables (run under TSan to make this meaningful). */
static void *test_crc_thread(void *p)
{
    uint32_t *out = p;
    *out = hash_crc32c(0, "123456789", 9);
    return NULL;
}

static void test_crc32c_first_use_threads(void)
{
    pthread_t th[4];
    uint32_t got[4] = {0};

    for (int i = 0; i < 4; i++)
        CHECK_EQ_INT(pthread_create(&th[i], NULL, test_crc_thread, &got[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK_EQ_INT(got[i], 0xE3069283u);
    }
}

static void test_md5_hex(const void *data, size_t n, const char *want)
{
    uint8_t d[16];
    char hex[33];
    hash_md5(data, n, d);
    hash_hex(d, sizeof d, hex);
    CHECK_EQ_STR(hex, want);
}

static void test_sha256_hex(const void *data, size_t n, const char *want)
{
    uint8_t d[32];
    char hex[65];
    hash_sha256(data, n, d);
    hash_hex(d, sizeof d, hex);
    CHECK_EQ_STR(hex, want);
}

static void test_digests(void)
{
    static const struct {
        size_t n;
        const char *md5;
        const char *sha256;
    } boundary[] = {
        {55, "52c0e574e1198de5fe3f8f11440dcb1b",
         "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
        {56, "46c9907fc908ee68b1e7b8e71286a518",
         "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
        {57, "1c805dd236c35cab25fcb1bc73802c51",
         "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73"},
        {63, "a62f6d59e837867693f042f5b8f5a236",
         "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
        {64, "7160b8fb5e9e4023d549c3971fbaeead",
         "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
        {65, "70bd662e7aefbda85a0f7244167b7897",
         "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
        {119, "e84905d4214f4d1ca56c2cdcc152b143",
         "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
        {120, "e3eb5a6c8669ea01a8c185b8abc8a5dc",
         "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
        {128, "10b2da1a82f16d99a81a7203fe9f02cb",
         "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"},
        {1000, "10046f077f2082ac19676b8079f1cb1a",
         "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"},
    };
    static const char abc56[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    uint8_t pattern[1000];
    uint8_t *million = NULL;

    test_md5_hex("", 0, "d41d8cd98f00b204e9800998ecf8427e");
    test_md5_hex(NULL, 0, "d41d8cd98f00b204e9800998ecf8427e");
    test_md5_hex("abc", 3, "900150983cd24fb0d6963f7d28e17f72");
    test_md5_hex("message digest", 14, "f96b697d7cb7938d525a2f31aaf161d0");

    test_sha256_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    test_sha256_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_EQ_INT(strlen(abc56), 56);
    test_sha256_hex(abc56, 56, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    test_fill_pattern(pattern, sizeof pattern);
    for (size_t i = 0; i < sizeof boundary / sizeof boundary[0]; i++) {
        test_md5_hex(pattern, boundary[i].n, boundary[i].md5);
        test_sha256_hex(pattern, boundary[i].n, boundary[i].sha256);
    }

    million = malloc(1000000);
    if (CHECK(million != NULL)) {
        memset(million, 'a', 1000000);
        test_md5_hex(million, 1000000, "7707d6ae4e027c70eea2a935c2296f21");
        test_sha256_hex(million, 1000000,
                        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
    free(million);
}

static void test_hex(void)
{
    static const uint8_t bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
    char out[13];

    memset(out, 'x', sizeof out);
    hash_hex(bytes, sizeof bytes, out);
    CHECK_EQ_STR(out, "00017f80abff");
    hash_hex(bytes, 0, out);
    CHECK_EQ_STR(out, "");
}

/* Decodes s and compares with the expected bytes (want_len -1 means invalid). */
static void test_b64_decode(const char *s, const char *want, long want_len, int line)
{
    uint8_t out[64];
    long got = hash_base64_decode(s, strlen(s), out, sizeof out);
    if (got != want_len) {
        fprintf(stderr, "  (input \"%s\" from line %d: got %ld, want %ld)\n", s, line, got,
                want_len);
    }
    CHECK_EQ_INT(got, want_len);
    if (want_len > 0 && got == want_len)
        CHECK_EQ_MEM(out, want, (size_t)want_len);
}
#define B64_OK(s, want) test_b64_decode((s), (want), (long)(sizeof(want) - 1), __LINE__)
#define B64_BAD(s) test_b64_decode((s), "", -1, __LINE__)

static void test_base64(void)
{
    static const struct {
        const char *plain;
        const char *enc;
    } rfc[] = {
        {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    static const uint8_t high[] = {0xfb, 0xff, 0xbf, 0xfb, 0xef};
    char enc[512];
    uint8_t raw[300], back[300];

    for (size_t i = 0; i < sizeof rfc / sizeof rfc[0]; i++) {
        size_t n = strlen(rfc[i].plain);
        size_t got = hash_base64_encode((const uint8_t *)rfc[i].plain, n, enc);
        CHECK_EQ_INT(got, strlen(rfc[i].enc));
        CHECK_EQ_STR(enc, rfc[i].enc);
        CHECK_EQ_INT(hash_base64_decode(enc, got, back, sizeof back), (long)n);
        CHECK_EQ_MEM(back, rfc[i].plain, n);
    }

    /* Padding optional. */
    B64_OK("Zg", "f");
    B64_OK("Zm8", "fo");
    B64_OK("Zm9vYg", "foob");
    B64_OK("Zm9vYmE", "fooba");
    B64_OK("", "");

    /* Both alphabets, and the standard encoder output. */
    hash_base64_encode(high, sizeof high, enc);
    CHECK_EQ_STR(enc, "+/+/++8=");
    B64_OK("+/+/++8=", "\xfb\xff\xbf\xfb\xef");
    B64_OK("-_-_--8=", "\xfb\xff\xbf\xfb\xef");
    B64_OK("-_-_--8", "\xfb\xff\xbf\xfb\xef");

    /* Invalid input. */
    B64_BAD("Z");
    B64_BAD("Zm9vY");
    B64_BAD("Zg=");
    B64_BAD("Zg===");
    B64_BAD("=");
    B64_BAD("==");
    B64_BAD("====");
    B64_BAD("Z===");
    B64_BAD("Zg==Zg==");
    B64_BAD("Zg=a");
    B64_BAD("Zm9v\n");
    B64_BAD(" Zm9v");
    B64_BAD("Zm 9v");
    B64_BAD("Zm9v\r\n");
    B64_BAD("Zm9v!");
    B64_BAD("Zm9*");
    B64_BAD("Zm.v");
    {
        /* An embedded NUL is garbage, not a terminator: the length rules. */
        static const char nul[] = "Zm\0v";
        CHECK_EQ_INT(hash_base64_decode(nul, 4, raw, sizeof raw), -1);
        CHECK_EQ_INT(hash_base64_decode("\xff\xfe", 2, raw, sizeof raw), -1);
    }

    /* Capacity: exact fits, one less is refused. */
    CHECK_EQ_INT(hash_base64_decode("Zm9vYmFy", 8, back, 6), 6);
    CHECK_EQ_INT(hash_base64_decode("Zm9vYmFy", 8, back, 5), -1);
    CHECK_EQ_INT(hash_base64_decode("Zm9vYmE=", 8, back, 5), 5);
    CHECK_EQ_INT(hash_base64_decode("Zm9vYmE=", 8, back, 4), -1);
    CHECK_EQ_INT(hash_base64_decode("Zm9vYmE", 7, back, 5), 5);
    CHECK_EQ_INT(hash_base64_decode("", 0, NULL, 0), 0);

    /* Round trips of every length up to 300, checking the documented size. */
    srand(99);
    for (size_t i = 0; i < sizeof raw; i++)
        raw[i] = (uint8_t)rand();
    for (size_t n = 0; n <= sizeof raw; n++) {
        size_t len = hash_base64_encode(raw, n, enc);
        CHECK_EQ_INT(len, 4 * ((n + 2) / 3));
        CHECK_EQ_INT(enc[len], '\0');
        memset(back, 0, sizeof back);
        CHECK_EQ_INT(hash_base64_decode(enc, len, back, n), (long)n);
        CHECK_EQ_MEM(back, raw, n);
        /* The same data with padding stripped must decode identically. */
        while (len > 0 && enc[len - 1] == '=')
            len--;
        CHECK_EQ_INT(hash_base64_decode(enc, len, back, n), (long)n);
        CHECK_EQ_MEM(back, raw, n);
    }
}

int main(void)
{
    test_crc32c_first_use_threads(); /* must run before anything else uses CRC32C */
    test_crc32c();
    test_digests();
    test_hex();
    test_base64();
    return check_exit();
}
