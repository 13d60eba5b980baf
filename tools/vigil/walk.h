// SPDX-License-Identifier: GPL-2.0-or-later
// walk.h: the walker of `vigil scan` (walk.c).
#ifndef VIGIL_WALK_H
#define VIGIL_WALK_H

#include <stdbool.h>
#include <sys/stat.h>

#include "cli.h"

struct walker;

struct walker *walker_new(struct scan_run *run);
void walker_free(struct walker **w);

/** Submit a command-line path ("-": standard input) and, for a directory,
 *  what lies below it, to run->pool. */
void walk_path(struct walker *w, const char *arg);
/** walk_path() on each line of @p list. @return 0, -1 if unreadable */
int walk_file_list(struct walker *w, const char *list);

/** --one-file-system: may a directory with @p st be entered, when the
 *  command-line path was on device @p root? */
bool walk_same_fs(const struct scan_opts *o, dev_t root, const struct stat *st);

#endif
