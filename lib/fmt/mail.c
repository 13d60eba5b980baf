// SPDX-License-Identifier: GPL-2.0-or-later
// mail.c: MIME entities: headers, boundaries (every boundary parameter
// an entity declares, since mail filters and clients disagree on which
// counts), transfer decoding, uuencode and mbox splitting.
#include "fmt/mail.h"

#include <string.h>

#include "fmt/filetype.h"
#include "fmt/mimecodec.h"
#include "fmt/outbuf.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

#define MAIL_MAX_BOUNDS 16   /* boundary candidates kept per entity */
#define MAIL_BOUND_MAX 200   /* RFC 2046 allows 70; be generous */
#define MAIL_HDR_MAX 8192    /* unfolded header value kept */
#define MAIL_NAME_MAX 256    /* child name kept */
#define MAIL_MAX_SECTIONS 32 /* RFC 2231 continuations per parameter */

#define MAIL_RELATED_PARTS 256 /* parts ordered for multipart/related */

enum mail_cte { CTE_IDENTITY, CTE_BASE64, CTE_QP, CTE_UU };
enum mail_text { TEXT_NONE, TEXT_HTML, TEXT_OTHER };

struct bound {
    char s[MAIL_BOUND_MAX];
    size_t n;
};

struct entity {
    bool multipart, message, related;
    enum mail_text text;
    enum mail_cte cte;
    unsigned nbounds;
    struct bound bounds[MAIL_MAX_BOUNDS];
    char name[MAIL_NAME_MAX];
    size_t body_off;
};

struct mail_ctx {
    const struct vg_extract *x;
    struct vg_out out;
    char hval[MAIL_HDR_MAX]; /* the header being looked at, unfolded */
    size_t hlen;
    bool corrupt;
};

/* ---- small string helpers over (char *, len) ---- */

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool ieq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);

    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++)
        if (lower(a[i]) != b[i])
            return false;
    return true;
}

static bool iprefix(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);

    return an >= bn && ieq(a, bn, b);
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- parameters (RFC 2045 and RFC 2231) ---- */

struct param_sink {
    const char *want; /* lowercase attribute name */
    void (*take)(void *ctx, const char *v, size_t n);
    void *ctx;
    struct bound sec[MAIL_MAX_SECTIONS]; /* RFC 2231 sections */
    bool has_sec[MAIL_MAX_SECTIONS];
};

/* Percent-decode in place; an RFC 2231 first section's charset'lang'
 * prefix is dropped. */
static size_t ext_decode(char *s, size_t n, bool first)
{
    size_t i = 0, o = 0;

    if (first) {
        size_t q1 = 0, q2;
        while (q1 < n && s[q1] != '\'')
            q1++;
        for (q2 = q1 + 1; q2 < n && s[q2] != '\''; q2++)
            ;
        if (q2 < n)
            i = q2 + 1;
    }
    while (i < n) {
        int hi = s[i] == '%' && i + 2 < n ? vg_hexval((uint8_t)s[i + 1]) : -1;
        int lo = hi >= 0 ? vg_hexval((uint8_t)s[i + 2]) : -1;
        if (hi >= 0 && lo >= 0) {
            s[o++] = (char)(hi << 4 | lo);
            i += 3;
        } else {
            s[o++] = s[i++];
        }
    }
    return o;
}

/* Parse a section suffix "*N" or "*N*" or "*"; returns the section number
 * (-1: unsectioned) and whether the value is extended (percent-coded). */
static bool attr_match(const char *a, size_t an, const char *want, int *sec,
                       bool *ext)
{
    size_t wn = strlen(want), i;
    unsigned num = 0;

    if (an < wn || !ieq(a, wn, want))
        return false;
    *sec = -1;
    *ext = false;
    if (an == wn)
        return true;
    if (a[wn] != '*')
        return false;
    if (an == wn + 1) {
        *ext = true;
        return true;
    }
    for (i = wn + 1; i < an && a[i] >= '0' && a[i] <= '9' && num < 1000; i++)
        num = num * 10 + (unsigned)(a[i] - '0');
    if (i == wn + 1 || num >= MAIL_MAX_SECTIONS)
        return false;
    if (i < an && a[i] == '*' && i + 1 == an)
        *ext = true;
    else if (i != an)
        return false;
    *sec = (int)num;
    return true;
}

