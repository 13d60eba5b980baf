// SPDX-License-Identifier: GPL-2.0-or-later
// act.h: act_on_found with what the scanner saw, so --move/--copy refuse
// a file that was replaced or changed between the scan and the move.
// (act_open, act_on_found and act_close are declared in cli.h.)
#ifndef VIGIL_ACT_H
#define VIGIL_ACT_H

#include <sys/stat.h>

#include "cli.h"

/**
 * As act_on_found, with @p seen the lstat/fstat the scanner took of
 * @p path (NULL: not known). --move/--copy refuse the file when its
 * device, inode, size or mtime no longer match.
 */
void act_on_found_seen(struct scan_run *run, const char *path,
                       const struct stat *seen, const struct vigil_result *res);

#endif
