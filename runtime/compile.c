/* ecconf: the compiler's walk: every statement checked against the module
 * table in its scope, scope instances merged, listeners collected. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "runtime/compile_check.h"
#include "runtime/compile_int.h"

const char *const ec_compile_mech_names[EC_MECH_IDX_COUNT] = {
    "LOGIN", "PLAIN", "CRAM-MD5", "DIGEST-MD5"
};

/* Where the walk is: the listener, Listen and Pathway_Group being filled,
 * and the next free slot of each array. */
typedef struct ec_frame {
    ec_cctx_t          *cx;
    const ec_scope_t   *kind;
    ec_listener_t      *listener;
    ec_listen_t        *listen;
    const ec_pathway_t *group;
    int                 esmtp;          /* inside an ESMTP_Listener */
} ec_frame_t;

static void ec_compile_scope(ec_frame_t *f, const ec_cscope_t *s,
                ec_cindex_t *index);


static uint32_t
ec_cache_slot(const ec_scope_t *scope, const char *key, int what)
{
    uintptr_t h = (uintptr_t) scope * 31u + (uintptr_t) key * 17u
                  + (uintptr_t) what;

    h ^= h >> 17;
    h *= 0x9e3779b9u;
    return (uint32_t) (h >> 7) & (EC_CACHE_SIZE - 1);
}


/* Table lookups cached by interned key pointer: a large file repeats a
 * few names in thousands of scopes. */
static const void *
ec_cctx_lookup(ec_cctx_t *cx, const ec_scope_t *scope, const ec_node_t *n,
    int what)
{
    ec_cache_entry_t *e = &cx->cache[ec_cache_slot(scope, n->key, what)];

    if (e->scope == scope && e->key == n->key && e->what == what) {
        return e->row;
    }
    e->scope = scope;
    e->key = n->key;
    e->what = what;
    if (what == EC_NODE_SCOPE) {
        e->row = ec_table_find_scope(scope, n->key, strlen(n->key));
    } else {
        e->row = ec_table_find_option(scope, n->key, strlen(n->key));
    }
    return e->row;
}


/* The kind of a scope statement inside parent; anything inside an open
 * scope that the table does not know is an open scope too. */
const ec_scope_t *
ec_cctx_scope(ec_cctx_t *cx, const ec_scope_t *parent, const ec_node_t *n)
{
    const ec_scope_t *k = ec_cctx_lookup(cx, parent, n, EC_NODE_SCOPE);

    if (k == NULL && (parent->flags & EC_SCOPE_OPEN)) {
        return ec_table_open_scope();
    }
    return k;
}


const ec_option_t *
ec_cctx_option(ec_cctx_t *cx, const ec_scope_t *scope, const ec_node_t *n)
{
    return ec_cctx_lookup(cx, scope, n, EC_NODE_OPTION);
}


/* Past the error cap nothing is printed, so suggestions are not worth
 * computing. */
int
ec_cctx_capped(const ec_cctx_t *cx)
{
    return cx->diag->errors >= cx->diag->max_errors;
}


void
ec_cctx_where(const ec_scope_t *kind, char *buf, size_t len)
{
    if (kind->core == EC_SCOPE_GLOBAL) {
        snprintf(buf, len, "at global scope");
    } else {
        snprintf(buf, len, "in %s", kind->name);
    }
}


static size_t
ec_distance(const char *a, size_t la, const char *b, size_t lb)
{
    enum { MAXLEN = 64 };
    size_t d[MAXLEN][MAXLEN], i, j;

    if (la >= MAXLEN || lb >= MAXLEN) {
        return SIZE_MAX;
    }
    for (i = 0; i <= la; i++) {
        d[i][0] = i;
    }
    for (j = 0; j <= lb; j++) {
        d[0][j] = j;
    }
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            size_t best = d[i - 1][j - 1]
                + (tolower((unsigned char) a[i - 1])
                   != tolower((unsigned char) b[j - 1]));

            if (d[i - 1][j] + 1 < best) {
                best = d[i - 1][j] + 1;
            }
            if (d[i][j - 1] + 1 < best) {
                best = d[i][j - 1] + 1;
            }
            d[i][j] = best;
        }
    }
    return d[la][lb];
}


/* The candidate closest to name (case-insensitive edit distance, at most
 * a third of the length and at least 1); returns 1 when there is one.
 * For lists the module table cannot search: hash keys, schemes, pools. */