/* Read one value (quoted string or token) at v[*i]; write it to out. */
static size_t param_value(const char *v, size_t n, size_t *i, char *out,
                          size_t cap)
{
    size_t o = 0, j = *i;

    if (j < n && v[j] == '"') {
        for (j++; j < n && v[j] != '"'; j++) {
            if (v[j] == '\\' && j + 1 < n)
                j++;
            if (o < cap)
                out[o++] = v[j];
        }
        if (j < n)
            j++;
    } else {
        for (; j < n && v[j] != ';' && !is_ws(v[j]); j++)
            if (o < cap)
                out[o++] = v[j];
    }
    *i = j;
    return o;
}

static void param_one(struct param_sink *ps, const char *a, size_t an,
                      char *val, size_t vn)
{
    int sec;
    bool ext;

    if (!attr_match(a, an, ps->want, &sec, &ext))
        return;
    if (ext)
        vn = ext_decode(val, vn, sec <= 0);
    if (sec < 0) {
        ps->take(ps->ctx, val, vn);
        return;
    }
    memcpy(ps->sec[sec].s, val, vn);
    ps->sec[sec].n = vn;
    ps->has_sec[sec] = true;
}

/* Join RFC 2231 sections 0, 1, ... (stopping at the first gap). */
static void param_sections(struct param_sink *ps)
{
    char joined[MAIL_BOUND_MAX];
    size_t n = 0;

    for (unsigned s = 0; s < MAIL_MAX_SECTIONS && ps->has_sec[s]; s++) {
        size_t k = ps->sec[s].n;
        if (k > sizeof joined - n)
            k = sizeof joined - n;
        memcpy(joined + n, ps->sec[s].s, k);
        n += k;
    }
    if (ps->has_sec[0])
        ps->take(ps->ctx, joined, n);
}

/* Call ps->take for every value of parameter ps->want in v. */
static void params_scan(const char *v, size_t n, struct param_sink *ps)
{
    size_t i = 0;

    memset(ps->has_sec, 0, sizeof ps->has_sec);
    while (i < n) {
        size_t a0, a1, vn;
        char val[MAIL_BOUND_MAX];
        while (i < n && v[i] != ';')
            i++;
        if (i++ >= n)
            break;
        while (i < n && is_ws(v[i]))
            i++;
        for (a0 = i; i < n && v[i] != '=' && v[i] != ';' && !is_ws(v[i]);)
            i++;
        a1 = i;
        while (i < n && is_ws(v[i]))
            i++;
        if (i >= n || v[i] != '=')
            continue;
        i++;
        while (i < n && is_ws(v[i]))
            i++;
        vn = param_value(v, n, &i, val, sizeof val);
        param_one(ps, v + a0, a1 - a0, val, vn);
    }
    param_sections(ps);
}

static void take_bound(void *ctx, const char *v, size_t n)
{
    struct entity *e = ctx;

    if (n == 0 || e->nbounds >= MAIL_MAX_BOUNDS)
        return;
    for (unsigned k = 0; k < e->nbounds; k++)
        if (e->bounds[k].n == n && memcmp(e->bounds[k].s, v, n) == 0)
            return;
    memcpy(e->bounds[e->nbounds].s, v, n);
    e->bounds[e->nbounds++].n = n;
}

static void take_name(void *ctx, const char *v, size_t n)
{
    struct entity *e = ctx;
    size_t k = n < MAIL_NAME_MAX - 1 ? n : MAIL_NAME_MAX - 1;

    if (e->name[0] != '\0' || n == 0)
        return;
    for (size_t i = 0; i < k; i++)
        e->name[i] = (unsigned char)v[i] >= 0x20 ? v[i] : '_';
    e->name[k] = '\0';
}

static void scan_param(struct mail_ctx *m, struct entity *e, const char *want,
                       void (*take)(void *, const char *, size_t))
{
    struct param_sink ps;

    ps.want = want;
    ps.take = take;
    ps.ctx = e;
    params_scan(m->hval, m->hlen, &ps);
}

/* ---- headers ---- */

/* The header name with (comments) and blanks removed, lowercased, into
 * out; @return its length, or 0 if the line is no header. */
static size_t header_name(struct vigil_span line, size_t colon, char *out,
                          size_t cap)
{
    size_t o = 0;
    unsigned depth = 0;

    for (size_t i = 0; i < colon; i++) {
        char c = (char)line.p[i];
        if (c == '(')
            depth++;
        else if (c == ')' && depth > 0)
            depth--;
        else if (depth == 0 && !is_ws(c) && o < cap)
            out[o++] = lower(c);
    }
    return o;
}

