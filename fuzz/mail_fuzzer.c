// SPDX-License-Identifier: GPL-2.0-or-later
// mail_fuzzer.c: fuzzes the MIME/mbox parser (fmt/mail.c).
#include "fmt/mail.h"
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmt_fuzz_run(vg_mail_extract, data, size);
    return 0;
}