size_t
ec_compile_suggest(const char *name, size_t len, const char *const *cands,
    size_t ncands, const char **best)
{
    size_t i, d, limit = len / 3 > 1 ? len / 3 : 1, found = SIZE_MAX;

    *best = NULL;
    for (i = 0; i < ncands; i++) {
        d = ec_distance(name, len, cands[i], strlen(cands[i]));
        if (d > 0 && d <= limit && d < found) {
            found = d;
            *best = cands[i];
        }
    }
    return *best != NULL;
}


/* "unknown option", "is not valid here; did you mean", or "belongs in".
 * A name that is legal elsewhere and also near a legal name here gets
 * both, because either mistake is likely: "Enabled" in a Listen is a
 * misspelled Enable, Idle_Time at global scope a misplaced option. */
static void
ec_report_unknown(ec_cctx_t *cx, const ec_scope_t *kind, const ec_node_t *n)
{
    const char *what = n->kind == EC_NODE_SCOPE ? "scope" : "option";
    const char *close[1];
    char        where[160], places[512];
    int         elsewhere;
    size_t      nclose;

    ec_cctx_where(kind, where, sizeof(where));
    if (ec_cctx_capped(cx)) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &n->name, "unknown %s",
                       what);
        return;
    }
    elsewhere = ec_table_format_where(n->name.text, n->name.len, places,
                                      sizeof(places)) == 0;
    nclose = ec_table_suggest(kind, n->name.text, n->name.len, close, 1);
    if (nclose > 0 && elsewhere) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &n->name,
            "\"%s\" is not valid %s; did you mean \"%s\"? (\"%s\" belongs "
            "in %s)", n->name.text, where, close[0], n->name.text, places);
    } else if (nclose > 0) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &n->name,
            "unknown %s \"%s\" %s; did you mean \"%s\"?", what,
            n->name.text, where, close[0]);
    } else if (elsewhere) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &n->name,
            "\"%s\" is not valid %s; it belongs in %s", n->name.text,
            where, places);
    } else {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &n->name,
            "unknown %s \"%s\" %s", what, n->name.text, where);
    }
}


static void
ec_check_scalar(ec_cctx_t *cx, const ec_option_t *row, const ec_scalar_t *v)
{
    char why[512];

    if (ec_table_check_value(row, v->text, v->len, why, sizeof(why)) != 0) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, v, "%s", why);
    }
}


static void
ec_check_key(ec_cctx_t *cx, const ec_option_t *row, const ec_node_t *n,
    const ec_pair_t *p)
{
    const ec_option_t *key = ec_table_find_key(row, p->key.text,
                                               p->key.len);
    const char        *names[32], *best;
    size_t             i;

    if (key != NULL) {
        ec_check_scalar(cx, key, &p->value);
        return;
    }
    if (row->flags & EC_OPT_OPEN_KEYS) {
        return;
    }
    for (i = 0; i < row->nkeys && i < 32; i++) {
        names[i] = row->keys[i].name;
    }
    if (ec_compile_suggest(p->key.text, p->key.len, names, i, &best)) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &p->key,
            "unknown key \"%s\" in %s; did you mean \"%s\"?", p->key.text,
            n->name.text, best);
    } else {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &p->key,
            "unknown key \"%s\" in %s", p->key.text, n->name.text);
    }
}


static void
ec_check_hash(ec_cctx_t *cx, const ec_option_t *row, const ec_node_t *n)
{
    uint32_t i, k;

    for (i = 0; i < n->count; i++) {
        ec_check_key(cx, row, n, &n->u.pairs[i]);
    }
    for (k = 0; k < row->nkeys; k++) {
        const ec_option_t *key = &row->keys[k];

        if (!(key->flags & EC_OPT_REQUIRED)) {
            continue;
        }
        for (i = 0; i < n->count; i++) {
            if (strcasecmp(n->u.pairs[i].key.text, key->name) == 0) {
                break;
            }
        }
        if (i == n->count) {
            ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &n->name,
                "%s has no \"%s\" key: add %s = \"...\"%s", n->name.text,
                key->name, key->name, strcmp(key->name, "uri") == 0
                ? ", e.g. uri = \"file:///etc/momentum/passwd\"" : "");
        }
    }
}


/* The value's shape (one value, a list or a hash) against the row's, then
 * each value. A single value where a list is expected is a list of one. */
