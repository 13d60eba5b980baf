// SPDX-License-Identifier: GPL-2.0-or-later
// cdiff.c: verifies .cdiff files, runs their scripts on a database unpacked
// in memory and builds the resulting CLD, as freshclam does on disk.
#include "db/cdiff.h"

#include <stdlib.h>
#include <string.h>

#include "db/dsig.h"
#include "util/alloc.h"
#include "util/caps.h"
#include "vigil/vigil.h"

/*
 * File: "ClamAV-Diff:VERSION:LEN:" + gzip(script) + ":" + DSIG, where DSIG
 * is RSA-PSS/SHA-256 (cdiff key) over every byte before that last ':' and
 * LEN is the script's length. Script semantics follow ClamAV 1.4's
 * libclamav_rust/src/cdiff.rs (CVD.md has the details); the differences
 * are all refusals: names are checked for MOVE too, two edits of one line,
 * a script that ends with a file open, and a gzip stream that does not end
 * right at the ':' are errors here.
 */

#ifdef VIGIL_FUZZING
#define SKIP_DIGESTS true
#else
#define SKIP_DIGESTS false
#endif

#define MAGIC "ClamAV-Diff:"

/* ---- the unpacked database ---- */

static struct vg_dbfile *dir_find(const struct vg_dbdir *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->f[i].name, name) == 0)
            return &d->f[i];
    return NULL;
}

static int dir_add(struct vg_dbdir *d, const char *name, struct vg_dbfile **out)
{
    if (d->n == VIGIL_CAP_CVD_MEMBERS)
        return VIGIL_E_LIMIT;
    if (d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 16;
        void *p = vigil_reallocarray(d->f, ncap, sizeof *d->f);
        if (!p)
            return VIGIL_E_NOMEM;
        d->f = p;
        d->cap = ncap;
    }
    *out = &d->f[d->n++];
    memset(*out, 0, sizeof **out);
    memcpy((*out)->name, name, strlen(name) + 1);
    vigil_buf_init(&(*out)->data, VIGIL_CAP_CVD_BODY);
    return VIGIL_OK;
}

static void dir_remove(struct vg_dbdir *d, struct vg_dbfile *f)
{
    size_t i = (size_t)(f - d->f);

    vigil_buf_free(&f->data);
    memmove(&d->f[i], &d->f[i + 1], (d->n - i - 1) * sizeof *d->f);
    d->n--;
}

int vg_dbdir_from_cvd(struct vg_dbdir *d, const struct vg_cvd *cvd)
{
    int ret = VIGIL_OK;

    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < cvd->tar.n && ret == VIGIL_OK; i++) {
        const struct vg_tar_member *m = &cvd->tar.m[i];
        struct vg_dbfile *f;
        if (strlen(m->name) >= VG_TAR_NAME_MAX)
            return VIGIL_E_LIMIT;
        if ((ret = dir_add(d, m->name, &f)) == VIGIL_OK)
            ret = vigil_buf_append(&f->data, m->data.p, m->data.len);
    }
    return ret;
}

void vg_dbdir_free(struct vg_dbdir *d)
{
    for (size_t i = 0; i < d->n; i++)
        vigil_buf_free(&d->f[i].data);
    VIGIL_FREEP(&d->f);
    d->n = d->cap = 0;
}

static struct vigil_span file_span(const struct vg_dbfile *f)
{
    return vigil_span_make(f->data.data, f->data.len);
}

/* buildcld(): the .info's first line (within 512 bytes), space-padded. */
static int cld_header(const struct vg_dbfile *info, struct vigil_buf *out,
                      struct vg_why *why)
{
    uint8_t h[VG_CVD_HEADER_LEN];
    size_t n = info->data.len < sizeof h ? info->data.len : sizeof h, i = 0;

    while (i < n && info->data.data[i] != '\n' && info->data.data[i] != 0)
        i++;
    if (i == n || info->data.data[i] != '\n')
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "%s has no header line within 512 bytes", info->name);
    memcpy(h, info->data.data, i);
    memset(h + i, ' ', sizeof h - i);
    return vigil_buf_append(out, h, sizeof h);
}

