// SPDX-License-Identifier: GPL-2.0-or-later
// parse_pehash.c: line parsers for PE section hashes (.mdb .msb .mdu .msu:
// SIZE:HASH:NAME) and import-table hashes (.imp: HASH:SIZE:NAME).
#include "db/load.h"
#include "engine.h"
#include "util/caps.h"
#include "vigil/vigil.h"

/*
 * The field rules are ClamAV's cli_loadhash(), shared with .hdb
 * (vg_hash_outside_flevel, vg_hash_parse_size): MINFL/MAXFL are checked first and
 * leniently, a line for another engine level is skipped unread; sizes are
 * 1 .. 4294967294 or '*'; the hash type comes from its length. Only the
 * field order differs, and '*' needs MINFL >= 73 except in .imp files
 * (ClamAV: "this rule category ... has always supported wildcard usage").
 */

#define FLEVEL_ANY_SIZE 73

struct pehash_layout {
    enum vg_hash_set set;
    unsigned size_field, hash_field;
    bool star_needs_flevel;
};

static const struct pehash_layout mdb_layout = {VG_HSET_PESECT, 0, 1, true};
static const struct pehash_layout imp_layout = {VG_HSET_IMP, 1, 0, false};

static int parse_size_field(struct vg_load_ctx *ctx, struct vigil_str f,
                            const struct pehash_layout *lay, uint32_t minfl,
                            uint32_t *size)
{
    if (vigil_str_eq(f, "*")) {
        if (lay->star_needs_flevel && minfl < FLEVEL_ANY_SIZE)
            return vg_load_error(ctx, "size '*' needs MINFL >= %d",
                                 FLEVEL_ANY_SIZE);
        *size = 0;
        return VIGIL_OK;
    }
    if (vg_hash_parse_size(f, size))
        return vg_load_error(ctx, "size must be a number > 0 or '*'");
    return VIGIL_OK;
}

static int add_pehash(struct vg_load_ctx *ctx, struct vigil_str line,
                      const struct pehash_layout *lay)
{
    struct vigil_engine *eng = ctx->eng;
    struct vigil_str f[5];
    size_t nf = vigil_str_split(line, ':', f, 5);
    uint8_t digest[VG_HASH_MAXLEN];
    uint32_t minfl, size = 0, name;
    int type, ret;

    if (nf < 3 || nf > 5)
        return vg_load_error(ctx,
                             lay->set == VG_HSET_IMP
                                 ? "expected HASH:SIZE:NAME[:MINFL[:MAXFL]]"
                                 : "expected SIZE:HASH:NAME[:MINFL[:MAXFL]]");
    if (vg_hash_outside_flevel(f, nf, &minfl))
        return VIGIL_OK;
    ret = parse_size_field(ctx, f[lay->size_field], lay, minfl, &size);
    if (ret != VIGIL_OK)
        return ret;
    type = vg_hash_type_from_hexlen(f[lay->hash_field].len);
    if (type < 0 || vigil_str_hex(f[lay->hash_field], digest, sizeof digest))
        return vg_load_error(ctx, "hash must be 32, 40 or 64 hex digits");
    if (f[2].len == 0 || f[2].len > VIGIL_CAP_SIG_NAME)
        return vg_load_error(ctx, "bad signature name length");
    if (vg_ignore_match(&eng->ignore, f[2], line))
        return VIGIL_OK;
    if ((ret = vg_names_add(&eng->names, f[2], ctx->unofficial, &name)))
        return ret;
    ret = vg_hashdb_add(&eng->hashes, lay->set, (enum vg_hash_type)type, digest,
                        size, name);
    if (ret == VIGIL_OK)
        ctx->nsigs++;
    return ret;
}

int vg_parse_mdb_line(struct vg_load_ctx *ctx, struct vigil_str line)
{
    return add_pehash(ctx, line, &mdb_layout);
}

int vg_parse_imp_line(struct vg_load_ctx *ctx, struct vigil_str line)
{
    return add_pehash(ctx, line, &imp_layout);
}
