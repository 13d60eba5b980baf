// SPDX-License-Identifier: GPL-2.0-or-later
// pattern.c: parses ClamAV hex patterns (.ndb bodies, .ldb subsignatures)
// into segments and gaps; matches one segment at a position.
#include "match/pattern.h"

#include <string.h>

#include "util/alloc.h"
#include "vigil/vigil.h"

/* Exact gaps up to this many bytes stay inside a segment as wildcards,
 * which keeps segments long and verification simple. */
#define INLINE_GAP_MAX 128
/* Longest pattern text, after expanding generic alternatives. */
#define PATTERN_TEXT_MAX (1u << 16)

/* ---- storage ----------------------------------------------------------- */

void vg_patstore_init(struct vg_patstore *ps)
{
    memset(ps, 0, sizeof *ps);
}

void vg_patstore_free(struct vg_patstore *ps)
{
    vigil_free(ps->pats);
    vigil_free(ps->segs);
    vigil_free(ps->elems);
    vigil_free(ps->classes);
    vigil_free(ps->alts);
    vigil_free(ps->altbytes);
    vigil_free(ps->altmasks);
    memset(ps, 0, sizeof *ps);
}

void vg_patstore_mark(const struct vg_patstore *ps, struct vg_patstore_mark *m)
{
    m->npats = ps->npats;
    m->nsegs = ps->nsegs;
    m->nelems = ps->nelems;
    m->nclasses = ps->nclasses;
    m->nalts = ps->nalts;
    m->naltbytes = ps->naltbytes;
}

void vg_patstore_rollback(struct vg_patstore *ps,
                          const struct vg_patstore_mark *m)
{
    ps->npats = m->npats;
    ps->nsegs = m->nsegs;
    ps->nelems = m->nelems;
    ps->nclasses = m->nclasses;
    ps->nalts = m->nalts;
    ps->naltbytes = m->naltbytes;
}

/* Make room for one more item in a growable array. */
static int grow(void **arr, uint32_t *cap, uint32_t n, size_t size,
                uint32_t extra)
{
    uint32_t ncap;
    void *p;
    if (n + (uint64_t)extra <= *cap)
        return VIGIL_OK;
    if (n + (uint64_t)extra > UINT32_MAX / 2)
        return VIGIL_E_LIMIT;
    ncap = *cap ? *cap : 64;
    while (ncap < n + extra)
        ncap *= 2;
    p = vigil_reallocarray(*arr, ncap, size);
    if (!p)
        return VIGIL_E_NOMEM;
    *arr = p;
    *cap = ncap;
    return VIGIL_OK;
}

#define GROW(ps, arr, n, cap, extra)                                         \
    grow((void **)&(ps)->arr, &(ps)->cap, (ps)->n, sizeof *(ps)->arr, extra)

/* ---- parse state --------------------------------------------------------- */

struct pstate {
    struct vg_patstore *ps;
    const char *s;
    size_t len, i;
    unsigned flags;
    const char *err;
    uint32_t seg;          /* current segment index */
    uint32_t gap_min, gap_max;
};

static int fail(struct pstate *st, const char *why)
{
    st->err = why;
    return VIGIL_E_DB;
}

static int add_elem(struct pstate *st, struct vg_elem e)
{
    struct vg_patstore *ps = st->ps;
    int ret = GROW(ps, elems, nelems, cap_elems, 1);
    if (ret != VIGIL_OK)
        return ret;
    ps->elems[ps->nelems++] = e;
    ps->segs[st->seg].nelems++;
    ps->segs[st->seg].len += e.width;
    return VIGIL_OK;
}

static int add_byte(struct pstate *st, uint8_t val, uint8_t mask)
{
    struct vg_elem e = {VG_EL_BYTE, val, mask, 1, 0};
    int ret;
    bool letter = (val | 0x20) >= 'a' && (val | 0x20) <= 'z';
    if ((st->flags & VG_PAT_NOCASE) && mask == 0xff && letter) {
        e.kind = VG_EL_NOCASE;
        e.val = (uint8_t)(val | 0x20);
    }
    ret = add_elem(st, e);
    if (ret == VIGIL_OK && (st->flags & VG_PAT_WIDE)) {
        struct vg_elem zero = {VG_EL_BYTE, 0, 0xff, 1, 0};
        ret = add_elem(st, zero);
    }
    return ret;
}

