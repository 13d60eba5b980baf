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
#include "util/strparse.h"

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
    OPT_MAX_SCANSIZE,
    OPT_MAX_FILESIZE,
    OPT_MAX_RECURSION,
    OPT_MAX_FILES,
    OPT_MAX_SCANTIME,
    OPT_MAX_RATIO,
    OPT_ALERT_EXCEEDS,
    OPT_ALERT_ENCRYPTED,
};

/* A number with an optional K/M/G suffix (powers of 1024), as clamscan. */
static int parse_size(const char *arg, uint64_t max, uint64_t *out)
{
    size_t n = strlen(arg);
    uint64_t mul = 1, v;
    if (n > 0 && strchr("kKmMgG", arg[n - 1])) {
        char c = arg[n - 1];
        mul = c == 'k' || c == 'K' ? 1024u : c == 'm' || c == 'M' ? 1u << 20
                                                                   : 1u << 30;
        n--;
    }
    if (vigil_str_to_u64(vigil_str_make(arg, n), UINT64_MAX / mul, &v) != 0 ||
        v * mul > max) {
        fprintf(stderr, "ERROR: bad limit value: %s\n", arg);
        return -1;
    }
    *out = v * mul;
    return 0;
}

static int set_limit(int opt, const char *arg, struct scan_opts *o)
{
    uint64_t v;
    struct vigil_limits *l = &o->limits;
    bool size = opt == OPT_MAX_SCANSIZE || opt == OPT_MAX_FILESIZE;
    if (parse_size(arg, size ? UINT64_MAX : UINT32_MAX, &v) != 0)
        return -1;
    switch (opt) {
    case OPT_MAX_SCANSIZE: l->max_scan_size = v; break;
    case OPT_MAX_FILESIZE: l->max_file_size = v; break;
    case OPT_MAX_RECURSION: l->max_recursion = (uint32_t)v; break;
    case OPT_MAX_FILES: l->max_files = (uint32_t)v; break;
    case OPT_MAX_SCANTIME: l->max_scan_time_ms = (uint32_t)v; break;
    default: l->max_ratio = (uint32_t)v; break;
    }
    return 0;
}

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
        {"max-scansize", required_argument, NULL, OPT_MAX_SCANSIZE},
        {"max-filesize", required_argument, NULL, OPT_MAX_FILESIZE},
        {"max-recursion", required_argument, NULL, OPT_MAX_RECURSION},
        {"max-files", required_argument, NULL, OPT_MAX_FILES},
        {"max-scantime", required_argument, NULL, OPT_MAX_SCANTIME},
        {"max-ratio", required_argument, NULL, OPT_MAX_RATIO},
        {"alert-exceeds-max", no_argument, NULL, OPT_ALERT_EXCEEDS},
        {"alert-encrypted", no_argument, NULL, OPT_ALERT_ENCRYPTED},
        {"alert-encrypted-archive", no_argument, NULL, OPT_ALERT_ENCRYPTED},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    o->dbs = calloc((size_t)argc, sizeof *o->dbs);
    if (!o->dbs)
        return -1;
    o->summary = true;
    vigil_limits_default(&o->limits);
    while ((c = getopt_long(argc, argv, "d:rih", longopts, NULL)) != -1) {
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
        case OPT_MAX_SCANSIZE:
        case OPT_MAX_FILESIZE:
        case OPT_MAX_RECURSION:
        case OPT_MAX_FILES:
        case OPT_MAX_SCANTIME:
        case OPT_MAX_RATIO:
            if (set_limit(c, optarg, o) != 0)
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
