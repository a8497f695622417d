/*
 * test_fields.c — the command's one tokenizer (cli/io/fields.h): each
 * separator, blanks around fields, empty fields, line ends (LF, CRLF, a
 * lone CR) and one-line text, quotes and their two errors, the offsets and
 * lines a message points at, and the copy that undoes "".
 *
 * A text's fields are written as one string: each field in brackets (q
 * before a quoted one), then what ended it: the separator, '_' for
 * blanks, '/' for the end of its record.  "a, b\nc" is "[a],[b]/[c]/".
 */
#include "io_test.h"

#include "io/fields.h"

static const char *render(const char *text, cli_separator sep, unsigned flags)
{
    static char out[1024];
    size_t n = 0;
    cli_fields t;
    cli_fields_init(&t, text, strlen(text), sep, flags);
    while (cli_fields_more(&t)) {
        cli_field f;
        if (cli_fields_next(&t, &f) != CLI_OK) {
            n += (size_t)snprintf(out + n, sizeof out - n, "!");
            break;
        }
        char content[256];
        assert_true(f.len < sizeof content);
        content[cli_field_copy(content, &f)] = '\0';
        n += (size_t)snprintf(out + n, sizeof out - n, "%s[%s]%c", f.quoted ? "q" : "", content,
                              f.end == '\n' ? '/' : f.end == ' ' ? '_' : f.end);
    }
    out[n] = '\0';
    return out;
}

static void test_comma(void **state)
{
    (void)state;
    assert_string_equal(render("a,b", CLI_SEP_COMMA, 0), "[a],[b]/");
    assert_string_equal(render(" a , b\t,\tc ", CLI_SEP_COMMA, 0), "[a],[b],[c]/");
    assert_string_equal(render("a b,c", CLI_SEP_COMMA, 0), "[a b],[c]/");
    assert_string_equal(render("a,,b", CLI_SEP_COMMA, 0), "[a],[],[b]/");
    assert_string_equal(render(",a", CLI_SEP_COMMA, 0), "[],[a]/");
    /* a separator at the end of the text: one more, empty field */
    assert_string_equal(render("a,", CLI_SEP_COMMA, 0), "[a],[]/");
    assert_string_equal(render("a,\n", CLI_SEP_COMMA, 0), "[a],[]/");
    assert_string_equal(render("", CLI_SEP_COMMA, 0), "");
    /* line ends: LF, CRLF, a lone CR; a blank line is one empty field */
    assert_string_equal(render("a,b\nc\r\nd\re", CLI_SEP_COMMA, 0), "[a],[b]/[c]/[d]/[e]/");
    assert_string_equal(render("a\n\n  \nb\n", CLI_SEP_COMMA, 0), "[a]/[]/[]/[b]/");
    /* without the flag a quote is an ordinary byte */
    assert_string_equal(render("\"a,b\"", CLI_SEP_COMMA, 0), "[\"a],[b\"]/");
}

static void test_tab_and_blanks(void **state)
{
    (void)state;
    assert_string_equal(render("a\tb c\t\td", CLI_SEP_TAB, 0), "[a]\t[b c]\t[]\t[d]/");
    assert_string_equal(render(" a \t b ", CLI_SEP_TAB, 0), "[a]\t[b]/");
    assert_string_equal(render("a  b\t c", CLI_SEP_BLANKS, 0), "[a]_[b]_[c]/");
    assert_string_equal(render("  a b  \n\n c", CLI_SEP_BLANKS, 0), "[a]_[b]/[]/[c]/");
    assert_string_equal(render("a,b", CLI_SEP_BLANKS, 0), "[a,b]/");
}

static void test_comma_or_blanks(void **state)
{
    (void)state;
    assert_string_equal(render("1 2,3 , 4", CLI_SEP_COMMA_OR_BLANKS, 0),
                        "[1]_[2],[3],[4]/");
    assert_string_equal(render("1,,2", CLI_SEP_COMMA_OR_BLANKS, 0), "[1],[],[2]/");
    assert_string_equal(render(" ,1", CLI_SEP_COMMA_OR_BLANKS, 0), "[],[1]/");
    assert_string_equal(render("1 ,", CLI_SEP_COMMA_OR_BLANKS, 0), "[1],[]/");
    /* one line: CR and LF are blanks, not the end of the record */
    assert_string_equal(render("1\r2 \r\n", CLI_SEP_COMMA_OR_BLANKS, CLI_FIELDS_ONE_LINE),
                        "[1]_[2]/");
    assert_string_equal(render("1,\r\n", CLI_SEP_COMMA_OR_BLANKS, CLI_FIELDS_ONE_LINE),
                        "[1],[]/");
    assert_string_equal(render("1\r2", CLI_SEP_COMMA_OR_BLANKS, 0), "[1]/[2]/");
}