static int open_segment(struct pstate *st)
{
    struct vg_patstore *ps = st->ps;
    int ret = GROW(ps, segs, nsegs, cap_segs, 1);
    struct vg_seg *sg;
    if (ret != VIGIL_OK)
        return ret;
    st->seg = ps->nsegs++;
    sg = &ps->segs[st->seg];
    memset(sg, 0, sizeof *sg);
    sg->first_elem = ps->nelems;
    sg->gap_min = st->gap_min;
    sg->gap_max = st->gap_max;
    st->gap_min = st->gap_max = 0;
    ps->pats[ps->npats].nsegs++;
    return VIGIL_OK;
}

/* A gap closes the current segment; the next element opens a new one. */
static int add_gap(struct pstate *st, uint32_t lo, uint32_t hi)
{
    struct vg_patstore *ps = st->ps;
    uint32_t k = st->flags & VG_PAT_WIDE ? 2 : 1;
    if (ps->segs[st->seg].nelems == 0)
        return fail(st, "pattern starts with a gap or has two in a row");
    if (lo <= INLINE_GAP_MAX && lo == hi && st->gap_max == 0 &&
        st->gap_min == 0) {
        for (uint32_t j = 0; j < lo * k; j++) {
            struct vg_elem any = {VG_EL_BYTE, 0, 0, 1, 0};
            int ret = add_elem(st, any);
            if (ret != VIGIL_OK)
                return ret;
        }
        return VIGIL_OK;
    }
    st->gap_min = lo * k;
    st->gap_max = hi == VG_GAP_INF ? VG_GAP_INF : hi * k;
    return open_segment(st);
}

static int nibble(char c, uint8_t *v, uint8_t *m)
{
    int h = vigil_hexval(c);
    if (c == '?') {
        *v = 0;
        *m = 0;
        return 0;
    }
    if (h < 0)
        return 1;
    *v = (uint8_t)h;
    *m = 0xf;
    return 0;
}

/* Two characters: hex byte, ?? or a nibble wildcard. */
static int parse_hexbyte(const char *p, uint8_t *val, uint8_t *mask)
{
    uint8_t hv, hm, lv, lm;
    if (nibble(p[0], &hv, &hm) || nibble(p[1], &lv, &lm))
        return 1;
    *val = (uint8_t)(hv << 4 | lv);
    *mask = (uint8_t)(hm << 4 | lm);
    return 0;
}

static int parse_number(struct pstate *st, uint32_t *out)
{
    uint64_t v = 0;
    size_t start = st->i;
    while (st->i < st->len && st->s[st->i] >= '0' && st->s[st->i] <= '9') {
        v = v * 10 + (uint64_t)(st->s[st->i++] - '0');
        if (v > (1u << 30))
            return fail(st, "gap too large");
    }
    if (st->i == start)
        return fail(st, "expected a number");
    *out = (uint32_t)v;
    return VIGIL_OK;
}

/* {n} {-n} {n-} {n-m} and [x-y]; the opening bracket is consumed. A
 * [x-y] gap lets the single byte beside it stand as a piece of its own. */
