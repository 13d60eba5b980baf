// SPDX-License-Identifier: GPL-2.0-or-later
// update_clamav.c: one ClamAV database (main, daily, ...) from a
// ClamAV-style mirror, as freshclam does it: header check (Range 0-511 +
// If-Modified-Since), then NAME-N.cdiff from the installed version to the
// mirror's, the whole NAME.cvd only when a cdiff is missing. Everything is
// verified (db/cvd.c, db/cdiff.c) before it reaches the staging directory.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/cdiff.h"
#include "db/cvd.h"
#include "update.h"

/* Longer chains than this fetch the whole CVD (freshclam has no limit, but
 * a mirror far ahead costs fewer requests whole). */
#define MAX_CHAIN 1000u
#define DEFAULT_COOLDOWN (24u * 3600u)

enum outcome {
    TRY_DONE,     /* staged, or nothing to do */
    TRY_MISSING,  /* the source does not have this database */
    TRY_COOLDOWN, /* the source asked us to go away */
    TRY_FAILED,   /* network, server or verification failure */
    TRY_FATAL,    /* local failure (memory, disk): abandon the update */
    TRY_WHOLE,    /* a cdiff is missing: fetch the whole CVD */
};

static int parse_header(const struct vigil_buf *b, struct vg_cvd_header *h)
{
    struct vg_why why;
    size_t n = b->len < VG_CVD_HEADER_LEN ? b->len : VG_CVD_HEADER_LEN;
    if (b->len < VG_CVD_HEADER_LEN)
        return VIGIL_E_CORRUPT;
    while (n && b->data[n - 1] == ' ')
        n--;
    return vg_cvd_parse_line(vigil_str_make((const char *)b->data, n), h, &why);
}

int upd_local_db(const char *cur_dir, const char *name, uint32_t *version,
                 uint64_t *stime, uint32_t *nsigs, char *file)
{
    static const char *const exts[] = {".cld", ".cvd"};
    *version = 0;
    *stime = 0;
    *nsigs = 0;
    file[0] = '\0';
    for (size_t i = 0; i < 2; i++) {
        char fname[64], *p;
        struct vigil_buf b;
        struct vg_cvd_header h;
        snprintf(fname, sizeof fname, "%s%s", name, exts[i]);
        if (!(p = upd_path(cur_dir, fname)))
            return VIGIL_E_NOMEM;
        if (upd_read_file(p, VG_CVD_HEADER_LEN, &b) == VIGIL_OK &&
            parse_header(&b, &h) == VIGIL_OK && h.version > *version) {
            *version = h.version;
            *stime = h.stime;
            *nsigs = h.nsigs;
            snprintf(file, 64, "%s", fname);
        }
        vigil_buf_free(&b);
        free(p);
    }
    return VIGIL_OK;
}

bool upd_cooling(struct upd_run *r, struct upd_source *s)
{
    char key[600], when[64];
    const char *v;
    uint64_t until;

    if (s->skip)
        return true;
    if (s->local)
        return false;
    snprintf(key, sizeof key, "cooldown:%s", s->base);
    v = upd_state_get(r->state, key);
    until = upd_state_get_u64(r->state, key);
    if (!v || until <= (uint64_t)time(NULL))
        return false;
    upd_fmt_time(until, when, sizeof when);
    upd_err("mirror %s is cooling down until %s (it answered HTTP %s): "
            "not contacting it",
            s->base, when, strchr(v, ' ') ? strchr(v, ' ') + 1 : "429");
    s->skip = true;
    r->cooled = true;
    return true;
}

void upd_cooldown_start(struct upd_run *r, struct upd_source *s)
{
    uint64_t wait = s->retry_after ? s->retry_after : DEFAULT_COOLDOWN;
    uint64_t until = (uint64_t)time(NULL) + (wait < 60 ? 60 : wait);
    char key[600], val[64], when[64];

    snprintf(key, sizeof key, "cooldown:%s", s->base);
    snprintf(val, sizeof val, "%llu %ld", (unsigned long long)until,
             s->http_code);
    upd_fmt_time(until, when, sizeof when);
    upd_err("mirror %s answered HTTP %ld (%s): cooling down, not contacting "
            "it again until %s",
            s->base, s->http_code,
            s->http_code == 429 ? "too many requests" : "forbidden", when);
    if (upd_state_set(r->state, key, val) == VIGIL_OK)
        (void)upd_state_save(r->state);
    s->skip = true;
    r->cooled = true;
}

static enum outcome failed(struct upd_run *r, struct upd_source *s,
                           enum upd_got got)
{
    if (got == UPD_MISSING)
        return TRY_MISSING;
    if (got == UPD_COOLDOWN) {
        upd_cooldown_start(r, s);
        return TRY_COOLDOWN;
    }
    upd_err("%s", s->msg[0] ? s->msg : "fetch failed");
    return TRY_FAILED;
}

