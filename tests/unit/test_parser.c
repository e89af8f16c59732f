/* ecconf: tests for the parser, through ec_load_buffer() and
 * ec_load_file(): node kinds, names and keys, instances, values, arrays,
 * parameter blocks, positions, includes, and the message, position and
 * recovery of each syntax error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "grammar/parse.h"
#include "runtime/diag.h"
#include "runtime/load.h"
#include "tests/unit/parse_harness.h"


/* Number of lines in the diagnostics that report an error. */
static unsigned
count_error_lines(const parsed_t *r)
{
    const char *s = r->text;
    unsigned    n = 0;

    while ((s = strstr(s, ": error: ")) != NULL) {
        n++;
        s++;
    }
    return n;
}


static void
assert_at(const ec_scalar_t *s, unsigned line, unsigned col)
{
    assert_int_equal(s->line, line);
    assert_int_equal(s->col, col);
}


static void
test_option_scalar(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "Idle_Time = 300\n  Banner = \"hello world\"\n");
    assert_clean(&r);
    assert_int_equal(count_nodes(r.tree->root), 2);

    n = r.tree->root;
    assert_int_equal(n->kind, EC_NODE_OPTION);
    assert_int_equal(n->vkind, EC_VALUE_SCALAR);
    assert_string_equal(n->name.text, "Idle_Time");
    assert_string_equal(n->key, "idle_time");
    assert_string_equal(n->u.scalar.text, "300");
    assert_int_equal(n->u.scalar.quoted, 0);
    assert_at(&n->name, 1, 1);
    assert_at(&n->u.scalar, 1, 13);
    assert_int_equal(n->name.file, 0);

    n = n->next;
    assert_string_equal(n->key, "banner");
    assert_string_equal(n->u.scalar.text, "hello world");
    assert_int_equal(n->u.scalar.quoted, 1);
    assert_at(&n->name, 2, 3);
    assert_at(&n->u.scalar, 2, 12);
    parsed_free(&r);
}


static void
test_keys_fold_case(void **state)
{
    parsed_t         r;
    const ec_node_t *a, *b, *c, *s;

    (void) state;
    PARSE(&r, "Idle_Time = 1\nIDLE_TIME = 2\nidle_time = 3\n"
              "ESMTP_Listener { idle_TIME = 4 }\n");
    assert_clean(&r);
    a = nth_of(r.tree->root, 0);
    b = nth_of(r.tree->root, 1);
    c = nth_of(r.tree->root, 2);
    s = nth_of(r.tree->root, 3);

    /* Names keep the spelling written; keys are lowercase and shared. */
    assert_string_equal(a->name.text, "Idle_Time");
    assert_string_equal(b->name.text, "IDLE_TIME");
    assert_string_equal(c->name.text, "idle_time");
    assert_string_equal(a->key, "idle_time");
    assert_ptr_equal(a->key, b->key);
    assert_ptr_equal(a->key, c->key);
    assert_ptr_equal(a->key, s->u.scope.children->key);
    assert_string_equal(s->key, "esmtp_listener");
    assert_ptr_not_equal(a->key, s->key);
    parsed_free(&r);
}


static void
test_scope_anonymous(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "Security {\n  User = ecuser\n  Group = ecgroup\n}\n");
    assert_clean(&r);
    n = r.tree->root;
    assert_int_equal(n->kind, EC_NODE_SCOPE);
    assert_string_equal(n->name.text, "Security");
    assert_string_equal(n->key, "security");
    assert_null(n->u.scope.instance);
    assert_at(&n->name, 1, 1);
    assert_int_equal(count_nodes(n->u.scope.children), 2);
    assert_string_equal(n->u.scope.children->name.text, "User");
    assert_at(&n->u.scope.children->name, 2, 3);
    assert_at(&n->u.scope.children->next->u.scalar, 3, 11);
    parsed_free(&r);
}


