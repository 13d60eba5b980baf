// SPDX-License-Identifier: GPL-2.0-or-later
// jsnorm.c: ClamAV-compatible JavaScript normalisation, the "script view"
// of an HTML page that target-3 and target-7 signatures are matched against.
#include "fmt/jsnorm.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "fmt/jsnorm_private.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

/*
 * Signatures are written against ClamAV 1.4's normaliser output, so this
 * reproduces it, quirks included (SCAN-PIPELINE.md §7 lists the rules; the
 * code is our own):
 *  - the lexer (jsnorm_lex.c) turns bytes into tokens; its state carries
 *    over between the pieces it is fed, so a token may span two chunks;
 *  - a small state machine per function scope tells declarations ("var x",
 *    function names, parameters) from uses;
 *  - at the end, unescape("...") calls, eval("..."), scriptasylum's dF()
 *    and Dean Edwards' packer are folded by re-lexing their text in place;
 *  - declared names print as n000, n001, ... (the number given by their
 *    last declaration), everything lower-cased, blanks only between two
 *    alphanumerics.
 */

#define JS_MAX_DECODE_DEPTH 16
#define JS_LOOKUP_BUDGET ((size_t)64 << 20)
#define JS_OUT_BLOCK 65536u /* ClamAV writes its output in blocks this big */

static bool text_is(const char *s, const char *want)
{
    return s != NULL && strcmp(s, want) == 0;
}

/* ---- scopes ---- */

static uint64_t name_hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 0x100000001b3u;
    return h;
}

static struct name *name_slot(struct name *tab, size_t cap, const char *s,
                              size_t n)
{
    size_t i = (size_t)name_hash(s, n) & (cap - 1);

    while (tab[i].key != NULL &&
           !(tab[i].len == n && memcmp(tab[i].key, s, n) == 0))
        i = (i + 1) & (cap - 1);
    return &tab[i];
}

static bool scope_grow(struct scope *sc)
{
    size_t cap = sc->cap ? sc->cap * 2 : 8;
    struct name *tab = vigil_calloc(cap, sizeof *tab);

    if (tab == NULL)
        return false;
    for (size_t i = 0; i < sc->cap; i++)
        if (sc->tab[i].key != NULL)
            *name_slot(tab, cap, sc->tab[i].key, sc->tab[i].len) = sc->tab[i];
    vigil_free(sc->tab);
    sc->tab = tab;
    sc->cap = cap;
    return true;
}

static struct name *scope_find(const struct scope *sc, const char *s, size_t n)
{
    struct name *slot;

    if (sc->cap == 0)
        return NULL;
    slot = name_slot(sc->tab, sc->cap, s, n);
    return slot->key != NULL ? slot : NULL;
}

/* The scope's entry for a name, made (id -1) when missing; NULL: no memory. */
static struct name *scope_entry(struct vg_js *js, struct scope *sc,
                                const char *s, size_t n)
{
    struct name *slot = scope_find(sc, s, n);

    if (slot != NULL)
        return slot;
    if ((sc->used + 1) * 4 > sc->cap * 3 && !scope_grow(sc))
        goto nomem;
    slot = name_slot(sc->tab, sc->cap, s, n);
    slot->key = vigil_strndup(s, n);
    if (slot->key == NULL)
        goto nomem;
    slot->len = n;
    slot->id = -1;
    sc->used++;
    return slot;
nomem:
    js->nomem = true;
    return NULL;
}

/* A declaration takes the next number, also when the name had one. */
static const char *scope_declare(struct vg_js *js, struct scope *sc,
                                 const char *s, size_t n)
{
    struct name *e = scope_entry(js, sc, s, n);
    long id = (long)js->uniq++;

    if (e == NULL)
        return NULL;
    e->id = id;
    return e->key;
}

static const char *scope_use(struct vg_js *js, struct scope *sc, const char *s,
                             size_t n)
{
    struct name *e = scope_entry(js, sc, s, n);
    return e != NULL ? e->key : NULL;
}

/* The number a name is printed with, from the innermost scope declaring
 * it; -1: never declared, printed as written. */
