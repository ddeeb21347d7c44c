/* test_format_zip.c — the ZIP writer: local headers, stored and deflated
 * entries that inflate back with the right CRC-32, central directory and end
 * record consistent, UTF-8 flag set. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "core/formats/zip.h"

static unsigned u16(const unsigned char *p) { return p[0] | p[1] << 8; }
static uint32_t u32(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

int main(void)
{
    char text[4096];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = "abcabcabd\n"[i % 10];
    unsigned char img[100];
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (unsigned char)(i * 37 + 11);
    zip_writer *z = zip_writer_new(1700000000000LL);
    CHECK(z != NULL);
    CHECK_EQ_INT(zip_writer_add(z, "dump/annotations.json", text, sizeof text, 1), 0);
    CHECK_EQ_INT(zip_writer_add(z, "dump/images/caf\xc3\xa9.jpg", img, sizeof img, 0), 0);
    CHECK_EQ_INT(zip_writer_add(z, "empty.txt", "", 0, 1), 0);
    unsigned char *zip = NULL;
    size_t len = 0;
    CHECK_EQ_INT(zip_writer_finish(z, &zip, &len), 0);
    CHECK(zip != NULL && len > 22);
    const unsigned char *eocd = zip + len - 22;
    CHECK_EQ_INT(u32(eocd), 0x06054b50);
    CHECK_EQ_INT(u16(eocd + 10), 3);
    uint32_t cd_size = u32(eocd + 12), cd_off = u32(eocd + 16);
    CHECK_EQ_INT(cd_off + cd_size, len - 22);
    const unsigned char *cd = zip + cd_off;
    const void *datas[3] = {text, img, ""};
    size_t sizes[3] = {sizeof text, sizeof img, 0};
    for (int i = 0; i < 3; i++) {
        CHECK_EQ_INT(u32(cd), 0x02014b50);
        CHECK(u16(cd + 8) & (1u << 11));
        unsigned method = u16(cd + 10);
        uint32_t crc = u32(cd + 16), csize = u32(cd + 20), usize = u32(cd + 24);
        unsigned nlen = u16(cd + 28);
        uint32_t lho = u32(cd + 42);
        CHECK_EQ_INT(usize, sizes[i]);
        CHECK_EQ_INT(crc, (uint32_t)crc32(0, datas[i], (uInt)sizes[i]));
        const unsigned char *lh = zip + lho;
        CHECK_EQ_INT(u32(lh), 0x04034b50);
        CHECK_EQ_INT(u16(lh + 26), nlen);
        CHECK(memcmp(lh + 30, cd + 46, nlen) == 0);
        const unsigned char *data = lh + 30 + nlen + u16(lh + 28);
        unsigned char *out = malloc(usize + 1);
        if (method == 8) {
            z_stream s;
            memset(&s, 0, sizeof s);
            inflateInit2(&s, -15);
            s.next_in = (Bytef *)data;
            s.avail_in = csize;
            s.next_out = out;
            s.avail_out = usize;
            CHECK_EQ_INT(inflate(&s, Z_FINISH), Z_STREAM_END);
            CHECK_EQ_INT(s.total_out, usize);
            inflateEnd(&s);
            CHECK(csize < usize);
        } else {
            CHECK_EQ_INT(method, 0);
            CHECK_EQ_INT(csize, usize);
            memcpy(out, data, usize);
        }
        CHECK(memcmp(out, datas[i], usize) == 0);
        free(out);
        cd += 46 + nlen;
    }
    free(zip);
    return check_exit();
}