static void
ec_check_value(ec_cctx_t *cx, const ec_option_t *row, const ec_node_t *n)
{
    uint32_t i;
    int      hash = row->type == EC_TYPE_HASH, any = row->type == EC_TYPE_ANY;

    if (n->vkind == EC_VALUE_HASH && !hash && !any) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &n->name,
            "\"%s\" takes %s, not a hash [ key = value ]", n->name.text,
            (row->flags & EC_OPT_ARRAY) ? "a list ( ... )" : "one value");
    } else if (n->vkind != EC_VALUE_HASH && hash) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &n->name,
            "\"%s\" takes a hash: %s = [ key = value ... ]", n->name.text,
            n->name.text);
    } else if (n->vkind == EC_VALUE_ARRAY && !(row->flags & EC_OPT_ARRAY)
               && !any) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &n->name,
            "\"%s\" takes one value, not a list ( ... )", n->name.text);
    } else if (n->vkind == EC_VALUE_HASH) {
        if (hash) {
            ec_check_hash(cx, row, n);
        }
    } else if (n->vkind == EC_VALUE_ARRAY) {
        for (i = 0; i < n->count; i++) {
            ec_check_scalar(cx, row, &n->u.items[i]);
        }
    } else {
        ec_check_scalar(cx, row, &n->u.scalar);
    }
}


/* Checks that need more than the row: auth URIs, pools, pathways. */
static void
ec_option_hooks(ec_frame_t *f, const ec_option_t *row, const ec_node_t *n)
{
    ec_cctx_t *cx = f->cx;
    int        i;

    if (row->type == EC_TYPE_HASH && n->vkind == EC_VALUE_HASH
        && ec_table_find_key(row, "uri", 3) != NULL) {
        ec_auth_bind(cx, n, row);
    }
    for (i = 0; i < EC_MECH_IDX_COUNT; i++) {
        if (row == cx->row_auth[i] && f->esmtp
            && n->vkind == EC_VALUE_HASH) {
            ec_ptrvec_push(&cx->params, n);
        }
    }
    if (row == cx->row_pool_name && n->vkind == EC_VALUE_SCALAR) {
        ec_listener_pool(cx, n);
    }
    if (row == cx->row_pathway && n->vkind == EC_VALUE_SCALAR) {
        ec_ptrvec_push(&cx->pathway_refs, n);
    }
}


static void
ec_check_options(ec_frame_t *f, const ec_scope_t *kind)
{
    ec_cctx_t *cx = f->cx;
    uint32_t   i, n = cx->nrecs;

    for (i = 0; i < n; i++) {
        const ec_node_t   *node = cx->recs[i].node;
        const ec_option_t *row = cx->recs[i].row;

        if (row == NULL) {
            if (!(kind->flags & EC_SCOPE_OPEN)) {
                ec_report_unknown(cx, kind, node);
            }
            continue;
        }
        ec_check_value(cx, row, node);
        ec_option_hooks(f, row, node);
    }
}


static int
ec_vec_has(const ec_ptrvec_t *v, const void *p)
{
    uint32_t i;

    for (i = 0; i < v->n; i++) {
        if (v->items[i] == p) {
            return 1;
        }
    }
    return 0;
}


/* Naming, instance value, one note per unchecked module, and one
 * instance name per EC_MOD_ONE_NAME module. */
static void
ec_check_scope_head(ec_cctx_t *cx, const ec_scope_t *kind,
    const ec_node_t *n)
{
    const ec_scalar_t *inst = n->u.scope.instance;
    char               why[512];

    if (inst != NULL && kind->naming == EC_NAMING_ANON) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, inst,
            "%s takes no instance name: write %s { ... }", kind->name,
            kind->name);
    } else if (inst == NULL && kind->naming == EC_NAMING_NAMED) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &n->name,
            "%s needs an instance name: write %s \"NAME\" { ... }",
            kind->name, kind->name);
    } else if (inst != NULL
               && ec_table_check_instance(kind, inst->text, inst->len, why,
                                          sizeof(why)) != 0) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, inst, "%s", why);
    }
    if (kind->module != NULL && (kind->flags & EC_SCOPE_MODULE)
        && !(kind->module->flags & EC_MOD_CHECKED)
        && !ec_vec_has(&cx->noted, kind->module)) {
        ec_ptrvec_push(&cx->noted, kind->module);
        ec_diag_scalar(cx->diag, EC_DIAG_NOTE, &n->name,
            "the options of module \"%s\" are not checked: ecconf accepts "
            "any statement in its stanza", kind->module->name);
    }
}


