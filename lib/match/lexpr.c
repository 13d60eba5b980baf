// SPDX-License-Identifier: GPL-2.0-or-later
// lexpr.c: ClamAV logical expressions: parsing (ClamAV's split rules,
// without its recursion), the program, and its evaluation.
#include "match/lexpr.h"

#include <string.h>

#include "util/alloc.h"
#include "vigil/vigil.h"

/*
 * Parsing works on ranges [b, e) of the text, as ClamAV's recursive
 * cli_ac_chklsig() does, but from an explicit work list: the text can be
 * a 32 KiB line of "0&0&0&...", which ClamAV recurses into 16K deep.
 * Nodes are created parent first, so a parent's index is below its
 * children's.
 */
struct lx_node {
    uint8_t op, mod, id;
    bool under_block; /* below a block with a modifier */
    uint32_t v1, v2;
    uint32_t kid[2];
    uint32_t need; /* evaluation stack the subtree needs */
};

struct lx_work {
    uint32_t node;
    size_t b, e;
};

struct lx_parser {
    const char *s;
    size_t len;
    struct lx_node *nodes;
    uint32_t nnodes, cap;
    struct lx_work *work;
    uint32_t nwork;
    const char *why;
};

/* What one pass over a range found (ClamAV's locals of the same names). */
struct lx_scan {
    char op, op1, mod, blkmod;
    size_t opoff, op1off, modoff, blkend;
    uint32_t v1, v2;
};

static int lx_fail(struct lx_parser *p, const char *why)
{
    p->why = why;
    return VIGIL_E_DB;
}

/* The text as a C string: NUL past its end. */
static char at(const struct lx_parser *p, size_t i)
{
    return i < p->len ? p->s[i] : '\0';
}

static bool lx_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool lx_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

