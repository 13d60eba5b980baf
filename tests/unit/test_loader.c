// SPDX-License-Identifier: GPL-2.0-or-later
// test_loader.c: unit tests for database loading (db/load.h, parse_hash.c).
#include "test_main.h"

#include "db/load.h"
#include "db/names.h"
#include "engine.h"
#include "test_sigs.h"
#include "vigil/vigil.h"

/* A second content, besides EICAR, with its own signatures. */
static const char other[] = "vigil loader test content, not EICAR";
#define OTHER_LEN (sizeof other - 1)

/* A syntactically valid MD5 / SHA256 that is not derived from anything. */
#define HEX32 "0123456789abcdef0123456789abcdef"
#define HEX64 HEX32 HEX32

static struct vigil_engine *engine_with(bool pua)
{
    struct vigil_settings set = {0};
    struct vigil_engine *eng = NULL;

    set.load_pua = pua;
    assert_int_equal(vigil_engine_new(&eng, &set), VIGIL_OK);
    assert_non_null(eng);
    return eng;
}

static struct vigil_engine *engine(void)
{
    return engine_with(false);
}

/* Load @p text as the file @p name from an exact-size heap copy. */
static int load(struct vigil_engine *eng, const char *name, const char *text,
                unsigned *nsigs)
{
    char *buf = dup_exact(text, strlen(text));
    unsigned n = 0xdead;
    int ret = vg_load_mem(eng, name, buf, strlen(text), &n);

    free(buf);
    if (ret != VIGIL_OK)
        assert_int_equal(n, 0xdead); /* not written on failure */
    if (nsigs)
        *nsigs = n;
    return ret;
}

/* Entries of one set, over every type and size kind. */
static uint32_t entries(const struct vigil_engine *eng, enum vg_hash_set set)
{
    uint32_t n = 0;

    for (int t = 0; t < VG_HASH_NTYPES; t++)
        for (int a = 0; a < 2; a++)
            n += eng->hashes.tab[set][t][a].n;
    return n;
}

/* "HASH:SIZE:NAME" + @p tail for @p data, with the hash @p md. */
static void sig_line(char *out, size_t cap, const EVP_MD *md,
                     const void *data, size_t len, const char *size,
                     const char *name, const char *tail)
{
    char hex[129];

    digest_hex(md, data, len, hex);
    snprintf(out, cap, "%s:%s:%s%s", hex, size, name, tail);
}

static void eicar_line(char *out, size_t cap, const char *name,
                       const char *tail)
{
    sig_line(out, cap, EVP_md5(), eicar(), EICAR_LEN, "68", name, tail);
}

static void other_line(char *out, size_t cap, const char *name,
                       const char *tail)
{
    char size[16];

    snprintf(size, sizeof size, "%zu", OTHER_LEN);
    sig_line(out, cap, EVP_sha256(), other, OTHER_LEN, size, name, tail);
}

/* Compile, scan @p data with allmatch; @return the detection count and
 * the first name in @p name (NULL when clean). */
static size_t scan_all(struct vigil_engine *eng, const void *data,
                       size_t len, const char **name)
{
    struct vigil_scan *scan = NULL;
    struct vigil_result res;

    if (!eng->compiled)
        assert_int_equal(vigil_engine_compile(eng), VIGIL_OK);
    assert_int_equal(vigil_scan_new(&scan, eng), VIGIL_OK);
    assert_int_equal(
        vigil_scan_mem(scan, data, len, VIGIL_SCAN_ALLMATCH, &res),
        VIGIL_OK);
    assert_int_equal(res.verdict == VIGIL_FOUND, res.n_names > 0);
    if (name)
        *name = res.sig_name;
    vigil_scan_free(&scan);
    return res.n_names;
}

static size_t scan_eicar(struct vigil_engine *eng)
{
    return scan_all(eng, eicar(), EICAR_LEN, NULL);
}

static size_t scan_other(struct vigil_engine *eng)
{
    return scan_all(eng, other, OTHER_LEN, NULL);
}

static void assert_error_has(const struct vigil_engine *eng, const char *s)
{
    const char *e = vigil_engine_last_error(eng);

    if (!strstr(e, s))
        fail_msg("last error \"%s\" lacks \"%s\"", e, s);
}

