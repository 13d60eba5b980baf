// SPDX-License-Identifier: GPL-2.0-or-later
// test_jsnorm.c: the script view, ClamAV's JavaScript normalisation. Every
// expected output below is what ClamAV 1.4.6 wrote for the same script
// (clamscan --leave-temps: the "javascript" file), and ClamAV's own
// reference files are compared when ../shared/data is present.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/jsnorm.h"
#include "fmt/normalize.h"
#include "test_main.h"
#include "test_shared.h"
#include "util/caps.h"
#include "vigil/vigil.h"

struct lit {
    const char *p;
    size_t n;
};

#define LIT(s) ((struct lit){s, sizeof(s) - 1})

static void assert_out(const struct vigil_buf *b, struct lit want)
{
    if (b->len != want.n || memcmp(b->data, want.p, want.n) != 0)
        fail_msg("got %zu bytes \"%.*s\", want %zu \"%s\"", b->len,
                 (int)b->len, (const char *)b->data, want.n, want.p);
}

struct js_case {
    const char *name;
    struct lit script, want;
};

/* Each script sat alone in <html><body><script>...</script></body></html>. */
static const struct js_case js_cases[] = {
    {"declarations and quirks",
     LIT("var Foo = \"Hello World\";\nfunction bar(x, y) { return x + y * 0x10 + 3.5e2; } // a comment\nvar s = 'single \\'quoted\\' string';\n/* block */ document.write(s);"),
     LIT("<script>var n000=\"hello world\";function n001(n002,n003){return n002+n003*0 x10+350;}a comment var n004=\"single 'quoted' string\";document.write(n004);</script>")},
    {"top-level and function-level var lists",
     LIT("var a=1,b=2; function g(){var c=1,d=2; return c+d;} g();"),
     LIT("<script>var n000=1,n001=2;function n002(){var n003=1,d=2;return n003+d;}g();</script>")},
    {"a redeclaration renumbers every use",
     LIT("var x=1; y=x; var x=2; function f(x){return x;} f(x);"),
     LIT("<script>var n001=1;y=n001;var n001=2;function n002(n003){return n003;}f(n001);</script>")},
    {"members, keywords and backslashes in names",
     LIT("o.var = 1; Var X = 2; a\\u0041b = \\x z; if (this.length) new Thing(null);"),
     LIT("<script>o.var=1;var x=2;a\\0041b= x z;if(this.length)new thing(null);</script>")},
    {"string escapes",
     LIT("s = \"a\\x41\\x4zb\\u00e9\\u12\\0c\\n\\t\" + 'q\\'r\\\\'; t='\\\\\"';"),
     LIT("<script>s=\"aa\xff""b\xc3""\xa9""\xe1""\x88""\x80""c  q'r\\'; t=\" \"';</script>\"</script>")},
    {"numbers",
     LIT("x = 1e5 + 1.5e+3 + 2.e + .5 + 99999999999 + 12345678901234567890 + 1.5.6 + 007;"),
     LIT("<script>x=1 e5+1500+2+.5+1215752191+-1+1.5.6+7;</script>")},
    {"string folding and unescape",
     LIT("a = \"ab\" + 'cd' + \"ef\"; b = unescape(\"%3Cb%3E%u0041%zz%4\"); c = unescape(x);"),
     LIT("<script>a=\"abcdef\";b=\"<b>a%zz%4\";c=unescape(x);</script>")},
    {"eval re-lexed",
     LIT("eval(\"var a = 'x' + 'y'; function f(b){return b+a;}\"); eval(unescape(\"%76%61%72%20z%3D1%3B\")); eval('e'+'val(\"var d=5\")');"),
     LIT("<script>var n000=\"xy\";function n001(n002){return n002+n000;}eval(\"var z=1;\");eval(\"var d=5\")</script>")},
    {"packer, anonymous",
     LIT("eval(function(p,a,c,k,e,d){while(c--){if(k[c]){p=p.replace(new RegExp('\\\\b'+c+'\\\\b','g'),k[c])}}return p}('0(\\'1 2\\');',3,3,'alert|hello|world'.split('|'),0,{}))"),
     LIT("<script>eval(function(n000,n001,n002,n003,n004,n005){while(n002--){if(n003[n002]){n000=n000.replace(new regexp(\"\\b\"+n002+\"\\b\",\"g\"),n003[n002])}}return n000}(alert(\"hello world\");))</script>")},
    {"packer, named and called twice",
     LIT("function unp(p,a,c,k,e,r){return p;} unp('0 1 2',62,3,'var|X|Y'.split('|'),0,{}); var q=1; unp('1+2',10,3,'a|b|c'.split('|'),0,{});"),
     LIT("<script>function n000(n001,n002,n003,n004,n005,n006){return n001;}unp(var n008 yb+);</script>")},
    {"dF",
     LIT("dF('%2635%2636%2637%2641%2642%26373');y=2;"),
     LIT("<script>y=2;</script>2 3 4 1 1/</script>")},
    {"unterminated string and parentheses",
     LIT("(( [ { x = \"abc"),
     LIT("<script>(([{x=\"abc</script>\"))</script>")},
    {"comments",
     LIT("// line comment ends at a blank\n/* block */ a /* two\nlines */ b; <!-- x --> y"),
     LIT("<script>line comment ends at a blank a b;<!--x-->y</script>")},
};

