// SPDX-License-Identifier: GPL-2.0-or-later
// dbpath.h: where the tools find a signature database when none is given.
#ifndef VIGIL_TOOLS_DBPATH_H
#define VIGIL_TOOLS_DBPATH_H

#include <stddef.h>

/**
 * Pick the default database: $VIGIL_DB, else /var/lib/vigil/current
 * (installed by `vigil update`), else /var/lib/vigil, else
 * /var/lib/clamav when it holds databases vigil reads, else the starter
 * database (installed, or in the source tree for uninstalled builds).
 * @param[out] why  a short reason, for the user
 * @return the path, or NULL (then *why lists where it looked)
 */
const char *vigil_default_db(const char **why);

#endif
