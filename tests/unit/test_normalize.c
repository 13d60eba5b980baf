// SPDX-License-Identifier: GPL-2.0-or-later
// test_normalize.c: the normalised text view and the HTML views. Expected
// bytes are what ClamAV 1.4.6 produced for the same inputs (clamscan
// --leave-temps, or its matches with --allmatch); ClamAV's own reference
// files are compared too when ../shared/data is present.
#include "test_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/normalize.h"
#include "test_shared.h"
#include "util/caps.h"
#include "vigil/vigil.h"

struct lit {
    const char *p;
    size_t n;
};

#define LIT(s) ((struct lit){s, sizeof(s) - 1})

/* Normalise a heap copy of exactly in.n bytes (ASan sees overreads). */
static void text_of(struct lit in, struct vigil_buf *out)
{
    char *copy = malloc(in.n ? in.n : 1);

    assert_non_null(copy);
    memcpy(copy, in.p, in.n);
    vigil_buf_init(out, VIGIL_CAP_NORM_VIEW);
    assert_int_equal(vg_text_normalize(vigil_span_make(copy, in.n), out),
                     VIGIL_OK);
    free(copy);
}

static void assert_bytes(const struct vigil_buf *b, struct lit want)
{
    if (b->len != want.n || (want.n && memcmp(b->data, want.p, want.n))) {
        fail_msg("got %zu bytes \"%.*s\", want %zu \"%.*s\"", b->len,
                 (int)b->len, b->data ? (const char *)b->data : "", want.n,
                 (int)want.n, want.p);
    }
}

static void expect_text(struct lit in, struct lit want)
{
    struct vigil_buf b;

    text_of(in, &b);
    assert_bytes(&b, want);
    vigil_buf_free(&b);
}

/* ---- text ---- */

static void text_lowercase_and_blanks(void **state)
{
    (void)state;
    expect_text(LIT("Hello   WORLD\t\r\nX"), LIT("hello world x"));
    /* nothing is trimmed: a final newline is a final space */
    expect_text(LIT("Hello world\n"), LIT("hello world "));
    expect_text(LIT("\n\n  lead"), LIT(" lead"));
    expect_text(LIT("VT\x0b"
                    "FF\x0c"
                    "end"),
                LIT("vt ff end"));
}

static void text_drops_without_ending_blank_runs(void **state)
{
    (void)state;
    /* DEL is kept, 0x80 dropped, and the blanks around it stay one run */
    expect_text(LIT("a\x7f"
                    "b \x80 c\n"),
                LIT("a\x7f"
                    "b c "));
    expect_text(LIT("x \0\x01\x02 y"), LIT("x y"));
    expect_text(LIT("Caf\xc3\xa9 HELLO"), LIT("caf hello"));
    expect_text(LIT("\xff\xfe\x00"), LIT(""));
}

static void text_utf16_reads_as_ascii(void **state)
{
    (void)state;
    expect_text(LIT("\xff\xfeH\0i\0 \0T\0\n\0"), LIT("hi t "));
    expect_text(LIT("\0H\0I"), LIT("hi"));
}

static void text_chunks_and_reset(void **state)
{
    struct vigil_buf b;
    struct vg_textnorm st = {false};

    (void)state;
    vigil_buf_init(&b, VIGIL_CAP_NORM_VIEW);
    assert_int_equal(
        vg_text_normalize_chunk(&st, vigil_span_make("A  ", 3), &b), VIGIL_OK);
    assert_int_equal(
        vg_text_normalize_chunk(&st, vigil_span_make("  B", 3), &b), VIGIL_OK);
    assert_bytes(&b, LIT("a b"));
    assert_int_equal(vg_text_normalize_chunk(&st, vigil_span_make("x ", 2), &b),
                     VIGIL_OK);
    /* ClamAV's buffer flush restarts the run: two spaces */
    st.space = false;
    assert_int_equal(vg_text_normalize_chunk(&st, vigil_span_make(" C", 2), &b),
                     VIGIL_OK);
    assert_bytes(&b, LIT("a bx  c"));
    vigil_buf_free(&b);
}

