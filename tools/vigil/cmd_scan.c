// SPDX-License-Identifier: GPL-2.0-or-later
// cmd_scan.c: `vigil scan`: options, database loading, the summary.
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common/dbpath.h"

static void scan_usage(FILE *out)
{
    fprintf(out,
            "Usage: vigil scan [OPTIONS] [PATH...]\n"
            "\n"
            "  -d, --database=PATH   signature file or directory (repeatable)\n"
            "  -r, --recursive       scan directories recursively\n"
            "  -i, --infected        print only infected files\n"
            "      --allmatch        report every matching signature\n"
            "      --no-summary      do not print the summary block\n"
            "      --quiet           print only FOUND lines and errors\n"
            "      --move=DIR        move infected files into quarantine DIR\n"
            "      --copy=DIR        copy infected files into quarantine DIR\n"
            "      --remove          remove infected files\n"
            "      --max-scansize=N  bytes scanned per file, all it holds\n"
            "                        included (K/M/G suffix; 0: none; 400M)\n"
            "      --max-filesize=N  largest file or member scanned (100M)\n"
            "      --max-recursion=N deepest nesting of containers (17)\n"
            "      --max-files=N     most objects scanned per file (10000)\n"
            "      --max-scantime=MS time per file in milliseconds (120000)\n"
            "      --max-ratio=N     largest expansion ratio of a member (off)\n"
            "      --alert-exceeds-max  report Heuristics.Limits.Exceeded.*\n"
            "      --alert-encrypted    report Heuristics.Encrypted.*\n"
            "  -h, --help            show this help\n"
            "\n"
            "Without -d: $VIGIL_DB, /var/lib/vigil, /var/lib/clamav, then the\n"
            "starter database. Without PATH: the current directory.\n"
            "Exit: 0 clean, 1 found, 2 error.\n");
}

static void log_to_stderr(void *cookie, enum vigil_log_level level,
                          const char *msg)
{
    (void)cookie;
    fprintf(stderr, "%s: %s\n",
            level >= VIGIL_LOG_ERROR  ? "ERROR"
            : level >= VIGIL_LOG_WARN ? "WARNING"
                                      : "INFO",
            msg);
}

enum {
    OPT_ALLMATCH = 256,
    OPT_NO_SUMMARY,
    OPT_QUIET,
    OPT_MOVE,
    OPT_COPY,
    OPT_REMOVE,
    OPT_LIMIT, /* --max-*: scan_limits.c */
    OPT_ALERT_EXCEEDS,
    OPT_ALERT_ENCRYPTED,
};

static int parse_args(int argc, char **argv, struct scan_opts *o)
{
    static const struct option longopts[] = {
        {"database", required_argument, NULL, 'd'},
        {"recursive", no_argument, NULL, 'r'},
        {"infected", no_argument, NULL, 'i'},
        {"allmatch", no_argument, NULL, OPT_ALLMATCH},
        {"no-summary", no_argument, NULL, OPT_NO_SUMMARY},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"move", required_argument, NULL, OPT_MOVE},
        {"copy", required_argument, NULL, OPT_COPY},
        {"remove", no_argument, NULL, OPT_REMOVE},
        {"max-scansize", required_argument, NULL, OPT_LIMIT},
        {"max-filesize", required_argument, NULL, OPT_LIMIT},
        {"max-recursion", required_argument, NULL, OPT_LIMIT},
        {"max-files", required_argument, NULL, OPT_LIMIT},
        {"max-scantime", required_argument, NULL, OPT_LIMIT},
        {"max-ratio", required_argument, NULL, OPT_LIMIT},
        {"alert-exceeds-max", no_argument, NULL, OPT_ALERT_EXCEEDS},
        {"alert-encrypted", no_argument, NULL, OPT_ALERT_ENCRYPTED},
        {"alert-encrypted-archive", no_argument, NULL, OPT_ALERT_ENCRYPTED},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, idx = 0;
    o->dbs = calloc((size_t)argc, sizeof *o->dbs);
    if (!o->dbs)
        return -1;
    o->summary = true;
    vigil_limits_default(&o->limits);
    while ((c = getopt_long(argc, argv, "d:rih", longopts, &idx)) != -1) {
        switch (c) {
        case 'd': o->dbs[o->n_dbs++] = optarg; break;
        case 'r': o->recursive = true; break;
        case 'i': o->infected_only = true; break;
        case OPT_ALLMATCH: o->allmatch = true; break;
        case OPT_NO_SUMMARY: o->summary = false; break;
        case OPT_QUIET: o->quiet = o->infected_only = true; break;
        case OPT_MOVE: o->action = ACT_MOVE, o->action_dir = optarg; break;
        case OPT_COPY: o->action = ACT_COPY, o->action_dir = optarg; break;
        case OPT_REMOVE: o->action = ACT_REMOVE; break;
        case OPT_ALERT_EXCEEDS:
            o->alert_flags |= VIGIL_SCAN_ALERT_EXCEEDS;
            break;
        case OPT_ALERT_ENCRYPTED:
            o->alert_flags |= VIGIL_SCAN_ALERT_ENCRYPTED;
            break;
        case OPT_LIMIT:
            if (scan_limit_option(longopts[idx].name, optarg, &o->limits))
                return -1;
            break;
        case 'h': scan_usage(stdout); exit(VIGIL_EXIT_CLEAN);
        default: scan_usage(stderr); return -1;
        }
    }
    return 0;
}