static bool build_skips(const char *name, const char *info_name)
{
    return strcmp(name, "COPYING") == 0 || strcmp(name, "daily.cfg") == 0 ||
           strcmp(name, info_name) == 0;
}

static int tar_add_if(const struct vg_dbdir *d, const char *name,
                      struct vigil_buf *out)
{
    const struct vg_dbfile *f = dir_find(d, name);

    return f ? vg_tar_append(out, f->name, file_span(f)) : VIGIL_OK;
}

int vg_dbdir_build_cld(const struct vg_dbdir *d, const char *info_name,
                       struct vigil_buf *out, struct vg_why *why)
{
    const struct vg_dbfile *info = dir_find(d, info_name);
    int ret;

    if (!info)
        return vg_why_set(why, VIGIL_E_CORRUPT, "%s is missing", info_name);
    if (!dir_find(d, "COPYING"))
        return vg_why_set(why, VIGIL_E_CORRUPT, "COPYING is missing");
    if ((ret = cld_header(info, out, why)) != VIGIL_OK ||
        (ret = tar_add_if(d, "COPYING", out)) != VIGIL_OK ||
        (ret = tar_add_if(d, info_name, out)) != VIGIL_OK ||
        (ret = tar_add_if(d, "daily.cfg", out)) != VIGIL_OK)
        return ret;
    for (size_t i = 0; i < d->n && ret == VIGIL_OK; i++)
        if (!build_skips(d->f[i].name, info_name))
            ret = vg_tar_append(out, d->f[i].name, file_span(&d->f[i]));
    return ret;
}

/* ---- the script ---- */

struct edit {
    size_t line;           /* 1-based line of the open file */
    size_t at;             /* script line, for messages */
    struct vigil_str orig; /* the line must start with this */
    struct vigil_str repl; /* XCHG: the new line */
    bool xchg;
};

struct run {
    struct vg_dbdir *d; /* NULL: syntax only */
    char open[VG_TAR_NAME_MAX];
    bool is_open;
    struct edit *edits;
    size_t nedits, cap;
    struct vigil_buf adds;
    size_t at; /* script line number */
    struct vg_why *why;
};

/* The text after a command: with its '\n' (ADD), and without it, which
 * exists only when the line ends in '\n' (every other command). */
struct args {
    bool has_nl, has;
    struct vigil_str nl, s;
};

static int fail(struct run *r, const char *fmt, const char *a,
                struct vigil_str b)
{
    int n = (int)(b.len < 60 ? b.len : 60);

    return vg_why_set(r->why, VIGIL_E_CORRUPT, "script line %zu: %s%s%.*s",
                      r->at, fmt, a, n, b.p ? b.p : "");
}

static struct vigil_str nostr(void)
{
    return vigil_str_make(NULL, 0);
}

/* Space-separated tokens as Rust's split(' '): n separators, n+1 tokens. */
struct toks {
    struct vigil_str s;
    bool done;
};

static bool tok_next(struct toks *t, struct vigil_str *out)
{
    const char *sp;

    if (t->done)
        return false;
    sp = t->s.len ? memchr(t->s.p, ' ', t->s.len) : NULL;
    if (!sp) {
        *out = t->s;
        t->done = true;
        return true;
    }
    *out = vigil_str_make(t->s.p, (size_t)(sp - t->s.p));
    t->s = vigil_str_make(sp + 1, t->s.len - out->len - 1);
    return true;
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.';
}

/* A database file name: [A-Za-z0-9.]+, not "." or "..", < 100 bytes. */
static int db_name(struct run *r, struct vigil_str s, char *out)
{
    if (s.len == 0 || s.len >= VG_TAR_NAME_MAX || vigil_str_eq(s, ".") ||
        vigil_str_eq(s, ".."))
        return fail(r, "bad database name: ", "", s);
    for (size_t i = 0; i < s.len; i++)
        if (!is_name_char(s.p[i]))
            return fail(r, "bad database name: ", "", s);
    memcpy(out, s.p, s.len);
    out[s.len] = '\0';
    return VIGIL_OK;
}