static void
ec_check_one_name(ec_cctx_t *cx, const ec_scope_t *kind, const ec_node_t *n)
{
    const ec_node_t *first = NULL;
    const char      *a, *b;
    size_t           al, bl;
    uint32_t         i;

    for (i = 0; i < cx->one_name.n; i++) {
        const ec_node_t *o = cx->one_name.items[i];

        if (ec_cctx_scope(cx, ec_table_global(), o) == kind) {
            first = o;
        }
    }
    if (first == NULL) {
        ec_ptrvec_push(&cx->one_name, n);
        return;
    }
    ec_scope_instance(first, kind, &a, &al);
    ec_scope_instance(n, kind, &b, &bl);
    ec_diag_scalar(cx->diag, EC_DIAG_ERROR, n->u.scope.instance != NULL
        ? n->u.scope.instance : &n->name,
        "%s instance \"%.*s\" differs from \"%.*s\" declared at %s:%u: "
        "every %s stanza must use the same instance name",
        kind->module->name, (int) bl, b, (int) al, a,
        cx->tree->files[first->name.file].path,
        (unsigned) first->name.line, kind->module->name);
}


/* A Peer's CIDR as family, address and prefix; family stays 0 when the
 * instance is not a valid CIDR (reported by the walk). */
void
ec_compile_peer_fill(ec_cctx_t *cx, ec_peer_t *p, const ec_cscope_t *s)
{
    const ec_scalar_t *inst = s->node->u.scope.instance;
    char               host[64], why[128];
    const char        *slash;
    size_t             hlen;

    memset(p, 0, sizeof(*p));
    p->scope = *s;
    if (inst == NULL || ec_table_check_instance(cx->peer_scope, inst->text,
                            inst->len, why, sizeof(why)) != 0) {
        return;
    }
    slash = memchr(inst->text, '/', inst->len);
    hlen = slash != NULL ? (size_t) (slash - inst->text) : inst->len;
    if (hlen >= sizeof(host)) {
        return;
    }
    memcpy(host, inst->text, hlen);
    host[hlen] = '\0';
    p->family = memchr(host, ':', hlen) != NULL ? AF_INET6 : AF_INET;
    if (inet_pton(p->family, host, p->addr) != 1) {
        p->family = 0;
        return;
    }
    p->bits = (uint8_t) (slash != NULL ? atoi(slash + 1)
                         : p->family == AF_INET6 ? 128 : 32);
}


static int
ec_is_listener(const ec_scope_t *kind)
{
    return kind->core < EC_SCOPE__CORE_COUNT
           && (EC_BIT(kind->core) & EC_LISTENERS) != 0;
}


/* Arrays of the structures the children fill, sized by the grouping. */
static void
ec_frame_alloc(ec_frame_t *f, const ec_kids_t *kids)
{
    ec_arena_t *a = &f->cx->c->arena;
    uint32_t    n = 0, k;

    if (f->kind == ec_table_global()) {
        for (k = 0; k < EC_SCOPE__CORE_COUNT; k++) {
            n += (EC_BIT(k) & EC_LISTENERS) ? kids->counts[k] : 0;
        }
        f->cx->c->listeners = ec_arena_zalloc(a, (n + 1)
                                  * sizeof(ec_listener_t));
    } else if (ec_is_listener(f->kind)) {
        f->listener->listens = ec_arena_zalloc(a,
            (kids->counts[EC_SCOPE_LISTEN] + 1) * sizeof(ec_listen_t));
        if (f->cx->opts->endpoints) {
            f->listener->peers = ec_arena_zalloc(a,
                (kids->counts[EC_SCOPE_PEER] + 1) * sizeof(ec_peer_t));
        }
    } else if (f->kind->core == EC_SCOPE_LISTEN && f->listen != NULL
               && f->cx->opts->endpoints) {
        f->listen->peers = ec_arena_zalloc(a,
            (kids->counts[EC_SCOPE_PEER] + 1) * sizeof(ec_peer_t));
    }
}


