// SPDX-License-Identifier: GPL-2.0-or-later
// parse_ldb.c: .ldb/.ldu logical signatures: NAME;TDB;EXPRESSION;SUB0;...
#include <stdio.h>
#include <string.h>

#include "db/load.h"
#include "engine.h"
#include "fmt/filetype.h"
#include "match/bytecmp.h"
#include "match/lexpr.h"
#include "match/lsig.h"
#include "match/pattern.h"
#include "match/pcre.h"
#include "util/caps.h"
#include "vigil/vigil.h"

/*
 * The checks run in ClamAV 1.4's order (load_oneldb), because the order
 * decides what is an error and what is skipped silently (LDB.md §1):
 * field count, .ign2, expression and subsignature count, TDB syntax,
 * FLEVEL and target, name, then each subsignature.
 */

/* ClamAV reads a database line into 32 KiB; longer lines break apart. */
#define LDB_MAX_LINE 32767u
/* Name, TDB, expression and up to 64 subsignatures, plus one to notice
 * more (ClamAV's LDB_TOKENS + 1). */
#define LDB_TOKENS 68u
#define TDB_TOKENS 10u
/* A trigger that always lets its PCRE run (ClamAV's PCRE_BYPASS). */
#define PCRE_BYPASS "7374756c747a676574737265676578"
#define FLEVEL_NEW_TDB 51u

enum { LDB_OK = 0, LDB_SKIP = 1, LDB_BAD = 2 };

struct ldb {
    struct vg_load_ctx *ctx;
    struct vigil_engine *eng;
    unsigned target;
    unsigned sub; /* subsignature being parsed */
    const char *why;
    char msg[200];
    bool never; /* a fuzzy_img subsignature: the signature cannot alert */
};

static int bad(struct ldb *L, const char *why)
{
    L->why = why;
    return LDB_BAD;
}

/*
 * ClamAV's cli_ldbtokenize(): split at @p sep into at most @p max tokens
 * (what follows the last one is dropped); from token @p skip on, a '/'
 * not preceded by '\' opens or closes a regex, inside which @p sep does
 * not split.
 */
static size_t ldb_tokenize(struct vigil_str s, char sep, struct vigil_str *t,
                           size_t max, size_t skip)
{
    size_t n = 0, i = 0;
    bool in_re = false;
    while (n < max) {
        size_t start = i;
        for (; i < s.len; i++) {
            if (!in_re && s.p[i] == sep)
                break;
            if (n + 1 > skip && i > 0 && s.p[i - 1] != '\\' && s.p[i] == '/')
                in_re = !in_re;
        }
        t[n++] = vigil_str_make(s.p + start, i - start);
        if (i >= s.len)
            break;
        i++;
    }
    return n;
}

static bool str_starts(struct vigil_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.p, lit, n) == 0;
}

/* ---- target description block ------------------------------------------ */

struct tdb_parse {
    struct vg_lsig_tdb t;
    bool has_target, has_engine, newext;
    uint32_t engine[2], target_raw;
};

/* cli_isnumber(): digits only; the empty string qualifies. */
static bool clam_isnumber(struct vigil_str s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
    return true;
}

/* atoi() of a digit string as ClamAV stores it: strtol saturates at
 * LONG_MAX, then the value is cut to 32 bits. */
static uint32_t clam_atoi(struct vigil_str s)
{
    uint64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned d = (unsigned)(s.p[i] - '0');
        v = v > ((uint64_t)INT64_MAX - d) / 10 ? (uint64_t)INT64_MAX
                                               : v * 10 + d;
    }
    return (uint32_t)v;
}

static int tdb_range(struct ldb *L, struct vigil_str v, uint32_t out[2])
{
    const char *dash = memchr(v.p, '-', v.len);
    struct vigil_str lo, hi;
    if (!dash)
        return bad(L, "TDB range needs MIN-MAX");
    lo = vigil_str_make(v.p, (size_t)(dash - v.p));
    hi = vigil_str_make(dash + 1, v.len - lo.len - 1);
    if (!clam_isnumber(lo) || !clam_isnumber(hi))
        return bad(L, "TDB range is not MIN-MAX numbers");
    out[0] = clam_atoi(lo);
    out[1] = clam_atoi(hi);
    return LDB_OK;
}

/* A CL_TYPE_* name; unknown ones make ClamAV skip the signature. */
static int tdb_ftype(struct vigil_str v, int16_t *out)
{
    int t = vg_ftype_from_clname(v.p, v.len);
    if (t < 0)
        return LDB_SKIP;
    *out = (int16_t)t;
    return LDB_OK;
}

