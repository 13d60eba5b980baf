// SPDX-License-Identifier: GPL-2.0-or-later
// header_cxx.cpp: vigil.h must be usable from C++.
#include <vigil/vigil.h>

int vigil_header_cxx_check();
int vigil_header_cxx_check()
{
    vigil_result r{};
    return static_cast<int>(r.verdict) + VIGIL_FLEVEL;
}
