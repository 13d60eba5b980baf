// SPDX-License-Identifier: GPL-2.0-or-later
// act.c: what happens to a detected file: --move/--copy into the
// quarantine store, or --remove; lines as clamscan prints them.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "act.h"
#include "cli.h"
#include "quarantine.h"

int act_open(struct scan_run *run)
{
    char err[512];
    const struct scan_opts *o = run->opts;
    if (o->action != ACT_MOVE && o->action != ACT_COPY)
        return 0;
    if (vq_open(o->action_dir, true, &run->quarantine, err, sizeof err)) {
        fprintf(stderr, "ERROR: quarantine %s: %s\n", o->action_dir, err);
        return -1;
    }
    return 0;
}

void act_close(struct scan_run *run)
{
    vq_close(&run->quarantine);
}

static void act_remove(struct scan_run *run, const char *path)
{
    if (unlink(path) == 0) {
        printf("%s: Removed.\n", path);
    } else {
        run->totals.errors++;
        fprintf(stderr, "ERROR: Can't remove file %s: %s\n", path,
                strerror(errno));
    }
}

/* clamscan prints "PATH: moved to 'DEST'"; the entry id is what
 * `vigil quarantine show|restore` takes, so the line names both. */
static void act_quarantine(struct scan_run *run, const char *path,
                           const struct stat *seen,
                           const struct vigil_result *res)
{
    char id[VQ_ID_SIZE], err[512];
    bool move = run->opts->action == ACT_MOVE;
    const char *one[1] = {res->sig_name};
    const char *const *names = res->n_names ? res->names : one;
    size_t n = res->n_names ? res->n_names : (res->sig_name ? 1 : 0);
    if (vq_store_file(run->quarantine, path, seen, names, n,
                      move ? VQ_MOVE : VQ_COPY, id, sizeof id, err,
                      sizeof err) == 0) {
        printf("%s: %s to quarantine '%s' as %s\n", path,
               move ? "moved" : "copied", vq_dir(run->quarantine), id);
    } else {
        run->totals.errors++;
        fprintf(stderr, "ERROR: Can't %s file %s: %s\n", move ? "move" : "copy",
                path, err);
    }
}

void act_on_found_seen(struct scan_run *run, const char *path,
                       const struct stat *seen, const struct vigil_result *res)
{
    switch (run->opts->action) {
    case ACT_NONE: break;
    case ACT_REMOVE: act_remove(run, path); break;
    case ACT_MOVE:
    case ACT_COPY: act_quarantine(run, path, seen, res); break;
    }
    fflush(stdout);
}

void act_on_found(struct scan_run *run, const char *path,
                  const struct vigil_result *res)
{
    act_on_found_seen(run, path, NULL, res);
}