static long scope_lookup(struct vg_js *js, const struct scope *sc,
                         const char *s)
{
    size_t n = strlen(s);

    for (; sc != NULL; sc = sc->parent) {
        const struct name *e = scope_find(sc, s, n);
        if (e != NULL && e->id != -1)
            return e->id;
        if (js->lookups == 0)
            break; /* pathological nesting: stop climbing */
        js->lookups--;
    }
    return -1;
}

static struct scope *scope_new(struct vg_js *js)
{
    struct scope *sc = vigil_calloc(1, sizeof *sc);

    if (sc == NULL) {
        js->nomem = true;
        return NULL;
    }
    sc->parent = js->current;
    sc->fsm = F_BASE;
    sc->all_next = js->all;
    js->all = sc;
    js->current = sc;
    return sc;
}

/* Charge @p n units of decoder work (bytes fed, tokens moved or walked);
 * at zero no more decoding is done for this script. */
static void spend(struct vg_js *js, size_t n)
{
    js->budget -= js->budget < n ? js->budget : n;
}

/* ---- the token list ---- */

static void tok_free(struct tok *t)
{
    if (t->kind == VK_STR)
        VIGIL_FREEP(&t->v.str);
}

static const char *tok_text(const struct tok *t)
{
    return t->kind == VK_TEXT ? t->v.text : t->kind == VK_STR ? t->v.str : NULL;
}

static const char *tok_str(const struct tok *t)
{
    return t->kind == VK_STR ? t->v.str : NULL;
}

static long tok_num(const struct tok *t)
{
    return t->kind == VK_INT ? t->v.num : -1;
}

static bool toks_reserve(struct toks *ts, size_t n)
{
    size_t cap;
    struct tok *t;

    if (n <= ts->cap)
        return true;
    if (n > VG_JS_MAX_TOKENS)
        return false;
    cap = ts->cap ? ts->cap : 256;
    while (cap < n)
        cap *= 2;
    if (cap > VG_JS_MAX_TOKENS)
        cap = VG_JS_MAX_TOKENS;
    t = vigil_reallocarray(ts->t, cap, sizeof *t);
    if (t == NULL)
        return false;
    ts->t = t;
    ts->cap = cap;
    return true;
}

/* Append; past VG_JS_MAX_TOKENS (or out of memory) the token is dropped. */
static void toks_add(struct toks *ts, struct tok *t)
{
    if (!toks_reserve(ts, ts->n + 1)) {
        tok_free(t);
        return;
    }
    ts->t[ts->n++] = *t;
}

static void toks_free(struct toks *ts)
{
    for (size_t i = 0; i < ts->n; i++)
        tok_free(&ts->t[i]);
    VIGIL_FREEP(&ts->t);
    ts->n = ts->cap = 0;
}

/* Tokens [begin, end) of @p dst become @p with's (moved, not copied).
 * @return false when the range is out of bounds or there is no room: then
 *         nothing changed and @p with still owns its tokens */
static bool toks_replace(struct vg_js *js, struct toks *dst, size_t begin,
                         size_t end, const struct toks *with)
{
    size_t wn = with != NULL ? with->n : 0;

    if (begin >= dst->n || end > dst->n || end < begin ||
        !toks_reserve(dst, dst->n - (end - begin) + wn))
        return false;
    for (size_t i = begin; i < end; i++)
        tok_free(&dst->t[i]);
    memmove(&dst->t[begin + wn], &dst->t[end], (dst->n - end) * sizeof *dst->t);
    if (wn > 0)
        memcpy(&dst->t[begin], with->t, wn * sizeof *dst->t);
    dst->n = dst->n - (end - begin) + wn;
    spend(js, dst->n - begin);
    return true;
}

/* ---- parsing: declarations and scopes ---- */

static void on_name(struct vg_js *js, struct scope *cur, struct tok *t)
{
    const char *s = js_cstr(&js->lx.text);
    size_t n = js->lx.text.len;

    if (cur->last == TK_DOT) { /* a member: x.write is not renamed */
        t->type = TK_MEMBER;
        t->kind = VK_STR;
        t->v.str = vigil_strndup(s, n);
        t->len = n;
        if (t->v.str == NULL)
            js->nomem = true;
        return;
    }
    switch (cur->fsm) {
    case F_VAR:
    case F_FDECL:
        t->v.text = scope_declare(js, cur, s, n);
        cur->fsm = F_INIT;
        cur->brackets = 0;
        break;
    case F_FNAME: /* the name goes into the function's own scope */
        t->v.text = scope_declare(js, cur, s, n);
        cur->fsm = F_PARAMS;
        break;
    default:
        t->v.text = scope_use(js, cur, s, n);
        break;
    }
}

