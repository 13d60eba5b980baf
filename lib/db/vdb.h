// SPDX-License-Identifier: GPL-2.0-or-later
// vdb.h: the compiled database file: one position-independent file with
// everything a compiled engine holds, mapped read-only and shared between
// processes (docs/internals/COMPILED-DB.md).
#ifndef VIGIL_DB_VDB_H
#define VIGIL_DB_VDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vigil_engine;

#define VG_VDB_MAGIC "VIGILDB\x1a"
#define VG_VDB_VERSION 1u
#define VG_VDB_HEADER 4096u /* the header page: fixed fields, section table */
#define VG_VDB_ALIGN 64u    /* every section starts on a cache line */

/* Section ids: kind in the high bits, a table or target index in the low
 * byte. */
enum vg_vdb_sec {
    VDB_SCALARS = 0x0100,
    VDB_NAMES = 0x0200,
    VDB_SOURCES = 0x0300,
    VDB_HASHTABS = 0x0400,
    VDB_HASH_DIGESTS = 0x1000, /* + hash table index */
    VDB_HASH_SIZES = 0x1100,
    VDB_HASH_NAMES = 0x1200,
    VDB_HASH_SLOTS = 0x1300,
    VDB_HASH_USIZES = 0x1400,
    VDB_PS_PATS = 0x2000,
    VDB_PS_SEGS = 0x2100,
    VDB_PS_ELEMS = 0x2200,
    VDB_PS_CLASSES = 0x2300,
    VDB_PS_ALTS = 0x2400,
    VDB_PS_ALTBYTES = 0x2500,
    VDB_PS_ALTMASKS = 0x2600,
    VDB_M_META = 0x3000,
    VDB_M_ATOMS = 0x3100,
    VDB_M_LITFIRST = 0x3200,
    VDB_M_PINNED = 0x3300, /* + target */
    VDB_PF_DB = 0x3400,    /* + target: Vectorscan database image */
    VDB_PF_NULDB = 0x3500, /* + target */
    VDB_PFU_DB = 0x3600,   /* + target: the targets 0 + t union database */
    VDB_PFU_NULDB = 0x3700,
    VDB_NDB_NAMES = 0x4000,
    VDB_L_SIGS = 0x5000,
    VDB_L_SUBS = 0x5100,
    VDB_L_PROG = 0x5200,
    VDB_L_TDBS = 0x5300,
    VDB_L_PCRES = 0x5400,
    VDB_L_PCRE_CODES = 0x5500, /* pcre2_serialize_encode() of every regex */
    VDB_L_BCOMPS = 0x5600,
    VDB_L_MACROS = 0x5700,
    VDB_L_ALWAYS = 0x5800,
};

struct vg_vdb_section {
    uint32_t id;
    uint32_t elem;  /* element size: a layout check */
    uint64_t count; /* elements */
    uint64_t off;   /* from the start of the file */
    uint64_t size;  /* bytes: elem * count */
};

/* The first page of the file. All integers little-endian, as the host
 * (the file is for this machine; the layout check refuses others). */
struct vg_vdb_header {
    char magic[8];
    uint32_t version;
    uint32_t nsections;
    uint64_t file_size;
    uint64_t created;       /* Unix time of the compile */
    uint64_t nsigs;         /* "Known viruses" */
    uint8_t layout[32];     /* SHA-256 of the build's record layouts */
    uint8_t body_sha256[32]; /* everything after the header page */
    uint8_t source_key[32];  /* SHA-256 of the sources' content */
    uint8_t header_sha256[32]; /* this page, with this field zero */
    char vigil_version[32];
    /* then the section table, up to the end of the page */
};

#define VG_VDB_MAX_SECTIONS                                                   \
    ((VG_VDB_HEADER - sizeof(struct vg_vdb_header)) /                         \
     sizeof(struct vg_vdb_section))

/** Does @p data start like a compiled database file? */
bool vg_vdb_sniff(const void *data, size_t len);

/**
 * Write compiled engine @p eng to @p path atomically (temporary file in
 * the same directory, fsync, rename). @p source_key may be NULL.
 * @return VIGIL_OK, VIGIL_E_STATE, VIGIL_E_IO, VIGIL_E_NOMEM
 */
int vg_vdb_save(struct vigil_engine *eng, const char *path,
                const uint8_t source_key[32]);

enum vg_vdb_check {
    VG_VDB_TRUST_BODY, /* header and structure only: a file vigil wrote
                          into its own private cache */
    VG_VDB_VERIFY_BODY, /* also the body checksum (read, not mapped, so
                           it does not count against the process) */
};

/**
 * Map @p path into the empty engine @p eng, which becomes compiled.
 * Errors are set on the engine ("PATH: what is wrong").
 * @return VIGIL_OK, VIGIL_E_NOENT, VIGIL_E_IO, VIGIL_E_DB (corrupt or for
 *         another build), VIGIL_E_NOMEM, VIGIL_E_STATE (engine not empty)
 */
int vg_vdb_map(struct vigil_engine *eng, const char *path,
               enum vg_vdb_check check);

/** Undo vg_vdb_map (engine teardown). */
void vg_vdb_release(struct vigil_engine *eng);

/** A mapped file's header (or NULL when the engine was not mapped). */
const struct vg_vdb_header *vg_vdb_header_of(const struct vigil_engine *eng);

/** Check a file without loading it: header, sections, body checksum.
 *  @param[out] why  reason on failure */
int vg_vdb_verify_file(const char *path, char *why, size_t whylen);

/* What a compiled engine holds, for `vigil db info`. */
struct vg_vdb_stats {
    uint64_t hashes[4][3]; /* [enum vg_hash_set][enum vg_hash_type] */
    uint32_t ndb, ldb, subsigs, pcre, bcomp, patterns, literals;
    uint64_t nsigs;
};
void vg_vdb_stats(const struct vigil_engine *eng, struct vg_vdb_stats *st);

/** The "NAME\tVERSION\tSIGNATURES\n" lines of the sources compiled in. */
const char *vg_vdb_sources(const struct vigil_engine *eng, size_t *len);

/** The record layout fingerprint of this build. */
void vg_vdb_layout(uint8_t out[32]);

#endif
