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
#include "util/buf.h"
#include "vigil/vigil.h"

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
    struct vigil_buf text; /* the token being collected (js_put) */
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

/* ---- C strings in a vigil_buf ---- */

/* Token text, decoded text and unescaped strings are C strings that the
 * folders search with strcmp/strchr: a vigil_buf whose bytes are always
 * followed by a NUL (not counted in len). */
static inline bool js_put(struct vigil_buf *b, const void *p, size_t n)
{
    if (vigil_buf_reserve(b, n + 1) != VIGIL_OK)
        return false;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

static inline bool js_putc(struct vigil_buf *b, uint8_t c)
{
    return js_put(b, &c, 1);
}

/* A UTF-16 unit as UTF-8 (surrogates too); 0 becomes 0x01 so that strings
 * never hold a NUL. */
static inline bool js_put_utf8(struct vigil_buf *b, uint16_t u)
{
    uint8_t c[3];
    size_t n;

    if (u == 0) {
        c[0] = 1;
        n = 1;
    } else if (u < 0x80) {
        c[0] = (uint8_t)u;
        n = 1;
    } else if (u < 0x800) {
        c[0] = (uint8_t)(0xc0 | (u >> 6));
        c[1] = (uint8_t)(0x80 | (u & 0x3f));
        n = 2;
    } else {
        c[0] = (uint8_t)(0xe0 | (u >> 12));
        c[1] = (uint8_t)(0x80 | ((u >> 6) & 0x3f));
        c[2] = (uint8_t)(0x80 | (u & 0x3f));
        n = 3;
    }
    return js_put(b, c, n);
}

static inline const char *js_cstr(const struct vigil_buf *b)
{
    return b->data != NULL ? (const char *)b->data : "";
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
