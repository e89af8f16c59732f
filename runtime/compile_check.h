/* ecconf: the checks of ecconf --check for code that needs no more than
 * their verdict (ecconfd before it builds a configuration). */
#ifndef EC_COMPILE_CHECK_H
#define EC_COMPILE_CHECK_H

#include "grammar/ast.h"
#include "runtime/diag.h"

/* Compile tree against the module table and report to diag. With strict,
 * a password file or Lua source that cannot be read is an error. Returns
 * 0 when there were no errors, else -1. */
int     ec_compile_check(const ec_tree_t *tree, int strict, ec_diag_t *diag);

#endif