static int parse_range(struct pstate *st, char close)
{
    uint32_t lo = 0, hi;
    int ret;
    if (st->i < st->len && st->s[st->i] == '-') {
        st->i++;
        if ((ret = parse_number(st, &hi)) != VIGIL_OK)
            return ret;
    } else {
        if ((ret = parse_number(st, &lo)) != VIGIL_OK)
            return ret;
        hi = lo;
        if (st->i < st->len && st->s[st->i] == '-') {
            st->i++;
            hi = VG_GAP_INF;
            if (st->i < st->len && st->s[st->i] != close &&
                (ret = parse_number(st, &hi)) != VIGIL_OK)
                return ret;
        }
    }
    if (st->i >= st->len || st->s[st->i] != close)
        return fail(st, "unterminated gap");
    st->i++;
    if (hi < lo)
        return fail(st, "gap range upside down");
    if (close == '}' && hi == 0) /* ClamAV reads {0}, {-0}, {0-0} as '*' */
        hi = VG_GAP_INF;
    if (close == ']')
        st->ps->segs[st->seg].near = 1;
    ret = add_gap(st, lo, hi);
    if (ret == VIGIL_OK && close == ']')
        st->ps->segs[st->seg].near = 1;
    return ret;
}

/* ---- alternatives -------------------------------------------------------- */

static void class_set(uint8_t *cls, unsigned b)
{
    cls[b >> 3] = (uint8_t)(cls[b >> 3] | (1u << (b & 7)));
}

static bool is_eol(uint8_t c)
{
    return c == '\n' || c == '\r';
}

static bool is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int add_class(struct pstate *st, const uint8_t *cls)
{
    struct vg_patstore *ps = st->ps;
    struct vg_elem e = {VG_EL_CLASS, 0, 0, 1, ps->nclasses};
    int ret = GROW(ps, classes, nclasses, cap_classes, 1);
    if (ret != VIGIL_OK)
        return ret;
    memcpy(ps->classes[ps->nclasses++], cls, 32);
    ret = add_elem(st, e);
    if (ret == VIGIL_OK && (st->flags & VG_PAT_WIDE)) {
        struct vg_elem zero = {VG_EL_BYTE, 0, 0xff, 1, 0};
        ret = add_elem(st, zero);
    }
    return ret;
}

/* The alternatives of a group between st->i and its ')': their count and
 * their width in hex characters (-1 when they differ). */
static int group_shape(const struct pstate *st, size_t *end, unsigned *count,
                       long *width)
{
    size_t i = st->i, start = st->i;
    *count = 1;
    *width = -2;
    for (; i < st->len && st->s[i] != ')'; i++) {
        if (st->s[i] == '(')
            return 1; /* nested groups: not ClamAV syntax */
        if (st->s[i] != '|')
            continue;
        *width = *width == -2 || *width == (long)(i - start) ? (long)(i - start)
                                                             : -1;
        start = i + 1;
        (*count)++;
    }
    if (i >= st->len)
        return 1;
    *width = *width == -2 || *width == (long)(i - start) ? (long)(i - start)
                                                         : -1;
    *end = i;
    return 0;
}

static int add_alt_group(struct pstate *st, size_t end, unsigned count,
                         unsigned w, bool neg)
{
    struct vg_patstore *ps = st->ps;
    struct vg_alt alt = {ps->naltbytes, (uint16_t)w, (uint16_t)count, neg};
    struct vg_elem e = {VG_EL_ALT, 0, 0, (uint8_t)w, ps->nalts};
    int ret;
    if (w > 255 || count > 1024)
        return fail(st, "alternative too large");
    if ((ret = GROW(ps, alts, nalts, cap_alts, 1)) != VIGIL_OK ||
        (ret = grow((void **)&ps->altbytes, &ps->cap_altbytes, ps->naltbytes,
                    1, count * w)) != VIGIL_OK)
        return ret;
    /* altmasks shares altbytes' capacity */
    {
        void *p = vigil_realloc(ps->altmasks, ps->cap_altbytes);
        if (!p)
            return VIGIL_E_NOMEM;
        ps->altmasks = p;
    }
    for (size_t i = st->i; i < end; i++) {
        if (st->s[i] == '|')
            continue;
        if (parse_hexbyte(st->s + i, &ps->altbytes[ps->naltbytes],
                          &ps->altmasks[ps->naltbytes]))
            return fail(st, "bad hex in alternative");
        ps->naltbytes++;
        i++;
    }
    ps->alts[ps->nalts++] = alt;
    st->i = end + 1;
    if (st->flags & VG_PAT_WIDE)
        return fail(st, "multi-byte alternative in a wide pattern");
    return add_elem(st, e);
}

