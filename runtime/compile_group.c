/* ecconf: the compiler's view of scopes: statements through includes,
 * scope instances merged across declarations, repeated options. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/compile_int.h"

/* Scopes with at most this many children or options are compared pair
 * by pair; larger ones go through a hash table. */
#define EC_SMALL_SCOPE 16


static void *
ec_xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (p == NULL && n > 0) {
        abort();
    }
    return p;
}


void
ec_ptrvec_push(ec_ptrvec_t *v, const void *p)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = ec_xrealloc(v->items, v->cap * sizeof(*v->items));
    }
    v->items[v->n++] = p;
}


void
ec_ptrvec_free(ec_ptrvec_t *v)
{
    free(v->items);
    memset(v, 0, sizeof(*v));
}


static uint32_t
ec_ptr_hash(const void *p)
{
    uint64_t x = (uint64_t) (uintptr_t) p;

    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (uint32_t) x;
}


void
ec_ptrmap_clear(ec_ptrmap_t *m)
{
    m->used = 0;
    m->gen++;
    if (m->gen == 0) {
        /* After 2^32 clears the stamps could match again: start over. */
        if (m->gens != NULL) {
            memset(m->gens, 0, m->cap * sizeof(*m->gens));
        }
        m->gen = 1;
    }
}


void
ec_ptrmap_free(ec_ptrmap_t *m)
{
    free(m->keys);
    free(m->vals);
    free(m->gens);
    memset(m, 0, sizeof(*m));
}


static void
ec_ptrmap_grow(ec_ptrmap_t *m)
{
    ec_ptrmap_t old = *m;
    uint32_t    i;
    int         found;

    m->cap = old.cap ? old.cap * 2 : 64;
    m->keys = ec_xrealloc(NULL, m->cap * sizeof(*m->keys));
    m->vals = ec_xrealloc(NULL, m->cap * sizeof(*m->vals));
    m->gens = calloc(m->cap, sizeof(*m->gens));
    if (m->gens == NULL) {
        abort();
    }
    m->used = 0;
    m->gen = 1;
    for (i = 0; i < old.cap; i++) {
        if (old.gens[i] == old.gen) {
            *ec_ptrmap_put(m, old.keys[i], old.vals[i], &found) =
                old.vals[i];
        }
    }
    free(old.keys);
    free(old.vals);
    free(old.gens);
}


uint32_t *
ec_ptrmap_put(ec_ptrmap_t *m, const void *key, uint32_t val, int *found)
{
    uint32_t i;

    if ((m->used + 1) * 2 > m->cap) {
        ec_ptrmap_grow(m);
    }
    for (i = ec_ptr_hash(key) & (m->cap - 1); m->gens[i] == m->gen;
         i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key) {
            *found = 1;
            return &m->vals[i];
        }
    }
    m->gens[i] = m->gen;
    m->keys[i] = key;
    m->vals[i] = val;
    m->used++;
    *found = 0;
    return &m->vals[i];
}


uint32_t *
ec_ptrmap_get(const ec_ptrmap_t *m, const void *key)
{
    uint32_t i;

    if (m->cap == 0) {
        return NULL;
    }
    for (i = ec_ptr_hash(key) & (m->cap - 1); m->gens[i] == m->gen;
         i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key) {
            return &m->vals[i];
        }
    }
    return NULL;
}


static void
ec_stmts_each(const ec_node_t *n, ec_stmt_fn fn, void *arg)
{
    for (; n != NULL; n = n->next) {
        if (n->kind == EC_NODE_INCLUDE) {
            ec_stmts_each(n->u.include.children, fn, arg);
        } else {
            fn(arg, n);
        }
    }
}


void
ec_cscope_each(const ec_compiled_t *c, const ec_cscope_t *s, ec_stmt_fn fn,
    void *arg)
{
    const ec_node_t *const *m;

    if (s->node == NULL) {
        ec_stmts_each(c->tree->root, fn, arg);
        return;
    }
    ec_stmts_each(s->node->u.scope.children, fn, arg);
    for (m = s->more; m != NULL && *m != NULL; m++) {
        ec_stmts_each((*m)->u.scope.children, fn, arg);
    }
}


