/* ecconf: helpers that read option values straight from the syntax tree
 * for rtconf.
 *
 * TODO: switch to the compiled configuration once the module table and
 * compiler exist; these readers know only the options ecconfd uses. */
#ifndef EC_RTCONF_TREE_H
#define EC_RTCONF_TREE_H

#include "grammar/ast.h"

/* A chain of scopes, most specific first; a lookup takes the first scope
 * that sets the option. Entries may be NULL (an absent scope). */
typedef struct ec_rtchain {
    const ec_node_t *scopes[8];
    unsigned         n;
} ec_rtchain_t;

/* The last option statement named key (lowercase) in a scope's children,
 * looking through included files. */
const ec_node_t *ec_rttree_option(const ec_node_t *children,
                    const char *key);
const ec_node_t *ec_rtchain_option(const ec_rtchain_t *c, const char *key);

/* Visit every scope statement named key, through includes. */
typedef void (*ec_rttree_visit_fn)(const ec_node_t *scope, void *arg);
void        ec_rttree_scopes(const ec_node_t *children, const char *key,
                ec_rttree_visit_fn fn, void *arg);

/* Value readers: return def when the option is absent, a scalar that
 * does not parse, or not a scalar. Validation with diagnostics happens in
 * rtconf.c. */
int         ec_rtchain_bool(const ec_rtchain_t *c, const char *key, int def);
long long   ec_rtchain_int(const ec_rtchain_t *c, const char *key,
                long long def);
const char *ec_rtchain_string(const ec_rtchain_t *c, const char *key,
                const char *def);

/* Parse a boolean word (true/false, yes/no, on/off, enabled/disabled,
 * 1/0, any case). Returns 0 or 1, or -1 for any other word. */
int         ec_rttree_parse_bool(const char *text);
int         ec_rttree_parse_int(const char *text, long long *out);

/* The default (as text, may be NULL) and the range of option key in the
 * module table's scope scope_id ("scriptlet"). Returns 0, or -1 when the
 * table has no such option. */
int         ec_rttree_table_range(const char *scope_id, const char *key,
                const char **dflt, long long *min, long long *max);

/* The value of key in a hash option, or NULL. */
const ec_scalar_t *ec_rttree_hash_get(const ec_node_t *opt,
                    const char *key);

#endif
