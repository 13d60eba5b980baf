// SPDX-License-Identifier: GPL-2.0-or-later
// update_feed.c: vigil's own signed feed: fetch vigil.manifest, check its
// Ed25519 signature against the trusted keys, refuse a version lower than
// one already accepted (rollback attack) and an expired manifest (freeze
// attack), then fetch each listed file and check its size and SHA-256.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "update.h"

static uint64_t installed_version(const char *cur, struct upd_manifest *old)
{
    char *p = upd_path(cur, UPD_FEED_INSTALLED), why[256];
    struct vigil_buf b;
    uint64_t v = 0;

    memset(old, 0, sizeof *old);
    if (p && upd_read_file(p, UPD_MAX_MANIFEST, &b) == VIGIL_OK &&
        upd_manifest_parse(b.data, b.len, old, why, sizeof why) == VIGIL_OK)
        v = old->version;
    if (p)
        vigil_buf_free(&b);
    free(p);
    return v;
}

static int accept_manifest(struct upd_run *r, const struct upd_manifest *m,
                           const struct vigil_buf *raw, const char *where)
{
    char why[300] = "", when[64];
    uint64_t seen = upd_state_get_u64(r->state, "feed.version");

    if (upd_manifest_verify(m, raw->data, r->conf->keys_dir, why, sizeof why) !=
        VIGIL_OK) {
        upd_err("feed %s: signature refused: %s", where, why);
        return VIGIL_E_ACCESS;
    }
    if (m->version < seen) {
        upd_err("feed %s: version %llu is lower than version %llu already "
                "accepted: refused (rollback attack?)",
                where, (unsigned long long)m->version,
                (unsigned long long)seen);
        return VIGIL_E_ACCESS;
    }
    if ((uint64_t)time(NULL) >= m->expires) {
        upd_fmt_time(m->expires, when, sizeof when);
        upd_err("feed %s: the manifest expired at %s: refused (a mirror "
                "that stopped updating, or a freeze attack)",
                where, when);
        return VIGIL_E_ACCESS;
    }
    return VIGIL_OK;
}

static int fetch_file(struct upd_run *r, struct upd_source *s,
                      const struct upd_mfile *f)
{
    struct vigil_buf b;
    uint8_t h[32];
    enum upd_got got;
    int ret = VIGIL_E_IO;

    vigil_buf_init(&b, UPD_MAX_FILE);
    got = upd_fetch(s, f->name, false, 0, &b);

    if (got == UPD_COOLDOWN)
        upd_cooldown_start(r, s);
    else if (got != UPD_GOT)
        upd_err("feed: %s: %s", f->name,
                got == UPD_MISSING ? "listed in the manifest but missing"
                                   : s->msg);
    else if (b.len != f->size)
        upd_err("feed: %s: %zu bytes, the manifest says %llu: refused", f->name,
                b.len, (unsigned long long)f->size);
    else if (upd_sha256(b.data, b.len, h), memcmp(h, f->sha256, 32) != 0)
        upd_err("feed: %s: SHA-256 differs from the signed manifest: "
                "refused",
                f->name);
    else
        ret = upd_stage_write(r->stage, f->name, b.data, b.len);
    vigil_buf_free(&b);
    return ret;
}

static int install(struct upd_run *r, struct upd_source *s,
                   const struct upd_manifest *m, const struct upd_manifest *old,
                   const struct vigil_buf *raw)
{
    int ret = VIGIL_OK;
    for (size_t i = 0; i < old->nfiles && ret == VIGIL_OK; i++)
        ret = upd_stage_remove(r->stage, old->files[i].name);
    for (size_t i = 0; i < m->nfiles && ret == VIGIL_OK; i++)
        ret = fetch_file(r, s, &m->files[i]);
    if (ret == VIGIL_OK)
        ret =
            upd_stage_write(r->stage, UPD_FEED_INSTALLED, raw->data, raw->len);
    return ret;
}

int upd_feed(struct upd_run *r, struct upd_source *s)
{
    struct vigil_buf raw;
    struct upd_manifest m = {0}, old;
    char why[300] = "";
    enum upd_got got;
    uint64_t have = installed_version(r->stage->cur, &old);
    int ret = VIGIL_E_IO;

    vigil_buf_init(&raw, UPD_MAX_MANIFEST);
    got = upd_fetch(s, UPD_FEED_MANIFEST, false, 0, &raw);

    if (got == UPD_MISSING && s->local) {
        ret = VIGIL_OK; /* --from a directory without a feed */
    } else if (got == UPD_COOLDOWN) {
        upd_cooldown_start(r, s);
    } else if (got != UPD_GOT) {
        upd_err("feed %s: %s", s->base,
                got == UPD_MISSING ? "no " UPD_FEED_MANIFEST : s->msg);
    } else if (upd_manifest_parse(raw.data, raw.len, &m, why, sizeof why)) {
        upd_err("feed %s: %s", s->base, why);
    } else if ((ret = accept_manifest(r, &m, &raw, s->base)) != VIGIL_OK) {
        /* said */
    } else if (m.version == have) {
        upd_say(r->conf, "feed: up to date (version %llu)",
                (unsigned long long)have);
        r->feed_version = m.version;
        r->uptodate++;
    } else if ((ret = install(r, s, &m, &old, &raw)) == VIGIL_OK) {
        upd_say(r->conf, "feed: %s version %llu (%zu files from %s)",
                have ? "updated to" : "installed",
                (unsigned long long)m.version, m.nfiles, s->base);
        r->feed_version = m.version;
        r->updated++;
    }
    upd_manifest_free(&m);
    upd_manifest_free(&old);
    vigil_buf_free(&raw);
    return ret;
}