static void hdb_valid_lines(void **state)
{
    struct vigil_engine *eng = engine();
    char text[2048], l[6][300];
    unsigned n;
    (void)state;

    eicar_line(l[0], sizeof l[0], "E.Md5", "");
    sig_line(l[1], sizeof l[1], EVP_sha1(), eicar(), EICAR_LEN, "68",
             "E.Sha1", ":0");
    sig_line(l[2], sizeof l[2], EVP_sha256(), eicar(), EICAR_LEN, "68",
             "E.Sha256", ":73:216");
    eicar_line(l[3], sizeof l[3], "E.Empty.Minfl", ":");
    eicar_line(l[4], sizeof l[4], "E.At.216", ":216:216");
    sig_line(l[5], sizeof l[5], EVP_md5(), eicar(), EICAR_LEN, "68",
             "E.Upper", "");
    for (char *p = l[5]; *p != ':'; p++) /* hex in capitals */
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    snprintf(text, sizeof text, "%s\n%s\n%s\n%s\n%s\n%s\n", l[0], l[1], l[2],
             l[3], l[4], l[5]);
    assert_int_equal(load(eng, "x.hdb", text, &n), VIGIL_OK);
    assert_int_equal(n, 6);
    assert_int_equal(eng->hashes.tab[0][VG_HASH_MD5][0].n, 4);
    assert_int_equal(eng->hashes.tab[0][VG_HASH_SHA1][0].n, 1);
    assert_int_equal(eng->hashes.tab[0][VG_HASH_SHA256][0].n, 1);
    assert_int_equal(entries(eng, VG_HSET_ALLOW), 0);
    /* One detection per table: the 4 MD5 lines share (hash, size). */
    assert_int_equal(scan_eicar(eng), 3);
    assert_int_equal(scan_other(eng), 0);
    vigil_engine_unref(&eng);
}

