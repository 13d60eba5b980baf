// SPDX-License-Identifier: GPL-2.0-or-later
// update_status.c: `vigil update --status [--json]`: what is installed,
// how old it is, when the last check ran, and any mirror cool-down. A
// database older than UPD_STALE_DAYS gets a warning: protection decays.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/cvd.h"
#include "update.h"

#define MAX_SHOWN 64

struct db_row {
    char name[64], file[64];
    uint32_t version, nsigs;
    uint64_t stime;
};

struct status {
    char cur[256], prev[256];
    struct db_row db[MAX_SHOWN];
    size_t ndb;
    struct upd_manifest feed;
    bool has_feed;
    uint64_t newest; /* newest ClamAV database build time */
    uint64_t fresh;  /* that of the stalest source (ClamAV set, feed) */
    uint64_t now;
    struct upd_state st;
};

static bool strip_ext(const char *file, char *name, size_t n)
{
    size_t len = strlen(file);
    if (len < 5 || len - 4 >= n ||
        (strcmp(file + len - 4, ".cvd") && strcmp(file + len - 4, ".cld")))
        return false;
    memcpy(name, file, len - 4);
    name[len - 4] = '\0';
    return true;
}

static void collect_dbs(struct status *s, const char *cur)
{
    DIR *d = opendir(cur);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL && s->ndb < MAX_SHOWN) {
        struct db_row *r = &s->db[s->ndb];
        char name[64], file[64];
        bool dup = false;
        if (de->d_name[0] == '.' || !strip_ext(de->d_name, name, sizeof name))
            continue;
        for (size_t i = 0; i < s->ndb; i++)
            dup |= !strcmp(s->db[i].name, name);
        if (dup ||
            upd_local_db(cur, name, &r->version, &r->stime, &r->nsigs, file) ||
            !r->version)
            continue;
        snprintf(r->name, sizeof r->name, "%s", name);
        snprintf(r->file, sizeof r->file, "%s", file);
        if (r->stime > s->newest)
            s->newest = r->stime;
        s->ndb++;
    }
    if (d)
        closedir(d);
}

static void collect_feed(struct status *s, const char *cur)
{
    char *p = upd_path(cur, UPD_FEED_INSTALLED), why[256];
    struct vigil_buf b;
    if (p && upd_read_file(p, UPD_MAX_MANIFEST, &b) == VIGIL_OK &&
        upd_manifest_parse(b.data, b.len, &s->feed, why, sizeof why) ==
            VIGIL_OK) {
        s->has_feed = true;
    }
    if (p)
        vigil_buf_free(&b);
    free(p);
}

static void link_target(const char *root, const char *name, char *out, size_t n)
{
    char *p = upd_path(root, name);
    ssize_t len = p ? readlink(p, out, n - 1) : -1;
    out[len > 0 ? len : 0] = '\0';
    free(p);
}

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void json_cooldowns(const struct status *s)
{
    bool first = true;
    printf("\"cooldowns\":[");
    for (size_t i = 0; i < s->st.n; i++) {
        const char *k = s->st.keys[i], *sp = strchr(s->st.vals[i], ' ');
        uint64_t until = upd_state_get_u64(&s->st, k);
        if (strncmp(k, "cooldown:", 9) || until <= s->now)
            continue;
        printf("%s{\"mirror\":", first ? "" : ",");
        json_str(k + 9);
        printf(",\"until\":%llu,\"http\":%s}", (unsigned long long)until,
               sp ? sp + 1 : "0");
        first = false;
    }
    printf("],");
}

static void print_json(const struct status *s, const struct upd_conf *c)
{
    const char *res = upd_state_get(&s->st, "last_check_result");
    printf("{\"db_dir\":");
    json_str(c->db_dir);
    printf(",\"current\":");
    json_str(s->cur);
    printf(",\"previous\":");
    json_str(s->prev);
    printf(",\"databases\":[");
    for (size_t i = 0; i < s->ndb; i++) {
        printf("%s{\"name\":", i ? "," : "");
        json_str(s->db[i].name);
        printf(",\"file\":");
        json_str(s->db[i].file);
        printf(",\"version\":%u,\"signatures\":%u,\"build_time\":%llu}",
               s->db[i].version, s->db[i].nsigs,
               (unsigned long long)s->db[i].stime);
    }
    printf("],\"feed\":");
    if (s->has_feed)
        printf("{\"version\":%llu,\"created\":%llu,\"expires\":%llu,"
               "\"files\":%zu}",
               (unsigned long long)s->feed.version,
               (unsigned long long)s->feed.created,
               (unsigned long long)s->feed.expires, s->feed.nfiles);
    else
        printf("null");
    printf(",\"signatures_loaded\":%llu,\"last_check\":%llu,"
           "\"last_check_result\":",
           (unsigned long long)upd_state_get_u64(&s->st, "signatures"),
           (unsigned long long)upd_state_get_u64(&s->st, "last_check"));
    json_str(res ? res : "");
    printf(",\"last_update\":%llu,",
           (unsigned long long)upd_state_get_u64(&s->st, "last_update"));
    json_cooldowns(s);
    printf("\"age_seconds\":%llu,\"stale\":%s}\n",
           (unsigned long long)(s->fresh ? s->now - s->fresh : 0),
           !s->fresh || s->now - s->fresh > UPD_STALE_DAYS * 86400u ? "true"
                                                                    : "false");
}

