// SPDX-License-Identifier: GPL-2.0-or-later
// parse_hash.c: line parsers for .hdb/.hsb/.fp/.sfp hashes and .ign2 names.
#include <string.h>

#include "db/load.h"
#include "engine.h"
#include "util/caps.h"
#include "vigil/vigil.h"

/* Size "*" needs an engine that knows it: ClamAV gates it at FLEVEL 73. */
#define FLEVEL_ANY_SIZE 73

struct hash_sig {
    enum vg_hash_type type;
    uint8_t digest[VG_HASH_MAXLEN];
    uint32_t size; /* 0: any size */
    struct vigil_str name;
    bool skip;     /* for another engine level: skipped silently */
};

/* ClamAV reads MINFL/MAXFL leniently (leading digits, a sign, else 0)
 * and compares them as unsigned numbers, so "-1" is a huge level. */
static uint32_t lenient_level(struct vigil_str f)
{
    size_t i = 0;
    uint64_t v = 0;
    bool neg = false;
    while (i < f.len && (f.p[i] == ' ' || f.p[i] == '\t'))
        i++;
    if (i < f.len && (f.p[i] == '-' || f.p[i] == '+'))
        neg = f.p[i++] == '-';
    for (; i < f.len && f.p[i] >= '0' && f.p[i] <= '9'; i++)
        v = v < UINT32_MAX ? v * 10 + (uint64_t)(f.p[i] - '0') : v;
    v = v > UINT32_MAX ? UINT32_MAX : v;
    return neg ? (uint32_t)(0u - (uint32_t)v) : (uint32_t)v;
}

/* Is the signature for another engine level? Checked before anything
 * else on the line, as ClamAV does: such a line is skipped unread. */
bool vg_hash_outside_flevel(const struct vigil_str *f, size_t nf,
                            uint32_t *minfl)
{
    *minfl = nf > 3 ? lenient_level(f[3]) : 0;
    if (*minfl > VIGIL_FLEVEL)
        return true;
    return nf > 4 && lenient_level(f[4]) < VIGIL_FLEVEL;
}

/* Sizes as ClamAV accepts them: optional blanks and '+', decimal digits
 * to the end of the field, 1 .. 4294967294. */
int vg_hash_parse_size(struct vigil_str f, uint32_t *out)
{
    uint64_t v;
    while (f.len && (f.p[0] == ' ' || f.p[0] == '\t')) {
        f.p++;
        f.len--;
    }
    if (f.len && f.p[0] == '+') {
        f.p++;
        f.len--;
    }
    if (vigil_str_to_u64(f, UINT32_MAX - 1, &v) || v == 0)
        return 1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_hash_fields(struct vg_load_ctx *ctx, struct vigil_str line,
                             struct hash_sig *sig)
{
    struct vigil_str f[5];
    size_t nf = vigil_str_split(line, ':', f, 5);
    uint32_t minfl;
    int type;
    if (nf < 3 || nf > 5)
        return vg_load_error(ctx, "expected HASH:SIZE:NAME[:MINFL[:MAXFL]]");
    sig->skip = vg_hash_outside_flevel(f, nf, &minfl);
    if (sig->skip)
        return VIGIL_OK;
    if (vigil_str_eq(f[1], "*")) {
        if (minfl < FLEVEL_ANY_SIZE)
            return vg_load_error(ctx, "size '*' needs MINFL >= %d",
                                 FLEVEL_ANY_SIZE);
        sig->size = 0;
    } else if (vg_hash_parse_size(f[1], &sig->size)) {
        return vg_load_error(ctx, "size must be a number > 0 or '*'");
    }
    type = vg_hash_type_from_hexlen(f[0].len);
    if (type < 0 || vigil_str_hex(f[0], sig->digest, sizeof sig->digest))
        return vg_load_error(ctx, "hash must be 32, 40 or 64 hex digits");
    sig->type = (enum vg_hash_type)type;
    if (f[2].len == 0 || f[2].len > VIGIL_CAP_SIG_NAME)
        return vg_load_error(ctx, "bad signature name length");
    sig->name = f[2];
    return VIGIL_OK;
}

static int add_hash(struct vg_load_ctx *ctx, struct vigil_str line,
                    enum vg_hash_set set)
{
    struct vigil_engine *eng = ctx->eng;
    struct hash_sig sig;
    uint32_t name = 0;
    int ret = parse_hash_fields(ctx, line, &sig);
    if (ret != VIGIL_OK || sig.skip)
        return ret;
    if (set == VG_HSET_DETECT) {
        if (vg_ignore_match(&eng->ignore, sig.name, line))
            return VIGIL_OK;
        ret = vg_names_add(&eng->names, sig.name, ctx->unofficial, &name);
        if (ret != VIGIL_OK)
            return ret;
    }
    ret = vg_hashdb_add(&eng->hashes, set, sig.type, sig.digest, sig.size,
                        name);
    if (ret == VIGIL_OK)
        ctx->nsigs++;
    return ret;
}

int vg_parse_hdb_line(struct vg_load_ctx *ctx, struct vigil_str line)
{
    return add_hash(ctx, line, VG_HSET_DETECT);
}

int vg_parse_fp_line(struct vg_load_ctx *ctx, struct vigil_str line)
{
    return add_hash(ctx, line, VG_HSET_ALLOW);
}

/* NAME, NAME:MD5-of-line, or the old .ign form DB:LINE:NAME. */
int vg_parse_ign2_line(struct vg_load_ctx *ctx, struct vigil_str line)
{
    struct vigil_str f[4];
    uint8_t md5[16];
    size_t nf = vigil_str_split(line, ':', f, 4);
    struct vigil_str name = nf == 3 ? f[2] : f[0];
    if (nf < 1 || nf > 3 || name.len == 0 || name.len > VIGIL_CAP_SIG_NAME)
        return vg_load_error(ctx, "expected NAME, NAME:MD5 or DB:LINE:NAME");
    if (nf == 2 && (f[1].len != 32 || vigil_str_hex(f[1], md5, sizeof md5)))
        return vg_load_error(ctx, "the MD5 must be 32 hex digits");
    return vg_ignore_add(&ctx->eng->ignore, name, nf == 2 ? md5 : NULL);
}
