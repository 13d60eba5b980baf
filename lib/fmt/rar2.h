// SPDX-License-Identifier: GPL-2.0-or-later
// rar2.h: vigil's own reader for RAR 1.5-4.x archives whose members use
// the RAR 2.0 compression (unpack version 20/26), which libarchive lacks.
#ifndef VIGIL_FMT_RAR2_H
#define VIGIL_FMT_RAR2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/extract.h"

/** Every member of a RAR 1.5-4.x archive that vigil can read itself:
 *  stored members, RAR 2.0 compressed ones; encrypted ones are emitted
 *  empty with info.encrypted. Contract: extract.h. */
int vg_rar2_extract(struct vigil_span in, const struct vg_extract *x);

/** Only the members libarchive cannot read (compressed with unpack
 *  version < 29): the fallback vg_archive_extract runs after libarchive. */
int vg_rar2_extract_legacy(struct vigil_span in, const struct vg_extract *x);

/* The RAR 2.0 decoder (unpack20.c). Its state lives across the members
 * of a solid archive: the 1 MiB window, the tables, the recent
 * distances, the audio predictors. */
struct vg_rar20;

/** @return a fresh decoder, or NULL (out of memory) */
struct vg_rar20 *vg_rar20_new(void);
void vg_rar20_free(struct vg_rar20 *d);

/**
 * Decode one member's packed bytes @p in into @p out.
 * @param solid  continue the previous member's state (a solid archive);
 *               otherwise the state is reset first
 * @param want   bytes to produce: min(unpacked size, capacity of out)
 * @param[out] got  bytes written to out (what was recovered on error)
 * @return VIGIL_OK, VIGIL_E_CORRUPT (bad tables, codes, or data ended);
 *         after an error or a short @p want the state is not fit for a
 *         solid continuation (vg_rar20_usable() says false)
 */
int vg_rar20_unpack(struct vg_rar20 *d, struct vigil_span in, bool solid,
                    uint8_t *out, size_t want, size_t *got);

/** Whether the decoder can continue into the next solid member. */
bool vg_rar20_usable(const struct vg_rar20 *d);

/** Mark the decoder unfit for a solid continuation (a member skipped). */
void vg_rar20_break(struct vg_rar20 *d);

#endif