static void print_when(const char *label, uint64_t t, uint64_t now)
{
    char when[64];
    if (!t) {
        printf("%-18s never\n", label);
        return;
    }
    upd_fmt_time(t, when, sizeof when);
    printf("%-18s %s (%llu hours ago)\n", label, when,
           (unsigned long long)(now > t ? (now - t) / 3600 : 0));
}

static void print_text(const struct status *s, const struct upd_conf *c)
{
    const char *res = upd_state_get(&s->st, "last_check_result");
    char when[64];
    printf("Database directory: %s/current -> %s\n", c->db_dir,
           s->cur[0] ? s->cur : "(nothing installed)");
    printf("Previous version:   %s\n", s->prev[0] ? s->prev : "(none kept)");
    for (size_t i = 0; i < s->ndb; i++) {
        upd_fmt_time(s->db[i].stime, when, sizeof when);
        printf("  %-16s version %u, %u signatures, built %s (%s)\n",
               s->db[i].name, s->db[i].version, s->db[i].nsigs, when,
               s->db[i].file);
    }
    if (s->has_feed) {
        upd_fmt_time(s->feed.expires, when, sizeof when);
        printf("  %-16s version %llu, %zu files, manifest expires %s\n",
               "vigil feed", (unsigned long long)s->feed.version,
               s->feed.nfiles, when);
    }
    printf("%-18s %llu\n", "Signatures loaded:",
           (unsigned long long)upd_state_get_u64(&s->st, "signatures"));
    print_when("Last check:", upd_state_get_u64(&s->st, "last_check"), s->now);
    if (res)
        printf("%-18s %s\n", "Last result:", res);
    print_when("Last update:", upd_state_get_u64(&s->st, "last_update"),
               s->now);
    for (size_t i = 0; i < s->st.n; i++) {
        uint64_t until = upd_state_get_u64(&s->st, s->st.keys[i]);
        if (strncmp(s->st.keys[i], "cooldown:", 9) || until <= s->now)
            continue;
        upd_fmt_time(until, when, sizeof when);
        printf("Cool-down:         %s until %s\n", s->st.keys[i] + 9, when);
    }
    if (!s->fresh)
        printf("WARNING: no database is installed\n");
    else {
        uint64_t days = (s->now - s->fresh) / 86400u;
        printf("%-18s %llu days\n", "Database age:", (unsigned long long)days);
        if (s->now - s->fresh > UPD_STALE_DAYS * 86400u)
            printf("WARNING: the database is %llu days old (more than %u): "
                   "this machine is not protected against recent threats\n",
                   (unsigned long long)days, UPD_STALE_DAYS);
    }
}

int upd_status(const struct upd_conf *c)
{
    struct status *s = calloc(1, sizeof *s);
    char *cur = upd_path(c->db_dir, "current");

    if (!s || !cur || upd_state_load(&s->st, c->state_dir) != VIGIL_OK) {
        free(s);
        free(cur);
        return UPD_EXIT_ERROR;
    }
    s->now = (uint64_t)time(NULL);
    link_target(c->db_dir, "current", s->cur, sizeof s->cur);
    link_target(c->db_dir, "previous", s->prev, sizeof s->prev);
    collect_dbs(s, cur);
    collect_feed(s, cur);
    /* A fresh feed does not make a ClamAV set of last year current: the
     * age is that of the stalest source. */
    s->fresh = s->newest;
    if (s->has_feed && (!s->fresh || s->feed.created < s->fresh))
        s->fresh = s->feed.created;
    if (c->json)
        print_json(s, c);
    else
        print_text(s, c);
    upd_manifest_free(&s->feed);
    upd_state_free(&s->st);
    free(cur);
    free(s);
    return UPD_EXIT_OK;
}