static int line_no(struct run *r, struct toks *t, const char *cmd, size_t *out)
{
    struct vigil_str s;
    uint64_t v;

    if (!tok_next(t, &s))
        return fail(r, cmd, ": line number missing", nostr());
    if (vigil_str_to_u64(s, SIZE_MAX, &v))
        return fail(r, cmd, ": bad line number ", s);
    *out = (size_t)v;
    return VIGIL_OK;
}

static int need_open(struct run *r, const char *cmd)
{
    return r->is_open ? VIGIL_OK : fail(r, cmd, " with no file open", nostr());
}

static int need_closed(struct run *r, const char *cmd)
{
    return r->is_open ? fail(r, cmd,
                             " while a file is open: ", vigil_str_cstr(r->open))
                      : VIGIL_OK;
}

static int cmd_open(struct run *r, const struct args *a)
{
    int ret;

    if (!a->has)
        return fail(r, "OPEN: name missing", "", nostr());
    if ((ret = need_closed(r, "OPEN")) != VIGIL_OK ||
        (ret = db_name(r, a->s, r->open)) != VIGIL_OK)
        return ret;
    r->is_open = true;
    return VIGIL_OK;
}

static int cmd_add(struct run *r, const struct args *a)
{
    int ret;

    if (!a->has_nl)
        return fail(r, "ADD: text missing", "", nostr());
    if ((ret = need_open(r, "ADD")) != VIGIL_OK)
        return ret;
    ret = vigil_buf_append(&r->adds, a->nl.p, a->nl.len);
    return ret == VIGIL_E_LIMIT ? fail(r, "ADD: too much text", "", nostr())
                                : ret;
}

static int push_edit(struct run *r, const struct edit *e)
{
    if (r->nedits == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 64;
        void *p = vigil_reallocarray(r->edits, ncap, sizeof *r->edits);
        if (!p)
            return VIGIL_E_NOMEM;
        r->edits = p;
        r->cap = ncap;
    }
    r->edits[r->nedits++] = *e;
    return VIGIL_OK;
}

/* DEL N WORD: line N must start with WORD (the next token only). */
static int cmd_del(struct run *r, const struct args *a)
{
    struct toks t = {a->s, false};
    struct edit e = {0, r->at, nostr(), nostr(), false};
    int ret;

    if (!a->has)
        return fail(r, "DEL: arguments missing", "", nostr());
    if ((ret = need_open(r, "DEL")) != VIGIL_OK ||
        (ret = line_no(r, &t, "DEL", &e.line)) != VIGIL_OK)
        return ret;
    if (!tok_next(&t, &e.orig))
        return fail(r, "DEL: line text missing", "", nostr());
    return push_edit(r, &e);
}

/* XCHG N WORD NEW...: line N must start with WORD; it becomes NEW. */
static int cmd_xchg(struct run *r, const struct args *a)
{
    struct toks t = {a->s, false};
    struct edit e = {0, r->at, nostr(), nostr(), true};
    int ret;

    if (!a->has)
        return fail(r, "XCHG: arguments missing", "", nostr());
    if ((ret = need_open(r, "XCHG")) != VIGIL_OK ||
        (ret = line_no(r, &t, "XCHG", &e.line)) != VIGIL_OK)
        return ret;
    if (!tok_next(&t, &e.orig) || t.done)
        return fail(r, "XCHG: old or new line missing", "", nostr());
    e.repl = t.s;
    return push_edit(r, &e);
}

static int cmp_edit(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;

    return (x->line > y->line) - (x->line < y->line);
}

static bool starts_with(struct vigil_str s, struct vigil_str pre)
{
    return s.len >= pre.len && (pre.len == 0 || !memcmp(s.p, pre.p, pre.len));
}

static int edit_mismatch(struct run *r, const struct edit *e, const char *what)
{
    r->at = e->at;
    return vg_why_set(r->why, VIGIL_E_CORRUPT,
                      "script line %zu: %s at line %zu of %s: %s", e->at,
                      e->xchg ? "XCHG" : "DEL", e->line, r->open, what);
}