static void hsb_valid_lines(void **state)
{
    struct vigil_engine *eng = engine();
    char line[300];
    unsigned n;
    (void)state;

    other_line(line, sizeof line, "Other.Sha256", "\n");
    assert_int_equal(load(eng, "x.hsb", line, &n), VIGIL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(eng->hashes.tab[0][VG_HASH_SHA256][0].n, 1);
    assert_int_equal(scan_other(eng), 1);
    vigil_engine_unref(&eng);
}

static void fp_and_sfp_go_to_allow_list(void **state)
{
    struct vigil_engine *eng = engine();
    char line[300];
    unsigned n;
    (void)state;

    eicar_line(line, sizeof line, "Fp.Md5", "\n");
    assert_int_equal(load(eng, "x.fp", line, &n), VIGIL_OK);
    assert_int_equal(n, 1);
    other_line(line, sizeof line, "Fp.Sha256", "\n");
    assert_int_equal(load(eng, "x.sfp", line, &n), VIGIL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(entries(eng, VG_HSET_ALLOW), 2);
    assert_int_equal(entries(eng, VG_HSET_DETECT), 0);
    assert_int_equal(eng->hashes.tab[VG_HSET_ALLOW][VG_HASH_MD5][0].n, 1);
    assert_int_equal(eng->hashes.tab[VG_HSET_ALLOW][VG_HASH_SHA256][0].n, 1);
    assert_int_equal(scan_eicar(eng), 0);
    vigil_engine_unref(&eng);
}

static void ign2_drops_by_name(void **state)
{
    struct vigil_engine *eng = engine();
    char text[700], a[300], b[300];
    unsigned n;
    (void)state;

    assert_int_equal(load(eng, "x.ign2", "# ignore\nE.Drop\n", &n), VIGIL_OK);
    assert_int_equal(n, 0);
    eicar_line(a, sizeof a, "E.Drop", "");
    other_line(b, sizeof b, "O.Keep", "");
    snprintf(text, sizeof text, "%s\n%s\n", a, b);
    assert_int_equal(load(eng, "x.hdb", text, &n), VIGIL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(entries(eng, VG_HSET_DETECT), 1);
    assert_int_equal(scan_eicar(eng), 0);
    assert_int_equal(scan_other(eng), 1);
    vigil_engine_unref(&eng);
}

/* NAME:MD5 drops only the line whose MD5 is given. */
static void ign2_drops_by_line_md5(void **state)
{
    struct vigil_engine *eng = engine();
    char text[700], a[300], b[300], md5[129];
    unsigned n;
    (void)state;

    eicar_line(a, sizeof a, "Dup", "");
    other_line(b, sizeof b, "Dup", "");
    digest_hex(EVP_md5(), b, strlen(b), md5);
    snprintf(text, sizeof text, "Dup:%s\n", md5);
    assert_int_equal(load(eng, "x.ign2", text, &n), VIGIL_OK);
    snprintf(text, sizeof text, "%s\n%s\n", a, b);
    assert_int_equal(load(eng, "x.hdb", text, &n), VIGIL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(scan_eicar(eng), 1);
    assert_int_equal(scan_other(eng), 0);
    vigil_engine_unref(&eng);
}

/* The old .ign form DB:LINE:NAME names the signature in field 3. */
static void ign2_db_line_name_form(void **state)
{
    struct vigil_engine *eng = engine();
    char line[300];
    unsigned n;
    (void)state;

    assert_int_equal(load(eng, "x.ign2", "main.hdb:12:E.Drop\n", NULL),
                     VIGIL_OK);
    eicar_line(line, sizeof line, "E.Drop", "\n");
    assert_int_equal(load(eng, "x.hdb", line, &n), VIGIL_OK);
    assert_int_equal(n, 0);
    assert_int_equal(scan_eicar(eng), 0);
    vigil_engine_unref(&eng);
}

/* Forms ClamAV 1.4.6 accepts (checked with clamscan -d): a size with a
 * leading blank or '+', sizes up to 4294967294, MINFL read like atoi. */
static void clamav_lenient_forms_load(void **state)
{
    static const char *const lines[] = {
        ":+68:Plus", ": 68:Blank", ":68:Minfl.Word:abc", ":68:Minfl.72:72",
    };
    struct vigil_engine *eng = engine();
    char text[300], hex[129];
    unsigned n;
    (void)state;

    digest_hex(EVP_md5(), eicar(), EICAR_LEN, hex);
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        snprintf(text, sizeof text, "%s%s\n", hex, lines[i]);
        assert_int_equal(load(eng, "x.hdb", text, &n), VIGIL_OK);
        assert_int_equal(n, 1);
    }
    assert_int_equal(load(eng, "x.hdb", HEX32 ":4294967294:Max\n", &n),
                     VIGIL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(eng->hashes.tab[0][VG_HASH_MD5][0].n, 5);
    assert_int_equal(scan_eicar(eng), 1); /* one (hash, size) key */
    vigil_engine_unref(&eng);
}

/* Line 1 a comment, line 2 a good signature, line 3 the bad one. */
static void check_malformed(const char *file, const char *bad)
{
    struct vigil_engine *eng = engine();
    char text[4096], good[300], where[64];
    bool fp = strstr(file, "fp") != NULL;

    eicar_line(good, sizeof good, "Good", "");
    if (strstr(file, ".ign2"))
        snprintf(good, sizeof good, "Good");
    snprintf(text, sizeof text, "# header\n%s\n%s\n", good, bad);
    if (load(eng, file, text, NULL) != VIGIL_E_DB)
        fail_msg("%s line accepted: \"%s\"", file, bad);
    snprintf(where, sizeof where, "%s:3:", file);
    assert_error_has(eng, where);
    assert_int_equal(entries(eng, fp ? VG_HSET_ALLOW : VG_HSET_DETECT), 0);
    assert_int_equal(eng->names.pool.len, 0);
    assert_int_equal(eng->ignore.n, 0);
    vigil_engine_unref(&eng);
}

static const char *const bad_hash_lines[] = {
    HEX32,                                  /* 1 field */
    HEX32 ":68",                            /* 2 fields */
    HEX32 ":68:N:0:300:x",                  /* 6 fields */
    HEX32 ":68:N:0:300:",                   /* 6, last empty */
    "0123456789abcdef0123456789abcde:68:N", /* 31 hex digits */
    HEX32 "0:68:N",                         /* 33 */
    "0123456789abcdef0123456789abcd:68:N",  /* 30 */
    HEX64 HEX64 ":68:N",                    /* 128 */
    ":68:N",                                /* empty hash */
    "0123456789abcdef0123456789abcdeg:68:N", /* non-hex last digit */
    "0123456789abcdef 123456789abcdef0:68:N", /* space inside */
    "x123456789abcdef0123456789abcdef:68:N", /* non-hex first digit */
    HEX32 ":0:N",                           /* size 0 */
    HEX32 ":00:N",                          /* size 0, padded */
    HEX32 ":abc:N",                         /* size not a number */
    HEX32 "::N",                            /* size empty */
    HEX32 ":-1:N",                          /* negative */
    HEX32 ":68 :N",                         /* trailing blank */
    HEX32 ":0x44:N",                        /* hex size */
    HEX32 ":4294967296:N",                  /* over 32 bits */
    HEX32 ":4294967295:N",                  /* ClamAV's limit is one less */
    HEX32 ":+-68:N",                        /* two signs */
    HEX32 ":- 68:N",                        /* negative */
    HEX32 ":**:N",                          /* not exactly "*" */
    HEX32 ":*:N",                           /* '*' without MINFL */
    HEX32 ":*:N:",                          /* '*' with empty MINFL */
    HEX32 ":*:N:72",                        /* '*' with MINFL < 73 */
    HEX32 ":*:N::300",                      /* '*' with MAXFL only */
    HEX32 ":68:",                           /* empty name */
    HEX32 ":68::0",                         /* empty name, MINFL */
    HEX64 ":*:N:7x",                        /* SHA256 bad MINFL */
};

static void hdb_malformed_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_hash_lines / sizeof *bad_hash_lines;
         i++) {
        check_malformed("x.hdb", bad_hash_lines[i]);
        check_malformed("x.hsb", bad_hash_lines[i]);
    }
}

static void fp_malformed_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_hash_lines / sizeof *bad_hash_lines;
         i++) {
        check_malformed("x.fp", bad_hash_lines[i]);
        check_malformed("x.sfp", bad_hash_lines[i]);
    }
}

