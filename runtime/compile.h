/* ecconf: the compiler from a syntax tree to a checked configuration.
 *
 * ec_compile() checks every statement against the module table and
 * merges scope instances declared more than once. It binds each auth URI
 * to the scheme of a declared module, checks the Lua scripts of
 * scriptlet, and keeps the scopes that effective values read
 * (effective.h).
 * The compiled form points into the tree, so the tree must outlive it. */
#ifndef EC_COMPILE_H
#define EC_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "grammar/ast.h"
#include "runtime/arena.h"
#include "runtime/diag.h"
#include "runtime/table.h"

typedef struct ec_compile_options {
    int         strict;         /* a password file or Lua source that
                                 * cannot be read is an error, not a
                                 * warning (ecconfd sets it) */
    int         skip_files;     /* read no password file or Lua script */
    int         endpoints;      /* keep an ec_peer_t for every Peer, as
                                 * the runtime and the effective dump need;
                                 * without it ec_listen_t.peers and
                                 * ec_listener_t.peers stay NULL, which
                                 * keeps a check of a file with many
                                 * Peers small */
    const char *search_path;    /* ':'-separated folders for Lua sources,
                                 * after the config file's folder; NULL
                                 * reads EC_CONF_SEARCH_PATH */
} ec_compile_options_t;

/* One scope instance. A scope written twice with the same name and
 * instance name is one instance: node is the first declaration and more
 * lists the later ones in file order. */
typedef struct ec_cscope {
    const ec_node_t        *node;   /* NULL for the top level */
    const ec_node_t *const *more;   /* NULL-terminated, or NULL */
} ec_cscope_t;

/* The value an option has in one scope instance: the last assignment. */
typedef struct ec_copt {
    const ec_option_t  *row;
    const ec_node_t    *node;
} ec_copt_t;

/* Options of a scope instance that the fallback chain reads often. */
typedef struct ec_cindex {
    ec_copt_t          *opts;
    uint32_t            nopts;
} ec_cindex_t;

typedef struct ec_peer {
    ec_cscope_t         scope;
    uint8_t             family;     /* AF_INET or AF_INET6 */
    uint8_t             bits;       /* prefix length */
    uint8_t             addr[16];   /* network byte order */
} ec_peer_t;

typedef struct ec_listener ec_listener_t;

typedef struct ec_listen {
    ec_cscope_t         scope;
    const ec_listener_t *listener;
    ec_cindex_t         index;
    ec_peer_t          *peers;      /* see ec_compile_options_t */
    uint32_t            npeers;
} ec_listen_t;

struct ec_listener {
    const ec_scope_t   *kind;       /* ESMTP_Listener, HTTP_Listener... */
    ec_cscope_t         scope;
    ec_cindex_t         index;
    ec_listen_t        *listens;
    uint32_t            nlistens;
    ec_peer_t          *peers;      /* Peer scopes outside any Listen */
    uint32_t            npeers;
};

/* A Pathway, a Pathway_Group, or a Pathway inside a Pathway_Group. */
typedef struct ec_pathway {
    const char         *name;
    ec_cscope_t         scope;
    ec_cindex_t         index;
    const struct ec_pathway *group; /* enclosing Pathway_Group, or NULL */
    uint8_t             is_group;
} ec_pathway_t;

/* How a uri found its scheme. */
typedef enum {
    EC_BIND_CORE = 1,           /* file://, digest://, groups:// */
    EC_BIND_MODULE,             /* a declared module: ac_auth://, ... */
    EC_BIND_AUTH_DS,            /* auth_ds Scheme "NAME" */
    EC_BIND_LUA,                /* msys.registerAuth in a script */
    EC_BIND_UNKNOWN             /* accepted with a warning (see docs) */
} ec_bind_kind_t;

/* One uri of an Auth*Parameters or AuthorizationParameters hash. */
typedef struct ec_uribind {
    const ec_node_t    *param;      /* the Auth*Parameters statement */
    const ec_scalar_t  *uri;
    const ec_scheme_t  *scheme;     /* table row, NULL for auth_ds, Lua */
    const ec_module_t  *module;     /* registering module, NULL for core */
    const char         *path;       /* store file of a path scheme; a
                                     * relative one is joined to the
                                     * folder of the file with the uri */
    uint8_t             kind;       /* ec_bind_kind_t */
} ec_uribind_t;

/* A script of scriptlet, resolved to a file. */
typedef struct ec_cscript {
    const char         *name;
    const char         *path;       /* NULL for a built-in or a source
                                     * that was not found */
    const ec_scalar_t  *source;
} ec_cscript_t;

typedef struct ec_compiled {
    const ec_tree_t    *tree;
    ec_arena_t          arena;
    ec_cindex_t         global;
    ec_listener_t      *listeners;
    uint32_t            nlisteners;
    ec_pathway_t      **pathways;
    uint32_t            npathways;
    ec_uribind_t       *binds;
    uint32_t            nbinds;
    ec_cscript_t       *scripts;
    uint32_t            nscripts;
} ec_compiled_t;

/* Check tree and build its compiled form. Every problem goes to diag.
 * Returns 0 when no error was reported, else -1; *out is set either
 * way (a form with errors is only good for more diagnostics) and must be
 * freed with ec_compiled_free(). */
int     ec_compile(const ec_tree_t *tree, const ec_compile_options_t *opts,
            ec_diag_t *diag, ec_compiled_t **out);

void    ec_compiled_free(ec_compiled_t *c);

/* Call fn for each statement of a scope instance in file order, across
 * its declarations and through include nodes. */
typedef void (*ec_stmt_fn)(void *arg, const ec_node_t *stmt);

void    ec_cscope_each(const ec_compiled_t *c, const ec_cscope_t *s,
            ec_stmt_fn fn, void *arg);

/* The last statement of s that sets the option row, or NULL. */
const ec_node_t *ec_cscope_find(const ec_compiled_t *c,
            const ec_cscope_t *s, const ec_option_t *row);

/* The table's documented spelling of a lowercase name, for
 * ec_dump_set_spelling(): NULL when the table records no case for it
 * (the generated option rows are all lowercase), so the dump keeps the
 * file's own spelling. */
const char *ec_compile_spelling(const char *key, int scope);

#endif
