// SPDX-License-Identifier: GPL-2.0-or-later
// pool.h: `vigil scan`'s threads: the walker (caller) submits items in
// walk order, N workers scan files, and one reporter prints the results
// in walk order (a bounded reorder window), so output is the same for
// any -j. docs/internals/CLI-SCAN.md has the whole picture.
#ifndef VIGIL_POOL_H
#define VIGIL_POOL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "cli.h"

/* An open directory shared by the walker and the workers that open its
 * files with openat(); closed at the last reference. */
struct dirh {
    int fd;
    atomic_int refs;
};

struct dirh *dirh_new(int fd);
struct dirh *dirh_ref(struct dirh *d);
void dirh_unref(struct dirh **d);

enum item_kind {
    ITEM_FILE,        /* a regular file, scanned by a worker */
    ITEM_STDIN,       /* "-": standard input, scanned by a worker */
    ITEM_NOTE,        /* "Empty file", "Symbolic link": hidden by -i */
    ITEM_EXCLUDED,    /* "Excluded": hidden by -i */
    ITEM_ERROR,       /* not scanned: "Total errors" and exit 2 */
    ITEM_ACCESS,      /* command-line path unreachable: stderr, exit 2 */
    ITEM_UNSUPPORTED, /* command-line path of another type: as above */
};

struct item {
    struct item *next; /* in the work queue */
    uint64_t seq;
    enum item_kind kind;
    char *path;       /* as displayed; owned */
    struct dirh *dir; /* ITEM_FILE inside a directory, else NULL */
    const char *name; /* openat() name in dir (points into path) */
    bool follow;      /* open may follow a symlink (command line, -2) */
    const char *msg;  /* static text for notes and errors */
    uint64_t size;    /* from the walker's stat */
    /* Filled by the worker. */
    int status; /* VIGIL_OK or why the file was not scanned */
    bool found;
    char **names; /* detections, owned */
    size_t n_names;
    uint64_t bytes_scanned;
    unsigned limits;  /* enum vigil_limit_bits the scan reached */
    struct stat seen; /* fstat of what was scanned (ITEM_FILE) */
    bool have_seen;
    bool done;
};

/** A new item (calloc'd, path copied). @return NULL when out of memory */
struct item *item_new(enum item_kind kind, const char *path);
void item_free(struct item *it);

/** Start @p jobs workers on @p eng and the reporter. @return 0 or -1 */
int pool_start(struct scan_run *run, struct vigil_engine *eng, unsigned jobs);
/** Hand an item over (blocks while the window is full). Takes ownership.
 *  Called by one thread, the walker. */
void pool_submit(struct pool *p, struct item *it);
/** No more items: wait until all are reported, stop the threads. */
void pool_finish(struct scan_run *run);

/* report.c: one finished item, on the reporter thread. */
void report_item(struct scan_run *run, struct item *it);
void report_summary(const struct scan_run *run, size_t nsigs, double secs,
                    const char *start, const char *end, const char *dbver);

/* progress.c: the terminal progress line (stderr). */
struct progress *progress_new(void);
void progress_free(struct progress **p);
/* The walker found a file of @p size bytes to scan. Thread-safe. */
void progress_found(struct progress *p, uint64_t size);
/* The walk is over: the total is known (ETA). Thread-safe. */
void progress_walk_done(struct progress *p);
/* Reporter only: a file of @p size bytes was scanned. */
void progress_count(struct progress *p, uint64_t size);
/* Reporter only: redraw, with @p cur as the current file, if the last
 * drawing is 100 ms old. */
void progress_tick(struct progress *p, const char *cur);
/* Reporter only: erase the line before a result line is written. */
void progress_clear(struct progress *p);

#endif
