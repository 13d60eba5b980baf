// SPDX-License-Identifier: GPL-2.0-or-later
// qrecord.h: a quarantine entry's record, as key=value text
// (docs/internals/QUARANTINE.md, "Record format").
#ifndef VIGIL_QRECORD_H
#define VIGIL_QRECORD_H

#include <stddef.h>
#include <stdint.h>

#define VQ_ID_LEN 16 /* hex digits */
#define VQ_ID_SIZE (VQ_ID_LEN + 1)
#define VQ_KEY_LEN 32 /* AES-256 key */
#define VQ_IV_LEN 16
#define VQ_SHA256_LEN 32
#define VQ_NAME_MAX 256      /* user, group, host names */
#define VQ_MAX_NAMES 32      /* detection names kept per entry */
#define VQ_DETECTION_MAX 512 /* bytes kept of one (NUL included) */
/* fits PATH_MAX and every name at 3 bytes each (%XX) with room */
#define VQ_RECORD_MAX (128 * 1024)

struct vq_time {
    int64_t sec;
    uint32_t nsec;
};

struct vq_record {
    char id[VQ_ID_SIZE];
    char *path; /* original path (owned) */
    uint32_t uid, gid, mode;
    char user[VQ_NAME_MAX], group[VQ_NAME_MAX], host[VQ_NAME_MAX];
    uint64_t size;
    struct vq_time atime, mtime, ctime;
    int64_t qtime; /* when it was quarantined, Unix seconds */
    int moved;     /* 1: --move, 0: --copy */
    uint8_t sha256[VQ_SHA256_LEN];
    uint8_t key[VQ_KEY_LEN], iv[VQ_IV_LEN];
    char **names; /* detection names (owned), n_names long */
    size_t n_names;
};

/**
 * Format @p r as record text.
 * @return a malloc'd NUL-terminated string, or NULL when out of memory
 */
char *vq_record_format(const struct vq_record *r);

/**
 * Parse record text (untrusted: a damaged or hand-edited file). Every
 * field must be present once (name= repeats); unknown keys are ignored so
 * later versions can add fields.
 * @param[out] r  filled on success; release with vq_record_clear
 * @return 0, or -1 with @p err set
 */
int vq_record_parse(const char *text, size_t len, struct vq_record *r,
                    char *err, size_t errlen);

/** Free what @p r owns and zero it. Accepts a zeroed record. */
void vq_record_clear(struct vq_record *r);

/** Lower-case hex of @p n bytes into @p out (2n+1 bytes). */
void vq_hex(const uint8_t *p, size_t n, char *out);

/** Is @p s a well-formed entry id? */
int vq_id_valid(const char *s, size_t len);

#endif