static int tdb_intermediates(struct tdb_parse *tp, struct vigil_str v)
{
    struct vigil_str f[VG_TDB_MAX_INTER];
    size_t n = vigil_str_split(v, '>', f, VG_TDB_MAX_INTER);
    if (n > VG_TDB_MAX_INTER)
        n = VG_TDB_MAX_INTER;
    for (size_t i = 0; i < n; i++)
        if (tdb_ftype(f[i], &tp->t.inter[i]))
            return LDB_SKIP;
    tp->t.ninter = (uint8_t)n;
    tp->t.has |= VG_TDB_INTER;
    return LDB_OK;
}

/* A range key: which field it fills and which bit says so. */
static uint32_t *range_of(struct vg_lsig_tdb *t, struct vigil_str k,
                          uint8_t *bit)
{
    if (vigil_str_eq(k, "FileSize"))
        return *bit = VG_TDB_FSIZE, t->fsize;
    if (vigil_str_eq(k, "EntryPoint"))
        return *bit = VG_TDB_EP, t->ep;
    if (vigil_str_eq(k, "NumberOfSections"))
        return *bit = VG_TDB_NOS, t->nos;
    return NULL;
}

static int tdb_keyed(struct ldb *L, struct tdb_parse *tp, struct vigil_str k,
                     struct vigil_str v)
{
    struct vg_lsig_tdb *t = &tp->t;
    uint8_t bit = 0;
    uint32_t *range = range_of(t, k, &bit);
    tp->newext = true;
    t->has |= bit;
    if (range)
        return tdb_range(L, v, range);
    if (vigil_str_eq(k, "IconGroup1") || vigil_str_eq(k, "IconGroup2")) {
        t->has |= VG_TDB_ICON;
        return LDB_OK;
    }
    if (vigil_str_eq(k, "Container")) {
        t->has |= VG_TDB_CONTAINER;
        return tdb_ftype(v, &t->container);
    }
    if (vigil_str_eq(k, "HandlerType")) {
        t->has |= VG_TDB_HANDLER;
        return tdb_ftype(v, &t->handler);
    }
    if (vigil_str_eq(k, "Intermediates"))
        return tdb_intermediates(tp, v);
    return LDB_SKIP; /* a newer engine's key */
}

static int tdb_attr(struct ldb *L, struct tdb_parse *tp, size_t i,
                    struct vigil_str a)
{
    const char *colon = memchr(a.p, ':', a.len);
    struct vigil_str k, v;
    if (!colon)
        return bad(L, "TDB attribute without ':'");
    k = vigil_str_make(a.p, (size_t)(colon - a.p));
    v = vigil_str_make(colon + 1, a.len - k.len - 1);
    if (vigil_str_eq(k, "Target")) {
        if (!clam_isnumber(v))
            return bad(L, "Target is not a number");
        tp->t.target = (uint8_t)(tp->target_raw = clam_atoi(v));
        tp->has_target = true;
        return LDB_OK;
    }
    if (vigil_str_eq(k, "Engine")) {
        if (i != 0)
            return bad(L, "Engine must be the first TDB attribute");
        tp->has_engine = true;
        return tdb_range(L, v, tp->engine);
    }
    return tdb_keyed(L, tp, k, v);
}

/* lsigattribs() then init_tdb(): syntax errors first, in attribute order
 * (an unknown key stops the reading: skipped), then the levels. */
static int parse_tdb(struct ldb *L, struct vigil_str text, struct tdb_parse *tp)
{
    struct vigil_str a[TDB_TOKENS];
    size_t n = vigil_str_split(text, ',', a, TDB_TOKENS);
    int r;
    memset(tp, 0, sizeof *tp);
    if (n > TDB_TOKENS) /* ClamAV reads the first 10 */
        n = TDB_TOKENS;
    for (size_t i = 0; i < n; i++)
        if ((r = tdb_attr(L, tp, i, a[i])) != LDB_OK)
            return r;
    if (tp->newext && (!tp->has_engine || tp->engine[0] < FLEVEL_NEW_TDB))
        return bad(L, "TDB attributes besides Target need Engine:51- first");
    if (tp->has_engine &&
        (tp->engine[0] > VIGIL_FLEVEL || tp->engine[1] < VIGIL_FLEVEL))
        return LDB_SKIP;
    if (!tp->has_target)
        return bad(L, "TDB has no Target");
    if (tp->target_raw >= 15)
        return LDB_SKIP;
    if ((tp->t.has & VG_TDB_ICON) && tp->target_raw != 1)
        return bad(L, "IconGroup needs Target:1");
    if ((tp->t.has & (VG_TDB_EP | VG_TDB_NOS)) && tp->target_raw != 1 &&
        tp->target_raw != 6 && tp->target_raw != 9)
        return bad(L, "EntryPoint/NumberOfSections need Target 1, 6 or 9");
    return LDB_OK;
}

