// SPDX-License-Identifier: GPL-2.0-or-later
// prefilter.h: a multi-literal search (Vectorscan) that reports every end
// offset of every literal; the only module that talks to Vectorscan.
#ifndef VIGIL_MATCH_PREFILTER_H
#define VIGIL_MATCH_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_prefilter;
struct vg_pf_scratch;

struct vg_pf_literal {
    const uint8_t *bytes;
    uint32_t len;
    bool nocase;
    uint32_t id;
};

/** Compile literals. @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_DB (+*err) */
int vg_prefilter_build(const struct vg_pf_literal *lits, uint32_t n,
                       struct vg_prefilter **out, const char **err);
void vg_prefilter_free(struct vg_prefilter **pf);

/*
 * The compiled database file (db/vdb.c) holds each Vectorscan database as
 * an image: the database laid out at a 64-byte aligned address, usable in
 * place from any other 64-byte aligned address (Vectorscan databases are
 * position-independent; hs_deserialize_database_at() exists for exactly
 * this). Mapped images are never written to and never freed here.
 */

/** An image of the literal database (@p nul false) or of the NUL-first
 *  one; *@p img is NULL when that database is empty. Free *img with
 *  vigil_aligned_free(). @return VIGIL_OK, VIGIL_E_NOMEM */
int vg_prefilter_image(const struct vg_prefilter *pf, bool nul, void **img,
                       size_t *len);

/** A prefilter over images (either may be NULL) that stay valid while it
 *  lives. Checks each with Vectorscan (version, platform, size).
 *  @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_DB (+*err) */
int vg_prefilter_from_images(const void *db, size_t dblen, const void *nuldb,
                             size_t nullen, struct vg_prefilter **out,
                             const char **err);

/** What the databases depend on (Vectorscan version, CPU features), as
 *  text for the compiled file's layout check. @return snprintf's */
int vg_prefilter_platform(char *out, size_t len);

/** Grow @p *s (may start NULL) so it can scan with @p pf. */
int vg_pf_scratch_add(struct vg_pf_scratch **s, const struct vg_prefilter *pf);
int vg_pf_scratch_clone(const struct vg_pf_scratch *proto,
                        struct vg_pf_scratch **out);
void vg_pf_scratch_free(struct vg_pf_scratch **s);

/** Called for each hit: literal @p id ends at @p end (exclusive). Nonzero
 *  stops the scan. */
typedef int (*vg_pf_hit_fn)(void *cookie, uint32_t id, uint64_t end);

/** @return VIGIL_OK, or VIGIL_E_LIMIT when a callback stopped the scan */
int vg_prefilter_scan(const struct vg_prefilter *pf, struct vg_pf_scratch *s,
                      const uint8_t *data, size_t len, vg_pf_hit_fn fn,
                      void *cookie);

#endif
