// SPDX-License-Identifier: GPL-2.0-or-later
// engine.h: the engine object shared by the loader and the scanner.
#ifndef VIGIL_ENGINE_H
#define VIGIL_ENGINE_H

#ifndef VIGIL_BUILDING_LIB
#error "engine.h is internal to libvigil"
#endif

#include <stdatomic.h>
#include <stdbool.h>

#include "db/bodysigs.h"
#include "db/hashdb.h"
#include "db/ignore.h"
#include "db/names.h"
#include "match/lsig.h"
#include "match/matcher.h"
#include "util/buf.h"
#include "util/log.h"
#include "vigil/vigil.h"

struct vg_vdb_map;

struct vigil_engine {
    atomic_uint refs;
    struct vg_logger log;
    bool load_pua;
    bool compiled;
    size_t nsigs;           /* detection signatures loaded */
    char last_error[1024];
    struct vg_names names;
    struct vg_hashdb hashes;
    struct vg_matcher body;  /* every body pattern (.ndb, .ldb) */
    struct vg_ndbs ndbs;     /* .ndb signatures: owner -> name */
    struct vg_lsigs lsigs;   /* .ldb logical signatures */
    struct vg_ignore ignore; /* used at load time only */
    /* What was loaded, one line per database file:
     * "NAME\tVERSION\tSIGNATURES\n" (VERSION 0 for text files). */
    struct vigil_buf sources;
    struct vg_vdb_map *map; /* set when the engine is a mapped file */
};

/** Record a loaded database file for `vigil db info`. */
void vg_engine_note_source(struct vigil_engine *eng, const char *path,
                           uint32_t version, unsigned nsigs);

/** Record a load error (also logged at ERROR). */
__attribute__((format(printf, 2, 3))) void
vg_engine_set_error(struct vigil_engine *eng, const char *fmt, ...);

#endif
