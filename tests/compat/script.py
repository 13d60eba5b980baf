# SPDX-License-Identifier: GPL-2.0-or-later
"""The script view (SCAN-PIPELINE.md section 7): ClamAV runs every
<script> body of an HTML page through its JavaScript normaliser (names
declared with var/function renamed n000, n001...; strings re-quoted,
unescaped, lower-cased and folded; unescape(), eval() and two packers
decoded; comments dropped) and scans the result, one `<script>...</script>`
line per script, as HTML (targets 0 and 3) and as text (targets 0 and 7;
measured: the text pass sees the view as is, double blanks and bytes
>= 0x80 included).

Each page below exercises one feature or quirk of that normaliser. The
signatures are not written by hand: clamscan is run once per page with a
dummy database and --leave-temps, and pieces of the `javascript` file it
leaves become .ndb signatures on targets 3 and 7 (and a few on 0). A piece
is used only when it occurs in no other view of its page (nor the page
itself) and in no view of any other page, so it can only match through
its own page's script view. Before anything is compared, clamscan must
fire on every page exactly that page's signatures, and none on the
near-miss twins (pages named twin_*), so the suite cannot pass vacuously.
Needs no shared data (one optional page, JScript.Encode, is ClamAV's
unit-test sample, used when ../shared/data is present).

`python3 script.py` prints each page's source and clamscan's javascript
view (expected outputs for unit tests)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from compat import Scenario, shared_data

HEAD = b"<html><body>"
TAIL = b"</body></html>\n"
DUMMY_NDB = "Vigil.Script.Dummy:0:*:%s\n" % b"vigil-dummy-not-here".hex()
# Pages ClamAV writes no javascript file for (asserted both ways).
NO_SCRIPT_VIEW = {"twin_not_script.html", "twin_in_comment.html",
                  "twin_event_handler.html"}
PER_LINE = 3          # signatures taken from each script line at most
T0_EVERY = 3          # every third page also gets its first piece on T0


def page(*bodies):
    """An HTML page with one <script> per body, text in between."""
    mid = b"<p>text between</p>".join(b"<script>" + b + b"</script>"
                                      for b in bodies)
    return HEAD + b"<p>page</p>" + mid + TAIL


# ---- the two packers the normaliser decodes (our own encoders) ------------

B62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _base62(n):
    s = ""
    while True:
        s = B62[n % 62] + s
        n //= 62
        if not n:
            return s


def dean_edwards(src):
    """src packed as Dean Edwards' packer does (radix 62): every word
    replaced by its index in the word list."""
    words = []
    for w in re.findall(r"\w+", src):
        if w not in words:
            words.append(w)
    index = {w: _base62(i) for i, w in enumerate(words)}
    body = re.sub(r"\w+", lambda m: index[m.group()], src)
    body = body.replace("\\", "\\\\").replace("'", "\\'")
    unpacker = (
        "eval(function(p,a,c,k,e,d){e=function(c){return(c<a?'':"
        "e(parseInt(c/a)))+((c=c%a)>35?String.fromCharCode(c+29):"
        "c.toString(36))};if(!''.replace(/^/,String)){while(c--){"
        "d[e(c)]=k[c]||e(c)}k=[function(e){return d[e]}];"
        "e=function(){return'\\\\w+'};c=1};while(c--){if(k[c]){"
        "p=p.replace(new RegExp('\\\\b'+e(c)+'\\\\b','g'),k[c])}}"
        "return p}")
    call = "('%s',62,%d,'%s'.split('|'),0,{}))" % (body, len(words),
                                                  "|".join(words))
    return (unpacker + call).encode()


def _escape(text):
    return "".join(c if c.isalnum() else "%%%02X" % ord(c) for c in text)


def scriptasylum(text, shift=1):
    """dF('...') of scriptasylum's encoder: text escaped, every character
    shifted up by `shift`, escaped again, the shift appended."""
    shifted = "".join(chr(ord(c) + shift) for c in _escape(text))
    return ("dF('%s%d')" % (_escape(shifted), shift)).encode()


# ---- the pages ------------------------------------------------------------

def long_with_blanks():
    """A script of ~9 KB with blanks everywhere: ClamAV's 8191-byte chunks
    are cut back to a blank."""
    body = b"".join(b'var item%d = "value number %d here";\n' % (i, i)
                    for i in range(245))
    return page(body)


def long_split_escape(name, back, tail):
    """No blank at all before byte 8191, so ClamAV's first chunk is not
    cut back and ends inside a string that starts `back` bytes earlier:
    an escape at the chunk end is kept half-decoded (back 13: \\u0042 ->
    \\0042; back 7: \\x41 -> \\41)."""
    lead = HEAD + b"<script>x=1;"
    fill = 8191 - back - len(lead)
    pad = b"x=1;" * (fill // 4) + b";" * (fill % 4)
    mark = b'z="ab\\x41cd\\u0042ef";'
    return {name: lead + pad + mark + b"var last=\"" + tail +
            b"\";</script>" + TAIL}


def jscript_encode():
    """ClamAV's own JScript.Encode sample, made to start like the others."""
    data = shared_data()
    if data is None:
        return {}
    path = os.path.join(data, "clamav-unit-tests", "htmlnorm_scanfiles",
                        "htmlnorm_encode.html")
    with open(path, "rb") as f:
        return {"jscript_encode.html": HEAD + f.read() + TAIL}


