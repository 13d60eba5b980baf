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

struct scan_opts {
    const char **dbs;      /* -d, in order */
    size_t n_dbs;
    bool recursive;        /* -r */
    bool allmatch;         /* --allmatch */
    bool infected_only;    /* -i */
    bool summary;          /* not --no-summary */
    bool quiet;            /* --quiet: only errors and FOUND lines */
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

/* Counters for the summary block. */
struct scan_totals {
    uint64_t dirs, files, infected, errors;
    uint64_t failed_paths; /* command-line paths not scanned (exit 2) */
    uint64_t bytes_scanned, bytes_read;
    unsigned limits; /* enum vigil_limit_bits reached by any file */
};

struct vq_store;

struct scan_run {
    const struct scan_opts *opts;
    struct vigil_scan *scan;
    struct scan_totals totals;
    struct vq_store *quarantine; /* --move/--copy */
};

int cmd_scan(int argc, char **argv);
/* cmd_db.c: `vigil db verify|info|patch`. */
int cmd_db(int argc, char **argv);

/* scan_limits.c: set the limit named by long option @p name ("max-files"
 * ...) from @p arg (a number, K/M/G suffixes). @return 0, or -1 after
 * an error message. */
int scan_limit_option(const char *name, const char *arg,
                      struct vigil_limits *lim);

/* walk.c: scan one command-line path (file or directory). */
void walk_path(struct scan_run *run, const char *path);

/* act.c: --move/--copy/--remove on a detected file. */
int act_open(struct scan_run *run);
void act_on_found(struct scan_run *run, const char *path,
                  const struct vigil_result *res);
void act_close(struct scan_run *run);

/* report.c: result lines and the summary, clamscan's formats. */
void report_found(const struct scan_run *run, const char *path,
                  const struct vigil_result *res);
void report_ok(const struct scan_run *run, const char *path);
/* An object that could not be scanned: counts as an error (exit 2).
 * Hidden by -i, as in clamscan. */
void report_error(struct scan_run *run, const char *path, const char *msg);
/* An informational line ("Empty file", "Symbolic link"), hidden by -i. */
void report_note(const struct scan_run *run, const char *path,
                 const char *msg);
/* A command-line path that cannot be reached (stderr, as clamscan). */
void report_access_error(struct scan_run *run, const char *path,
                         const char *why);
void report_unsupported(struct scan_run *run, const char *path);
void report_summary(const struct scan_run *run, size_t nsigs, double secs,
                    const char *start, const char *end);

#endif
