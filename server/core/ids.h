/* ids.h — identifiers and secrets. UUIDs are time-ordered (version 7); secrets
 * come from getrandom(). When ids_set_seed() has been called (tests, --id-seed), both become
 * a deterministic sequence so that runs are repeatable. Thread-safe.
 */
#ifndef VS_IDS_H
#define VS_IDS_H
#include <stddef.h>
#include <stdint.h>

void ids_set_seed(uint64_t seed);
/* Lower-case 36-char time-ordered UUID (version 7) into out[37]. */
void ids_uuid(char out[37]);
/* n random characters from [A-Za-z0-9] plus NUL into out (n+1 bytes). */
void ids_token(char *out, size_t n);
/* n random lower-case hex characters plus NUL. */
void ids_hex(char *out, size_t n);
#endif