/* Emit one line of the open file, edited or not. */
static int edit_line(struct run *r, struct vigil_str line, size_t no,
                     size_t *next, struct vigil_buf *out)
{
    const struct edit *e = *next < r->nedits ? &r->edits[*next] : NULL;
    int ret;

    if (!e || e->line != no) {
        if ((ret = vigil_buf_append(out, line.p, line.len)) != VIGIL_OK)
            return ret;
        return vigil_buf_append(out, "\n", 1);
    }
    if (!starts_with(line, e->orig))
        return edit_mismatch(r, e, "the line does not match");
    (*next)++;
    if (!e->xchg)
        return VIGIL_OK;
    if ((ret = vigil_buf_append(out, e->repl.p, e->repl.len)) != VIGIL_OK)
        return ret;
    return vigil_buf_append(out, "\n", 1);
}

static int apply_edits(struct run *r, struct vg_dbfile *f)
{
    struct vigil_str rest = {(const char *)f->data.data, f->data.len};
    struct vigil_buf out;
    size_t no = 0, next = 0;
    int ret = VIGIL_OK;

    vigil_buf_init(&out, VIGIL_CAP_CVD_BODY);
    while (ret == VIGIL_OK && rest.len > 0) {
        const char *nl = memchr(rest.p, '\n', rest.len);
        size_t n = nl ? (size_t)(nl - rest.p) : rest.len;
        if (!nl) {
            ret = edit_mismatch(r, &r->edits[0], "file has no final newline");
            break;
        }
        ret = edit_line(r, vigil_str_make(rest.p, n), ++no, &next, &out);
        rest = vigil_str_make(rest.p + n + 1, rest.len - n - 1);
    }
    if (ret == VIGIL_OK && next < r->nedits)
        ret = edit_mismatch(r, &r->edits[next], "past the end of the file");
    if (ret == VIGIL_OK) {
        vigil_buf_free(&f->data);
        f->data = out;
    } else {
        vigil_buf_free(&out);
    }
    return ret;
}

static int sort_edits(struct run *r)
{
    qsort(r->edits, r->nedits, sizeof *r->edits, cmp_edit);
    for (size_t i = 1; i < r->nedits; i++)
        if (r->edits[i].line == r->edits[i - 1].line)
            return edit_mismatch(r, &r->edits[i], "line edited twice");
    return VIGIL_OK;
}

/* CLOSE: edits (DEL/XCHG) first, then ADD lines appended. */
static int close_file(struct run *r)
{
    struct vg_dbfile *f = dir_find(r->d, r->open);
    int ret = VIGIL_OK;

    if (r->nedits && !f)
        return edit_mismatch(r, &r->edits[0], "the file does not exist");
    if (r->nedits && (ret = sort_edits(r)) == VIGIL_OK)
        ret = apply_edits(r, f);
    if (ret != VIGIL_OK || r->adds.len == 0)
        return ret;
    if (!f && (ret = dir_add(r->d, r->open, &f)) != VIGIL_OK)
        return ret;
    ret = vigil_buf_append(&f->data, r->adds.data, r->adds.len);
    return ret == VIGIL_E_LIMIT ? fail(r, "CLOSE: file too large", "", nostr())
                                : ret;
}

static int cmd_close(struct run *r, const struct args *a)
{
    int ret;

    (void)a;
    if ((ret = need_open(r, "CLOSE")) != VIGIL_OK)
        return ret;
    if (r->d)
        ret = close_file(r);
    r->is_open = false;
    r->nedits = 0;
    r->adds.len = 0;
    return ret;
}

struct move_op {
    char src[VG_TAR_NAME_MAX], dst[VG_TAR_NAME_MAX];
    size_t first, last;
    struct vigil_str first_text, last_text;
};