typedef struct ec_find {
    const ec_option_t  *row;
    const ec_node_t    *found;
} ec_find_t;


static int
ec_key_matches(const char *key, const char *name)
{
    return strcasecmp(key, name) == 0;
}


static void
ec_find_visit(void *arg, const ec_node_t *n)
{
    ec_find_t *f = arg;

    if (n->kind == EC_NODE_OPTION && ec_key_matches(n->key, f->row->name)) {
        f->found = n;
    }
}


const ec_node_t *
ec_cscope_find(const ec_compiled_t *c, const ec_cscope_t *s,
    const ec_option_t *row)
{
    ec_find_t f = { row, NULL };

    ec_cscope_each(c, s, ec_find_visit, &f);
    return f.found;
}


/* The instance name that identifies a scope: as written, or the module
 * name for a module stanza written without one, or "" when anonymous. */
void
ec_scope_instance(const ec_node_t *n, const ec_scope_t *kind,
    const char **text, size_t *len)
{
    const ec_scalar_t *inst = n->u.scope.instance;

    if (inst != NULL) {
        *text = inst->text;
        *len = inst->len;
    } else if (kind != NULL && kind->module != NULL
               && (kind->flags & EC_SCOPE_MODULE)) {
        *text = kind->module->name;
        *len = strlen(*text);
    } else {
        *text = "";
        *len = 0;
    }
}


static uint32_t
ec_instance_hash(const ec_scope_t *kind, const char *text, size_t len)
{
    uint32_t h = ec_ptr_hash(kind);
    size_t   i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char) text[i];
        h *= 16777619u;
    }
    return h;
}


/* Whether the earlier scope node a and node b (of kind bkind) are the
 * same instance. */
static int
ec_same_instance(ec_cctx_t *cx, const ec_scope_t *parent,
    const ec_node_t *a, const ec_node_t *b, const ec_scope_t *bkind)
{
    const ec_scope_t *akind = ec_cctx_scope(cx, parent, a);
    const char       *at, *bt;
    size_t            al, bl;

    if (akind != bkind) {
        return 0;
    }
    ec_scope_instance(a, akind, &at, &al);
    ec_scope_instance(b, bkind, &bt, &bl);
    return al == bl && memcmp(at, bt, al) == 0;
}


/* Grouping a scope's children into instances. A scope with few children
 * compares them pair by pair. A large one (the top level of a big file)
 * first runs every child through a Bloom filter of one byte per child.
 * Only children whose hash was seen before go to an exact hash table in
 * a second pass: the repeats, and false positives at an estimated 2%
 * (four probes, eight bits per child). So the extra memory is about one
 * byte per child, not a pointer table. */
typedef struct ec_kid_list {
    ec_cctx_t          *cx;
    const ec_scope_t   *parent;
    ec_kids_t          *kids;
    size_t              cap;            /* of kids->pairs */
    const ec_node_t    *small[EC_SMALL_SCOPE];
    size_t              n;
    int                 pass;           /* 0 count, 1 filter, 2 group */
    uint8_t            *bloom;
    size_t              nbits;
    uint32_t           *suspects;       /* hashes, sorted in pass 2 */
    size_t              nsuspects;
    size_t              suspects_cap;
    const ec_node_t   **table;          /* pass 2: exact groups */
    size_t              slots;
} ec_kid_list_t;


static void
ec_kids_add_pair(ec_kid_list_t *l, const ec_node_t *first,
    const ec_node_t *later, const ec_scope_t *kind)
{
    ec_kids_t *kids = l->kids;

    if (kids->npairs == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        kids->pairs = ec_xrealloc(kids->pairs, l->cap * sizeof(*kids->pairs));
    }
    kids->pairs[kids->npairs].first = first;
    kids->pairs[kids->npairs].later = later;
    kids->pairs[kids->npairs].seq = kids->npairs;
    kids->npairs++;
    if (kind->core < EC_SCOPE__CORE_COUNT) {
        kids->counts[kind->core]--;
    }
}


