// SPDX-License-Identifier: GPL-2.0-or-later
// qrecord.c: format and parse quarantine records (key=value lines, values
// percent-escaped so a path with a newline stays one line).
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qrecord.h"
#include "util/buf.h"
#include "util/strparse.h"

#define VQ_MAGIC "vigil-quarantine"
#define VQ_TRANSFORM "aes-256-ctr"

void vq_hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

int vq_id_valid(const char *s, size_t len)
{
    if (len != VQ_ID_LEN)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* ---- formatting ---- */

static int put(struct vigil_buf *b, const char *s)
{
    return vigil_buf_append(b, s, strlen(s));
}

/* Bytes that would break a line or the escaping are written as %XX; at
 * most @p max bytes of @p s. */
static int put_escaped(struct vigil_buf *b, const char *s, size_t max)
{
    int ret = 0;
    for (; *s && max && !ret; s++, max--) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f || c == '%') {
            char esc[4];
            snprintf(esc, sizeof esc, "%%%02X", c);
            ret = put(b, esc);
        } else {
            ret = vigil_buf_append(b, s, 1);
        }
    }
    return ret;
}

static int put_kv_max(struct vigil_buf *b, const char *key, const char *val,
                      size_t max)
{
    return put(b, key) || put(b, "=") || put_escaped(b, val, max) ||
           put(b, "\n");
}

static int put_kv(struct vigil_buf *b, const char *key, const char *val)
{
    return put_kv_max(b, key, val, SIZE_MAX);
}

