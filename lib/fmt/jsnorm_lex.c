// SPDX-License-Identifier: GPL-2.0-or-later
// jsnorm_lex.c: the JavaScript normaliser's lexer, ClamAV's quirks kept
// (SCAN-PIPELINE.md §7): bytes in, tokens out, across input pieces.
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/jsnorm_private.h"

/* ---- small helpers ---- */

static int hexval(unsigned c)
{
    if (js_isdigit(c))
        return (int)c - '0';
    if (c >= 'a' && c <= 'f')
        return (int)c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return (int)c - 'A' + 10;
    return -1;
}

/* A high nibble: not a hex digit counts as 0. The low nibble is taken as
 * is, so a bad one (-1) sets every bit: "\x4z" is 0xff. */
static int hex_hi(unsigned c)
{
    int v = hexval(c);
    return v < 0 ? 0 : v;
}


char *vg_js_unescape(const char *in, size_t len, size_t *out_len)
{
    struct vigil_buf s;
    const uint8_t *p = (const uint8_t *)in;

    vigil_buf_init(&s, SIZE_MAX);
    if (vigil_buf_reserve(&s, len + 1) != VIGIL_OK)
        return NULL;
    s.data[0] = '\0'; /* also when nothing is written */
    for (size_t k = 0; k < len; k++) {
        uint8_t c = p[k];
        if (c == '%') {
            if (k + 5 < len && p[k + 1] == 'u' && hexval(p[k + 2]) >= 0 &&
                hexval(p[k + 3]) >= 0 && hexval(p[k + 4]) >= 0 &&
                hexval(p[k + 5]) >= 0) {
                uint16_t u = (uint16_t)(hexval(p[k + 2]) << 12 |
                                        hexval(p[k + 3]) << 8 |
                                        hexval(p[k + 4]) << 4 | hexval(p[k + 5]));
                js_put_utf8(&s, u);
                k += 5;
                continue;
            }
            if (k + 2 < len && hexval(p[k + 1]) >= 0 && hexval(p[k + 2]) >= 0) {
                c = (uint8_t)(hexval(p[k + 1]) << 4 | hexval(p[k + 2]));
                k += 2;
            }
        }
        js_putc(&s, c == 0 ? 1 : c);
    }
    *out_len = s.len;
    return (char *)s.data;
}


/* ---- keywords and operators ---- */

struct word {
    const char *text;
    uint8_t type;
};

/* ECMAScript 3 keywords, future reserved words, null/true/false: sorted
 * for bsearch. Only "var" and "function" steer the parser. */
static const struct word keywords[] = {
    {"abstract", TK_OTHER},   {"boolean", TK_OTHER},    {"break", TK_OTHER},
    {"byte", TK_OTHER},       {"case", TK_OTHER},       {"catch", TK_OTHER},
    {"char", TK_OTHER},       {"class", TK_OTHER},      {"const", TK_OTHER},
    {"continue", TK_OTHER},   {"debugger", TK_OTHER},   {"default", TK_OTHER},
    {"delete", TK_OTHER},     {"do", TK_OTHER},         {"double", TK_OTHER},
    {"else", TK_OTHER},       {"enum", TK_OTHER},       {"export", TK_OTHER},
    {"extends", TK_OTHER},    {"false", TK_OTHER},      {"final", TK_OTHER},
    {"finally", TK_OTHER},    {"float", TK_OTHER},      {"for", TK_OTHER},
    {"function", TK_FUNCTION}, {"goto", TK_OTHER},      {"if", TK_OTHER},
    {"implements", TK_OTHER}, {"import", TK_OTHER},     {"in", TK_OTHER},
    {"instanceof", TK_OTHER}, {"int", TK_OTHER},        {"interface", TK_OTHER},
    {"long", TK_OTHER},       {"native", TK_OTHER},     {"new", TK_OTHER},
    {"null", TK_OTHER},       {"package", TK_OTHER},    {"private", TK_OTHER},
    {"protected", TK_OTHER},  {"public", TK_OTHER},     {"return", TK_OTHER},
    {"short", TK_OTHER},      {"static", TK_OTHER},     {"super", TK_OTHER},
    {"switch", TK_OTHER},     {"synchronized", TK_OTHER}, {"this", TK_OTHER},
    {"throw", TK_OTHER},      {"throws", TK_OTHER},     {"transient", TK_OTHER},
    {"true", TK_OTHER},       {"try", TK_OTHER},        {"typeof", TK_OTHER},
    {"var", TK_VAR},          {"void", TK_OTHER},       {"volatile", TK_OTHER},
    {"while", TK_OTHER},      {"with", TK_OTHER},
};

static int word_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct word *)elem)->text);
}

