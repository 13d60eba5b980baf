// SPDX-License-Identifier: GPL-2.0-or-later
// cmd_update.c: `vigil update`: options and update.conf, then the run:
// stage a new version from the mirrors (or --from), verify and test it,
// switch atomically, tell vigild. Also --status and --rollback.
#include <dirent.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "curl_dl.h"
#include "update.h"
#include "util/strparse.h"

#define CONF_MAX ((size_t)1 << 20)

void upd_say(const struct upd_conf *c, const char *fmt, ...)
{
    va_list ap;
    if (c->quiet)
        return;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

void upd_debug(const struct upd_conf *c, const char *fmt, ...)
{
    va_list ap;
    if (!c->verbose)
        return;
    va_start(ap, fmt);
    fputs("vigil update: debug: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void upd_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vigil update: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void upd_fmt_time(uint64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, n, "%Y-%m-%d %H:%M:%S UTC", &tm))
        snprintf(out, n, "%llu", (unsigned long long)t);
}

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: vigil update [OPTIONS]\n"
        "       vigil update --status [--json]\n"
        "       vigil update --rollback\n"
        "\n"
        "  --from=DIR|FILE      install from a directory, a file or a .tar\n"
        "                       bundle of them (offline)\n"
        "  --mirror=URL         ClamAV-style mirror (repeatable: fail-over)\n"
        "  --db=NAME            database to keep current (repeatable;\n"
        "                       default main, daily, bytecode)\n"
        "  --feed=URL           vigil's signed feed (vigil.manifest)\n"
        "  --db-dir=DIR         where versions live (/var/lib/vigil);\n"
        "                       scanners load DIR/current\n"
        "  --state-dir=DIR      update state (DB-DIR/state)\n"
        "  --keys-dir=DIR       trusted feed keys (/etc/vigil/keys)\n"
        "  --config=FILE        settings (/etc/vigil/update.conf)\n"
        "  --notify-socket=PATH vigild socket told to RELOAD\n"
        "  --no-reload          do not tell vigild\n"
        "  --timeout=SECONDS    give up on a stalled transfer (60)\n"
        "  --status, --json     show what is installed\n"
        "  --rollback           switch back to the previous version\n"
        "  -v, --verbose        -q, --quiet\n"
        "\n"
        "Exit: 0 updated or up to date, 1 every source cooling down,\n"
        "2 error (the installed database is left as it was).\n");
}

static const char *own(struct upd_conf *c, struct vigil_str v)
{
    char *p;
    if (c->n_owned == UPD_MAX_OWNED || !(p = malloc(v.len + 1)))
        return NULL;
    memcpy(p, v.p, v.len);
    p[v.len] = '\0';
    c->owned[c->n_owned++] = p;
    return p;
}

static int add_list(const char **list, size_t *n, size_t max, const char *v)
{
    if (!v || *n == max)
        return -1;
    list[(*n)++] = v;
    return 0;
}

static int conf_key(struct upd_conf *c, struct vigil_str k, const char *v)
{
    if (!v)
        return -1;
    if (vigil_str_eq(k, "DatabaseDirectory"))
        c->db_dir = v;
    else if (vigil_str_eq(k, "StateDirectory"))
        c->state_dir = v;
    else if (vigil_str_eq(k, "KeysDirectory"))
        c->keys_dir = v;
    else if (vigil_str_eq(k, "DatabaseMirror"))
        return add_list(c->mirrors, &c->n_mirrors, UPD_MAX_MIRRORS, v);
    else if (vigil_str_eq(k, "Database")) {
        c->dbs_given = true;
        return add_list(c->dbs, &c->n_dbs, UPD_MAX_DBS, v);
    } else if (vigil_str_eq(k, "Feed"))
        c->feed = v;
    else if (vigil_str_eq(k, "NotifySocket"))
        c->notify = strcmp(v, "none") ? v : "";
    else if (vigil_str_eq(k, "Timeout")) {
        uint64_t t;
        if (vigil_str_to_u64(vigil_str_cstr(v), 86400, &t) || !t)
            return -1;
        c->timeout = (long)t;
    } else
        return -1;
    return 0;
}

