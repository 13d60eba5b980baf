// SPDX-License-Identifier: GPL-2.0-or-later
// cmd_quarantine.c: `vigil quarantine list|show|restore|delete|purge`.
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_quarantine.h"
#include "quarantine.h"
#include "util/strparse.h"

#define ROOT_STORE "/var/lib/vigil/quarantine"

struct qopts {
    const char *dir, *to;
    bool json, force;
    bool older_set;
    uint64_t older_days;
    const char *cmd;
    char **args;
    int n_args;
    char dirbuf[4096];
};

static void q_usage(FILE *out)
{
    fprintf(out,
            "Usage: vigil quarantine [--dir DIR] COMMAND\n"
            "\n"
            "  list [--json]                  one line per entry\n"
            "  show ID [--json]               an entry's record\n"
            "  restore ID [--to PATH] [--force]\n"
            "                                 put the file back (to PATH)\n"
            "  delete ID...                   delete entries\n"
            "  purge [--older-than DAYS]      delete all (or older) entries\n"
            "\n"
            "ID may be abbreviated to a unique prefix of 4+ digits.\n"
            "Default DIR: " ROOT_STORE " for root, else\n"
            "$XDG_DATA_HOME/vigil/quarantine (~/.local/share/...).\n");
}

/* ---- output helpers ---- */

/* Paths may hold any byte but a line must stay a line. */
static void put_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
}

static void put_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void fmt_utc(int64_t sec, char *buf, size_t n)
{
    time_t t = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, n, "%" PRId64, sec);
}

static void fmt_time(const struct vq_time *t, char *buf, size_t n)
{
    char s[40];
    fmt_utc(t->sec, s, sizeof s);
    /* "2026-01-02T03:04:05.123456789Z" */
    snprintf(buf, n, "%.19s.%09" PRIu32 "Z", s, t->nsec);
}

static const char *first_name(const struct vq_record *r)
{
    return r->n_names ? r->names[0] : "-";
}

static void json_entry(const struct vq_record *r, const char *dir, bool full)
{
    char sha[2 * VQ_SHA256_LEN + 1], t[48];
    vq_hex(r->sha256, VQ_SHA256_LEN, sha);
    fmt_utc(r->qtime, t, sizeof t);
    printf("{\"id\":\"%s\",\"quarantined\":\"%s\",\"size\":%" PRIu64
           ",\"sha256\":\"%s\",\"path\":",
           r->id, t, r->size, sha);
    put_json_str(stdout, r->path);
    printf(",\"names\":[");
    for (size_t i = 0; i < r->n_names; i++) {
        if (i)
            putchar(',');
        put_json_str(stdout, r->names[i]);
    }
    putchar(']');
    if (full) {
        printf(",\"mode\":\"0%" PRIo32 "\",\"uid\":%" PRIu32 ",\"user\":",
               r->mode & 07777, r->uid);
        put_json_str(stdout, r->user);
        printf(",\"gid\":%" PRIu32 ",\"group\":", r->gid);
        put_json_str(stdout, r->group);
        fmt_time(&r->atime, t, sizeof t);
        printf(",\"atime\":\"%s\"", t);
        fmt_time(&r->mtime, t, sizeof t);
        printf(",\"mtime\":\"%s\"", t);
        fmt_time(&r->ctime, t, sizeof t);
        printf(",\"ctime\":\"%s\",\"host\":", t);
        put_json_str(stdout, r->host);
        printf(",\"action\":\"%s\",\"payload\":", r->moved ? "move" : "copy");
        put_json_str(stdout, dir);
    }
    putchar('}');
}

static void show_text(const struct vq_record *r, const char *dir)
{
    char sha[2 * VQ_SHA256_LEN + 1], t[48];
    vq_hex(r->sha256, VQ_SHA256_LEN, sha);
    printf("id:          %s\npath:        ", r->id);
    put_text(stdout, r->path);
    printf("\nsize:        %" PRIu64 "\nsha256:      %s\n", r->size, sha);
    printf("mode:        %04" PRIo32 "\n", r->mode & 07777);
    printf("owner:       %s (%" PRIu32 ")\n", r->user, r->uid);
    printf("group:       %s (%" PRIu32 ")\n", r->group, r->gid);
    fmt_time(&r->atime, t, sizeof t);
    printf("atime:       %s\n", t);
    fmt_time(&r->mtime, t, sizeof t);
    printf("mtime:       %s\n", t);
    fmt_time(&r->ctime, t, sizeof t);
    printf("ctime:       %s\n", t);
    fmt_utc(r->qtime, t, sizeof t);
    printf("quarantined: %s\nhost:        %s\n", t, r->host);
    printf("action:      %s\n", r->moved ? "move" : "copy");
    for (size_t i = 0; i < r->n_names; i++)
        printf("detection:   %s\n", r->names[i]);
    printf("payload:     %s/%s.payload\n", dir, r->id);
}

