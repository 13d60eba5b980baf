// SPDX-License-Identifier: GPL-2.0-or-later
// cli.h: the vigil command's subcommands and their shared state.
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <vigil/vigil.h>

/* Exit codes, as clamscan's. */
enum {
    VIGIL_EXIT_CLEAN = 0,
    VIGIL_EXIT_FOUND = 1,
    VIGIL_EXIT_ERROR = 2,
};

/* A repeatable option. Values from the config file are dropped at the
 * first use of the option on the command line (command line wins). */
struct opt_list {
    const char **v;
    size_t n, cap;
    bool from_cmdline;
};

struct select_rules; /* select.c */

struct scan_opts {
    struct opt_list dbs;   /* -d, in order */
    bool recursive;        /* -r */
    bool allmatch;         /* --allmatch */
    bool infected_only;    /* -i */
    bool summary;          /* not --no-summary */
    bool quiet;            /* --quiet: only errors and FOUND lines */
    bool no_db_cache;      /* --no-db-cache */
    bool json;             /* --json: JSON Lines on stdout */
    bool progress;         /* not --no-progress (and stderr a terminal) */
    bool one_fs;           /* -x, --one-file-system */
    int follow_dirs;       /* --follow-dir-symlinks: 0 never, 1 on the */
    int follow_files;      /* command line (default), 2 always; as clamscan */
    unsigned jobs;         /* -j: scanning threads */
    const char *file_list; /* -f, --file-list */
    const char *config;    /* --config-file */
    struct opt_list exclude, exclude_dir, include, include_dir;
    struct opt_list exclude_glob, include_glob;
    enum found_action {
        ACT_NONE,
        ACT_MOVE,   /* --move=DIR: into the quarantine store DIR */
        ACT_COPY,   /* --copy=DIR: a copy into the quarantine store */
        ACT_REMOVE, /* --remove */
    } action;
    const char *action_dir;
    struct vigil_limits limits; /* --max-* */
    unsigned alert_flags;       /* --alert-exceeds-max, --alert-encrypted */
};

/* Counters for the summary block. Owned by the reporter thread, except
 * dirs (the walker's), read once both are done. */
struct scan_totals {
    uint64_t dirs, files, infected, errors;
    uint64_t failed_paths; /* command-line paths not scanned (exit 2) */
    uint64_t bytes_scanned, bytes_read;
    unsigned limits; /* enum vigil_limit_bits reached by any file */
};

struct vq_store;
struct pool;

struct scan_run {
    const struct scan_opts *opts;
    struct pool *pool;
    struct scan_totals totals;
    struct vq_store *quarantine; /* --move/--copy */
    struct select_rules *rules;
    struct progress *progress; /* NULL when off */
};

int cmd_scan(int argc, char **argv);
/* cmd_db.c: `vigil db verify|info|patch`. */
int cmd_db(int argc, char **argv);
/* cmd_update.c: `vigil update` (update_*.c). */
int cmd_update(int argc, char **argv);

/* cmd_db_compiled.c: compiled database files. */
bool db_is_compiled(const char *path);
int db_compile(int argc, char **argv);
int db_info_compiled(const char *path);
int db_verify_compiled(const char *path);

/* scan_limits.c: set the limit named by long option @p name ("max-files"
 * ...) from @p arg (a number, K/M/G suffixes). @return 0, or -1 after
 * an error message. */
int scan_limit_option(const char *name, const char *arg,
                      struct vigil_limits *lim);

/* act.c: --move/--copy/--remove on a detected file. Called by the
 * reporter thread only. */
int act_open(struct scan_run *run);
void act_on_found(struct scan_run *run, const char *path,
                  const struct vigil_result *res);
void act_close(struct scan_run *run);

#endif