static int read_conf(struct upd_conf *c, bool must)
{
    struct vigil_buf b;
    struct vigil_str rest, line;
    unsigned n = 0;
    int ret = upd_read_file(c->config, CONF_MAX, &b);

    if (ret != VIGIL_OK) {
        vigil_buf_free(&b);
        if (ret == VIGIL_E_NOENT && !must)
            return 0;
        upd_err("%s: cannot read: %s", c->config, vigil_strerror(ret));
        return -1;
    }
    rest = vigil_str_make((const char *)b.data, b.len);
    while (ret == 0 && vigil_str_next_line(&rest, &line)) {
        struct vigil_str f[2];
        n++;
        while (line.len && (*line.p == ' ' || *line.p == '\t'))
            line.p++, line.len--;
        if (!line.len || line.p[0] == '#')
            continue;
        if (vigil_str_split(line, ' ', f, 2) != 2 ||
            conf_key(c, f[0], own(c, f[1])) != 0) {
            upd_err("%s:%u: not understood: %.*s", c->config, n,
                    (int)(line.len > 80 ? 80 : line.len), line.p);
            ret = -1;
        }
    }
    vigil_buf_free(&b);
    return ret;
}

enum {
    O_FROM = 256,
    O_MIRROR,
    O_DB,
    O_FEED,
    O_DBDIR,
    O_STATEDIR,
    O_KEYSDIR,
    O_CONFIG,
    O_NOTIFY,
    O_NORELOAD,
    O_TIMEOUT,
    O_STATUS,
    O_JSON,
    O_ROLLBACK,
};

static const struct option longopts[] = {
    {"from", required_argument, NULL, O_FROM},
    {"mirror", required_argument, NULL, O_MIRROR},
    {"db", required_argument, NULL, O_DB},
    {"feed", required_argument, NULL, O_FEED},
    {"db-dir", required_argument, NULL, O_DBDIR},
    {"state-dir", required_argument, NULL, O_STATEDIR},
    {"keys-dir", required_argument, NULL, O_KEYSDIR},
    {"config", required_argument, NULL, O_CONFIG},
    {"notify-socket", required_argument, NULL, O_NOTIFY},
    {"no-reload", no_argument, NULL, O_NORELOAD},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"status", no_argument, NULL, O_STATUS},
    {"json", no_argument, NULL, O_JSON},
    {"rollback", no_argument, NULL, O_ROLLBACK},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/* The config file first (it may be named on the command line), then the
 * options, which win; a repeatable option replaces the file's list. */
static int find_config(int argc, char **argv, struct upd_conf *c)
{
    bool must = false;
    c->config = "/etc/vigil/update.conf";
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--config=", 9)) {
            c->config = argv[i] + 9;
            must = true;
        } else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            c->config = argv[++i];
            must = true;
        }
    }
    return read_conf(c, must);
}

static int one_opt(struct upd_conf *c, int ch, bool *mirrors_cli, bool *dbs_cli)
{
    switch (ch) {
    case O_FROM: c->from = optarg; break;
    case O_MIRROR:
        if (!*mirrors_cli)
            c->n_mirrors = 0;
        *mirrors_cli = true;
        return add_list(c->mirrors, &c->n_mirrors, UPD_MAX_MIRRORS, optarg);
    case O_DB:
        if (!*dbs_cli)
            c->n_dbs = 0;
        *dbs_cli = c->dbs_given = true;
        return add_list(c->dbs, &c->n_dbs, UPD_MAX_DBS, optarg);
    case O_FEED: c->feed = optarg; break;
    case O_DBDIR: c->db_dir = optarg; break;
    case O_STATEDIR: c->state_dir = optarg; break;
    case O_KEYSDIR: c->keys_dir = optarg; break;
    case O_CONFIG: break;
    case O_NOTIFY: c->notify = optarg; break;
    case O_NORELOAD: c->notify = ""; break;
    case O_TIMEOUT: return conf_key(c, vigil_str_cstr("Timeout"), optarg);
    case O_STATUS: c->status = true; break;
    case O_JSON: c->json = c->status = true; break;
    case O_ROLLBACK: c->rollback = true; break;
    case 'v': c->verbose = true; break;
    case 'q': c->quiet = true; break;
    default: return -1;
    }
    return 0;
}

static void defaults(struct upd_conf *c)
{
    static const char *const dbs[] = {"main", "daily", "bytecode"};
    if (!c->db_dir)
        c->db_dir = "/var/lib/vigil";
    if (!c->state_dir) {
        char *p = upd_path(c->db_dir, "state");
        if (p && c->n_owned < UPD_MAX_OWNED)
            c->owned[c->n_owned++] = p;
        else
            free(p);
        c->state_dir = p ? p : "/var/lib/vigil/state";
    }
    if (!c->keys_dir)
        c->keys_dir = "/etc/vigil/keys";
    if (!c->notify)
        c->notify = "/run/vigil/vigild.ctl";
    if (!c->timeout)
        c->timeout = 60;
    if (!c->from && !c->n_mirrors)
        c->mirrors[c->n_mirrors++] = "https://database.clamav.net";
    if (!c->from && !c->dbs_given)
        for (size_t i = 0; i < 3; i++)
            c->dbs[c->n_dbs++] = dbs[i];
}

