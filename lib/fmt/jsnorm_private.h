// SPDX-License-Identifier: GPL-2.0-or-later
// jsnorm_private.h: what the JavaScript normaliser's lexer (jsnorm_lex.c)
// and its parser, folders and printer (jsnorm.c) share.
#ifndef VIGIL_FMT_JSNORM_PRIVATE_H
#define VIGIL_FMT_JSNORM_PRIVATE_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fmt/jsnorm.h"
#include "util/alloc.h"

/* ---- tokens ---- */

enum tk {
    TK_NONE,
    TK_IDENT,  /* a name, printed as nNNN when declared in scope */
    TK_MEMBER, /* a name right after '.', printed as it is */
    TK_STRING,
    TK_INT,
    TK_FLOAT,
    TK_FUNCTION, /* v.scope: the function's scope; NULL marks its end */
    TK_VAR,
    TK_PAR_OPEN,
    TK_PAR_CLOSE,
    TK_CURLY_OPEN,
    TK_CURLY_CLOSE,
    TK_BRACKET_OPEN,
    TK_BRACKET_CLOSE,
    TK_COMMA,
    TK_SEMICOLON,
    TK_DOT,
    TK_PLUS,
    TK_OTHER /* any other keyword or operator */
};

/* Which member of the value is set. The decoders read a token's text, or
 * its owned string, or its integer, only when that member is the one set
 * (ClamAV's TOKEN_GET); the difference shows in what they accept. */
enum vk { VK_NONE, VK_TEXT, VK_STR, VK_SCOPE, VK_INT, VK_DBL };

struct scope;

struct tok {
    union {
        const char *text; /* static, or a key owned by a scope */
        char *str;        /* owned; NUL-terminated, no NUL inside */
        struct scope *scope;
        double dbl;
        long num;
    } v;
    size_t len; /* of str */
    uint8_t type, kind;
};

struct toks {
    struct tok *t;
    size_t n, cap;
};

/* ---- scopes ---- */

/* What the next name in a scope is: a use or a declaration. */
enum fsm { F_BASE, F_VAR, F_INIT, F_FNAME, F_PARAMS, F_FDECL };

struct name {
    char *key;
    size_t len;
    long id; /* -1: used here, not declared here */
};

struct scope {
    struct scope *parent, *all_next;
    struct name *tab; /* open addressing, NULL until the first name */
    size_t cap, used;
    enum fsm fsm;
    uint8_t last;              /* type of the last token lexed in it */
    unsigned brackets, blocks; /* open '[' and '{' */
};

/* ---- the lexer ---- */

enum lst {
    L_INITIAL,
    L_MCOMMENT,
    L_SCOMMENT,
    L_NUMBER,
    L_DQ,
    L_SQ,
    L_IDENT,
    L_NONE
};

struct lexer {
    const uint8_t *in;
    size_t n, pos, lastpos;
    enum lst st, last_st;
    char *buf; /* the token being collected, NUL-terminated */
    size_t blen, bcap;
};

struct vg_js {
    struct lexer lx;
    struct toks toks;
    struct scope *global, *current, *all;
    unsigned long uniq; /* the next declaration's number */
    unsigned rec;       /* decoder nesting */
    size_t budget;      /* decoder bytes and token moves left */
    size_t lookups;     /* scope-chain steps left before lookups stay local */
    bool nomem;
};

static inline bool js_isdigit(unsigned c)
{
    return c >= '0' && c <= '9';
}

static inline bool js_isalnum(unsigned c)
{
    return js_isdigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool js_isspace(unsigned c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0d);
}


/* ---- growable byte strings ---- */

struct str {
    char *p;
    size_t len, cap;
};

static inline bool str_reserve(struct str *s, size_t extra)
{
    size_t need, cap;
    char *p;

    if (vigil_ckd_add_size(&need, s->len, extra + 1))
        return false;
    if (need <= s->cap)
        return true;
    cap = s->cap < 64 ? 64 : s->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = vigil_realloc(s->p, cap);
    if (p == NULL)
        return false;
    s->p = p;
    s->cap = cap;
    return true;
}

static inline bool str_putc(struct str *s, uint8_t c)
{
    if (!str_reserve(s, 1))
        return false;
    s->p[s->len++] = (char)c;
    s->p[s->len] = '\0';
    return true;
}

static inline bool str_put(struct str *s, const char *p, size_t n)
{
    if (!str_reserve(s, n))
        return false;
    memcpy(s->p + s->len, p, n);
    s->len += n;
    s->p[s->len] = '\0';
    return true;
}

/* A UTF-16 unit as UTF-8 (surrogates too); 0 becomes 0x01 so that strings
 * never hold a NUL. */
static inline bool str_put_utf8(struct str *s, uint16_t u)
{
    uint8_t b[3];
    size_t n;

    if (u == 0) {
        b[0] = 1;
        n = 1;
    } else if (u < 0x80) {
        b[0] = (uint8_t)u;
        n = 1;
    } else if (u < 0x800) {
        b[0] = (uint8_t)(0xc0 | (u >> 6));
        b[1] = (uint8_t)(0x80 | (u & 0x3f));
        n = 2;
    } else {
        b[0] = (uint8_t)(0xe0 | (u >> 12));
        b[1] = (uint8_t)(0x80 | ((u >> 6) & 0x3f));
        b[2] = (uint8_t)(0x80 | (u & 0x3f));
        n = 3;
    }
    return str_put(s, (const char *)b, n);
}


static inline void set_text(struct tok *t, uint8_t type, const char *text)
{
    t->type = type;
    t->kind = VK_TEXT;
    t->v.text = text;
}

/* ---- jsnorm_lex.c ---- */

/** Point the lexer at the next piece of input. */
void vg_js_lex_start(struct vg_js *js, const uint8_t *p, size_t n);

/** The next token of the piece, or TK_NONE when it is used up; a name's
 *  text is then in js->lx.buf (js->lx.blen bytes). */
int vg_js_lex(struct vg_js *js, struct tok *t);

/** JavaScript's unescape(): %XX and %uXXXX (as UTF-8); NUL becomes 0x01.
 *  @return a new string of *out_len bytes, or NULL when out of memory */
char *vg_js_unescape(const char *in, size_t len, size_t *out_len);

/** Numbers read and print the same whatever the program's locale:
 *  switch this thread to "C" and back. */
locale_t vg_js_c_locale_enter(void);
void vg_js_c_locale_leave(locale_t old);

#endif