def feature_pages():
    """One page per feature or quirk of the normaliser (its name says
    which); clamscan's view of each is in `python3 script.py`."""
    pages = {
        "var_basic.html": page(
            b"var alpha=1; var beta=alpha+2; gamma=beta*alpha;"),
        "var_redeclare.html": page(
            b"var count=1; var count=count+1; var other=count; var count;"),
        "var_list_top.html": page(
            b"var first=1,second=2,third=first+second; var first=9; "
            b"total=first+second+third;"),
        "var_list_in_function.html": page(
            b"function calc(){ var first=1,second=2; var third=first+second;"
            b" return first*second*third; } calc();"),
        "func_params.html": page(
            b"function add(left, right){ return left+right; } "
            b"var sum=add(3,4); document.write(sum);"),
        "func_nested.html": page(
            b"function outer(seed){ var hits=0; function inner(step){ "
            b"hits=hits+step; return seed+hits; } return inner; } "
            b"var counter=outer(10); counter(1); counter(2);"),
        "func_anonymous.html": page(
            b"var mul=function(a,b){return a*b}; (function(x){ return x; })"
            b"(1); setTimeout(function(){ alert(\"Later\"); }, 50); "
            b"var obj={run:function(k){return k}};"),
        "member_names.html": page(
            b"var doc=document; doc.body.innerHTML=\"Hi\"; var location=1; "
            b"window.location.href=\"http://Example.com/\"; "
            b"doc.write(location);"),
        "keywords.html": page(
            b"switch (mode) { case 1: break; default: mode=2; } try { throw "
            b"new Error(\"Bad\"); } catch (err) { void 0; } finally { delete "
            b"obj.key; } for (var key in obj) { if (key instanceof Object) "
            b"continue; } do { i++; } while (i < 3); var t = typeof this == "
            b"\"undefined\" ? null : true;"),
        "upper_case.html": page(
            b"VAR Alpha=1; Var Beta=2; var GAMMA=3; FUNCTION Fn(){} "
            b"Function Gn(){} function HN(P){ RETURN P; } IF (GAMMA) { "
            b"Alert(GAMMA); }"),
        "strings_escapes.html": page(
            rb"var s='A\x41\u0041\n\'\"\\z'; "
            rb'var t="Tab\there \x3Cb\x3E \u00e9 \u4e2d";'),
        "strings_backslash_quote.html": page(
            rb'var s="a\\"; var t="bee"; var u="sea";'),
        "strings_quotes.html": page(
            b"var a='It is \"quoted\"'; var b=\"It's Fine\"; var c='';"),
        "string_concat.html": page(
            b"var s=\"Ab\"+\"Cd\"+'Ef'; var t=\"x\"+1+\"y\"; "
            b"var u=(\"p\"+\"q\")+\"r\"; "
            b"document.write(\"<scr\"+\"ipt src=evil.js></scr\"+\"ipt>\");"),
        "unescape.html": page(
            b"document.write(unescape(\"%3Cb%3EHello%20%u0041%u0042"
            b"%3C/b%3E\")); var u=unescape('%41%42%43');"),
        "eval_string.html": page(
            b"eval(\"var x='y';\"); eval('function quick(){return 42}'); "
            b"eval(\"alert(\" + \"'joined'\" + \")\");"),
        "packer.html": page(dean_edwards(
            "var msg='Hello packed world';alert(msg);"
            "document.write(msg+msg);")),
        "dfunc.html": page(scriptasylum(
            'var Secret="dF decoded"; alert(Secret);')),
        "numbers.html": page(
            b"var a=1, b=0x10, c=3.5e2, d=12345678901234567890, e=0.5, "
            b"f=1e-7, g=077, h=1.0, i=.25, j=12345678901234, k=-42;"),
        "comment_line.html": page(
            b"var keep=1; // dropped comment words\nvar more=2; //tight\n"
            b"var last=3;\n//\nvar end=4;"),
        "comment_block.html": page(
            b"var keep=1; /* block\ncomment with var hidden=2; */ "
            b"var more=keep; /**/ var x=/* inline */3;"),
        "html_comment_in_script.html": page(
            b"<!--\nvar hidden=1;\nfunction show(){ return hidden; }\n// -->"),
        "regex.html": page(
            b"var r=/ab+c/gi; var s=txt.replace(/[0-9]+/g,\"X\"); "
            b"var t=4/2/1; var u=/\\/path\\//;"),
        "unbalanced_paren.html": page(
            b"function broken(a){ return (a+1; } var after=2;"),
        "unbalanced_brace.html": page(
            b"function open(a){ if (a) { var inner={{{a; "),
        "unterminated_string.html": page(
            b"var msg=\"never closed string"),
        "unclosed_script.html": HEAD + b"<p>x</p><script>var tail=\"no "
        b"end\"; function last(q){return q}",
        "two_scripts.html": page(b"var one=1;", b"var two=\"second\";"),
        "three_scripts.html": page(
            b"var uno=11;", b"function dos(){return 2}",
            b"var tres=unescape(\"%74%68%72%65%65\");"),
        "script_tags.html": HEAD +
        b"<script type=\"text/javascript\">var typed=3;</script>"
        b"<SCRIPT LANGUAGE=\"javascript\">var shout=\"up\";</SCRIPT>"
        b"<textarea><Script>var mixed=\"in area\";</Script></textarea>" +
        TAIL,
        "entities_in_script.html": page(
            b"var s=\"&lt;b&gt; &amp; &#65;\"; var amp=1;"),
        "whitespace.html": page(
            b"var   spaced   =   \"a  b\tc\" ;\n\n\tvar\ttabbed=1;\r\n"),
        "long_blanks.html": long_with_blanks(),
    }
    pages.update(long_split_escape("long_split_u.html", 13, b"tail u"))
    pages.update(long_split_escape("long_split_x.html", 7, b"tail x"))
    return pages