static int parse_move(struct run *r, const struct args *a, struct move_op *m)
{
    struct toks t = {a->s, false};
    struct vigil_str s;
    int ret;

    if (!a->has || !tok_next(&t, &s))
        return fail(r, "MOVE: arguments missing", "", nostr());
    if ((ret = db_name(r, s, m->src)) != VIGIL_OK)
        return ret;
    if (!tok_next(&t, &s))
        return fail(r, "MOVE: destination missing", "", nostr());
    if ((ret = db_name(r, s, m->dst)) != VIGIL_OK ||
        (ret = line_no(r, &t, "MOVE", &m->first)) != VIGIL_OK)
        return ret;
    if (!tok_next(&t, &m->first_text))
        return fail(r, "MOVE: first line text missing", "", nostr());
    if ((ret = line_no(r, &t, "MOVE", &m->last)) != VIGIL_OK)
        return ret;
    if (!tok_next(&t, &m->last_text))
        return fail(r, "MOVE: last line text missing", "", nostr());
    if (strcmp(m->src, m->dst) == 0)
        return fail(r, "MOVE: source and destination are the same", "",
                    nostr());
    return VIGIL_OK;
}

/* Split src's lines (each with its '\n', if any) into kept and moved. The
 * range starts at line first (which must start with first_text) and ends
 * at line last, checked only after the first: as ClamAV, last > first. */
static int move_lines(struct run *r, const struct move_op *m,
                      struct vigil_str src, struct vigil_buf *keep,
                      struct vigil_buf *moved)
{
    enum { INIT, MOVING, DONE } st = INIT;
    size_t no = 0;
    int ret = VIGIL_OK;

    while (ret == VIGIL_OK && src.len > 0) {
        const char *nl = memchr(src.p, '\n', src.len);
        size_t n = nl ? (size_t)(nl - src.p) + 1 : src.len;
        struct vigil_str line = vigil_str_make(src.p, n);
        src = vigil_str_make(src.p + n, src.len - n);
        no++;
        if (st == INIT && no == m->first) {
            if (!starts_with(line, m->first_text))
                return fail(r, "MOVE: first line does not match in ", m->src,
                            nostr());
            st = MOVING;
            ret = vigil_buf_append(moved, line.p, line.len);
        } else if (st == MOVING) {
            ret = vigil_buf_append(moved, line.p, line.len);
            if (no == m->last && !starts_with(line, m->last_text))
                return fail(r, "MOVE: last line does not match in ", m->src,
                            nostr());
            if (no == m->last)
                st = DONE;
        } else {
            ret = vigil_buf_append(keep, line.p, line.len);
        }
    }
    if (ret == VIGIL_OK && st != DONE)
        return fail(r, "MOVE: line range not found in ", m->src, nostr());
    return ret;
}

static int move_apply(struct run *r, const struct move_op *m)
{
    struct vg_dbfile *src = dir_find(r->d, m->src),
                     *dst = dir_find(r->d, m->dst);
    struct vigil_buf keep, moved;
    int ret;

    if (!src || !dst)
        return fail(r, "MOVE: no such file ", src ? m->dst : m->src, nostr());
    vigil_buf_init(&keep, VIGIL_CAP_CVD_BODY);
    vigil_buf_init(&moved, VIGIL_CAP_CVD_BODY);
    ret = move_lines(
        r, m, vigil_str_make((const char *)src->data.data, src->data.len),
        &keep, &moved);
    if (ret == VIGIL_OK)
        ret = vigil_buf_append(&dst->data, moved.data, moved.len);
    if (ret == VIGIL_OK) {
        vigil_buf_free(&src->data);
        src->data = keep;
        vigil_buf_init(&keep, VIGIL_CAP_CVD_BODY);
    }
    vigil_buf_free(&keep);
    vigil_buf_free(&moved);
    return ret;
}

static int cmd_move(struct run *r, const struct args *a)
{
    struct move_op m;
    int ret;

    if ((ret = need_closed(r, "MOVE")) != VIGIL_OK ||
        (ret = parse_move(r, a, &m)) != VIGIL_OK)
        return ret;
    return r->d ? move_apply(r, &m) : VIGIL_OK;
}

