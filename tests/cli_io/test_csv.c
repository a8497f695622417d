/*
 * test_csv.c — the CSV reader (cli/io/csv.h).  Each bad input the smx
 * command must survive gets its status checked and its message checked
 * for the place (line, column number, column name); each accepted
 * variation (CRLF, BOM, quotes, blanks, separators, label kinds) is read
 * back value by value.
 */
#define _POSIX_C_SOURCE 200809L
#include "io_test.h"

#include "io/csv.h"

#include <stdlib.h>
#include <unistd.h>

/* Reads text as a training set; the dataset is freed by the caller. */
static cli_status rd(cli_csv_dataset *d, const char *text, const char *target,
                        cli_io_error *err)
{
    cli_csv_options opt = {0};
    opt.target = target;
    return cli_csv_read_buffer(d, text, strlen(text), "t.csv", &opt, err);
}

/* Reads text expecting failure with `want`; checks that the output stays
 * zeroed. */
static void expect_fail(const char *text, const char *target, cli_status want,
                        cli_io_error *err)
{
    cli_csv_dataset d;
    memset(&d, 0xab, sizeof d);
    assert_io(rd(&d, text, target, err), want, err);
    assert_null(d.x);
    assert_null(d.y);
    assert_int_equal(d.rows, 0);
    cli_csv_free(&d);
}

static void test_basic(void **state)
{
    (void)state;
    cli_io_error err;
    cli_csv_dataset d;
    assert_io(rd(&d,
                  "sepal_length,sepal_width,species\n"
                  "5.1,3.5,setosa\n"
                  "7.0,3.2,versicolor\n"
                  "6.3,3.3,virginica\n"
                  "4.9,3.0,setosa\n",
                  NULL, &err),
              CLI_OK, &err);
    assert_int_equal(d.rows, 4);
    assert_int_equal(d.features, 2);
    assert_string_equal(d.feature_names[0], "sepal_length");
    assert_string_equal(d.feature_names[1], "sepal_width");
    assert_string_equal(d.target_name, "species");
    assert_int_equal(d.target_column, 3);
    assert_int_equal(d.n_classes, 3);
    assert_string_equal(d.class_names[0], "setosa");
    assert_string_equal(d.class_names[1], "versicolor");
    assert_string_equal(d.class_names[2], "virginica");
    const float x[] = {5.1f, 3.5f, 7.0f, 3.2f, 6.3f, 3.3f, 4.9f, 3.0f};
    assert_memory_equal(d.x, x, sizeof x);
    const int32_t y[] = {0, 1, 2, 0};
    assert_memory_equal(d.y, y, sizeof y);
    assert_io(cli_csv_check_classes(&d, &err), CLI_OK, &err);
    cli_csv_free(&d);
    cli_csv_free(&d); /* safe twice */
}

static void test_classes_sorted_by_name(void **state)
{
    (void)state;
    cli_io_error err;
    cli_csv_dataset d;
    /* First appearance is zebra, apple, Mango; sorted by bytes. */
    assert_io(rd(&d, "x,label\n1,zebra\n2,apple\n3,Mango\n4,apple\n", NULL, &err), CLI_OK,
              &err);
    assert_int_equal(d.n_classes, 3);
    assert_string_equal(d.class_names[0], "Mango");
    assert_string_equal(d.class_names[1], "apple");
    assert_string_equal(d.class_names[2], "zebra");
    const int32_t y[] = {2, 1, 0, 1};
    assert_memory_equal(d.y, y, sizeof y);
    cli_csv_free(&d);
}