static void ign2_malformed_lines(void **state)
{
    static const char *const bad[] = {
        ":",                    /* empty name */
        ":" HEX32,              /* empty name with MD5 */
        "N:",                   /* empty MD5 */
        "N:0123",               /* short MD5 */
        "N:" HEX32 "00",        /* long MD5 */
        "N:" HEX64,             /* SHA256 is not accepted */
        "N:0123456789abcdef0123456789abcdeg", /* non-hex */
        "a:b:",                 /* DB:LINE:NAME with empty name */
        "a:b:c:d",              /* 4 fields */
    };
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        check_malformed("x.ign2", bad[i]);
}

static void name_too_long(void **state)
{
    char line[2200];
    size_t n;
    (void)state;

    n = (size_t)snprintf(line, sizeof line, "%s:68:", HEX32);
    memset(line + n, 'N', 1025);
    line[n + 1025] = '\0';
    check_malformed("x.hdb", line);
}

/* Errors name the line even with CRLF and comment lines before. */
static void error_line_number_counts_all_lines(void **state)
{
    struct vigil_engine *eng = engine();
    char text[1024], good[300];
    (void)state;

    eicar_line(good, sizeof good, "Good", "");
    snprintf(text, sizeof text, "#\r\n#\n# c\r\n%s\r\n#\r\n%s:0:N\r\n%s\r\n",
             good, HEX32, good);
    assert_int_equal(load(eng, "db/y.hdb", text, NULL), VIGIL_E_DB);
    assert_error_has(eng, "db/y.hdb:6:");
    assert_int_equal(load(eng, "x.hdb", HEX32 ":0:N", NULL), VIGIL_E_DB);
    assert_error_has(eng, "x.hdb:1:");
    vigil_engine_unref(&eng);
}

static void star_size_needs_minfl_73(void **state)
{
    struct vigil_engine *eng = engine();
    char line[300];
    unsigned n;
    (void)state;

    sig_line(line, sizeof line, EVP_md5(), eicar(), EICAR_LEN, "*", "Any",
             ":72");
    assert_int_equal(load(eng, "x.hdb", line, NULL), VIGIL_E_DB);
    assert_error_has(eng, "x.hdb:1:");
    sig_line(line, sizeof line, EVP_md5(), eicar(), EICAR_LEN, "*", "Any",
             ":73");
    assert_int_equal(load(eng, "x.hdb", line, &n), VIGIL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(eng->hashes.tab[0][VG_HASH_MD5][1].n, 1);
    assert_int_equal(eng->hashes.tab[0][VG_HASH_MD5][0].n, 0);
    sig_line(line, sizeof line, EVP_sha256(), other, OTHER_LEN, "*", "Any2",
             ":100:216");
    assert_int_equal(load(eng, "x.hsb", line, &n), VIGIL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(scan_eicar(eng), 1);
    assert_int_equal(scan_other(eng), 1);
    vigil_engine_unref(&eng);
}

/* Signatures for another engine level are skipped without an error. */
static void flevel_out_of_range_skipped(void **state)
{
    static const char *const tails[] = {
        ":217", ":0:215", ":217:300", ":4294967295", "::0",
        "::",   /* an empty MAXFL reads as 0 (ClamAV: atoi) */
        ":-1",  /* a negative MINFL is a huge unsigned level */
        ":0:x", /* MAXFL x reads as 0 */
    };
    struct vigil_engine *eng = engine();
    char line[300];
    unsigned n;
    (void)state;

    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        eicar_line(line, sizeof line, "Skip", tails[i]);
        assert_int_equal(load(eng, "x.hdb", line, &n), VIGIL_OK);
        assert_int_equal(n, 0);
    }
    sig_line(line, sizeof line, EVP_md5(), eicar(), EICAR_LEN, "*", "Skip",
             ":217");
    assert_int_equal(load(eng, "x.fp", line, &n), VIGIL_OK);
    assert_int_equal(n, 0);
    /* A skipped line is not read further (ClamAV 1.4.6 does the same). */
    assert_int_equal(load(eng, "x.hdb", "zz:0:N:217\nzz:0::0:100\n", &n),
                     VIGIL_OK);
    assert_int_equal(n, 0);
    assert_string_equal(vigil_engine_last_error(eng), "");
    assert_int_equal(entries(eng, VG_HSET_DETECT), 0);
    assert_int_equal(entries(eng, VG_HSET_ALLOW), 0);
    assert_int_equal(eng->names.pool.len, 0);
    vigil_engine_unref(&eng);
}

/* MINFL = MAXFL = 216 is this engine's level: loaded. */
static void flevel_boundary_loaded(void **state)
{
    static const char *const tails[] = {":216", ":0:216", ":216:216",
                                        ":216:4294967295"};
    struct vigil_engine *eng = engine();
    char line[300];
    const char *name = NULL;
    unsigned n;
    (void)state;

    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        char sig[16];

        snprintf(sig, sizeof sig, "In%zu", i);
        eicar_line(line, sizeof line, sig, tails[i]);
        assert_int_equal(load(eng, "x.hdb", line, &n), VIGIL_OK);
        assert_int_equal(n, 1);
    }
    assert_int_equal(eng->hashes.tab[0][VG_HASH_MD5][0].n, 4);
    assert_int_equal(scan_all(eng, eicar(), EICAR_LEN, &name), 1);
    assert_string_equal(name, "In0.UNOFFICIAL"); /* the first loaded */
    vigil_engine_unref(&eng);
}