/* ---- subsignatures --------------------------------------------------------
 */

static bool exe_target(unsigned t)
{
    return t == 1 || t == 6 || t == 9;
}

/* ClamAV allows EP, S, SE, SL and VI offsets in PE/ELF/Mach-O
 * signatures only. */
static int parse_offset(struct ldb *L, struct vigil_str s,
                        struct vg_offset *off)
{
    const char *why = "bad offset";
    if (vg_offset_parse(s, off, &why))
        return bad(L, why);
    if (vg_offset_needs_exe(off) && !exe_target(L->target))
        return bad(L, "EP/S/SE/SL/VI offset needs Target 1, 6 or 9");
    return LDB_OK;
}

static int added(struct ldb *L, int ret, const char *why)
{
    if (ret == VIGIL_E_DB)
        return bad(L, why ? why : "bad subsignature");
    return ret == VIGIL_OK ? LDB_OK : ret;
}

/* sscanf(s + *i, "%u") followed by the literal @p lit. */
static bool scan_then(struct vigil_str s, size_t *i, uint32_t *v, char lit)
{
    size_t end;
    if (vg_clam_scan_u32(s, *i, v, &end) != 1)
        return false;
    *i = end + 1;
    return lit == '\0' || (end < s.len && s.p[end] == lit);
}

/* "${min-max}group$": ClamAV's sscanf("${%u-%u}%u$") wants 3 numbers. */
static int parse_macro(struct ldb *L, struct vigil_str s)
{
    uint32_t lo, hi, g;
    size_t i = 2;
    if (s.p[s.len - 1] != '$')
        return bad(L, "macro subsignature must end with '$'");
    if (s.len < 2 || s.p[1] != '{' || !scan_then(s, &i, &lo, '-') ||
        !scan_then(s, &i, &hi, '}') || !scan_then(s, &i, &g, '\0'))
        return bad(L, "macro subsignature is not ${MIN-MAX}GROUP$");
    if (g >= VG_LSIG_MACRO_GROUPS)
        return bad(L, "macro group over 31");
    return added(L, vg_lsigs_add_macro(&L->eng->lsigs, lo, hi, g), NULL);
}

/* ClamAV's subsignature modifiers after "::". */
static int content_flags(struct ldb *L, struct vigil_str m, unsigned *flags)
{
    *flags = 0;
    for (size_t i = 0; i < m.len; i++) {
        switch (m.p[i]) {
        case 'i': *flags |= VG_PAT_NOCASE; break;
        case 'w': *flags |= VG_PAT_WIDE; break;
        case 'f': *flags |= VG_PAT_FULLWORD; break;
        case 'a': *flags |= VG_PAT_ASCII; break;
        default: return bad(L, "unknown subsignature modifier");
        }
    }
    return LDB_OK;
}

/* [OFFSET:]HEX[::MODS], split as ClamAV does: 1 field HEX, 2 OFFSET:HEX,
 * 3 HEX:?:MODS, 4 OFFSET:HEX:?:MODS, 5 (HEX only). */
static int parse_content(struct ldb *L, struct vigil_str s)
{
    struct vigil_str t[5], star = vigil_str_make("*", 1);
    size_t n = ldb_tokenize(s, ':', t, 5, 0);
    struct vg_offset off;
    unsigned flags = 0;
    const char *why = NULL;
    int r;
    if ((r = parse_offset(L, n % 2 ? star : t[0], &off)))
        return r;
    if ((n == 3 || n == 4) && (r = content_flags(L, t[n - 1], &flags)))
        return r;
    r = vg_lsigs_add_content(&L->eng->lsigs, n % 2 ? t[0] : t[1], flags, &off,
                             &why);
    return added(L, r, why);
}

/* The trigger: a logical expression over earlier subsignatures only. */
static int pcre_trigger(struct ldb *L, struct vigil_str t,
                        struct vg_lx_prog *prog, bool *bypass)
{
    const char *why = NULL;
    int r;
    *bypass = vigil_str_eq(t, PCRE_BYPASS);
    if (*bypass)
        return LDB_OK;
    r = vg_lexpr_compile(t, prog, &why);
    if (r == VIGIL_E_DB)
        return bad(L, "PCRE trigger is not a logical expression");
    if (r != VIGIL_OK)
        return r;
    if (prog->max_id >= (int)L->sub) {
        vg_lx_prog_free(prog);
        return bad(L, "PCRE trigger names this or a later subsignature");
    }
    return LDB_OK;
}

