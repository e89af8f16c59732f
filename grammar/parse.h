/* ecconf: state shared by the scanner and the parser of one file. */
#ifndef EC_PARSE_H
#define EC_PARSE_H

#include <stdint.h>
#include <stdio.h>

#include "grammar/ast.h"
#include "runtime/diag.h"

/* Limits that keep hostile input within bounded time, stack and memory. */
#define EC_PARSE_MAX_DEPTH      64          /* nested scopes */
#define EC_PARSE_MAX_TOKEN      65536       /* bytes in one word or string */
#define EC_PARSE_MAX_INCLUDES   32          /* include chain length */

typedef struct ec_loc {
    uint32_t line;
    uint32_t col;
} ec_loc_t;

typedef struct ec_open_scope {
    ec_scalar_t name;
} ec_open_scope_t;

struct ec_load_ctx;

typedef struct ec_parse {
    ec_tree_t          *tree;
    ec_diag_t          *diag;
    struct ec_load_ctx *load;
    uint16_t            file;

    /* input: a stream or a memory buffer */
    FILE               *fp;
    const char         *buf;
    size_t              buflen;
    size_t              bufpos;
    int                 started;    /* first chunk read (BOM check) */
    int                 nul_seen;   /* input stopped at a NUL byte */
    int                 lex_fatal;  /* the scanner gave up at an error it
                                     * reported; no syntax error follows */

    /* position of the next byte the scanner reads */
    uint32_t            line;
    uint32_t            col;

    /* growable scratch for the array or hash being parsed; these never
     * nest, so one of each per file is enough */
    ec_scalar_t        *items;
    size_t              nitems;
    size_t              items_cap;
    ec_pair_t          *pairs;
    size_t              npairs;
    size_t              pairs_cap;

    /* scopes open at this point, for "not closed" messages */
    ec_open_scope_t    *open;
    unsigned            depth;
    unsigned            open_cap;

    /* the most recent token, for error messages */
    int                 last_token;
    ec_scalar_t         last_scalar;
    ec_scalar_t         prev_scalar;    /* the scalar before last_scalar */

    void               *scanner;
} ec_parse_t;

/* Provided by the loader: parse the target of an include directive and
 * return the nodes to splice in (one EC_NODE_INCLUDE per file read). */
ec_node_t  *ec_load_include(ec_parse_t *p, const ec_scalar_t *path,
                int readonly, uint32_t line, uint32_t col);

/* Run the scanner and parser over p's input; the statements end up in
 * *out. Returns 0, or -1 when parsing stopped early. */
int         ec_parse_run(ec_parse_t *p, ec_node_t **out);

#endif