static void test_integer_labels(void **state)
{
    (void)state;
    cli_io_error err;
    cli_csv_dataset d;
    /* By value, not by text ("10" after "2"); "01" and "+1" are 1. */
    assert_io(rd(&d, "x,y\n1,10\n2,2\n3,01\n4,-3\n5,+1\n6,1\n", NULL, &err), CLI_OK, &err);
    assert_int_equal(d.n_classes, 4);
    assert_string_equal(d.class_names[0], "-3");
    assert_string_equal(d.class_names[1], "1");
    assert_string_equal(d.class_names[2], "2");
    assert_string_equal(d.class_names[3], "10");
    const int32_t y[] = {3, 2, 1, 0, 1, 1};
    assert_memory_equal(d.y, y, sizeof y);
    cli_csv_free(&d);

    /* One non-integer label makes all of them names, sorted as text. */
    assert_io(rd(&d, "x,y\n1,10\n2,2\n3,b\n", NULL, &err), CLI_OK, &err);
    assert_int_equal(d.n_classes, 3);
    assert_string_equal(d.class_names[0], "10");
    assert_string_equal(d.class_names[1], "2");
    assert_string_equal(d.class_names[2], "b");
    cli_csv_free(&d);
}

static void test_target_by_name(void **state)
{
    (void)state;
    cli_io_error err;
    cli_csv_dataset d;
    assert_io(rd(&d, "a,kind,b\n1,x,2\n3,y,4\n", "kind", &err), CLI_OK, &err);
    assert_int_equal(d.features, 2);
    assert_string_equal(d.feature_names[0], "a");
    assert_string_equal(d.feature_names[1], "b");
    assert_int_equal(d.target_column, 2);
    const float x[] = {1, 2, 3, 4};
    assert_memory_equal(d.x, x, sizeof x);
    cli_csv_free(&d);
}

static void test_crlf_bom_blank_lines(void **state)
{
    (void)state;
    static const char *const variants[] = {
        "a,b,c\n1,2,x\n3,4,y\n",
        "a,b,c\r\n1,2,x\r\n3,4,y\r\n",
        "\xef\xbb\xbf" "a,b,c\r\n1,2,x\r\n3,4,y\r\n",
        "a,b,c\r1,2,x\r3,4,y\r",
        "a,b,c\n1,2,x\n3,4,y",
        "\n\n  \na,b,c\n1,2,x\n\n   \n3,4,y\n\n\n  \n",
        "\xef\xbb\xbf" "a,b,c\r\n1,2,x\r\n3,4,y\r\n\r\n\r\n",
        "a , b ,c\n 1, 2 ,x \n3 ,4,  y\n",
        "a\tb\tc\n1\t2\tx\n3\t4\ty\n",
        "a b c\n1 2 x\n  3   4\ty  \n",
        "\"a\",\"b\",\"c\"\n\"1\",\"2\",\"x\"\n\"3\", \"4\" ,\"y\"\n",
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        cli_io_error err;
        cli_csv_dataset d;
        const cli_status st = rd(&d, variants[i], NULL, &err);
        if (st != CLI_OK)
            print_error("variant %zu: %s\n", i, err.message);
        assert_int_equal(st, CLI_OK);
        assert_int_equal(d.rows, 2);
        assert_int_equal(d.features, 2);
        assert_string_equal(d.feature_names[0], "a");
        assert_string_equal(d.feature_names[1], "b");
        assert_string_equal(d.target_name, "c");
        const float x[] = {1, 2, 3, 4};
        assert_memory_equal(d.x, x, sizeof x);
        assert_int_equal(d.n_classes, 2);
        assert_string_equal(d.class_names[0], "x");
        assert_string_equal(d.class_names[1], "y");
        cli_csv_free(&d);
    }
}

static void test_quoted_fields(void **state)
{
    (void)state;
    cli_io_error err;
    cli_csv_dataset d;
    assert_io(rd(&d,
                  "\"length, cm\",\"say \"\"hi\"\"\",label\n"
                  "1,2,\"Iris \"\"setosa\"\"\"\n"
                  "3,4,\"two\nlines\"\n"
                  "5,6,\" spaced \"\n"
                  "7,8,\"\"\"\"\n",
                  NULL, &err),
              CLI_OK, &err);
    assert_string_equal(d.feature_names[0], "length, cm");
    assert_string_equal(d.feature_names[1], "say \"hi\"");
    assert_int_equal(d.rows, 4);
    assert_int_equal(d.n_classes, 4);
    /* Sorted by bytes: ' ' < '"' < 'I' < 't'. */
    assert_string_equal(d.class_names[0], " spaced ");
    assert_string_equal(d.class_names[1], "\"");
    assert_string_equal(d.class_names[2], "Iris \"setosa\"");
    assert_string_equal(d.class_names[3], "two\nlines");
    cli_csv_free(&d);
}