static void
test_scope_named(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "Domain Example.COM {}\nListen \":25\" { }\n"
              "ec_logger \"ec_logger\" {\n}\n");
    assert_clean(&r);
    assert_int_equal(count_nodes(r.tree->root), 3);

    n = nth_of(r.tree->root, 0);
    assert_int_equal(n->kind, EC_NODE_SCOPE);
    assert_non_null(n->u.scope.instance);
    /* Instance names are not folded. */
    assert_string_equal(n->u.scope.instance->text, "Example.COM");
    assert_int_equal(n->u.scope.instance->quoted, 0);
    assert_at(n->u.scope.instance, 1, 8);
    assert_null(n->u.scope.children);

    n = nth_of(r.tree->root, 1);
    assert_string_equal(n->u.scope.instance->text, ":25");
    assert_int_equal(n->u.scope.instance->quoted, 1);
    assert_at(n->u.scope.instance, 2, 8);
    assert_null(n->u.scope.children);

    n = nth_of(r.tree->root, 2);
    assert_string_equal(n->name.text, "ec_logger");
    assert_string_equal(n->u.scope.instance->text, "ec_logger");
    assert_null(n->u.scope.children);
    parsed_free(&r);
}


static void
test_nested_scopes(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "Binding_Group g {\n"
              "  Binding b {\n"
              "    Domain d {\n"
              "      x = 1\n"
              "    }\n"
              "  }\n"
              "  after = 2\n"
              "}\n");
    assert_clean(&r);
    n = r.tree->root;
    assert_null(n->next);
    assert_string_equal(n->key, "binding_group");
    assert_int_equal(count_nodes(n->u.scope.children), 2);
    assert_string_equal(n->u.scope.children->next->name.text, "after");

    n = n->u.scope.children;
    assert_string_equal(n->key, "binding");
    assert_at(&n->name, 2, 3);
    n = n->u.scope.children;
    assert_string_equal(n->key, "domain");
    assert_at(&n->name, 3, 5);
    assert_string_equal(n->u.scope.instance->text, "d");
    n = n->u.scope.children;
    assert_string_equal(n->name.text, "x");
    assert_at(&n->name, 4, 7);
    parsed_free(&r);
}


static void
test_array_values(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "SMTP_Extensions = ( \"AUTH LOGIN\" XCLIENT \"8BITMIME\" )\n"
              "List = (\n  a\n    \"b c\"\n)\n");
    assert_clean(&r);

    n = nth_of(r.tree->root, 0);
    assert_int_equal(n->kind, EC_NODE_OPTION);
    assert_int_equal(n->vkind, EC_VALUE_ARRAY);
    assert_int_equal(n->count, 3);
    assert_string_equal(n->u.items[0].text, "AUTH LOGIN");
    assert_int_equal(n->u.items[0].quoted, 1);
    assert_at(&n->u.items[0], 1, 21);
    assert_string_equal(n->u.items[1].text, "XCLIENT");
    assert_int_equal(n->u.items[1].quoted, 0);
    assert_at(&n->u.items[1], 1, 34);
    assert_string_equal(n->u.items[2].text, "8BITMIME");

    n = nth_of(r.tree->root, 1);
    assert_int_equal(n->count, 2);
    assert_string_equal(n->u.items[0].text, "a");
    assert_at(&n->u.items[0], 3, 3);
    assert_string_equal(n->u.items[1].text, "b c");
    assert_at(&n->u.items[1], 4, 5);
    parsed_free(&r);
}


static void
test_array_empty(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "DEBUG = ()\nINFO = (\n)\nafter = ( x )\n");
    assert_clean(&r);
    n = nth_of(r.tree->root, 0);
    assert_int_equal(n->vkind, EC_VALUE_ARRAY);
    assert_int_equal(n->count, 0);
    n = nth_of(r.tree->root, 1);
    assert_int_equal(n->vkind, EC_VALUE_ARRAY);
    assert_int_equal(n->count, 0);
    /* An empty array must not leave items behind for the next one. */
    n = nth_of(r.tree->root, 2);
    assert_int_equal(n->count, 1);
    assert_string_equal(n->u.items[0].text, "x");
    parsed_free(&r);
}