static void apply_ctype(struct mail_ctx *m, struct entity *e)
{
    const char *v = m->hval;
    size_t i = 0, n = m->hlen;

    while (i < n && is_ws(v[i]))
        i++;
    if (iprefix(v + i, n - i, "multipart/")) {
        e->multipart = true;
        e->related = iprefix(v + i, n - i, "multipart/related");
    } else if (iprefix(v + i, n - i, "message/rfc822")) {
        e->message = true;
    } else if (iprefix(v + i, n - i, "text/")) {
        e->text = iprefix(v + i, n - i, "text/html") ? TEXT_HTML : TEXT_OTHER;
    }
    scan_param(m, e, "boundary", take_bound);
}

static void apply_cte(struct mail_ctx *m, struct entity *e)
{
    const char *v = m->hval;
    size_t i = 0, n = m->hlen;

    while (i < n && is_ws(v[i]))
        i++;
    if (iprefix(v + i, n - i, "base64"))
        e->cte = CTE_BASE64;
    else if (iprefix(v + i, n - i, "quoted-printable"))
        e->cte = CTE_QP;
    else if (iprefix(v + i, n - i, "x-uuencode") ||
             iprefix(v + i, n - i, "uuencode") ||
             iprefix(v + i, n - i, "x-uue"))
        e->cte = CTE_UU;
}

static void apply_header(struct mail_ctx *m, struct entity *e, const char *name,
                         size_t nn)
{
    if (ieq(name, nn, "content-type")) {
        apply_ctype(m, e);
        /* The name parameter only if the disposition gave none. */
        if (e->name[0] == '\0')
            scan_param(m, e, "name", take_name);
    } else if (ieq(name, nn, "content-transfer-encoding")) {
        apply_cte(m, e);
    } else if (ieq(name, nn, "content-disposition")) {
        /* Some filters take boundaries from here (a known bypass). */
        scan_param(m, e, "boundary", take_bound);
        char keep[MAIL_NAME_MAX];
        memcpy(keep, e->name, sizeof keep);
        e->name[0] = '\0';
        scan_param(m, e, "filename", take_name);
        if (e->name[0] == '\0')
            memcpy(e->name, keep, sizeof keep);
    }
}

/* Append a (continuation) line to the unfolded value, bounded. */
static void hval_add(struct mail_ctx *m, struct vigil_span s)
{
    size_t k = s.len;

    if (m->hlen > 0 && m->hlen < MAIL_HDR_MAX)
        m->hval[m->hlen++] = ' ';
    if (k > MAIL_HDR_MAX - m->hlen)
        k = MAIL_HDR_MAX - m->hlen;
    if (k)
        memcpy(m->hval + m->hlen, s.p, k);
    m->hlen += k;
}

static size_t find_colon(struct vigil_span line)
{
    for (size_t i = 0; i < line.len; i++)
        if (line.p[i] == ':')
            return i;
    return line.len;
}

/* Read the headers of entity @p in into e; e->body_off is where the body
 * starts (after the blank line, or at the first line that is no header). */
static void parse_headers(struct mail_ctx *m, struct vigil_span in,
                          struct entity *e)
{
    size_t pos = 0, start;
    char name[64];
    size_t nn = 0;
    struct vigil_span line;

    memset(e, 0, sizeof *e);
    for (start = pos; vg_next_line(in, &pos, &line); start = pos) {
        size_t colon;
        if (line.len == 0) {
            start = pos;
            break;
        }
        if (line.p[0] == ' ' || line.p[0] == '\t') {
            if (nn)
                hval_add(m, line);
            continue;
        }
        if (nn)
            apply_header(m, e, name, nn);
        nn = 0;
        colon = find_colon(line);
        if (colon == line.len) {
            if (start == 0 && line.len >= 5 && !memcmp(line.p, "From ", 5))
                continue; /* mbox separator */
            break;        /* no header: the body starts here */
        }
        nn = header_name(line, colon, name, sizeof name);
        m->hlen = 0;
        hval_add(m, vigil_span_sub(line, colon + 1, line.len - colon - 1));
    }
    if (nn)
        apply_header(m, e, name, nn);
    e->body_off = start;
}

/* ---- bodies ---- */