static void text_respects_cap(void **state)
{
    struct vigil_buf b;
    char big[2000];

    (void)state;
    memset(big, 'A', sizeof big);
    vigil_buf_init(&b, 100);
    assert_int_equal(vg_text_normalize(vigil_span_make(big, sizeof big), &b),
                     VIGIL_E_LIMIT);
    assert_true(b.len <= 100);
    vigil_buf_free(&b);
    /* Input longer than the cap whose output fits: no limit reached. */
    memset(big, 0x80, sizeof big);
    memcpy(big + 500, "Fits", 4);
    vigil_buf_init(&b, 100);
    assert_int_equal(vg_text_normalize(vigil_span_make(big, sizeof big), &b),
                     VIGIL_OK);
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.data, "fits", 4);
    vigil_buf_free(&b);
}

static void utf16_fold(void **state)
{
    struct vigil_buf b;

    (void)state;
    vigil_buf_init(&b, 64);
    /* (hi << 4) + lo: ASCII in UTF-16LE comes through, NUL kept, odd
     * trailing byte dropped */
    assert_int_equal(
        vg_html_utf16_decode(vigil_span_make("<\0h\0\0\0\x41\x01z", 9), &b),
        VIGIL_OK);
    assert_bytes(&b, LIT("<h\0\x51"));
    vigil_buf_free(&b);
}

/* ---- HTML ---- */

struct html_case {
    const char *name;
    struct lit in, nocomment, notags;
};

static const struct html_case html_cases[] = {
    {"tags, entities, links",
     LIT("<html><HEAD><Title>T</Title></HEAD><!-- c --><BODY bgcolor=White>"
         "Hi  &amp; &#65;&#x3002;&ouml;<a href=\"http://x/Y\">L</a>"
         "<img src='p.png'></body></html>"),
     LIT("<html><head><title>t</title></head><body bgcolor=white>hi & "
         "a.\xf6<a href=\"http://x/y\">l</a><img src=\"p.png\"></body>"
         "</html>"),
     LIT(" t hi http://x/Y l p.png ")},
    {"script keeps comments, drops blanks",
     LIT("<html><script>var A = 'B';\n<!-- x -->\n</script>after"),
     LIT("<html><script>vara=\"b\";<!--x--></script>after"), LIT(" after")},
    {"entity and character reference edge cases",
     LIT("<html>&bogus; &amp &#x;&#99999999999999999999;&#xff;&#255;"
         "&#65 x&lt"),
     LIT("<html>&bogus; &amp \0\xff"
         "9;&#x00ff;&#x00ff;A x<"),
     LIT(" 9; x ")},
    {"backslash does not escape a quote",
     LIT("<html><a href=\"q\\\"x\" b='c d' e>t</a>"),
     LIT("<html><a href=\"q\\\" x\" b=\"c d\" e>t</a>"), LIT(" q\\ t ")},
    {"high bytes, full-stop look-alikes",
     LIT("<html>\xe3\x80\x82\xa1"
         "C\xc3\xa9 x\xa1"
         "Dy"),
     LIT("<html>..\xc3\xa9 x.\0y"), LIT(" ..\xc3\xc3x.\0y")},
    {"JScript.Encode block decoded",
     LIT("<html><script language=\"JScript.Encode\">#@~^LAAAAA==W!x^DkKxP6W"
         "Kc#Pls+MYcvD+/D@$@!D+/D@*@#@&E#p8Vg0AAA==^#~@</script>"),
     LIT("<html><script language=\"jscript.encode\"><script language=\"java"
         "script\">functionfoo(){alert(\"test@<test>\");}</script>"),
     LIT(" ")},
    {"data: URI payload leaves the views",
     LIT("<html><img src=\"data:image/png;base64,iVBO%41&amp;=\">x"),
     LIT("<html><img src=\"data\"&>x"), LIT(" x")},
    {"NUL skipped, CR dropped, LF a blank", LIT("<html><p>a\0b\r\nc\0\0</p>"),
     LIT("<html><p>ab c</p>"), LIT(" ab c ")},
};

static void html_inline_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof html_cases / sizeof html_cases[0]; i++) {
        const struct html_case *c = &html_cases[i];
        struct vigil_buf nc, nt;
        char *copy = malloc(c->in.n);
        assert_non_null(copy);
        memcpy(copy, c->in.p, c->in.n);
        vigil_buf_init(&nc, VIGIL_CAP_NORM_VIEW);
        vigil_buf_init(&nt, VIGIL_CAP_NORM_VIEW);
        assert_int_equal(
            vg_html_normalize(vigil_span_make(copy, c->in.n), &nc, &nt),
            VIGIL_OK);
        printf("case: %s\n", c->name);
        assert_bytes(&nc, c->nocomment);
        assert_bytes(&nt, c->notags);
        vigil_buf_free(&nc);
        vigil_buf_free(&nt);
        free(copy);
    }
}

