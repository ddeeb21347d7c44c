/* transfer_routes.h — handlers for /_blob/<dialect>/<token>[/<filename>]. */
#ifndef VS_TRANSFER_ROUTES_H
#define VS_TRANSFER_ROUTES_H
#include "request.h"
int transfer_put(vs_request *req, vs_response *res);
int transfer_get(vs_request *req, vs_response *res);
size_t transfer_put_cap(const vs_request *req);
#endif