static void
test_hash_values(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "AuthLoginParameters = [ uri = \"file:///p\" Log = true ]\n"
              "P = [\n  a = 1\n  b = \"x y\"\n]\n"
              "E = [ ]\n");
    assert_clean(&r);

    n = nth_of(r.tree->root, 0);
    assert_int_equal(n->vkind, EC_VALUE_HASH);
    assert_int_equal(n->count, 2);
    assert_string_equal(n->u.pairs[0].key.text, "uri");
    assert_at(&n->u.pairs[0].key, 1, 25);
    assert_string_equal(n->u.pairs[0].value.text, "file:///p");
    assert_int_equal(n->u.pairs[0].value.quoted, 1);
    assert_at(&n->u.pairs[0].value, 1, 31);
    assert_string_equal(n->u.pairs[1].key.text, "Log");
    assert_string_equal(n->u.pairs[1].value.text, "true");

    n = nth_of(r.tree->root, 1);
    assert_int_equal(n->count, 2);
    assert_at(&n->u.pairs[0].key, 3, 3);
    assert_at(&n->u.pairs[1].value, 4, 7);
    assert_string_equal(n->u.pairs[1].value.text, "x y");

    n = nth_of(r.tree->root, 2);
    assert_int_equal(n->vkind, EC_VALUE_HASH);
    assert_int_equal(n->count, 0);
    parsed_free(&r);
}


static void
test_hash_repeated_key_warns(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "P = [\n  uri = a\n  URI = b\n]\n");
    assert_int_equal(r.diag.errors, 0);
    assert_int_equal(r.diag.warnings, 1);
    assert_diag(&r, "t.conf:3:3: warning: key \"URI\" repeats the one at "
        "line 2; the last one wins");
    /* Both pairs stay in the tree, in order. */
    n = r.tree->root;
    assert_int_equal(n->count, 2);
    assert_string_equal(n->u.pairs[1].value.text, "b");
    parsed_free(&r);
}


static void
test_repeated_option_kept(void **state)
{
    parsed_t r;

    (void) state;
    /* The parser keeps both; which one wins is decided later. */
    PARSE(&r, "a = 1\nA = 2\n");
    assert_int_equal(r.diag.errors, 0);
    assert_int_equal(count_nodes(r.tree->root), 2);
    parsed_free(&r);
}


static void
test_one_line_stanza(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "m { a = 1 b = ( x ) c = [ k = v ] s i { } }\n");
    assert_clean(&r);
    n = r.tree->root->u.scope.children;
    assert_int_equal(count_nodes(n), 4);
    assert_at(&nth_of(n, 1)->name, 1, 11);
    assert_int_equal(nth_of(n, 1)->vkind, EC_VALUE_ARRAY);
    assert_int_equal(nth_of(n, 2)->vkind, EC_VALUE_HASH);
    assert_int_equal(nth_of(n, 3)->kind, EC_NODE_SCOPE);
    assert_at(nth_of(n, 3)->u.scope.instance, 1, 37);
    parsed_free(&r);
}


static void
test_error_missing_equals(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "ESMTP_Listener {\n  Idle_Time 300\n}\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:2:13: error: missing '=' between \"Idle_Time\" "
        "and \"300\"\n    Idle_Time 300\n              ^\n");
    /* The option is still built, so later checks see it. */
    n = r.tree->root->u.scope.children;
    assert_non_null(n);
    assert_string_equal(n->name.text, "Idle_Time");
    assert_string_equal(n->u.scalar.text, "300");
    parsed_free(&r);
}


static void
test_error_stray_brace(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = 1\n}\nb = 2\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:2:1: error: unexpected '}' with no scope open");
    assert_int_equal(count_nodes(r.tree->root), 2);
    parsed_free(&r);
}


