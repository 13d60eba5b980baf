// SPDX-License-Identifier: GPL-2.0-or-later
// test_ldb.c: unit tests for .ldb logical signatures: loading (TDB keys,
// errors, skips), expressions and counts, modifiers, PCRE, byte compare,
// macros, and the evaluation environment (targets, exe headers, containers).
#include "test_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/bodysigs.h"
#include "db/load.h"
#include "engine.h"
#include "fmt/filetype.h"
#include "match/lexpr.h"
#include "match/lsig.h"
#include "match/lsig_private.h"
#include "vigil/vigil.h"

#define T0 "Engine:51-255,Target:0"

/*
 * The object most tests scan: "hello" twice and "HELLO" once. It starts
 * like an ELF file so that clamscan scans it in one pass, as vigil does
 * until file typing lands: every expectation here was checked with
 * clamscan 1.4.6 on this exact object.
 */
static const char sample[] = "\177ELF\0\0\0\0"
                             "xxABCDxx hello HELLO hello\nSIZE=200 ABAB";
#define SAMPLE_LEN (sizeof sample - 1)

/* ---- helpers ----------------------------------------------------------- */

static struct vigil_engine *new_engine(void)
{
    struct vigil_engine *eng = NULL;
    assert_int_equal(vigil_engine_new(&eng, NULL), VIGIL_OK);
    return eng;
}

static int load_text(struct vigil_engine *eng, const char *name,
                     const char *text, unsigned *n)
{
    unsigned dummy;
    return vg_load_mem(eng, name, text, strlen(text), n ? n : &dummy);
}

/* A compiled engine holding @p ldb (and @p ndb when not NULL). */
static struct vigil_engine *engine_of(const char *ldb, const char *ndb)
{
    struct vigil_engine *eng = new_engine();
    if (ndb && load_text(eng, "m.ndb", ndb, NULL) != VIGIL_OK)
        fail_msg("%s", vigil_engine_last_error(eng));
    if (load_text(eng, "t.ldb", ldb, NULL) != VIGIL_OK)
        fail_msg("%s", vigil_engine_last_error(eng));
    assert_int_equal(vigil_engine_compile(eng), VIGIL_OK);
    return eng;
}

/* Scan @p data (all matches); the names found, joined by spaces. */
static const char *scan_all(struct vigil_engine *eng, const void *data,
                            size_t len)
{
    static char out[1024];
    struct vigil_scan *scan = NULL;
    struct vigil_result res;
    size_t at = 0;
    assert_int_equal(vigil_scan_new(&scan, eng), VIGIL_OK);
    assert_int_equal(vigil_scan_mem(scan, data, len, VIGIL_SCAN_ALLMATCH, &res),
                     VIGIL_OK);
    out[0] = '\0';
    for (size_t i = 0; i < res.n_names; i++)
        at += (size_t)snprintf(out + at, sizeof out - at, "%s%s", i ? " " : "",
                               res.names[i]);
    vigil_scan_free(&scan);
    return out;
}

/* Load one .ldb text, scan the sample, return the names found. */
static const char *run(const char *ldb)
{
    static char keep[1024];
    struct vigil_engine *eng = engine_of(ldb, NULL);
    snprintf(keep, sizeof keep, "%s", scan_all(eng, sample, SAMPLE_LEN));
    vigil_engine_unref(&eng);
    return keep;
}

static void expect(const char *ldb, const char *names)
{
    const char *got = run(ldb);
    if (strcmp(got, names) != 0)
        fail_msg("%s\n  expected \"%s\", got \"%s\"", ldb, names, got);
}

/* Load @p text as t.ldb: the status, and the error must name @p where. */
static void expect_error(const char *text, const char *where,
                         const char *reason)
{
    struct vigil_engine *eng = new_engine();
    const char *err;
    assert_int_equal(load_text(eng, "t.ldb", text, NULL), VIGIL_E_DB);
    err = vigil_engine_last_error(eng);
    if (!strstr(err, where) || (reason && !strstr(err, reason)))
        fail_msg("error \"%s\" lacks \"%s\" / \"%s\"", err, where,
                 reason ? reason : "");
    assert_int_equal(eng->lsigs.n, 0);
    vigil_engine_unref(&eng);
}

/* Loads without error and adds @p want signatures. */
static void expect_loaded(const char *text, unsigned want)
{
    struct vigil_engine *eng = new_engine();
    unsigned n = 99;
    if (load_text(eng, "t.ldb", text, &n) != VIGIL_OK)
        fail_msg("%s: %s", text, vigil_engine_last_error(eng));
    if (n != want)
        fail_msg("%s: %u signatures, expected %u", text, n, want);
    vigil_engine_unref(&eng);
}