static int pcre_build(struct ldb *L, struct vigil_str re, struct vigil_str fl,
                      struct vg_pcre *p)
{
    uint32_t opts;
    const char *why = NULL;
    int r;
    if (vg_pcre_flags(fl, &opts, &p->flags, &why))
        return bad(L, why);
    r = vg_pcre_compile(re, opts, &p->re, L->msg, sizeof L->msg);
    return r == VIGIL_E_DB ? bad(L, L->msg) : r;
}

/* [OFFSET:]TRIGGER/REGEX/[FLAGS] */
static int parse_pcre(struct ldb *L, struct vigil_str s)
{
    struct vigil_str t[5], sig, star = vigil_str_make("*", 1);
    size_t n = ldb_tokenize(s, ':', t, 5, 0);
    const char *first, *last;
    struct vg_lx_prog trig = {0};
    struct vg_pcre p = {0};
    bool bypass;
    int r;
    sig = n == 2 ? t[1] : t[0];
    first = memchr(sig.p, '/', sig.len);
    last = first ? sig.p + sig.len - 1 : NULL;
    while (last && *last != '/')
        last--;
    if (!first || first == last)
        return bad(L, "PCRE subsignature needs /REGEX/");
    if (s.p[0] == '/' || first == sig.p || last == first + 1)
        return bad(L, "PCRE subsignature needs a trigger and a regex");
    if ((r = pcre_trigger(L, vigil_str_make(sig.p, (size_t)(first - sig.p)),
                          &trig, &bypass)))
        return r;
    r = parse_offset(L, n == 2 ? t[0] : star, &p.off);
    if (r == LDB_OK)
        r = pcre_build(
            L, vigil_str_make(first + 1, (size_t)(last - first - 1)),
            vigil_str_make(last + 1, (size_t)(sig.p + sig.len - last - 1)), &p);
    if (r == LDB_OK)
        r = added(L,
                  vg_lsigs_add_pcre(&L->eng->lsigs, bypass ? NULL : &trig, &p),
                  NULL);
    vg_lx_prog_free(&trig);
    return r;
}

static int parse_bcomp(struct ldb *L, struct vigil_str s)
{
    struct vg_bcomp bc;
    const char *why = NULL;
    if (vg_bcomp_parse(s, &bc, &why))
        return bad(L, why);
    return added(L, vg_lsigs_add_bcomp(&L->eng->lsigs, &bc), NULL);
}

/* "fuzzy_img#HASH[#DISTANCE[#...]]": 16 hex digits, distance 0 (1.4
 * rejects others). Accepted; vigil computes no image hashes, so it never
 * matches (LDB.md §5). */
static int parse_fuzzy(struct ldb *L, struct vigil_str s)
{
    struct vigil_str f[4];
    uint8_t hash[8];
    uint64_t d;
    size_t n = vigil_str_split(s, '#', f, 3);
    if (f[1].len != 16 || vigil_str_hex(f[1], hash, sizeof hash))
        return bad(L, "fuzzy_img hash must be 16 hex digits");
    if (n >= 3 && f[2].len && f[2].p[0] == '+') {
        f[2].p++;
        f[2].len--;
    }
    if (n >= 3 && (vigil_str_to_u64(f[2], UINT32_MAX, &d) || d != 0))
        return bad(L, "fuzzy_img distance must be 0");
    L->never = true;
    return added(L, vg_lsigs_add_never(&L->eng->lsigs), NULL);
}

static bool two_hashes(struct vigil_str s)
{
    const char *a = memchr(s.p, '#', s.len);
    return a && memchr(a + 1, '#', s.len - (size_t)(a - s.p) - 1);
}

/* Which kind of subsignature: ClamAV's tests, in its order. */
static int parse_sub(struct ldb *L, struct vigil_str s)
{
    if (s.len && s.p[0] == '$')
        return parse_macro(L, s);
    if (memchr(s.p, '/', s.len))
        return parse_pcre(L, s);
    if (memchr(s.p, '(', s.len) && two_hashes(s))
        return parse_bcomp(L, s);
    if (str_starts(s, "fuzzy_img#"))
        return parse_fuzzy(L, s);
    return parse_content(L, s);
}

/* ---- the line -------------------------------------------------------------
 */

