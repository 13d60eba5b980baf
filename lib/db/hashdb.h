// SPDX-License-Identifier: GPL-2.0-or-later
// hashdb.h: whole-file hash signatures (detections and allow-list).
#ifndef VIGIL_DB_HASHDB_H
#define VIGIL_DB_HASHDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vg_hash_type {
    VG_HASH_MD5,
    VG_HASH_SHA1,
    VG_HASH_SHA256,
    VG_HASH_NTYPES
};

enum vg_hash_set {
    VG_HSET_DETECT, /* .hdb .hsb: a match is a detection */
    VG_HSET_ALLOW,  /* .fp .sfp: a match makes the file clean */
    VG_HSET_PESECT, /* .mdb .msb: PE section hash, size = section size */
    VG_HSET_IMP,    /* .imp: PE import-table hash, size = bytes hashed */
    VG_HSET_N
};

#define VG_HASH_MAXLEN 32

/*
 * One table: one purpose, one hash type, and either exact-size or any-size
 * entries. Entries are struct-of-arrays in load order, indexed by uint32_t
 * so the compiled form has no pointers. vg_hashdb_build() adds an
 * open-addressing index mapping each distinct (digest, size) key to the
 * first entry loaded with it, and a set of the sizes present.
 */
struct vg_hashtab {
    uint8_t dlen;      /* digest length in bytes */
    bool any_size;     /* entries match whatever the file size */
    uint32_t n, cap;
    uint8_t *digests;  /* n * dlen */
    uint32_t *sizes;   /* n; unused (0) when any_size */
    uint32_t *names;   /* n; offsets into the name pool */
    uint32_t *slots;   /* nslots; 0 empty, else first entry index + 1 */
    uint32_t nslots;   /* power of two */
    uint32_t *usizes;  /* open-addressing set of sizes; 0 empty */
    uint32_t nusizes;  /* its capacity, a power of two (or 0) */
};

struct vg_hashdb {
    struct vg_hashtab tab[VG_HSET_N][VG_HASH_NTYPES][2]; /* [.][.][any] */
};

void vg_hashdb_init(struct vg_hashdb *db);
void vg_hashdb_free(struct vg_hashdb *db);

/** The hash type of a hex digest of @p hexlen characters, or -1. */
int vg_hash_type_from_hexlen(size_t hexlen);
size_t vg_hash_len(enum vg_hash_type t);

/** Add an entry (before build). @p size 0 means any size.
 *  @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT */
int vg_hashdb_add(struct vg_hashdb *db, enum vg_hash_set set,
                  enum vg_hash_type type, const uint8_t *digest,
                  uint32_t size, uint32_t name);

/** Entry counts, for load transactions: snapshot, then roll back. */
struct vg_hashdb_mark {
    uint32_t n[VG_HSET_N][VG_HASH_NTYPES][2];
};
void vg_hashdb_mark(const struct vg_hashdb *db, struct vg_hashdb_mark *m);
void vg_hashdb_rollback(struct vg_hashdb *db, const struct vg_hashdb_mark *m);

/** Index every table. @return VIGIL_OK, VIGIL_E_NOMEM */
int vg_hashdb_build(struct vg_hashdb *db);

/** Could any entry of @p set / @p type match a file of @p size? */
bool vg_hashdb_wants(const struct vg_hashdb *db, enum vg_hash_set set,
                     enum vg_hash_type type, uint64_t size);

/**
 * Find the entry matching @p digest for a file of @p size in one table.
 * Entries sharing a (digest, size) key are one detection: the first loaded
 * one is returned.
 * @return 1 and *@p first set to the entry's index, or 0.
 */
uint32_t vg_hashtab_find(const struct vg_hashtab *t, const uint8_t *digest,
                         uint64_t size, uint32_t *first);

#endif
