// SPDX-License-Identifier: GPL-2.0-or-later
// caps.h: every growable buffer's upper bound, in one place (conventions §18).
#ifndef VIGIL_UTIL_CAPS_H
#define VIGIL_UTIL_CAPS_H

/** Longest signature-database line accepted (ClamAV's real lines < 64 KiB). */
#define VIGIL_CAP_DB_LINE (1u << 20)
/** Largest signature database text file read into memory. */
#define VIGIL_CAP_DB_FILE ((size_t)1 << 32)
/** Longest signature name. */
#define VIGIL_CAP_SIG_NAME 1024u
/** Most detections recorded for one scan in allmatch mode. */
#define VIGIL_CAP_MATCHES 4096u
/** Largest log message. */
#define VIGIL_CAP_LOG_MSG 1024u
/** Largest name pool (all signature names, NUL-terminated). */
#define VIGIL_CAP_NAME_POOL ((size_t)1 << 32)

/** Largest normalised view (text, HTML nocomment/notags) of one object;
 *  ClamAV normalises at most 20 MB of text and 40 MB of HTML. */
#define VIGIL_CAP_NORM_VIEW ((size_t)256 << 20)

/** Largest uncompressed body (the tar) of a CVD/CLD/CUD container. */
#define VIGIL_CAP_CVD_BODY ((size_t)1 << 31)
/** Most members in a container's tar (the official daily.cvd has ~40). */
#define VIGIL_CAP_CVD_MEMBERS 4096u
/** Largest decompressed .cdiff script. */
#define VIGIL_CAP_CDIFF_SCRIPT ((size_t)1 << 28)
/** Longest DSIG string (ClamAV base64): a 2048-bit value needs 342. */
#define VIGIL_CAP_DSIG_CHARS 350u

/** Deepest nesting tracked (a larger max_recursion is clamped to it). */
#define VIGIL_CAP_RECURSION 256u
/** Largest extracted object when no max_file_size/max_scan_size limit is
 *  set: one such object per nesting level is held in memory. */
#define VIGIL_CAP_CHILD ((uint64_t)4 << 30)
/** Longest archive member name kept for reports. */
#define VIGIL_CAP_MEMBER_NAME 4096u

#endif