/* ---- commands ---- */

static int q_list(struct vq_store *s, const struct qopts *o)
{
    struct vq_record *v = NULL;
    size_t n = 0;
    char err[512], t[48];
    if (vq_list(s, &v, &n, err, sizeof err)) {
        fprintf(stderr, "vigil: %s: %s\n", vq_dir(s), err);
        return VIGIL_EXIT_ERROR;
    }
    for (size_t i = 0; i < n; i++) {
        if (o->json) {
            json_entry(&v[i], vq_dir(s), false);
            putchar('\n');
            continue;
        }
        fmt_utc(v[i].qtime, t, sizeof t);
        printf("%s  %s  %10" PRIu64 "  %s  ", v[i].id, t, v[i].size,
               first_name(&v[i]));
        put_text(stdout, v[i].path);
        putchar('\n');
    }
    vq_records_free(&v, n);
    return VIGIL_EXIT_CLEAN;
}

static int q_show(struct vq_store *s, const struct qopts *o)
{
    struct vq_record r;
    char err[512], payload[4200];
    if (vq_find(s, o->args[0], &r, err, sizeof err)) {
        fprintf(stderr, "vigil: %s\n", err);
        return VIGIL_EXIT_ERROR;
    }
    if (o->json) {
        snprintf(payload, sizeof payload, "%s/%s.payload", vq_dir(s), r.id);
        json_entry(&r, payload, true);
        putchar('\n');
    } else {
        show_text(&r, vq_dir(s));
    }
    vq_record_clear(&r);
    return VIGIL_EXIT_CLEAN;
}

static int q_restore(struct vq_store *s, const struct qopts *o)
{
    struct vq_record r = {0};
    char err[512];
    int rc = VIGIL_EXIT_ERROR;
    if (vq_find(s, o->args[0], &r, err, sizeof err)) {
        fprintf(stderr, "vigil: %s\n", err);
        return rc;
    }
    if (vq_restore(s, &r, o->to, o->force, err, sizeof err)) {
        fprintf(stderr, "vigil: cannot restore %s: %s\n", r.id, err);
    } else {
        printf("%s: restored to ", r.id);
        put_text(stdout, o->to ? o->to : r.path);
        putchar('\n');
        rc = VIGIL_EXIT_CLEAN;
    }
    vq_record_clear(&r);
    return rc;
}

static int q_delete(struct vq_store *s, const struct qopts *o)
{
    int rc = VIGIL_EXIT_CLEAN;
    for (int i = 0; i < o->n_args; i++) {
        struct vq_record r = {0};
        char err[512];
        if (vq_find(s, o->args[i], &r, err, sizeof err) ||
            vq_delete(s, r.id, err, sizeof err)) {
            fprintf(stderr, "vigil: %s\n", err);
            rc = VIGIL_EXIT_ERROR;
        } else {
            printf("%s: deleted\n", r.id);
        }
        vq_record_clear(&r);
    }
    return rc;
}

static int q_purge(struct vq_store *s, const struct qopts *o)
{
    struct vq_record *v = NULL;
    size_t n = 0, purged = 0;
    char err[512];
    int64_t cutoff = (int64_t)time(NULL) - (int64_t)o->older_days * 86400;
    int rc = VIGIL_EXIT_CLEAN;
    if (vq_list(s, &v, &n, err, sizeof err)) {
        fprintf(stderr, "vigil: %s: %s\n", vq_dir(s), err);
        return VIGIL_EXIT_ERROR;
    }
    for (size_t i = 0; i < n; i++) {
        if (o->older_set && v[i].qtime >= cutoff)
            continue;
        if (vq_delete(s, v[i].id, err, sizeof err)) {
            fprintf(stderr, "vigil: %s\n", err);
            rc = VIGIL_EXIT_ERROR;
        } else {
            purged++;
        }
    }
    printf("purged %zu of %zu entries\n", purged, n);
    vq_records_free(&v, n);
    return rc;
}

/* ---- options ---- */

static const char *default_dir(char *buf, size_t n)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (geteuid() == 0)
        return ROOT_STORE;
    if (xdg && xdg[0] == '/')
        snprintf(buf, n, "%s/vigil/quarantine", xdg);
    else if (home && home[0] == '/')
        snprintf(buf, n, "%s/.local/share/vigil/quarantine", home);
    else
        return NULL;
    return buf;
}