/* Through the HTML normaliser, as the scanner builds the view. */
static void js_inline_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof js_cases / sizeof js_cases[0]; i++) {
        const struct js_case *c = &js_cases[i];
        static const char head[] = "<html><body><script>";
        static const char tail[] = "</script></body></html>";
        size_t n = strlen(head) + c->script.n + strlen(tail);
        char *page = malloc(n);
        struct vigil_buf js;
        int js_ret = -1;

        assert_non_null(page);
        memcpy(page, head, strlen(head));
        memcpy(page + strlen(head), c->script.p, c->script.n);
        memcpy(page + strlen(head) + c->script.n, tail, strlen(tail));
        vigil_buf_init(&js, VIGIL_CAP_NORM_VIEW);
        printf("case: %s\n", c->name);
        assert_int_equal(vg_html_normalize_all(vigil_span_make(page, n), NULL,
                                               NULL, &js, &js_ret),
                         VIGIL_OK);
        assert_int_equal(js_ret, VIGIL_OK);
        assert_out(&js, c->want);
        vigil_buf_free(&js);
        free(page);
    }
}

/* Names and strings carry over between the pieces a script is fed in. */
static void js_tokens_span_pieces(void **state)
{
    static const char *const pieces[] = {"var ab", "cd = 'x", "y' + \"", "z\"; ab",
                                         "cd"};
    struct vg_js *js = vg_js_new();
    struct vigil_buf out;

    (void)state;
    assert_non_null(js);
    vigil_buf_init(&out, VIGIL_CAP_NORM_VIEW);
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++)
        vg_js_feed(js, (const uint8_t *)pieces[i], strlen(pieces[i]));
    vg_js_feed(js, (const uint8_t *)";", 1);
    assert_int_equal(vg_js_finish(js, &out), VIGIL_OK);
    assert_out(&out, LIT("<script>var n000=\"xyz\";n000;</script>"));
    vg_js_free(js);
    /* a second script on the same view starts on a new line */
    assert_int_equal(vg_js_normalize(vigil_span_make("var q", 5), &out),
                     VIGIL_OK);
    assert_out(&out, LIT("<script>var n000=\"xyz\";n000;</script>\n"
                         "<script>var</script>")); /* a name cut by the end is lost */
    vigil_buf_free(&out);
}

/* No <script>: an empty view (the scanner then skips the script passes). */
static void js_none_without_script(void **state)
{
    static const char page[] = "<html><p>var x = 1;</p><scriptx>y</scriptx>";
    struct vigil_buf js;
    int js_ret = -1;

    (void)state;
    vigil_buf_init(&js, VIGIL_CAP_NORM_VIEW);
    assert_int_equal(vg_html_normalize_all(vigil_span_make(page, sizeof page - 1),
                                           NULL, NULL, &js, &js_ret),
                     VIGIL_OK);
    assert_int_equal(js_ret, VIGIL_OK);
    assert_int_equal(js.len, 0);
    vigil_buf_free(&js);
}

/* A full output buffer keeps what fitted and says so; hostile nesting and
 * a script of nothing but names still finish. */
static void js_limits(void **state)
{
    enum { DEPTH = 200000 };
    static const char open_fn[] = "function(){x;";
    size_t n = DEPTH * (sizeof open_fn - 1) + DEPTH, at = 0;
    char *deep = malloc(n);
    struct vigil_buf out;

    (void)state;
    assert_non_null(deep);
    vigil_buf_init(&out, 20);
    assert_int_equal(vg_js_normalize(vigil_span_make("var abc = 1; abc;", 17), &out),
                     VIGIL_E_LIMIT);
    assert_true(out.len <= 20);
    assert_memory_equal(out.data, "<script>var n000=1;", 19);
    vigil_buf_free(&out);

    for (size_t i = 0; i < DEPTH; i++, at += sizeof open_fn - 1)
        memcpy(deep + at, open_fn, sizeof open_fn - 1);
    memset(deep + at, '}', DEPTH);
    vigil_buf_init(&out, VIGIL_CAP_NORM_VIEW);
    assert_int_equal(vg_js_normalize(vigil_span_make(deep, n), &out), VIGIL_OK);
    /* every function and every x printed, none renamed */
    assert_int_equal(out.len, strlen("<script>") + n + strlen("</script>"));
    vigil_buf_free(&out);
    free(deep);
}

static void js_clamav_reference_files(void **state)
{
    static const struct {
        const char *in, *ref;
    } refs[] = {
        {"htmlnorm_js_test.html", "js.js.ref"},
        {"htmlnorm_encode.html", "encode.js.ref"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        struct vigil_buf in, js, want;
        char rel[256];
        int js_ret = -1;
        snprintf(rel, sizeof rel, "htmlnorm_scanfiles/%s", refs[i].in);
        need_shared(rel, &in);
        snprintf(rel, sizeof rel, "htmlnorm_reffiles/%s", refs[i].ref);
        need_shared(rel, &want);
        vigil_buf_init(&js, VIGIL_CAP_NORM_VIEW);
        assert_int_equal(vg_html_normalize_all(vigil_span_make(in.data, in.len),
                                               NULL, NULL, &js, &js_ret),
                         VIGIL_OK);
        assert_int_equal(js_ret, VIGIL_OK);
        if (js.len != want.len || memcmp(js.data, want.data, js.len) != 0)
            fail_msg("%s: %zu bytes, reference %zu", refs[i].ref, js.len,
                     want.len);
        vigil_buf_free(&in);
        vigil_buf_free(&want);
        vigil_buf_free(&js);
    }
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(js_inline_cases),
        cmocka_unit_test(js_tokens_span_pieces),
        cmocka_unit_test(js_none_without_script),
        cmocka_unit_test(js_limits),
        cmocka_unit_test(js_clamav_reference_files),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