static int add_byte_class(struct pstate *st, size_t end, bool neg)
{
    uint8_t cls[32] = {0};
    for (size_t i = st->i; i < end; i += 3) {
        uint8_t v, m;
        if (parse_hexbyte(st->s + i, &v, &m))
            return fail(st, "bad hex in alternative");
        for (unsigned b = 0; b < 256; b++)
            if ((b & m) == v)
                class_set(cls, b);
    }
    if (neg)
        for (int k = 0; k < 32; k++)
            cls[k] = (uint8_t)~cls[k];
    st->i = end + 1;
    return add_class(st, cls);
}

/*
 * Which bytes delimit a word for (B), measured against clamscan: bit 1 may
 * stand before a word, bit 2 after it. Letters, digits and most
 * punctuation are neither.
 */
static uint8_t word_bound_bits(uint8_t c)
{
    switch (c) {
    case ' ': case '-': case '/': case '_':
        return 3;
    case '.': case '<': case '@':
        return 1;
    case '\n': case '\r': case '"': case '\'': case '=': case '>':
        return 2;
    default:
        return 0;
    }
}

/* (W) is a non-alphanumeric byte. (B) and (L) look at the byte just
 * outside the pattern (or the file's edge) when they start or end it;
 * inside a pattern they match one byte of their class. */
static int add_special(struct pstate *st, char what)
{
    struct vg_patstore *ps = st->ps;
    struct vg_elem e = {VG_EL_BOUND, (uint8_t)what, 0, 0, 0};
    const struct vg_pat *p = &ps->pats[ps->npats];
    uint8_t cls[32] = {0};
    st->i += 2;
    if (what != 'W' && p->nsegs == 1 && ps->segs[st->seg].nelems == 0)
        return add_elem(st, e);
    if (what != 'W' && st->i == st->len) {
        e.mask = 1;
        return add_elem(st, e);
    }
    /* Inside a pattern each is one byte of its class. */
    for (unsigned b = 0; b < 256; b++)
        if (what == 'W'   ? !is_alnum((uint8_t)b)
            : what == 'L' ? is_eol((uint8_t)b)
                          : word_bound_bits((uint8_t)b) != 0)
            class_set(cls, b);
    return add_class(st, cls);
}

/* After '(' (and '!' for negated groups). */
static int parse_group(struct pstate *st, bool neg)
{
    size_t end;
    unsigned count;
    long width;
    if (st->i + 2 <= st->len && st->s[st->i + 1] == ')' &&
        strchr("BLW", st->s[st->i]) && !neg)
        return add_special(st, st->s[st->i]);
    if (group_shape(st, &end, &count, &width) || width <= 0 || width % 2)
        return fail(st, "malformed alternative");
    if (width == 2)
        return add_byte_class(st, end, neg);
    return add_alt_group(st, end, count, (unsigned)width / 2, neg);
}

/* ---- one variant --------------------------------------------------------- */

static int parse_token(struct pstate *st)
{
    char c = st->s[st->i];
    uint8_t v, m;
    switch (c) {
    case '*':
        st->i++;
        return add_gap(st, 0, VG_GAP_INF);
    case '{':
        st->i++;
        return parse_range(st, '}');
    case '[':
        st->i++;
        return parse_range(st, ']');
    case '(':
        st->i++;
        return parse_group(st, false);
    case '!':
        if (st->i + 1 >= st->len || st->s[st->i + 1] != '(')
            return fail(st, "'!' must start a negated group");
        st->i += 2;
        return parse_group(st, true);
    default:
        if (st->i + 1 >= st->len || parse_hexbyte(st->s + st->i, &v, &m))
            return fail(st, "bad hex byte");
        st->i += 2;
        return add_byte(st, v, m);
    }
}