static void
ec_compile_pathway(ec_frame_t *f, const ec_cscope_t *s)
{
    ec_cctx_t    *cx = f->cx;
    ec_pathway_t *p = ec_arena_zalloc(&cx->c->arena, sizeof(*p));
    const ec_scalar_t *inst = s->node->u.scope.instance;

    p->name = inst != NULL ? inst->text : "";
    p->scope = *s;
    p->is_group = f->kind->core == EC_SCOPE_PATHWAY_GROUP;
    p->group = p->is_group ? NULL : f->group;
    ec_ptrvec_push(&cx->pathways, p);
    if (p->is_group) {
        f->group = p;
    }
    ec_compile_scope(f, s, &p->index);
}


/* Listener, Listen and Peer scopes fill the next slot of the arrays that
 * ec_frame_alloc() made for their parent. */
static void
ec_compile_kid(void *arg, const ec_scope_t *kind, const ec_cscope_t *s)
{
    ec_frame_t *parent = arg, f = *parent;
    ec_cctx_t  *cx = parent->cx;

    if (kind == NULL) {
        ec_report_unknown(cx, parent->kind, s->node);
        return;
    }
    ec_check_scope_head(cx, kind, s->node);
    if (kind->module != NULL && (kind->module->flags & EC_MOD_ONE_NAME)
        && kind == kind->module->stanza) {
        ec_check_one_name(cx, kind, s->node);
    }
    f.kind = kind;
    if (ec_is_listener(kind) && parent->kind == ec_table_global()) {
        f.listener = &cx->c->listeners[cx->c->nlisteners++];
        f.listener->kind = kind;
        f.listener->scope = *s;
        f.esmtp = kind->core == EC_SCOPE_ESMTP_LISTENER;
        ec_compile_scope(&f, s, &f.listener->index);
        if (f.listener->nlistens == 0) {
            ec_diag_scalar(cx->diag, EC_DIAG_WARNING, &s->node->name,
                "%s has no Listen scope, so it opens no socket; add "
                "Listen \"ADDRESS\" { }", kind->name);
        }
    } else if (kind->core == EC_SCOPE_LISTEN && parent->listener != NULL
               && ec_is_listener(parent->kind)) {
        f.listen = &parent->listener->listens[parent->listener->nlistens++];
        f.listen->scope = *s;
        f.listen->listener = parent->listener;
        ec_compile_scope(&f, s, &f.listen->index);
    } else if (kind->core == EC_SCOPE_PEER && parent->listen != NULL
               && parent->listen->peers != NULL) {
        ec_compile_peer_fill(cx,
            &parent->listen->peers[parent->listen->npeers++], s);
        ec_compile_scope(&f, s, NULL);
    } else if (kind->core == EC_SCOPE_PEER && parent->listen == NULL
               && parent->listener != NULL
               && parent->listener->peers != NULL) {
        ec_compile_peer_fill(cx,
            &parent->listener->peers[parent->listener->npeers++], s);
        ec_compile_scope(&f, s, NULL);
    } else if (kind->core == EC_SCOPE_PATHWAY
               || kind->core == EC_SCOPE_PATHWAY_GROUP) {
        ec_compile_pathway(&f, s);
    } else {
        ec_compile_scope(&f, s, NULL);
    }
}


static const ec_kids_t ec_no_kids;


static void
ec_compile_scope(ec_frame_t *f, const ec_cscope_t *s, ec_cindex_t *index)
{
    ec_cctx_t *cx = f->cx;
    ec_kids_t  kids;

    ec_options_collect(cx, f->kind, s, index);
    ec_check_options(f, f->kind);
    if (cx->nscopes == 0) {
        ec_frame_alloc(f, &ec_no_kids);
        return;     /* most scopes of a large file hold options only */
    }
    ec_kids_group(cx, f->kind, s, &kids);
    ec_frame_alloc(f, &kids);
    ec_kids_each(cx, f->kind, s, &kids, ec_compile_kid, f);
    ec_kids_free(&kids);
}


static const ec_option_t *
ec_listen_row(const ec_scope_t *listen, const char *name)
{
    return ec_table_find_option(listen, name, strlen(name));
}


