// SPDX-License-Identifier: GPL-2.0-or-later
// test_main.c: shared entry for cmocka suites; argv[1] selects one case.
#include "test_main.h"

int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return vigil_run_suite();
}
