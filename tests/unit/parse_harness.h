/* ecconf: shared helpers of the scanner and parser unit tests: parse a
 * buffer or file with its diagnostics captured in memory, and check
 * what the diagnostics contain. Include after cmocka.h. */
#ifndef EC_TEST_PARSE_HARNESS_H
#define EC_TEST_PARSE_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/diag.h"
#include "runtime/load.h"

/* A parsed buffer or file and everything the diagnostics printed. */
typedef struct parsed {
    ec_tree_t  *tree;
    ec_diag_t   diag;
    char       *text;
    size_t      len;
} parsed_t;

/* Parse a string literal, which may contain NUL bytes. */
#define PARSE(r, lit) parse_buffer((r), (lit), sizeof(lit) - 1)


static inline void
parse_buffer(parsed_t *r, const char *src, size_t len)
{
    FILE *out;

    memset(r, 0, sizeof(*r));
    out = open_memstream(&r->text, &r->len);
    assert_non_null(out);
    ec_diag_init(&r->diag, out, NULL);
    r->tree = ec_load_buffer("t.conf", src, len, NULL, &r->diag);
    assert_non_null(r->tree);
    fclose(out);
}


static inline void
parse_file(parsed_t *r, const char *path)
{
    FILE *out;

    memset(r, 0, sizeof(*r));
    out = open_memstream(&r->text, &r->len);
    assert_non_null(out);
    ec_diag_init(&r->diag, out, NULL);
    r->tree = ec_load_file(path, NULL, &r->diag);
    fclose(out);
}


static inline void
parsed_free(parsed_t *r)
{
    ec_tree_free(r->tree);
    free(r->text);
}


static inline void
assert_diag(const parsed_t *r, const char *want)
{
    if (strstr(r->text, want) == NULL) {
        fail_msg("expected \"%s\" in the diagnostics:\n%s", want, r->text);
    }
}


static inline void
assert_no_diag(const parsed_t *r, const char *unwanted)
{
    if (strstr(r->text, unwanted) != NULL) {
        fail_msg("did not expect \"%s\" in the diagnostics:\n%s", unwanted,
            r->text);
    }
}


static inline void
assert_clean(const parsed_t *r)
{
    if (r->diag.errors != 0 || r->diag.warnings != 0) {
        fail_msg("expected no diagnostics, got:\n%s", r->text);
    }
}


/* The n-th statement (from 0) of a list; fails when there are fewer. */
static inline const ec_node_t *
nth_of(const ec_node_t *node, unsigned n)
{
    while (node != NULL && n-- > 0) {
        node = node->next;
    }
    assert_non_null(node);
    return node;
}


static inline unsigned
count_nodes(const ec_node_t *n)
{
    unsigned count = 0;

    for (; n != NULL; n = n->next) {
        count++;
    }
    return count;
}

#endif