static void
ec_kids_small(ec_kid_list_t *l)
{
    size_t i, j;

    for (i = 0; i < l->n; i++) {
        const ec_scope_t *kind = ec_cctx_scope(l->cx, l->parent,
                                               l->small[i]);

        for (j = 0; j < i; j++) {
            if (ec_same_instance(l->cx, l->parent, l->small[j], l->small[i],
                                 kind)) {
                ec_kids_add_pair(l, l->small[j], l->small[i], kind);
                break;
            }
        }
    }
}


static uint32_t
ec_kid_hash(const ec_node_t *n, const ec_scope_t *kind)
{
    const char *text;
    size_t      len;

    ec_scope_instance(n, kind, &text, &len);
    return ec_instance_hash(kind, text, len);
}


/* Sets the filter bits of h; returns 1 when all were set already. */
static int
ec_bloom_add(ec_kid_list_t *l, uint32_t h)
{
    uint32_t step = (h >> 17 | h << 15) | 1, i, seen = 1;

    for (i = 0; i < 4; i++) {
        size_t  bit = (size_t) (((uint64_t) (h + i * step) * l->nbits)
                                >> 32);
        uint8_t mask = (uint8_t) (1u << (bit & 7));

        seen &= (l->bloom[bit >> 3] & mask) != 0;
        l->bloom[bit >> 3] |= mask;
    }
    return (int) seen;
}


static void
ec_kids_suspect(ec_kid_list_t *l, uint32_t h)
{
    if (l->nsuspects == l->suspects_cap) {
        l->suspects_cap = l->suspects_cap ? l->suspects_cap * 2 : 64;
        l->suspects = ec_xrealloc(l->suspects,
                                  l->suspects_cap * sizeof(*l->suspects));
    }
    l->suspects[l->nsuspects++] = h;
}


static int
ec_u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

    return x < y ? -1 : x > y;
}


/* Pass 2: an exact open-addressing table over the suspects only. */
static void
ec_kids_exact(ec_kid_list_t *l, const ec_node_t *n, const ec_scope_t *kind,
    uint32_t h)
{
    size_t k = (size_t) (((uint64_t) h * l->slots) >> 32);

    while (l->table[k] != NULL
           && !ec_same_instance(l->cx, l->parent, l->table[k], n, kind)) {
        k = k + 1 == l->slots ? 0 : k + 1;
    }
    if (l->table[k] != NULL) {
        ec_kids_add_pair(l, l->table[k], n, kind);
    } else {
        l->table[k] = n;
    }
}


static void
ec_kid_list_visit(void *arg, const ec_node_t *n)
{
    ec_kid_list_t    *l = arg;
    const ec_scope_t *kind;
    uint32_t          h;

    if (n->kind != EC_NODE_SCOPE
        || (kind = ec_cctx_scope(l->cx, l->parent, n)) == NULL) {
        return;
    }
    if (l->pass == 0) {
        if (l->n < EC_SMALL_SCOPE) {
            l->small[l->n] = n;
        }
        l->n++;
        if (kind->core < EC_SCOPE__CORE_COUNT) {
            l->kids->counts[kind->core]++;
        }
        return;
    }
    h = ec_kid_hash(n, kind);
    if (l->pass == 1) {
        if (ec_bloom_add(l, h)) {
            ec_kids_suspect(l, h);
        }
    } else if (bsearch(&h, l->suspects, l->nsuspects, sizeof(h),
                       ec_u32_cmp) != NULL) {
        ec_kids_exact(l, n, kind, h);
    }
}


