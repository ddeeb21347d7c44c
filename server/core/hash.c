/* hash.c — CRC32C, MD5, SHA-256, hex and base64, written from the specifications
 * (RFC 3720 appendix B.4 for the Castagnoli polynomial, RFC 1321, FIPS 180-4,
 * RFC 4648).
 *
 * Every function is pure and allocation-free; any thread may call any of them at
 * any time. The only shared state is the CRC32C slicing table, which is filled
 * exactly once under pthread_once and is read-only afterwards. The digests are
 * one-shot: whole blocks are compressed straight from the caller's buffer and only
 * the padded tail is copied, so no context structure is exposed or needed.
 */
#include "core/hash.h"

#include <limits.h>
#include <pthread.h>
#include <string.h>

/* ---- CRC32C ------------------------------------------------------------------ */

#define HASH_CRC32C_POLY 0x82F63B78u /* reflected Castagnoli */

/* crc_tables[k][b] is the CRC of byte b followed by k zero bytes, which lets the
 * main loop fold eight input bytes per step (slicing-by-8). */
static uint32_t hash_crc_tables[8][256];
static pthread_once_t hash_crc_once = PTHREAD_ONCE_INIT;

static void hash_crc_init(void)
{
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int bit = 0; bit < 8; bit++)
            c = (c & 1u) ? (c >> 1) ^ HASH_CRC32C_POLY : c >> 1;
        hash_crc_tables[0][b] = c;
    }
    for (int k = 1; k < 8; k++)
        for (int b = 0; b < 256; b++) {
            uint32_t prev = hash_crc_tables[k - 1][b];
            hash_crc_tables[k][b] = (prev >> 8) ^ hash_crc_tables[0][prev & 0xffu];
        }
}

uint32_t hash_crc32c(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    const uint32_t (*t)[256] = (const uint32_t (*)[256])hash_crc_tables;

    pthread_once(&hash_crc_once, hash_crc_init);
    /* Pre- and post-inversion make 0 the starting value and let callers chain
     * calls over consecutive buffers. */
    crc = ~crc;
    /* Bytes are assembled explicitly so the result does not depend on host
     * endianness or on the alignment of data. */
    while (len >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                             (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        crc = t[7][lo & 0xffu] ^ t[6][(lo >> 8) & 0xffu] ^
              t[5][(lo >> 16) & 0xffu] ^ t[4][lo >> 24] ^
              t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
        p += 8;
        len -= 8;
    }
    while (len--)
        crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xffu];
    return ~crc;
}