static void test_quotes(void **state)
{
    (void)state;
    const unsigned q = CLI_FIELDS_QUOTES;
    assert_string_equal(render("\"a,b\",c", CLI_SEP_COMMA, q), "q[a,b],[c]/");
    assert_string_equal(render(" \"a\" ,\"\"", CLI_SEP_COMMA, q), "q[a],q[]/");
    assert_string_equal(render("\"say \"\"hi\"\"\"", CLI_SEP_COMMA, q), "q[say \"hi\"]/");
    assert_string_equal(render("\"two\nlines\",x\ny", CLI_SEP_COMMA, q), "q[two\nlines],[x]/[y]/");
    assert_string_equal(render("\" a \"\t\"b\"", CLI_SEP_BLANKS, q), "q[ a ]_q[b]/");
    assert_string_equal(render("a\"b\",c", CLI_SEP_COMMA, q), "[a\"b\"],[c]/");
    /* the two errors */
    assert_string_equal(render("a,\"b", CLI_SEP_COMMA, q), "[a],!");
    assert_string_equal(render("\"a\"b,c", CLI_SEP_COMMA, q), "!");
    assert_string_equal(render("\"a\"b", CLI_SEP_BLANKS, q), "!");
}

/* Offsets and lines: where a message points. */
static void test_places(void **state)
{
    (void)state;
    cli_fields t;
    cli_field f;
    const char *text = "a, bb ,\n\"x\ny\" ,  z";
    cli_fields_init(&t, text, strlen(text), CLI_SEP_COMMA, CLI_FIELDS_QUOTES);
    assert_int_equal(cli_fields_next(&t, &f), CLI_OK);
    assert_int_equal(f.offset, 0);
    assert_int_equal(f.end_offset, 1);
    assert_int_equal(cli_fields_next(&t, &f), CLI_OK);
    assert_int_equal(f.offset, 3);
    assert_int_equal(f.len, 2);
    assert_int_equal(f.end_offset, 6);
    assert_int_equal(cli_fields_next(&t, &f), CLI_OK); /* empty, before the line end */
    assert_int_equal(f.len, 0);
    assert_int_equal(f.offset, 7);
    assert_int_equal(f.end, '\n');
    assert_int_equal(f.line, 1);
    assert_int_equal(cli_fields_next(&t, &f), CLI_OK);
    assert_true(f.quoted);
    assert_int_equal(f.line, 2);
    assert_int_equal(f.offset, 8);
    assert_int_equal(t.line, 3); /* past the line end inside the quotes */
    assert_int_equal(cli_fields_next(&t, &f), CLI_OK);
    assert_int_equal(f.line, 3);
    assert_int_equal(f.offset, 17);
    assert_false(cli_fields_more(&t));

    /* an error leaves t.p at the byte after the closing quote */
    text = "ok\n\"q\"!";
    cli_fields_init(&t, text, strlen(text), CLI_SEP_COMMA, CLI_FIELDS_QUOTES);
    assert_int_equal(cli_fields_next(&t, &f), CLI_OK);
    assert_int_equal(cli_fields_next(&t, &f), CLI_ERR_SYNTAX);
    assert_int_equal(*t.p, '!');
    assert_int_equal(t.line, 2);
    /* and a missing closing quote at the end of the text */
    text = "\"a\nb";
    cli_fields_init(&t, text, strlen(text), CLI_SEP_COMMA, CLI_FIELDS_QUOTES);
    assert_int_equal(cli_fields_next(&t, &f), CLI_ERR_SYNTAX);
    assert_int_equal(f.line, 1);
    assert_true(t.p == t.end);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comma),
        cmocka_unit_test(test_tab_and_blanks),
        cmocka_unit_test(test_comma_or_blanks),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_places),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
