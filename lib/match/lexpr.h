// SPDX-License-Identifier: GPL-2.0-or-later
// lexpr.h: ClamAV logical expressions (.ldb field 3, PCRE triggers) compiled
// into a small stack program over per-subsignature match counts.
#ifndef VIGIL_MATCH_LEXPR_H
#define VIGIL_MATCH_LEXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "util/strparse.h"

/*
 * The grammar is ClamAV's, including its quirks (docs/internals/LDB.md §2):
 * at the top level an expression splits at its FIRST '&' or '|' (so
 * "0&1|2" is 0&(1|2)), inside a parenthesised block at its LAST operator
 * one level down (so "(0&1|2)" is (0&1)|2); a block may carry a modifier
 * "=X", "<X", ">X" (optionally ",Y") comparing the summed counts of its
 * true operands; a leaf "N" or "N=X"/"N<X"/"N>X" tests one count (a
 * ",Y" on a leaf is ignored). Both operands of & and | are always
 * evaluated, so the program can run operands in any order: children are
 * emitted deeper-first, which keeps the evaluation stack shallow.
 */

enum vg_lx_op {
    VG_LX_LEAF,
    VG_LX_AND,
    VG_LX_OR,
};

struct vg_lx_insn {
    uint8_t op;  /* enum vg_lx_op */
    uint8_t mod; /* 0, '=', '<', '>'; ')' is ClamAV's never-true leaf */
    uint8_t id;  /* LEAF: subsignature index (< 64) */
    uint8_t pad;
    uint32_t v1; /* the modifier's number */
    uint32_t v2; /* block modifier ",Y": distinct subsignatures (0: none) */
};

/** Deepest evaluation stack a program may need. */
#define VG_LEXPR_STACK 64

struct vg_lx_prog {
    struct vg_lx_insn *code;
    uint32_t n;
    int max_id;         /* highest subsignature index named */
    uint64_t sensitive; /* subsignatures whose exact count matters */
    bool zero_true;     /* true when every count is 0 */
};

/**
 * Compile @p text. ClamAV's number parsing (sscanf %u) may read past a
 * subexpression up to the end of @p text, as it does in ClamAV.
 * @param[out] out  on success; free with vg_lx_prog_free()
 * @param[out] why  reason on failure (static string)
 * @return VIGIL_OK, VIGIL_E_DB (malformed), VIGIL_E_NOMEM
 */
int vg_lexpr_compile(struct vigil_str text, struct vg_lx_prog *out,
                     const char **why);

void vg_lx_prog_free(struct vg_lx_prog *p);

/**
 * sscanf(s + i, "%u") as glibc does it (ClamAV reads its numbers so):
 * blanks, a sign, decimal digits, strtoul's wrap-around for '-' and
 * saturation on overflow, then truncation to 32 bits.
 * @param[out] end  where the number ends (on success)
 * @return 1 converted, 0 no number there, -1 no input left
 */
int vg_clam_scan_u32(struct vigil_str s, size_t i, uint32_t *out, size_t *end);

/** Evaluate against @p counts (indexed by subsignature, >= max_id + 1). */
bool vg_lexpr_eval(const struct vg_lx_insn *code, uint32_t n,
                   const uint32_t *counts);

/** The subsignatures whose count must be nonzero for the program to hold
 *  (a necessary condition; all ones if it can never hold). */
uint64_t vg_lexpr_required(const struct vg_lx_insn *code, uint32_t n);

#endif