static void comments_and_crlf(void **state)
{
    struct vigil_engine *eng = engine();
    char text[1024], a[300], b[300];
    const char *name = NULL;
    unsigned n;
    (void)state;

    eicar_line(a, sizeof a, "Crlf.Name", "");
    other_line(b, sizeof b, "Lf.Name", "");
    snprintf(text, sizeof text, "# one\r\n#\r\n%s\r\n#%s\n%s", a, a, b);
    assert_int_equal(load(eng, "x.hdb", text, &n), VIGIL_OK);
    assert_int_equal(n, 2);
    assert_int_equal(scan_all(eng, eicar(), EICAR_LEN, &name), 1);
    assert_string_equal(name, "Crlf.Name.UNOFFICIAL"); /* no '\r' */
    assert_int_equal(scan_all(eng, other, OTHER_LEN, &name), 1);
    assert_string_equal(name, "Lf.Name.UNOFFICIAL");
    vigil_engine_unref(&eng);
}

static void empty_file_is_an_error(void **state)
{
    static const char *const empty[] = {"", "\n", "\n\n\n", "\r\n\r\n"};
    static const char *const files[] = {"e.hdb", "e.hsb", "e.fp", "e.sfp"};
    struct vigil_engine *eng;
    unsigned n;
    (void)state;

    for (size_t f = 0; f < sizeof files / sizeof *files; f++)
        for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
            eng = engine();
            assert_int_equal(load(eng, files[f], empty[i], NULL), VIGIL_E_DB);
            assert_error_has(eng, files[f]);
            vigil_engine_unref(&eng);
        }
    /* ClamAV 1.4.6 accepts an empty .ign2 (checked with clamscan -d). */
    eng = engine();
    assert_int_equal(load(eng, "e.ign2", "", &n), VIGIL_OK);
    assert_int_equal(n, 0);
    vigil_engine_unref(&eng);
}

/* As in ClamAV, a blank line is a malformed signature, CRLF or not. */
static void blank_line_is_malformed(void **state)
{
    struct vigil_engine *eng = engine();
    char text[1024], good[300];
    (void)state;

    eicar_line(good, sizeof good, "Good", "");
    snprintf(text, sizeof text, "%s\n\n%s\n", good, good);
    assert_int_equal(load(eng, "x.hdb", text, NULL), VIGIL_E_DB);
    assert_error_has(eng, "x.hdb:2:");
    snprintf(text, sizeof text, "# c\r\n%s\r\n\r\n", good);
    assert_int_equal(load(eng, "y.fp", text, NULL), VIGIL_E_DB);
    assert_error_has(eng, "y.fp:3:");
    assert_int_equal(load(eng, "z.ign2", "Name\n\n", NULL), VIGIL_E_DB);
    assert_error_has(eng, "z.ign2:2:");
    assert_int_equal(entries(eng, VG_HSET_DETECT), 0);
    assert_int_equal(entries(eng, VG_HSET_ALLOW), 0);
    assert_int_equal(eng->ignore.n, 0);
    vigil_engine_unref(&eng);
}

/* ClamAV 1.4.6 loads a file of only comments without error (checked with
 * clamscan -d): "empty" means no lines at all. */
static void comment_only_file_loads(void **state)
{
    struct vigil_engine *eng = engine();
    unsigned n;
    (void)state;

    assert_int_equal(load(eng, "c.hdb", "# nothing here\n#\n", &n), VIGIL_OK);
    assert_int_equal(n, 0);
    assert_int_equal(entries(eng, VG_HSET_DETECT), 0);
    vigil_engine_unref(&eng);
}