static int cmd_unlink(struct run *r, const struct args *a)
{
    char name[VG_TAR_NAME_MAX];
    struct toks t = {a->s, false};
    struct vigil_str s;
    struct vg_dbfile *f;
    int ret;

    if (!a->has || !tok_next(&t, &s))
        return fail(r, "UNLINK: name missing", "", nostr());
    if ((ret = need_closed(r, "UNLINK")) != VIGIL_OK ||
        (ret = db_name(r, s, name)) != VIGIL_OK || !r->d)
        return ret;
    if (!(f = dir_find(r->d, name)))
        return fail(r, "UNLINK: no such file ", name, nostr());
    dir_remove(r->d, f);
    return VIGIL_OK;
}

typedef int (*cmd_fn)(struct run *r, const struct args *a);

static const struct {
    const char *name;
    cmd_fn fn;
} commands[] = {
    {"OPEN", cmd_open},     {"ADD", cmd_add},   {"DEL", cmd_del},
    {"XCHG", cmd_xchg},     {"MOVE", cmd_move}, {"CLOSE", cmd_close},
    {"UNLINK", cmd_unlink},
};

/* One line, with its '\n' if it has one. */
static int run_line(struct run *r, struct vigil_str line)
{
    struct args a = {false, false, {NULL, 0}, {NULL, 0}};
    size_t i = 0;

    while (i < line.len && line.p[i] != ' ' && line.p[i] != '\n')
        i++;
    if (i < line.len) {
        a.has_nl = true;
        a.nl = vigil_str_make(line.p + i + 1, line.len - i - 1);
        a.has = a.nl.len > 0 && a.nl.p[a.nl.len - 1] == '\n';
        a.s = vigil_str_make(a.nl.p, a.has ? a.nl.len - 1 : 0);
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (i == strlen(commands[k].name) &&
            memcmp(line.p, commands[k].name, i) == 0)
            return commands[k].fn(r, &a);
    return fail(r, "unknown command: ", "", vigil_str_make(line.p, i));
}

static int run_all(struct run *r, struct vigil_str rest, size_t *ncmd)
{
    int ret = VIGIL_OK;

    while (ret == VIGIL_OK && rest.len > 0) {
        const char *nl = memchr(rest.p, '\n', rest.len);
        size_t n = nl ? (size_t)(nl - rest.p) + 1 : rest.len;
        struct vigil_str line = vigil_str_make(rest.p, n);
        rest = vigil_str_make(rest.p + n, rest.len - n);
        r->at++;
        if (n > VIGIL_CAP_DB_LINE)
            return fail(r, "line too long", "", nostr());
        if (line.p[0] == '#')
            continue;
        ret = run_line(r, line);
        (*ncmd)++;
    }
    if (ret == VIGIL_OK && r->is_open)
        ret = fail(r, "script ends with a file open: ", r->open, nostr());
    return ret;
}

int vg_cdiff_run(struct vg_dbdir *d, struct vigil_span script,
                 size_t *ncommands, struct vg_why *why)
{
    struct run r;
    size_t n = 0;
    int ret;

    memset(&r, 0, sizeof r);
    r.d = d;
    r.why = why;
    vigil_buf_init(&r.adds, VIGIL_CAP_CDIFF_SCRIPT);
    ret = run_all(&r, vigil_str_make((const char *)script.p, script.len), &n);
    vigil_buf_free(&r.adds);
    vigil_free(r.edits);
    if (ncommands)
        *ncommands = n;
    return ret;
}

/* ---- the .cdiff file ---- */

/* Decimal digits (at most 20) up to a ':', which is consumed. */
static int header_number(struct vigil_cursor *c, uint64_t max, uint64_t *out)
{
    struct vigil_span s = vigil_cur_peek(c, vigil_cur_remaining(c));
    size_t n = 0;

    while (n < s.len && n <= 20 && s.p[n] != ':')
        n++;
    if (n == s.len || s.p[n] != ':' ||
        vigil_str_to_u64(vigil_str_make((const char *)s.p, n), max, out))
        return VIGIL_E_CORRUPT;
    vigil_cur_skip(c, n + 1);
    return VIGIL_OK;
}

/* "ClamAV-Diff:VERSION:LEN:"; @return the offset after it in *end. */
static int parse_cdiff_header(struct vg_cdiff *cd, struct vigil_span data,
                              size_t *end, struct vg_why *why)
{
    struct vigil_cursor c = vigil_cur_from_span(data);
    struct vigil_span magic = vigil_cur_bytes(&c, strlen(MAGIC));
    uint64_t v;

    if (magic.len != strlen(MAGIC) || memcmp(magic.p, MAGIC, magic.len))
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "header: does not start with 'ClamAV-Diff:'");
    if (header_number(&c, UINT32_MAX, &v) ||
        header_number(&c, VIGIL_CAP_CDIFF_SCRIPT, &cd->len))
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "header: not 'ClamAV-Diff:VERSION:LENGTH:' with "
                          "decimal numbers (length at most %zu)",
                          VIGIL_CAP_CDIFF_SCRIPT);
    cd->version = (uint32_t)v;
    *end = vigil_cur_tell(&c);
    cd->checks |= VG_CDIFF_CHK_HEADER;
    return VIGIL_OK;
}

