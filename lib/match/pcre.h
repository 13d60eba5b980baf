// SPDX-License-Identifier: GPL-2.0-or-later
// pcre.h: .ldb PCRE subsignatures through PCRE2: ClamAV's flags, offsets
// (anchoring, MAXSHIFT, 'e' encompass, 'r' rolling, 'g' global) and limits.
#ifndef VIGIL_MATCH_PCRE_H
#define VIGIL_MATCH_PCRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "fmt/exe.h"
#include "match/offset.h"
#include "util/cursor.h"
#include "util/strparse.h"

/* ClamAV's own flags (the rest are PCRE2 compile options). */
enum vg_pcre_flag {
    VG_PCRE_GLOBAL = 1u << 0,    /* g: every match, not just the first */
    VG_PCRE_ENCOMPASS = 1u << 1, /* e: search only OFFSET..OFFSET+SHIFT */
    VG_PCRE_ROLLING = 1u << 2,   /* r: never anchor at OFFSET */
};

/* ClamAV's limits (clamd MaxPCREMatch, MaxPCRERecMatch, MaxPCREFileSize). */
#define VG_PCRE_MATCH_LIMIT 100000u
#define VG_PCRE_DEPTH_LIMIT 2000u
#define VG_PCRE_MAX_FILE ((uint64_t)100 << 20)

struct vg_pcre {
    pcre2_code *re;
    struct vg_offset off;
    uint8_t flags; /* enum vg_pcre_flag */
};

/**
 * Read a flags field ("gi", "sre", ...).
 * @param[out] opts  PCRE2 compile options (i s m x A E U)
 * @param[out] cl    enum vg_pcre_flag bits (g r e)
 * @return 0, or nonzero with *why set for an unknown letter
 */
int vg_pcre_flags(struct vigil_str flags, uint32_t *opts, uint8_t *cl,
                  const char **why);

/**
 * Compile @p regex. @param[out] msg PCRE2's reason on failure.
 * @return VIGIL_OK, VIGIL_E_DB (bad regex), VIGIL_E_NOMEM
 */
int vg_pcre_compile(struct vigil_str regex, uint32_t opts, pcre2_code **out,
                    char *msg, size_t msgcap);

/**
 * Every compiled regex of a database as one blob (the compiled database
 * file stores it; PCRE2's own serialisation). Free *blob with
 * vg_pcre_blob_free(). @return VIGIL_OK, VIGIL_E_NOMEM
 */
int vg_pcre_encode(const pcre2_code **codes, uint32_t n, uint8_t **blob,
                   size_t *len);
void vg_pcre_blob_free(uint8_t *blob);
/** The @p n regexes of a blob, in order. @return VIGIL_OK, VIGIL_E_DB */
int vg_pcre_decode(const uint8_t *blob, size_t len, uint32_t n,
                   pcre2_code **codes);

/* Per-thread matching state. */
struct vg_pcre_ctx {
    pcre2_match_data *md;
    pcre2_match_context *mc;
};

int vg_pcre_ctx_init(struct vg_pcre_ctx *c);
void vg_pcre_ctx_free(struct vg_pcre_ctx *c);

/** Called for each match with its start in the object. */
typedef void (*vg_pcre_hit_fn)(void *cookie, uint64_t start);

/**
 * Run one PCRE subsignature over @p data as ClamAV 1.4 does.
 * @param[in] exe  executable headers for EP/S/SE/SL offsets, or NULL
 * @return VIGIL_OK (a limit hit just ends the search), VIGIL_E_NOMEM
 */
int vg_pcre_run(const struct vg_pcre *p, struct vg_pcre_ctx *ctx,
                struct vigil_span data, const struct vg_exe_info *exe,
                vg_pcre_hit_fn hit, void *cookie);

#endif