int vg_clam_scan_u32(struct vigil_str s, size_t i, uint32_t *out, size_t *end)
{
    uint64_t v = 0;
    bool neg = false, over = false;
    size_t first;
    while (i < s.len && lx_space(s.p[i]))
        i++;
    if (i >= s.len || s.p[i] == '\0')
        return -1;
    if (s.p[i] == '+' || s.p[i] == '-')
        neg = s.p[i++] == '-';
    for (first = i; i < s.len && lx_digit(s.p[i]); i++) {
        unsigned d = (unsigned)(s.p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            over = true;
        else
            v = v * 10 + d;
    }
    if (i == first)
        return 0;
    v = over ? UINT64_MAX : neg ? 0 - v : v;
    *out = (uint32_t)v;
    *end = i;
    return 1;
}

static int scan_u32(const struct lx_parser *p, size_t i, uint32_t *out,
                    size_t *end)
{
    return vg_clam_scan_u32(vigil_str_make(p->s, p->len), i, out, end);
}

/* sscanf(s + i, "%u,%u") with ClamAV's fallback to "%u". */
static int scan_pair(const struct lx_parser *p, size_t i, struct lx_scan *sc)
{
    size_t end;
    uint32_t y;
    int r = scan_u32(p, i, &sc->v1, &end);
    if (r <= 0)
        return r;
    if (at(p, end) == ',' && scan_u32(p, end + 1, &y, &end) == 1)
        sc->v2 = y;
    return 1;
}

/* A block closed at depth 0 (position *i of [b, e)): its modifier, and
 * whether it ends the range. @return 1 stop, 0 go on, <0 error. */
static int block_end(struct lx_parser *p, size_t b, size_t e, size_t *i,
                     struct lx_scan *sc)
{
    size_t len = e - b;
    char n = at(p, b + *i + 1);
    sc->blkend = *i;
    if (n == '>' || n == '<' || n == '=') {
        sc->blkmod = n;
        if (scan_pair(p, b + *i + 2, sc) <= 0)
            return lx_fail(p, "missing number after a block modifier");
        for (*i += 2; *i + 1 < len &&
                      (lx_digit(at(p, b + *i + 1)) || at(p, b + *i + 1) == ',');
             (*i)++)
            ;
    }
    if (b + *i + 1 == e)
        return 1;
    sc->blkmod = 0;
    return 0;
}

static void note_char(struct lx_scan *sc, char c, size_t i, unsigned pth)
{
    if (c == ')' || c == '>' || c == '<' || c == '=') {
        sc->mod = c;
        sc->modoff = i;
    } else if ((c == '&' || c == '|') && pth == 0) {
        sc->op = c;
        sc->opoff = i;
    } else if ((c == '&' || c == '|') && pth == 1) {
        sc->op1 = c;
        sc->op1off = i;
    }
}

/* One left-to-right pass over [b, e), ClamAV's main loop. */
static int scan_range(struct lx_parser *p, size_t b, size_t e,
                      struct lx_scan *sc)
{
    unsigned pth = 0;
    memset(sc, 0, sizeof *sc);
    for (size_t i = 0; i < e - b; i++) {
        char c = p->s[b + i];
        if (c == '(')
            pth++;
        else if (c == ')' && pth-- == 0)
            return lx_fail(p, "')' without '('");
        note_char(sc, c, i, pth);
        if (sc->op)
            break;
        if (sc->op1 && pth == 0) {
            int r = block_end(p, b, e, &i, sc);
            if (r < 0)
                return VIGIL_E_DB;
            if (r > 0)
                break;
        }
    }
    return pth ? lx_fail(p, "'(' without ')'") : VIGIL_OK;
}

static int push_work(struct lx_parser *p, uint32_t node, size_t b, size_t e)
{
    if (p->nwork == p->cap)
        return lx_fail(p, "expression too complex");
    p->work[p->nwork++] = (struct lx_work){node, b, e};
    return VIGIL_OK;
}

static int new_node(struct lx_parser *p, uint32_t *out)
{
    if (p->nnodes == p->cap)
        return lx_fail(p, "expression too complex");
    memset(&p->nodes[p->nnodes], 0, sizeof p->nodes[0]);
    *out = p->nnodes++;
    return VIGIL_OK;
}

static int make_leaf(struct lx_parser *p, struct lx_node *n, size_t b,
                     const struct lx_scan *sc)
{
    uint32_t id;
    size_t end;
    if (scan_u32(p, b, &id, &end) != 1)
        return lx_fail(p, "expected a subsignature number");
    if (id > 63)
        return lx_fail(p, "subsignature number over 63");
    n->op = VG_LX_LEAF;
    n->id = (uint8_t)id;
    n->mod = (uint8_t)sc->mod;
    if (sc->mod && scan_u32(p, b + sc->modoff + 1, &n->v1, &end) != 1)
        return lx_fail(p, "missing number after a modifier");
    return VIGIL_OK;
}

static int make_op(struct lx_parser *p, uint32_t ni, size_t b, size_t e,
                   const struct lx_scan *sc)
{
    size_t opoff = sc->op ? sc->opoff : sc->op1off;
    size_t lb = sc->op ? b : b + 1, re = sc->op ? e : b + sc->blkend;
    uint32_t l, r;
    int ret;
    if (opoff == 0)
        return lx_fail(p, "operator without a left operand");
    if (opoff + 1 == e - b)
        return lx_fail(p, "operator without a right operand");
    if ((ret = new_node(p, &l)) || (ret = new_node(p, &r)))
        return ret;
    p->nodes[ni].op = (sc->op ? sc->op : sc->op1) == '&' ? VG_LX_AND : VG_LX_OR;
    p->nodes[ni].mod = (uint8_t)sc->blkmod;
    p->nodes[ni].v1 = sc->blkmod ? sc->v1 : 0;
    p->nodes[ni].v2 = sc->blkmod ? sc->v2 : 0;
    p->nodes[ni].kid[0] = l;
    p->nodes[ni].kid[1] = r;
    if ((ret = push_work(p, l, lb, b + opoff)))
        return ret;
    return push_work(p, r, b + opoff + 1, re);
}

/* Turn the range of one node into a leaf, an operator, or (for "(...)")
 * the same node over the inner range. */
static int parse_one(struct lx_parser *p, struct lx_work w)
{
    struct lx_scan sc;
    int ret = scan_range(p, w.b, w.e, &sc);
    if (ret != VIGIL_OK)
        return ret;
    if (sc.op || sc.op1)
        return make_op(p, w.node, w.b, w.e, &sc);
    if (at(p, w.b) == '(') {
        if (w.e - w.b < 2)
            return lx_fail(p, "empty parentheses");
        return push_work(p, w.node, w.b + 1, w.e - 1);
    }
    return make_leaf(p, &p->nodes[w.node], w.b, &sc);
}

static int parse_all(struct lx_parser *p)
{
    uint32_t root;
    int ret = new_node(p, &root);
    if (ret == VIGIL_OK)
        ret = push_work(p, root, 0, p->len);
    while (ret == VIGIL_OK && p->nwork)
        ret = parse_one(p, p->work[--p->nwork]);
    return ret;
}

/* ---- analysis and emission ------------------------------------------- */

static bool leaf_sensitive(const struct lx_node *n)
{
    if (n->under_block)
        return true;
    switch (n->mod) {
    case '=':
    case '>': return n->v1 != 0;
    case '<': return n->v1 > 1;
    default: return false;
    }
}

/* Parents precede children: one forward pass pushes "under a block"
 * down, one backward pass pulls the stack needs up. */
static void analyse(struct lx_parser *p, struct vg_lx_prog *out)
{
    for (uint32_t i = 0; i < p->nnodes; i++) {
        struct lx_node *n = &p->nodes[i];
        if (n->op == VG_LX_LEAF) {
            out->max_id = n->id > out->max_id ? n->id : out->max_id;
            if (leaf_sensitive(n))
                out->sensitive |= (uint64_t)1 << n->id;
            continue;
        }
        for (int k = 0; k < 2; k++)
            p->nodes[n->kid[k]].under_block = n->under_block || n->mod;
    }
    for (uint32_t i = p->nnodes; i-- > 0;) {
        struct lx_node *n = &p->nodes[i];
        uint32_t a, b;
        if (n->op == VG_LX_LEAF) {
            n->need = 1;
            continue;
        }
        a = p->nodes[n->kid[0]].need;
        b = p->nodes[n->kid[1]].need;
        n->need = a == b ? a + 1 : a > b ? a : b;
    }
}

static void emit_node(struct vg_lx_prog *out, const struct lx_node *n)
{
    struct vg_lx_insn *in = &out->code[out->n++];
    *in = (struct vg_lx_insn){n->op, n->mod, n->id, 0, n->v1, n->v2};
}

/* Post-order, the deeper child first; the work array is reused as the
 * traversal stack (entry .b: 0 = children pending, 1 = emit). */
static void emit_all(struct lx_parser *p, struct vg_lx_prog *out)
{
    uint32_t sp = 0;
    p->work[sp++] = (struct lx_work){0, 0, 0};
    while (sp) {
        struct lx_work w = p->work[--sp];
        const struct lx_node *n = &p->nodes[w.node];
        uint32_t first, second;
        if (n->op == VG_LX_LEAF || w.b) {
            emit_node(out, n);
            continue;
        }
        first = n->kid[0];
        second = n->kid[1];
        if (p->nodes[second].need > p->nodes[first].need) {
            first = n->kid[1];
            second = n->kid[0];
        }
        p->work[sp++] = (struct lx_work){w.node, 1, 0};
        p->work[sp++] = (struct lx_work){second, 0, 0};
        p->work[sp++] = (struct lx_work){first, 0, 0};
    }
}

void vg_lx_prog_free(struct vg_lx_prog *p)
{
    if (p)
        VIGIL_FREEP(&p->code);
}

static int finish(struct lx_parser *p, struct vg_lx_prog *out)
{
    uint32_t zero[64] = {0};
    out->max_id = -1;
    analyse(p, out);
    if (p->nodes[0].need > VG_LEXPR_STACK)
        return lx_fail(p, "expression too complex");
    out->code = vigil_calloc(p->nnodes, sizeof *out->code);
    if (!out->code)
        return VIGIL_E_NOMEM;
    emit_all(p, out);
    out->zero_true = vg_lexpr_eval(out->code, out->n, zero);
    return VIGIL_OK;
}

int vg_lexpr_compile(struct vigil_str text, struct vg_lx_prog *out,
                     const char **why)
{
    struct lx_parser p = {text.p, text.len, NULL, 0, 0, NULL, 0, NULL};
    struct vg_lx_prog prog;
    size_t cap = 2 * text.len + 3;
    int ret;
    memset(&prog, 0, sizeof prog);
    if (text.len > (size_t)1 << 24) {
        *why = "expression too long";
        return VIGIL_E_DB;
    }
    p.cap = (uint32_t)cap;
    p.nodes = vigil_calloc(cap, sizeof *p.nodes);
    /* The emission stack holds up to 2 * nodes + 1 entries. */
    p.work = vigil_calloc(2 * cap, sizeof *p.work);
    ret = p.nodes && p.work ? parse_all(&p) : VIGIL_E_NOMEM;
    if (ret == VIGIL_OK)
        ret = finish(&p, &prog);
    vigil_free(p.nodes);
    vigil_free(p.work);
    if (ret == VIGIL_E_DB)
        *why = p.why;
    if (ret != VIGIL_OK) {
        vg_lx_prog_free(&prog);
        return ret;
    }
    *out = prog;
    return VIGIL_OK;
}

/* ---- evaluation ---------------------------------------------------------- */

/* What a subexpression gives its parent: truth, the counts it adds and
 * the subsignatures it names (ClamAV's return value, *cnt and *ids). */
struct lx_val {
    bool ok;
    uint32_t cnt;
    uint64_t ids;
};

static bool compare(uint8_t mod, uint32_t val, uint32_t v1)
{
    switch (mod) {
    case '=': return val == v1;
    case '<': return val < v1;
    case '>': return val > v1;
    default: return false;
    }
}

static struct lx_val eval_leaf(const struct vg_lx_insn *in,
                               const uint32_t *counts)
{
    uint32_t val = counts[in->id];
    struct lx_val r = {false, 0, 0};
    if (in->mod ? compare(in->mod, val, in->v1) : val != 0)
        r = (struct lx_val){true, val, (uint64_t)1 << in->id};
    return r;
}

/* A block with a modifier passes its count up but not its names. */
static struct lx_val eval_op(const struct vg_lx_insn *in, struct lx_val l,
                             struct lx_val r)
{
    bool ok = in->op == VG_LX_AND ? l.ok && r.ok : l.ok || r.ok;
    struct lx_val none = {false, 0, 0}, t;
    t = ok ? (struct lx_val){true, l.cnt + r.cnt, l.ids | r.ids} : none;
    if (!in->mod)
        return t;
    if (!compare(in->mod, t.cnt, in->v1))
        return none;
    if (in->v2 && (uint32_t)__builtin_popcountll(t.ids) < in->v2)
        return none;
    return (struct lx_val){true, t.cnt, 0};
}

bool vg_lexpr_eval(const struct vg_lx_insn *code, uint32_t n,
                   const uint32_t *counts)
{
    struct lx_val st[VG_LEXPR_STACK];
    uint32_t sp = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (code[i].op == VG_LX_LEAF) {
            st[sp++] = eval_leaf(&code[i], counts);
        } else {
            sp--;
            st[sp - 1] = eval_op(&code[i], st[sp - 1], st[sp]);
        }
    }
    return sp == 1 && st[0].ok;
}

