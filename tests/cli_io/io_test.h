/*
 * io_test.h — what the cli/io tests share: cmocka, and checks that print
 * the error message when a status is not the expected one.
 */
#ifndef SMX_TEST_CLI_IO_H
#define SMX_TEST_CLI_IO_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "io/status.h"

/* The status must be `want`; on a mismatch the message is printed. */
#define assert_io(got, want, err)                                                              \
    do {                                                                                       \
        const cli_status got_ = (got);                                                      \
        if (got_ != (want))                                                                    \
            print_error("status %d (%s), expected %d (%s): %s\n", (int)got_,                   \
                        cli_strstatus(got_), (int)(want), cli_strstatus(want),           \
                        (err)->message);                                                       \
        assert_int_equal(got_, (want));                                                        \
        assert_int_equal((err)->status, (want));                                               \
    } while (0)

/* The message must contain `part`. */
#define assert_msg(err, part)                                                                  \
    do {                                                                                       \
        if (!strstr((err)->message, (part)))                                                   \
            print_error("message \"%s\" lacks \"%s\"\n", (err)->message, (part));              \
        assert_non_null(strstr((err)->message, (part)));                                       \
    } while (0)

#endif