static int emit_uu(struct mail_ctx *m, struct vigil_span body)
{
    size_t pos = 0;
    char name[MAIL_NAME_MAX];
    int err, ret;
    struct vg_child_info ci = vg_child_info_none();

    /* Cheap test first: most parts have no "begin " at all. */
    if (body.len < 6 || !memmem(body.p, body.len, "begin ", 6))
        return VIGIL_OK;
    ci.name = name;
    while (vg_uu_next(body, &pos, &m->out, name, sizeof name, &err)) {
        if (err)
            return err;
        ret = vg_out_emit(&m->out, m->x, &ci);
        if (ret != VIGIL_OK)
            return ret;
    }
    return VIGIL_OK;
}

static int decode_body(struct mail_ctx *m, enum mail_cte cte,
                       struct vigil_span body)
{
    vg_out_reset(&m->out);
    if (cte == CTE_BASE64)
        return vg_base64_decode(body, &m->out);
    if (cte == CTE_QP)
        return vg_qp_decode(body, &m->out);
    return vg_out_put(&m->out, body.p, body.len);
}

/* A leaf: emit the decoded body, then any uuencoded file in it. */
static int emit_leaf(struct mail_ctx *m, const struct entity *e,
                     struct vigil_span body, int hint)
{
    struct vg_child_info ci = vg_child_info_none();
    int ret;

    if (e->cte == CTE_UU)
        return emit_uu(m, body);
    ret = decode_body(m, e->cte, body);
    if (ret != VIGIL_OK)
        return ret;
    ci.name = e->name[0] ? e->name : NULL;
    ci.type_hint = hint;
    if (m->out.b.len == 0 && hint < 0)
        return VIGIL_OK;
    ret = vg_out_emit(&m->out, m->x, &ci);
    if (ret != VIGIL_OK || e->cte == CTE_BASE64)
        return ret;
    /* The output buffer is reused by emit_uu: scan a stable copy. */
    return emit_uu(m, body);
}

/* Is @p line a delimiter of one of e's boundaries? *close: "--b--". */
static bool is_delim(const struct entity *e, struct vigil_span line,
                     bool *close)
{
    if (line.len < 3 || line.p[0] != '-' || line.p[1] != '-')
        return false;
    for (unsigned k = 0; k < e->nbounds; k++) {
        const struct bound *b = &e->bounds[k];
        size_t i = 2 + b->n;
        if (line.len < i || memcmp(line.p + 2, b->s, b->n) != 0)
            continue;
        *close = line.len >= i + 2 && line.p[i] == '-' && line.p[i + 1] == '-';
        if (*close)
            i += 2;
        while (i < line.len && is_ws((char)line.p[i]))
            i++;
        if (i == line.len)
            return true;
    }
    return false;
}

/* Multipart without a boundary parameter: every "--token" line is a
 * candidate (up to MAIL_MAX_BOUNDS). */
static void guess_boundary(struct entity *e, struct vigil_span body)
{
    size_t pos = 0;
    struct vigil_span line;

    while (vg_next_line(body, &pos, &line)) {
        size_t n = line.len;
        bool blank = false;
        if (n < 3 || line.p[0] != '-' || line.p[1] != '-')
            continue;
        for (size_t i = 2; i < n; i++)
            blank = blank || is_ws((char)line.p[i]);
        if (blank || n - 2 > MAIL_BOUND_MAX)
            continue;
        if (n >= 5 && line.p[n - 1] == '-' && line.p[n - 2] == '-')
            n -= 2;
        take_bound(e, (const char *)line.p + 2, n - 2);
    }
}

static int handle_part(struct mail_ctx *m, struct vigil_span part)
{
    struct entity e;
    struct vigil_span body;

    parse_headers(m, part, &e);
    body = vigil_span_sub(part, e.body_off, part.len - e.body_off);
    if (e.multipart || e.nbounds > 0) {
        struct vg_child_info ci = vg_child_info_none();
        ci.type_hint = VG_FT_MAIL;
        return vg_emit_span(m->x, part, &ci);
    }
    if (e.message)
        return emit_leaf(m, &e, body, VG_FT_MAIL);
    return emit_leaf(m, &e, body, -1);
}

/* The segment [from, to) minus the line break before a delimiter. */
static struct vigil_span segment(struct vigil_span body, size_t from, size_t to)
{
    if (to > from && body.p[to - 1] == '\n')
        to--;
    if (to > from && body.p[to - 1] == '\r')
        to--;
    return vigil_span_sub(body, from, to - from);
}