static const struct word *keyword(const char *s)
{
    return bsearch(s, keywords, sizeof keywords / sizeof keywords[0],
                   sizeof keywords[0], word_cmp);
}

/* Operators, longest first so that the first prefix found is the longest. */
static const struct word operators[] = {
    {">>>=", TK_OTHER}, {"===", TK_OTHER}, {"!==", TK_OTHER}, {">>>", TK_OTHER},
    {"<<=", TK_OTHER},  {">>=", TK_OTHER}, {"<<", TK_OTHER},  {">>", TK_OTHER},
    {"<=", TK_OTHER},   {">=", TK_OTHER},  {"==", TK_OTHER},  {"!=", TK_OTHER},
    {"||", TK_OTHER},   {"&&", TK_OTHER},  {"--", TK_OTHER},  {"++", TK_OTHER},
    {"*=", TK_OTHER},   {"/=", TK_OTHER},  {"%=", TK_OTHER},  {"+=", TK_OTHER},
    {"-=", TK_OTHER},   {"&=", TK_OTHER},  {"^=", TK_OTHER},  {"|=", TK_OTHER},
    {"=", TK_OTHER},    {"+", TK_PLUS},    {"&", TK_OTHER},   {":", TK_OTHER},
    {"/", TK_OTHER},    {"!", TK_OTHER},   {">", TK_OTHER},   {"<", TK_OTHER},
    {"-", TK_OTHER},    {"*", TK_OTHER},   {"|", TK_OTHER},   {"%", TK_OTHER},
    {"?", TK_OTHER},    {"~", TK_OTHER},   {"^", TK_OTHER},
};

/* Byte classes of the lexer's first character. */
enum cls { C_SKIP, C_SLASH, C_OP, C_DQ, C_SQ, C_DIGIT, C_ID, C_PUNCT };

static enum cls byte_class(uint8_t c)
{
    if (js_isalnum(c) || c == '$' || c == '_' || c == '\\')
        return js_isdigit(c) ? C_DIGIT : C_ID;
    switch (c) {
    case '/': return C_SLASH;
    case '"': return C_DQ;
    case '\'': return C_SQ;
    case '[': case ']': case ',': case '{': case '}': case '(': case ')':
    case '.': case ';':
        return C_PUNCT;
    case '!': case '%': case '&': case '*': case '+': case '-': case ':':
    case '<': case '=': case '>': case '?': case '^': case '|': case '~':
        return C_OP;
    default:
        return C_SKIP; /* blanks, controls, '#', '@', '`', bytes >= 0x80 */
    }
}

static bool id_char(uint8_t c)
{
    return js_isalnum(c) || c == '$' || c == '_';
}


/* ---- lexing ---- */

static void lx_put(struct vg_js *js, const void *p, size_t n)
{
    if (!js_put(&js->lx.text, p, n))
        js->nomem = true;
}

static void lx_putc(struct vg_js *js, uint8_t c)
{
    lx_put(js, &c, 1);
}

static void lx_clear(struct lexer *lx)
{
    lx->text.len = 0;
    if (lx->text.data != NULL)
        lx->text.data[0] = '\0';
}

static int lex_operator(struct lexer *lx, struct tok *t)
{
    size_t left = lx->n - lx->pos;

    for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++) {
        size_t len = strlen(operators[i].text);
        if (len <= left && memcmp(lx->in + lx->pos, operators[i].text, len) == 0) {
            lx->pos += len;
            set_text(t, operators[i].type, operators[i].text);
            return operators[i].type;
        }
    }
    lx->pos++; /* not reached: every operator byte is an operator */
    set_text(t, TK_OTHER, NULL);
    return TK_OTHER;
}

static int lex_punct(uint8_t c, struct tok *t)
{
    switch (c) {
    case '[': set_text(t, TK_BRACKET_OPEN, "["); break;
    case ']': set_text(t, TK_BRACKET_CLOSE, "]"); break;
    case ',': set_text(t, TK_COMMA, ","); break;
    case '{': set_text(t, TK_CURLY_OPEN, "{"); break;
    case '}': set_text(t, TK_CURLY_CLOSE, "}"); break;
    case '(': set_text(t, TK_PAR_OPEN, "("); break;
    case ')': set_text(t, TK_PAR_CLOSE, ")"); break;
    case '.': set_text(t, TK_DOT, "."); break;
    default: set_text(t, TK_SEMICOLON, ";"); break;
    }
    return t->type;
}