static int parse_args(int argc, char **argv, struct upd_conf *c)
{
    bool mirrors_cli = false, dbs_cli = false;
    int ch;

    if (find_config(argc, argv, c) != 0)
        return -1;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "vqh", longopts, NULL)) != -1) {
        if (ch == 'h') {
            usage(stdout);
            return 1;
        }
        if (one_opt(c, ch, &mirrors_cli, &dbs_cli) != 0) {
            usage(stderr);
            return -1;
        }
    }
    if (optind != argc) {
        upd_err("unexpected argument '%s'", argv[optind]);
        return -1;
    }
    defaults(c);
    return 0;
}

static void conf_free(struct upd_conf *c)
{
    for (size_t i = 0; i < c->n_owned; i++)
        free(c->owned[i]);
}

/* Database name of an offline file: daily.cvd, daily.cld, daily-N.cdiff. */
static int name_of(struct upd_conf *c, const char *file)
{
    size_t n = strlen(file);
    const char *dash = strrchr(file, '-');
    if (n > 6 && !strcmp(file + n - 6, ".cdiff") && dash)
        n = (size_t)(dash - file);
    else if (n > 4 &&
             (!strcmp(file + n - 4, ".cvd") || !strcmp(file + n - 4, ".cld")))
        n -= 4;
    else
        return -1;
    for (size_t i = 0; i < c->n_dbs; i++)
        if (strlen(c->dbs[i]) == n && !strncmp(c->dbs[i], file, n))
            return 0;
    return add_list(c->dbs, &c->n_dbs, UPD_MAX_DBS,
                    own(c, vigil_str_make(file, n)));
}

/* --from: the directory to read, and (unless --db) the databases in it. */
static const char *offline_dir(struct upd_conf *c)
{
    struct stat st;
    const char *slash;
    DIR *d;
    struct dirent *de;

    if (stat(c->from, &st) != 0) {
        upd_err("%s: no such file or directory", c->from);
        return NULL;
    }
    if (S_ISREG(st.st_mode) && strlen(c->from) > 4 &&
        !strcmp(c->from + strlen(c->from) - 4, ".tar"))
        return c->from; /* a bundle: its databases once it is open */
    if (!S_ISDIR(st.st_mode)) {
        slash = strrchr(c->from, '/');
        if (!c->dbs_given &&
            strcmp(slash ? slash + 1 : c->from, UPD_FEED_MANIFEST) &&
            name_of(c, slash ? slash + 1 : c->from) != 0) {
            upd_err("%s: not a .cvd, .cld, .cdiff or %s", c->from,
                    UPD_FEED_MANIFEST);
            return NULL;
        }
        return slash
                   ? own(c, vigil_str_make(c->from, (size_t)(slash - c->from)))
                   : ".";
    }
    if (!c->dbs_given && (d = opendir(c->from)) != NULL) {
        while ((de = readdir(d)) != NULL)
            if (de->d_name[0] != '.')
                (void)name_of(c, de->d_name);
        closedir(d);
    }
    return c->from;
}

static int record(struct upd_run *r, const char *result, bool committed)
{
    uint64_t now = (uint64_t)time(NULL);
    uint64_t seen = upd_state_get_u64(r->state, "feed.version");
    int ret = upd_state_set_u64(r->state, "last_check", now);
    if (!ret)
        ret = upd_state_set(r->state, "last_check_result", result);
    if (!ret && committed)
        ret = upd_state_set_u64(r->state, "last_update", now);
    if (!ret && committed)
        ret = upd_state_set_u64(r->state, "signatures", r->stage->nsigs);
    if (!ret && r->feed_version > seen)
        ret = upd_state_set_u64(r->state, "feed.version", r->feed_version);
    return ret ? ret : upd_state_save(r->state);
}

/* Every database, then the feed, into the staging directory. */
static int gather(struct upd_run *r, struct upd_source *feed)
{
    int ret = VIGIL_OK;
    for (size_t i = 0; i < r->conf->n_dbs && ret == VIGIL_OK; i++)
        ret = upd_clamav_db(r, r->conf->dbs[i]);
    if (ret == VIGIL_OK && feed)
        ret = upd_feed(r, feed);
    return ret;
}

