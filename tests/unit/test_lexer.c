/* ecconf: tests for the scanner, through ec_load_buffer(): bare words,
 * quoted strings and escapes, comments, line ends, byte order marks,
 * invalid bytes, token limits and the include marks of a dump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grammar/parse.h"
#include "runtime/diag.h"
#include "runtime/load.h"
#include "tests/unit/parse_harness.h"

/* The n-th top-level statement (from 0); fails when there are fewer. */
static const ec_node_t *
nth(const parsed_t *r, unsigned n)
{
    return nth_of(r->tree->root, n);
}


/* Check that node n is "name = value" with a scalar value. */
static void
assert_scalar_option(const ec_node_t *n, const char *name,
    const char *value, int quoted)
{
    assert_int_equal(n->kind, EC_NODE_OPTION);
    assert_int_equal(n->vkind, EC_VALUE_SCALAR);
    assert_string_equal(n->name.text, name);
    assert_string_equal(n->u.scalar.text, value);
    assert_int_equal(n->u.scalar.len, strlen(value));
    assert_int_equal(n->u.scalar.quoted, quoted);
}


static void
test_word_characters(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = x,y;z:25%$@*!?\n"
              "b = //p//\n"
              "c = 127.0.0.0/8\n"
              "d = -1\n"
              "e = a\\b\n");
    assert_clean(&r);
    assert_int_equal(count_nodes(r.tree->root), 5);
    assert_scalar_option(nth(&r, 0), "a", "x,y;z:25%$@*!?", 0);
    assert_scalar_option(nth(&r, 1), "b", "//p//", 0);
    assert_scalar_option(nth(&r, 2), "c", "127.0.0.0/8", 0);
    assert_scalar_option(nth(&r, 3), "d", "-1", 0);
    assert_scalar_option(nth(&r, 4), "e", "a\\b", 0);
    parsed_free(&r);
}


static void
test_word_ends_at_special(void **state)
{
    parsed_t         r;
    const ec_node_t *s;

    (void) state;
    PARSE(&r, "a=b\ns{x=1}\nc = v#comment\nd = w/*comment*/\n");
    assert_clean(&r);
    assert_int_equal(count_nodes(r.tree->root), 4);
    assert_scalar_option(nth(&r, 0), "a", "b", 0);

    s = nth(&r, 1);
    assert_int_equal(s->kind, EC_NODE_SCOPE);
    assert_string_equal(s->name.text, "s");
    assert_null(s->u.scope.instance);
    assert_scalar_option(s->u.scope.children, "x", "1", 0);

    assert_scalar_option(nth(&r, 2), "c", "v", 0);
    assert_scalar_option(nth(&r, 3), "d", "w", 0);
    parsed_free(&r);
}


static void
test_string_escapes_decoded(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = \"x\\\\y\"\n"
              "b = \"say \\\"hi\\\"\"\n"
              "c = \"1\\n2\\r3\\t4\"\n"
              "d = \"\\\\\"\n");
    assert_clean(&r);
    assert_scalar_option(nth(&r, 0), "a", "x\\y", 1);
    assert_scalar_option(nth(&r, 1), "b", "say \"hi\"", 1);
    assert_scalar_option(nth(&r, 2), "c", "1\n2\r3\t4", 1);
    assert_scalar_option(nth(&r, 3), "d", "\\", 1);
    parsed_free(&r);
}


static void
test_string_other_escapes_kept(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = \"^b-\\d+-\\w+@\\.x$\"\n"
              "b = \"\\q\\0\\'\"\n"
              "c = \"\\\\d\"\n");
    assert_clean(&r);
    assert_scalar_option(nth(&r, 0), "a", "^b-\\d+-\\w+@\\.x$", 1);
    assert_scalar_option(nth(&r, 1), "b", "\\q\\0\\'", 1);
    assert_scalar_option(nth(&r, 2), "c", "\\d", 1);
    parsed_free(&r);
}


static void
test_string_specials_inside(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = \"# = { } [ ] ( ) ' /* x */\"\nb = \"\"\n");
    assert_clean(&r);
    assert_int_equal(count_nodes(r.tree->root), 2);
    assert_scalar_option(nth(&r, 0), "a", "# = { } [ ] ( ) ' /* x */", 1);
    assert_scalar_option(nth(&r, 1), "b", "", 1);
    parsed_free(&r);
}