/* "a" + "b" becomes "ab" while lexing. @return true when @p t was folded */
static bool fold_string(struct vg_js *js, struct tok *t)
{
    struct toks *ts = &js->toks;
    struct tok *prev;
    struct vigil_buf s;

    if (ts->n < 2 || ts->t[ts->n - 1].type != TK_PLUS ||
        ts->t[ts->n - 2].type != TK_STRING)
        return false;
    prev = &ts->t[ts->n - 2];
    if (prev->kind != VK_STR || prev->v.str == NULL || tok_str(t) == NULL)
        return false;
    vigil_buf_init(&s, SIZE_MAX);
    s.data = (uint8_t *)prev->v.str;
    s.len = prev->len;
    s.cap = prev->len + 1;
    if (!js_put(&s, t->v.str, t->len)) {
        js->nomem = true;
        return false;
    }
    prev->v.str = (char *)s.data;
    prev->len = s.len;
    ts->n--; /* the '+' (it owns nothing) */
    tok_free(t);
    return true;
}

/* The state machine of the scope the token arrives in; @p cur may change
 * (a function opens a scope, its closing brace leaves it). */
static bool on_token(struct vg_js *js, struct scope **curp, int type,
                     struct tok *t)
{
    struct scope *cur = *curp;

    switch (type) {
    case TK_VAR: cur->fsm = F_VAR; break;
    case TK_IDENT: on_name(js, cur, t); break;
    case TK_PAR_OPEN:
        if (cur->fsm == F_FNAME || cur->fsm == F_PARAMS)
            cur->fsm = F_FDECL;
        break;
    case TK_PAR_CLOSE:
        if (cur->fsm == F_PARAMS)
            cur->fsm = F_BASE;
        break;
    case TK_CURLY_OPEN:
        if (cur->fsm == F_FNAME || cur->fsm == F_PARAMS || cur->fsm == F_FDECL)
            cur->fsm = F_BASE;
        cur->blocks++;
        break;
    case TK_CURLY_CLOSE:
        if (cur->blocks > 0)
            cur->blocks--;
        if (cur->blocks == 0 && cur->parent != NULL) {
            /* the '}' then an end-of-function marker */
            toks_add(&js->toks, t);
            memset(t, 0, sizeof *t);
            t->type = TK_FUNCTION;
            t->kind = VK_SCOPE;
            js->current = *curp = cur->parent;
        }
        break;
    case TK_BRACKET_OPEN: cur->brackets++; break;
    case TK_BRACKET_CLOSE:
        if (cur->brackets > 0)
            cur->brackets--;
        break;
    case TK_COMMA:
        /* "var a=1, b" at a top level declares b too; not inside braces */
        if (cur->fsm == F_INIT && cur->brackets == 0 && cur->blocks == 0)
            cur->fsm = F_VAR;
        break;
    case TK_SEMICOLON:
        if (cur->brackets == 0 && cur->blocks == 0)
            cur->fsm = F_BASE;
        break;
    case TK_FUNCTION: {
        struct scope *sc = scope_new(js);
        if (sc != NULL) {
            *curp = sc;
            sc->fsm = F_FNAME;
        }
        t->kind = VK_SCOPE;
        t->v.scope = sc;
        break;
    }
    case TK_STRING:
        if (fold_string(js, t))
            return false;
        break;
    default: break;
    }
    return true;
}

static void js_feed(struct vg_js *js, const uint8_t *p, size_t n)
{
    struct scope *cur = js->current;
    struct tok t;
    int type;

    vg_js_lex_start(js, p, n);
    while ((type = vg_js_lex(js, &t)) != TK_NONE) {
        if (!on_token(js, &cur, type, &t))
            continue;
        toks_add(&js->toks, &t);
        cur->last = (uint8_t)type;
    }
}

/* ---- folders and decoders ---- */

/* unescape("...") becomes the unescaped string. The argument need not be
 * followed by ')': ClamAV replaces the four tokens from the name. */