static void
ec_kids_large(ec_kid_list_t *l, const ec_cscope_t *s)
{
    l->nbits = l->n * 8;
    l->bloom = calloc(l->n, 1);
    if (l->bloom == NULL) {
        abort();
    }
    l->pass = 1;
    ec_cscope_each(l->cx->c, s, ec_kid_list_visit, l);
    free(l->bloom);
    if (l->nsuspects > 0) {
        qsort(l->suspects, l->nsuspects, sizeof(*l->suspects), ec_u32_cmp);
        /* each suspect and the earlier child it may repeat */
        l->slots = 2 * l->nsuspects + 2 * l->nsuspects / 3 + 1;
        l->table = calloc(l->slots, sizeof(*l->table));
        if (l->table == NULL) {
            abort();
        }
        l->pass = 2;
        ec_cscope_each(l->cx->c, s, ec_kid_list_visit, l);
        free(l->table);
    }
    free(l->suspects);
}


static int
ec_pair_cmp(const void *a, const void *b)
{
    const ec_kid_pair_t *x = a, *y = b;

    if (x->first != y->first) {
        return (uintptr_t) x->first < (uintptr_t) y->first ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}


static int
ec_ptr_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) *(const void *const *) a;
    uintptr_t y = (uintptr_t) *(const void *const *) b;

    return x < y ? -1 : x > y;
}


void
ec_kids_group(ec_cctx_t *cx, const ec_scope_t *kind, const ec_cscope_t *s,
    ec_kids_t *kids)
{
    ec_kid_list_t l;
    size_t        i;

    memset(kids, 0, sizeof(*kids));
    memset(&l, 0, sizeof(l));
    l.cx = cx;
    l.parent = kind;
    l.kids = kids;
    ec_cscope_each(cx->c, s, ec_kid_list_visit, &l);
    if (l.n <= EC_SMALL_SCOPE) {
        ec_kids_small(&l);
    } else {
        ec_kids_large(&l, s);
    }
    if (kids->npairs == 0) {
        return;
    }
    qsort(kids->pairs, kids->npairs, sizeof(*kids->pairs), ec_pair_cmp);
    kids->later = ec_xrealloc(NULL, kids->npairs * sizeof(*kids->later));
    for (i = 0; i < kids->npairs; i++) {
        kids->later[i] = kids->pairs[i].later;
    }
    qsort(kids->later, kids->npairs, sizeof(*kids->later), ec_ptr_cmp);
}


void
ec_kids_free(ec_kids_t *kids)
{
    free(kids->pairs);
    free(kids->later);
    memset(kids, 0, sizeof(*kids));
}


typedef struct ec_kid_walk {
    ec_cctx_t          *cx;
    const ec_scope_t   *parent;
    const ec_kids_t    *kids;
    ec_kid_fn           fn;
    void               *arg;
} ec_kid_walk_t;


/* The later declarations of first, NULL-terminated in the arena. */
static const ec_node_t *const *
ec_kids_more(ec_kid_walk_t *w, const ec_node_t *first)
{
    const ec_kids_t  *k = w->kids;
    const ec_node_t **more;
    size_t            lo = 0, hi = k->npairs, from, n, i;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if ((uintptr_t) k->pairs[mid].first < (uintptr_t) first) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    from = lo;
    for (n = 0; from + n < k->npairs && k->pairs[from + n].first == first;
         n++) {
    }
    if (n == 0) {
        return NULL;
    }
    more = ec_arena_alloc(&w->cx->c->arena, (n + 1) * sizeof(*more));
    for (i = 0; i < n; i++) {
        more[i] = k->pairs[from + i].later;
    }
    more[n] = NULL;
    return more;
}


static void
ec_kids_visit(void *arg, const ec_node_t *n)
{
    ec_kid_walk_t *w = arg;
    ec_cscope_t    child;

    if (n->kind != EC_NODE_SCOPE) {
        return;
    }
    if (w->kids->npairs > 0
        && bsearch(&n, w->kids->later, w->kids->npairs,
                   sizeof(*w->kids->later), ec_ptr_cmp) != NULL) {
        return;
    }
    child.node = n;
    child.more = w->kids->npairs > 0 ? ec_kids_more(w, n) : NULL;
    w->fn(w->arg, ec_cctx_scope(w->cx, w->parent, n), &child);
}