static int finish(struct upd_run *r, int ret)
{
    const struct upd_conf *c = r->conf;
    bool changed = r->stage->changed;

    if (ret == VIGIL_OK && changed)
        ret = upd_stage_commit(r->stage);
    if (ret != VIGIL_OK) {
        bool cool = ret == VIGIL_E_STATE && r->cooled;
        upd_err("%s; the installed database is unchanged",
                cool ? "nothing checked: cooling down" : "update failed");
        (void)record(r, cool ? "cooling down" : "failed", false);
        return cool ? UPD_EXIT_COOLDOWN : UPD_EXIT_ERROR;
    }
    if (!changed) {
        upd_say(c, "Everything is up to date.");
        (void)record(r, "up to date", false);
        return UPD_EXIT_OK;
    }
    if (!r->stage->compiled)
        upd_debug(c, "compiled database not written (vigil_engine_save: "
                     "not supported yet): skipped");
    upd_say(c,
            "Installed %s/versions/%s (%zu signatures loaded in the "
            "test); the previous version is kept for --rollback.",
            c->db_dir, r->stage->name, r->stage->nsigs);
    (void)record(r, "updated", true);
    upd_notify(c);
    return UPD_EXIT_OK;
}

static int open_sources(struct upd_conf *c, struct upd_run *r,
                        struct upd_source *src, struct upd_source *feed,
                        bool *has_feed)
{
    const char *dir = c->from ? offline_dir(c) : NULL;
    int ret = VIGIL_OK;

    *has_feed = false;
    if (c->from && !dir)
        return VIGIL_E_NOENT;
    if (c->from) {
        const char *m;
        r->n_src = 1;
        *has_feed = true;
        ret = upd_source_open(&src[0], dir, true, c->timeout);
        for (size_t i = 0; !ret && !c->dbs_given &&
                           (m = upd_source_member(&src[0], i)) != NULL;
             i++)
            (void)name_of(c, m);
        return ret ? ret : upd_source_open(feed, dir, true, c->timeout);
    }
    for (size_t i = 0; i < c->n_mirrors && ret == VIGIL_OK; i++, r->n_src++)
        ret = upd_source_open(&src[i], c->mirrors[i], false, c->timeout);
    if (ret == VIGIL_OK && c->feed) {
        *has_feed = true;
        ret = upd_source_open(feed, c->feed, false, c->timeout);
    }
    return ret;
}

static int run_update(struct upd_conf *c)
{
    struct upd_source src[UPD_MAX_MIRRORS], feed = {0};
    struct upd_state st;
    struct upd_stage sg;
    struct upd_run r = {c, &st, src, 0, &sg, false, 0, 0, 0};
    bool has_feed;
    int rc = UPD_EXIT_ERROR, ret;

    memset(src, 0, sizeof src);
    memset(&sg, 0, sizeof sg);
    sg.lock_fd = -1;
    if (upd_state_load(&st, c->state_dir) != VIGIL_OK)
        goto out;
    if ((ret = open_sources(c, &r, src, &feed, &has_feed)) != VIGIL_OK) {
        if (ret == VIGIL_E_UNSUPPORTED)
            upd_err("%s", curl_api_error());
        goto out;
    }
    if ((ret = upd_stage_begin(&sg, c)) != VIGIL_OK) {
        if (ret == VIGIL_E_NOMEM || ret == VIGIL_E_IO)
            upd_err("cannot prepare %s/staging", c->db_dir);
        goto out;
    }
    rc = finish(&r, gather(&r, has_feed ? &feed : NULL));
out:
    upd_stage_end(&sg);
    for (size_t i = 0; i < UPD_MAX_MIRRORS; i++)
        upd_source_close(&src[i]);
    upd_source_close(&feed);
    upd_state_free(&st);
    return rc;
}

int cmd_update(int argc, char **argv)
{
    struct upd_conf c;
    int rc;

    memset(&c, 0, sizeof c);
    if ((rc = parse_args(argc, argv, &c)) != 0) {
        conf_free(&c);
        return rc > 0 ? VIGIL_EXIT_CLEAN : UPD_EXIT_ERROR;
    }
    if (c.status)
        rc = upd_status(&c);
    else if (c.rollback) {
        rc = upd_rollback(&c) == VIGIL_OK ? UPD_EXIT_OK : UPD_EXIT_ERROR;
        if (rc == UPD_EXIT_OK)
            upd_notify(&c);
    } else {
        /* A mirror run needs libcurl; --from does not. */
        const struct curl_api *cu = c.from ? NULL : curl_api();
        if (cu)
            cu->global_init(CURL_GLOBAL_DEFAULT);
        rc = run_update(&c);
        if (cu)
            cu->global_cleanup();
    }
    conf_free(&c);
    return rc;
}