static void
test_error_unclosed_scope(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = 1\nOuter {\n  Inner x {\n    b = 2\n");
    assert_int_equal(r.diag.errors, 1);
    /* The message names the innermost scope still open. */
    assert_diag(&r, "t.conf:3:3: error: \"Inner\" is not closed: missing "
        "'}' before the end of the file");
    parsed_free(&r);
}


static void
test_error_scope_with_equals(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "Esmtp_Listener = {\n  Listen \":465\" {}\n}\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:1:1: error: \"Esmtp_Listener\" is a scope: "
        "write it without '=' before '{'");
    n = r.tree->root;
    assert_int_equal(n->kind, EC_NODE_SCOPE);
    assert_null(n->u.scope.instance);
    assert_non_null(n->u.scope.children);
    assert_string_equal(n->u.scope.children->u.scope.instance->text,
        ":465");
    parsed_free(&r);
}


static void
test_error_block_without_equals(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "AuthDigestMD5Parameters [ uri = x ]\nL ( a b )\n");
    assert_int_equal(r.diag.errors, 2);
    assert_diag(&r, "t.conf:1:1: error: missing '=' between "
        "\"AuthDigestMD5Parameters\" and '['");
    assert_diag(&r, "t.conf:2:1: error: missing '=' between \"L\" and '('");
    n = nth_of(r.tree->root, 0);
    assert_int_equal(n->vkind, EC_VALUE_HASH);
    assert_int_equal(n->count, 1);
    n = nth_of(r.tree->root, 1);
    assert_int_equal(n->vkind, EC_VALUE_ARRAY);
    assert_int_equal(n->count, 2);
    parsed_free(&r);
}


static void
test_error_include_block(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "include {\n  x = 1\n}\nafter = 2\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:1:1: error: \"include\" takes a file or folder "
        "name, not a block");
    parsed_free(&r);
}


static void
test_error_missing_value(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a =\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:2:1: error: unexpected end of file: expected a "
        "value, '(' or '['");
    parsed_free(&r);
}


static void
test_error_in_list(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = ( x ( y ) )\n");
    assert_diag(&r, "t.conf:1:9: error: unexpected '(' in a list: expected "
        "a value or ')'");
    parsed_free(&r);

    PARSE(&r, "a = ( x\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:2:1: error: unexpected end of file in a list");
    parsed_free(&r);
}


static void
test_continues_after_error(void **state)
{
    parsed_t         r;
    const ec_node_t *n;

    (void) state;
    PARSE(&r, "a 1\nb = 2\nc = }\nd = 3\ne = 4\nf 5\n");
    assert_int_equal(r.diag.errors, 3);
    assert_int_equal(count_error_lines(&r), 3);
    assert_diag(&r, "t.conf:1:3: error: missing '=' between \"a\" and "
        "\"1\"");
    assert_diag(&r, "t.conf:3:5: error: unexpected '}': expected a value");
    assert_diag(&r, "t.conf:6:3: error: missing '=' between \"f\" and "
        "\"5\"");
    /* The statements after the errors are in the tree. */
    n = r.tree->root;
    while (n != NULL && strcmp(n->name.text, "d") != 0) {
        n = n->next;
    }
    assert_non_null(n);
    assert_string_equal(n->u.scalar.text, "3");
    parsed_free(&r);
}


/* "s {" n times, then n closing braces. */
static char *
nested_source(unsigned n, size_t *len)
{
    char    *src = malloc((size_t) n * 6 + 1);
    size_t   used = 0;
    unsigned i;

    assert_non_null(src);
    for (i = 0; i < n; i++) {
        memcpy(src + used, "s {\n", 4);
        used += 4;
    }
    for (i = 0; i < n; i++) {
        memcpy(src + used, "}\n", 2);
        used += 2;
    }
    src[used] = '\0';
    *len = used;
    return src;
}