static void test_line_numbers_after_multiline_field(void **state)
{
    (void)state;
    cli_io_error err;
    /* Lines 3-4 hold one record, line 5 is blank; the bad cell is on line 6. */
    expect_fail("a,b\n1,x\n2,\"multi\r\nline\"\n\nbad,y\n", NULL, CLI_ERR_NOT_NUMBER, &err);
    assert_int_equal(err.line, 6);
    assert_int_equal(err.column, 1);
    assert_msg(&err, "(t.csv:6)");
    /* CR-only line ends count as lines too, and a BOM is not a line. */
    expect_fail("\xef\xbb\xbf" "a,b\r1,x\r\rbad,y\r", NULL, CLI_ERR_NOT_NUMBER, &err);
    assert_int_equal(err.line, 4);
}

static void test_missing_file(void **state)
{
    (void)state;
    cli_io_error err;
    cli_csv_dataset d;
    assert_io(cli_csv_read_file(&d, "/nonexistent/dir/iris.csv", NULL, &err), CLI_ERR_OPEN,
              &err);
    assert_msg(&err, "/nonexistent/dir/iris.csv");
    assert_msg(&err, "No such file");
    assert_io(cli_csv_read_file(&d, "/tmp", NULL, &err), CLI_ERR_OPEN, &err);
    assert_msg(&err, "directory");
}

static void test_read_file(void **state)
{
    (void)state;
    char path[] = "/tmp/smx_csv_test_XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "\xef\xbb\xbf" "f1,f2,class\r\n0.5,1e-3,0\r\n-2,3,1\r\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    cli_io_error err;
    cli_csv_dataset d;
    assert_io(cli_csv_read_file(&d, path, NULL, &err), CLI_OK, &err);
    assert_int_equal(d.rows, 2);
    assert_string_equal(d.source, path);
    assert_true(d.x[1] == 1e-3f);
    cli_csv_free(&d);

    /* An empty file. */
    assert_int_equal(truncate(path, 0), 0);
    assert_io(cli_csv_read_file(&d, path, NULL, &err), CLI_ERR_EMPTY, &err);
    assert_msg(&err, path);

    /* A file over the limit is refused from its size, before reading: a
     * sparse 1 GiB + 1 byte file costs no disk and no time. */
    assert_int_equal(truncate(path, (off_t)CLI_CSV_DEFAULT_MAX_BYTES + 1), 0);
    assert_io(cli_csv_read_file(&d, path, NULL, &err), CLI_ERR_TOO_LARGE, &err);
    assert_msg(&err, "1 GiB");
    unlink(path);
}

static void test_empty_and_header_only(void **state)
{
    (void)state;
    cli_io_error err;
    expect_fail("", NULL, CLI_ERR_EMPTY, &err);
    assert_msg(&err, "empty");
    expect_fail("\xef\xbb\xbf\r\n  \n\t\n", NULL, CLI_ERR_EMPTY, &err);
    expect_fail("a,b,c\n", NULL, CLI_ERR_NO_DATA, &err);
    assert_msg(&err, "no data rows");
    assert_msg(&err, "(t.csv:1)");
    expect_fail("\n\na,b,c\r\n\r\n", NULL, CLI_ERR_NO_DATA, &err);
    assert_int_equal(err.line, 3);
}

