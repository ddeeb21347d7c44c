/* hash.h — checksums and digests used across the store and the transfer URLs.
 * Pure functions, no allocation, safe from any thread.
 *   crc32c: Castagnoli polynomial (reflected 0x82F63B78), as GCS and TFRecord use.
 *   md5, sha256: standard digests (RFC 1321, FIPS 180-4).
 */
#ifndef VS_HASH_H
#define VS_HASH_H
#include <stddef.h>
#include <stdint.h>

/* Continue a CRC32C: pass 0 to start. */
uint32_t hash_crc32c(uint32_t crc, const void *data, size_t len);
/* TFRecord's masked CRC32C. */
uint32_t hash_crc32c_masked(const void *data, size_t len);
void hash_md5(const void *data, size_t len, uint8_t out[16]);
void hash_sha256(const void *data, size_t len, uint8_t out[32]);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hash_hex(const uint8_t *bytes, size_t n, char *out);
/* Standard base64 (with padding). out needs 4*((n+2)/3)+1 bytes. Returns length. */
size_t hash_base64_encode(const uint8_t *in, size_t n, char *out);
/* Decodes standard or URL-safe base64, padding optional, whitespace rejected.
 * Returns decoded length, or -1 on invalid input or when out_cap is too small. */
long hash_base64_decode(const char *in, size_t n, uint8_t *out, size_t out_cap);
#endif