/* The DSIG follows the last ':', at most VIGIL_CAP_DSIG_CHARS from EOF. */
static int find_dsig(struct vigil_span data, size_t start, size_t *colon,
                     struct vg_why *why)
{
    size_t i = data.len;

    while (i > start && data.len - i <= VIGIL_CAP_DSIG_CHARS) {
        if (data.p[i - 1] == ':') {
            *colon = i - 1;
            if (*colon + 1 == data.len)
                break;
            return VIGIL_OK;
        }
        i--;
    }
    return vg_why_set(why, VIGIL_E_CORRUPT,
                      "DSIG: no ':' and signature at the end of the file");
}

static int check_cdiff_dsig(struct vg_cdiff *cd, struct vigil_span data,
                            size_t colon, unsigned flags, struct vg_why *why)
{
    struct vigil_str sig =
        vigil_str_make((const char *)data.p + colon + 1, data.len - colon - 1);
    uint8_t sha[VG_SHA256_LEN];
    int ret;

    if (SKIP_DIGESTS || (flags & VG_CVD_NO_RSA))
        return VIGIL_OK;
    if ((ret = vg_sha256(data.p, colon, sha)) != VIGIL_OK)
        return ret;
    ret = vg_dsig_verify_pss(VG_DSIG_KEY_CDIFF, sha, sig);
    if (ret == VIGIL_E_CORRUPT)
        return vg_why_set(why, ret,
                          "DSIG: the RSA-PSS signature does not verify "
                          "(2048-bit cdiff key)");
    if (ret == VIGIL_OK)
        cd->checks |= VG_CDIFF_CHK_DSIG;
    return ret;
}

static int inflate_script(struct vg_cdiff *cd, struct vigil_span gz,
                          struct vg_why *why)
{
    int ret = vg_gunzip(gz, &cd->script, why);

    if (ret != VIGIL_OK)
        return ret;
    if (!SKIP_DIGESTS && cd->script.len != cd->len)
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "header: LENGTH says %llu, the script has %zu "
                          "bytes",
                          (unsigned long long)cd->len, cd->script.len);
    cd->checks |= VG_CDIFF_CHK_GZIP;
    return VIGIL_OK;
}

int vg_cdiff_open(struct vg_cdiff *cd, struct vigil_span data, unsigned flags,
                  struct vg_why *why)
{
    size_t hdr_end = 0, colon = 0;
    int ret;

    memset(cd, 0, sizeof *cd);
    vigil_buf_init(&cd->script, VIGIL_CAP_CDIFF_SCRIPT);
    if ((ret = parse_cdiff_header(cd, data, &hdr_end, why)) != VIGIL_OK ||
        (ret = find_dsig(data, hdr_end, &colon, why)) != VIGIL_OK ||
        (ret = check_cdiff_dsig(cd, data, colon, flags, why)) != VIGIL_OK ||
        (ret =
             inflate_script(cd, vigil_span_sub(data, hdr_end, colon - hdr_end),
                            why)) != VIGIL_OK)
        return ret;
    ret = vg_cdiff_run(NULL, vigil_span_make(cd->script.data, cd->script.len),
                       &cd->ncommands, why);
    if (ret == VIGIL_OK)
        cd->checks |= VG_CDIFF_CHK_SCRIPT;
    return ret;
}

