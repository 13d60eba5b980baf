// SPDX-License-Identifier: GPL-2.0-or-later
// htmlnorm.c: ClamAV-compatible HTML normalisation into the "nocomment"
// and "notags" views that target-3 signatures are matched against.
#include "fmt/normalize.h"

#include <string.h>

#include "fmt/jsnorm.h"

#include "util/alloc.h"
#include "util/caps.h"
#include "vigil/vigil.h"

/*
 * This reproduces ClamAV 1.4's HTML normaliser byte for byte, quirks and
 * all, because signatures are written against its output (the rules are
 * described in SCAN-PIPELINE.md §6; the code is our own):
 *  - input is read in chunks of at most 8191 bytes with NUL bytes removed;
 *    a chunk that would end inside a word is cut back after its last
 *    blank, and leading blanks of every chunk are skipped whatever the
 *    state. Several decisions only look inside the current chunk.
 *  - a state machine walks each chunk (a mutable C string: LF becomes a
 *    space, encoded-script decoding rewrites it in place) and writes the
 *    two views.
 * Bounded: every per-tag string is capped at 1024 bytes, the attribute
 * list grows with the input but is capped, no recursion.
 */

#define HN_CHUNK 8192u /* ClamAV reads chunks of HN_CHUNK - 1 bytes */
#define HN_STR 1024u   /* longest tag name, attribute, value, entity */

enum hst {
    S_BAD,
    S_NORM,
    S_8BIT,
    S_COMMENT,
    S_CHAR_REF,
    S_ENTITY,
    S_SKIP_WS,
    S_TRIM_WS,
    S_TAG,
    S_TAG_ARG,
    S_TAG_ARG_VAL,
    S_TAG_ARG_EQUAL,
    S_PROCESS_TAG,
    S_CHAR_REF_DECODE,
    S_LOOKFOR_SCRENC,
    S_JSDECODE,
    S_JSDECODE_LENGTH,
    S_JSDECODE_DECRYPT,
    S_RFC2397_TYPE,
    S_RFC2397_INIT,
    S_RFC2397_DATA,
    S_RFC2397_FINISH,
    S_RFC2397_ESC,
    S_ESCAPE_CHAR
};

enum in_tag { IN_NONE, IN_SCRIPT, IN_STYLE };
enum quoted { Q_SINGLE, Q_DOUBLE, Q_NONE };

/* Microsoft Script Encoder ("#@~^...^#~@") decoding state. */
struct screnc {
    uint32_t length;
    uint32_t sum;
    uint8_t table_pos;
};

struct hn {
    struct vigil_buf *nc, *nt; /* the two views; either may be NULL */
    int err;                   /* first output error, sticky */
    bool abort;                /* ClamAV gave up: keep what was written */

    /* input and the current chunk */
    struct vigil_span in;
    size_t in_off;
    uint8_t line[HN_CHUNK]; /* NUL-terminated, no other NULs */
    size_t pos;
    long screnc_at; /* where an encoded script starts, -1: none */
    long style_begin;

    enum hst state, next, saved_next;
    enum in_tag in_tag;
    enum quoted quoted;
    bool binary, escape, hex, look_for_screnc, in_screnc, text_space;
    int64_t value;
    unsigned long length;
    uint32_t mbchar, mbchar2;

    char tag[HN_STR + 1];
    size_t tag_len;
    char arg[HN_STR + 1];
    size_t arg_len;
    char val[HN_STR + 1];
    size_t val_len;
    char ent[HN_STR + 1];
    size_t ent_len;
    struct vigil_buf args; /* name NUL has-value [value NUL] ... */
    struct screnc sc;

    /* the script view: the open script's normaliser, fed the chunk's bytes
     * from js_begin (-1: the chunk's start) */
    struct vigil_buf *js_out;
    struct vg_js *js;
    long js_begin;
    int js_err;
};

/* ---- small helpers ---- */

static bool hn_isspace(unsigned c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0d);
}

static bool hn_isdigit(unsigned c)
{
    return c >= '0' && c <= '9';
}