static bool has_byte_elem(const struct vg_patstore *ps, const struct vg_seg *sg)
{
    for (uint32_t e = 0; e < sg->nelems; e++)
        if (ps->elems[sg->first_elem + e].kind != VG_EL_BOUND)
            return true;
    return false;
}

/* Longest run of literal bytes in a segment; *all_literal when nothing
 * else is in it. */
static uint32_t literal_run(const struct vg_patstore *ps,
                            const struct vg_seg *sg, bool *all_literal)
{
    uint32_t best = 0, run = 0;
    *all_literal = true;
    for (uint32_t e = 0; e < sg->nelems; e++) {
        const struct vg_elem *el = &ps->elems[sg->first_elem + e];
        bool lit = (el->kind == VG_EL_BYTE && el->mask == 0xff) ||
                   el->kind == VG_EL_NOCASE;
        run = lit ? run + 1 : 0;
        best = run > best ? run : best;
        *all_literal = *all_literal && lit;
    }
    return best;
}

/*
 * ClamAV's own limits, measured with clamscan: every piece between '*' or
 * '{n-m}' needs two literal bytes in a row (its matcher anchors on them),
 * except a single byte beside [x-y]; a plain .ndb pattern (Boyer-Moore)
 * needs three bytes.
 */
static int check_pieces(struct pstate *st, const struct vg_pat *p)
{
    const struct vg_patstore *ps = st->ps;
    for (uint32_t k = 0; k < p->nsegs; k++) {
        const struct vg_seg *sg = &ps->segs[p->first_seg + k];
        bool plain;
        uint32_t run = literal_run(ps, sg, &plain);
        if (run < 2 && !(sg->near && sg->len == 1))
            return fail(st, "a pattern piece needs 2 literal bytes in a row");
        if ((st->flags & VG_PAT_NDB) && p->nsegs == 1 && plain && sg->len < 3)
            return fail(st, "a plain pattern needs at least 3 bytes");
    }
    return VIGIL_OK;
}

/* Zero-width bounds look behind when they start the pattern, ahead when
 * they end it (fullword bounds are added at both ends). */
static void place_bounds(struct vg_patstore *ps, const struct vg_pat *p)
{
    uint32_t first = ps->segs[p->first_seg].first_elem;
    const struct vg_seg *last = &ps->segs[p->first_seg + p->nsegs - 1];
    for (uint32_t e = first; e < last->first_elem + last->nelems; e++)
        if (ps->elems[e].kind == VG_EL_BOUND)
            ps->elems[e].mask = e == first ? 0 : 1;
}

static int finish_pattern(struct pstate *st)
{
    struct vg_patstore *ps = st->ps;
    struct vg_pat *p = &ps->pats[ps->npats];
    uint64_t len = 0;
    if (st->gap_max != 0 || st->gap_min != 0)
        return fail(st, "pattern ends with a gap");
    for (uint32_t k = 0; k < p->nsegs; k++) {
        const struct vg_seg *sg = &ps->segs[p->first_seg + k];
        if (!has_byte_elem(ps, sg))
            return fail(st, "empty pattern piece");
        len += sg->len + (k ? sg->gap_min : 0);
    }
    p->len_min = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    if (check_pieces(st, p) != VIGIL_OK)
        return VIGIL_E_DB;
    place_bounds(ps, p);
    ps->npats++;
    return VIGIL_OK;
}

static int fullword_bound(struct pstate *st)
{
    struct vg_elem e = {VG_EL_BOUND, 'F', 0, 0, 0};
    return add_elem(st, e);
}