/* ---- required subsignatures ---------------------------------------------- */

/* All ones: the node can never hold. */
#define LX_NEVER UINT64_MAX

static uint64_t leaf_required(const struct vg_lx_insn *in)
{
    uint64_t me = (uint64_t)1 << in->id;
    switch (in->mod) {
    case 0:
    case '>': return me; /* count > 0 (or > v1) */
    case '=': return in->v1 ? me : 0;
    case '<': return 0;
    default: return LX_NEVER; /* ClamAV's never-true leaf */
    }
}

/* A block whose modifier fails on count 0 needs its operator to hold;
 * "<X" and "=0" hold on a block that does not. */
static uint64_t op_required(const struct vg_lx_insn *in, uint64_t l,
                            uint64_t r)
{
    uint64_t inner = in->op == VG_LX_AND ? l | r : l & r;
    if (!in->mod || in->mod == '>' || (in->mod == '=' && in->v1 > 0))
        return inner;
    return 0;
}

uint64_t vg_lexpr_required(const struct vg_lx_insn *code, uint32_t n)
{
    uint64_t st[VG_LEXPR_STACK];
    uint32_t sp = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (code[i].op == VG_LX_LEAF) {
            if (sp == VG_LEXPR_STACK)
                return 0;
            st[sp++] = leaf_required(&code[i]);
        } else {
            if (sp < 2)
                return 0;
            sp--;
            st[sp - 1] = op_required(&code[i], st[sp - 1], st[sp]);
        }
    }
    return sp == 1 ? st[0] : 0;
}