static bool hn_isxdigit(unsigned c)
{
    return hn_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool hn_isalnum(unsigned c)
{
    return hn_isdigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static uint8_t hn_lower(unsigned c)
{
    return (uint8_t)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

static uint8_t cur(const struct hn *h)
{
    return h->line[h->pos];
}

static void put(struct hn *h, struct vigil_buf *b, uint8_t c)
{
    int ret;

    if (b == NULL || h->err != VIGIL_OK)
        return;
    if (b->len < b->cap && b->len < b->max) {
        b->data[b->len++] = c;
        return;
    }
    ret = vigil_buf_append(b, &c, 1);
    if (ret != VIGIL_OK)
        h->err = ret;
}

static void put_str(struct hn *h, struct vigil_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(h, b, (uint8_t)s[i]);
}

/* Drop the last byte written to the nocomment view (ClamAV rewinds its
 * output buffer when "<" turns out to open a comment, and so on). */
static void unput_nc(struct hn *h)
{
    if (h->nc != NULL && h->nc->len > 0)
        h->nc->len--;
}

/* Append c to the current attribute value if there is room. */
static void val_add(struct hn *h, char c)
{
    if (h->val_len < HN_STR)
        h->val[h->val_len++] = c;
}

/* Same, only while an entity or character reference sits in a value. */
static void val_add_ref(struct hn *h, char c)
{
    if (h->next == S_TAG_ARG_VAL)
        val_add(h, c);
}

static void go(struct hn *h, enum hst state, enum hst next)
{
    h->state = state;
    h->next = next;
}

/* Leave a one-off state for the one recorded in next. */
static void go_next(struct hn *h)
{
    go(h, h->next, S_BAD);
}

/* ---- the current tag's attributes ---- */

static void args_put(struct hn *h, const char *name, const char *value,
                     size_t vlen)
{
    uint8_t has = value != NULL;
    int ret = vigil_buf_append(&h->args, name, strlen(name) + 1);

    if (ret == VIGIL_OK)
        ret = vigil_buf_append(&h->args, &has, 1);
    if (ret == VIGIL_OK && has)
        ret = vigil_buf_append(&h->args, value, vlen);
    if (ret == VIGIL_OK && has)
        ret = vigil_buf_append(&h->args, "", 1);
    if (ret != VIGIL_OK && h->err == VIGIL_OK)
        h->err = ret;
}

/* Record an attribute (name and value are C strings); a value that starts
 * with '"' loses that quote and its last byte, whatever it is, as in
 * ClamAV. */
static void args_add(struct hn *h, const char *name, const char *value)
{
    size_t vlen;

    if (value == NULL) {
        args_put(h, name, NULL, 0);
        return;
    }
    if (value[0] == '"') {
        value++;
        vlen = strlen(value);
        vlen -= vlen > 0;
    } else {
        vlen = strlen(value);
    }
    args_put(h, name, value, vlen);
}

struct arg_rec {
    const char *name, *value; /* value NULL: attribute without one */
    size_t next;              /* offset of the following record */
};

static bool args_at(const struct vigil_buf *b, size_t off, struct arg_rec *r)
{
    const char *base = (const char *)b->data;
    size_t nlen;

    if (off >= b->len)
        return false;
    r->name = base + off;
    nlen = strlen(r->name);
    r->value = base[off + nlen + 1] ? base + off + nlen + 2 : NULL;
    r->next = off + nlen + 2 + (r->value ? strlen(r->value) + 1 : 0);
    return true;
}

/* The first attribute called name: its value, or NULL. */
static const char *args_value(const struct hn *h, const char *name)
{
    struct arg_rec r;

    for (size_t off = 0; args_at(&h->args, off, &r); off = r.next)
        if (strcmp(r.name, name) == 0)
            return r.value;
    return NULL;
}

/* Give the first attribute called name the value v. */
static void args_set(struct hn *h, const char *name, const char *v)
{
    struct vigil_buf old = h->args;
    struct arg_rec r;
    bool done = false;

    vigil_buf_init(&h->args, old.max);
    for (size_t off = 0; args_at(&old, off, &r); off = r.next) {
        const char *value = r.value;
        if (!done && strcmp(r.name, name) == 0) {
            value = v;
            done = true;
        }
        args_put(h, r.name, value, value ? strlen(value) : 0);
    }
    vigil_buf_free(&old);
}

/* Write <tag name="value" ...> with values lower-cased. */
static void output_tag(struct hn *h)
{
    struct arg_rec r;

    put(h, h->nc, '<');
    put_str(h, h->nc, h->tag, strlen(h->tag));
    for (size_t off = 0; args_at(&h->args, off, &r); off = r.next) {
        put(h, h->nc, ' ');
        put_str(h, h->nc, r.name, strlen(r.name));
        if (r.value == NULL)
            continue;
        put_str(h, h->nc, "=\"", 2);
        for (const char *p = r.value; *p; p++)
            put(h, h->nc, hn_lower((uint8_t)*p));
        put(h, h->nc, '"');
    }
    put(h, h->nc, '>');
}

static bool ascii_caseeq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (hn_lower((uint8_t)*a) != hn_lower((uint8_t)*b))
            return false;
    return *a == *b;
}

/* ---- entities ---- */

struct entity {
    const char *name;
    uint16_t code;
};

/* HTML/SGML entity names ClamAV knows (case-sensitive), sorted. */
// clang-format off
static const struct entity entities[] = {
    {"AElig", 0xc6}, {"Aacgr", 0x386}, {"Aacute", 0xc1}, {"Acirc", 0xc2},
    {"Acy", 0x410}, {"Agr", 0x391}, {"Agrave", 0xc0}, {"Alpha", 0x391},
    {"Aring", 0xc5}, {"Atilde", 0xc3}, {"Auml", 0xc4}, {"Barwed", 0x2306},
    {"Bcy", 0x411}, {"Beta", 0x392}, {"Bgr", 0x392}, {"CHcy", 0x427},
    {"Cap", 0x22d2}, {"Ccedil", 0xc7}, {"Chi", 0x3a7}, {"Cup", 0x22d3},
    {"DJcy", 0x402}, {"DScy", 0x405}, {"DZcy", 0x40f}, {"Dagger", 0x2021},
    {"Dcy", 0x414}, {"Delta", 0x394}, {"Dgr", 0x394}, {"Dot", 0xa8},
    {"DotDot", 0x20dc}, {"EEacgr", 0x389}, {"EEgr", 0x397}, {"ETH", 0xd0},
    {"Eacgr", 0x388}, {"Eacute", 0xc9}, {"Ecirc", 0xca}, {"Ecy", 0x42d},
    {"Egr", 0x395}, {"Egrave", 0xc8}, {"Epsilon", 0x395}, {"Eta", 0x397},
    {"Euml", 0xcb}, {"Fcy", 0x424}, {"GJcy", 0x403}, {"Gamma", 0x393},
    {"Gcy", 0x413}, {"Gg", 0x22d9}, {"Ggr", 0x393}, {"Gt", 0x226b},
    {"HARDcy", 0x42a}, {"IEcy", 0x415}, {"IOcy", 0x401}, {"Iacgr", 0x38a},
    {"Iacute", 0xcd}, {"Icirc", 0xce}, {"Icy", 0x418}, {"Idigr", 0x3aa},
    {"Igr", 0x399}, {"Igrave", 0xcc}, {"Iota", 0x399}, {"Iukcy", 0x406},
    {"Iuml", 0xcf}, {"Jcy", 0x419}, {"Jsercy", 0x408}, {"Jukcy", 0x404},
    {"KHcy", 0x425}, {"KHgr", 0x3a7}, {"KJcy", 0x40c}, {"Kappa", 0x39a},
    {"Kcy", 0x41a}, {"Kgr", 0x39a}, {"LJcy", 0x409}, {"Lambda", 0x39b},
    {"Lcy", 0x41b}, {"Lgr", 0x39b}, {"Ll", 0x22d8}, {"Lt", 0x226a},
    {"Mcy", 0x41c}, {"Mgr", 0x39c}, {"Mu", 0x39c}, {"NJcy", 0x40a},
    {"Ncy", 0x41d}, {"Ngr", 0x39d}, {"Ntilde", 0xd1}, {"Nu", 0x39d},
    {"OElig", 0x152}, {"OHacgr", 0x38f}, {"OHgr", 0x3a9}, {"Oacgr", 0x38c},
    {"Oacute", 0xd3}, {"Ocirc", 0xd4}, {"Ocy", 0x41e}, {"Ogr", 0x39f},
    {"Ograve", 0xd2}, {"Omega", 0x3a9}, {"Omicron", 0x39f}, {"Oslash", 0xd8},
    {"Otilde", 0xd5}, {"Ouml", 0xd6}, {"PHgr", 0x3a6}, {"PSgr", 0x3a8},
    {"Pcy", 0x41f}, {"Pgr", 0x3a0}, {"Phi", 0x3a6}, {"Pi", 0x3a0},
    {"Prime", 0x2033}, {"Psi", 0x3a8}, {"Rcy", 0x420}, {"Rgr", 0x3a1},
    {"Rho", 0x3a1}, {"SHCHcy", 0x429}, {"SHcy", 0x428}, {"SOFTcy", 0x42c},
    {"Scaron", 0x160}, {"Scy", 0x421}, {"Sgr", 0x3a3}, {"Sigma", 0x3a3},
    {"Sub", 0x22d0}, {"Sup", 0x22d1}, {"THORN", 0xde}, {"THgr", 0x398},
    {"TSHcy", 0x40b}, {"TScy", 0x426}, {"Tau", 0x3a4}, {"Tcy", 0x422},
    {"Tgr", 0x3a4}, {"Theta", 0x398}, {"Uacgr", 0x38e}, {"Uacute", 0xda},
    {"Ubrcy", 0x40e}, {"Ucirc", 0xdb}, {"Ucy", 0x423}, {"Udigr", 0x3ab},
    {"Ugr", 0x3a5}, {"Ugrave", 0xd9}, {"Upsi", 0x3d2}, {"Upsilon", 0x3a5},
    {"Uuml", 0xdc}, {"Vcy", 0x412}, {"Vdash", 0x22a9}, {"Verbar", 0x2016},
    {"Vvdash", 0x22aa}, {"Xgr", 0x39e}, {"Xi", 0x39e}, {"YAcy", 0x42f},
    {"YIcy", 0x407}, {"YUcy", 0x42e}, {"Yacute", 0xdd}, {"Ycy", 0x42b},
    {"Yuml", 0x178}, {"ZHcy", 0x416}, {"Zcy", 0x417}, {"Zeta", 0x396},
    {"Zgr", 0x396}, {"aacgr", 0x3ac}, {"aacute", 0xe1}, {"acirc", 0xe2},
    {"acute", 0xb4}, {"acy", 0x430}, {"aelig", 0xe6}, {"agr", 0x3b1},
    {"agrave", 0xe0}, {"alefsym", 0x2135}, {"aleph", 0x2135}, {"alpha", 0x3b1},
    {"amalg", 0x2a3f}, {"amp", 0x26}, {"and", 0x2227}, {"ang", 0x2220},
    {"ang90", 0x221f}, {"angmsd", 0x2221}, {"angsph", 0x2222},
    {"angst", 0x212b}, {"ap", 0x2248}, {"ape", 0x224a}, {"apos", 0x27},
    {"aring", 0xe5}, {"ast", 0x2a}, {"asymp", 0x2248}, {"atilde", 0xe3},
    {"auml", 0xe4}, {"barwed", 0x2305}, {"bcong", 0x224c}, {"bcy", 0x431},
    {"bdquo", 0x201e}, {"becaus", 0x2235}, {"bepsi", 0x3f6},
    {"bernou", 0x212c}, {"beta", 0x3b2}, {"beth", 0x2136}, {"bgr", 0x3b2},
    {"blank", 0x2423}, {"blk12", 0x2592}, {"blk14", 0x2591}, {"blk34", 0x2593},
    {"block", 0x2588}, {"bottom", 0x22a5}, {"bowtie", 0x22c8},
    {"boxDL", 0x2557}, {"boxDR", 0x2554}, {"boxDl", 0x2556}, {"boxDr", 0x2553},
    {"boxH", 0x2550}, {"boxHD", 0x2566}, {"boxHU", 0x2569}, {"boxHd", 0x2564},
    {"boxHu", 0x2567}, {"boxUL", 0x255d}, {"boxUR", 0x255a}, {"boxUl", 0x255c},
    {"boxUr", 0x2559}, {"boxV", 0x2551}, {"boxVH", 0x256c}, {"boxVL", 0x2563},
    {"boxVR", 0x2560}, {"boxVh", 0x256b}, {"boxVl", 0x2562}, {"boxVr", 0x255f},
    {"boxdL", 0x2555}, {"boxdR", 0x2552}, {"boxdl", 0x2510}, {"boxdr", 0x250c},
    {"boxh", 0x2500}, {"boxhD", 0x2565}, {"boxhU", 0x2568}, {"boxhd", 0x252c},
    {"boxhu", 0x2534}, {"boxuL", 0x255b}, {"boxuR", 0x2558}, {"boxul", 0x2518},
    {"boxur", 0x2514}, {"boxv", 0x2502}, {"boxvH", 0x256a}, {"boxvL", 0x2561},
    {"boxvR", 0x255e}, {"boxvh", 0x253c}, {"boxvl", 0x2524}, {"boxvr", 0x251c},
    {"bprime", 0x2035}, {"breve", 0x2d8}, {"brvbar", 0xa6}, {"bsim", 0x223d},
    {"bsime", 0x22cd}, {"bsol", 0x5c}, {"bull", 0x2022}, {"bump", 0x224e},
    {"bumpe", 0x224f}, {"cap", 0x2229}, {"caret", 0x2041}, {"caron", 0x2c7},
    {"ccedil", 0xe7}, {"cedil", 0xb8}, {"cent", 0xa2}, {"chcy", 0x447},
    {"check", 0x2713}, {"chi", 0x3c7}, {"cir", 0x25cb}, {"circ", 0x2c6},
    {"cire", 0x2257}, {"clubs", 0x2663}, {"colon", 0x3a}, {"colone", 0x2254},
    {"comma", 0x2c}, {"commat", 0x40}, {"comp", 0x2201}, {"compfn", 0x2218},
    {"cong", 0x2245}, {"conint", 0x222e}, {"coprod", 0x2210}, {"copy", 0xa9},
    {"copysr", 0x2117}, {"crarr", 0x21b5}, {"cross", 0x2717},
    {"cuepr", 0x22de}, {"cuesc", 0x22df}, {"cup", 0x222a}, {"cupre", 0x227c},
    {"curren", 0xa4}, {"cuvee", 0x22ce}, {"cuwed", 0x22cf}, {"dArr", 0x21d3},
    {"dagger", 0x2020}, {"daleth", 0x2138}, {"darr", 0x2193}, {"dash", 0x2010},
    {"dashv", 0x22a3}, {"dblac", 0x2dd}, {"dcy", 0x434}, {"deg", 0xb0},
    {"delta", 0x3b4}, {"dgr", 0x3b4}, {"diam", 0x22c4}, {"diams", 0x2666},
    {"die", 0xa8}, {"divide", 0xf7}, {"divonx", 0x22c7}, {"djcy", 0x452},
    {"dlcorn", 0x231e}, {"dlcrop", 0x230d}, {"dollar", 0x24}, {"dot", 0x2d9},
    {"drcorn", 0x231f}, {"drcrop", 0x230c}, {"dscy", 0x455}, {"dtri", 0x25bf},
    {"dtrif", 0x25be}, {"dzcy", 0x45f}, {"eDot", 0x2251}, {"eacgr", 0x3ad},
    {"eacute", 0xe9}, {"ecir", 0x2256}, {"ecirc", 0xea}, {"ecolon", 0x2255},
    {"ecy", 0x44d}, {"eeacgr", 0x3ae}, {"eegr", 0x3b7}, {"efDot", 0x2252},
    {"egr", 0x3b5}, {"egrave", 0xe8}, {"egs", 0x2a96}, {"ell", 0x2113},
    {"els", 0x2a95}, {"empty", 0x2205}, {"emsp", 0x2003}, {"emsp13", 0x2004},
    {"emsp14", 0x2005}, {"ensp", 0x2002}, {"epsi", 0x3f5}, {"epsilon", 0x3b5},
    {"epsis", 0x3f5}, {"epsiv", 0x3b5}, {"equals", 0x3d}, {"equiv", 0x2261},
    {"erDot", 0x2253}, {"esdot", 0x2250}, {"eta", 0x3b7}, {"eth", 0xf0},
    {"euml", 0xeb}, {"euro", 0x20ac}, {"excl", 0x21}, {"exist", 0x2203},
    {"fcy", 0x444}, {"female", 0x2640}, {"ffilig", 0xfb03}, {"fflig", 0xfb00},
    {"ffllig", 0xfb04}, {"filig", 0xfb01}, {"flat", 0x266d}, {"fllig", 0xfb02},
    {"fnof", 0x192}, {"forall", 0x2200}, {"fork", 0x22d4}, {"frac12", 0xbd},
    {"frac13", 0x2153}, {"frac14", 0xbc}, {"frac15", 0x2155},
    {"frac16", 0x2159}, {"frac18", 0x215b}, {"frac23", 0x2154},
    {"frac25", 0x2156}, {"frac34", 0xbe}, {"frac35", 0x2157},
    {"frac38", 0x215c}, {"frac45", 0x2158}, {"frac56", 0x215a},
    {"frac58", 0x215d}, {"frac78", 0x215e}, {"frasl", 0x2044},
    {"frown", 0x2322}, {"gE", 0x2267}, {"gEl", 0x2a8c}, {"gamma", 0x3b3},
    {"gammad", 0x3dd}, {"gap", 0x2a86}, {"gcy", 0x433}, {"ge", 0x2265},
    {"gel", 0x22db}, {"ges", 0x2a7e}, {"ggr", 0x3b3}, {"gimel", 0x2137},
    {"gjcy", 0x453}, {"gl", 0x2277}, {"grave", 0x60}, {"gsdot", 0x22d7},
    {"gsim", 0x2273}, {"gt", 0x3e}, {"hArr", 0x21d4}, {"hairsp", 0x200a},
    {"half", 0xbd}, {"hamilt", 0x210b}, {"hardcy", 0x44a}, {"harr", 0x2194},
    {"hearts", 0x2665}, {"hellip", 0x2026}, {"horbar", 0x2015},
    {"hybull", 0x2043}, {"hyphen", 0x2010}, {"iacgr", 0x3af}, {"iacute", 0xed},
    {"icirc", 0xee}, {"icy", 0x438}, {"idiagr", 0x390}, {"idigr", 0x3ca},
    {"iecy", 0x435}, {"iexcl", 0xa1}, {"iff", 0x21d4}, {"igr", 0x3b9},
    {"igrave", 0xec}, {"image", 0x2111}, {"incare", 0x2105}, {"infin", 0x221e},
    {"inodot", 0x131}, {"int", 0x222b}, {"intcal", 0x22ba}, {"iocy", 0x451},
    {"iota", 0x3b9}, {"iquest", 0xbf}, {"isin", 0x2208}, {"iukcy", 0x456},
    {"iuml", 0xef}, {"jcy", 0x439}, {"jnodot", 0x6a}, {"jsercy", 0x458},
    {"jukcy", 0x454}, {"kappa", 0x3ba}, {"kappav", 0x3f0}, {"kcy", 0x43a},
    {"kgr", 0x3ba}, {"khcy", 0x445}, {"khgr", 0x3c7}, {"kjcy", 0x45c},
    {"lArr", 0x21d0}, {"lE", 0x2266}, {"lEg", 0x2a8b}, {"lagran", 0x2112},
    {"lambda", 0x3bb}, {"lang", 0x2329}, {"lap", 0x2a85}, {"laquo", 0xab},
    {"larr", 0x2190}, {"lceil", 0x2308}, {"lcub", 0x7b}, {"lcy", 0x43b},
    {"ldot", 0x22d6}, {"ldquo", 0x201c}, {"ldquor", 0x201e}, {"le", 0x2264},
    {"leg", 0x22da}, {"les", 0x2a7d}, {"lfloor", 0x230a}, {"lg", 0x2276},
    {"lgr", 0x3bb}, {"lhblk", 0x2584}, {"ljcy", 0x459}, {"lowast", 0x2217},
    {"lowbar", 0x5f}, {"loz", 0x25ca}, {"lozf", 0x29eb}, {"lpar", 0x28},
    {"lpargt", 0x29a0}, {"lrm", 0x200e}, {"lsaquo", 0x2039}, {"lsim", 0x2272},
    {"lsqb", 0x5b}, {"lsquo", 0x2018}, {"lsquor", 0x201a}, {"lt", 0x3c},
    {"lthree", 0x22cb}, {"ltimes", 0x22c9}, {"ltri", 0x25c3},
    {"ltrie", 0x22b4}, {"ltrif", 0x25c2}, {"macr", 0xaf}, {"male", 0x2642},
    {"malt", 0x2720}, {"marker", 0x25ae}, {"mcy", 0x43c}, {"mdash", 0x2014},
    {"mgr", 0x3bc}, {"micro", 0xb5}, {"mid", 0x2223}, {"middot", 0xb7},
    {"minus", 0x2212}, {"minusb", 0x229f}, {"mldr", 0x2026},
    {"mnplus", 0x2213}, {"models", 0x22a7}, {"mu", 0x3bc}, {"nabla", 0x2207},
    {"natur", 0x266e}, {"nbsp", 0xa0}, {"ncy", 0x43d}, {"ndash", 0x2013},
    {"ne", 0x2260}, {"nexist", 0x2204}, {"ngr", 0x3bd}, {"ni", 0x220b},
    {"njcy", 0x45a}, {"nldr", 0x2025}, {"not", 0xac}, {"notin", 0x2209},
    {"nsub", 0x2284}, {"ntilde", 0xf1}, {"nu", 0x3bd}, {"num", 0x23},
    {"numero", 0x2116}, {"numsp", 0x2007}, {"oS", 0x24c8}, {"oacgr", 0x3cc},
    {"oacute", 0xf3}, {"oast", 0x229b}, {"ocir", 0x229a}, {"ocirc", 0xf4},
    {"ocy", 0x43e}, {"odash", 0x229d}, {"odot", 0x2299}, {"oelig", 0x153},
    {"ogon", 0x2db}, {"ogr", 0x3bf}, {"ograve", 0xf2}, {"ohacgr", 0x3ce},
    {"ohgr", 0x3c9}, {"ohm", 0x2126}, {"oline", 0x203e}, {"omega", 0x3c9},
    {"omicron", 0x3bf}, {"ominus", 0x2296}, {"oplus", 0x2295}, {"or", 0x2228},
    {"order", 0x2134}, {"ordf", 0xaa}, {"ordm", 0xba}, {"oslash", 0xf8},
    {"osol", 0x2298}, {"otilde", 0xf5}, {"otimes", 0x2297}, {"ouml", 0xf6},
    {"par", 0x2225}, {"para", 0xb6}, {"part", 0x2202}, {"pcy", 0x43f},
    {"percnt", 0x25}, {"period", 0x2e}, {"permil", 0x2030}, {"perp", 0x22a5},
    {"pgr", 0x3c0}, {"phgr", 0x3c6}, {"phi", 0x3c6}, {"phis", 0x3d5},
    {"phiv", 0x3c6}, {"phmmat", 0x2133}, {"phone", 0x260e}, {"pi", 0x3c0},
    {"piv", 0x3d6}, {"planck", 0x210f}, {"plus", 0x2b}, {"plusb", 0x229e},
    {"plusdo", 0x2214}, {"plusmn", 0xb1}, {"pound", 0xa3}, {"pr", 0x227a},
    {"prap", 0x2ab7}, {"pre", 0x2aaf}, {"prime", 0x2032}, {"prod", 0x220f},
    {"prop", 0x221d}, {"prsim", 0x227e}, {"psgr", 0x3c8}, {"psi", 0x3c8},
    {"puncsp", 0x2008}, {"quest", 0x3f}, {"quot", 0x22}, {"rArr", 0x21d2},
    {"radic", 0x221a}, {"rang", 0x232a}, {"raquo", 0xbb}, {"rarr", 0x2192},
    {"rceil", 0x2309}, {"rcub", 0x7d}, {"rcy", 0x440}, {"rdquo", 0x201d},
    {"rdquor", 0x201d}, {"real", 0x211c}, {"rect", 0x25ad}, {"reg", 0xae},
    {"rfloor", 0x230b}, {"rgr", 0x3c1}, {"rho", 0x3c1}, {"rhov", 0x3f1},
    {"ring", 0x2da}, {"rlm", 0x200f}, {"rpar", 0x29}, {"rpargt", 0x2994},
    {"rsaquo", 0x203a}, {"rsqb", 0x5d}, {"rsquo", 0x2019}, {"rsquor", 0x2019},
    {"rthree", 0x22cc}, {"rtimes", 0x22ca}, {"rtri", 0x25b9},
    {"rtrie", 0x22b5}, {"rtrif", 0x25b8}, {"rx", 0x211e}, {"samalg", 0x2210},
    {"sbquo", 0x201a}, {"sbsol", 0xfe68}, {"sc", 0x227b}, {"scap", 0x2ab8},
    {"scaron", 0x161}, {"sccue", 0x227d}, {"sce", 0x2ab0}, {"scsim", 0x227f},
    {"scy", 0x441}, {"sdot", 0x22c5}, {"sdotb", 0x22a1}, {"sect", 0xa7},
    {"semi", 0x3b}, {"setmn", 0x2216}, {"sext", 0x2736}, {"sfgr", 0x3c2},
    {"sfrown", 0x2322}, {"sgr", 0x3c3}, {"sharp", 0x266f}, {"shchcy", 0x449},
    {"shcy", 0x448}, {"shy", 0xad}, {"sigma", 0x3c3}, {"sigmaf", 0x3c2},
    {"sigmav", 0x3c2}, {"sim", 0x223c}, {"sime", 0x2243}, {"smid", 0x2223},
    {"smile", 0x2323}, {"softcy", 0x44c}, {"sol", 0x2f}, {"spades", 0x2660},
    {"spar", 0x2225}, {"sqcap", 0x2293}, {"sqcup", 0x2294}, {"sqsub", 0x228f},
    {"sqsube", 0x2291}, {"sqsup", 0x2290}, {"sqsupe", 0x2292}, {"squ", 0x25a1},
    {"square", 0x25a1}, {"squf", 0x25aa}, {"ssetmn", 0x2216},
    {"ssmile", 0x2323}, {"sstarf", 0x22c6}, {"star", 0x2606},
    {"starf", 0x2605}, {"sub", 0x2282}, {"subE", 0x2ac5}, {"sube", 0x2286},
    {"sum", 0x2211}, {"sung", 0x266a}, {"sup", 0x2283}, {"sup1", 0xb9},
    {"sup2", 0xb2}, {"sup3", 0xb3}, {"supE", 0x2ac6}, {"supe", 0x2287},
    {"szlig", 0xdf}, {"target", 0x2316}, {"tau", 0x3c4}, {"tcy", 0x442},
    {"tdot", 0x20db}, {"telrec", 0x2315}, {"tgr", 0x3c4}, {"there4", 0x2234},
    {"theta", 0x3b8}, {"thetas", 0x3b8}, {"thetasym", 0x3d1},
    {"thetav", 0x3d1}, {"thgr", 0x3b8}, {"thinsp", 0x2009}, {"thkap", 0x2248},
    {"thksim", 0x223c}, {"thorn", 0xfe}, {"tilde", 0x2dc}, {"times", 0xd7},
    {"timesb", 0x22a0}, {"top", 0x22a4}, {"tprime", 0x2034}, {"trade", 0x2122},
    {"trie", 0x225c}, {"tscy", 0x446}, {"tshcy", 0x45b}, {"twixt", 0x226c},
    {"uArr", 0x21d1}, {"uacgr", 0x3cd}, {"uacute", 0xfa}, {"uarr", 0x2191},
    {"ubrcy", 0x45e}, {"ucirc", 0xfb}, {"ucy", 0x443}, {"udiagr", 0x3b0},
    {"udigr", 0x3cb}, {"ugr", 0x3c5}, {"ugrave", 0xf9}, {"uhblk", 0x2580},
    {"ulcorn", 0x231c}, {"ulcrop", 0x230f}, {"uml", 0xa8}, {"uplus", 0x228e},
    {"upsi", 0x3c5}, {"upsih", 0x3d2}, {"upsilon", 0x3c5}, {"urcorn", 0x231d},
    {"urcrop", 0x230e}, {"utri", 0x25b5}, {"utrif", 0x25b4}, {"uuml", 0xfc},
    {"vDash", 0x22a8}, {"vcy", 0x432}, {"vdash", 0x22a2}, {"veebar", 0x22bb},
    {"vellip", 0x22ee}, {"verbar", 0x7c}, {"vltri", 0x22b2},
    {"vprime", 0x2032}, {"vprop", 0x221d}, {"vrtri", 0x22b3},
    {"wedgeq", 0x2259}, {"weierp", 0x2118}, {"wreath", 0x2240},
    {"xcirc", 0x25ef}, {"xdtri", 0x25bd}, {"xgr", 0x3be}, {"xi", 0x3be},
    {"xutri", 0x25b3}, {"yacute", 0xfd}, {"yacy", 0x44f}, {"ycy", 0x44b},
    {"yen", 0xa5}, {"yicy", 0x457}, {"yucy", 0x44e}, {"yuml", 0xff},
    {"zcy", 0x437}, {"zeta", 0x3b6}, {"zgr", 0x3b6}, {"zhcy", 0x436},
    {"zwj", 0x200d}, {"zwnj", 0x200c},
};
// clang-format on

static int entity_code(const char *name)
{
    size_t lo = 0, hi = sizeof entities / sizeof entities[0];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, entities[mid].name);
        if (c == 0)
            return entities[mid].code;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/*
 * How ClamAV spells a UTF-16 unit in the view: nothing for 0, the byte
 * itself below 0xff, '.' for the three full-stop look-alikes, else
 * "&#xhhhh;" (so U+00FF is spelled out too). @return bytes written.
 */
static size_t u16_spell(uint16_t u, char out[8])
{
    static const char hexd[] = "0123456789abcdef";

    if (u == 0)
        return 0;
    if (u < 0xff) {
        out[0] = (char)u;
        return 1;
    }
    if (u == 0x3002 || u == 0xff0e || u == 0xfe52) {
        out[0] = '.';
        return 1;
    }
    memcpy(out, "&#x", 3);
    for (int i = 6; i >= 3; i--, u >>= 4)
        out[i] = hexd[u & 0xf];
    out[7] = ';';
    return 8;
}

/* ---- states: text ---- */

static void st_skip_ws(struct hn *h)
{
    if (hn_isspace(cur(h)))
        h->pos++;
    else
        go_next(h);
}

static void st_trim_ws(struct hn *h)
{
    if (hn_isspace(cur(h))) {
        h->pos++;
        return;
    }
    if (h->in_tag == IN_NONE)
        put(h, h->nc, ' ');
    go_next(h);
}

/* One space into the text view, unless the last thing written was one. */
static void text_space(struct hn *h)
{
    if (!h->text_space && h->in_tag == IN_NONE) {
        put(h, h->nt, ' ');
        h->text_space = true;
    }
}

/* "。", "．", "﹒" (UTF-8) and 0xA1 + 'C'/'D'/'O' are full stops. */
static bool mb_is_stop(uint32_t mb, uint8_t c)
{
    return mb == 0xe38082 || mb == 0xefbc8e || mb == 0xefb992 ||
           (mb == 0xa1 && (c == 0x43 || c == 0x44 || c == 0x4f));
}

/* Flush up to three pending high bytes. ClamAV writes the middle byte
 * where the last one belongs in the text view; so does this. */
static void mb_flush(struct hn *h, uint32_t mb)
{
    uint8_t c0 = (uint8_t)(mb >> 16), c1 = (uint8_t)(mb >> 8);
    uint8_t c2 = (uint8_t)mb;

    if (c0) {
        put(h, h->nc, c0);
        put(h, h->nt, c0);
    }
    if (c0 || c1) {
        put(h, h->nc, c1);
        put(h, h->nt, c1);
    }
    put(h, h->nc, c2);
    put(h, h->nt, c1);
}

static void st_8bit(struct hn *h)
{
    uint8_t c = cur(h);

    if (c >= 0x80 && h->mbchar < 0x10000) {
        h->mbchar = (h->mbchar << 8) | c;
        h->pos++;
        return;
    }
    if (mb_is_stop(h->mbchar, c)) {
        put(h, h->nc, '.');
        put(h, h->nt, '.');
        if (h->mbchar == 0xa1) { /* eats the letter, stays in this state */
            h->pos++;
            h->mbchar = 0;
            return;
        }
    } else {
        mb_flush(h, h->mbchar);
    }
    h->mbchar = 0;
    go(h, h->next, S_NORM);
}

static void st_norm(struct hn *h)
{
    uint8_t c = cur(h);

    if (c == '<') {
        put(h, h->nc, '<');
        text_space(h);
        h->pos++;
        h->tag_len = 0;
        go(h, S_SKIP_WS, S_TAG);
    } else if (hn_isspace(c)) {
        text_space(h);
        go(h, S_TRIM_WS, S_NORM);
    } else if (c == '&') {
        text_space(h);
        h->pos++;
        go(h, S_CHAR_REF, S_NORM);
    } else if (c >= 0x80) {
        h->mbchar = c;
        h->pos++;
        go(h, S_8BIT, S_NORM);
    } else {
        uint8_t lc = hn_lower(c);
        if (h->in_tag != IN_NONE && lc == '\'')
            lc = '"'; /* scripts: ' becomes " */
        put(h, h->nc, lc);
        if (h->in_tag == IN_NONE && c < 0x20) {
            text_space(h);
        } else if (h->in_tag == IN_NONE) {
            put(h, h->nt, lc);
            h->text_space = false;
        }
        h->pos++;
    }
}

static void st_comment(struct hn *h)
{
    uint8_t c = cur(h);

    if (h->in_tag != IN_NONE && !hn_isspace(c)) /* scripts keep comments */
        put(h, h->nc, hn_lower(c) == '\'' ? '"' : hn_lower(c));
    if (c == '>')
        go(h, S_SKIP_WS, S_NORM);
    h->pos++;
}

/* ---- states: tags and attributes ---- */

static void st_tag(struct hn *h)
{
    uint8_t c = cur(h);

    if (h->tag_len == 0 && c == '!') {
        if (h->in_tag != IN_NONE)
            put(h, h->nc, '!');
        else
            unput_nc(h); /* the '<' */
        h->pos++;
        go(h, S_COMMENT, S_BAD);
    } else if (c == '>') {
        put(h, h->nc, '>');
        h->pos++;
        h->tag[h->tag_len] = '\0';
        go(h, S_SKIP_WS, S_PROCESS_TAG);
    } else if (!hn_isspace(c)) {
        put(h, h->nc, hn_lower(c));
        if (h->in_tag != IN_NONE && h->tag_len == 0 && c != '/')
            h->state = S_NORM; /* in a script only </...> is a tag */
        if (h->tag_len < HN_STR)
            h->tag[h->tag_len++] = (char)hn_lower(c);
        h->pos++;
    } else {
        h->tag[h->tag_len] = '\0';
        h->arg_len = 0;
        go(h, S_SKIP_WS, h->in_tag == IN_NONE ? S_TAG_ARG : S_PROCESS_TAG);
    }
}

/* Start reading an attribute value after '='. */
static void begin_value(struct hn *h)
{
    put(h, h->nc, '=');
    h->pos++;
    h->escape = false;
    h->quoted = Q_NONE;
    h->val_len = 0;
    go(h, S_SKIP_WS, S_TAG_ARG_VAL);
}

static void add_bare_arg(struct hn *h)
{
    if (h->arg_len > 0) {
        h->arg[h->arg_len] = '\0';
        args_add(h, h->arg, NULL);
    }
}

static void st_tag_arg(struct hn *h)
{
    uint8_t c = cur(h);

    if (c == '=') {
        h->arg[h->arg_len] = '\0';
        begin_value(h);
    } else if (hn_isspace(c)) {
        h->pos++;
        h->arg[h->arg_len] = '\0';
        go(h, S_SKIP_WS, S_TAG_ARG_EQUAL);
    } else if (c == '>') {
        put(h, h->nc, '>');
        add_bare_arg(h);
        h->pos++;
        go(h, S_PROCESS_TAG, S_BAD);
    } else {
        if (h->arg_len == 0)
            put(h, h->nc, ' ');
        put(h, h->nc, hn_lower(c));
        if (h->arg_len < HN_STR)
            h->arg[h->arg_len++] = (char)hn_lower(c);
        h->pos++;
    }
}

static void st_tag_arg_equal(struct hn *h)
{
    if (cur(h) == '=') {
        begin_value(h);
        return;
    }
    add_bare_arg(h);
    h->arg_len = 0;
    go(h, S_TAG_ARG, S_BAD);
}

/* The value is complete: record it and look for the next attribute. */
static void end_value(struct hn *h)
{
    h->val[h->val_len] = '\0';
    args_add(h, h->arg, h->val);
    h->arg_len = 0;
    go(h, S_SKIP_WS, S_TAG_ARG);
}

/* A quote character in a value; q is the kind it is. */
static void value_quote(struct hn *h, enum quoted q)
{
    put(h, h->nc, '"');
    val_add(h, '"');
    h->pos++;
    if (h->val_len == 1) /* it opened the value */
        h->quoted = q;
    else if (!h->escape && h->quoted == q)
        end_value(h);
}

/* A blank or '>' inside a value. Inside quotes it is kept, and - a
 * ClamAV quirk - the value counts as unquoted from then on. */
static void value_break(struct hn *h)
{
    uint8_t c = cur(h);

    if (h->quoted == Q_NONE) {
        end_value(h);
        return;
    }
    put(h, h->nc, c);
    val_add(h, hn_isspace(c) ? ' ' : '>');
    h->escape = false;
    h->quoted = Q_NONE;
    h->pos++;
    go(h, S_SKIP_WS, S_TAG_ARG_VAL);
}

/* Any other byte of a value. @return false when ClamAV skips its
 * escape bookkeeping for it. */
static bool value_byte(struct hn *h)
{
    uint8_t c = cur(h);

    if (h->mbchar2 && (c < 0x80 || h->mbchar2 >= 0x10000)) {
        uint32_t mb = h->mbchar2;
        if (mb_is_stop(mb, c)) {
            put(h, h->nc, '.');
            val_add(h, '.');
            if (mb == 0xa1) {
                h->pos++;
                h->mbchar2 = 0;
                return false;
            }
        } else {
            uint8_t c0 = (uint8_t)(mb >> 16), c1 = (uint8_t)(mb >> 8);
            if (c0)
                put(h, h->nc, c0);
            if (c0 || c1)
                put(h, h->nc, c1);
            put(h, h->nc, (uint8_t)mb);
            if (c0)
                val_add(h, (char)c0);
            if (c0 || c1)
                val_add(h, (char)c1);
            val_add(h, (char)mb);
        }
        h->mbchar2 = 0;
    }
    if (c >= 0x80) {
        h->mbchar2 = (h->mbchar2 << 8) | c;
    } else {
        put(h, h->nc, hn_lower(c));
        val_add(h, (char)c);
    }
    h->pos++;
    return true;
}

/* "data:" (or "\"data:") just completed a value: an inline RFC 2397 URI. */
static bool value_is_data_uri(const struct hn *h)
{
    return (h->val_len == 5 && memcmp(h->val, "data:", 5) == 0) ||
           (h->val_len == 6 && memcmp(h->val, "\"data:", 6) == 0);
}

static void st_tag_arg_val(struct hn *h)
{
    uint8_t c = cur(h);

    if (value_is_data_uri(h)) {
        unput_nc(h);
        if (h->quoted != Q_NONE)
            put(h, h->nc, '"');
        h->val_len = 0;
        go(h, S_RFC2397_TYPE, S_TAG_ARG);
    } else if (c == '&') {
        h->pos++;
        go(h, S_CHAR_REF, S_TAG_ARG_VAL);
    } else if (c == '\'' || c == '"') {
        value_quote(h, c == '\'' ? Q_SINGLE : Q_DOUBLE);
    } else if (hn_isspace(c) || c == '>') {
        value_break(h);
    } else if (!value_byte(h)) {
        return;
    }
    h->escape = cur(h) == '\\'; /* set while the backslash itself is read */
}

/* ---- states: entities and character references ---- */

static void st_char_ref(struct hn *h)
{
    if (cur(h) == '#') {
        h->value = 0;
        h->hex = false;
        h->pos++;
        h->state = S_CHAR_REF_DECODE;
    } else {
        h->state = S_ENTITY;
    }
}

/* Write "&name" (lower-cased) for an entity that is not decoded. */
static void entity_dump(struct hn *h)
{
    val_add_ref(h, '&');
    put(h, h->nc, '&');
    for (size_t i = 0; i < h->ent_len; i++) {
        uint8_t lc = hn_lower((uint8_t)h->ent[i]);
        put(h, h->nc, lc);
        val_add_ref(h, (char)lc);
    }
}

static void st_entity(struct hn *h)
{
    uint8_t c = cur(h);

    if (c == ';') {
        char sp[8];
        int code;
        h->ent[h->ent_len] = '\0';
        code = entity_code(h->ent);
        if (code >= 0) {
            size_t n = u16_spell((uint16_t)code, sp);
            for (size_t i = 0; i < n; i++) {
                put(h, h->nc, (uint8_t)sp[i]);
                val_add_ref(h, sp[i]);
            }
        } else {
            entity_dump(h);
            val_add_ref(h, ';');
            put(h, h->nc, ';');
        }
        h->ent_len = 0;
        h->pos++;
        go_next(h);
    } else if ((hn_isalnum(c) || c == '_' || c == ':' || c == '-') &&
               h->ent_len < HN_STR) {
        h->ent[h->ent_len++] = (char)c;
        h->pos++;
    } else { /* not an entity after all */
        entity_dump(h);
        h->ent_len = 0;
        go_next(h);
    }
}

/* "&#...;" complete: below 0x80 the lower-cased character, else the
 * value cut to 16 bits and spelled as u16_spell() does. */
static void char_ref_done(struct hn *h)
{
    val_add_ref(h, (char)h->value);
    if (h->value < 0x80) {
        put(h, h->nc, hn_lower((unsigned)h->value));
    } else {
        char sp[8];
        put_str(h, h->nc, sp, u16_spell((uint16_t)h->value, sp));
    }
    h->pos++;
    go_next(h);
}

/* Give up on a reference: its value so far, as a raw byte. */
static void char_ref_raw(struct hn *h, bool consume)
{
    put(h, h->nc, (uint8_t)h->value);
    h->pos += consume;
    go_next(h);
}

static void st_char_ref_decode(struct hn *h)
{
    uint8_t c = cur(h);
    int64_t inc;

    if (h->value == 0 && (c == 'x' || c == 'X')) {
        h->hex = true;
        h->pos++;
    } else if (c == ';') {
        char_ref_done(h);
    } else if (hn_isdigit(c) || (h->hex && hn_isxdigit(c))) {
        /* ClamAV's overflow guard falls back to base 10 for large hex */
        if (h->hex && h->value < INT64_MAX / 16)
            h->value *= 16;
        else if (h->value < INT64_MAX / 10)
            h->value *= 10;
        else {
            char_ref_raw(h, true);
            return;
        }
        inc = hn_isdigit(c) ? c - '0' : hn_lower(c) - 'a' + 10;
        if (h->value > INT64_MAX - inc) {
            char_ref_raw(h, true);
            return;
        }
        h->value += inc;
        h->pos++;
    } else {
        char_ref_raw(h, false);
    }
}

/* ---- the script view ---- */

/* Hand the open script the chunk's bytes from where it (or the chunk)
 * starts up to the current position. */
static void js_feed_chunk(struct hn *h)
{
    size_t from = h->js_begin < 0 ? 0 : (size_t)h->js_begin;

    if (h->pos > from)
        vg_js_feed(h->js, h->line + from, h->pos - from);
    h->js_begin = -1;
}

static void js_end(struct hn *h)
{
    int ret = vg_js_finish(h->js, h->js_out);

    if (h->js_err == VIGIL_OK)
        h->js_err = ret;
    vg_js_free(h->js);
    h->js = NULL;
}

/* ClamAV's script starts after the tag's '>' and the blanks after it. */
static void js_start(struct hn *h)
{
    if (h->js_out == NULL || h->js != NULL)
        return;
    h->js = vg_js_new();
    if (h->js == NULL && h->js_err == VIGIL_OK)
        h->js_err = VIGIL_E_NOMEM;
    h->js_begin = (long)h->pos;
}

/* ---- states: <script>, <style> and other tags ---- */

static void end_tag(struct hn *h)
{
    if (strcmp(h->tag, "/script") == 0) {
        h->in_tag = IN_NONE;
        if (h->js != NULL) { /* "</script>" and the blanks after it too */
            js_feed_chunk(h);
            js_end(h);
        }
    } else if (strcmp(h->tag, "/style") == 0 && h->in_tag == IN_STYLE) {
        /* ClamAV measures the style block back from "</style>" and gives
         * up on the whole page when that lands before the block start
         * (a tag split over two chunks) */
        if ((long)h->pos - 8 < h->style_begin)
            h->abort = true;
        h->in_tag = IN_NONE;
    }
}

static bool lang_is(const char *lang, const char *want)
{
    return lang != NULL && ascii_caseeq(lang, want);
}

static void script_tag(struct hn *h)
{
    const char *lang = args_value(h, "language");
    const char *plain = lang_is(lang, "jscript.encode")    ? "javascript"
                        : lang_is(lang, "vbscript.encode") ? "vbscript"
                                                           : NULL;

    if (plain != NULL) {
        args_set(h, "language", plain);
        go(h, S_SKIP_WS, S_JSDECODE);
        output_tag(h); /* a second, decoded-language copy of the tag */
    }
    h->in_tag = IN_SCRIPT;
    js_start(h);
}

static void asp_directive(struct hn *h)
{
    const char *lang = args_value(h, "language");

    if (lang_is(lang, "jscript.encode") || lang_is(lang, "vbscript.encode")) {
        h->saved_next = h->next;
        h->next = h->state;
        h->look_for_screnc = false;
        h->state = S_LOOKFOR_SCRENC;
    }
}

/* <a href> and <img src> put their URL into the text view. */
static void link_text(struct hn *h, const char *attr)
{
    const char *v = args_value(h, attr);

    if (v != NULL && v[0] != '\0') {
        put_str(h, h->nt, v, strlen(v));
        put(h, h->nt, ' ');
        h->text_space = true;
    }
}

static void st_process_tag(struct hn *h)
{
    go(h, S_SKIP_WS, S_NORM);
    if (h->tag[0] == '/')
        end_tag(h);
    else if (strcmp(h->tag, "script") == 0)
        script_tag(h);
    else if (strcmp(h->tag, "style") == 0) {
        h->in_tag = IN_STYLE;
        h->style_begin = (long)h->pos;
    } else if (strcmp(h->tag, "%@") == 0)
        asp_directive(h);
    else if (strcmp(h->tag, "a") == 0)
        link_text(h, "href");
    else if (strcmp(h->tag, "img") == 0)
        link_text(h, "src");
    h->args.len = 0;
}

/* ---- states: Microsoft Script Encoder blocks ---- */

/* Which of the three substitution tables each of 64 positions uses. */
// clang-format off
static const uint8_t screnc_order[64] = {
    0, 2, 1, 0, 2, 1, 2, 1, 1, 2, 1, 2, 0, 1, 2, 1,
    0, 1, 2, 1, 0, 0, 2, 1, 1, 2, 0, 1, 2, 1, 1, 2,
    0, 0, 1, 2, 1, 2, 1, 0, 1, 0, 0, 2, 1, 0, 1, 2,
    0, 1, 2, 1, 0, 0, 2, 1, 1, 0, 0, 2, 1, 0, 1, 2,
};
// clang-format on

/* Encoded byte -> plain byte, per table; 0xff marks an escape. */
// clang-format off
static const uint8_t screnc_tables[3][128] = {
    {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x57, 0x0a, 0x0b,
        0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
        0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x2e, 0x47, 0x7a, 0x56,
        0x42, 0x6a, 0x2f, 0x26, 0x49, 0x41, 0x34, 0x32, 0x5b, 0x76, 0x72, 0x43,
        0x38, 0x39, 0x70, 0x45, 0x68, 0x71, 0x4f, 0x09, 0x62, 0x44, 0x23, 0x75,
        0x3c, 0x7e, 0x3e, 0x5e, 0xff, 0x77, 0x4a, 0x61, 0x5d, 0x22, 0x4b, 0x6f,
        0x4e, 0x3b, 0x4c, 0x50, 0x67, 0x2a, 0x7d, 0x74, 0x54, 0x2b, 0x2d, 0x2c,
        0x30, 0x6e, 0x6b, 0x66, 0x35, 0x25, 0x21, 0x64, 0x4d, 0x52, 0x63, 0x3f,
        0x7b, 0x78, 0x29, 0x28, 0x73, 0x59, 0x33, 0x7f, 0x6d, 0x55, 0x53, 0x7c,
        0x3a, 0x5f, 0x65, 0x46, 0x58, 0x31, 0x69, 0x6c, 0x5a, 0x48, 0x27, 0x5c,
        0x3d, 0x24, 0x79, 0x37, 0x60, 0x51, 0x20, 0x36,
    },
    {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x7b, 0x0a, 0x0b,
        0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
        0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x32, 0x30, 0x21, 0x29,
        0x5b, 0x38, 0x33, 0x3d, 0x58, 0x3a, 0x35, 0x65, 0x39, 0x5c, 0x56, 0x73,
        0x66, 0x4e, 0x45, 0x6b, 0x62, 0x59, 0x78, 0x5e, 0x7d, 0x4a, 0x6d, 0x71,
        0x3c, 0x60, 0x3e, 0x53, 0xff, 0x42, 0x27, 0x48, 0x72, 0x75, 0x31, 0x37,
        0x4d, 0x52, 0x22, 0x54, 0x6a, 0x47, 0x64, 0x2d, 0x20, 0x7f, 0x2e, 0x4c,
        0x5d, 0x7e, 0x6c, 0x6f, 0x79, 0x74, 0x43, 0x26, 0x76, 0x25, 0x24, 0x2b,
        0x28, 0x23, 0x41, 0x34, 0x09, 0x2a, 0x44, 0x3f, 0x77, 0x3b, 0x55, 0x69,
        0x61, 0x63, 0x50, 0x67, 0x51, 0x49, 0x4f, 0x46, 0x68, 0x7c, 0x36, 0x70,
        0x6e, 0x7a, 0x2f, 0x5f, 0x4b, 0x5a, 0x2c, 0x57,
    },
    {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x6e, 0x0a, 0x0b,
        0x0c, 0x06, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
        0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x2d, 0x75, 0x52, 0x60,
        0x71, 0x5e, 0x49, 0x5c, 0x62, 0x7d, 0x29, 0x36, 0x20, 0x7c, 0x7a, 0x7f,
        0x6b, 0x63, 0x33, 0x2b, 0x68, 0x51, 0x66, 0x76, 0x31, 0x64, 0x54, 0x43,
        0x3c, 0x3a, 0x3e, 0x7e, 0xff, 0x45, 0x2c, 0x2a, 0x74, 0x27, 0x37, 0x44,
        0x79, 0x59, 0x2f, 0x6f, 0x26, 0x72, 0x6a, 0x39, 0x7b, 0x3f, 0x38, 0x77,
        0x67, 0x53, 0x47, 0x34, 0x78, 0x5d, 0x30, 0x23, 0x5a, 0x5b, 0x6c, 0x48,
        0x55, 0x70, 0x69, 0x2e, 0x4c, 0x21, 0x24, 0x4e, 0x50, 0x09, 0x56, 0x73,
        0x35, 0x61, 0x4b, 0x58, 0x3b, 0x57, 0x22, 0x6d, 0x4d, 0x25, 0x28, 0x46,
        0x4a, 0x32, 0x41, 0x3d, 0x5f, 0x4f, 0x42, 0x65,
    },
};
// clang-format on

static int b64val(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (hn_isdigit(c))
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* -1 shifted right stays -1 and masked gives the mask (two's complement),
 * which ClamAV's length arithmetic relies on for invalid digits. */
static int64_t b64_shr(int v, int n)
{
    return v < 0 ? -1 : v >> n;
}

static int64_t b64_and(int v, int m)
{
    return v < 0 ? m : v & m;
}

static int64_t nonneg(int64_t v)
{
    return v < 0 ? 0 : v;
}

/* The encoded block's length from the six characters after "#@~^",
 * with ClamAV's arithmetic (wrapping at 32 bits). */
static uint32_t screnc_length(const uint8_t *p)
{
    int v[6];
    int64_t parts[8];
    uint32_t len = 0;

    for (int i = 0; i < 6; i++)
        v[i] = b64val(p[i]);
    parts[0] = v[0] < 0 ? 0 : (int64_t)v[0] << 2;
    parts[1] = b64_shr(v[1], 4);
    parts[2] = b64_and(v[1], 0x0f) << 12;
    parts[3] = nonneg(b64_shr(v[2], 2)) << 8;
    parts[4] = b64_and(v[2], 0x03) << 22;
    parts[5] = v[3] < 0 ? 0 : (int64_t)v[3] << 16;
    parts[6] = (v[4] < 0 ? 0 : (int64_t)v[4] << 2) << 24;
    parts[7] = nonneg(b64_shr(v[5], 4)) << 24;
    for (int i = 0; i < 8; i++)
        len = (uint32_t)((uint64_t)len + (uint64_t)parts[i]);
    return len;
}

/* The byte after an 0xff escape names the character it stands for. */
static uint8_t screnc_escape(uint8_t c, uint8_t dflt)
{
    switch (c) {
    case 0x21: return 0x3c;
    case 0x23: return 0x0d;
    case 0x24: return 0x40;
    case 0x26: return 0x0a;
    case 0x2a: return 0x3e;
    default: return dflt;
    }
}

/*
 * Decode the rest of the chunk in place from h->pos until the block's
 * length runs out or the chunk ends. A finished block's 12-character
 * trailer (checksum and "^#~@") is dropped and the rest of the chunk is
 * moved up; an unfinished one ends the chunk.
 */
static void screnc_decode(struct hn *h)
{
    uint8_t *l = h->line;
    struct screnc *s = &h->sc;
    size_t src = h->pos, dst = h->pos, rest;

    while (s->length > 0 && l[src]) {
        if (l[src] == '\n' || l[src] == '\r') {
            src++;
            continue;
        }
        if (l[src] < 0x80) {
            uint8_t v = screnc_tables[screnc_order[s->table_pos]][l[src]];
            if (v == 0xff) {
                src++;
                s->length--;
                if (l[src] == 0)
                    src--;
                else
                    v = screnc_escape(l[src], v);
            }
            s->sum += v;
            l[dst++] = v;
            s->table_pos = (uint8_t)((s->table_pos + 1) % 64);
        } else {
            l[dst++] = l[src++];
            l[dst++] = l[src];
            if (l[src] == 0) {
                dst--;
                break;
            }
        }
        src++;
        s->length--;
    }
    if (s->length != 0) {
        l[dst] = 0;
        return;
    }
    rest = strlen((const char *)l + src);
    if (rest >= 12) {
        src += 12;
        rest -= 12;
    }
    memmove(l + dst, l + src, rest + 1);
}

static void st_lookfor_screnc(struct hn *h)
{
    const char *hit = strstr((const char *)h->line + h->pos, "#@~^");

    h->look_for_screnc = true;
    h->screnc_at = -1;
    if (hit != NULL) {
        size_t at = (size_t)(hit - (const char *)h->line);
        h->line[at] = '/';
        h->line[at + 1] = '/';
        h->screnc_at = (long)(at + 4);
    }
    go(h, h->next, h->saved_next);
}

static void st_jsdecode(struct hn *h)
{
    if (strncmp((const char *)h->line + h->pos, "#@~^", 4) == 0) {
        h->line[h->pos] = '/';
        h->line[h->pos + 1] = '/';
        h->pos += 4;
        go(h, S_JSDECODE_LENGTH, S_BAD);
    } else {
        put(h, h->nc, hn_lower(cur(h)));
        h->pos++;
    }
}

static void st_jsdecode_length(struct hn *h)
{
    if (strlen((const char *)h->line + h->pos) < 8) {
        go(h, S_NORM, S_BAD);
        return;
    }
    memset(&h->sc, 0, sizeof h->sc);
    h->sc.length = screnc_length(h->line + h->pos);
    h->in_screnc = true;
    h->line[h->pos + 7] = '\n'; /* seen again if the chunk is re-read */
    h->pos += 8;
    go(h, S_JSDECODE_DECRYPT, S_BAD);
}

static void st_jsdecode_decrypt(struct hn *h)
{
    screnc_decode(h);
    if (h->sc.length == 0)
        h->in_screnc = false;
    go(h, S_NORM, S_BAD);
}

/* ---- states: data: URIs (the payload itself is not kept yet) ---- */

/* A quote, blank or '>' that may end the URI. */
static void rfc2397_type_stop(struct hn *h, uint8_t c)
{
    enum quoted q = c == '\'' ? Q_SINGLE : c == '"' ? Q_DOUBLE : Q_NONE;

    if ((q != Q_NONE && !h->escape && h->quoted == q) ||
        (q == Q_NONE && h->quoted == Q_NONE)) {
        h->pos += q != Q_NONE; /* ends early */
        h->arg_len = 0;
        go(h, S_SKIP_WS, S_TAG_ARG);
    } else if (q != Q_NONE) {
        val_add(h, '"');
        h->pos++;
    } else {
        val_add(h, hn_isspace(c) ? ' ' : '>');
        h->escape = false;
        h->quoted = Q_NONE;
        h->pos++;
        go(h, S_SKIP_WS, S_RFC2397_TYPE);
    }
}

static void st_rfc2397_type(struct hn *h)
{
    uint8_t c = cur(h);

    if (c == '\'' || c == '"' || hn_isspace(c) || c == '>') {
        rfc2397_type_stop(h, c);
    } else if (c == ',') {
        h->val[h->val_len] = '\0';
        h->escape = false;
        h->pos++;
        go(h, S_RFC2397_INIT, S_BAD);
    } else {
        val_add(h, (char)hn_lower(c));
        h->pos++;
    }
    h->escape = cur(h) == '\\';
}

static void st_rfc2397_data(struct hn *h)
{
    uint8_t c = cur(h);
    enum quoted q = c == '\'' ? Q_SINGLE : c == '"' ? Q_DOUBLE : Q_NONE;

    if (c == '&') {
        go(h, S_CHAR_REF, S_RFC2397_DATA);
    } else if (c == '%') {
        h->length = 0;
        h->value = 0;
        go(h, S_ESCAPE_CHAR, S_RFC2397_ESC);
    } else if ((q != Q_NONE && !h->escape && h->quoted == q) ||
               ((hn_isspace(c) || c == '>') && h->quoted == Q_NONE)) {
        h->state = S_RFC2397_FINISH;
    }
    h->pos++; /* payload bytes are consumed (and not kept) */
    h->escape = cur(h) == '\\';
}

static void st_escape_char(struct hn *h)
{
    uint8_t c = cur(h);

    if (h->value >= INT64_MAX / 16) {
        h->pos++;
        go_next(h);
        return;
    }
    h->value *= 16;
    h->length++;
    if (hn_isxdigit(c))
        h->value += hn_isdigit(c) ? c - '0' : hn_lower(c) - 'a' + 10;
    else
        h->state = h->next;
    if (h->length == 2)
        h->state = h->next;
    h->pos++;
}

/* ---- the chunk reader ---- */

/* Length up to and including the chunk's last blank, or n when the only
 * blank (if any) is its first byte. */
static size_t cut_at_blank(const uint8_t *l, size_t n)
{
    size_t k = n;

    while (k > 1 && !hn_isspace(l[k - 1]))
        k--;
    return k == 1 ? n : k;
}

/*
 * Read the next chunk: up to HN_CHUNK - 1 non-NUL bytes. When more input
 * follows and does not start with a blank, the chunk is cut back after
 * its last blank and the input position moves back by the number of bytes
 * cut - counted without the NULs skipped, exactly as ClamAV miscounts it.
 * @return false at the end of the input.
 */
static bool read_chunk(struct hn *h)
{
    const uint8_t *in = h->in.p;
    size_t left = h->in.len - h->in_off, n = 0, raw = h->in_off, keep;

    if (left == 0)
        return false;
    while (raw < h->in.len && n < HN_CHUNK - 1) {
        if (in[raw] != 0)
            h->line[n++] = in[raw];
        raw++;
    }
    h->line[n] = 0;
    h->in_off = raw;
    h->pos = 0;
    if (raw < h->in.len && !hn_isspace(in[raw])) {
        keep = cut_at_blank(h->line, n);
        if (keep < n) {
            h->line[keep] = 0;
            h->in_off -= n - keep;
        }
    }
    return true;
}

/* ---- the driver ---- */

static void step(struct hn *h)
{
    switch (h->state) {
    case S_BAD: h->abort = true; break;
    case S_NORM: st_norm(h); break;
    case S_8BIT: st_8bit(h); break;
    case S_COMMENT: st_comment(h); break;
    case S_CHAR_REF: st_char_ref(h); break;
    case S_ENTITY: st_entity(h); break;
    case S_SKIP_WS: st_skip_ws(h); break;
    case S_TRIM_WS: st_trim_ws(h); break;
    case S_TAG: st_tag(h); break;
    case S_TAG_ARG: st_tag_arg(h); break;
    case S_TAG_ARG_VAL: st_tag_arg_val(h); break;
    case S_TAG_ARG_EQUAL: st_tag_arg_equal(h); break;
    case S_PROCESS_TAG: st_process_tag(h); break;
    case S_CHAR_REF_DECODE: st_char_ref_decode(h); break;
    default: break;
    }
}

static void step_rare(struct hn *h)
{
    switch (h->state) {
    case S_LOOKFOR_SCRENC: st_lookfor_screnc(h); break;
    case S_JSDECODE: st_jsdecode(h); break;
    case S_JSDECODE_LENGTH: st_jsdecode_length(h); break;
    case S_JSDECODE_DECRYPT: st_jsdecode_decrypt(h); break;
    case S_RFC2397_TYPE: st_rfc2397_type(h); break;
    case S_RFC2397_INIT:
        go(h, S_RFC2397_DATA, h->next);
        h->binary = true;
        break;
    case S_RFC2397_DATA: st_rfc2397_data(h); break;
    case S_RFC2397_FINISH:
        h->escape = false;
        h->quoted = Q_NONE;
        h->binary = false;
        go(h, S_SKIP_WS, S_TAG_ARG);
        break;
    case S_RFC2397_ESC: h->state = S_RFC2397_DATA; break;
    case S_ESCAPE_CHAR: st_escape_char(h); break;
    default: step(h); break;
    }
}

/* No state stays put for long without reading a byte; this guard only
 * stops a runaway should a new quirk introduce a loop. */
#define HN_MAX_IDLE_STEPS 64

static void run_chunk(struct hn *h)
{
    unsigned idle = 0;

    while (hn_isspace(cur(h)))
        h->pos++;
    while (cur(h) != 0 && !h->abort && h->err == VIGIL_OK) {
        size_t before = h->pos;
        if (!h->binary && cur(h) == '\n') {
            h->line[h->pos] = ' ';
            continue;
        }
        if (!h->binary && cur(h) == '\r') {
            h->pos++;
            continue;
        }
        step_rare(h);
        idle = h->pos == before ? idle + 1 : 0;
        if (idle > HN_MAX_IDLE_STEPS)
            h->abort = true;
    }
    if (h->in_tag == IN_STYLE && (long)h->pos < h->style_begin)
        h->abort = true;
}

/* State carried into a new chunk. */
static void next_chunk_state(struct hn *h)
{
    if (h->in_tag == IN_STYLE)
        h->style_begin = 0;
    if (h->in_screnc) {
        go(h, S_JSDECODE_DECRYPT, S_BAD);
    } else if (h->look_for_screnc && h->screnc_at < 0 &&
               h->state != S_LOOKFOR_SCRENC) {
        h->saved_next = h->next;
        h->next = h->state;
        h->state = S_LOOKFOR_SCRENC;
    }
    if (h->next == h->state)
        h->next = S_BAD;
}

/* An entity still open at the end of the input is decoded if it is a
 * known name, else written out as "&name". */
static void finish_entity(struct hn *h)
{
    char sp[8];
    int code;

    h->ent[h->ent_len] = '\0';
    code = entity_code(h->ent);
    if (code >= 0) {
        put_str(h, h->nc, sp, u16_spell((uint16_t)code, sp));
    } else if (h->ent_len > 0) {
        put(h, h->nc, '&');
        for (size_t i = 0; i < h->ent_len; i++)
            put(h, h->nc, hn_lower((uint8_t)h->ent[i]));
    }
}

static void normalize(struct hn *h)
{
    bool have = read_chunk(h);

    while (have && !h->abort && h->err == VIGIL_OK) {
        run_chunk(h);
        if (h->abort || h->err != VIGIL_OK)
            break;
        if (h->js != NULL)
            js_feed_chunk(h);
        if (h->look_for_screnc && h->screnc_at >= 0) {
            /* go back and decode the block found in this chunk */
            h->pos = (size_t)h->screnc_at;
            h->screnc_at = -1;
            go(h, S_JSDECODE_LENGTH, S_BAD);
            continue;
        }
        have = read_chunk(h);
        next_chunk_state(h);
    }
    if (!h->abort && h->err == VIGIL_OK)
        finish_entity(h);
    if (h->js != NULL) /* a script left open: what was fed so far */
        js_end(h);
}

int vg_html_normalize_all(struct vigil_span in, struct vigil_buf *nocomment,
                          struct vigil_buf *notags, struct vigil_buf *scripts,
                          int *scripts_ret)
{
    struct hn *h = vigil_calloc(1, sizeof *h);
    int ret;

    if (h == NULL)
        return VIGIL_E_NOMEM;
    h->nc = nocomment;
    h->nt = notags;
    h->js_out = scripts;
    h->js_begin = -1;
    h->in = in;
    h->screnc_at = -1;
    h->state = S_NORM;
    h->next = S_BAD;
    h->saved_next = S_BAD;
    h->quoted = Q_NONE;
    vigil_buf_init(&h->args, VIGIL_CAP_NORM_VIEW);
    normalize(h);
    ret = h->err;
    if (scripts_ret != NULL)
        *scripts_ret = h->js_err;
    vigil_buf_free(&h->args);
    vigil_free(h);
    return ret;
}

int vg_html_normalize(struct vigil_span in, struct vigil_buf *nocomment,
                      struct vigil_buf *notags)
{
    return vg_html_normalize_all(in, nocomment, notags, NULL, NULL);
}