static void
test_string_spans_lines(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "q = \"one\n  two\nthree\"\nnext = 1\n");
    assert_clean(&r);
    assert_scalar_option(nth(&r, 0), "q", "one\n  two\nthree", 1);
    n = nth(&r, 1);
    assert_string_equal(n->name.text, "next");
    assert_int_equal(n->name.line, 4);
    assert_int_equal(n->name.col, 1);
    parsed_free(&r);
}


static void
test_hash_comment(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "# first line\na = 1 # trailing = 2 { }\n#\nb = 2");
    assert_clean(&r);
    assert_int_equal(count_nodes(r.tree->root), 2);
    assert_scalar_option(nth(&r, 0), "a", "1", 0);
    n = nth(&r, 1);
    assert_scalar_option(n, "b", "2", 0);
    assert_int_equal(n->name.line, 4);
    parsed_free(&r);
}


static void
test_block_comment_lines(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "/* one\n two ** / * \n*/ x /**/ = /* v */ 1\n");
    assert_clean(&r);
    n = nth(&r, 0);
    assert_scalar_option(n, "x", "1", 0);
    assert_int_equal(n->name.line, 3);
    assert_int_equal(n->name.col, 4);
    assert_int_equal(n->u.scalar.col, 21);
    parsed_free(&r);
}


static void
test_block_comment_not_nested(void **state)
{
    parsed_t r;

    (void) state;
    /* The first star-slash closes the comment, leaving a stray word. */
    PARSE(&r, "/* a /* b */ c */\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:1:16: error: missing '=' between \"c\" and "
        "\"*/\"");
    parsed_free(&r);
}


static void
test_crlf_line_ends(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "a = 1\r\nb = \"x\r\ny\"\r\nc {\r\n}\r\nd = 4\r\n");
    assert_clean(&r);
    assert_int_equal(count_nodes(r.tree->root), 4);
    assert_scalar_option(nth(&r, 0), "a", "1", 0);
    /* CR is white space between tokens and kept inside a string. */
    n = nth(&r, 1);
    assert_scalar_option(n, "b", "x\r\ny", 1);
    assert_int_equal(n->name.line, 2);
    assert_int_equal(n->name.col, 1);
    n = nth(&r, 2);
    assert_int_equal(n->kind, EC_NODE_SCOPE);
    assert_int_equal(n->name.line, 4);
    n = nth(&r, 3);
    assert_int_equal(n->name.line, 6);
    assert_int_equal(n->name.col, 1);
    assert_int_equal(n->u.scalar.col, 5);
    parsed_free(&r);
}


static void
test_crlf_error_position(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = 1\r\nb = }\r\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:2:5: error: unexpected '}': expected a value, "
        "'(' or '['\n  b = }\n      ^\n");
    parsed_free(&r);
}


static void
test_bom_skipped(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "\xEF\xBB\xBFname = 1\n");
    assert_clean(&r);
    n = nth(&r, 0);
    assert_scalar_option(n, "name", "1", 0);
    assert_int_equal(n->name.line, 1);
    assert_int_equal(n->name.col, 1);
    parsed_free(&r);

    PARSE(&r, "\xEF\xBB\xBF}\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:1:1: error: unexpected '}' with no scope open"
        "\n  }\n  ^\n");
    parsed_free(&r);
}


static void
test_bom_after_start_rejected(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = x\xEF\xBB\xBF\nb = \"y\xEF\xBB\xBF\"\n");
    /* Outside a string it is an error; inside one it is text. */
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:1:6: error: byte order mark (U+FEFF) outside "
        "a string");
    assert_scalar_option(nth(&r, 1), "b", "y\xEF\xBB\xBF", 1);
    parsed_free(&r);
}


static void
test_columns_count_bytes(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "a = \"\xC3\xA9\" b = 1\n\tc = 2\n");
    assert_clean(&r);
    n = nth(&r, 1);
    assert_int_equal(n->name.line, 1);
    assert_int_equal(n->name.col, 10);
    n = nth(&r, 2);
    assert_int_equal(n->name.line, 2);
    assert_int_equal(n->name.col, 2);
    parsed_free(&r);
}


static void
test_nul_byte(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = 1\nb = x\0y\nc = 2\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:2:6: error: NUL byte in the file; is this a "
        "binary file?");
    /* The input ends at the NUL: c is never read. */
    assert_int_equal(count_nodes(r.tree->root), 2);
    assert_scalar_option(nth(&r, 1), "b", "x", 0);
    parsed_free(&r);
}