static int parse_variant(struct vg_patstore *ps, struct vigil_str text,
                         unsigned flags, uint32_t owner, const char **err)
{
    struct pstate st = {ps, text.p, text.len, 0, flags, NULL, 0, 0, 0};
    int ret = GROW(ps, pats, npats, cap_pats, 1);
    if (ret != VIGIL_OK)
        return ret;
    ps->pats[ps->npats] = (struct vg_pat){ps->nsegs, 0, owner, 0};
    if (text.len == 0)
        ret = fail(&st, "empty pattern");
    else
        ret = open_segment(&st);
    if (ret == VIGIL_OK && (flags & VG_PAT_FULLWORD))
        ret = fullword_bound(&st);
    while (ret == VIGIL_OK && st.i < st.len)
        ret = parse_token(&st);
    if (ret == VIGIL_OK && (flags & VG_PAT_FULLWORD))
        ret = fullword_bound(&st);
    if (ret == VIGIL_OK)
        ret = finish_pattern(&st);
    *err = st.err;
    return ret;
}

/* ---- generic alternatives: expand into variants ------------------------- */

struct expansion {
    char *text[VG_PAT_MAX_VARIANTS];
    size_t len[VG_PAT_MAX_VARIANTS];
    unsigned n;
};

static void expansion_free(struct expansion *x)
{
    for (unsigned i = 0; i < x->n; i++)
        vigil_free(x->text[i]);
    x->n = 0;
}

/* Is the group at s[i] == '(' generic (alternatives of differing shape)? */
static bool generic_group(const char *s, size_t len, size_t i, size_t *end)
{
    size_t start = i + 1, w = SIZE_MAX;
    bool generic = false;
    if (i > 0 && s[i - 1] == '!')
        return false;
    for (size_t k = i + 1; k < len; k++) {
        char c = s[k];
        if (c == '(')
            return false;
        if (c == '{' || c == '[' || c == '*')
            generic = true;
        if (c != '|' && c != ')')
            continue;
        if (w != SIZE_MAX && w != k - start)
            generic = true;
        w = k - start;
        start = k + 1;
        if (c == ')') {
            *end = k;
            return generic;
        }
    }
    return false;
}

static int append_variant(struct expansion *out, const char *a, size_t alen,
                          const char *b, size_t blen, const char *c,
                          size_t clen)
{
    char *t;
    if (out->n >= VG_PAT_MAX_VARIANTS)
        return VIGIL_E_LIMIT;
    t = vigil_malloc(alen + blen + clen + 1);
    if (!t)
        return VIGIL_E_NOMEM;
    memcpy(t, a, alen);
    memcpy(t + alen, b, blen);
    memcpy(t + alen + blen, c, clen);
    t[alen + blen + clen] = '\0';
    out->text[out->n] = t;
    out->len[out->n++] = alen + blen + clen;
    return VIGIL_OK;
}

/* Replace the first generic group of every variant by each alternative,
 * until none is left. */
static int expand_once(struct expansion *x, bool *changed)
{
    struct expansion next = {{0}, {0}, 0};
    int ret = VIGIL_OK;
    *changed = false;
    for (unsigned v = 0; v < x->n && ret == VIGIL_OK; v++) {
        const char *s = x->text[v];
        size_t len = x->len[v], i, end = 0, start;
        for (i = 0; i < len; i++)
            if (s[i] == '(' && generic_group(s, len, i, &end))
                break;
        if (i == len) {
            ret = append_variant(&next, s, len, "", 0, "", 0);
            continue;
        }
        *changed = true;
        for (start = i + 1; start <= end && ret == VIGIL_OK;) {
            size_t k = start;
            while (k < end && s[k] != '|')
                k++;
            ret = append_variant(&next, s, i, s + start, k - start, s + end + 1,
                                 len - end - 1);
            start = k + 1;
        }
    }
    expansion_free(x);
    *x = next;
    return ret;
}

static int expand_generic(struct vigil_str hex, struct expansion *x)
{
    bool changed = true;
    int ret;
    x->n = 0;
    if (hex.len > PATTERN_TEXT_MAX)
        return VIGIL_E_LIMIT;
    ret = append_variant(x, hex.p, hex.len, "", 0, "", 0);
    while (ret == VIGIL_OK && changed)
        ret = expand_once(x, &changed);
    return ret;
}

