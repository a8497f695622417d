/*
 * test_names.c — the command's one lookup of names (cli/io/names.h): the
 * first exact match, bytes not a prefix, NULL entries and lists,
 * positions (1-based, whole, in range) behind names, and a name given
 * twice: the smallest such name, at its first two places.
 */
#include "io_test.h"

#include "io/names.h"

static void test_name_index(void **state)
{
    (void)state;
    const char *const names[] = {"setosa", "versicolor", NULL, "virginica", "setosa"};
    assert_int_equal(cli_name_index(names, 5, "setosa", 6), 0); /* the first of two */
    assert_int_equal(cli_name_index(names, 5, "virginica", 9), 3);
    assert_int_equal(cli_name_index(names, 5, "virginicaX", 9), 3); /* len bytes of s */
    assert_int_equal(cli_name_index(names, 5, "virgin", 6), 5);     /* not a prefix */
    assert_int_equal(cli_name_index(names, 5, "Setosa", 6), 5);     /* no case folding */
    assert_int_equal(cli_name_index(names, 5, "", 0), 5);
    assert_int_equal(cli_name_index(names, 2, "virginica", 9), 2); /* only the first n */
    assert_int_equal(cli_name_index(NULL, 3, "a", 1), 3);
}

static void test_name_or_position(void **state)
{
    (void)state;
    const char *const names[] = {"a", "2", "c"};
    assert_int_equal(cli_name_or_position(names, 3, "c"), 2);
    assert_int_equal(cli_name_or_position(names, 3, "2"), 1); /* the name before the position */
    assert_int_equal(cli_name_or_position(names, 3, "3"), 2);
    assert_int_equal(cli_name_or_position(names, 3, "3.0"), 2);
    assert_int_equal(cli_name_or_position(names, 3, " 1 "), 0);
    assert_int_equal(cli_name_or_position(names, 3, "4"), 3);
    assert_int_equal(cli_name_or_position(names, 3, "0"), 3);
    assert_int_equal(cli_name_or_position(names, 3, "1.5"), 3);
    assert_int_equal(cli_name_or_position(names, 3, "b"), 3);
    assert_int_equal(cli_name_or_position(NULL, 3, "2"), 1);
}

static void test_name_twice(void **state)
{
    (void)state;
    size_t first, second;
    const char *const distinct[] = {"b", "a", "ab", "A"};
    assert_int_equal(cli_name_twice(&first, &second, distinct, 4), CLI_OK);
    assert_int_equal(first, 4);
    assert_int_equal(second, 4);
    /* "b" and "a" both twice: "a", the smaller, at 1 and 3 (not 5) */
    const char *const twice[] = {"b", "a", "b", "a", "c", "a"};
    assert_int_equal(cli_name_twice(&first, &second, twice, 6), CLI_OK);
    assert_int_equal(first, 1);
    assert_int_equal(second, 3);
    assert_int_equal(cli_name_twice(&first, &second, twice, 3), CLI_OK); /* only "b" */
    assert_int_equal(first, 0);
    assert_int_equal(second, 2);
    assert_int_equal(cli_name_twice(&first, &second, twice, 1), CLI_OK);
    assert_int_equal(second, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_index),
        cmocka_unit_test(test_name_or_position),
        cmocka_unit_test(test_name_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
