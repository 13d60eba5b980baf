// SPDX-License-Identifier: GPL-2.0-or-later
// cmd_scan.c: `vigil scan`: options (config file, then command line),
// database loading, the threads, the summary.
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common/dbpath.h"
#include "config.h"
#include "dbver.h"
#include "pool.h"
#include "select.h"
#include "util/strparse.h"
#include "walk.h"

#define MAX_JOBS 256

static void scan_usage(FILE *out)
{
    fprintf(out,
            "Usage: vigil scan [OPTIONS] [PATH...]   (PATH '-': stdin)\n"
            "\n"
            "  -d, --database=PATH   signature file or directory (repeatable)\n"
            "  -r, --recursive       scan directories recursively\n"
            "  -j, --jobs=N          scanning threads (default: all CPUs)\n"
            "  -x, --one-file-system do not enter other filesystems\n"
            "      --follow-dir-symlinks=0|1|2   0 never, 1 on the command\n"
            "      --follow-file-symlinks=0|1|2  line (default), 2 always\n"
            "      --exclude=REGEX   skip files whose path matches\n"
            "      --exclude-dir=REGEX  skip directories whose path matches\n"
            "      --include=REGEX   scan only files whose path matches\n"
            "      --include-dir=REGEX  enter only matching directories\n"
            "      --exclude-glob=GLOB  skip files and directories matching\n"
            "      --include-glob=GLOB  scan only files matching\n"
            "  -f, --file-list=FILE  scan the paths listed in FILE\n"
            "  -i, --infected        print only infected files\n"
            "      --allmatch        report every matching signature\n"
            "      --json            JSON Lines on stdout\n"
            "      --no-progress     no progress line on a terminal\n"
            "      --no-summary      do not print the summary block\n"
            "      --quiet           print only FOUND lines and errors\n"
            "      --move=DIR        move infected files into quarantine DIR\n"
            "      --copy=DIR        copy infected files into quarantine DIR\n"
            "      --remove          remove infected files\n"
            "      --no-db-cache     load the sources, skip the compiled cache\n"
            "      --max-scansize=N  bytes scanned per file, all it holds\n"
            "                        included (K/M/G suffix; 0: none; 400M)\n"
            "      --max-filesize=N  largest file or member scanned (100M)\n"
            "      --max-recursion=N deepest nesting of containers (17)\n"
            "      --max-files=N     most objects scanned per file (10000)\n"
            "      --max-scantime=MS time per file in milliseconds (120000)\n"
            "      --max-ratio=N     largest expansion ratio of a member (off)\n"
            "      --alert-exceeds-max  report Heuristics.Limits.Exceeded.*\n"
            "      --alert-encrypted    report Heuristics.Encrypted.*\n"
            "      --config-file=FILE  defaults (else $VIGIL_CONF or\n"
            "                        " VIGIL_CONF_DEFAULT ")\n"
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
    OPT_JSON,
    OPT_NO_PROGRESS,
    OPT_FOLLOW_DIRS,
    OPT_FOLLOW_FILES,
    OPT_EXCLUDE,
    OPT_EXCLUDE_DIR,
    OPT_INCLUDE,
    OPT_INCLUDE_DIR,
    OPT_EXCLUDE_GLOB,
    OPT_INCLUDE_GLOB,
    OPT_CONFIG,
    OPT_NO_DB_CACHE,
    OPT_LIMIT, /* --max-*: scan_limits.c */
    OPT_ALERT_EXCEEDS,
    OPT_ALERT_ENCRYPTED,
};

/* Every long option is also a vigil.conf key (config.c). */
static const struct option longopts[] = {
    {"database", required_argument, NULL, 'd'},
    {"recursive", no_argument, NULL, 'r'},
    {"infected", no_argument, NULL, 'i'},
    {"jobs", required_argument, NULL, 'j'},
    {"one-file-system", no_argument, NULL, 'x'},
    {"follow-dir-symlinks", required_argument, NULL, OPT_FOLLOW_DIRS},
    {"follow-file-symlinks", required_argument, NULL, OPT_FOLLOW_FILES},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"exclude-dir", required_argument, NULL, OPT_EXCLUDE_DIR},
    {"include", required_argument, NULL, OPT_INCLUDE},
    {"include-dir", required_argument, NULL, OPT_INCLUDE_DIR},
    {"exclude-glob", required_argument, NULL, OPT_EXCLUDE_GLOB},
    {"include-glob", required_argument, NULL, OPT_INCLUDE_GLOB},
    {"file-list", required_argument, NULL, 'f'},
    {"allmatch", no_argument, NULL, OPT_ALLMATCH},
    {"json", no_argument, NULL, OPT_JSON},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"no-summary", no_argument, NULL, OPT_NO_SUMMARY},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"move", required_argument, NULL, OPT_MOVE},
    {"copy", required_argument, NULL, OPT_COPY},
    {"remove", no_argument, NULL, OPT_REMOVE},
    {"config-file", required_argument, NULL, OPT_CONFIG},
    {"no-db-cache", no_argument, NULL, OPT_NO_DB_CACHE},
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

