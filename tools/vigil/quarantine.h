// SPDX-License-Identifier: GPL-2.0-or-later
// quarantine.h: the quarantine store behind `vigil scan --move/--copy`
// and `vigil quarantine` (docs/internals/QUARANTINE.md).
#ifndef VIGIL_QUARANTINE_H
#define VIGIL_QUARANTINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "qrecord.h"

struct vq_store;

enum vq_action {
    VQ_MOVE, /* the original is removed once the copy is safely stored */
    VQ_COPY, /* the original stays */
};

/**
 * Open (creating it, mode 0700, when @p create) the quarantine directory
 * @p dir. Refuses a directory that is group/world accessible, not owned by
 * the caller, or a symbolic link. Leftovers of an interrupted quarantine
 * (temporary files, payloads without a record) are removed when no other
 * vigil has the store open.
 * @param[out] err  why it failed (NUL-terminated, @p errlen bytes); errno
 *                  is ENOENT when the directory does not exist
 * @return 0, or -1 with @p err set
 * @note the store is shared by threads: every call below is thread-safe.
 */
int vq_open(const char *dir, bool create, struct vq_store **out, char *err,
            size_t errlen);
void vq_close(struct vq_store **store);
/** The directory as given to vq_open. */
const char *vq_dir(const struct vq_store *store);

/**
 * Quarantine the file @p path (detected as @p names[0..n)): store it
 * defanged with its record, crash-safely; for VQ_MOVE then remove the
 * original. Thread-safe for distinct paths.
 * @param[in]  seen  when not NULL, what the scanner saw (lstat): the file
 *                   is refused if its device, inode, size or mtime differ
 * @param[out] id   the entry's id (NUL-terminated, @p idlen >= VQ_ID_SIZE)
 * @param[out] err  why it failed
 * @return 0, or -1 with @p err set (the original is then untouched and no
 *         entry is left behind)
 */
int vq_store_file(struct vq_store *store, const char *path,
                  const struct stat *seen, const char *const *names, size_t n,
                  enum vq_action action, char *id, size_t idlen, char *err,
                  size_t errlen);

/**
 * The committed entries, oldest first.
 * @param[out] recs  array of @p *n records; free with vq_records_free
 * @return 0, or -1 with @p err set. Unreadable records are skipped with
 *         a warning on stderr.
 */
int vq_list(struct vq_store *store, struct vq_record **recs, size_t *n,
            char *err, size_t errlen);
void vq_records_free(struct vq_record **recs, size_t n);

/**
 * Find the entry whose id is or starts with @p prefix (at least 4
 * characters) and load its record.
 * @return 0, or -1 with @p err set (no such entry, ambiguous prefix)
 */
int vq_find(struct vq_store *store, const char *prefix, struct vq_record *rec,
            char *err, size_t errlen);

/**
 * Restore entry @p rec to @p to (NULL: its original path): decode, check
 * SHA-256, set mode, timestamps and (when root) owner, publish atomically,
 * then delete the entry.
 * @param force  replace an existing file at the destination
 * @return 0, or -1 with @p err set (the destination is then untouched)
 */
int vq_restore(struct vq_store *store, const struct vq_record *rec,
               const char *to, bool force, char *err, size_t errlen);

/** Delete an entry: its record first (the commit point), then payload. */
int vq_delete(struct vq_store *store, const char *id, char *err, size_t errlen);

#endif