/* ---- scanning with an explicit environment ------------------------------ */

static int forward(void *cookie, uint32_t owner, uint64_t start, uint64_t end)
{
    if (owner & VG_OWNER_LDB)
        vg_lsig_on_match(cookie, owner & ~VG_OWNER_LDB, start, end);
    return 0;
}

struct found {
    const struct vigil_engine *eng;
    char names[512];
};

static int on_found(void *cookie, uint32_t name)
{
    struct found *f = cookie;
    size_t at = strlen(f->names);
    snprintf(f->names + at, sizeof f->names - at, "%s%s", at ? " " : "",
             vg_names_get(&f->eng->names, name));
    return 0;
}

/* Match and evaluate as the scan pipeline will for @p env. */
static const char *run_env(const char *ldb, const struct vg_lsig_env *env)
{
    static struct found f;
    struct vigil_engine *eng = engine_of(ldb, NULL);
    struct vg_match_scratch *ms = NULL;
    struct vg_lsig_scan *ls = NULL;
    uint32_t mask = 1u | (1u << env->target);
    assert_int_equal(vg_match_scratch_new(&eng->body, &ms), VIGIL_OK);
    assert_int_equal(vg_lsig_scan_new(&eng->lsigs, &ls), VIGIL_OK);
    vg_lsig_scan_reset(ls);
    assert_int_equal(
        vg_matcher_scan(&eng->body, ms, env->data, mask, env->exe, forward, ls),
        VIGIL_OK);
    memset(&f, 0, sizeof f);
    f.eng = eng;
    assert_int_equal(vg_lsig_evaluate(&eng->lsigs, ls, env, on_found, &f),
                     VIGIL_OK);
    vg_lsig_scan_free(&ls);
    vg_match_scratch_free(&ms);
    vigil_engine_unref(&eng);
    return f.names;
}

static struct vg_lsig_env env_for(unsigned target)
{
    struct vg_lsig_env env;
    memset(&env, 0, sizeof env);
    env.data = vigil_span_make(sample, SAMPLE_LEN);
    env.target = target;
    return env;
}

/* ---- expressions -----------------------------------------------------------
 */

static bool eval_text(const char *text, const uint32_t *counts)
{
    struct vg_lx_prog p;
    const char *why = NULL;
    bool r;
    if (vg_lexpr_compile(vigil_str_cstr(text), &p, &why) != VIGIL_OK)
        fail_msg("%s: %s", text, why);
    r = vg_lexpr_eval(p.code, p.n, counts);
    vg_lx_prog_free(&p);
    return r;
}

/* ClamAV splits a top-level expression at its first operator and a
 * block at its last one: "0&1|2" is 0&(1|2), "(0&1|2)" is (0&1)|2. */
static void expr_split_rules(void **state)
{
    uint32_t only2[3] = {0, 0, 1};
    (void)state;
    assert_false(eval_text("0&1|2", only2));
    assert_true(eval_text("(0&1|2)", only2));
    assert_true(eval_text("0|1&2", (uint32_t[]){1, 0, 0}));
    assert_false(eval_text("(0|1&2)", (uint32_t[]){1, 0, 0}));
}

static void expr_operators_and_counts(void **state)
{
    uint32_t c[4] = {3, 0, 1, 2};
    (void)state;
    assert_true(eval_text("0", c));
    assert_false(eval_text("1", c));
    assert_true(eval_text("0=3", c));
    assert_false(eval_text("0=2", c));
    assert_true(eval_text("0>2", c));
    assert_false(eval_text("0>3", c));
    assert_true(eval_text("0<4", c));
    assert_true(eval_text("1=0", c));
    assert_true(eval_text("0>2,9", c));     /* ",Y" on a leaf is ignored */
    assert_true(eval_text("(0|1|2)>3", c)); /* 3 + 1 */
    assert_false(eval_text("(0|1|2)>4", c));
    assert_true(eval_text("(0|1|2)>3,2", c)); /* two distinct */
    assert_false(eval_text("(0|1|2)>3,3", c));
    assert_true(eval_text("(0&1)=0", c)); /* a false block counts 0 */
    assert_true(eval_text("((0|1|2)>5,2)&(3|1)", (uint32_t[]){4, 0, 2, 1}));
    assert_true(eval_text("(1|2)<1", (uint32_t[]){0, 0, 0}));
}