static void
test_nul_in_string_and_comment(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = \"x\0y\"\n");
    assert_diag(&r, "t.conf:1:7: error: NUL byte inside a string");
    parsed_free(&r);

    PARSE(&r, "/* x\0 */\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:1:5: error: NUL byte inside a comment");
    parsed_free(&r);
}


static void
test_control_character(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = ab\x01" "c\nb = \x0c\n");
    assert_int_equal(r.diag.errors, 2);
    assert_diag(&r, "t.conf:1:7: error: invalid control character 0x01");
    assert_diag(&r, "t.conf:2:5: error: invalid control character 0x0C");
    parsed_free(&r);
}


static void
test_typographic_quote_word(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = \xE2\x80\x9Cx\xE2\x80\x9D\nb = \xE2\x80\x98y\xE2\x80\x99\n");
    assert_int_equal(r.diag.errors, 2);
    assert_diag(&r, "t.conf:1:5: error: typographic quote is not a string "
        "delimiter; use '\"'");
    assert_diag(&r, "t.conf:2:5: error: typographic quote");
    /* The value is read as the string the user meant. */
    assert_scalar_option(nth(&r, 0), "a", "x", 1);
    assert_scalar_option(nth(&r, 1), "b", "y", 1);
    parsed_free(&r);
}


static void
test_typographic_quote_in_string(void **state)
{
    parsed_t r;

    (void) state;
    /* A typographic quote inside a quoted string is ordinary text... */
    PARSE(&r, "a = \"\xE2\x80\x9Cx\xE2\x80\x9D\"\n");
    assert_clean(&r);
    assert_scalar_option(nth(&r, 0), "a", "\xE2\x80\x9Cx\xE2\x80\x9D", 1);
    parsed_free(&r);

    /* ...unless the string then runs on to the next line, which is what
     * a typographic closing quote typed in place of '"' looks like. */
    PARSE(&r, "a = \"x\xE2\x80\x9D\ny\"\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:1:7: error: typographic quote inside a string "
        "that runs on to line 2");
    parsed_free(&r);
}


static void
test_single_quotes(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = 'x y'\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:1:5: error: single quotes do not delimit "
        "strings; use double quotes");
    assert_scalar_option(nth(&r, 0), "a", "x y", 0);
    parsed_free(&r);

    PARSE(&r, "a = it's\n");
    assert_diag(&r, "t.conf:1:7: error: stray single quote; strings are "
        "written in double quotes");
    parsed_free(&r);
}


static void
test_unterminated_string(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "ok = 1\nb = \"abc\nc = 2\n");
    assert_true(r.diag.errors >= 1);
    assert_diag(&r, "t.conf:2:5: error: unterminated string: the '\"' here "
        "is never closed\n  b = \"abc\n      ^\n");
    parsed_free(&r);
}


static void
test_unterminated_comment(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "ok = 1\n  /* abc\nc = 2 *\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:2:3: error: unterminated comment: '/*' has no "
        "matching '*/'");
    parsed_free(&r);
}


/* "a = " followed by a word or string of total token length len. */
static char *
long_token_source(size_t len, int quoted, size_t *srclen)
{
    char *src = malloc(len + 8);

    assert_non_null(src);
    memcpy(src, "a = ", 4);
    memset(src + 4, 'x', len);
    if (quoted) {
        src[4] = '"';
        src[4 + len - 1] = '"';
    }
    src[4 + len] = '\n';
    *srclen = len + 5;
    return src;
}


static void
test_token_length_limit(void **state)
{
    static const int quoted[] = { 0, 1 };
    parsed_t r;
    size_t   len;
    char    *src;
    unsigned i;

    (void) state;
    for (i = 0; i < 2; i++) {
        /* The limit counts the bytes of the token as written, so for a
         * string it includes the two quotes. */
        src = long_token_source(EC_PARSE_MAX_TOKEN, quoted[i], &len);
        parse_buffer(&r, src, len);
        assert_clean(&r);
        assert_int_equal(nth(&r, 0)->u.scalar.len,
            EC_PARSE_MAX_TOKEN - 2 * quoted[i]);
        parsed_free(&r);
        free(src);

        src = long_token_source(EC_PARSE_MAX_TOKEN + 1, quoted[i], &len);
        parse_buffer(&r, src, len);
        assert_int_equal(r.diag.errors, 1);
        assert_diag(&r, "t.conf:1:5: error: token of 65537 bytes is longer "
            "than the limit of 65536 bytes");
        parsed_free(&r);
        free(src);
    }
}


