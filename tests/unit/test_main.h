// SPDX-License-Identifier: GPL-2.0-or-later
// test_main.h: cmocka includes and the suite entry each test file defines.
#ifndef VIGIL_TEST_MAIN_H
#define VIGIL_TEST_MAIN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/** Each test file defines this: it calls cmocka_run_group_tests(). */
int vigil_run_suite(void);

#endif