static void test_ragged(void **state)
{
    (void)state;
    cli_io_error err;
    expect_fail("a,b,c\n1,2,x\n3,4\n", NULL, CLI_ERR_RAGGED, &err);
    assert_int_equal(err.line, 3);
    assert_msg(&err, "expected 3 fields as in the header, got 2");
    assert_msg(&err, "(t.csv:3)");
    expect_fail("a,b,c\n1,2,x,9,9\n", NULL, CLI_ERR_RAGGED, &err);
    assert_msg(&err, "got 5");
    assert_int_equal(err.line, 2);
    /* A trailing comma is an empty fourth field. */
    expect_fail("a,b,c\n1,2,x,\n", NULL, CLI_ERR_RAGGED, &err);
    assert_msg(&err, "got 4");
}

static void test_bad_cells(void **state)
{
    (void)state;
    cli_io_error err;
    expect_fail("a,width,c\n1,2,x\n3,abc,y\n", NULL, CLI_ERR_NOT_NUMBER, &err);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 2);
    assert_msg(&err, "non-numeric value \"abc\" in feature column 2 \"width\" (t.csv:3)");

    expect_fail("a,width,c\n1,,x\n", NULL, CLI_ERR_MISSING, &err);
    assert_int_equal(err.column, 2);
    assert_msg(&err, "missing value in feature column 2 \"width\" (t.csv:2)");
    expect_fail("a,width,c\n1,  ,x\n", NULL, CLI_ERR_MISSING, &err);

    expect_fail("a,b,species\n1,2,x\n1,2,\n", NULL, CLI_ERR_MISSING, &err);
    assert_int_equal(err.column, 3);
    assert_msg(&err, "missing class label in target column 3 \"species\" (t.csv:3)");

    expect_fail("a,b,c\n1,nan,x\n", NULL, CLI_ERR_NOT_NUMBER, &err);
    assert_msg(&err, "finite");
    expect_fail("a,b,c\n1,-Inf,x\n", NULL, CLI_ERR_NOT_NUMBER, &err);
    expect_fail("a,b,c\n1,NA,x\n", NULL, CLI_ERR_NOT_NUMBER, &err);
    assert_msg(&err, "\"NA\"");
    expect_fail("a,b,c\n1,1e39,x\n", NULL, CLI_ERR_NOT_NUMBER, &err);
    assert_msg(&err, "out of float range");
    expect_fail("a,b,c\n1,\"1,5\",x\n", NULL, CLI_ERR_NOT_NUMBER, &err);
    /* A long value is cut in the message, which stays one line. */
    char text[400] = "a,b,c\n1,";
    memset(text + strlen(text), 'z', 300);
    strcat(text, ",x\n");
    expect_fail(text, NULL, CLI_ERR_NOT_NUMBER, &err);
    assert_msg(&err, "zzz\"...");
    assert_true(strlen(err.message) < 200);
}

static void test_single_class(void **state)
{
    (void)state;
    cli_io_error err;
    cli_csv_dataset d;
    assert_io(rd(&d, "a,b,species\n1,2,setosa\n3,4,setosa\n", NULL, &err), CLI_OK, &err);
    assert_int_equal(d.n_classes, 1);
    assert_io(cli_csv_check_classes(&d, &err), CLI_ERR_ONE_CLASS, &err);
    assert_msg(&err, "target column 3 \"species\" holds only one class, \"setosa\"");
    assert_msg(&err, "(t.csv)");
    assert_int_equal(err.column, 3);
    cli_csv_free(&d);
}

static void test_header_problems(void **state)
{
    (void)state;
    cli_io_error err;
    expect_fail("a,b,a\n1,2,3\n", NULL, CLI_ERR_HEADER, &err);
    assert_msg(&err, "duplicate column name \"a\" (columns 1 and 3) (t.csv:1)");
    assert_int_equal(err.column, 3);
    expect_fail("a,,c\n1,2,3\n", NULL, CLI_ERR_HEADER, &err);
    assert_msg(&err, "column 2 has an empty name");
    expect_fail("onlyone\n1\n2\n", NULL, CLI_ERR_HEADER, &err);
    assert_msg(&err, "only one column");
    expect_fail("a;b;c\n1;2;3\n", NULL, CLI_ERR_HEADER, &err);
    expect_fail("a,b,c\n1,2,3\n", "species", CLI_ERR_UNKNOWN_COLUMN, &err);
    assert_msg(&err, "no column named \"species\"");
    assert_msg(&err, "a, b, c");
    expect_fail("a,\xff\xfe,c\n1,2,3\n", NULL, CLI_ERR_ENCODING, &err);
    assert_int_equal(err.column, 2);
    expect_fail("a,b,c\n1,2,caf\xe9\n", NULL, CLI_ERR_ENCODING, &err);
    assert_msg(&err, "(t.csv:2)");
}