static void fold_unescapes(struct vg_js *js)
{
    struct toks *ts = &js->toks;
    size_t w = 0, r = 0, n = ts->n;

    while (r < n) {
        struct tok *t = &ts->t[r];
        if (r + 2 < n && r + 4 <= n && t->type == TK_IDENT &&
            text_is(tok_text(t), "unescape") && t[1].type == TK_PAR_OPEN &&
            t[2].type == TK_STRING && tok_str(&t[2]) != NULL) {
            struct tok s = {.type = TK_STRING, .kind = VK_STR};
            s.v.str = vg_js_unescape(t[2].v.str, t[2].len, &s.len);
            if (s.v.str == NULL)
                js->nomem = true;
            for (size_t i = 0; i < 4; i++)
                tok_free(&t[i]);
            ts->t[w++] = s;
            r += 4;
            continue;
        }
        ts->t[w++] = ts->t[r++];
    }
    ts->n = w;
}

struct decode {
    size_t begin, end; /* the tokens the decoded text replaces */
    struct vigil_buf text; /* owned text to re-lex */
    const char *borrowed; /* or text owned by a token in [begin, end) */
    size_t borrowed_len;
    bool append; /* delete [begin, end) and add the new tokens at the end */
};

/* Dean Edwards' packer: function(p,a,c,k,e,d) — ClamAV checks only that
 * the parameters start with "p,a,c,". */
static bool packer_params(const struct toks *ts, size_t i)
{
    static const char *const names[] = {"p", "a", "c"};
    const struct tok *t = ts->t;

    if (i + 6 >= ts->n || t[i].type != TK_PAR_OPEN)
        return false;
    for (size_t k = 0; k < 3; k++) {
        const struct tok *name = &t[i + 1 + 2 * k];
        if (name->type != TK_IDENT || !text_is(tok_text(name), names[k]) ||
            t[i + 2 + 2 * k].type != TK_COMMA)
            return false;
    }
    return true;
}

/* The first token of each of six arguments from @p *at; @return false when
 * the tokens ran out first. */
static bool six_args(const struct toks *ts, size_t *at, size_t args[6])
{
    size_t i = *at, k;

    for (k = 0; k < 6 && i < ts->n; k++) {
        args[k] = i++;
        while (i < ts->n && ts->t[i].type != (k < 5 ? TK_COMMA : TK_PAR_CLOSE))
            i++;
        i++;
    }
    *at = i;
    return k == 6;
}

/* The packer's decoding: each word of p, read as a number in base a
 * (0-9, a-z, A-Z), is replaced by that entry of k.split('|'). */
static void unpack(struct vg_js *js, const size_t args[6],
                   struct vigil_buf *out)
{
    const struct tok *t = js->toks.t;
    const char *p = tok_text(&t[args[0]]), *k = tok_str(&t[args[3]]);
    long base = tok_num(&t[args[1]]);
    struct span_s { const char *p; size_t len; } *words;
    size_t nwords = 1;

    if (p == NULL || k == NULL)
        return;
    for (const char *c = k; *c != '\0'; c++)
        nwords += *c == '|';
    words = vigil_calloc(nwords, sizeof *words);
    if (words == NULL) {
        js->nomem = true;
        return;
    }
    for (size_t w = 0; w < nwords; w++) {
        const char *bar = strchr(k, '|');
        words[w].p = k;
        words[w].len = bar != NULL ? (size_t)(bar - k) : strlen(k);
        k += words[w].len + 1;
    }
    while (*p != '\0' && out->len <= js->budget) {
        const char *word;
        uint32_t val = 0;
        while (*p != '\0' && !js_isalnum((uint8_t)*p)) {
            if (*p == '\\' && (p[1] == '\'' || p[1] == '"'))
                p++;
            else
                js_putc(out, (uint8_t)*p++);
        }
        if (*p == '\0')
            break;
        for (word = p; js_isalnum((uint8_t)*p); p++) {
            uint8_t c = (uint8_t)*p;
            unsigned x = c >= 'a' ? 10u + c - 'a' : c >= 'A' ? 36u + c - 'A' : (unsigned)c - '0';
            val = (uint32_t)((int64_t)val * base + x);
        }
        if (val >= nwords || words[val].len == 0)
            js_put(out, word, (size_t)(p - word));
        else
            js_put(out, words[val].p, words[val].len);
    }
    vigil_free(words);
}