/* Blanks that start a new 8191-byte input chunk are skipped whatever the
 * state: the space before "Y" vanishes from both views. */
static void html_chunk_start_blanks(void **state)
{
    enum { N = 6 + 8185 + 3 };
    char *in = malloc(N);
    struct vigil_buf nc, nt;

    (void)state;
    assert_non_null(in);
    memcpy(in, "<html>", 6);
    memset(in + 6, 'x', 8185);
    memcpy(in + 6 + 8185, "  Y", 3);
    vigil_buf_init(&nc, VIGIL_CAP_NORM_VIEW);
    vigil_buf_init(&nt, VIGIL_CAP_NORM_VIEW);
    assert_int_equal(vg_html_normalize(vigil_span_make(in, N), &nc, &nt),
                     VIGIL_OK);
    assert_int_equal(nc.len, 8192);
    assert_memory_equal(nc.data + nc.len - 2, "xy", 2);
    assert_int_equal(nt.len, 8187);
    assert_memory_equal(nt.data + nt.len - 2, "xy", 2);
    vigil_buf_free(&nc);
    vigil_buf_free(&nt);
    free(in);
}

static void html_caps_and_nulls(void **state)
{
    struct vigil_buf nc;
    char big[4000];

    (void)state;
    memset(big, 'a', sizeof big);
    vigil_buf_init(&nc, 50);
    assert_int_equal(
        vg_html_normalize(vigil_span_make(big, sizeof big), &nc, NULL),
        VIGIL_E_LIMIT);
    assert_true(nc.len <= 50);
    vigil_buf_free(&nc);
    assert_int_equal(
        vg_html_normalize(vigil_span_make(big, sizeof big), NULL, NULL),
        VIGIL_OK);
    assert_int_equal(vg_html_normalize(vigil_span_make(NULL, 0), NULL, NULL),
                     VIGIL_OK);
}

/* ---- ClamAV's reference files (../shared/data) ---- */


static void compare_ref(const struct vigil_buf *got, const char *ref)
{
    struct vigil_buf want;
    char rel[256];

    snprintf(rel, sizeof rel, "htmlnorm_reffiles/%s", ref);
    need_shared(rel, &want);
    if (got->len != want.len || memcmp(got->data, want.data, got->len))
        fail_msg("%s: %zu bytes, reference %zu", ref, got->len, want.len);
    vigil_buf_free(&want);
}

static void html_clamav_reference_files(void **state)
{
    static const struct {
        const char *in, *nocomment, *notags;
    } refs[] = {
        {"htmlnorm_buf.html", "buf.nocomment.ref", "buf.notags.ref"},
        {"htmlnorm_encode.html", "encode.nocomment.ref", NULL},
        {"htmlnorm_js_test.html", "js.nocomment.ref", NULL},
        {"htmlnorm_test.html", "test.nocomment.ref", "test.notags.ref"},
        {"htmlnorm_urls.html", "urls.nocomment.ref", "urls.notags.ref"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        struct vigil_buf in, nc, nt;
        char rel[256];
        snprintf(rel, sizeof rel, "htmlnorm_scanfiles/%s", refs[i].in);
        need_shared(rel, &in);
        vigil_buf_init(&nc, VIGIL_CAP_NORM_VIEW);
        vigil_buf_init(&nt, VIGIL_CAP_NORM_VIEW);
        assert_int_equal(
            vg_html_normalize(vigil_span_make(in.data, in.len), &nc, &nt),
            VIGIL_OK);
        compare_ref(&nc, refs[i].nocomment);
        if (refs[i].notags)
            compare_ref(&nt, refs[i].notags);
        vigil_buf_free(&in);
        vigil_buf_free(&nc);
        vigil_buf_free(&nt);
    }
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_lowercase_and_blanks),
        cmocka_unit_test(text_drops_without_ending_blank_runs),
        cmocka_unit_test(text_utf16_reads_as_ascii),
        cmocka_unit_test(text_chunks_and_reset),
        cmocka_unit_test(text_respects_cap),
        cmocka_unit_test(utf16_fold),
        cmocka_unit_test(html_inline_cases),
        cmocka_unit_test(html_chunk_start_blanks),
        cmocka_unit_test(html_caps_and_nulls),
        cmocka_unit_test(html_clamav_reference_files),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
