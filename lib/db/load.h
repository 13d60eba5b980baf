// SPDX-License-Identifier: GPL-2.0-or-later
// load.h: loading signature databases (files and directories) into an engine.
#ifndef VIGIL_DB_LOAD_H
#define VIGIL_DB_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "db/hashdb.h"
#include "util/strparse.h"

struct vigil_engine;

/* State of the file being loaded, for parsers and their error messages. */
struct vg_load_ctx {
    struct vigil_engine *eng;
    const char *path;   /* the database file */
    size_t lineno;      /* 1-based line being parsed */
    bool unofficial;    /* names get ".UNOFFICIAL" */
    unsigned nsigs;     /* signatures added so far */
    unsigned unmatchable;     /* loaded, but can never alert (IconGroup) */
    size_t first_unmatchable; /* the line of the first of them */
};

/** Parses one non-comment line. @return VIGIL_OK or VIGIL_E_* */
typedef int (*vg_line_parser)(struct vg_load_ctx *ctx, struct vigil_str line);

/** Load a file or directory as one transaction. */
int vg_load_path(struct vigil_engine *eng, const char *path, unsigned *nsigs);

/** Load database text from memory; @p name's extension picks the parser
 *  (fuzzers and tests use this; nothing touches the filesystem). */
int vg_load_mem(struct vigil_engine *eng, const char *name, const void *data,
                size_t len, unsigned *nsigs);

/** Like vg_load_mem; names from text files get ".UNOFFICIAL" unless
 *  @p official. For a .cvd/.cld/.cud the container's signatures decide. */
int vg_load_mem_ex(struct vigil_engine *eng, const char *name,
                   const void *data, size_t len, bool official,
                   unsigned *nsigs);

/** Load one member of a container (cvd.c) inside the caller's transaction:
 *  @p name's extension picks the parser; unknown types, nested containers
 *  and types not loaded (PUA, not yet supported) are skipped with VIGIL_OK.
 *  Adds the signatures loaded to *@p nsigs. */
int vg_load_member(struct vigil_engine *eng, const char *name,
                   const void *data, size_t len, bool official,
                   unsigned *nsigs);

/** Report a malformed line: "PATH:LINE: reason". @return VIGIL_E_DB */
__attribute__((format(printf, 2, 3))) int
vg_load_error(struct vg_load_ctx *ctx, const char *fmt, ...);

/* Line parsers (parse_hash.c). */
int vg_parse_hdb_line(struct vg_load_ctx *ctx, struct vigil_str line);
/* Field rules every hash format shares with ClamAV's cli_loadhash():
 * MINFL/MAXFL (fields 3, 4) read leniently and checked first; sizes
 * 1 .. 4294967294 with optional blanks and '+'. */
bool vg_hash_outside_flevel(const struct vigil_str *f, size_t nf,
                            uint32_t *minfl);
int vg_hash_parse_size(struct vigil_str f, uint32_t *out);
int vg_parse_fp_line(struct vg_load_ctx *ctx, struct vigil_str line);
int vg_parse_ign2_line(struct vg_load_ctx *ctx, struct vigil_str line);
/* parse_ndb.c */
int vg_parse_ndb_line(struct vg_load_ctx *ctx, struct vigil_str line);
/* parse_ldb.c: .ldb and .ldu */
int vg_parse_ldb_line(struct vg_load_ctx *ctx, struct vigil_str line);

/* Line parsers (parse_pehash.c): .mdb/.msb/.mdu/.msu and .imp. */
int vg_parse_mdb_line(struct vg_load_ctx *ctx, struct vigil_str line);
int vg_parse_imp_line(struct vg_load_ctx *ctx, struct vigil_str line);

#endif