/* A packer function at @p at (its '('): decode the call right after it,
 * or, when it has a name, every later call of that name. */
static void find_packer(struct vg_js *js, size_t at, const char *name,
                        struct decode *d)
{
    const struct toks *ts = &js->toks;
    size_t i = at, nesting = 1, args[6], first = SIZE_MAX, last = 0;

    for (; i < ts->n; i++) {
        if (ts->t[i].type != TK_FUNCTION)
            continue;
        if (ts->t[i].v.scope != NULL)
            nesting++;
        else
            nesting--;
        if (nesting == 0)
            break;
    }
    spend(js, i - at);
    if (nesting != 0)
        return;
    if (name != NULL) {
        for (; i + 2 < ts->n; i++) {
            if (ts->t[i].type != TK_IDENT || !text_is(tok_text(&ts->t[i]), name) ||
                ts->t[i + 1].type != TK_PAR_OPEN)
                continue;
            i += 2;
            if (six_args(ts, &i, args)) {
                first = first == SIZE_MAX ? args[0] : first;
                last = args[5];
                unpack(js, args, &d->text);
            }
        }
    } else {
        while (i < ts->n && ts->t[i].type != TK_PAR_OPEN)
            i++;
        if (++i >= ts->n)
            return;
        if (six_args(ts, &i, args)) {
            first = args[0];
            last = args[5];
            unpack(js, args, &d->text);
        }
    }
    if (first == SIZE_MAX)
        return;
    d->begin = first;
    d->end = last + 1;
    if (d->end + 2 < ts->n && ts->t[d->end].type == TK_BRACKET_OPEN &&
        ts->t[d->end + 1].type == TK_BRACKET_CLOSE &&
        ts->t[d->end + 2].type == TK_PAR_CLOSE)
        d->end += 3;
    else if (d->end < ts->n)
        d->end++;
}

/* scriptasylum's dF("..."): the last digit is a shift, the rest is
 * unescaped, shifted down, and unescaped again. */
static void decode_df(struct vg_js *js, size_t at, struct decode *d)
{
    struct tok *t = &js->toks.t[at];
    char *once, *twice;
    size_t len, n1, n2;
    uint8_t shift;

    if (t->type != TK_STRING || tok_str(t) == NULL || t->len == 0)
        return;
    len = t->len;
    shift = (uint8_t)((uint8_t)t->v.str[len - 1] - '0');
    t->v.str[--t->len] = '\0'; /* ClamAV cuts the token's own string */
    once = vg_js_unescape(t->v.str, t->len, &n1);
    if (once == NULL) {
        js->nomem = true;
        return;
    }
    for (size_t i = 0; i < n1; i++)
        once[i] = (char)((uint8_t)once[i] - shift);
    twice = vg_js_unescape(once, strlen(once), &n2); /* up to a NUL made above */
    vigil_free(once);
    if (twice == NULL) {
        js->nomem = true;
        return;
    }
    d->text.data = (uint8_t *)twice;
    d->text.len = n2;
    d->text.cap = n2 + 1;
    d->begin = at - 2;
    d->end = at + 2;
    d->append = true;
}

/* eval("...") is replaced by the tokens of its string. */
static void decode_eval(struct vg_js *js, size_t at, struct decode *d)
{
    const struct tok *t = js->toks.t;

    if (at + 1 >= js->toks.n || tok_str(&t[at]) == NULL ||
        t[at + 1].type != TK_PAR_CLOSE)
        return;
    d->borrowed = t[at].v.str;
    d->borrowed_len = t[at].len;
    d->begin = at - 2;
    d->end = at + 2;
}

/* Re-lex the decoded text as a nested script (with the current scope) and
 * put its tokens in place of the call. */
