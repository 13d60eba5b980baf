// SPDX-License-Identifier: GPL-2.0-or-later
// exe_fuzz.h: the body shared by the PE, ELF and Mach-O fuzzers: parse the
// headers, read back every accessor, then run the section and import
// hashes against an engine holding '*'-size .mdb and .imp signatures.
#ifndef VIGIL_FUZZ_EXE_FUZZ_H
#define VIGIL_FUZZ_EXE_FUZZ_H

#include <stdlib.h>
#include <string.h>

#include "db/load.h"
#include "fmt/exe_private.h"
#include "fuzzer.h"
#include "scan/exehash.h"
#include "vigil/vigil.h"

/* One engine for the whole run (fuzzer state, not library state). */
static struct vigil_engine *exe_fuzz_engine(void)
{
    static struct vigil_engine *eng;
    static const char mdb[] = "*:d41d8cd98f00b204e9800998ecf8427e:E.Md5:73\n"
                              "*:da39a3ee5e6b4b0d3255bfef95601890afd80709:"
                              "E.Sha1:73\n";
    static const char imp[] = "d41d8cd98f00b204e9800998ecf8427e:*:I.Md5\n"
                              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
                              "934ca495991b7852b855:*:I.Sha256\n";
    unsigned n;

    if (eng)
        return eng;
    if (vigil_engine_new(&eng, NULL) != VIGIL_OK)
        abort();
    if (vg_load_mem(eng, "f.mdb", mdb, strlen(mdb), &n) != VIGIL_OK ||
        vg_load_mem(eng, "f.imp", imp, strlen(imp), &n) != VIGIL_OK ||
        vigil_engine_compile(eng) != VIGIL_OK)
        abort();
    return eng;
}

static void exe_fuzz_found(void *ctx, const char *name)
{
    size_t *count = ctx;

    *count += strlen(name) != 0;
}

static void exe_fuzz_feed(void *ctx, const char *bytes, size_t len)
{
    size_t *total = ctx;

    *total += len != 0 && bytes[0] != '\0';
}

/* Every value the matcher would read must be readable. */
static void exe_fuzz_read_back(struct vigil_span d, const struct vg_exe_info *e)
{
    volatile uint64_t sink = e->ep;
    struct vg_exe_section s;

    for (uint32_t i = 0; i <= e->nsections && i < 2 * VG_EXE_MAX_SECTIONS;
         i++) {
        const struct vg_exe_section *p = vg_exe_section_at(e, i);

        sink += p ? p->raw_off + p->raw_size : 0;
        if (vg_pe_section(d, e, i, &s))
            sink += s.raw_off;
    }
    for (uint32_t i = 0; i < e->nvinfo; i++)
        sink += e->vinfo[i].off + (uint64_t)vg_exe_vinfo_at(e, i);
    sink += vg_exe_last(e) ? vg_exe_last(e)->rva : 0;
    (void)sink;
}

static int exe_fuzz_one(const uint8_t *data, size_t size)
{
    struct vigil_span d = vigil_span_make(data, size);
    struct vg_exe_info *e = malloc(sizeof *e);
    size_t count = 0;

    if (!e)
        return 0;
    if (vg_exe_parse(d, e) == VIGIL_OK && e->kind != VG_EXE_NONE) {
        exe_fuzz_read_back(d, e);
        (void)vg_pe_imports_walk(d, e, exe_fuzz_feed, &count);
        vg_exehash_scan(exe_fuzz_engine(), d, e, exe_fuzz_found, &count, true);
    }
    free(e);
    return 0;
}

#endif