static void test_syntax(void **state)
{
    (void)state;
    cli_io_error err;
    expect_fail("a,b,c\n1,2,x\n3,4,\"open\n5,6,y\n", NULL, CLI_ERR_SYNTAX, &err);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 3);
    assert_msg(&err, "closing quote is missing");
    expect_fail("a,b,c\n1,2,\"x\"y\n", NULL, CLI_ERR_SYNTAX, &err);
    assert_msg(&err, "unexpected \"y\" after the closing quote of field 3");
    assert_msg(&err, "(t.csv:2)");
    expect_fail("a b c\n1 2 \"x\"y\n", NULL, CLI_ERR_SYNTAX, &err);
    /* Without an error struct the status is still the right one. */
    cli_csv_dataset d;
    const char text[] = "a,b\n1,\"x\n";
    assert_int_equal(cli_csv_read_buffer(&d, text, strlen(text), NULL, NULL, NULL),
                     CLI_ERR_SYNTAX);
}

/* A number longer than the parser takes is called that, not
 * "non-numeric". */
static void test_long_number(void **state)
{
    (void)state;
    cli_io_error err;
    char text[600] = "a,b,c\n1,2,x\n3,";
    size_t n = strlen(text);
    memset(text + n, '1', 300);
    memcpy(text + n + 300, ",y\n", 4);
    expect_fail(text, NULL, CLI_ERR_NOT_NUMBER, &err);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 2);
    assert_msg(&err, "longer than 255 characters");
}

static void test_nul_byte(void **state)
{
    (void)state;
    cli_io_error err;
    cli_csv_dataset d;
    const char text[] = "a,b,c\n1,2,x\n3,\0,y\n";
    assert_io(cli_csv_read_buffer(&d, text, sizeof text - 1, "t.csv", NULL, &err), CLI_ERR_NUL,
              &err);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 3); /* "3," then the NUL */
    assert_msg(&err, "NUL byte at line 3, column 3");
    /* UTF-16 text is full of NULs. */
    const char utf16[] = "\xff\xfe" "a\0,\0b\0";
    assert_io(cli_csv_read_buffer(&d, utf16, sizeof utf16 - 1, "t.csv", NULL, &err),
              CLI_ERR_NUL, &err);
    assert_msg(&err, "UTF-16");
}

static void test_limits(void **state)
{
    (void)state;
    cli_io_error err;
    cli_csv_dataset d;
    const char text[] = "a,b,c\n1,2,x\n3,4,y\n5,6,z\n";
    cli_csv_options opt = {0};

    opt.limits.max_bytes = 10;
    assert_io(cli_csv_read_buffer(&d, text, strlen(text), "t.csv", &opt, &err),
              CLI_ERR_TOO_LARGE, &err);
    assert_msg(&err, "10 bytes limit");

    memset(&opt, 0, sizeof opt);
    opt.limits.max_rows = 2;
    assert_io(cli_csv_read_buffer(&d, text, strlen(text), "t.csv", &opt, &err),
              CLI_ERR_TOO_LARGE, &err);
    assert_msg(&err, "more than 2 data rows (t.csv:4)");

    memset(&opt, 0, sizeof opt);
    opt.limits.max_cells = 5;
    assert_io(cli_csv_read_buffer(&d, text, strlen(text), "t.csv", &opt, &err),
              CLI_ERR_TOO_LARGE, &err);
    assert_msg(&err, "more than 5 cells");

    memset(&opt, 0, sizeof opt);
    opt.limits.max_columns = 2;
    assert_io(cli_csv_read_buffer(&d, text, strlen(text), "t.csv", &opt, &err),
              CLI_ERR_TOO_LARGE, &err);
    assert_msg(&err, "more than 2 columns");

    memset(&opt, 0, sizeof opt);
    opt.limits.max_classes = 2;
    assert_io(cli_csv_read_buffer(&d, text, strlen(text), "t.csv", &opt, &err),
              CLI_ERR_TOO_LARGE, &err);
    assert_msg(&err, "more than 2 distinct classes");
    assert_int_equal(err.line, 4);

    /* Within every limit. */
    memset(&opt, 0, sizeof opt);
    opt.limits = (cli_csv_limits){strlen(text), 3, 3, 6, 3};
    assert_io(cli_csv_read_buffer(&d, text, strlen(text), "t.csv", &opt, &err), CLI_OK, &err);
    cli_csv_free(&d);
}