static void
ec_cctx_init(ec_cctx_t *cx, ec_compiled_t *c, const ec_compile_options_t *o,
    ec_diag_t *diag)
{
    static const char *const auth[EC_MECH_IDX_COUNT] = {
        "authloginparameters", "authplainparameters",
        "authcrammd5parameters", "authdigestmd5parameters"
    };
    int i;

    cx->c = c;
    cx->tree = c->tree;
    cx->opts = o;
    cx->diag = diag;
    cx->search_path = o->search_path != NULL ? o->search_path
                      : getenv("EC_CONF_SEARCH_PATH");
    cx->listen_scope = ec_table_scope_by_id("listen");
    cx->peer_scope = ec_table_scope_by_id("peer");
    cx->row_smtp_ext = ec_listen_row(cx->listen_scope, "smtp_extensions");
    cx->row_use_ssl = ec_listen_row(cx->listen_scope, "use_ssl");
    cx->row_pool_name = ec_listen_row(cx->listen_scope, "pool_name");
    cx->row_pathway = ec_listen_row(cx->listen_scope, "pathway");
    cx->row_enable_auth = ec_listen_row(cx->listen_scope,
                                        "enable_authentication");
    for (i = 0; i < EC_MECH_IDX_COUNT; i++) {
        cx->row_auth[i] = ec_listen_row(cx->listen_scope, auth[i]);
    }
}


static void
ec_cctx_free(ec_cctx_t *cx)
{
    ec_ptrvec_free(&cx->modules);
    ec_ptrvec_free(&cx->noted);
    ec_ptrvec_free(&cx->pools);
    ec_ptrvec_free(&cx->ds_schemes);
    ec_ptrvec_free(&cx->lua_schemes);
    ec_ptrvec_free(&cx->one_name);
    ec_ptrvec_free(&cx->params);
    ec_ptrvec_free(&cx->pathway_refs);
    ec_ptrvec_free(&cx->pathways);
    ec_ptrmap_free(&cx->seen);
    free(cx->recs);
    free(cx->binds);
    free(cx->scripts);
    free(cx);
}


/* A copy of n items of size bytes in the arena (n may be 0). */
static void *
ec_arena_copy(ec_arena_t *a, const void *items, size_t n, size_t size)
{
    void *p = ec_arena_zalloc(a, (n + 1) * size);

    if (n > 0) {
        memcpy(p, items, n * size);
    }
    return p;
}


/* Moves what the runtime keeps from the context into the arena. */
static void
ec_cctx_finish(ec_cctx_t *cx)
{
    ec_compiled_t *c = cx->c;

    c->npathways = cx->pathways.n;
    c->pathways = ec_arena_copy(&c->arena, cx->pathways.items,
                                c->npathways, sizeof(*c->pathways));
    c->nbinds = cx->nbinds;
    c->binds = ec_arena_copy(&c->arena, cx->binds, c->nbinds,
                             sizeof(*c->binds));
    c->nscripts = cx->nscripts;
    c->scripts = ec_arena_copy(&c->arena, cx->scripts, c->nscripts,
                               sizeof(*c->scripts));
}


int
ec_compile(const ec_tree_t *tree, const ec_compile_options_t *opts,
    ec_diag_t *diag, ec_compiled_t **out)
{
    static const ec_compile_options_t defaults;
    ec_compiled_t *c = calloc(1, sizeof(*c));
    ec_cctx_t     *cx = calloc(1, sizeof(*cx));
    ec_cscope_t    root = { NULL, NULL };
    ec_frame_t     f;
    unsigned       errors = diag->errors;

    if (c == NULL || cx == NULL) {
        abort();
    }
    c->tree = tree;
    ec_arena_init(&c->arena);
    ec_table_init();
    ec_cctx_init(cx, c, opts != NULL ? opts : &defaults, diag);

    ec_auth_prepass(cx);
    memset(&f, 0, sizeof(f));
    f.cx = cx;
    f.kind = ec_table_global();
    ec_compile_scope(&f, &root, &c->global);
    ec_listener_checks(cx);

    ec_cctx_finish(cx);
    ec_cctx_free(cx);
    *out = c;
    return diag->errors > errors ? -1 : 0;
}


int
ec_compile_check(const ec_tree_t *tree, int strict, ec_diag_t *diag)
{
    ec_compile_options_t opts;
    ec_compiled_t       *compiled = NULL;
    unsigned             before = diag->errors;
    int                  rc;

    memset(&opts, 0, sizeof(opts));
    opts.strict = strict;
    rc = ec_compile(tree, &opts, diag, &compiled);
    ec_compiled_free(compiled);
    return rc != 0 || diag->errors > before ? -1 : 0;
}


void
ec_compiled_free(ec_compiled_t *c)
{
    if (c == NULL) {
        return;
    }
    ec_arena_free(&c->arena);
    free(c);
}