static int list_add(struct opt_list *l, const char *v, bool cmdline)
{
    if (cmdline && !l->from_cmdline) { /* the command line wins */
        l->n = 0;
        l->from_cmdline = true;
    }
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 8;
        const char **nv = realloc(l->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = ncap;
    }
    l->v[l->n++] = v;
    return 0;
}

static int parse_uint(const char *opt, const char *s, unsigned min,
                      unsigned max, unsigned *out)
{
    uint64_t v;
    if (vigil_str_to_u64(vigil_str_cstr(s), max, &v) != VIGIL_OK || v < min) {
        fprintf(stderr, "ERROR: --%s=%s: expected a number from %u to %u\n",
                opt, s, min, max);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

static int follow_opt(const char *opt, const char *s, int *out)
{
    unsigned v;
    if (parse_uint(opt, s, 0, 2, &v) != 0)
        return -1;
    *out = (int)v;
    return 0;
}

/* One option of the table; @p cmdline false while reading the config. */
static int apply_opt(int c, int idx, struct scan_opts *o, bool cmdline)
{
    switch (c) {
    case 'd': return list_add(&o->dbs, optarg, cmdline);
    case 'r': o->recursive = true; return 0;
    case 'i': o->infected_only = true; return 0;
    case 'j': return parse_uint("jobs", optarg, 1, MAX_JOBS, &o->jobs);
    case 'x': o->one_fs = true; return 0;
    case 'f': o->file_list = optarg; return 0;
    case OPT_FOLLOW_DIRS:
        return follow_opt("follow-dir-symlinks", optarg, &o->follow_dirs);
    case OPT_FOLLOW_FILES:
        return follow_opt("follow-file-symlinks", optarg, &o->follow_files);
    case OPT_EXCLUDE: return list_add(&o->exclude, optarg, cmdline);
    case OPT_EXCLUDE_DIR: return list_add(&o->exclude_dir, optarg, cmdline);
    case OPT_INCLUDE: return list_add(&o->include, optarg, cmdline);
    case OPT_INCLUDE_DIR: return list_add(&o->include_dir, optarg, cmdline);
    case OPT_EXCLUDE_GLOB: return list_add(&o->exclude_glob, optarg, cmdline);
    case OPT_INCLUDE_GLOB: return list_add(&o->include_glob, optarg, cmdline);
    case OPT_ALLMATCH: o->allmatch = true; return 0;
    case OPT_JSON: o->json = true; return 0;
    case OPT_NO_PROGRESS: o->progress = false; return 0;
    case OPT_NO_SUMMARY: o->summary = false; return 0;
    case OPT_QUIET: o->quiet = o->infected_only = true; return 0;
    case OPT_MOVE: o->action = ACT_MOVE, o->action_dir = optarg; return 0;
    case OPT_COPY: o->action = ACT_COPY, o->action_dir = optarg; return 0;
    case OPT_REMOVE: o->action = ACT_REMOVE; return 0;
    case OPT_CONFIG: o->config = optarg; return 0;
    case OPT_NO_DB_CACHE: o->no_db_cache = true; return 0;
    case OPT_ALERT_EXCEEDS:
        o->alert_flags |= VIGIL_SCAN_ALERT_EXCEEDS;
        return 0;
    case OPT_ALERT_ENCRYPTED:
        o->alert_flags |= VIGIL_SCAN_ALERT_ENCRYPTED;
        return 0;
    case OPT_LIMIT:
        return scan_limit_option(longopts[idx].name, optarg, &o->limits);
    case 'h': scan_usage(stdout); exit(VIGIL_EXIT_CLEAN);
    default: scan_usage(stderr); return -1;
    }
}

static int parse_args(int argc, char **argv, struct scan_opts *o, bool cmdline)
{
    int c, idx = 0;
    optind = 0; /* glibc: start afresh (the config is parsed first) */
    while ((c = getopt_long(argc, argv, "d:rihj:xf:", longopts, &idx)) != -1)
        if (apply_opt(c, idx, o, cmdline) != 0)
            return -1;
    return 0;
}

/* --config-file must be known before anything else is parsed. */
static const char *config_path(int argc, char **argv, bool *must_exist)
{
    const char *env = getenv("VIGIL_CONF");
    *must_exist = true;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strncmp(argv[i], "--config-file=", 14))
            return argv[i] + 14;
        if (!strcmp(argv[i], "--config-file") && i + 1 < argc)
            return argv[i + 1];
    }
    if (env && *env)
        return env;
    *must_exist = false;
    return VIGIL_CONF_DEFAULT;
}

