// SPDX-License-Identifier: GPL-2.0-or-later
// select.h: --exclude/--include rules of `vigil scan` (select.c).
#ifndef VIGIL_SELECT_H
#define VIGIL_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/** Compile the rules of @p o (which must outlive them).
 *  @return 0, or -1 with @p err naming the bad option */
int select_new(const struct scan_opts *o, struct select_rules **out, char *err,
               size_t errlen);
void select_free(struct select_rules **r);

/** @return true if the regular file @p path (last component @p name) is
 *  not to be scanned. @p r may be NULL (no rules). */
bool select_skip_file(const struct select_rules *r, const char *path,
                      const char *name);
/** @return true if the directory @p path is not to be entered. */
bool select_skip_dir(const struct select_rules *r, const char *path,
                     const char *name);

/** @return the last component of @p path (the path itself if none). */
const char *path_basename(const char *path);

#endif
