/* ecconf: read a configuration file and its includes into a syntax tree. */
#ifndef EC_LOAD_H
#define EC_LOAD_H

#include "grammar/ast.h"
#include "runtime/diag.h"

typedef struct ec_load_options {
    const char *search_path;    /* ':'-separated; NULL reads
                                 * EC_CONF_SEARCH_PATH from the environment */
    unsigned    max_depth;      /* scope nesting limit, 0 for the default */
} ec_load_options_t;

/* Parse path and every file it includes. Errors go to diag (which gets
 * the tree attached). Returns the tree, or NULL when the main file could
 * not be read at all; a tree with diag->errors > 0 must not be used for
 * anything but more diagnostics. */
ec_tree_t  *ec_load_file(const char *path, const ec_load_options_t *opts,
                ec_diag_t *diag);

/* Parse a buffer as if it were a file named name (includes resolve
 * against the current directory). */
ec_tree_t  *ec_load_buffer(const char *name, const char *data, size_t len,
                const ec_load_options_t *opts, ec_diag_t *diag);

void        ec_tree_free(ec_tree_t *tree);

/* The folder of file index f, for resolving relative paths the way an
 * include does (e.g. password files, Lua sources). */
const char *ec_tree_file_path(const ec_tree_t *tree, unsigned f);

#endif