/* A failed load removes what that file added, and nothing else. */
static void failed_load_rolls_back(void **state)
{
    struct vigil_engine *eng = engine();
    char text[1024], a[300], b[300];
    size_t pool;
    (void)state;

    eicar_line(a, sizeof a, "Earlier", "\n");
    assert_int_equal(load(eng, "a.hdb", a, NULL), VIGIL_OK);
    pool = eng->names.pool.len;
    other_line(b, sizeof b, "Later", "");
    snprintf(text, sizeof text, "%s\n%s\n%s:0:Bad\n", b, a, HEX32);
    assert_int_equal(load(eng, "b.hdb", text, NULL), VIGIL_E_DB);
    assert_int_equal(entries(eng, VG_HSET_DETECT), 1);
    assert_int_equal(eng->names.pool.len, pool);
    /* An allow-list for EICAR that fails must not make EICAR clean. */
    eicar_line(a, sizeof a, "Fp", "");
    snprintf(text, sizeof text, "%s\nbad\n", a);
    assert_int_equal(load(eng, "c.fp", text, NULL), VIGIL_E_DB);
    assert_int_equal(entries(eng, VG_HSET_ALLOW), 0);
    assert_int_equal(scan_eicar(eng), 1);
    assert_int_equal(scan_other(eng), 0);
    vigil_engine_unref(&eng);
}

/* Regression: a failed .ign2 load must drop exactly its own names, even
 * though the ignore list is indexed by name after every load. */
static void failed_ign2_load_rolls_back(void **state)
{
    struct vigil_engine *eng = engine();
    (void)state;
    assert_int_equal(load(eng, "a.ign2", "Zeta\n", NULL), VIGIL_OK);
    assert_int_equal(load(eng, "b.ign2", "Omega\n:bad:x:y\n", NULL),
                     VIGIL_E_DB);
    assert_true(vg_ignore_match(&eng->ignore, vigil_str_cstr("Zeta"),
                                vigil_str_cstr("")));
    assert_false(vg_ignore_match(&eng->ignore, vigil_str_cstr("Omega"),
                                 vigil_str_cstr("")));
    vigil_engine_unref(&eng);
}