/* A string's escapes, as ClamAV resolves them, over one piece of it. */
static void lex_string_piece(struct vg_js *js, const uint8_t *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];
        size_t run = i;
        while (run < len && s[run] != '\\' && s[run] != 0)
            run++;
        if (run > i) { /* plain bytes in one go */
            lx_put(js, s + i, run - i);
            i = run - 1;
            continue;
        }
        if (c == '\\' && i + 1 < len) {
            i++;
            switch (s[i]) {
            case '0': c = 0; break;
            case 'b': c = 8; break;
            case 't': c = 9; break;
            case 'n': c = 10; break;
            case 'v': c = 11; break;
            case 'f': c = 12; break;
            case 'r': c = 13; break;
            case 'x':
                if (i + 2 < len)
                    c = (uint8_t)(hex_hi(s[i + 1]) << 4 | hexval(s[i + 2]));
                i += 2; /* a cut-short "\x" leaves the backslash */
                break;
            case 'u':
                if (i + 4 < len) {
                    int u = hex_hi(s[i + 1]) << 12 | hex_hi(s[i + 2]) << 8 |
                            hex_hi(s[i + 3]) << 4 | hexval(s[i + 4]);
                    if (!js_put_utf8(&js->lx.text, (uint16_t)u))
                        js->nomem = true;
                    i += 4;
                    continue;
                }
                break; /* "\u" cut short: the backslash stays */
            default: c = s[i]; break;
            }
        }
        lx_putc(js, c == 0 ? 1 : c);
    }
}

/* A quoted string up to the quote @p q that has no backslash right before
 * it (so "\\" does not end one). Unfinished: the state stays @p st. */
static int lex_string(struct vg_js *js, uint8_t q, enum lst st, struct tok *t)
{
    struct lexer *lx = &js->lx;
    const uint8_t *start = lx->in + lx->pos, *end = start, *stop = lx->in + lx->n;
    size_t len;

    for (;;) {
        end = memchr(end, q, (size_t)(stop - end));
        if (end != NULL && end > start && end[-1] == '\\') {
            end++;
            continue;
        }
        break;
    }
    len = end != NULL ? (size_t)(end - start) : lx->n - lx->pos;
    lex_string_piece(js, start, len);
    if (end == NULL) {
        lx->pos += len;
        lx->st = st;
        return TK_NONE;
    }
    lx->pos += len + 1;
    lx->st = L_INITIAL;
    t->type = TK_STRING;
    t->kind = VK_STR;
    t->v.str = vigil_strndup(js_cstr(&lx->text), lx->text.len);
    t->len = lx->text.len;
    if (t->v.str == NULL) {
        js->nomem = true;
        set_text(t, TK_STRING, "");
    }
    return TK_STRING;
}