static void test_many_rows_and_columns(void **state)
{
    (void)state;
    /* 3000 rows x 300 columns: growth paths and the n log n duplicate
     * check; every value lands where it belongs. */
    const size_t rows = 3000, cols = 300;
    size_t cap = rows * cols * 8 + 4096, o = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (size_t c = 0; c < cols; c++)
        o += (size_t)snprintf(text + o, cap - o, "%sc%zu", c ? "," : "", c);
    text[o++] = '\n';
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c + 1 < cols; c++)
            o += (size_t)snprintf(text + o, cap - o, "%zu,", (r * 7 + c) % 1000);
        o += (size_t)snprintf(text + o, cap - o, "%zu\n", r % 5);
    }
    cli_io_error err;
    cli_csv_dataset d;
    assert_io(cli_csv_read_buffer(&d, text, o, "big.csv", NULL, &err), CLI_OK, &err);
    assert_int_equal(d.rows, rows);
    assert_int_equal(d.features, cols - 1);
    assert_int_equal(d.n_classes, 5);
    for (size_t r = 0; r < rows; r += 97)
        for (size_t c = 0; c + 1 < cols; c += 13)
            assert_true(d.x[r * d.features + c] == (float)((r * 7 + c) % 1000));
    for (size_t r = 0; r < rows; r++)
        assert_int_equal(d.y[r], (int32_t)(r % 5));
    cli_csv_free(&d);
    free(text);
}

/* ---- prediction input ---- */

static const char *const FEATURES[] = {"sl", "sw"};
static const char *const CLASSES[] = {"setosa", "versicolor", "7"};

static cli_status rdp(cli_csv_dataset *d, const char *text, int with_names, int with_classes,
                         cli_io_error *err)
{
    cli_csv_predict_options o = {0};
    o.n_features = 2;
    o.feature_names = with_names ? FEATURES : NULL;
    o.target = "species";
    o.class_names = with_classes ? CLASSES : NULL;
    o.n_classes = with_classes ? 3 : 0;
    return cli_csv_read_predict_buffer(d, text, strlen(text), "p.csv", &o, err);
}

static void test_predict_header_reordered(void **state)
{
    (void)state;
    cli_io_error err;
    cli_csv_dataset d;
    assert_io(rdp(&d, "species,sw,sl\nversicolor,2,1\n07,4,3\nsetosa,6,5\n", 1, 1, &err),
              CLI_OK, &err);
    assert_int_equal(d.rows, 3);
    assert_int_equal(d.features, 2);
    const float x[] = {1, 2, 3, 4, 5, 6};
    assert_memory_equal(d.x, x, sizeof x);
    assert_non_null(d.y);
    const int32_t y[] = {1, 2, 0};
    assert_memory_equal(d.y, y, sizeof y);
    assert_string_equal(d.feature_names[1], "sw");
    assert_int_equal(d.target_column, 1);
    cli_csv_free(&d);

    /* Without class names the labels are not read. */
    assert_io(rdp(&d, "species,sw,sl\nwhatever,2,1\n", 1, 0, &err), CLI_OK, &err);
    assert_null(d.y);
    cli_csv_free(&d);
}

