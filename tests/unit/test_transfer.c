/* test_transfer.c — byte ranges, upload checks, digest headers, URLs. */
#include "check.h"
#include "core/hash.h"
#include "core/store_blobs.h"
#include "core/transfer.h"

int main(void)
{
    int64_t s = -1, e = -1;
    CHECK_EQ_INT(transfer_parse_range(NULL, 100, &s, &e), 0);
    CHECK_EQ_INT(transfer_parse_range("bytes=0-9", 100, &s, &e), 1);
    CHECK_EQ_INT(s, 0);
    CHECK_EQ_INT(e, 9);
    CHECK_EQ_INT(transfer_parse_range("bytes=90-", 100, &s, &e), 1);
    CHECK_EQ_INT(s, 90);
    CHECK_EQ_INT(e, 99);
    CHECK_EQ_INT(transfer_parse_range("bytes=-5", 100, &s, &e), 1);
    CHECK_EQ_INT(s, 95);
    CHECK_EQ_INT(e, 99);
    CHECK_EQ_INT(transfer_parse_range("bytes=-500", 100, &s, &e), 1);
    CHECK_EQ_INT(s, 0);
    CHECK_EQ_INT(transfer_parse_range("bytes=50-1000", 100, &s, &e), 1);
    CHECK_EQ_INT(e, 99);
    CHECK_EQ_INT(transfer_parse_range("bytes=100-", 100, &s, &e), -1);
    CHECK_EQ_INT(transfer_parse_range("bytes=-0", 100, &s, &e), -1);
    CHECK_EQ_INT(transfer_parse_range("bytes=9-3", 100, &s, &e), 0);
    CHECK_EQ_INT(transfer_parse_range("bytes=0-1,5-6", 100, &s, &e), 0);
    CHECK_EQ_INT(transfer_parse_range("items=0-1", 100, &s, &e), 0);
    CHECK_EQ_INT(transfer_parse_range("bytes=a-b", 100, &s, &e), 0);
    CHECK_EQ_INT(transfer_parse_range("bytes=99999999999999999999-", 100, &s, &e), 0);

    blob_info abc, abd;
    store_blobs_digest("abc", 3, &abc);
    store_blobs_digest("abd", 3, &abd);
    transfer_row t;
    memset(&t, 0, sizeof t);
    t.expected_size = -1;
    CHECK_EQ_STR(transfer_check(&t, &abc), "ok");
    t.expected_size = 4;
    CHECK_EQ_STR(transfer_check(&t, &abc), "bad_size");
    t.expected_size = 3;
    t.has_crc32c = 1;
    t.expected_crc32c = hash_crc32c(0, "abc", 3);
    CHECK_EQ_STR(transfer_check(&t, &abc), "ok");
    CHECK_EQ_STR(transfer_check(&t, &abd), "bad_checksum");
    t.has_crc32c = 0;
    snprintf(t.expected_md5, sizeof t.expected_md5, "900150983cd24fb0d6963f7d28e17f72"); /* md5("abc") */
    CHECK_EQ_STR(transfer_check(&t, &abc), "ok");
    CHECK_EQ_STR(transfer_check(&t, &abd), "bad_checksum");

    /* Content-MD5 is base64 of the raw digest: md5("abc") = kAFQmDzST7DWlj99KOF/cg== */
    CHECK_EQ_INT(transfer_verify_headers("kAFQmDzST7DWlj99KOF/cg==", NULL, &abc), 0);
    CHECK_EQ_INT(transfer_verify_headers("kAFQmDzST7DWlj99KOF/cg==", NULL, &abd), -1);
    CHECK_EQ_INT(transfer_verify_headers("not base64!", NULL, &abc), -1);
    uint32_t crc = hash_crc32c(0, "abc", 3);
    uint8_t be[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8), (uint8_t)crc};
    char b64[16], goog[64];
    hash_base64_encode(be, 4, b64);
    snprintf(goog, sizeof goog, "crc32c=%s,md5=kAFQmDzST7DWlj99KOF/cg==", b64);
    CHECK_EQ_INT(transfer_verify_headers(NULL, goog, &abc), 0);
    CHECK_EQ_INT(transfer_verify_headers(NULL, goog, &abd), -1);
    CHECK_EQ_INT(transfer_verify_headers(NULL, "crc32c=AAAA", &abc), -1);
    CHECK_EQ_INT(transfer_verify_headers(NULL, NULL, &abc), 0);

    char url[300];
    transfer_url("localhost:8786", "vi", "TOKEN", "my file+1.png", url, sizeof url);
    CHECK_EQ_STR(url, "http://localhost:8786/_blob/vi/TOKEN/my%20file%2B1.png");
    transfer_url("h", "labelbox", "T", NULL, url, sizeof url);
    CHECK_EQ_STR(url, "http://h/_blob/labelbox/T");
    return check_exit();
}