void
ec_kids_each(ec_cctx_t *cx, const ec_scope_t *kind, const ec_cscope_t *s,
    const ec_kids_t *kids, ec_kid_fn fn, void *arg)
{
    ec_kid_walk_t w = { cx, kind, kids, fn, arg };

    ec_cscope_each(cx->c, s, ec_kids_visit, &w);
}


static void
ec_recs_visit(void *arg, const ec_node_t *n)
{
    ec_cctx_t *cx = arg;

    if (n->kind != EC_NODE_OPTION) {
        cx->nscopes++;
        return;
    }
    if (cx->nrecs == cx->recs_cap) {
        cx->recs_cap = cx->recs_cap ? cx->recs_cap * 2 : 64;
        cx->recs = ec_xrealloc(cx->recs, cx->recs_cap * sizeof(*cx->recs));
    }
    cx->recs[cx->nrecs].node = n;
    cx->recs[cx->nrecs].row = NULL;
    cx->nrecs++;
}


static void
ec_options_warn_repeat(ec_cctx_t *cx, const ec_scope_t *kind,
    const ec_node_t *earlier, const ec_node_t *later)
{
    char where[160];

    ec_cctx_where(kind, where, sizeof(where));
    ec_diag_scalar(cx->diag, EC_DIAG_WARNING, &later->name,
        "\"%s\" is set again %s (first at %s:%u); the last value wins",
        later->name.text, where,
        cx->tree->files[earlier->name.file].path,
        (unsigned) earlier->name.line);
}


/* Warns about each repeated option and sets last[i] to 1 for the
 * records that no later record overrides. Small scopes compare pairs,
 * large ones use cx->seen. */
static void
ec_options_repeats(ec_cctx_t *cx, const ec_scope_t *kind, uint8_t *last)
{
    uint32_t i, j;
    int      found;

    if (cx->nrecs <= EC_SMALL_SCOPE) {
        for (i = 0; i < cx->nrecs; i++) {
            last[i] = 1;
            for (j = i; j-- > 0;) {
                if (cx->recs[j].node->key == cx->recs[i].node->key) {
                    last[j] = 0;
                    ec_options_warn_repeat(cx, kind, cx->recs[j].node,
                                           cx->recs[i].node);
                    break;
                }
            }
        }
        return;
    }
    ec_ptrmap_clear(&cx->seen);
    for (i = 0; i < cx->nrecs; i++) {
        uint32_t *slot = ec_ptrmap_put(&cx->seen, cx->recs[i].node->key, i,
                                       &found);

        last[i] = 1;
        if (found) {
            last[*slot] = 0;
            ec_options_warn_repeat(cx, kind, cx->recs[*slot].node,
                                   cx->recs[i].node);
            *slot = i;
        }
    }
}


void
ec_options_collect(ec_cctx_t *cx, const ec_scope_t *kind,
    const ec_cscope_t *s, ec_cindex_t *index)
{
    uint8_t  small[EC_SMALL_SCOPE], *last = small;
    uint32_t i, n = 0;

    cx->nrecs = 0;
    cx->nscopes = 0;
    ec_cscope_each(cx->c, s, ec_recs_visit, cx);
    if (cx->nrecs > EC_SMALL_SCOPE) {
        last = ec_xrealloc(NULL, cx->nrecs);
    }
    ec_options_repeats(cx, kind, last);
    for (i = 0; i < cx->nrecs; i++) {
        cx->recs[i].row = ec_cctx_option(cx, kind, cx->recs[i].node);
        n += last[i] && cx->recs[i].row != NULL;
    }
    if (index != NULL && n > 0) {
        index->opts = ec_arena_alloc(&cx->c->arena,
                                     n * sizeof(*index->opts));
        for (i = 0; i < cx->nrecs; i++) {
            if (last[i] && cx->recs[i].row != NULL) {
                index->opts[index->nopts].row = cx->recs[i].row;
                index->opts[index->nopts].node = cx->recs[i].node;
                index->nopts++;
            }
        }
    }
    if (last != small) {
        free(last);
    }
}