/* Replace every form of NAME in the staging directory by @p file. */
static enum outcome stage_db(struct upd_run *r, const char *name,
                             const char *file, const struct vigil_buf *b)
{
    static const char *const exts[] = {".cvd", ".cld", ".cud"};
    for (size_t i = 0; i < 3; i++) {
        char f[64];
        snprintf(f, sizeof f, "%s%s", name, exts[i]);
        if (upd_stage_remove(r->stage, f) != VIGIL_OK)
            return TRY_FATAL;
    }
    if (upd_stage_write(r->stage, file, b->data, b->len) != VIGIL_OK)
        return TRY_FATAL;
    r->updated++;
    return TRY_DONE;
}

struct chain {
    size_t n;
    char **names;
    struct vigil_buf *bufs;
    struct vigil_span *spans;
};

static void chain_free(struct chain *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->names[i]);
        vigil_buf_free(&c->bufs[i]);
    }
    free(c->names);
    free(c->bufs);
    free(c->spans);
}

static enum outcome fetch_chain(struct upd_run *r, struct upd_source *s,
                                const char *name, uint32_t from, uint32_t to,
                                struct chain *c)
{
    for (uint32_t v = from + 1; v <= to; v++) {
        char f[96];
        enum upd_got got;
        snprintf(f, sizeof f, "%s-%u.cdiff", name, v);
        if (!(c->names[c->n] = strdup(f)))
            return TRY_FATAL;
        vigil_buf_init(&c->bufs[c->n], UPD_MAX_FILE);
        got = upd_fetch(s, f, false, 0, &c->bufs[c->n]);
        c->spans[c->n] = vigil_span_make(c->bufs[c->n].data, c->bufs[c->n].len);
        c->n++;
        if (got == UPD_MISSING) {
            upd_say(r->conf, "%s: %s is not on %s: fetching the whole %s.cvd",
                    name, f, s->base, name);
            return TRY_WHOLE;
        }
        if (got != UPD_GOT)
            return failed(r, s, got);
    }
    return TRY_DONE;
}

/* Apply NAME-(L+1)..NAME-R.cdiff to the installed file. */
static enum outcome by_cdiffs(struct upd_run *r, struct upd_source *s,
                              const char *name, const char *local,
                              uint32_t from, uint32_t to)
{
    size_t n = (size_t)(to - from) + 1;
    struct chain c = {0, calloc(n, sizeof(char *)),
                      calloc(n, sizeof(struct vigil_buf)),
                      calloc(n, sizeof(struct vigil_span))};
    struct vg_why why = {""};
    struct vigil_buf out;
    char *path = upd_path(r->stage->cur, local), f[80];
    enum outcome o = TRY_FATAL;

    vigil_buf_init(&out, UPD_MAX_FILE);
    if (!c.names || !c.bufs || !c.spans || !path)
        goto out;
    if (!(c.names[0] = strdup(local)) ||
        upd_read_file(path, UPD_MAX_FILE, &c.bufs[0]) != VIGIL_OK)
        goto out;
    c.spans[0] = vigil_span_make(c.bufs[0].data, c.bufs[0].len);
    c.n = 1;
    if ((o = fetch_chain(r, s, name, from, to, &c)) != TRY_DONE)
        goto out;
    if (vg_cdiff_patch((const char *const *)c.names, c.spans, c.n, 0, &out,
                       &why) != VIGIL_OK) {
        upd_err("%s: the update from %s is refused: %s", name, s->base,
                why.msg);
        o = TRY_FAILED;
        goto out;
    }
    snprintf(f, sizeof f, "%s.cld", name);
    o = stage_db(r, name, f, &out);
    if (o == TRY_DONE)
        upd_say(r->conf,
                "%s: updated from version %u to %u (%zu cdiffs "
                "from %s)",
                name, from, to, c.n - 1, s->base);
out:
    vigil_buf_free(&out);
    chain_free(&c);
    free(path);
    return o;
}

static enum outcome whole(struct upd_run *r, struct upd_source *s,
                          const char *name, const char *file, uint32_t local)
{
    struct vigil_buf b;
    struct vg_why why = {""};
    struct vg_cvd cvd;
    enum vg_cvd_type type = VG_CVD_CVD;
    enum upd_got got;
    enum outcome o = TRY_FAILED;
    uint32_t v = 0;

    vigil_buf_init(&b, UPD_MAX_FILE);
    got = upd_fetch(s, file, false, 0, &b);
    if (got != UPD_GOT) {
        vigil_buf_free(&b);
        return failed(r, s, got);
    }
    (void)vg_cvd_type_of(file, &type);
    if (vg_cvd_open(&cvd, type, vigil_span_make(b.data, b.len), 0, &why) !=
        VIGIL_OK)
        upd_err("%s: %s from %s is refused: %s", name, file, s->base, why.msg);
    else if ((v = cvd.hdr.version) <= local)
        upd_err("%s: %s from %s has version %u, not newer than the "
                "installed %u: refused",
                name, file, s->base, v, local);
    else
        o = TRY_DONE;
    vg_cvd_close(&cvd);
    if (o == TRY_DONE && (o = stage_db(r, name, file, &b)) == TRY_DONE)
        upd_say(r->conf, "%s: %s version %u (%s from %s)", name,
                local ? "updated to" : "installed", v, file, s->base);
    vigil_buf_free(&b);
    return o;
}