static void expr_zero_and_sensitivity(void **state)
{
    struct vg_lx_prog p;
    const char *why;
    (void)state;
    assert_int_equal(vg_lexpr_compile(vigil_str_cstr("0=0&(1|2<3)"), &p, &why),
                     VIGIL_OK);
    assert_true(p.zero_true);
    assert_int_equal(p.max_id, 2);
    assert_int_equal(p.sensitive, 1u << 2); /* "2<3" needs the count */
    vg_lx_prog_free(&p);
    assert_int_equal(vg_lexpr_compile(vigil_str_cstr("(0|1)>1&2"), &p, &why),
                     VIGIL_OK);
    assert_false(p.zero_true);
    assert_int_equal(p.sensitive, 3u);
    vg_lx_prog_free(&p);
}

/* Which subsignatures must have matched for an expression to hold. */
static uint64_t required(const char *text)
{
    struct vg_lx_prog p;
    const char *why = NULL;
    uint64_t r;
    if (vg_lexpr_compile(vigil_str_cstr(text), &p, &why) != VIGIL_OK)
        fail_msg("%s: %s", text, why);
    r = vg_lexpr_required(p.code, p.n);
    vg_lx_prog_free(&p);
    return r;
}

static void expr_required(void **state)
{
    (void)state;
    assert_int_equal(required("0&1"), 3u);
    assert_int_equal(required("0|1"), 0u);
    assert_int_equal(required("0&(1|2)"), 1u);
    assert_int_equal(required("(0&1)|(0&2)"), 1u);
    assert_int_equal(required("0>5&1=2"), 3u);
    assert_int_equal(required("0&1=0"), 1u);  /* "=0" needs nothing */
    assert_int_equal(required("0&1<3"), 1u);
    assert_int_equal(required("(0&1)>1"), 3u); /* a block that must hold */
    assert_int_equal(required("(0&1)=0"), 0u); /* holds when it does not */
    assert_int_equal(required("(0|1)>2,2"), 0u);
}

static void expr_malformed(void **state)
{
    static const char *const bad[] = {
        "",   "0&", "&0",   "(0", "0)",  "()",     "(0)>1",
        "0>", "a",  "0&&1", "64", "0=x", "(0|1)>", "(0|1)>x",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct vg_lx_prog p;
        const char *why = NULL;
        if (vg_lexpr_compile(vigil_str_cstr(bad[i]), &p, &why) != VIGIL_E_DB)
            fail_msg("\"%s\" should be malformed", bad[i]);
        assert_non_null(why);
    }
}

/* Deep right-leaning chains evaluate on a shallow stack. */
static void expr_long_chain(void **state)
{
    char text[8192];
    uint32_t c[1] = {1};
    size_t at = 0;
    (void)state;
    for (int i = 0; i < 2000; i++)
        at += (size_t)snprintf(text + at, sizeof text - at, "0&");
    snprintf(text + at, sizeof text - at, "0");
    assert_true(eval_text(text, c));
}

/* ---- loading ----------------------------------------------------------------
 */

static void malformed_lines_name_file_and_line(void **state)
{
    static const char *const bad[] = {
        "A;" T0 ";0",                          /* no subsignature */
        "A;" T0 ";0&1;41424344",               /* count mismatch */
        "A;" T0 ";0;41424344;45464748",        /* count mismatch */
        "A;" T0 ";(0)>1;41424344",             /* ClamAV's syntax error */
        ";" T0 ";0;41424344",                  /* empty name */
        "A;Target:0,Engine:51-255;0;41424344", /* Engine not first */
        "A;Engine:51-255;0;41424344",          /* no Target */
        "A;Engine:51-255,Target:x;0;41424344",
        "A;Engine:51,Target:0;0;41424344",      /* range without '-' */
        "A;Target:0,FileSize:1-2;0;41424344",   /* new key without Engine */
        "A;" T0 ",IconGroup1:x;0;41424344",     /* icons need Target:1 */
        "A;" T0 ",EntryPoint:1-2;0;41424344",   /* EP needs 1, 6 or 9 */
        "A;" T0 ",Foo;0;41424344",              /* attribute without ':' */
        "A;" T0 ";0;41424344::q",               /* unknown modifier */
        "A;" T0 ";0;EP+0:41424344",             /* EP offset, target 0 */
        "A;" T0 ";0;zz",                        /* bad hex */
        "A;" T0 ";0&1;41424344;0/[/",           /* bad regex */
        "A;" T0 ";0&1;41424344;1/abc/",         /* self trigger */
        "A;" T0 ";0&1;41424344;0/abc/q",        /* bad PCRE flag */
        "A;" T0 ";0&1;41424344;/abc/",          /* no trigger */
        "A;" T0 ";0&1;41424344;${1-2}32$",      /* macro group 32 */
        "A;" T0 ";0&1;41424344;0(>>1#zz2#=1)",  /* bad bcomp option */
        "A;" T0 ";0&1;41424344;fuzzy_img#00#0", /* bad fuzzy hash */
        "A;" T0 ";0&1;41424344;fuzzy_img#0011223344556677#3",
    };
    char text[512];
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(text, sizeof text, "# comment\nG;" T0 ";0;41424344\n%s\n",
                 bad[i]);
        expect_error(text, "t.ldb:3:", NULL);
    }
    expect_error("A;" T0 ";0&1;41424344;0/[/\n", "t.ldb:1:", "subsignature 1");
}