static void
test_depth_limit(void **state)
{
    parsed_t r;
    size_t   len;
    char    *src;

    (void) state;
    src = nested_source(EC_PARSE_MAX_DEPTH, &len);
    parse_buffer(&r, src, len);
    assert_clean(&r);
    parsed_free(&r);
    free(src);

    src = nested_source(EC_PARSE_MAX_DEPTH + 1, &len);
    parse_buffer(&r, src, len);
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:65:1: error: scopes nested deeper than 64 "
        "levels");
    parsed_free(&r);
    free(src);
}


static void
test_error_cap(void **state)
{
    parsed_t r;
    char    *src;
    size_t   i, len = 0;

    (void) state;
    src = malloc(60 * 4 + 1);
    assert_non_null(src);
    for (i = 0; i < 60; i++) {
        memcpy(src + len, "a b\n", 4);
        len += 4;
    }
    parse_buffer(&r, src, len);
    /* Every error is counted, but only the first 50 are printed. */
    assert_int_equal(r.diag.errors, 60);
    assert_int_equal(r.diag.suppressed, 10);
    assert_int_equal(count_error_lines(&r), EC_DIAG_MAX_ERRORS);
    assert_diag(&r, "t.conf:50:3: error: missing '='");
    assert_no_diag(&r, "t.conf:51:3:");
    parsed_free(&r);
    free(src);
}


/* A scratch folder for the include tests. */
typedef struct scratch {
    char dir[64];
    char path[128];
} scratch_t;


static const char *
scratch_write(scratch_t *s, const char *name, const char *text)
{
    FILE *fp;

    snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, name);
    fp = fopen(s->path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return s->path;
}


static void
scratch_remove(scratch_t *s, const char *const *names)
{
    for (; *names != NULL; names++) {
        snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, *names);
        unlink(s->path);
    }
    rmdir(s->dir);
}


static void
test_include_nodes(void **state)
{
    static const char *const names[] = { "main.conf", "a.conf", "b.conf",
                                         NULL };
    scratch_t        s;
    parsed_t         r;
    const ec_node_t *n, *inner;
    char             main_path[128];

    (void) state;
    snprintf(s.dir, sizeof(s.dir), "/tmp/ecconf-test-XXXXXX");
    assert_non_null(mkdtemp(s.dir));
    scratch_write(&s, "a.conf", "x = 1\ninclude \"b.conf\"\n");
    scratch_write(&s, "b.conf", "y = 2\n");
    snprintf(main_path, sizeof(main_path), "%s",
        scratch_write(&s, "main.conf",
            "top = 0\nS {\n  include \"a.conf\"\n}\n"
            "readonly_include b.conf\n"));

    parse_file(&r, main_path);
    assert_non_null(r.tree);
    assert_clean(&r);
    assert_int_equal(r.tree->nfiles, 4);

    /* An include inside a scope becomes a child of that scope. */
    n = nth_of(r.tree->root, 1)->u.scope.children;
    assert_int_equal(n->kind, EC_NODE_INCLUDE);
    assert_int_equal(n->readonly, 0);
    assert_string_equal(n->key, "include");
    assert_at(&n->name, 3, 11);
    assert_int_equal(n->name.file, 0);
    assert_string_equal(ec_tree_file_path(r.tree, n->count),
        n->u.include.path->text);
    assert_non_null(strstr(n->u.include.path->text, "/a.conf"));
    assert_int_equal(r.tree->files[n->count].parent, 0);
    assert_int_equal(r.tree->files[n->count].parent_line, 3);

    /* Statements of the included file carry that file's index. */
    assert_string_equal(n->u.include.children->name.text, "x");
    assert_int_equal(n->u.include.children->name.file, n->count);
    assert_at(&n->u.include.children->name, 1, 1);
    inner = n->u.include.children->next;
    assert_int_equal(inner->kind, EC_NODE_INCLUDE);
    assert_string_equal(inner->u.include.children->name.text, "y");

    n = nth_of(r.tree->root, 2);
    assert_int_equal(n->kind, EC_NODE_INCLUDE);
    assert_int_equal(n->readonly, 1);
    assert_string_equal(n->key, "readonly_include");
    parsed_free(&r);
    scratch_remove(&s, names);
}