/* The parts of a multipart body, in order. */
struct parts {
    struct vigil_span *p;
    size_t n, cap;
};

/* A part found: kept in @p keep, or handed to handle_part at once. */
static int take_part(struct mail_ctx *m, struct parts *keep,
                     struct vigil_span part)
{
    if (keep == NULL || keep->n == keep->cap) /* too many: at once */
        return handle_part(m, part);
    keep->p[keep->n++] = part;
    return VIGIL_OK;
}

/* Split the body at delimiter lines; parts go to handle_part (or into
 * @p keep while it has room), the preamble and epilogues are only
 * searched for uuencoded files.
 * @return VIGIL_OK, an emit/NOMEM error, or 1 if no delimiter was seen. */
static int split_parts(struct mail_ctx *m, const struct entity *e,
                       struct vigil_span body, struct parts *keep)
{
    size_t pos = 0, start = 0, seg = 0;
    bool in_part = false, any = false, close;
    struct vigil_span line;
    int ret;

    while (start = pos, vg_next_line(body, &pos, &line)) {
        if (!is_delim(e, line, &close))
            continue;
        struct vigil_span s = segment(body, seg, start);
        ret = in_part ? take_part(m, keep, s) : emit_uu(m, s);
        if (ret != VIGIL_OK)
            return ret;
        any = true;
        in_part = !close;
        seg = pos;
    }
    if (!any)
        return 1;
    if (in_part) {
        ret = take_part(m, keep, vigil_span_sub(body, seg, body.len - seg));
        m->corrupt = true; /* no closing delimiter */
        return ret;
    }
    return emit_uu(m, vigil_span_sub(body, seg, body.len - seg));
}

/* ClamAV's root of a multipart/related: the first text/html part, else
 * the last text part; -1: none. */
static long related_root(struct mail_ctx *m, const struct parts *ps,
                         enum mail_text *kind)
{
    long root = -1;
    struct entity e;

    for (size_t i = 0; i < ps->n; i++) {
        parse_headers(m, ps->p[i], &e);
        if (e.text == TEXT_NONE || e.multipart || e.message)
            continue;
        root = (long)i;
        *kind = e.text;
        if (e.text == TEXT_HTML)
            break;
    }
    return root;
}

/* The root's text once more, as ClamAV adds it to the message's text and
 * scans that at the end: the decoded body ending with a line feed. */
static int emit_root_text(struct mail_ctx *m, struct vigil_span part)
{
    struct entity e;
    struct vg_child_info ci = vg_child_info_none();
    int ret;

    parse_headers(m, part, &e);
    ret = decode_body(m, e.cte == CTE_UU ? CTE_IDENTITY : e.cte,
                      vigil_span_sub(part, e.body_off, part.len - e.body_off));
    if (ret != VIGIL_OK || m->out.b.len == 0)
        return ret;
    if (m->out.b.data[m->out.b.len - 1] != '\n' &&
        (ret = vg_out_put(&m->out, "\n", 1)) != VIGIL_OK)
        return ret;
    return vg_out_emit(&m->out, m->x, &ci);
}

/*
 * multipart/related as ClamAV's mail parser takes it (measured with
 * clamscan): the root part first, then the others in order, then the
 * root's text again (so an HTML root is scanned twice). Parts past the
 * first MAIL_RELATED_PARTS are handled as they are found.
 * @return as split_parts()
 */
static int split_related(struct mail_ctx *m, const struct entity *e,
                         struct vigil_span body)
{
    struct vigil_span spans[MAIL_RELATED_PARTS];
    struct parts ps = {spans, 0, MAIL_RELATED_PARTS};
    enum mail_text kind = TEXT_NONE;
    long root;
    int ret = split_parts(m, e, body, &ps);

    if (ret != VIGIL_OK)
        return ret;
    root = related_root(m, &ps, &kind);
    if (root >= 0)
        ret = handle_part(m, spans[root]);
    for (size_t i = 0; i < ps.n && ret == VIGIL_OK; i++)
        if ((long)i != root)
            ret = handle_part(m, spans[i]);
    if (ret == VIGIL_OK && root >= 0)
        ret = emit_root_text(m, spans[root]);
    return ret;
}

