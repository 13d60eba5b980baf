// SPDX-License-Identifier: GPL-2.0-or-later
// walk.h: the directory walk of SCAN and friends, in clamd's order.
#ifndef VIGILD_WALK_H
#define VIGILD_WALK_H

#include <stdbool.h>
#include <sys/stat.h>

enum vgd_walk_event {
    VGD_WALK_FILE,         /* a regular file to scan */
    VGD_WALK_STAT_ERROR,   /* stat/opendir failed: err holds errno */
    VGD_WALK_SKIP_LINK,    /* a symlink not followed */
    VGD_WALK_SKIP_SPECIAL, /* fifo, device, socket */
    VGD_WALK_SKIP_DEPTH,   /* MaxDirectoryRecursion reached */
    VGD_WALK_DIR_TOP,      /* the top-level path is a directory */
};

struct vgd_walk_event_data {
    enum vgd_walk_event ev;
    const char *path;
    const struct stat *st; /* VGD_WALK_FILE */
    int err;               /* VGD_WALK_STAT_ERROR */
    bool toplevel;
};

/* @return 0 to go on, nonzero to stop the walk (returned by vgd_walk). */
typedef int (*vgd_walk_fn)(void *ctx, const struct vgd_walk_event_data *e);

struct vgd_walk_opts {
    unsigned max_depth; /* MaxDirectoryRecursion */
    bool follow_dir_links, follow_file_links;
};

/**
 * Walk @p path as clamd's cli_ftw: the top level is lstat'ed (symlinks not
 * followed by default); in each directory regular files come first, then
 * subdirectories, each group in inode order; symlinks inside directories
 * are skipped silently.
 * @param path  trailing slashes are removed in place
 */
int vgd_walk(char *path, const struct vgd_walk_opts *o, vgd_walk_fn fn,
             void *ctx);

#endif