def twin_pages():
    """Near misses: no signature may fire on them."""
    return {
        "twin_undeclared.html": page(
            b"alpha=1; beta=alpha+2; gamma=beta*alpha;"),
        "twin_not_script.html": HEAD +
        b"<p>var alpha=1; var beta=alpha+2; gamma=beta*alpha;</p>" + TAIL,
        "twin_in_comment.html": HEAD +
        b"<!-- <script>var alpha=1; var beta=alpha+2;</script> -->" + TAIL,
        "twin_event_handler.html": HEAD +
        b"<a onclick=\"var alpha=1; var beta=alpha+2;\">x</a>" + TAIL,
        "twin_concat_minus.html": page(b"var s=\"Ab\"-\"Cd\"-'Ef';"),
        "twin_escape.html": page(
            b"document.write(escape(\"%3Cb%3EHello%20%u0041%u0042"
            b"%3C/b%3E\"));"),
        "twin_evaluate.html": page(b"evaluate(\"var x='y';\");"),
        "twin_numbers.html": page(b"var a=2, b=0x11, c=3.6e2;"),
    }


def all_pages():
    files = feature_pages()
    files.update(jscript_encode())
    files.update(twin_pages())
    return files


# ---- the oracle -----------------------------------------------------------

def clamscan_views(clamscan, path, dummy):
    """clamscan's views of one page: (javascript texts, other views),
    each sorted (ClamAV's temp-dir names are random)."""
    with tempfile.TemporaryDirectory(prefix="vigil-script-") as tmp:
        subprocess.run([clamscan, "--leave-temps", "--tempdir=" + tmp,
                        "-d", dummy, "--no-summary", path],
                       capture_output=True, timeout=120)
        js, other = [], []
        for root, _, names in os.walk(tmp):
            for n in names:
                with open(os.path.join(root, n), "rb") as f:
                    (js if n == "javascript" else other).append(f.read())
    return sorted(js), sorted(other)