static int do_entity(struct mail_ctx *m, struct vigil_span in)
{
    struct entity e;
    struct vigil_span body;
    int ret;

    parse_headers(m, in, &e);
    body = vigil_span_sub(in, e.body_off, in.len - e.body_off);
    if (e.multipart || e.nbounds > 0) {
        if (e.multipart && e.nbounds == 0)
            guess_boundary(&e, body);
        ret = e.related ? split_related(m, &e, body)
                        : split_parts(m, &e, body, NULL);
        if (ret <= VIGIL_OK)
            return ret;
        if (e.multipart && body.len > 0)
            m->corrupt = true; /* multipart without any delimiter */
    }
    return emit_leaf(m, &e, body, e.message ? VG_FT_MAIL : -1);
}

/* ---- mbox ---- */

/* Offsets of "From " lines that start messages (at 0, or after a blank
 * line). @return how many were found, at most cap. */
static size_t mbox_split(struct vigil_span in, size_t *offs, size_t cap)
{
    size_t n = 0, pos = 0, start;
    bool prev_blank = true;
    struct vigil_span line;

    while (start = pos, vg_next_line(in, &pos, &line)) {
        if (prev_blank && line.len >= 5 && !memcmp(line.p, "From ", 5)) {
            if (n == cap)
                return n;
            offs[n++] = start;
        }
        prev_blank = line.len == 0;
    }
    return n;
}

/* Several messages: each is emitted as a mail of its own. */
static int mbox_emit(struct mail_ctx *m, struct vigil_span in)
{
    size_t offs[2], start = 0, n;
    struct vg_child_info ci = vg_child_info_none();

    ci.type_hint = VG_FT_MAIL;
    for (;;) {
        struct vigil_span rest = vigil_span_sub(in, start, in.len - start);
        struct vigil_span after;
        int ret;
        /* The next message starts at the second "From " line of rest. */
        n = mbox_split(rest, offs, 2);
        if (n < 2) {
            if (rest.len == 0)
                return VIGIL_OK;
            return vg_emit_span(m->x, rest, &ci);
        }
        after = vigil_span_sub(rest, 0, offs[1]);
        ret = vg_emit_span(m->x, after, &ci);
        if (ret != VIGIL_OK)
            return ret;
        start += offs[1];
    }
}

/* ClamAV ignores "junk at the top" of a message: blank lines and lines
 * that are no header, before the first header line (measured: text typed
 * as mail by headers after a preface is parsed from those headers).
 * @return where the headers start; 0 when no line looks like a header */
static size_t junk_at_top(struct vigil_span in)
{
    size_t pos = 0, start;
    struct vigil_span line;
    while (start = pos, vg_next_line(in, &pos, &line)) {
        if (line.len > 0 && line.p[0] != ' ' && line.p[0] != '\t' &&
            find_colon(line) < line.len)
            return start;
    }
    return 0;
}

int vg_mail_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct mail_ctx *m = NULL;
    size_t offs[2];
    int ret;

    m = vigil_calloc(1, sizeof *m);
    if (!m)
        return VIGIL_E_NOMEM;
    m->x = x;
    vg_out_init(&m->out, x->max_child);
    if (in.len >= 5 && !memcmp(in.p, "From ", 5) &&
        mbox_split(in, offs, 2) == 2) {
        ret = mbox_emit(m, in);
    } else if (in.len >= 5 && !memcmp(in.p, "From ", 5)) {
        ret = do_entity(m, in);
    } else {
        size_t top = junk_at_top(in);
        ret = do_entity(m, vigil_span_sub(in, top, in.len - top));
    }
    if (ret == VIGIL_OK && m->corrupt)
        ret = VIGIL_E_CORRUPT;
    vg_out_free(&m->out);
    vigil_free(m);
    return ret;
}

int vg_uu_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct vg_out out;
    struct vg_child_info ci = vg_child_info_none();
    char name[MAIL_NAME_MAX];
    size_t pos = 0;
    int err, ret = VIGIL_OK;
    bool any = false;

    vg_out_init(&out, x->max_child);
    ci.name = name;
    while (ret == VIGIL_OK &&
           vg_uu_next(in, &pos, &out, name, sizeof name, &err)) {
        any = true;
        ret = err != VIGIL_OK ? err : vg_out_emit(&out, x, &ci);
    }
    vg_out_free(&out);
    if (ret == VIGIL_OK && !any)
        ret = VIGIL_E_CORRUPT;
    return ret;
}