/* Out-of-range FLEVELs, targets and unknown keys or types are skipped
 * silently, even with broken subsignatures after them (ClamAV reads the
 * subsignatures last). */
static void skipped_silently(void **state)
{
    (void)state;
    expect_loaded("A;Engine:217-255,Target:0;0;zz\n", 0);
    expect_loaded("A;Engine:1-215,Target:0;0;41424344\n", 0);
    expect_loaded("A;Engine:51-,Target:0;0;41424344\n", 0);
    /* ClamAV's atoi() keeps 32 bits: 2^32 + 15 is target 15. */
    expect_loaded("A;Engine:51-255,Target:4294967311;0;41424344\n", 0);
    expect_loaded("A;Engine:51-255,Target:4294967296;0;41424344\n", 1);
    expect_loaded("A;Engine:51-255,Target:15;0;41424344\n", 0);
    expect_loaded("A;" T0 ",Future:1;0;zz\n", 0);
    expect_loaded("A;" T0 ",Container:CL_TYPE_NEW;0;41424344\n", 0);
    expect_loaded("A;" T0 ",Future:1,Broken;0;41424344\n", 0);
    expect_loaded("A;Engine:216-216,Target:0;0;41424344\n", 1);
    expect_loaded("A;Target:0;0;41424344\n", 1);
}

/* The expression is checked before the FLEVEL, as in ClamAV. */
static void expression_checked_before_flevel(void **state)
{
    (void)state;
    expect_error("A;Engine:300-400,Target:0;0&&1;41424344;45464748\n",
                 "t.ldb:1:", NULL);
    expect_error("A;Engine:300-400,Target:0;0&1;41424344\n",
                 "t.ldb:1:", "subsignatures");
}

static void subsignature_limit_64(void **state)
{
    char line[4096];
    size_t at;
    (void)state;
    for (int nsubs = 64; nsubs <= 65; nsubs++) {
        at = (size_t)snprintf(line, sizeof line, "A;" T0 ";0");
        for (int i = 1; i < nsubs; i++)
            at += (size_t)snprintf(line + at, sizeof line - at, "|%d", i);
        for (int i = 0; i < nsubs; i++)
            at += (size_t)snprintf(line + at, sizeof line - at, ";4142%04x", i);
        snprintf(line + at, sizeof line - at, "\n");
        if (nsubs == 64)
            expect_loaded(line, 1);
        else
            expect_error(line, "t.ldb:1:", NULL);
    }
}