void vg_cdiff_close(struct vg_cdiff *cd)
{
    vigil_buf_free(&cd->script);
}

/* ---- base + cdiffs -> CLD ---- */

static int named(struct vg_why *why, int ret, const char *name)
{
    char msg[sizeof why->msg];

    if (!why || ret == VIGIL_OK)
        return ret;
    memcpy(msg, why->msg, sizeof msg);
    return vg_why_set(why, ret, "%s: %s", name, msg);
}

static int apply_one(struct vg_dbdir *d, const char *name,
                     struct vigil_span data, unsigned flags, uint32_t *version,
                     struct vg_why *why)
{
    struct vg_cdiff cd;
    int ret = vg_cdiff_open(&cd, data, flags, why);

    if (ret == VIGIL_OK && cd.version != *version + 1)
        ret = vg_why_set(why, VIGIL_E_CORRUPT,
                         "makes version %u, but the database is version %u",
                         cd.version, *version);
    if (ret == VIGIL_OK)
        ret = vg_cdiff_run(d, vigil_span_make(cd.script.data, cd.script.len),
                           NULL, why);
    if (ret == VIGIL_OK)
        *version = cd.version;
    vg_cdiff_close(&cd);
    return named(why, ret, name);
}

/* The result must verify as a CLD and be at the last cdiff's version. */
static int check_result(struct vigil_buf *out, uint32_t version, unsigned flags,
                        struct vg_why *why)
{
    struct vg_cvd cld;
    int ret = vg_cvd_open(&cld, VG_CVD_CLD,
                          vigil_span_make(out->data, out->len), flags, why);

    if (ret == VIGIL_OK && cld.hdr.version != version)
        ret = vg_why_set(why, VIGIL_E_CORRUPT,
                         "header says version %u, the last cdiff makes %u",
                         cld.hdr.version, version);
    vg_cvd_close(&cld);
    return named(why, ret, "patched database");
}

static int patch_dir(struct vg_dbdir *d, const struct vg_cvd *base,
                     const char *const *names, const struct vigil_span *data,
                     size_t n, unsigned flags, struct vigil_buf *out,
                     struct vg_why *why)
{
    uint32_t version = base->hdr.version;
    char info[VG_TAR_NAME_MAX + 1];
    int ret = vg_dbdir_from_cvd(d, base);

    memcpy(info, base->tar.m[base->info].name, sizeof info);
    for (size_t i = 1; i < n && ret == VIGIL_OK; i++)
        ret = apply_one(d, names[i], data[i], flags, &version, why);
    if (ret == VIGIL_OK)
        ret = named(why, vg_dbdir_build_cld(d, info, out, why),
                    "patched database");
    if (ret == VIGIL_OK)
        ret = check_result(out, version, flags, why);
    return ret;
}

int vg_cdiff_patch(const char *const *names, const struct vigil_span *data,
                   size_t n, unsigned flags, struct vigil_buf *out,
                   struct vg_why *why)
{
    struct vg_dbdir d = {NULL, 0, 0};
    enum vg_cvd_type type;
    struct vg_cvd base;
    int ret;

    if (n == 0)
        return VIGIL_E_ARG;
    if (!vg_cvd_type_of(names[0], &type) || type == VG_CVD_CUD)
        return vg_why_set(why, VIGIL_E_ARG, "%s: not a .cvd or .cld", names[0]);
    ret = named(why, vg_cvd_open(&base, type, data[0], flags, why), names[0]);
    if (ret == VIGIL_OK)
        ret = patch_dir(&d, &base, names, data, n, flags, out, why);
    vg_dbdir_free(&d);
    vg_cvd_close(&base);
    return ret;
}