/* C's atoi(): strtol's value, saturated at LONG_MAX, cut to an int. */
static long digits_atoi(const char *s)
{
    unsigned long v = 0;

    for (; js_isdigit((uint8_t)*s); s++) {
        unsigned d = (unsigned)(*s - '0');
        v = v > ((unsigned long)LONG_MAX - d) / 10 ? (unsigned long)LONG_MAX
                                                    : v * 10 + d;
    }
    return (long)(int32_t)(uint32_t)v;
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* Numbers read and print the same whatever locale the program runs in. */
locale_t vg_js_c_locale_enter(void)
{
    pthread_once(&c_locale_once, make_c_locale);
    return c_locale != (locale_t)0 ? uselocale(c_locale) : (locale_t)0;
}

void vg_js_c_locale_leave(locale_t old)
{
    if (old != (locale_t)0)
        uselocale(old);
}

/* Digits, one '.', and after a '.' an exponent ("1e5" is 1 then "e5");
 * "0x10" is 0 then the name x10. Floats are strtod()'s, integers atoi()'s. */
static int lex_number(struct vg_js *js, struct tok *t)
{
    struct lexer *lx = &js->lx;
    bool is_float = false; /* per piece: ClamAV forgets it between pieces */

    while (lx->pos < lx->n) {
        uint8_t c = lx->in[lx->pos++];
        if (js_isdigit(c)) {
            lx_putc(js, c);
            continue;
        }
        if (c == '.' && !is_float) {
            is_float = true;
            lx_putc(js, c);
            continue;
        }
        if ((c == 'e' || c == 'E') && is_float) {
            lx_putc(js, c);
            if (lx->pos < lx->n) {
                c = lx->in[lx->pos++];
                if (c == '+' || c == '-' || js_isdigit(c)) {
                    lx_putc(js, c);
                    continue;
                }
            }
        }
        lx->pos--;
        lx->st = L_INITIAL;
        if (lx->text.data == NULL)
            return TK_NONE;
        if (is_float) {
            locale_t old = vg_js_c_locale_enter();
            t->v.dbl = strtod(js_cstr(&lx->text), NULL);
            vg_js_c_locale_leave(old);
            t->type = TK_FLOAT;
            t->kind = VK_DBL;
        } else {
            t->v.num = digits_atoi(js_cstr(&lx->text));
            t->type = TK_INT;
            t->kind = VK_INT;
        }
        return t->type;
    }
    lx->st = L_NUMBER;
    return TK_NONE;
}

/* A name: a keyword's token, or TK_IDENT with the text in lx->text. A
 * backslash keeps the name going only before 'u', which it swallows
 * ("a\u0041" is the name "a\0041"); otherwise it ends the name. */
static int lex_ident(struct vg_js *js, struct tok *t)
{
    struct lexer *lx = &js->lx;
    const struct word *kw;

    lx->st = L_INITIAL;
    while (lx->pos < lx->n) {
        uint8_t c = lx->in[lx->pos++];
        if (id_char(c)) {
            lx_putc(js, c);
            continue;
        }
        if (c == '\\') {
            if (lx->pos < lx->n && lx->in[lx->pos++] == 'u') {
                lx_putc(js, c);
                continue;
            }
            if (lx->pos == lx->n)
                lx->pos++; /* a backslash pair at the very end is dropped */
        }
        lx->pos--;
        kw = keyword(js_cstr(&lx->text));
        if (kw != NULL) {
            set_text(t, kw->type, kw->text);
            return kw->type;
        }
        set_text(t, TK_IDENT, NULL);
        return TK_IDENT;
    }
    lx->st = L_IDENT;
    return TK_NONE;
}

static void lex_comment(struct lexer *lx)
{
    while (lx->pos + 1 < lx->n) {
        if (lx->in[lx->pos] == '*' && lx->in[lx->pos + 1] == '/') {
            lx->st = L_INITIAL;
            lx->pos++;
            break;
        }
        lx->pos++;
    }
    lx->pos++;
}

/* "//" comments end at the next blank, not only at the line's end: the
 * HTML normaliser has turned line feeds into blanks already. */
static void lex_line_comment(struct lexer *lx)
{
    while (lx->pos < lx->n && lx->in[lx->pos] != '\n' && lx->in[lx->pos] != ' ')
        lx->pos++;
    lx->st = L_INITIAL;
}

static int lex_initial(struct vg_js *js, struct tok *t, bool *more)
{
    struct lexer *lx = &js->lx;
    uint8_t c;

    lx_clear(lx);
    c = lx->in[lx->pos++];
    switch (byte_class(c)) {
    case C_SLASH:
        if (lx->pos < lx->n && (lx->in[lx->pos] == '*' || lx->in[lx->pos] == '/')) {
            lx->st = lx->in[lx->pos] == '*' ? L_MCOMMENT : L_SCOMMENT;
            lx->pos++;
            *more = true;
            return TK_NONE;
        }
        lx->pos--;
        return lex_operator(lx, t);
    case C_OP:
        lx->pos--;
        return lex_operator(lx, t);
    case C_DQ: return lex_string(js, '"', L_DQ, t);
    case C_SQ: return lex_string(js, '\'', L_SQ, t);
    case C_DIGIT:
        lx->pos--;
        return lex_number(js, t);
    case C_ID:
        lx->pos--;
        return lex_ident(js, t);
    case C_PUNCT: return lex_punct(c, t);
    default:
        *more = true;
        return TK_NONE;
    }
}

int vg_js_lex(struct vg_js *js, struct tok *t)
{
    struct lexer *lx = &js->lx;

    memset(t, 0, sizeof *t);
    /* a call that neither moved nor changed state would loop forever */
    if (lx->pos == lx->lastpos && lx->last_st == lx->st)
        lx->pos++;
    lx->lastpos = lx->pos;
    lx->last_st = lx->st;
    while (lx->pos < lx->n) {
        bool more = false;
        int type = TK_NONE;
        switch (lx->st) {
        case L_INITIAL: type = lex_initial(js, t, &more); break;
        case L_DQ: return lex_string(js, '"', L_DQ, t);
        case L_SQ: return lex_string(js, '\'', L_SQ, t);
        case L_IDENT: return lex_ident(js, t);
        case L_NUMBER: return lex_number(js, t);
        case L_MCOMMENT: lex_comment(lx); more = true; break;
        case L_SCOMMENT: lex_line_comment(lx); more = true; break;
        default: return TK_NONE;
        }
        if (!more)
            return type;
    }
    return TK_NONE;
}


void vg_js_lex_start(struct vg_js *js, const uint8_t *p, size_t n)
{
    js->lx.in = p;
    js->lx.n = n;
    js->lx.pos = 0;
    js->lx.lastpos = SIZE_MAX;
    js->lx.last_st = L_NONE;
}
