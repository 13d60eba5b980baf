// SPDX-License-Identifier: GPL-2.0-or-later
// fuzzer.h: the libFuzzer entry point every fuzz/<name>_fuzzer.c defines.
#ifndef VIGIL_FUZZER_H
#define VIGIL_FUZZER_H

#include <stddef.h>
#include <stdint.h>

/** Run one input; @return 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
