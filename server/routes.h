/* routes.h — the one route table for every dialect and the control plane. */
#ifndef VS_ROUTES_H
#define VS_ROUTES_H
#include <stddef.h>
#include "router.h"
const route *routes_table(size_t *n);
/* GraphQL operation names served by the Labelbox dispatcher (NULL-terminated). */
const char *const *routes_graphql_operations(void);
#endif