static int put_num(struct vigil_buf *b, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int put_num(struct vigil_buf *b, const char *key, const char *fmt, ...)
{
    char v[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    return put_kv(b, key, v);
}

static int put_hex(struct vigil_buf *b, const char *key, const uint8_t *p,
                   size_t n)
{
    char v[2 * VQ_KEY_LEN + 1];
    vq_hex(p, n, v);
    return put_kv(b, key, v);
}

static int put_time(struct vigil_buf *b, const char *key,
                    const struct vq_time *t)
{
    return put_num(b, key, "%" PRId64 ".%09" PRIu32, t->sec, t->nsec);
}

static int put_fields(struct vigil_buf *b, const struct vq_record *r)
{
    int ret =
        put_kv(b, VQ_MAGIC, "1") || put_kv(b, "id", r->id) ||
        put_kv(b, "path", r->path) || put_num(b, "size", "%" PRIu64, r->size) ||
        put_hex(b, "sha256", r->sha256, VQ_SHA256_LEN) ||
        put_num(b, "mode", "0%" PRIo32, r->mode) ||
        put_num(b, "uid", "%" PRIu32, r->uid) || put_kv(b, "user", r->user) ||
        put_num(b, "gid", "%" PRIu32, r->gid) || put_kv(b, "group", r->group) ||
        put_time(b, "atime", &r->atime) || put_time(b, "mtime", &r->mtime) ||
        put_time(b, "ctime", &r->ctime) ||
        put_num(b, "quarantined", "%" PRId64, r->qtime) ||
        put_kv(b, "host", r->host) ||
        put_kv(b, "action", r->moved ? "move" : "copy") ||
        put_kv(b, "transform", VQ_TRANSFORM) ||
        put_hex(b, "key", r->key, VQ_KEY_LEN) ||
        put_hex(b, "iv", r->iv, VQ_IV_LEN);
    for (size_t i = 0; i < r->n_names && !ret; i++)
        if (r->names[i][0]) /* a name too long is cut, not refused */
            ret = put_kv_max(b, "name", r->names[i], VQ_DETECTION_MAX - 1);
    return ret;
}

char *vq_record_format(const struct vq_record *r)
{
    struct vigil_buf b;
    vigil_buf_init(&b, VQ_RECORD_MAX);
    if (put_fields(&b, r) || vigil_buf_append(&b, "", 1)) {
        vigil_buf_free(&b);
        return NULL;
    }
    return (char *)b.data;
}

/* ---- parsing ---- */

enum field {
    F_MAGIC,
    F_ID,
    F_PATH,
    F_SIZE,
    F_SHA256,
    F_MODE,
    F_UID,
    F_USER,
    F_GID,
    F_GROUP,
    F_ATIME,
    F_MTIME,
    F_CTIME,
    F_QTIME,
    F_HOST,
    F_ACTION,
    F_TRANSFORM,
    F_KEY,
    F_IV,
    F_NAME,
    F_COUNT
};

static const char *const field_keys[F_COUNT] = {
    VQ_MAGIC, "id",     "path",      "size",  "sha256", "mode",  "uid",
    "user",   "gid",    "group",     "atime", "mtime",  "ctime", "quarantined",
    "host",   "action", "transform", "key",   "iv",     "name",
};

/* Undo put_escaped into a new NUL-terminated string; NULL when malformed
 * (bad escape, embedded NUL) or out of memory. */
static char *unescape(struct vigil_str v)
{
    char *out = malloc(v.len + 1);
    size_t n = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < v.len; i++) {
        int c = (unsigned char)v.p[i];
        if (c == '%') {
            int hi = i + 2 < v.len ? vigil_hexval(v.p[i + 1]) : -1;
            int lo = hi >= 0 ? vigil_hexval(v.p[i + 2]) : -1;
            if (lo < 0 || (hi | lo) == 0) {
                free(out);
                return NULL;
            }
            c = hi << 4 | lo;
            i += 2;
        }
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return out;
}

static int copy_text(struct vigil_str v, char *dst, size_t cap)
{
    char *s = unescape(v);
    int ret = -1;
    if (s && strlen(s) < cap) {
        memcpy(dst, s, strlen(s) + 1);
        ret = 0;
    }
    free(s);
    return ret;
}

static int parse_u32(struct vigil_str v, uint32_t *out)
{
    uint64_t x;
    if (vigil_str_to_u64(v, UINT32_MAX, &x))
        return -1;
    *out = (uint32_t)x;
    return 0;
}

static int parse_i64(struct vigil_str v, int64_t *out)
{
    uint64_t x;
    bool neg = v.len && v.p[0] == '-';
    if (neg)
        v.p++, v.len--;
    if (vigil_str_to_u64(v, INT64_MAX, &x))
        return -1;
    *out = neg ? -(int64_t)x : (int64_t)x;
    return 0;
}

static int parse_time(struct vigil_str v, struct vq_time *t)
{
    struct vigil_str f[2];
    uint64_t ns;
    if (vigil_str_split(v, '.', f, 2) != 2 || f[1].len != 9 ||
        parse_i64(f[0], &t->sec) || vigil_str_to_u64(f[1], 999999999, &ns))
        return -1;
    t->nsec = (uint32_t)ns;
    return 0;
}

static int parse_octal(struct vigil_str v, uint32_t *out)
{
    uint32_t x = 0;
    if (v.len == 0 || v.len > 7)
        return -1;
    for (size_t i = 0; i < v.len; i++) {
        if (v.p[i] < '0' || v.p[i] > '7')
            return -1;
        x = x << 3 | (uint32_t)(v.p[i] - '0');
    }
    *out = x;
    return 0;
}

static int parse_hex_exact(struct vigil_str v, uint8_t *out, size_t n)
{
    return v.len == 2 * n ? vigil_str_hex(v, out, n) : -1;
}

static int add_name(struct vq_record *r, struct vigil_str v)
{
    char **nv;
    char *s;
    if (r->n_names >= VQ_MAX_NAMES || v.len == 0 ||
        v.len >= 3 * VQ_DETECTION_MAX || !(s = unescape(v)))
        return -1;
    if (strlen(s) >= VQ_DETECTION_MAX ||
        !(nv = realloc(r->names, (r->n_names + 1) * sizeof *nv))) {
        free(s);
        return -1;
    }
    r->names = nv;
    r->names[r->n_names++] = s;
    return 0;
}

static int parse_value(enum field f, struct vigil_str v, struct vq_record *r)
{
    switch (f) {
    case F_MAGIC: return vigil_str_eq(v, "1") ? 0 : -1;
    case F_ID:
        return vq_id_valid(v.p, v.len) ? (memcpy(r->id, v.p, v.len), 0) : -1;
    case F_PATH:
        return v.len && v.p[0] == '/' && (r->path = unescape(v)) ? 0 : -1;
    case F_SIZE: return vigil_str_to_u64(v, INT64_MAX, &r->size);
    case F_SHA256: return parse_hex_exact(v, r->sha256, VQ_SHA256_LEN);
    case F_MODE: return parse_octal(v, &r->mode);
    case F_UID: return parse_u32(v, &r->uid);
    case F_USER: return copy_text(v, r->user, sizeof r->user);
    case F_GID: return parse_u32(v, &r->gid);
    case F_GROUP: return copy_text(v, r->group, sizeof r->group);
    case F_ATIME: return parse_time(v, &r->atime);
    case F_MTIME: return parse_time(v, &r->mtime);
    case F_CTIME: return parse_time(v, &r->ctime);
    case F_QTIME: return parse_i64(v, &r->qtime);
    case F_HOST: return copy_text(v, r->host, sizeof r->host);
    case F_ACTION:
        r->moved = vigil_str_eq(v, "move");
        return r->moved || vigil_str_eq(v, "copy") ? 0 : -1;
    case F_TRANSFORM: return vigil_str_eq(v, VQ_TRANSFORM) ? 0 : -1;
    case F_KEY: return parse_hex_exact(v, r->key, VQ_KEY_LEN);
    case F_IV: return parse_hex_exact(v, r->iv, VQ_IV_LEN);
    case F_NAME: return add_name(r, v);
    case F_COUNT: break;
    }
    return -1;
}

static int find_field(struct vigil_str key)
{
    for (int i = 0; i < F_COUNT; i++)
        if (vigil_str_eq(key, field_keys[i]))
            return i;
    return -1;
}

static int parse_line(struct vigil_str line, struct vq_record *r,
                      uint32_t *seen, char *err, size_t errlen)
{
    struct vigil_str kv[2];
    int f;
    if (vigil_str_split(line, '=', kv, 2) < 2) {
        snprintf(err, errlen, "line without '='");
        return -1;
    }
    /* the value may itself hold '=': take the rest of the line */
    kv[1] = vigil_str_make(kv[0].p + kv[0].len + 1, line.len - kv[0].len - 1);
    if ((f = find_field(kv[0])) < 0)
        return 0; /* a field from a later version */
    if (f != F_NAME && (*seen & 1u << f)) {
        snprintf(err, errlen, "duplicate field '%s'", field_keys[f]);
        return -1;
    }
    *seen |= 1u << f;
    if (parse_value((enum field)f, kv[1], r)) {
        snprintf(err, errlen, "bad value for '%s'", field_keys[f]);
        return -1;
    }
    return 0;
}

int vq_record_parse(const char *text, size_t len, struct vq_record *r,
                    char *err, size_t errlen)
{
    struct vigil_str rest = vigil_str_make(text, len), line;
    uint32_t seen = 0, all = (1u << F_COUNT) - 1;
    memset(r, 0, sizeof *r);
    if (len > VQ_RECORD_MAX) {
        snprintf(err, errlen, "record too large");
        return -1;
    }
    while (vigil_str_next_line(&rest, &line))
        if (line.len && parse_line(line, r, &seen, err, errlen))
            goto fail;
    if ((seen | 1u << F_NAME) != all) {
        for (int f = 0; f < F_COUNT; f++)
            if (f != F_NAME && !(seen & 1u << f)) {
                snprintf(err, errlen, "missing field '%s'", field_keys[f]);
                break;
            }
        goto fail;
    }
    return 0;
fail:
    vq_record_clear(r);
    return -1;
}

void vq_record_clear(struct vq_record *r)
{
    free(r->path);
    for (size_t i = 0; i < r->n_names; i++)
        free(r->names[i]);
    free(r->names);
    memset(r, 0, sizeof *r);
}