uint32_t hash_crc32c_masked(const void *data, size_t len)
{
    uint32_t crc = hash_crc32c(0, data, len);
    /* TFRecord rotates and offsets the CRC so that a CRC stored next to the data
     * it covers does not look like valid data for a CRC of itself. */
    return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

/* ---- shared digest helpers ---------------------------------------------------- */

static uint32_t hash_rotl32(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }
static uint32_t hash_rotr32(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static uint32_t hash_load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t hash_load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void hash_store_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void hash_store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

typedef void (*hash_block_fn)(uint32_t *state, const uint8_t *block);

/* Merkle–Damgård driver shared by MD5 and SHA-256: both use 64-byte blocks, a
 * 0x80 terminator and a 64-bit bit count, differing only in its byte order. */
static void hash_md_run(uint32_t *state, hash_block_fn block_fn, int big_endian_len,
                        const void *data, size_t len)
{
    const uint8_t *p = data;
    uint8_t tail[128];
    size_t rest = len % 64;
    size_t full = len - rest;
    size_t tail_len = rest < 56 ? 64 : 128;
    /* The length field is defined modulo 2^64 bits by both standards. */
    uint64_t bits = (uint64_t)len << 3;

    for (size_t off = 0; off < full; off += 64)
        block_fn(state, p + off);

    memset(tail, 0, sizeof tail);
    if (rest)
        memcpy(tail, p + full, rest);
    tail[rest] = 0x80;
    for (int i = 0; i < 8; i++) {
        uint8_t byte = (uint8_t)(bits >> (8 * i));
        if (big_endian_len)
            tail[tail_len - 1 - (size_t)i] = byte;
        else
            tail[tail_len - 8 + (size_t)i] = byte;
    }
    block_fn(state, tail);
    if (tail_len == 128)
        block_fn(state, tail + 64);
}

/* ---- MD5 (RFC 1321) ------------------------------------------------------------ */

static const uint32_t hash_md5_k[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu,
    0xf57c0fafu, 0x4787c62au, 0xa8304613u, 0xfd469501u,
    0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu,
    0x6b901122u, 0xfd987193u, 0xa679438eu, 0x49b40821u,
    0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau,
    0xd62f105du, 0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u,
    0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu,
    0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au,
    0xfffa3942u, 0x8771f681u, 0x6d9d6122u, 0xfde5380cu,
    0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u,
    0x289b7ec6u, 0xeaa127fau, 0xd4ef3085u, 0x04881d05u,
    0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u,
    0xf4292244u, 0x432aff97u, 0xab9423a7u, 0xfc93a039u,
    0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u,
    0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu, 0xeb86d391u,
};

static const uint8_t hash_md5_shift[4][4] = {
    {7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21},
};

static void hash_md5_block(uint32_t *state, const uint8_t *block)
{
    uint32_t m[16];
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];

    for (int i = 0; i < 16; i++)
        m[i] = hash_load_le32(block + 4 * i);
    for (unsigned i = 0; i < 64; i++) {
        unsigned round = i / 16;
        uint32_t f;
        unsigned g;
        switch (round) {
        case 0: f = (b & c) | (~b & d); g = i; break;
        case 1: f = (d & b) | (~d & c); g = (5 * i + 1) % 16; break;
        case 2: f = b ^ c ^ d;          g = (3 * i + 5) % 16; break;
        default: f = c ^ (b | ~d);      g = (7 * i) % 16; break;
        }
        f += a + hash_md5_k[i] + m[g];
        a = d;
        d = c;
        c = b;
        b += hash_rotl32(f, hash_md5_shift[round][i % 4]);
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
}

void hash_md5(const void *data, size_t len, uint8_t out[16])
{
    uint32_t state[4] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u};

    hash_md_run(state, hash_md5_block, 0, data, len);
    for (int i = 0; i < 4; i++)
        hash_store_le32(out + 4 * i, state[i]);
}

/* ---- SHA-256 (FIPS 180-4) --------------------------------------------------- */

static const uint32_t hash_sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u,
    0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
    0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu,
    0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
    0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u,
    0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u,
    0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
    0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

static void hash_sha256_block(uint32_t *state, const uint8_t *block)
{
    uint32_t w[64];
    uint32_t s[8];

    for (int i = 0; i < 16; i++)
        w[i] = hash_load_be32(block + 4 * i);
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = hash_rotr32(w[i - 15], 7) ^ hash_rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = hash_rotr32(w[i - 2], 17) ^ hash_rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(s, state, sizeof s);
    for (int i = 0; i < 64; i++) {
        uint32_t e = s[4], a = s[0];
        uint32_t ch = (e & s[5]) ^ (~e & s[6]);
        uint32_t maj = (a & s[1]) ^ (a & s[2]) ^ (s[1] & s[2]);
        uint32_t t1 = s[7] + (hash_rotr32(e, 6) ^ hash_rotr32(e, 11) ^ hash_rotr32(e, 25)) +
                      ch + hash_sha256_k[i] + w[i];
        uint32_t t2 = (hash_rotr32(a, 2) ^ hash_rotr32(a, 13) ^ hash_rotr32(a, 22)) + maj;
        memmove(s + 1, s, 7 * sizeof s[0]);
        s[4] += t1;
        s[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        state[i] += s[i];
}

void hash_sha256(const void *data, size_t len, uint8_t out[32])
{
    uint32_t state[8] = {
        0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
        0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
    };

    hash_md_run(state, hash_sha256_block, 1, data, len);
    for (int i = 0; i < 8; i++)
        hash_store_be32(out + 4 * i, state[i]);
}

/* ---- hex and base64 --------------------------------------------------------- */

void hash_hex(const uint8_t *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

size_t hash_base64_encode(const uint8_t *in, size_t n, char *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    size_t i = 0;

    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        out[o++] = alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

/* Both alphabets are accepted in one table: '+' and '-' never collide, nor do '/'
 * and '_', so a caller need not know which flavour a client used. */
static int hash_base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

long hash_base64_decode(const char *in, size_t n, uint8_t *out, size_t out_cap)
{
    size_t body = n;
    size_t rem;
    size_t need;
    size_t o = 0;
    uint32_t acc = 0;

    /* Padding is optional, but when present it must complete the final quantum;
     * a half-padded "QQ=" is more likely a truncated value than a choice. */
    if (body > 0 && in[body - 1] == '=') {
        body--;
        if (body > 0 && in[body - 1] == '=')
            body--;
        if (n % 4 != 0)
            return -1;
    }
    rem = body % 4;
    if (rem == 1)
        return -1; /* six bits cannot encode a byte */
    need = body / 4 * 3 + (rem ? rem - 1 : 0);
    if (need > out_cap || need > (size_t)LONG_MAX)
        return -1;

    for (size_t i = 0; i < body; i++) {
        int v = hash_base64_value((unsigned char)in[i]);
        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        if (i % 4 == 3) {
            out[o++] = (uint8_t)(acc >> 16);
            out[o++] = (uint8_t)(acc >> 8);
            out[o++] = (uint8_t)acc;
            acc = 0;
        }
    }
    /* Non-zero leftover bits in the last quantum are tolerated, as most decoders
     * (Python, Go's default encodings, Node) do. */
    if (rem == 2) {
        out[o++] = (uint8_t)(acc >> 4);
    } else if (rem == 3) {
        out[o++] = (uint8_t)(acc >> 10);
        out[o++] = (uint8_t)(acc >> 2);
    }
    return (long)o;
}