static void apply_decode(struct vg_js *js, struct decode *d)
{
    struct toks parent = js->toks;
    const char *text =
        d->borrowed != NULL ? d->borrowed : (const char *)d->text.data;
    size_t len = d->borrowed != NULL ? d->borrowed_len : d->text.len;

    if (d->end < parent.n && parent.t[d->end].type == TK_SEMICOLON)
        d->end++;
    if (len > js->budget) {
        js->budget = 0; /* spent: no more decoding for this script */
        return;
    }
    js->budget -= len;
    memset(&js->toks, 0, sizeof js->toks);
    if (++js->rec <= JS_MAX_DECODE_DEPTH) {
        js_feed(js, (const uint8_t *)(text != NULL ? text : ""), len);
        js->rec--;
    } /* else ClamAV leaves the depth counter raised: no more decoding */
    if (!d->append) {
        if (toks_replace(js, &parent, d->begin, d->end, &js->toks))
            js->toks.n = 0;
    } else {
        toks_replace(js, &parent, d->begin, d->end, NULL);
        if (js->toks.n > 0 && toks_reserve(&parent, parent.n + js->toks.n)) {
            memcpy(&parent.t[parent.n], js->toks.t, js->toks.n * sizeof *parent.t);
            parent.n += js->toks.n;
            js->toks.n = 0;
        }
    }
    toks_free(&js->toks);
    js->toks = parent;
}

/* Follow the scopes as the output does: a function's token enters its
 * scope, its end marker leaves it. @return false for the end marker,
 * which is not printed. */
static bool track_scope(struct vg_js *js, const struct tok *t)
{
    if (t->type != TK_FUNCTION)
        return true;
    if (t->v.scope != NULL) {
        js->current = t->v.scope;
        return true;
    }
    if (js->current->parent != NULL)
        js->current = js->current->parent;
    return false;
}

static void detect_decode(struct vg_js *js, size_t *ip, struct decode *d)
{
    const struct toks *ts = &js->toks;
    size_t i = *ip;
    const struct tok *t = &ts->t[i];
    const char *text = tok_text(t);

    if (t->type == TK_FUNCTION && i + 13 < ts->n) {
        const char *name = NULL;
        i++;
        if (ts->t[i].type == TK_IDENT) {
            name = tok_text(&ts->t[i]);
            i++;
        }
        if (packer_params(ts, i))
            find_packer(js, i, name, d);
        *ip = i;
    } else if (i + 2 < ts->n && t->type == TK_IDENT &&
               t[1].type == TK_PAR_OPEN && text_is(text, "dF")) {
        decode_df(js, i + 2, d);
    } else if (i + 2 < ts->n && t->type == TK_IDENT &&
               t[1].type == TK_PAR_OPEN && text_is(text, "eval")) {
        decode_eval(js, i + 2, d);
    }
}

static void run_decoders(struct vg_js *js)
{
    for (size_t i = 0; i < js->toks.n; i++) {
        struct decode d = {0};
        vigil_buf_init(&d.text, SIZE_MAX);
        if (js->budget > 0)
            detect_decode(js, &i, &d);
        if (d.end > d.begin)
            apply_decode(js, &d);
        vigil_buf_free(&d.text);
        if (i < js->toks.n && js->current != NULL)
            track_scope(js, &js->toks.t[i]);
    }
}

/* ---- output ---- */

struct out {
    struct vigil_buf *b;
    int err;
};

static void out_putc(struct out *o, uint8_t c)
{
    if (o->err == VIGIL_OK)
        o->err = vigil_buf_append(o->b, &c, 1);
}