static void test_predict_no_header(void **state)
{
    (void)state;
    cli_io_error err;
    cli_csv_dataset d;
    assert_io(rdp(&d, "1,2\n3,4\n", 1, 1, &err), CLI_OK, &err);
    assert_int_equal(d.rows, 2);
    assert_null(d.y);
    cli_csv_free(&d);
    assert_io(rdp(&d, "1 2 setosa\n3 4 7\n", 1, 1, &err), CLI_OK, &err);
    const int32_t y[] = {0, 2};
    assert_memory_equal(d.y, y, sizeof y);
    cli_csv_free(&d);
    /* Feature names NULL: header found because a field is not a number. */
    assert_io(rdp(&d, "p,q\n1,2\n", 0, 0, &err), CLI_OK, &err);
    assert_int_equal(d.rows, 1);
    assert_string_equal(d.feature_names[0], "p");
    cli_csv_free(&d);
}

static void test_predict_errors(void **state)
{
    (void)state;
    cli_io_error err;
    cli_csv_dataset d;
    assert_io(rdp(&d, "sl,sw,extra\n1,2,3\n", 1, 1, &err), CLI_ERR_UNKNOWN_COLUMN, &err);
    assert_msg(&err, "column 3 \"extra\" is neither a feature of the model nor its target");
    assert_io(rdp(&d, "sl,species\n1,x\n", 1, 1, &err), CLI_ERR_UNKNOWN_COLUMN, &err);
    assert_msg(&err, "feature 2 \"sw\" is not a column");
    assert_io(rdp(&d, "sl,sw,species\n1,2,virginica\n", 1, 1, &err), CLI_ERR_UNKNOWN_CLASS,
              &err);
    assert_msg(&err, "class \"virginica\" in target column 3 \"species\"");
    assert_msg(&err, "(p.csv:2)");
    assert_io(rdp(&d, "1,2,3,4\n", 1, 1, &err), CLI_ERR_RAGGED, &err);
    assert_io(rdp(&d, "1\n", 1, 1, &err), CLI_ERR_RAGGED, &err);
    assert_io(rdp(&d, "1,2\n3,4,setosa\n", 1, 1, &err), CLI_ERR_RAGGED, &err);
    assert_int_equal(err.line, 2);
    assert_io(rdp(&d, "sl,sw\n1,x\n", 1, 1, &err), CLI_ERR_NOT_NUMBER, &err);
    assert_msg(&err, "feature column 2 \"sw\" (p.csv:2)");
    assert_io(rdp(&d, "sl,sw\n", 1, 1, &err), CLI_ERR_NO_DATA, &err);
    assert_io(rdp(&d, "", 1, 1, &err), CLI_ERR_EMPTY, &err);
    assert_io(rdp(&d, "a,b,c\n1,2,3\n", 0, 0, &err), CLI_ERR_HEADER, &err);
    assert_msg(&err, "3 feature columns, the model takes 2");
    cli_csv_predict_options o = {0};
    assert_io(cli_csv_read_predict_buffer(&d, "1", 1, NULL, &o, &err), CLI_ERR_ARG, &err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_classes_sorted_by_name),
        cmocka_unit_test(test_integer_labels),
        cmocka_unit_test(test_target_by_name),
        cmocka_unit_test(test_crlf_bom_blank_lines),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_line_numbers_after_multiline_field),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_empty_and_header_only),
        cmocka_unit_test(test_ragged),
        cmocka_unit_test(test_bad_cells),
        cmocka_unit_test(test_single_class),
        cmocka_unit_test(test_header_problems),
        cmocka_unit_test(test_syntax),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_many_rows_and_columns),
        cmocka_unit_test(test_predict_header_reordered),
        cmocka_unit_test(test_predict_no_header),
        cmocka_unit_test(test_predict_errors),
        cmocka_unit_test(test_long_number),
    };
    return cmocka_run_group_tests_name("cli_io_csv", tests, NULL, NULL);
}