int vg_pattern_parse(struct vg_patstore *ps, struct vigil_str hex,
                     unsigned flags, uint32_t owner, uint32_t *first,
                     uint32_t *count, const char **err)
{
    struct expansion x;
    struct vg_patstore_mark mark;
    unsigned forms[2], nforms = 0;
    int ret;
    *err = NULL;
    vg_patstore_mark(ps, &mark);
    /* ::w alone is wide only; ::a with ::w is both; otherwise narrow. */
    if (!(flags & VG_PAT_WIDE) || (flags & VG_PAT_ASCII))
        forms[nforms++] = flags & ~(unsigned)VG_PAT_WIDE;
    if (flags & VG_PAT_WIDE)
        forms[nforms++] = flags;
    ret = expand_generic(hex, &x);
    if (ret == VIGIL_E_LIMIT)
        *err = "too many alternatives";
    for (unsigned f = 0; f < nforms && ret == VIGIL_OK; f++)
        for (unsigned v = 0; v < x.n && ret == VIGIL_OK; v++)
            ret = parse_variant(ps, vigil_str_make(x.text[v], x.len[v]),
                                forms[f], owner, err);
    expansion_free(&x);
    if (ret != VIGIL_OK) {
        vg_patstore_rollback(ps, &mark);
        if (!*err && ret == VIGIL_E_DB)
            *err = "malformed pattern";
        return ret == VIGIL_E_LIMIT ? VIGIL_E_DB : ret;
    }
    *first = mark.npats;
    *count = ps->npats - mark.npats;
    return VIGIL_OK;
}

/* ---- matching one segment ------------------------------------------------ */

/* A zero-width assertion at @p pos, looking behind (mask 0) or ahead. */
static bool bound_ok(const struct vg_elem *e, const uint8_t *d, size_t len,
                     size_t pos)
{
    bool ahead = e->mask != 0;
    uint8_t c;
    if (ahead ? pos == len : pos == 0)
        return true;
    c = ahead ? d[pos] : d[pos - 1];
    switch (e->val) {
    case 'L':
        return is_eol(c);
    case 'B':
        return word_bound_bits(c) & (ahead ? 2 : 1);
    default: /* 'F': fullword */
        return !is_alnum(c);
    }
}

static bool alt_ok(const struct vg_patstore *ps, const struct vg_alt *a,
                   const uint8_t *p)
{
    for (uint32_t k = 0; k < a->count; k++) {
        const uint8_t *b = ps->altbytes + a->first + (size_t)k * a->width;
        const uint8_t *m = ps->altmasks + a->first + (size_t)k * a->width;
        uint32_t j = 0;
        while (j < a->width && (p[j] & m[j]) == b[j])
            j++;
        if (j == a->width)
            return !a->negated;
    }
    return a->negated;
}

static bool elem_ok(const struct vg_patstore *ps, const struct vg_elem *e,
                    const uint8_t *d, size_t len, size_t pos)
{
    uint8_t c;
    switch (e->kind) {
    case VG_EL_BYTE:
        return (d[pos] & e->mask) == e->val;
    case VG_EL_NOCASE:
        c = d[pos];
        return (uint8_t)((c >= 'A' && c <= 'Z') ? c | 0x20 : c) == e->val;
    case VG_EL_CLASS:
        return ps->classes[e->ref][d[pos] >> 3] & (1u << (d[pos] & 7));
    case VG_EL_ALT:
        return alt_ok(ps, &ps->alts[e->ref], d + pos);
    default:
        return bound_ok(e, d, len, pos);
    }
}

bool vg_seg_match(const struct vg_patstore *ps, uint32_t si,
                  const uint8_t *data, size_t len, size_t pos)
{
    const struct vg_seg *sg = &ps->segs[si];
    size_t at = pos;
    if (pos > len || sg->len > len - pos)
        return false;
    for (uint32_t k = 0; k < sg->nelems; k++) {
        const struct vg_elem *e = &ps->elems[sg->first_elem + k];
        if (!elem_ok(ps, e, data, len, at))
            return false;
        at += e->width;
    }
    return true;
}