static int load_options(int argc, char **argv, struct scan_opts *o,
                        struct conf_args *conf)
{
    bool must_exist;
    const char *path = config_path(argc, argv, &must_exist);
    o->summary = o->progress = true;
    vigil_limits_default(&o->limits);
    o->follow_dirs = o->follow_files = 1;
    if (conf_read(path, must_exist, longopts, conf) != 0)
        return -1;
    if (conf->argc > 1 && parse_args(conf->argc, conf->argv, o, false) != 0)
        return -1;
    return parse_args(argc, argv, o, true);
}

/* Through the compiled-database cache unless --no-db-cache
 * (docs/internals/COMPILED-DB.md). */
static int load_dbs(struct vigil_engine *eng, const struct scan_opts *o)
{
    int ret = vigil_engine_load_cached(eng, o->dbs.v, o->dbs.n,
                                       o->no_db_cache ? "" : NULL, 0);
    if (ret != VIGIL_OK) {
        const char *msg = vigil_engine_last_error(eng);
        /* The message starts with the file that failed. */
        fprintf(stderr, "ERROR: cannot load database: %s\n",
                *msg ? msg : vigil_strerror(ret));
    }
    return ret;
}

/* Build the engine from -d options or the default database (added to
 * o->dbs, for the database version). */
static struct vigil_engine *load_engine(struct scan_opts *o)
{
    struct vigil_settings set = {log_to_stderr, NULL, VIGIL_LOG_WARN, false};
    struct vigil_engine *eng = NULL;
    if (o->quiet)
        set.log_level = VIGIL_LOG_ERROR;
    if (vigil_engine_new(&eng, &set) != VIGIL_OK)
        return NULL;
    if (o->dbs.n == 0) {
        const char *why, *db = vigil_default_db(&why);
        if (!db) {
            fprintf(stderr, "ERROR: no signature database found (%s)\n", why);
            goto fail;
        }
        if (!o->quiet && !o->json)
            fprintf(stderr, "vigil: using database %s (%s)\n", db, why);
        if (list_add(&o->dbs, db, false) != 0)
            goto fail;
    }
    if (load_dbs(eng, o) != VIGIL_OK)
        goto fail;
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

/* The walker keeps one descriptor per directory level open, and each
 * queued file its directory's: take all the descriptors allowed. */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static unsigned default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (unsigned)n;
}