def oracle(clamscan, files):
    """{name: (javascript lines, other views)}; raises when a page has a
    script view it should not have, or lacks one it should have."""
    views = {}
    with tempfile.TemporaryDirectory(prefix="vigil-script-") as work:
        dummy = os.path.join(work, "dummy.ndb")
        with open(dummy, "w") as f:
            f.write(DUMMY_NDB)
        for name in sorted(files):
            path = os.path.join(work, name)
            with open(path, "wb") as f:
                f.write(files[name])
            js, other = clamscan_views(clamscan, path, dummy)
            if bool(js) == (name in NO_SCRIPT_VIEW):
                want = "none" if js else "one or more"
                raise RuntimeError("clamscan left %d javascript files for "
                                   "%s, expected %s" % (len(js), name, want))
            lines = [ln for text in js for ln in text.split(b"\n") if ln]
            views[name] = (lines, other + [files[name]])
    return views


# ---- signatures from the oracle's text ------------------------------------

ANCHOR = re.compile(rb'n\d{3}|"[^"\n]{3,}"')
BLANKS = b" \t\n\v\f\r"


def usable(piece, elsewhere):
    """10-40 bytes without control bytes other than TAB, not starting or
    ending with a blank, and in no other view (elsewhere: one blob)."""
    if not 10 <= len(piece) <= 40 or piece.strip(BLANKS) != piece:
        return False
    if any(c < 0x20 and c != 0x09 for c in piece):
        return False
    return piece not in elsewhere


def _pick(line, starts, elsewhere, taken):
    """Spans of usable pieces near each start, not overlapping taken."""
    for a in starts:
        for back, size in ((6, 28), (0, 24), (10, 18), (0, 12), (3, 10)):
            s = max(0, a - back)
            span = (s, min(len(line), s + size))
            if usable(line[span[0]:span[1]], elsewhere) and \
                    all(span[1] <= b or span[0] >= e for b, e in taken):
                taken.append(span)
                break
    return taken