static void
test_include_cycle_chain(void **state)
{
    static const char *const names[] = { "a.conf", "b.conf", NULL };
    scratch_t s;
    parsed_t  r;
    char      a_path[128], want[512];

    (void) state;
    snprintf(s.dir, sizeof(s.dir), "/tmp/ecconf-test-XXXXXX");
    assert_non_null(mkdtemp(s.dir));
    snprintf(a_path, sizeof(a_path), "%s",
        scratch_write(&s, "a.conf", "include \"b.conf\"\n"));
    scratch_write(&s, "b.conf", "\n\ninclude \"a.conf\"\n");

    parse_file(&r, a_path);
    assert_int_equal(r.diag.errors, 1);
    snprintf(want, sizeof(want), "%s/b.conf:3:9: error: include cycle: "
        "%s -> %s/b.conf -> %s/a.conf\n", s.dir, a_path, s.dir, s.dir);
    assert_diag(&r, want);
    snprintf(want, sizeof(want), "  included from %s:1\n", a_path);
    assert_diag(&r, want);
    parsed_free(&r);
    scratch_remove(&s, names);
}


static void
test_include_missing(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = 1\n  include \"no/such/file.conf\"\nb = 2\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:2:11: error: include \"no/such/file.conf\" not "
        "found (looked for ./no/such/file.conf");
    assert_int_equal(count_nodes(r.tree->root), 2);
    parsed_free(&r);
}


/* Bison hides syntax errors until three tokens were shifted after the
 * last one; a bad value resumes at once, so each line gets its error. */
static void
test_errors_on_adjacent_lines(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "a = }\nb = }\nc = }\n");
    assert_int_equal(r.diag.errors, 3);
    assert_diag(&r, "t.conf:2:5: error: unexpected '}': expected a value");
    assert_diag(&r, "t.conf:3:5: error: unexpected '}': expected a value");
    parsed_free(&r);
}


/* A list inside a parameter block: one error that does not offer '(' as
 * a remedy, and no follow-on errors from the rest of the block. */
static void
test_list_in_hash_message(void **state)
{
    parsed_t r;

    (void) state;
    PARSE(&r, "h = [ k = ( a b ) ]\n");
    assert_int_equal(r.diag.errors, 1);
    assert_diag(&r, "t.conf:1:11: error: unexpected '('");
    assert_no_diag(&r, "expected a value, '(' or '['");
    parsed_free(&r);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_option_scalar),
        cmocka_unit_test(test_keys_fold_case),
        cmocka_unit_test(test_scope_anonymous),
        cmocka_unit_test(test_scope_named),
        cmocka_unit_test(test_nested_scopes),
        cmocka_unit_test(test_array_values),
        cmocka_unit_test(test_array_empty),
        cmocka_unit_test(test_hash_values),
        cmocka_unit_test(test_hash_repeated_key_warns),
        cmocka_unit_test(test_repeated_option_kept),
        cmocka_unit_test(test_one_line_stanza),
        cmocka_unit_test(test_error_missing_equals),
        cmocka_unit_test(test_error_stray_brace),
        cmocka_unit_test(test_error_unclosed_scope),
        cmocka_unit_test(test_error_scope_with_equals),
        cmocka_unit_test(test_error_block_without_equals),
        cmocka_unit_test(test_error_include_block),
        cmocka_unit_test(test_error_missing_value),
        cmocka_unit_test(test_error_in_list),
        cmocka_unit_test(test_continues_after_error),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_error_cap),
        cmocka_unit_test(test_include_nodes),
        cmocka_unit_test(test_include_cycle_chain),
        cmocka_unit_test(test_include_missing),
        cmocka_unit_test(test_errors_on_adjacent_lines),
        cmocka_unit_test(test_list_in_hash_message),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