/* Walk every path, from --file-list or the command line. @return 0 or -1
 * (the file list could not be read) */
static int walk_all(struct scan_run *run, int argc, char **argv)
{
    struct walker *w = walker_new(run);
    int ret = 0;
    if (!w)
        return -1;
    if (run->opts->file_list) {
        if (optind < argc)
            fprintf(stderr, "WARNING: Only scanning files from --file-list "
                            "(files passed at cmdline are ignored)\n");
        ret = walk_file_list(w, run->opts->file_list);
    } else if (optind >= argc) { /* as clamscan: no PATH scans the cwd */
        char *cwd = getcwd(NULL, 0);
        if (cwd)
            walk_path(w, cwd);
        free(cwd);
    }
    for (int i = optind; i < argc && !run->opts->file_list; i++)
        walk_path(w, argv[i]);
    walker_free(&w);
    return ret;
}

static int setup_run(struct scan_run *run, struct scan_opts *o)
{
    char err[256];
    if (select_new(o, &run->rules, err, sizeof err) != 0) {
        fprintf(stderr, "ERROR: %s\n", err);
        return -1;
    }
    if (!o->jobs)
        o->jobs = default_jobs();
    return act_open(run);
}

static void free_opts(struct scan_opts *o)
{
    free(o->dbs.v);
    free(o->exclude.v);
    free(o->exclude_dir.v);
    free(o->include.v);
    free(o->include_dir.v);
    free(o->exclude_glob.v);
    free(o->include_glob.v);
}

int cmd_scan(int argc, char **argv)
{
    struct scan_opts opts = {0};
    struct scan_run run = {.opts = &opts};
    struct conf_args conf = {0};
    struct vigil_engine *eng = NULL;
    struct timespec t0;
    char start[32], end[32], *dbver = NULL;
    int rc = VIGIL_EXIT_ERROR, walked = -1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_date(start, sizeof start);
    if (load_options(argc, argv, &opts, &conf) != 0 ||
        setup_run(&run, &opts) != 0 || !(eng = load_engine(&opts)))
        goto out;
    raise_fd_limit();
    /* Created now so that its rate does not count the database load. */
    if (opts.progress && !opts.quiet && isatty(STDERR_FILENO))
        run.progress = progress_new();
    if (pool_start(&run, eng, opts.jobs) == 0)
        walked = walk_all(&run, argc, argv);
    else
        fprintf(stderr, "ERROR: cannot start %u scanning threads\n", opts.jobs);
    if (run.progress)
        progress_walk_done(run.progress);
    pool_finish(&run); /* every item reported */
    progress_free(&run.progress);
    if (walked != 0)
        goto out;
    clock_date(end, sizeof end);
    if (opts.summary || opts.json) {
        dbver = db_version(opts.dbs.v, opts.dbs.n);
        report_summary(&run, vigil_engine_signature_count(eng),
                       seconds_since(&t0), start, end, dbver);
    }
    /* As clamscan: a detection outranks errors in the exit code. */
    rc = run.totals.infected                            ? VIGIL_EXIT_FOUND
         : run.totals.errors || run.totals.failed_paths ? VIGIL_EXIT_ERROR
                                                        : VIGIL_EXIT_CLEAN;
out:
    pool_finish(&run);
    progress_free(&run.progress);
    act_close(&run);
    select_free(&run.rules);
    vigil_engine_unref(&eng);
    free(dbver);
    free_opts(&opts);
    conf_free(&conf);
    return rc;
}