enum { OPT_DIR = 256, OPT_JSON, OPT_TO, OPT_FORCE, OPT_OLDER };

static int parse_opt(int c, struct qopts *o)
{
    switch (c) {
    case OPT_DIR: o->dir = optarg; return 0;
    case OPT_JSON: o->json = true; return 0;
    case OPT_TO: o->to = optarg; return 0;
    case OPT_FORCE: o->force = true; return 0;
    case OPT_OLDER:
        o->older_set = true;
        if (vigil_str_to_u64(vigil_str_cstr(optarg), 100000, &o->older_days))
            break;
        return 0;
    case 'h': q_usage(stdout); exit(VIGIL_EXIT_CLEAN);
    default: break;
    }
    if (c == OPT_OLDER)
        fprintf(stderr, "vigil: --older-than wants a number of days\n");
    q_usage(stderr);
    return -1;
}

/* Which commands take which arguments and options. */
static int check_usage(const struct qopts *o)
{
    const char *c = o->cmd;
    bool one_id = !strcmp(c, "show") || !strcmp(c, "restore");
    if (!strcmp(c, "list") || !strcmp(c, "purge")) {
        if (o->n_args == 0)
            goto opts;
    } else if (one_id ? o->n_args == 1
                      : !strcmp(c, "delete") && o->n_args >= 1) {
        goto opts;
    }
    fprintf(stderr, "vigil: quarantine %s: wrong arguments\n", c);
    return -1;
opts:
    if ((o->to || o->force) && strcmp(c, "restore") != 0) {
        fprintf(stderr, "vigil: --to and --force go with restore\n");
        return -1;
    }
    if (o->json && strcmp(c, "list") && strcmp(c, "show")) {
        fprintf(stderr, "vigil: --json goes with list and show\n");
        return -1;
    }
    if (o->older_set && strcmp(c, "purge")) {
        fprintf(stderr, "vigil: --older-than goes with purge\n");
        return -1;
    }
    return 0;
}

static bool known_command(const char *c)
{
    static const char *const cmds[] = {"list", "show", "restore", "delete",
                                       "purge"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (!strcmp(c, cmds[i]))
            return true;
    return false;
}

static int parse_q_args(int argc, char **argv, struct qopts *o)
{
    static const struct option longopts[] = {
        {"dir", required_argument, NULL, OPT_DIR},
        {"json", no_argument, NULL, OPT_JSON},
        {"to", required_argument, NULL, OPT_TO},
        {"force", no_argument, NULL, OPT_FORCE},
        {"older-than", required_argument, NULL, OPT_OLDER},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
        if (parse_opt(c, o))
            return -1;
    if (optind >= argc) {
        q_usage(stderr);
        return -1;
    }
    o->cmd = argv[optind];
    o->args = argv + optind + 1;
    o->n_args = argc - optind - 1;
    if (!known_command(o->cmd)) {
        fprintf(stderr, "vigil: unknown quarantine command '%s'\n", o->cmd);
        return -1;
    }
    if (!o->dir && !(o->dir = default_dir(o->dirbuf, sizeof o->dirbuf))) {
        fprintf(stderr, "vigil: no HOME; give --dir\n");
        return -1;
    }
    return check_usage(o);
}

static int run(struct vq_store *s, const struct qopts *o)
{
    if (!strcmp(o->cmd, "list"))
        return q_list(s, o);
    if (!strcmp(o->cmd, "show"))
        return q_show(s, o);
    if (!strcmp(o->cmd, "restore"))
        return q_restore(s, o);
    if (!strcmp(o->cmd, "delete"))
        return q_delete(s, o);
    return q_purge(s, o);
}

int cmd_quarantine(int argc, char **argv)
{
    struct qopts o = {0};
    struct vq_store *s = NULL;
    char err[512];
    int rc;
    if (parse_q_args(argc, argv, &o))
        return VIGIL_EXIT_ERROR;
    if (vq_open(o.dir, false, &s, err, sizeof err)) {
        /* No store yet: nothing was ever quarantined there. */
        if (errno == ENOENT &&
            (!strcmp(o.cmd, "list") || !strcmp(o.cmd, "purge")))
            return VIGIL_EXIT_CLEAN;
        fprintf(stderr, "vigil: quarantine %s: %s\n", o.dir, err);
        return VIGIL_EXIT_ERROR;
    }
    rc = run(s, &o);
    vq_close(&s);
    return rc;
}
