// SPDX-License-Identifier: GPL-2.0-or-later
// retype.h: ClamAV's on-the-fly re-typing of text and GIF objects.
#ifndef VIGIL_SCAN_RETYPE_H
#define VIGIL_SCAN_RETYPE_H

#include "fmt/filetype.h"
#include "util/cursor.h"

struct vg_match_scratch;

/**
 * ClamAV's raw pass also runs its type patterns over the whole object:
 * MHTML headers in a text or binary object, mail headers in a text object,
 * or an HTML tag in a text or GIF object, found past the first KiB that
 * typing reads, make it scan the object as mail or HTML too (SCAN-PIPELINE
 * .md §3). MHTML outranks mail, which outranks HTML.
 * @param[in,out] ms  the caller's scratch for this (created on first use)
 * @param[out] mail_at  for VG_FT_MAIL: where the headers start (the mail
 *                      parser reads from there; what precedes is no mail)
 * @return VG_FT_MHTML (parse the whole object as mail), VG_FT_MAIL,
 *         VG_FT_HTML, or VG_FT_COUNT for no change
 */
enum vg_ftype vg_retype_on_the_fly(struct vg_match_scratch **ms,
                                   enum vg_ftype t, struct vigil_span data,
                                   size_t *mail_at);

#endif
