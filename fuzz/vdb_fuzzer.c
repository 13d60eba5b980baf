// SPDX-License-Identifier: GPL-2.0-or-later
// vdb_fuzzer.c: fuzzes the compiled database reader (db/vdb_map.c): the
// header, the section table and the table-shape checks. With
// VIGIL_FUZZING the header checksum and the build-layout check are
// skipped so mutations reach the structure checks; the body checksum
// stays (docs/internals/COMPILED-DB.md, "Checks").
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "db/vdb.h"
#include "fuzzer.h"
#include "vigil/vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vigil_engine *eng = NULL;
    char path[64];
    int fd = memfd_create("vdb", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) == (ssize_t)size &&
        vigil_engine_new(&eng, NULL) == VIGIL_OK) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        (void)vg_vdb_map(eng, path, VG_VDB_VERIFY_BODY);
        vigil_engine_unref(&eng);
    }
    close(fd);
    return 0;
}