def pieces_of(line, elsewhere):
    """Up to PER_LINE non-overlapping pieces of one script line, spread
    over it: around renamed names and strings, else anywhere."""
    spans = _pick(line, [m.start() for m in ANCHOR.finditer(line)],
                  elsewhere, [])
    if len(spans) < 2:
        spans = _pick(line, range(0, len(line), 7), elsewhere, spans)
    spans.sort()
    if len(spans) > PER_LINE:
        spans = [spans[0], spans[len(spans) // 2], spans[-1]]
    return [line[b:e] for b, e in spans]


def _elsewhere(views, name):
    """One blob of every view a piece of page `name` must not be in: its
    own HTML views and source, and all views of all other pages."""
    parts = list(views[name][1])
    for other in sorted(views):
        if other != name:
            lines, rest = views[other]
            parts += lines + rest
    blob = b"\0".join(parts)
    return blob + b"\0" + blob.lower()


def signatures(views):
    """{name: [(signame, target, hex)]} for every page that is no twin:
    each piece on targets 3 and 7 (the text pass sees the script view as
    it is: no lower-casing or blank folding, measured with clamscan), and
    the first piece of every T0_EVERY-th page on target 0. Pieces are
    unique to their page, so each page fires its own signatures only."""
    sigs = {}
    pages = sorted(n for n in views if not n.startswith("twin_"))
    for i, name in enumerate(pages):
        elsewhere = _elsewhere(views, name)
        pieces = []
        for line in views[name][0]:
            pieces += [p for p in pieces_of(line, elsewhere)
                       if p not in pieces]
        if not pieces:
            raise RuntimeError("no usable piece of %s's script view" % name)
        stem = name.rsplit(".", 1)[0]
        out = []
        for k, p in enumerate(pieces):
            out.append(("JS.%s.%d.T3" % (stem, k), 3, p.hex()))
            out.append(("JS.%s.%d.T7" % (stem, k), 7, p.hex()))
        if i % T0_EVERY == 0:
            out.append(("JS.%s.0.T0" % stem, 0, pieces[0].hex()))
        sigs[name] = out
    return sigs


def ndb(sigs, targets=(0, 3, 7)):
    return "".join("%s:%d:*:%s\n" % (n, t, h)
                   for name in sorted(sigs) for n, t, h in sigs[name]
                   if t in targets)


def check_fires(clamscan, files, sigs):
    """clamscan --allmatch must fire on every page exactly its own
    signatures (none on a twin); raises otherwise."""
    with tempfile.TemporaryDirectory(prefix="vigil-script-") as work:
        db = os.path.join(work, "all.ndb")
        with open(db, "w") as f:
            f.write(ndb(sigs))
        for name in sorted(files):
            with open(os.path.join(work, name), "wb") as f:
                f.write(files[name])
        p = subprocess.run([clamscan, "--allmatch", "--no-summary", "-d", db]
                           + sorted(files), cwd=work, capture_output=True,
                           timeout=300)
    fired = {}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        m = re.match(r"(.*): (\S+?)(\.UNOFFICIAL)? FOUND$", line)
        if m:
            fired.setdefault(m.group(1), set()).add(m.group(2))
    bad = []
    for name in sorted(files):
        got = fired.get(name, set())
        want = {n for n, _, _ in sigs.get(name, [])}
        if want - got:
            bad.append("%s missed %s" % (name, sorted(want - got)))
        if got - want:
            bad.append("%s matched %s" % (name, sorted(got - want)))
    if bad:
        raise RuntimeError("oracle check failed:\n  " + "\n  ".join(bad))


def scenarios():
    clamscan = shutil.which("clamscan")
    if not clamscan:
        raise RuntimeError("clamscan not found; scripts/test.sh installs it")
    files = all_pages()
    sigs = signatures(oracle(clamscan, files))
    check_fires(clamscan, files, sigs)
    print("script view: %d pages, %d signatures" %
          (len(files), sum(len(s) for s in sigs.values())))
    return [
        Scenario("script", {"js.ndb": ndb(sigs)}, files),
        # Alone, so a target-7 match is not hidden behind the T3 one.
        Scenario("script-text", {"js7.ndb": ndb(sigs, (7,))}, files),
        # Target 0 sees the script view twice (as HTML and as text).
        Scenario("script-t0", {"js0.ndb": ndb(sigs, (0,))}, files),
    ]


SCRIPT = re.compile(rb"<script[^>]*>(.*?)(?:</script>|$)", re.I | re.S)


def dump(out):
    """Each page's script bodies (as written in the page) and clamscan's
    javascript view of it, for unit tests."""
    clamscan = shutil.which("clamscan")
    if not clamscan:
        raise SystemExit("clamscan not found")
    files = all_pages()
    views = oracle(clamscan, files)
    for name in sorted(files):
        out.write("=== %s\n" % name)
        for body in SCRIPT.findall(files[name]):
            out.write("--- script\n%r\n" % body)
        out.write("--- javascript\n")
        for line in views[name][0]:
            out.write("%r\n" % line)


if __name__ == "__main__":
    dump(sys.stdout)