static int error_out(struct ldb *L)
{
    if (L->sub == UINT32_MAX)
        return vg_load_error(L->ctx, "%s", L->why);
    return vg_load_error(L->ctx, "subsignature %u: %s", L->sub, L->why);
}

static int parse_expression(struct ldb *L, const struct vigil_str *t, size_t n,
                            struct vg_lx_prog *expr)
{
    const char *why = NULL;
    int r = vg_lexpr_compile(t[2], expr, &why);
    if (r == VIGIL_E_DB)
        return bad(L, why);
    if (r != VIGIL_OK)
        return r;
    if ((size_t)expr->max_id + 1 != n - 3) {
        snprintf(L->msg, sizeof L->msg,
                 "%zu subsignatures, but the expression names %d", n - 3,
                 expr->max_id + 1);
        return bad(L, L->msg);
    }
    return LDB_OK;
}

/* IconGroup needs .idb icon matching and fuzzy_img image hashes, neither
 * of which vigil has: such a signature loads but never alerts. Each is
 * logged (info) with its line; the file's total is a warning at the end
 * of the load (load.c), so that nobody mistakes them for coverage. */
static void note_unmatchable(struct ldb *L, struct vigil_str name,
                             const struct tdb_parse *tp)
{
    const char *what = (tp->t.has & VG_TDB_ICON) ? "IconGroup"
                       : L->never                ? "fuzzy_img"
                                                 : NULL;
    L->never = false;
    if (!what)
        return;
    if (L->ctx->unmatchable++ == 0)
        L->ctx->first_unmatchable = L->ctx->lineno;
    VIGIL_LOG(&L->eng->log, VIGIL_LOG_INFO,
              "%s:%zu: %.*s uses %s, which vigil cannot match: it never alerts",
              L->ctx->path, L->ctx->lineno, (int)name.len, name.p, what);
}

static int add_signature(struct ldb *L, const struct vigil_str *t, size_t n,
                         const struct tdb_parse *tp,
                         const struct vg_lx_prog *expr)
{
    struct vigil_engine *eng = L->eng;
    uint32_t name;
    int r;
    if (t[0].len == 0 || t[0].len > VIGIL_CAP_SIG_NAME)
        return bad(L, "bad signature name length");
    if ((r = vg_names_add(&eng->names, t[0], L->ctx->unofficial, &name)) ||
        (r = vg_lsigs_begin(&eng->lsigs, &eng->body, name, &tp->t, expr,
                            (unsigned)(n - 3))))
        return r;
    for (L->sub = 0; L->sub < n - 3; L->sub++)
        if ((r = parse_sub(L, t[3 + L->sub])) != LDB_OK)
            return r;
    L->sub = UINT32_MAX;
    if ((r = vg_lsigs_end(&eng->lsigs)))
        return r;
    L->ctx->nsigs++;
    note_unmatchable(L, t[0], tp);
    return LDB_OK;
}

/* ClamAV sees a line as a C string: a NUL byte ends it. */
static struct vigil_str c_string(struct vigil_str s)
{
    const char *nul = memchr(s.p, '\0', s.len);
    return nul ? vigil_str_make(s.p, (size_t)(nul - s.p)) : s;
}

static int parse_line(struct ldb *L, struct vigil_str line,
                      struct vg_lx_prog *expr)
{
    struct vigil_str t[LDB_TOKENS];
    struct tdb_parse tp;
    size_t n;
    int r;
    if (line.len > LDB_MAX_LINE)
        return bad(L, "line longer than ClamAV's 32767 bytes");
    n = ldb_tokenize(line, ';', t, LDB_TOKENS, 2);
    if (n < 4)
        return bad(L, "expected NAME;TDB;EXPRESSION;SUBSIG[;SUBSIG...]");
    if (vg_ignore_match(&L->eng->ignore, t[0], line))
        return LDB_SKIP;
    if ((r = parse_expression(L, t, n, expr)))
        return r;
    if (n - 3 > 64)
        return bad(L, "more than 64 subsignatures");
    if ((r = parse_tdb(L, t[1], &tp)))
        return r;
    L->target = tp.t.target;
    return add_signature(L, t, n, &tp, expr);
}

int vg_parse_ldb_line(struct vg_load_ctx *ctx, struct vigil_str line)
{
    struct ldb L = {ctx, ctx->eng, 0, UINT32_MAX, NULL, {0}, false};
    struct vg_lx_prog expr = {0};
    int r = parse_line(&L, c_string(line), &expr);
    vg_lx_prog_free(&expr);
    if (r == LDB_BAD)
        return error_out(&L);
    return r == LDB_SKIP ? VIGIL_OK : r;
}
