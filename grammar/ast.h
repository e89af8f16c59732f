/* ecconf: syntax tree of an ecelerity.conf and everything it includes. */
#ifndef EC_AST_H
#define EC_AST_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/arena.h"
#include "runtime/intern.h"

/* A scalar as written: a quoted string (escapes already decoded) or a
 * bare word. text is NUL-terminated but may contain NUL bytes only if it
 * came from an escape, which the lexer does not produce. */
typedef struct ec_scalar {
    const char     *text;
    uint32_t        len;
    uint32_t        line;
    uint32_t        col;
    uint16_t        file;       /* index into ec_tree_t.files */
    uint8_t         quoted;
} ec_scalar_t;

typedef struct ec_pair {
    ec_scalar_t     key;
    ec_scalar_t     value;
} ec_pair_t;

typedef enum {
    EC_NODE_OPTION = 1,         /* name = value */
    EC_NODE_SCOPE,              /* name [instance] { children } */
    EC_NODE_INCLUDE             /* one file read by include "x"; a folder
                                 * include gives one node per file */
} ec_node_kind_t;

typedef enum {
    EC_VALUE_SCALAR = 1,
    EC_VALUE_ARRAY,             /* ( a b c ) */
    EC_VALUE_HASH               /* [ k = v ... ] */
} ec_value_kind_t;

typedef struct ec_node ec_node_t;

struct ec_node {
    ec_node_t      *next;
    ec_scalar_t     name;       /* as written; name.text is interned */
    const char     *key;        /* lowercase interned name: two names are
                                 * equal (case-insensitively) exactly when
                                 * their key pointers are equal */
    uint8_t         kind;       /* ec_node_kind_t */
    uint8_t         vkind;      /* ec_value_kind_t, options only */
    uint8_t         readonly;   /* include: readonly_include */
    uint32_t        count;      /* array or hash items; for an include,
                                 * the index of the file it read */
    union {
        ec_scalar_t scalar;
        ec_scalar_t *items;     /* array: count items */
        ec_pair_t  *pairs;      /* hash: count pairs */
        struct {
            const ec_scalar_t *instance;    /* NULL when anonymous */
            ec_node_t  *children;
        } scope;
        struct {
            const ec_scalar_t *path;        /* the file read */
            ec_node_t  *children;   /* statements of that file */
        } include;
    } u;
};

/* One source file that took part in the load. */
typedef struct ec_file {
    const char     *path;       /* as opened */
    const char     *data;       /* source text when parsed from memory */
    size_t          len;
    uint16_t        parent;     /* file that included it, or itself */
    uint32_t        parent_line;
} ec_file_t;

typedef struct ec_tree {
    ec_arena_t      arena;
    ec_intern_t     names;
    ec_node_t      *root;       /* first top-level statement */
    ec_file_t      *files;
    uint32_t        nfiles;
    uint32_t        files_cap;
} ec_tree_t;

#endif