static void names_unofficial_and_ign2(void **state)
{
    struct vigil_engine *eng = new_engine();
    unsigned n;
    (void)state;
    assert_int_equal(load_text(eng, "x.ign2", "Dropped\n", NULL), VIGIL_OK);
    assert_int_equal(load_text(eng, "t.ldb",
                               "Dropped;" T0 ";0;68656c6c6f\n"
                               "Kept;" T0 ";0;68656c6c6f\n",
                               &n),
                     VIGIL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(vigil_engine_compile(eng), VIGIL_OK);
    assert_string_equal(scan_all(eng, sample, SAMPLE_LEN), "Kept.UNOFFICIAL");
    vigil_engine_unref(&eng);
}

/* A failed load leaves nothing behind (PCREs included: ASan checks). */
static void failed_load_rolls_back(void **state)
{
    struct vigil_engine *eng = new_engine();
    (void)state;
    assert_int_equal(load_text(eng, "a.ldb", "A;" T0 ";0;68656c6c6f\n", NULL),
                     VIGIL_OK);
    assert_int_equal(load_text(eng, "b.ldb",
                               "B;" T0 ";0&1;41424344;0/hel+o/g\n"
                               "C;" T0 ";0;zz\n",
                               NULL),
                     VIGIL_E_DB);
    assert_int_equal(eng->lsigs.n, 1);
    assert_int_equal(eng->lsigs.nsubs, 1);
    assert_int_equal(vigil_engine_compile(eng), VIGIL_OK);
    assert_string_equal(scan_all(eng, sample, SAMPLE_LEN), "A.UNOFFICIAL");
    vigil_engine_unref(&eng);
}

/* ---- matching ------------------------------------------------------------ */

/* A count is the number of match starts, overlapping ones included. */
static void counts_single_segment(void **state)
{
    (void)state;
    expect("A;" T0 ";0=2;68656c6c6f\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0=1;68656c6c6f\n", "");
    expect("A;" T0 ";0=3;68656c6c6f::i\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0=3;4142\n", "A.UNOFFICIAL"); /* ABCD, ABAB twice */
    expect("A;" T0 ";0=2;41424142::i\n", "");      /* ABAB once */
}

/* Partial signatures count once per position of their last part. */
static void counts_partial(void **state)
{
    (void)state;
    expect("A;" T0 ";0=2;6865*6c6f\n", "A.UNOFFICIAL"); /* 2 "lo" ends */
    expect("A;" T0 ";0=3;6865*6c6f::i\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0=1;4142{0-2}4344\n", "A.UNOFFICIAL");
}

/* The mode the engine chose for subsignature @p sub of signature @p sig. */
static int mode_of(const struct vigil_engine *eng, uint32_t sig, unsigned sub)
{
    return eng->lsigs.subs[eng->lsigs.sigs[sig].first_sub + sub].mode;
}

/* Too-common subsignatures ("AB", "lo": atoms of 2 bytes) are not searched
 * when a needed rare one is; they are counted only when it has matched,
 * with the same counts as a search would give. */
static void lazy_subsignatures(void **state)
{
    struct vigil_engine *eng;
    (void)state;
    expect("A;" T0 ";0&1=3;41424344;4142\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0&1=2;41424344;4142\n", "");
    expect("A;" T0 ";0&1;5a5a5a5a;4142\n", "");
    expect("A;" T0 ";0|1;5a5a5a5a;4142\n", "A.UNOFFICIAL");
    expect("A;" T0 ";1=3;4142;4142\n", "A.UNOFFICIAL");
    expect("A;" T0 ";2;41424344;6c6f;0&1/hel+o/\n", "A.UNOFFICIAL");
    expect("A;" T0 ";2;5a5a5a5a;6c6f;0&1/hel+o/\n", "");
    expect("A;" T0 ";0&1=2;68656c6c6f;6865*6c6f\n", "A.UNOFFICIAL");
    eng = engine_of("A;" T0 ";0&1=3;41424344;4142\n"
                    "B;" T0 ";0|1;5a5a5a5a;4142\n"
                    "C;" T0 ";1=3;4142;4142\n"
                    "D;" T0 ";2;41424344;6c6f;0&1/hel+o/\n",
                    NULL);
    assert_int_equal(mode_of(eng, 0, 1), VG_LMODE_LAZY);
    assert_int_not_equal(mode_of(eng, 0, 0), VG_LMODE_LAZY);
    /* "0|1": nothing is needed, so a lone "AB" must still be searched */
    assert_int_not_equal(mode_of(eng, 1, 1), VG_LMODE_LAZY);
    /* both weak: the needed one stays searched as the anchor */
    assert_int_equal(mode_of(eng, 2, 0), VG_LMODE_LAZY);
    assert_int_not_equal(mode_of(eng, 2, 1), VG_LMODE_LAZY);
    /* needed through the PCRE's trigger */
    assert_int_equal(mode_of(eng, 3, 1), VG_LMODE_LAZY);
    vigil_engine_unref(&eng);
}

static void always_true_expressions(void **state)
{
    (void)state;
    expect("A;" T0 ";0=0;5a5a5a5a\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0<1;5a5a5a5a\n", "A.UNOFFICIAL");
    expect("A;" T0 ";(0&1)=0;5a5a5a5a;68656c6c6f\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0=0&1;5a5a5a5a;68656c6c6f\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0=0&1;5a5a5a5a;59595959\n", "");
}

static void modifiers(void **state)
{
    static const char wide[] = "\177ELF\0\0\0\0..h\0e\0l\0l\0o\0..";
    struct vigil_engine *eng;
    (void)state;
    expect("A;" T0 ";0;48454c4c4f\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0=3;48454c4c4f::i\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0;68656c6c::f\n", ""); /* "hell" is no word */
    expect("A;" T0 ";0=2;68656c6c6f::f\n", "A.UNOFFICIAL");
    eng = engine_of("W;" T0 ";0;68656c6c6f::w\n"
                    "A;" T0 ";0;68656c6c6f::a\n"
                    "B;" T0 ";0;68656c6c6f::wa\n",
                    NULL);
    assert_string_equal(scan_all(eng, wide, sizeof wide - 1),
                        "W.UNOFFICIAL B.UNOFFICIAL");
    assert_string_equal(scan_all(eng, sample, SAMPLE_LEN),
                        "A.UNOFFICIAL B.UNOFFICIAL");
    vigil_engine_unref(&eng);
}

static void pcre_triggers_and_flags(void **state)
{
    (void)state;
    expect("A;" T0 ";0&1;41424344;0/hel+o/\n", "A.UNOFFICIAL");
    expect("A;" T0 ";1;41424344;0/HELLO/\n", "A.UNOFFICIAL");
    expect("A;" T0 ";1;5a5a5a5a;0/hello/\n", ""); /* trigger false */
    expect("A;" T0 ";1=1;41424344;0/hello/\n", "A.UNOFFICIAL");
    expect("A;" T0 ";1=2;41424344;0/hello/g\n", "A.UNOFFICIAL");
    expect("A;" T0 ";1=3;41424344;0/hello/gi\n", "A.UNOFFICIAL");
    expect("A;" T0 ";1;41424344;17:0/hello/\n", "A.UNOFFICIAL");
    expect("A;" T0 ";1;41424344;16:0/hello/\n", ""); /* anchored at 16 */
    expect("A;" T0 ";1;41424344;16:0/hello/r\n", "A.UNOFFICIAL");
    expect("A;" T0 ";1;41424344;16,1:0/hello/\n", "A.UNOFFICIAL");
    expect("A;" T0 ";1;41424344;15,1:0/hello/\n", "");
    expect("A;" T0 ";1;41424344;16,6:0/hello/e\n", "A.UNOFFICIAL");
    expect("A;" T0 ";1;41424344;16,5:0/hello/e\n", "");
    expect("A;" T0 ";1;41424344;0/^SIZE/m\n", "A.UNOFFICIAL");
    expect("A;" T0 ";1;41424344;0/^SIZE/\n", "");
    expect("A;" T0 ";1;41424344;0/o.SIZE/s\n", "A.UNOFFICIAL");
    expect("A;" T0 ";1;41424344;0/o.SIZE/\n", "");
    expect("A;" T0 ";1;5a5a5a5a;7374756c747a676574737265676578/hello/\n",
           "A.UNOFFICIAL");
    expect("A;" T0 ";2=1;41424344;0/hello/g;1=2/ABAB/\n", "A.UNOFFICIAL");
    /* An empty match does not loop (ClamAV loops to its time limit). */
    expect("A;" T0 ";1;41424344;0/(?=l)/g\n", "A.UNOFFICIAL");
}

static void byte_compare(void **state)
{
    (void)state;
    expect("A;" T0 ";0&1;53495a453d;0(>>5#de3#>100)\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0&1;53495a453d;0(>>5#de3#<100)\n", "");
    expect("A;" T0 ";0&1;53495a453d;0(>>5#db3#>100,<201)\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0&1;53495a453d;0(>>5#db3#>100,<200)\n", "");
    expect("A;" T0 ";0&1;53495a453d;0(>>4#de4#=200)\n", ""); /* "=200" */
    expect("A;" T0 ";0&1;53495a453d;0(>>5#ib1#=0x32)\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0&1;53495a453d;0(>>5#ib2#=0x3230)\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0&1;53495a453d;0(>>5#il2#=0x3032)\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0&1;53495a453d;0(<<1#ib1#=0x3d)\n", ""); /* at "E" */
    expect("A;" T0 ";0&1;53495a453d;0(>>5#hb3#=0x200)\n", "A.UNOFFICIAL");
    expect("A;" T0 ";0&1;53495a453d;0(>>5#hl2#=0x02)\n", "");
    expect("A;" T0 ";0&1;5a5a5a5a;0(>>5#ib1#=0x32)\n", "");
}

/* ClamAV runs byte compares only in a target holding a partial pattern
 * (target 0 always has its file-type ones); checked with clamscan on a
 * PE and Target:1 signatures. */
static void byte_compare_needs_partial_root(void **state)
{
    struct vg_lsig_env env = env_for(1);
    const char *bc = "Q;Engine:51-255,Target:1;0&1;53495a453d;"
                     "0(>>5#de3#>100)\n";
    char ldb[256];
    (void)state;
    assert_string_equal(run_env(bc, &env), "");
    snprintf(ldb, sizeof ldb, "%sX;Engine:51-255,Target:1;0;5a5a*5a5a\n", bc);
    assert_string_equal(run_env(ldb, &env), "Q.UNOFFICIAL");
    snprintf(ldb, sizeof ldb, "%sX;Engine:51-255,Target:6;0;5a5a*5a5a\n", bc);
    assert_string_equal(run_env(ldb, &env), "");
}

static void macros(void **state)
{
    static const char hit[] = "ABCDZZZZ ABCD", miss[] = "ABCDxxxZZZZ ABCD";
    const char *ldb = "M;" T0 ";0&1;41424344;${4-6}3$\n";
    struct vigil_engine *eng = engine_of(ldb, "G:0:$3$:5a5a5a5a\n");
    (void)state;
    /* ClamAV checks a macro when its subsignature matches again. */
    assert_string_equal(scan_all(eng, hit, sizeof hit - 1), "M.UNOFFICIAL");
    assert_string_equal(scan_all(eng, miss, sizeof miss - 1), "");
    assert_string_equal(scan_all(eng, hit, 8), ""); /* one ABCD */
    /* Macro-group members never alert on their own. */
    assert_string_equal(scan_all(eng, "ZZZZ", 4), "");
    vigil_engine_unref(&eng);
}

static void fuzzy_img_never_matches(void **state)
{
    (void)state;
    expect("A;" T0 ";0|1;41424344;fuzzy_img#af2ad01ed42993c7#0\n",
           "A.UNOFFICIAL");
    expect("A;" T0 ";0&1;41424344;fuzzy_img#af2ad01ed42993c7\n", "");
}

/* ---- target description block ------------------------------------------ */

static void tdb_file_size(void **state)
{
    char ldb[256];
    size_t len = SAMPLE_LEN;
    (void)state;
    snprintf(ldb, sizeof ldb, "A;" T0 ",FileSize:%zu-%zu;0;41424344\n", len,
             len);
    expect(ldb, "A.UNOFFICIAL");
    snprintf(ldb, sizeof ldb, "A;" T0 ",FileSize:0-%zu;0;41424344\n", len - 1);
    expect(ldb, "");
}

static void tdb_entry_point_and_sections(void **state)
{
    struct vg_exe_info exe;
    struct vg_lsig_env env = env_for(6);
    (void)state;
    memset(&exe, 0, sizeof exe);
    exe.kind = VG_EXE_ELF;
    exe.has_ep = true;
    exe.ep = 100;
    exe.nsections = 3;
    env.exe = &exe;
    assert_string_equal(
        run_env("A;Engine:51-255,Target:6,EntryPoint:50-150;0;41424344\n"
                "B;Engine:51-255,Target:6,EntryPoint:101-150;0;41424344\n"
                "C;Engine:51-255,Target:6,NumberOfSections:3-3;0;41424344\n"
                "D;Engine:51-255,Target:6,NumberOfSections:4-9;0;41424344\n",
                &env),
        "A.UNOFFICIAL C.UNOFFICIAL");
    env.exe = NULL; /* headers that did not parse: no match */
    assert_string_equal(
        run_env("A;Engine:51-255,Target:6,EntryPoint:0-150;0;41424344\n", &env),
        "");
}

/* Target-specific signatures come first, then target 0, each in load
 * order; other targets are not evaluated. */
static void targets_and_order(void **state)
{
    struct vg_lsig_env env = env_for(1);
    const char *ldb = "Z;" T0 ";0;68656c6c6f\n"
                      "P;Engine:51-255,Target:1;0;41424344\n"
                      "Y;" T0 ";0;41424344\n"
                      "E;Engine:51-255,Target:6;0;41424344\n"
                      "Q;Engine:51-255,Target:1;0=0;5a5a5a5a\n";
    (void)state;
    assert_string_equal(run_env(ldb, &env),
                        "P.UNOFFICIAL Q.UNOFFICIAL Z.UNOFFICIAL Y.UNOFFICIAL");
    env = env_for(0);
    assert_string_equal(run_env(ldb, &env), "Z.UNOFFICIAL Y.UNOFFICIAL");
}

static void tdb_container_and_intermediates(void **state)
{
    const int chain[] = {VG_FT_ZIP, VG_FT_GZ};
    struct vg_lsig_env env = env_for(0);
    const char *ldb =
        "A;" T0 ",Container:CL_TYPE_ANY;0;41424344\n"
        "G;" T0 ",Container:CL_TYPE_GZ;0;41424344\n"
        "Z;" T0 ",Container:CL_TYPE_ZIP;0;41424344\n"
        "I;" T0 ",Intermediates:CL_TYPE_ZIP>CL_TYPE_GZ;0;41424344\n"
        "J;" T0 ",Intermediates:CL_TYPE_GZ>CL_TYPE_ZIP;0;41424344\n"
        "K;" T0 ",Intermediates:CL_TYPE_ANY>CL_TYPE_ZIP;0;41424344\n"
        "L;" T0 ",Intermediates:CL_TYPE_GZ;0;41424344\n";
    (void)state;
    assert_string_equal(run_env(ldb, &env), "A.UNOFFICIAL");
    env.containers = chain;
    env.ncontainers = 2;
    /* An ANY entry matches without using up a level (ClamAV). */
    assert_string_equal(run_env(ldb, &env),
                        "G.UNOFFICIAL I.UNOFFICIAL L.UNOFFICIAL");
}

static void tdb_icon_and_handler(void **state)
{
    struct vg_lsig_env env = env_for(1);
    (void)state;
    /* No icon matching: never alerts, as ClamAV without an icon db. */
    assert_string_equal(
        run_env("A;Engine:51-255,Target:1,IconGroup1:x;0;41424344\n", &env),
        "");
    expect("H;" T0 ",HandlerType:CL_TYPE_ZIP;0;41424344\n", "H.UNOFFICIAL");
}

static void keep_warning(void *cookie, enum vigil_log_level level,
                         const char *msg)
{
    if (level == VIGIL_LOG_WARN)
        snprintf(cookie, 512, "%s", msg);
}

/* Signatures that load but can never alert are counted in one warning. */
static void unmatchable_signatures_warned(void **state)
{
    char warned[512] = "";
    struct vigil_settings set = {keep_warning, warned, VIGIL_LOG_WARN, false};
    struct vigil_engine *eng = NULL;
    (void)state;
    assert_int_equal(vigil_engine_new(&eng, &set), VIGIL_OK);
    assert_int_equal(
        load_text(eng, "t.ldb",
                  "A;" T0 ";0;41424344\n"
                  "B;Engine:51-255,Target:1,IconGroup1:x;0;41424344\n"
                  "C;" T0 ";0&1;41424344;fuzzy_img#af2ad01ed42993c7\n",
                  NULL),
        VIGIL_OK);
    assert_non_null(strstr(warned, "t.ldb: 2 signatures use IconGroup"));
    assert_non_null(strstr(warned, "first at line 2"));
    vigil_engine_unref(&eng);
    warned[0] = '\0';
    assert_int_equal(vigil_engine_new(&eng, &set), VIGIL_OK);
    assert_int_equal(load_text(eng, "t.ldb", "A;" T0 ";0;41424344\n", NULL),
                     VIGIL_OK);
    assert_string_equal(warned, "");
    vigil_engine_unref(&eng);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(expr_split_rules),
        cmocka_unit_test(expr_operators_and_counts),
        cmocka_unit_test(expr_zero_and_sensitivity),
        cmocka_unit_test(expr_required),
        cmocka_unit_test(expr_malformed),
        cmocka_unit_test(expr_long_chain),
        cmocka_unit_test(malformed_lines_name_file_and_line),
        cmocka_unit_test(skipped_silently),
        cmocka_unit_test(expression_checked_before_flevel),
        cmocka_unit_test(subsignature_limit_64),
        cmocka_unit_test(names_unofficial_and_ign2),
        cmocka_unit_test(failed_load_rolls_back),
        cmocka_unit_test(counts_single_segment),
        cmocka_unit_test(counts_partial),
        cmocka_unit_test(lazy_subsignatures),
        cmocka_unit_test(always_true_expressions),
        cmocka_unit_test(modifiers),
        cmocka_unit_test(pcre_triggers_and_flags),
        cmocka_unit_test(byte_compare),
        cmocka_unit_test(byte_compare_needs_partial_root),
        cmocka_unit_test(macros),
        cmocka_unit_test(fuzzy_img_never_matches),
        cmocka_unit_test(tdb_file_size),
        cmocka_unit_test(tdb_entry_point_and_sections),
        cmocka_unit_test(targets_and_order),
        cmocka_unit_test(tdb_container_and_intermediates),
        cmocka_unit_test(tdb_icon_and_handler),
        cmocka_unit_test(unmatchable_signatures_warned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
