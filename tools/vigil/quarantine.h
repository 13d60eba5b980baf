// SPDX-License-Identifier: GPL-2.0-or-later
// quarantine.h: the quarantine store behind `vigil scan --move/--copy`
// and `vigil quarantine` (docs/internals/QUARANTINE.md).
#ifndef VIGIL_QUARANTINE_H
#define VIGIL_QUARANTINE_H

#include <stdbool.h>
#include <stddef.h>

struct vq_store;

enum vq_action {
    VQ_MOVE, /* the original is removed once the copy is safely stored */
    VQ_COPY, /* the original stays */
};

/**
 * Open (creating it when @p create) the quarantine directory @p dir.
 * Refuses a directory whose permissions are unsafe (not 0700, not owned
 * by the caller).
 * @param[out] err  why it failed (NUL-terminated, @p errlen bytes)
 * @return 0, or -1 with @p err set
 */
int vq_open(const char *dir, bool create, struct vq_store **out, char *err,
            size_t errlen);
void vq_close(struct vq_store **store);

/**
 * Quarantine the file @p path (detected as @p names[0..n)): store it
 * defanged with its record, crash-safely; for VQ_MOVE then remove the
 * original. Thread-safe for distinct paths.
 * @param[out] id   the entry's id (NUL-terminated, @p idlen bytes)
 * @param[out] err  why it failed
 * @return 0, or -1 with @p err set (the original is then untouched)
 */
int vq_store_file(struct vq_store *store, const char *path,
                  const char *const *names, size_t n, enum vq_action action,
                  char *id, size_t idlen, char *err, size_t errlen);

#endif
