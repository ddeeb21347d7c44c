/* fuzz_router.c — libFuzzer target: arbitrary paths against the real route
 * table. Properties: never crashes or leaks; a found route has at most
 * VS_MAX_PARAMS captures, each non-empty; the dialect of a path is in range. */
#include "router.h"
#include "routes.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
    if (size < 1)
        return 0;
    char *path = malloc(size);
    memcpy(path, data + 1, size - 1);
    path[size - 1] = 0;
    size_t n = 0;
    const route *table = routes_table(&n);
    route_match m;
    route_match_result r = router_match(table, n, methods[data[0] % 6], path, &m);
    if (r == ROUTE_FOUND) {
        if (m.nparams > VS_MAX_PARAMS)
            abort();
        for (int i = 0; i < m.nparams; i++)
            if (!m.values[i] || !m.values[i][0])
                abort();
    }
    router_match_free(&m);
    if ((unsigned)router_dialect_of(path) >= DIALECT_COUNT)
        abort();
    free(path);
    return 0;
}