static void pua_files_need_load_pua(void **state)
{
    struct vigil_engine *eng = engine();
    char line[300];
    unsigned n;
    (void)state;

    eicar_line(line, sizeof line, "Pua", "\n");
    assert_int_equal(load(eng, "x.hdu", line, &n), VIGIL_OK);
    assert_int_equal(n, 0);
    assert_int_equal(scan_eicar(eng), 0);
    vigil_engine_unref(&eng);
    eng = engine_with(true);
    assert_int_equal(load(eng, "x.hdu", line, &n), VIGIL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(scan_eicar(eng), 1);
    vigil_engine_unref(&eng);
}

static void unknown_name_is_an_error(void **state)
{
    struct vigil_engine *eng = engine();
    (void)state;

    assert_int_equal(load(eng, "x.txt", HEX32 ":68:N\n", NULL), VIGIL_E_DB);
    assert_error_has(eng, "x.txt");
    vigil_engine_unref(&eng);
}

/* --- Files and directories, through the public API. --- */

static void dir_loads_every_file_case_insensitively(void **state)
{
    const char *dir = tmpdir_new();
    struct vigil_engine *eng = engine();
    char line[300];
    unsigned n = 0;
    (void)state;

    eicar_line(line, sizeof line, "Upper", "\n");
    tmpdir_write_text(dir, "UPPER.HDB", line);
    other_line(line, sizeof line, "Mixed", "\n");
    tmpdir_write_text(dir, "mixed.HsB", line);
    assert_int_equal(vigil_engine_load_db(eng, dir, &n), VIGIL_OK);
    assert_int_equal(n, 2);
    assert_int_equal(vigil_engine_signature_count(eng), 2);
    assert_int_equal(scan_eicar(eng), 1);
    assert_int_equal(scan_other(eng), 1);
    vigil_engine_unref(&eng);
    tmpdir_remove(dir);
}

static void dir_skips_unknown_and_hidden(void **state)
{
    const char *dir = tmpdir_new();
    struct vigil_engine *eng = engine();
    char line[300], sub[600];
    unsigned n = 0;
    (void)state;

    eicar_line(line, sizeof line, "Good", "\n");
    tmpdir_write_text(dir, "good.hdb", line);
    tmpdir_write_text(dir, "notes.txt", "not a database\n");
    tmpdir_write_text(dir, "good.hdb.bak", "garbage\n");
    tmpdir_write_text(dir, "README", "garbage\n");
    tmpdir_write_text(dir, ".hidden.hdb", "garbage\n");
    snprintf(sub, sizeof sub, "%s/sub.hdb", dir); /* a directory */
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(vigil_engine_load_db(eng, dir, &n), VIGIL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(scan_eicar(eng), 1);
    vigil_engine_unref(&eng);
    tmpdir_remove(dir);
}

/* "zz.ign2" sorts after "a.hdb" but is loaded first. */
static void dir_ign2_applies_to_earlier_names(void **state)
{
    const char *dir = tmpdir_new();
    struct vigil_engine *eng = engine();
    char text[700], a[300], b[300];
    unsigned n = 0;
    (void)state;

    eicar_line(a, sizeof a, "Drop.Me", "");
    other_line(b, sizeof b, "Keep.Me", "");
    snprintf(text, sizeof text, "%s\n%s\n", a, b);
    tmpdir_write_text(dir, "a.hdb", text);
    tmpdir_write_text(dir, "zz.ign2", "Drop.Me\n");
    assert_int_equal(vigil_engine_load_db(eng, dir, &n), VIGIL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(scan_eicar(eng), 0);
    assert_int_equal(scan_other(eng), 1);
    vigil_engine_unref(&eng);
    tmpdir_remove(dir);
}

/* One bad file fails the whole directory and rolls back its good files;
 * an earlier successful load stays. */
static void dir_failure_rolls_back_directory(void **state)
{
    const char *dir = tmpdir_new(), *first = tmpdir_new();
    struct vigil_engine *eng = engine();
    char line[300], where[256];
    unsigned n = 77;
    (void)state;

    eicar_line(line, sizeof line, "Earlier", "\n");
    tmpdir_write_text(first, "first.hdb", line);
    assert_int_equal(vigil_engine_load_db(eng, first, &n), VIGIL_OK);
    other_line(line, sizeof line, "InFailedDir", "\n");
    tmpdir_write_text(dir, "a.hdb", line);
    tmpdir_write_text(dir, "b.hdb", "# ok\n" HEX32 ":1:Fine\n" HEX32 ":0:X\n");
    tmpdir_write_text(dir, "c.ign2", "Earlier\n");
    n = 77;
    assert_int_equal(vigil_engine_load_db(eng, dir, &n), VIGIL_E_DB);
    assert_int_equal(n, 77);
    snprintf(where, sizeof where, "%s/b.hdb:3:", dir);
    assert_error_has(eng, where);
    assert_int_equal(vigil_engine_signature_count(eng), 1);
    assert_int_equal(eng->ignore.n, 0);
    assert_int_equal(scan_eicar(eng), 1);
    assert_int_equal(scan_other(eng), 0);
    vigil_engine_unref(&eng);
    tmpdir_remove(dir);
    tmpdir_remove(first);
}

static void file_error_names_path_and_line(void **state)
{
    const char *dir = tmpdir_new(), *path;
    struct vigil_engine *eng = engine();
    char where[256];
    (void)state;

    path = tmpdir_write_text(dir, "x.hdb", "#\n#\n" HEX32 ":68\n");
    snprintf(where, sizeof where, "%s:3:", path);
    assert_int_equal(vigil_engine_load_db(eng, path, NULL), VIGIL_E_DB);
    assert_error_has(eng, where);
    path = tmpdir_write_text(dir, "y.hdb", "");
    assert_int_equal(vigil_engine_load_db(eng, path, NULL), VIGIL_E_DB);
    assert_error_has(eng, path);
    vigil_engine_unref(&eng);
    tmpdir_remove(dir);
}

/* As in ClamAV 1.4.6: a file of unknown type named directly is skipped
 * with a warning; a directory with no database file at all is an error. */
static void unknown_types_in_paths(void **state)
{
    const char *dir = tmpdir_new(), *path;
    struct vigil_engine *eng = engine();
    unsigned n = 9;
    (void)state;

    path = tmpdir_write_text(dir, "z.unknown", HEX32 ":68:N\n");
    assert_int_equal(vigil_engine_load_db(eng, path, &n), VIGIL_OK);
    assert_int_equal(n, 0);
    tmpdir_write_text(dir, "notes.txt", "junk\n");
    assert_int_equal(vigil_engine_load_db(eng, dir, NULL), VIGIL_E_NOENT);
    assert_error_has(eng, dir);
    assert_int_equal(vigil_engine_signature_count(eng), 0);
    vigil_engine_unref(&eng);
    tmpdir_remove(dir);
}

static void names_get_unofficial_suffix(void **state)
{
    const char *dir = tmpdir_new(), *path;
    struct vigil_engine *eng = engine();
    char line[300];
    const char *name = NULL;
    (void)state;

    eicar_line(line, sizeof line, "Eicar-Test-Signature", "\n");
    path = tmpdir_write_text(dir, "x.hdb", line);
    assert_int_equal(vigil_engine_load_db(eng, path, NULL), VIGIL_OK);
    assert_string_equal(vg_names_get(&eng->names, 0),
                        "Eicar-Test-Signature.UNOFFICIAL");
    assert_int_equal(scan_all(eng, eicar(), EICAR_LEN, &name), 1);
    assert_string_equal(name, "Eicar-Test-Signature.UNOFFICIAL");
    vigil_engine_unref(&eng);
    tmpdir_remove(dir);
}

static void load_after_compile_is_state_error(void **state)
{
    const char *dir = tmpdir_new(), *path;
    struct vigil_engine *eng = engine();
    char line[300];
    unsigned n = 5;
    (void)state;

    eicar_line(line, sizeof line, "E", "\n");
    path = tmpdir_write_text(dir, "x.hdb", line);
    assert_int_equal(vigil_engine_load_db(eng, path, &n), VIGIL_OK);
    assert_int_equal(vigil_engine_compile(eng), VIGIL_OK);
    n = 5;
    assert_int_equal(vigil_engine_load_db(eng, path, &n), VIGIL_E_STATE);
    assert_int_equal(n, 5);
    assert_int_equal(vigil_engine_compile(eng), VIGIL_E_STATE);
    assert_int_equal(vigil_engine_signature_count(eng), 1);
    assert_int_equal(scan_eicar(eng), 1); /* still usable */
    vigil_engine_unref(&eng);
    tmpdir_remove(dir);
}

static void nonexistent_path_is_noent(void **state)
{
    const char *dir = tmpdir_new(), *file;
    struct vigil_engine *eng = engine();
    char path[256];
    (void)state;

    snprintf(path, sizeof path, "%s/missing.hdb", dir);
    assert_int_equal(vigil_engine_load_db(eng, path, NULL), VIGIL_E_NOENT);
    assert_error_has(eng, path);
    snprintf(path, sizeof path, "%s/missing-dir", dir);
    assert_int_equal(vigil_engine_load_db(eng, path, NULL), VIGIL_E_NOENT);
    assert_error_has(eng, path);
    file = tmpdir_write_text(dir, "plain.hdb", "#\n");
    snprintf(path, sizeof path, "%s/below.hdb", file); /* ENOTDIR */
    assert_int_equal(vigil_engine_load_db(eng, path, NULL), VIGIL_E_NOENT);
    assert_error_has(eng, path);
    vigil_engine_unref(&eng);
    tmpdir_remove(dir);
}

static void bad_arguments(void **state)
{
    struct vigil_engine *eng = engine();
    (void)state;

    assert_int_equal(vigil_engine_new(NULL, NULL), VIGIL_E_ARG);
    assert_int_equal(vigil_engine_load_db(NULL, "/tmp", NULL), VIGIL_E_ARG);
    assert_int_equal(vigil_engine_load_db(eng, NULL, NULL), VIGIL_E_ARG);
    assert_int_equal(vigil_engine_compile(NULL), VIGIL_E_ARG);
    assert_string_equal(vigil_engine_last_error(NULL), "");
    assert_int_equal(vigil_engine_signature_count(NULL), 0);
    vigil_engine_unref(&eng);
    assert_null(eng);
    vigil_engine_unref(&eng); /* NULL is fine */
    vigil_engine_unref(NULL);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hdb_valid_lines),
        cmocka_unit_test(hsb_valid_lines),
        cmocka_unit_test(fp_and_sfp_go_to_allow_list),
        cmocka_unit_test(ign2_drops_by_name),
        cmocka_unit_test(ign2_drops_by_line_md5),
        cmocka_unit_test(ign2_db_line_name_form),
        cmocka_unit_test(clamav_lenient_forms_load),
        cmocka_unit_test(hdb_malformed_lines),
        cmocka_unit_test(fp_malformed_lines),
        cmocka_unit_test(ign2_malformed_lines),
        cmocka_unit_test(name_too_long),
        cmocka_unit_test(error_line_number_counts_all_lines),
        cmocka_unit_test(star_size_needs_minfl_73),
        cmocka_unit_test(flevel_out_of_range_skipped),
        cmocka_unit_test(flevel_boundary_loaded),
        cmocka_unit_test(comments_and_crlf),
        cmocka_unit_test(empty_file_is_an_error),
        cmocka_unit_test(blank_line_is_malformed),
        cmocka_unit_test(comment_only_file_loads),
        cmocka_unit_test(failed_load_rolls_back),
        cmocka_unit_test(failed_ign2_load_rolls_back),
        cmocka_unit_test(pua_files_need_load_pua),
        cmocka_unit_test(unknown_name_is_an_error),
        cmocka_unit_test(dir_loads_every_file_case_insensitively),
        cmocka_unit_test(dir_skips_unknown_and_hidden),
        cmocka_unit_test(dir_ign2_applies_to_earlier_names),
        cmocka_unit_test(dir_failure_rolls_back_directory),
        cmocka_unit_test(file_error_names_path_and_line),
        cmocka_unit_test(unknown_types_in_paths),
        cmocka_unit_test(names_get_unofficial_suffix),
        cmocka_unit_test(load_after_compile_is_state_error),
        cmocka_unit_test(nonexistent_path_is_noent),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
