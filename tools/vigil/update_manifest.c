// SPDX-License-Identifier: GPL-2.0-or-later
// update_manifest.c: parse a vigil feed manifest (format in
// docs/internals/UPDATE.md). The bytes come from the network and are
// parsed before the signature is checked, so they are treated as hostile:
// bounded lines, strict numbers, fixed-size fields, a cap on files.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/vigil.h>

#include "update.h"
#include "util/strparse.h"

#define MAGIC "vigil-feed-manifest 1"
#define MAX_FIELDS 5

struct mparse {
    struct upd_manifest *m;
    unsigned seen; /* 1 version, 2 created, 4 expires */
    size_t cap;
    char *why;
    size_t whylen;
    unsigned line;
};

__attribute__((format(printf, 2, 3))) static int bad(struct mparse *p,
                                                     const char *fmt, ...);

static int bad(struct mparse *p, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->why, p->whylen, "manifest line %u: %s", p->line, msg);
    return VIGIL_E_CORRUPT;
}

bool upd_feed_name_ok(const char *s, size_t len)
{
    if (len == 0 || len >= sizeof((struct upd_mfile *)0)->name || s[0] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static int header_field(struct mparse *p, const struct vigil_str *f, size_t n)
{
    static const char *const keys[] = {"version", "created", "expires"};
    uint64_t *dst[] = {&p->m->version, &p->m->created, &p->m->expires};
    for (unsigned i = 0; i < 3; i++) {
        if (!vigil_str_eq(f[0], keys[i]))
            continue;
        if (n != 2)
            return bad(p, "%s takes one number", keys[i]);
        if (p->seen & (1u << i))
            return bad(p, "%s given twice", keys[i]);
        if (vigil_str_to_u64(f[1], UINT64_MAX / 2, dst[i]))
            return bad(p, "%s is not a number", keys[i]);
        p->seen |= 1u << i;
        return VIGIL_OK;
    }
    return bad(p, "unknown keyword '%.*s'",
               (int)(f[0].len > 40 ? 40 : f[0].len), f[0].p);
}

static int file_field(struct mparse *p, const struct vigil_str *f, size_t n)
{
    struct upd_manifest *m = p->m;
    struct upd_mfile *e;

    if (n != 4)
        return bad(p, "file takes NAME SIZE SHA256");
    if (!upd_feed_name_ok(f[1].p, f[1].len))
        return bad(p, "bad file name");
    if (m->nfiles == UPD_MAX_FEED_FILES)
        return bad(p, "more than %u files", UPD_MAX_FEED_FILES);
    for (size_t i = 0; i < m->nfiles; i++)
        if (strlen(m->files[i].name) == f[1].len &&
            memcmp(m->files[i].name, f[1].p, f[1].len) == 0)
            return bad(p, "file listed twice");
    if (m->nfiles == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        void *nf = realloc(m->files, cap * sizeof *m->files);
        if (!nf)
            return VIGIL_E_NOMEM;
        m->files = nf;
        p->cap = cap;
    }
    e = &m->files[m->nfiles];
    memcpy(e->name, f[1].p, f[1].len);
    e->name[f[1].len] = '\0';
    if (vigil_str_to_u64(f[2], UPD_MAX_FILE, &e->size))
        return bad(p, "bad size");
    if (f[3].len != 64 || vigil_str_hex(f[3], e->sha256, sizeof e->sha256))
        return bad(p, "bad SHA-256");
    m->nfiles++;
    return VIGIL_OK;
}

static int sig_field(struct mparse *p, const struct vigil_str *f, size_t n)
{
    struct upd_msig *s;
    if (n != 4 || !vigil_str_eq(f[1], "ed25519"))
        return bad(p, "signature takes ed25519 KEYID SIGNATURE");
    if (p->m->nsigs == UPD_MAX_SIGS)
        return bad(p, "more than %u signatures", UPD_MAX_SIGS);
    s = &p->m->sigs[p->m->nsigs];
    if (f[2].len != 16 || vigil_str_hex(f[2], s->keyid, sizeof s->keyid))
        return bad(p, "bad key id");
    if (f[3].len != 128 || vigil_str_hex(f[3], s->sig, sizeof s->sig))
        return bad(p, "bad signature");
    p->m->nsigs++;
    return VIGIL_OK;
}

static int one_line(struct mparse *p, struct vigil_str line, size_t off)
{
    struct vigil_str f[MAX_FIELDS];
    size_t n;

    if (line.len == 0)
        return bad(p, "empty line");
    n = vigil_str_split(line, ' ', f, MAX_FIELDS);
    if (n > MAX_FIELDS)
        return bad(p, "too many fields");
    for (size_t i = 0; i < n; i++)
        if (f[i].len == 0)
            return bad(p, "empty field");
    if (vigil_str_eq(f[0], "signature")) {
        if (!p->m->nsigs)
            p->m->body_len = off;
        return sig_field(p, f, n);
    }
    if (p->m->nsigs)
        return bad(p, "only signatures may follow a signature");
    if (vigil_str_eq(f[0], "file"))
        return file_field(p, f, n);
    return header_field(p, f, n);
}

static int parse_lines(struct mparse *p, const uint8_t *data, size_t len)
{
    size_t pos = 0;
    int ret = VIGIL_OK;

    while (ret == VIGIL_OK && pos < len) {
        const uint8_t *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        p->line++;
        if (!nl)
            return bad(p, "no newline at the end");
        for (size_t i = pos; i < end; i++)
            if (data[i] < 0x20 || data[i] > 0x7e)
                return bad(p, "not printable ASCII");
        if (p->line == 1) {
            if (end - pos != strlen(MAGIC) || memcmp(data, MAGIC, end - pos))
                return bad(p, "not a vigil feed manifest");
        } else {
            ret = one_line(
                p, vigil_str_make((const char *)data + pos, end - pos), pos);
        }
        pos = end + 1;
    }
    return ret;
}

int upd_manifest_parse(const uint8_t *data, size_t len, struct upd_manifest *m,
                       char *why, size_t whylen)
{
    struct mparse p = {m, 0, 0, why, whylen, 0};
    int ret;

    memset(m, 0, sizeof *m);
    if (len > UPD_MAX_MANIFEST) {
        snprintf(why, whylen, "manifest larger than %zu bytes",
                 UPD_MAX_MANIFEST);
        return VIGIL_E_LIMIT;
    }
    ret = parse_lines(&p, data, len);
    if (ret == VIGIL_OK && p.seen != 7)
        ret = bad(&p, "version, created and expires are required");
    if (ret == VIGIL_OK && m->nsigs == 0)
        ret = bad(&p, "the manifest is not signed");
    if (ret == VIGIL_OK && m->expires <= m->created)
        ret = bad(&p, "expires before it was created");
    if (ret != VIGIL_OK)
        upd_manifest_free(m);
    return ret;
}

void upd_manifest_free(struct upd_manifest *m)
{
    free(m->files);
    memset(m, 0, sizeof *m);
}