static void
test_include_keyword_any_case(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "INCLUDE \"no-such-file.conf\"\n"
              "Readonly_Include \"no-such-file.conf\"\n");
    assert_int_equal(r.diag.errors, 2);
    assert_diag(&r, "t.conf:1:9: error: include \"no-such-file.conf\" not "
        "found");
    assert_diag(&r, "t.conf:2:18: error: include \"no-such-file.conf\" not "
        "found");
    parsed_free(&r);
}


static void
test_include_keyword_as_value(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "a = include\nb = ( readonly_include x )\n"
              "s include { }\n");
    assert_clean(&r);
    assert_scalar_option(nth(&r, 0), "a", "include", 0);
    n = nth(&r, 1);
    assert_int_equal(n->count, 2);
    assert_string_equal(n->u.items[0].text, "readonly_include");
    n = nth(&r, 2);
    assert_int_equal(n->kind, EC_NODE_SCOPE);
    assert_string_equal(n->u.scope.instance->text, "include");
    parsed_free(&r);
}


static void
test_dump_marks_read_back(void **state)
{
    parsed_t         r;
    const ec_node_t *n, *inner;

    (void) state;
    PARSE(&r, "# >>> include \"dir/a.conf\"\n"
              "x = 1\n"
              "# >>> readonly_include \"b.conf\"\n"
              "# <<< readonly_include \"b.conf\"\n"
              "# <<< include \"dir/a.conf\"\n"
              "# >>> not a mark\n"
              "y = 2\n");
    assert_clean(&r);
    assert_int_equal(count_nodes(r.tree->root), 2);

    n = nth(&r, 0);
    assert_int_equal(n->kind, EC_NODE_INCLUDE);
    assert_int_equal(n->readonly, 0);
    assert_string_equal(n->u.include.path->text, "dir/a.conf");
    assert_int_equal(n->name.line, 1);
    assert_int_equal(n->name.col, 1);

    assert_scalar_option(n->u.include.children, "x", "1", 0);
    inner = n->u.include.children->next;
    assert_non_null(inner);
    assert_int_equal(inner->kind, EC_NODE_INCLUDE);
    assert_int_equal(inner->readonly, 1);
    assert_string_equal(inner->u.include.path->text, "b.conf");
    assert_null(inner->u.include.children);

    assert_scalar_option(nth(&r, 1), "y", "2", 0);
    parsed_free(&r);
}


static void
test_dump_mark_mismatch(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "# >>> include \"a\"\nx = 1\n# <<< include \"b\"\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:3:1: error: include end mark \"b\" does not "
        "match its begin mark \"a\"");
    parsed_free(&r);
}


/* The vendor's own example 'adaptive_sweep_rule "fbl” {' has a
 * typographic closing quote that leaves the string open to the end of the
 * file: the error must point at that quote, column 25. */
static void
test_typographic_quote_unterminated(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "adaptive_sweep_rule \"fbl\xE2\x80\x9D {\n  a = 1\n}\n");
    assert_diag(&r, "t.conf:1:25: error: typographic quote");
    parsed_free(&r);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_word_characters),
        cmocka_unit_test(test_word_ends_at_special),
        cmocka_unit_test(test_string_escapes_decoded),
        cmocka_unit_test(test_string_other_escapes_kept),
        cmocka_unit_test(test_string_specials_inside),
        cmocka_unit_test(test_string_spans_lines),
        cmocka_unit_test(test_hash_comment),
        cmocka_unit_test(test_block_comment_lines),
        cmocka_unit_test(test_block_comment_not_nested),
        cmocka_unit_test(test_crlf_line_ends),
        cmocka_unit_test(test_crlf_error_position),
        cmocka_unit_test(test_bom_skipped),
        cmocka_unit_test(test_bom_after_start_rejected),
        cmocka_unit_test(test_columns_count_bytes),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_nul_in_string_and_comment),
        cmocka_unit_test(test_control_character),
        cmocka_unit_test(test_typographic_quote_word),
        cmocka_unit_test(test_typographic_quote_in_string),
        cmocka_unit_test(test_single_quotes),
        cmocka_unit_test(test_unterminated_string),
        cmocka_unit_test(test_unterminated_comment),
        cmocka_unit_test(test_token_length_limit),
        cmocka_unit_test(test_include_keyword_any_case),
        cmocka_unit_test(test_include_keyword_as_value),
        cmocka_unit_test(test_dump_marks_read_back),
        cmocka_unit_test(test_dump_mark_mismatch),
        cmocka_unit_test(test_typographic_quote_unterminated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