static int load_one(struct vigil_engine *eng, const char *path)
{
    int ret = vigil_engine_load_db(eng, path, NULL);
    if (ret != VIGIL_OK) {
        const char *msg = vigil_engine_last_error(eng);
        fprintf(stderr, "ERROR: cannot load database %s: %s\n", path,
                *msg ? msg : vigil_strerror(ret));
    }
    return ret;
}

/* Build the engine from -d options or the default database. */
static struct vigil_engine *load_engine(const struct scan_opts *o)
{
    struct vigil_settings set = {log_to_stderr, NULL, VIGIL_LOG_WARN, false};
    struct vigil_engine *eng = NULL;
    if (o->quiet)
        set.log_level = VIGIL_LOG_ERROR;
    if (vigil_engine_new(&eng, &set) != VIGIL_OK)
        return NULL;
    for (size_t i = 0; i < o->n_dbs; i++)
        if (load_one(eng, o->dbs[i]) != VIGIL_OK)
            goto fail;
    if (o->n_dbs == 0) {
        const char *why, *db = vigil_default_db(&why);
        if (!db) {
            fprintf(stderr, "ERROR: no signature database found (%s)\n", why);
            goto fail;
        }
        if (!o->quiet)
            fprintf(stderr, "vigil: using database %s (%s)\n", db, why);
        if (load_one(eng, db) != VIGIL_OK)
            goto fail;
    }
    if (vigil_engine_compile(eng) != VIGIL_OK) {
        fprintf(stderr, "ERROR: cannot compile the database\n");
        goto fail;
    }
    return eng;
fail:
    vigil_engine_unref(&eng);
    return NULL;
}

static void clock_date(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(buf, n, "%Y:%m:%d %H:%M:%S", &tm);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int cmd_scan(int argc, char **argv)
{
    struct scan_opts opts = {0};
    struct scan_run run = {&opts, NULL, {0}, NULL};
    struct vigil_engine *eng = NULL;
    struct timespec t0;
    char start[32], end[32];
    int rc = VIGIL_EXIT_ERROR;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_date(start, sizeof start);
    if (parse_args(argc, argv, &opts) != 0)
        goto out;
    if (act_open(&run) != 0)
        goto out;
    if (!(eng = load_engine(&opts)))
        goto out;
    if (vigil_scan_new(&run.scan, eng) != VIGIL_OK ||
        vigil_scan_set_limits(run.scan, &opts.limits) != VIGIL_OK)
        goto out;
    if (optind >= argc) { /* as clamscan: no PATH scans the current folder */
        char *cwd = getcwd(NULL, 0);
        if (cwd)
            walk_path(&run, cwd);
        free(cwd);
    }
    for (int i = optind; i < argc; i++)
        walk_path(&run, argv[i]);
    clock_date(end, sizeof end);
    if (opts.summary)
        report_summary(&run, vigil_engine_signature_count(eng),
                       seconds_since(&t0), start, end);
    /* As clamscan: a detection outranks errors in the exit code. */
    rc = run.totals.infected                              ? VIGIL_EXIT_FOUND
         : run.totals.errors || run.totals.failed_paths ? VIGIL_EXIT_ERROR
                                                        : VIGIL_EXIT_CLEAN;
out:
    act_close(&run);
    vigil_scan_free(&run.scan);
    vigil_engine_unref(&eng);
    free(opts.dbs);
    return rc;
}
