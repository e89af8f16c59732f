/* ecconf: declarations shared by the files of the compiler. Only
 * runtime/compile*.c and runtime/effective.c include this. */
#ifndef EC_COMPILE_INT_H
#define EC_COMPILE_INT_H

#include "runtime/compile.h"

/* Map from a pointer to a 32-bit value. Clearing bumps a generation
 * number, so one map serves every scope of a walk without a memset. */
typedef struct ec_ptrmap {
    const void    **keys;
    uint32_t       *vals;
    uint32_t       *gens;
    uint32_t        cap;        /* power of two */
    uint32_t        used;
    uint32_t        gen;
} ec_ptrmap_t;

void        ec_ptrmap_clear(ec_ptrmap_t *m);
void        ec_ptrmap_free(ec_ptrmap_t *m);
/* Returns the slot value of key, inserting val when it is absent and
 * setting *found. */
uint32_t   *ec_ptrmap_put(ec_ptrmap_t *m, const void *key, uint32_t val,
                int *found);
uint32_t   *ec_ptrmap_get(const ec_ptrmap_t *m, const void *key);

/* Growable array of pointers, malloc'd. */
typedef struct ec_ptrvec {
    const void    **items;
    uint32_t        n;
    uint32_t        cap;
} ec_ptrvec_t;

void        ec_ptrvec_push(ec_ptrvec_t *v, const void *p);
void        ec_ptrvec_free(ec_ptrvec_t *v);

/* One option statement of the scope being checked. */
typedef struct ec_crec {
    const ec_node_t    *node;
    const ec_option_t  *row;        /* NULL when unknown or unchecked */
} ec_crec_t;

/* The child scopes of one scope instance, grouped into instances. */
typedef struct ec_kids {
    struct ec_kid_pair *pairs;      /* (first, later) sorted by first */
    size_t              npairs;
    const ec_node_t   **later;      /* every later declaration, sorted */
    uint32_t            counts[EC_SCOPE__CORE_COUNT];  /* instances */
} ec_kids_t;

typedef struct ec_kid_pair {
    const ec_node_t    *first;
    const ec_node_t    *later;
    size_t              seq;
} ec_kid_pair_t;

#define EC_CACHE_SIZE 256

typedef struct ec_cache_entry {
    const ec_scope_t   *scope;
    const char         *key;
    const void         *row;
    int                 what;
} ec_cache_entry_t;

/* The state of one compilation. */
typedef struct ec_cctx {
    ec_compiled_t      *c;
    const ec_tree_t    *tree;
    const ec_compile_options_t *opts;
    ec_diag_t          *diag;
    const char         *search_path;
    ec_cache_entry_t    cache[EC_CACHE_SIZE];

    /* Declarations of the top level, read before the walk. */
    ec_ptrvec_t         modules;        /* ec_module_t, declared */
    ec_ptrvec_t         noted;          /* ec_module_t, noted unchecked */
    ec_ptrvec_t         pools;          /* ThreadPool instance names */
    ec_ptrvec_t         ds_schemes;     /* auth_ds Scheme names */
    ec_ptrvec_t         lua_schemes;    /* msys.registerAuth literals */
    int                 lua_dynamic;    /* a registerAuth call whose name
                                         * is not a literal */
    ec_ptrvec_t         one_name;       /* first stanza node of each
                                         * EC_MOD_ONE_NAME module */

    /* Scratch for the option statements of one scope. */
    ec_crec_t          *recs;
    uint32_t            nrecs;
    uint32_t            recs_cap;
    uint32_t            nscopes;        /* scope statements seen with
                                         * them */
    ec_ptrmap_t         seen;

    /* Collected during the walk for the checks that follow it. */
    ec_ptrvec_t         params;         /* Auth*Parameters in ESMTP
                                         * listeners */
    ec_ptrvec_t         pathway_refs;   /* pathway = "NAME" statements */
    ec_ptrvec_t         pathways;       /* ec_pathway_t */
    ec_uribind_t       *binds;
    uint32_t            nbinds;
    uint32_t            binds_cap;
    ec_cscript_t       *scripts;
    uint32_t            nscripts;
    uint32_t            scripts_cap;

    /* Rows the checks look for. */
    const ec_scope_t   *listen_scope;
    const ec_scope_t   *peer_scope;
    const ec_option_t  *row_smtp_ext;
    const ec_option_t  *row_use_ssl;
    const ec_option_t  *row_pool_name;
    const ec_option_t  *row_pathway;
    const ec_option_t  *row_enable_auth;
    const ec_option_t  *row_auth[4];    /* LOGIN, PLAIN, CRAM-MD5,
                                         * DIGEST-MD5 */
} ec_cctx_t;

/* Mechanisms in the order of ec_cctx_t.row_auth. */
enum { EC_MECH_IDX_LOGIN, EC_MECH_IDX_PLAIN, EC_MECH_IDX_CRAM,
       EC_MECH_IDX_DIGEST, EC_MECH_IDX_COUNT };
extern const char *const ec_compile_mech_names[EC_MECH_IDX_COUNT];

/* compile.c */
const ec_scope_t   *ec_cctx_scope(ec_cctx_t *cx, const ec_scope_t *parent,
                        const ec_node_t *n);
const ec_option_t  *ec_cctx_option(ec_cctx_t *cx, const ec_scope_t *scope,
                        const ec_node_t *n);
int     ec_cctx_capped(const ec_cctx_t *cx);
void    ec_cctx_where(const ec_scope_t *kind, char *buf, size_t len);
void    ec_compile_peer_fill(ec_cctx_t *cx, ec_peer_t *p,
            const ec_cscope_t *s);
size_t  ec_compile_suggest(const char *name, size_t len,
            const char *const *cands, size_t ncands, const char **best);

/* compile_group.c */
void    ec_kids_group(ec_cctx_t *cx, const ec_scope_t *kind,
            const ec_cscope_t *s, ec_kids_t *kids);
/* Calls fn once per child scope instance, with the later declarations
 * attached; unknown scope names are passed with child kind NULL. */
typedef void (*ec_kid_fn)(void *arg, const ec_scope_t *kind,
            const ec_cscope_t *child);
void    ec_kids_each(ec_cctx_t *cx, const ec_scope_t *kind,
            const ec_cscope_t *s, const ec_kids_t *kids, ec_kid_fn fn,
            void *arg);
void    ec_kids_free(ec_kids_t *kids);
void    ec_scope_instance(const ec_node_t *n, const ec_scope_t *kind,
            const char **text, size_t *len);
/* Collects the option statements of s into cx->recs, warns about
 * repeated ones and, when index is not NULL, fills it (in c's arena). */
void    ec_options_collect(ec_cctx_t *cx, const ec_scope_t *kind,
            const ec_cscope_t *s, ec_cindex_t *index);

/* compile_auth.c */
void    ec_auth_prepass(ec_cctx_t *cx);
void    ec_auth_bind(ec_cctx_t *cx, const ec_node_t *param,
            const ec_option_t *row);

/* compile_listener.c */
void    ec_listener_checks(ec_cctx_t *cx);
void    ec_listener_pool(ec_cctx_t *cx, const ec_node_t *n);
/* effective.c: the most specific pathway scope named name, or NULL. */
const ec_pathway_t *ec_pathway_find(const ec_compiled_t *c,
            const char *name);

#endif
