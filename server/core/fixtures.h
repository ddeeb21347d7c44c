/* fixtures.h — loads the demo workspace from a fixtures directory (--seed DIR). */
#ifndef VS_FIXTURES_H
#define VS_FIXTURES_H
#include "store_workspaces.h"
/* Reads DIR/manifest.json and DIR/images/; creates the workspace with its fixed
 * keys, datasets, assets and annotations. Skips (returns 0) when the workspace
 * already exists. keys_out/ws_out describe the workspace. 0 on success. */
int fixtures_load(const char *dir, ws_row *ws_out, ws_keys *keys_out);
#endif
