// SPDX-License-Identifier: GPL-2.0-or-later
// vdb_cache.h: loading sources through the compiled-database cache.
#ifndef VIGIL_DB_VDB_CACHE_H
#define VIGIL_DB_VDB_CACHE_H

#include <stddef.h>

#include "vigil/vigil.h"

struct vigil_engine;

/** vigil_engine_load_cached() (vigil.h). */
int vg_cache_load(struct vigil_engine *eng, const char *const *paths,
                  size_t n, const char *cache_dir, unsigned flags);

/** The cache directory for this user (see vigil_engine_load_cached). */
int vg_cache_default_dir(char *out, size_t len);

#endif