/* The header check: the mirror's version of NAME, or an outcome. */
static enum outcome check(struct upd_run *r, struct upd_source *s,
                          const char *name, uint64_t ims, char *file,
                          uint32_t *remote)
{
    struct vigil_buf b;
    struct vg_cvd_header h;
    enum upd_got got;

    vigil_buf_init(&b, UPD_MAX_FILE);
    snprintf(file, 64, "%s.cvd", name);
    got = upd_fetch(s, file, true, ims, &b);
    if (got == UPD_MISSING && s->local) { /* --from: a .cld will do */
        snprintf(file, 64, "%s.cld", name);
        got = upd_fetch(s, file, true, 0, &b);
    }
    if (got == UPD_GOT && parse_header(&b, &h) != VIGIL_OK) {
        upd_err("%s: %s from %s has no valid header", name, file, s->base);
        got = UPD_FAILED;
        s->msg[0] = '\0';
    }
    vigil_buf_free(&b);
    if (got == UPD_NOT_MODIFIED) {
        *remote = 0;
        return TRY_DONE;
    }
    if (got != UPD_GOT)
        return got == UPD_FAILED && !s->msg[0] ? TRY_FAILED : failed(r, s, got);
    *remote = h.version;
    return TRY_WHOLE; /* "go on" */
}

/* --from a directory with cdiffs but no container: the newest version
 * that a gapless chain from @p local reaches. */
static uint32_t local_chain_end(struct upd_source *s, const char *name,
                                uint32_t local)
{
    struct vigil_buf b;
    uint32_t v = local;
    vigil_buf_init(&b, UPD_MAX_FILE);
    while (v - local < MAX_CHAIN) {
        char f[96];
        snprintf(f, sizeof f, "%s-%u.cdiff", name, v + 1);
        if (upd_fetch(s, f, true, 0, &b) != UPD_GOT)
            break;
        v++;
    }
    vigil_buf_free(&b);
    return v;
}

static enum outcome try_source(struct upd_run *r, struct upd_source *s,
                               const char *name)
{
    uint32_t local, remote, lsigs;
    uint64_t stime;
    char lfile[64], file[64];
    enum outcome o;

    if (upd_local_db(r->stage->cur, name, &local, &stime, &lsigs, lfile))
        return TRY_FATAL;
    o = check(r, s, name, local ? stime : 0, file, &remote);
    if (o == TRY_MISSING && s->local && local &&
        (remote = local_chain_end(s, name, local)) > local)
        return by_cdiffs(r, s, name, lfile, local, remote);
    if (o == TRY_DONE) {
        upd_say(r->conf, "%s: up to date (version %u, not modified)", name,
                local);
        r->uptodate++;
    }
    if (o != TRY_WHOLE)
        return o;
    if (remote <= local) {
        upd_say(r->conf, "%s: up to date (version %u%s)", name, local,
                remote < local ? ", the source has an older one" : "");
        r->uptodate++;
        return TRY_DONE;
    }
    if (local && remote - local <= MAX_CHAIN) {
        o = by_cdiffs(r, s, name, lfile, local, remote);
        if (o != TRY_WHOLE)
            return o;
    }
    return whole(r, s, name, file, local);
}

int upd_clamav_db(struct upd_run *r, const char *name)
{
    bool failures = false, cooled = false;

    for (size_t i = 0; i < r->n_src; i++) {
        struct upd_source *s = &r->src[i];
        if (upd_cooling(r, s)) {
            cooled = true;
            continue;
        }
        switch (try_source(r, s, name)) {
        case TRY_DONE: return VIGIL_OK;
        case TRY_FATAL: return VIGIL_E_IO;
        case TRY_COOLDOWN: cooled = true; break;
        case TRY_MISSING: break;
        default:
            failures = true;
            if (!s->local && i + 1 < r->n_src)
                upd_say(r->conf, "%s: trying the next mirror", name);
        }
    }
    if (failures || cooled) {
        upd_err("%s: no source could provide an update%s", name,
                cooled && !failures ? " (cooling down)" : "");
        return cooled && !failures ? VIGIL_E_STATE : VIGIL_E_IO;
    }
    upd_say(r->conf, "%s: not offered by any source, kept as it is", name);
    return VIGIL_OK;
}