/* Lower-cased, each blank a space (as ClamAV prints every token). */
static void out_puts(struct out *o, const char *s)
{
    for (; *s != '\0'; s++) {
        uint8_t c = (uint8_t)*s;
        out_putc(o, js_isspace(c) ? ' ' : (c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
}

static void out_space(struct out *o, char last, char next)
{
    if (js_isalnum((uint8_t)last) && js_isalnum((uint8_t)next))
        out_putc(o, ' ');
}

/* @return the last character printed, for the blank rule */
static char out_token(struct vg_js *js, struct out *o, const struct tok *t,
                      char last)
{
    char num[64];
    const char *s = tok_text(t);

    switch (t->type) {
    case TK_STRING:
        out_putc(o, '"');
        if (s != NULL)
            out_puts(o, s);
        out_putc(o, '"');
        return '"';
    case TK_INT:
    case TK_FLOAT:
        out_space(o, last, '0');
        if (t->type == TK_INT) {
            snprintf(num, sizeof num, "%ld", t->v.num);
        } else {
            locale_t old = vg_js_c_locale_enter();
            snprintf(num, sizeof num, "%g", t->v.dbl);
            vg_js_c_locale_leave(old);
        }
        out_puts(o, num);
        return '0';
    case TK_IDENT:
        out_space(o, last, 'a');
        if (s != NULL) {
            long id = scope_lookup(js, js->current, s);
            if (id >= 0) {
                snprintf(num, sizeof num, "n%03ld", id);
                s = num;
            }
            out_puts(o, s);
        }
        return 'a';
    case TK_FUNCTION:
        out_space(o, last, 'a');
        out_puts(o, "function");
        return 'a';
    default:
        if (s == NULL)
            return '\0';
        out_space(o, last, s[0]);
        out_puts(o, s);
        return s[0] != '\0' ? s[strlen(s) - 1] : '\0';
    }
}

static int write_script(struct vg_js *js, struct vigil_buf *b)
{
    struct out o = {b, VIGIL_OK};
    size_t start = b->len, written;
    char last = '\0';

    if (b->len > 0)
        out_putc(&o, '\n');
    out_puts(&o, "<script>");
    js->current = js->global;
    for (size_t i = 0; i < js->toks.n && o.err == VIGIL_OK; i++)
        if (track_scope(js, &js->toks.t[i]))
            last = out_token(js, &o, &js->toks.t[i], last);
    /* "</script>" is added unless the script's own tokens ended with it, as
     * far as ClamAV can see into its last 64 KiB output block */
    written = b->len - start;
    if (o.err == VIGIL_OK &&
        (written % JS_OUT_BLOCK < 9 ||
         memcmp(b->data + b->len - 9, "</script>", 9) != 0))
        out_puts(&o, "</script>");
    return o.err;
}

/* ---- the interface ---- */

struct vg_js *vg_js_new(void)
{
    struct vg_js *js = vigil_calloc(1, sizeof *js);

    if (js == NULL)
        return NULL;
    js->budget = VG_JS_DECODE_BUDGET;
    js->lookups = JS_LOOKUP_BUDGET;
    vigil_buf_init(&js->lx.text, SIZE_MAX);
    js->global = scope_new(js);
    if (js->global == NULL) {
        vigil_free(js);
        return NULL;
    }
    return js;
}

void vg_js_feed(struct vg_js *js, const uint8_t *p, size_t n)
{
    if (js != NULL && n > 0)
        js_feed(js, p, n);
}

/* ')' for every '(' left open, so that the decoders find their calls. */
static void close_parens(struct vg_js *js)
{
    size_t open = 0;

    for (size_t i = 0; i < js->toks.n; i++) {
        if (js->toks.t[i].type == TK_PAR_OPEN)
            open++;
        else if (js->toks.t[i].type == TK_PAR_CLOSE && open > 0)
            open--;
    }
    while (open-- > 0) {
        struct tok t = {0};
        set_text(&t, TK_PAR_CLOSE, ")");
        toks_add(&js->toks, &t);
    }
}

int vg_js_finish(struct vg_js *js, struct vigil_buf *out)
{
    int ret;

    if (js == NULL)
        return VIGIL_E_NOMEM;
    if (js->lx.st == L_DQ || js->lx.st == L_SQ) /* close an open string */
        js_feed(js, (const uint8_t *)(js->lx.st == L_DQ ? "\"" : "'"), 1);
    close_parens(js);
    fold_unescapes(js);
    run_decoders(js);
    ret = write_script(js, out);
    return ret == VIGIL_OK && js->nomem ? VIGIL_E_NOMEM : ret;
}

void vg_js_free(struct vg_js *js)
{
    if (js == NULL)
        return;
    toks_free(&js->toks);
    while (js->all != NULL) {
        struct scope *next = js->all->all_next;
        for (size_t i = 0; i < js->all->cap; i++)
            vigil_free(js->all->tab[i].key);
        vigil_free(js->all->tab);
        vigil_free(js->all);
        js->all = next;
    }
    vigil_buf_free(&js->lx.text);
    vigil_free(js);
}

int vg_js_normalize(struct vigil_span in, struct vigil_buf *out)
{
    struct vg_js *js = vg_js_new();
    int ret;

    if (js == NULL)
        return VIGIL_E_NOMEM;
    vg_js_feed(js, in.p, in.len);
    ret = vg_js_finish(js, out);
    vg_js_free(js);
    return ret;
}
