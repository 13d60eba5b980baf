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
    bool skip;     /* outside this engine's FLEVEL */
};

/* MINFL/MAXFL: a signature for another engine level is skipped, not an
 * error. @return 0 or nonzero when a field is not a number. */
static int parse_flevel(struct vigil_str *f, size_t nf, uint64_t *minfl,
                        bool *skip)
{
    uint64_t maxfl;
    *minfl = 0;
    *skip = false;
    if (nf > 3 && f[3].len && vigil_str_to_u64(f[3], UINT32_MAX, minfl))
        return 1;
    if (nf > 4 && f[4].len) {
        if (vigil_str_to_u64(f[4], UINT32_MAX, &maxfl))
            return 1;
        *skip = maxfl < VIGIL_FLEVEL;
    }
    *skip = *skip || *minfl > VIGIL_FLEVEL;
    return 0;
}

static int parse_hash_fields(struct vg_load_ctx *ctx, struct vigil_str line,
                             struct hash_sig *sig)
{
    struct vigil_str f[5];
    size_t nf = vigil_str_split(line, ':', f, 5);
    uint64_t size = 0, minfl;
    int type;
    if (nf < 3 || nf > 5)
        return vg_load_error(ctx, "expected HASH:SIZE:NAME[:MINFL[:MAXFL]]");
    type = vg_hash_type_from_hexlen(f[0].len);
    if (type < 0 || vigil_str_hex(f[0], sig->digest, sizeof sig->digest))
        return vg_load_error(ctx, "hash must be 32, 40 or 64 hex digits");
    sig->type = (enum vg_hash_type)type;
    if (parse_flevel(f, nf, &minfl, &sig->skip))
        return vg_load_error(ctx, "bad functionality level");
    if (vigil_str_eq(f[1], "*")) {
        if (minfl < FLEVEL_ANY_SIZE)
            return vg_load_error(ctx, "size '*' needs MINFL >= %d",
                                 FLEVEL_ANY_SIZE);
    } else if (vigil_str_to_u64(f[1], UINT32_MAX, &size) || size == 0) {
        return vg_load_error(ctx, "size must be a number > 0 or '*'");
    }
    sig->size = (uint32_t)size;
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

int vg_parse_ign2_line(struct vg_load_ctx *ctx, struct vigil_str line)
{
    struct vigil_str f[3];
    uint8_t md5[16];
    size_t nf = vigil_str_split(line, ':', f, 3);
    if (nf < 1 || nf > 2 || f[0].len == 0 || f[0].len > VIGIL_CAP_SIG_NAME)
        return vg_load_error(ctx, "expected NAME or NAME:MD5");
    if (nf == 2 && (f[1].len != 32 || vigil_str_hex(f[1], md5, sizeof md5)))
        return vg_load_error(ctx, "the MD5 must be 32 hex digits");
    return vg_ignore_add(&ctx->eng->ignore, f[0], nf == 2 ? md5 : NULL);
}
