/* ecconf: checks on the effective values of each listener endpoint
 * (SMTP AUTH and its parameters, implicit TLS against STARTTLS), thread
 * pools and pathway names. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/compile_int.h"
#include "runtime/effective.h"

/* Pools that Momentum creates without a ThreadPool stanza. */
static const char *const ec_predefined_pools[] = {
    "SwapOut", "SwapIn", "Unlink", "Batch_Unlink", "Close", "CPU", "IO",
    "SpoolIn"
};
#define EC_NPREDEFINED \
    (sizeof(ec_predefined_pools) / sizeof(ec_predefined_pools[0]))

static const char *const ec_param_names[EC_MECH_IDX_COUNT] = {
    "AuthLoginParameters", "AuthPlainParameters", "AuthCramMD5Parameters",
    "AuthDigestMD5Parameters"
};

typedef struct ec_epcheck {
    ec_cctx_t          *cx;
    ec_ptrmap_t         reported;   /* extension items already reported */
    ec_ptrmap_t         used;       /* Auth*Parameters an endpoint reads */
} ec_epcheck_t;


static size_t
ec_pool_candidates(const ec_cctx_t *cx, const char **out, size_t max)
{
    size_t i, n = 0;

    for (i = 0; i < EC_NPREDEFINED && n < max; i++) {
        out[n++] = ec_predefined_pools[i];
    }
    for (i = 0; i < cx->pools.n && n < max; i++) {
        out[n++] = cx->pools.items[i];
    }
    return n;
}


/* Momentum logs a critical message and falls back to the IO pool, so an
 * unknown pool is a warning. Pool names are compared exactly. */
void
ec_listener_pool(ec_cctx_t *cx, const ec_node_t *n)
{
    const ec_scalar_t *v = &n->u.scalar;
    const char        *cands[128], *best = NULL;
    size_t             ncands = ec_pool_candidates(cx, cands, 128), i;

    for (i = 0; i < ncands; i++) {
        if (strcmp(cands[i], v->text) == 0) {
            return;
        }
        if (strcasecmp(cands[i], v->text) == 0) {
            best = cands[i];
        }
    }
    if (best == NULL) {
        ec_compile_suggest(v->text, v->len, cands, ncands, &best);
    }
    if (best != NULL) {
        ec_diag_scalar(cx->diag, EC_DIAG_WARNING, v,
            "no ThreadPool named \"%s\"; did you mean \"%s\"? (Momentum "
            "runs the listener in the IO pool instead)", v->text, best);
        return;
    }
    ec_diag_scalar(cx->diag, EC_DIAG_WARNING, v,
        "no ThreadPool named \"%s\": declare ThreadPool \"%s\" { } or use "
        "a predefined pool (SwapOut, SwapIn, Unlink, Batch_Unlink, Close, "
        "CPU, IO, SpoolIn); Momentum runs the listener in the IO pool "
        "instead", v->text, v->text);
}


/* "Listen \":25\"", "Peer \"10.0.0.0/8\" in Listen \":25\"". */
static void
ec_endpoint_label(const ec_endpoint_t *ep, char *buf, size_t len)
{
    const ec_scalar_t *l = ep->listen->scope.node->u.scope.instance;
    const ec_peer_t   *p = ep->peer != NULL ? ep->peer : ep->lpeer;
    const ec_scalar_t *pi = p != NULL ? p->scope.node->u.scope.instance
                            : NULL;
    const char        *addr = l != NULL ? l->text : "";

    if (pi == NULL) {
        snprintf(buf, len, "Listen \"%s\"", addr);
    } else if (ep->peer != NULL) {
        snprintf(buf, len, "Peer \"%s\" in Listen \"%s\"", pi->text, addr);
    } else {
        snprintf(buf, len, "Listen \"%s\" for clients in %s Peer \"%s\"",
                 addr, ep->listener->kind->name, pi->text);
    }
}


static int
ec_first_report(ec_epcheck_t *k, const void *key)
{
    int found;

    ec_ptrmap_put(&k->reported, key, 1, &found);
    return !found;
}


/* The index of one mechanism name of len bytes, or -1. */
static int
ec_mech_index(const char *name, size_t len)
{
    int i;

    for (i = 0; i < EC_MECH_IDX_COUNT; i++) {
        if (strlen(ec_compile_mech_names[i]) == len
            && strncasecmp(name, ec_compile_mech_names[i], len) == 0) {
            return i;
        }
    }
    return -1;
}


/* The text after "AUTH" and its blanks, or NULL when text is not an
 * AUTH entry. One entry may name several mechanisms, "AUTH LOGIN PLAIN",
 * as the EHLO reply lists them. */
static const char *
ec_auth_words(const char *text)
{
    if (strncasecmp(text, "AUTH", 4) != 0 || (text[4] != ' '
                                              && text[4] != '\t')) {
        return NULL;
    }
    for (text += 5; *text == ' ' || *text == '\t'; text++) {
    }
    return text;
}


static void
ec_check_auth_item(ec_epcheck_t *k, const ec_endpoint_t *ep,
    const ec_scalar_t *item, int mech)
{
    ec_cctx_t *cx = k->cx;
    ec_value_t par;
    char       label[512];
    int        found;

    ec_effective_lookup(cx->c, ep, cx->row_auth[mech], &par);
    if (par.node != NULL) {
        ec_ptrmap_put(&k->used, par.node, 1, &found);
        return;
    }
    /* one report per entry and mechanism: the key only has to be unique,
     * and an entry is larger than the number of mechanisms */
    if (!ec_first_report(k, (const char *) item + mech)) {
        return;
    }
    ec_endpoint_label(ep, label, sizeof(label));
    ec_diag_scalar(cx->diag, EC_DIAG_ERROR, item,
        "\"AUTH %s\" is enabled for %s but no %s applies there: add %s = "
        "[ uri = \"...\" ] to it or to an enclosing scope",
        ec_compile_mech_names[mech], label, ec_param_names[mech],
        ec_param_names[mech]);
}


static void
ec_check_tls_item(ec_epcheck_t *k, const ec_endpoint_t *ep,
    const ec_scalar_t *item)
{
    ec_cctx_t *cx = k->cx;
    ec_value_t ssl;
    char       label[512];
    const char *text;

    ec_effective_lookup(cx->c, ep, cx->row_use_ssl, &ssl);
    text = ec_value_text(&ssl);
    if (ssl.node == NULL || text == NULL
        || ec_table_parse_bool(text, strlen(text)) != 1
        || !ec_first_report(k, item)) {
        return;
    }
    ec_endpoint_label(ep, label, sizeof(label));
    ec_diag_scalar(cx->diag, EC_DIAG_ERROR, item,
        "\"%s\" cannot be offered on %s, which has Use_SSL = true: "
        "implicit TLS and STARTTLS exclude each other; remove \"%s\" or "
        "set Use_SSL = false", item->text, label, item->text);
    if (cx->diag->errors <= cx->diag->max_errors) {
        ec_diag_scalar(cx->diag, EC_DIAG_NOTE, &ssl.node->name,
            "Use_SSL is set here");
    }
}


static void
ec_check_endpoint(ec_epcheck_t *k, const ec_endpoint_t *ep)
{
    ec_value_t         ext;
    const ec_scalar_t *items;
    uint32_t           n, i;
    int                mech;
    const char        *words;

    ec_effective_lookup(k->cx->c, ep, k->cx->row_smtp_ext, &ext);
    if (ext.node == NULL || ext.node->vkind == EC_VALUE_HASH) {
        return;
    }
    items = ext.node->vkind == EC_VALUE_ARRAY ? ext.node->u.items
            : &ext.node->u.scalar;
    n = ext.node->vkind == EC_VALUE_ARRAY ? ext.node->count : 1;
    for (i = 0; i < n; i++) {
        if ((words = ec_auth_words(items[i].text)) != NULL) {
            while (*words != '\0') {
                size_t len = strcspn(words, " \t");

                if ((mech = ec_mech_index(words, len)) >= 0) {
                    ec_check_auth_item(k, ep, &items[i], mech);
                }
                words += len;
                words += strspn(words, " \t");
            }
        } else if (strcasecmp(items[i].text, "STARTTLS") == 0) {
            ec_check_tls_item(k, ep, &items[i]);
        }
    }
}


typedef void (*ec_peer_fn)(ec_epcheck_t *k, ec_endpoint_t *ep,
            const ec_peer_t *p);

/* Walks the Peers of a Listen or listener: the kept array, or, when the
 * compile keeps none, each Peer instance found again in the tree. */
typedef struct ec_peer_walk {
    ec_epcheck_t       *k;
    ec_endpoint_t      *ep;
    ec_peer_fn          fn;
} ec_peer_walk_t;


static void
ec_peer_walk_visit(void *arg, const ec_scope_t *kind, const ec_cscope_t *s)
{
    ec_peer_walk_t *w = arg;
    ec_peer_t       p;

    if (kind == NULL || kind->core != EC_SCOPE_PEER) {
        return;
    }
    ec_compile_peer_fill(w->k->cx, &p, s);
    w->fn(w->k, w->ep, &p);
}


static void
ec_each_peer(ec_epcheck_t *k, ec_endpoint_t *ep, const ec_scope_t *kind,
    const ec_cscope_t *s, const ec_peer_t *peers, uint32_t npeers,
    ec_peer_fn fn)
{
    ec_peer_walk_t w = { k, ep, fn };
    ec_kids_t      kids;
    uint32_t       i;

    if (peers != NULL) {
        for (i = 0; i < npeers; i++) {
            fn(k, ep, &peers[i]);
        }
        return;
    }
    ec_kids_group(k->cx, kind, s, &kids);
    ec_kids_each(k->cx, kind, s, &kids, ec_peer_walk_visit, &w);
    ec_kids_free(&kids);
}


/* With Enable_Authentication on, an HTTP listener needs the parameters of
 * a mechanism, or every request fails: AuthPlainParameters (Basic) or, in
 * Momentum, AuthDigestMD5Parameters (Digest). ecconfd serves Basic only,
 * so --strict, which checks as ecconfd does, requires the first. */
static void
ec_check_http_endpoint(ec_epcheck_t *k, const ec_endpoint_t *ep)
{
    ec_cctx_t  *cx = k->cx;
    ec_value_t  on, par;
    const char *text;
    char        label[512];

    ec_effective_lookup(cx->c, ep, cx->row_enable_auth, &on);
    text = ec_value_text(&on);
    if (on.node == NULL || text == NULL
        || ec_table_parse_bool(text, strlen(text)) != 1) {
        return;
    }
    ec_effective_lookup(cx->c, ep, cx->row_auth[EC_MECH_IDX_PLAIN], &par);
    if (par.node == NULL && !cx->opts->strict) {
        ec_effective_lookup(cx->c, ep, cx->row_auth[EC_MECH_IDX_DIGEST],
                            &par);
    }
    if (par.node != NULL || !ec_first_report(k, on.node)) {
        return;
    }
    ec_endpoint_label(ep, label, sizeof(label));
    ec_diag_scalar(cx->diag, EC_DIAG_ERROR, &on.node->u.scalar,
        "Enable_Authentication is true for %s but no %s applies there: "
        "add AuthPlainParameters = [ uri = \"...\" ] (HTTP Basic) to it "
        "or to an enclosing scope", label, cx->opts->strict
        ? "AuthPlainParameters (ecconfd serves HTTP Basic only)"
        : "AuthPlainParameters or AuthDigestMD5Parameters");
}


static void
ec_check_http_peer(ec_epcheck_t *k, ec_endpoint_t *ep, const ec_peer_t *p)
{
    ep->peer = p;
    ec_check_http_endpoint(k, ep);
    ep->peer = NULL;
}


static void
ec_check_http_listener(ec_epcheck_t *k, const ec_listener_t *l)
{
    ec_endpoint_t ep;
    uint32_t      i;

    for (i = 0; i < l->nlistens; i++) {
        memset(&ep, 0, sizeof(ep));
        ep.listener = l;
        ep.listen = &l->listens[i];
        ec_check_http_endpoint(k, &ep);
        ec_each_peer(k, &ep, k->cx->listen_scope, &ep.listen->scope,
                     ep.listen->peers, ep.listen->npeers,
                     ec_check_http_peer);
    }
}


static void
ec_check_listen_peer(ec_epcheck_t *k, ec_endpoint_t *ep, const ec_peer_t *p)
{
    ep->peer = p;
    ec_check_endpoint(k, ep);
    ep->peer = NULL;
}


static void
ec_check_listener_peer(ec_epcheck_t *k, ec_endpoint_t *ep,
    const ec_peer_t *p)
{
    ep->lpeer = p;
    ec_check_endpoint(k, ep);
    ep->lpeer = NULL;
}


/* Each Listen alone, with each of its Peers, and with each Peer of the
 * listener. NOTE: a client that matches a Peer of the Listen and a Peer
 * of the listener at once is not checked as a third case. */
static void
ec_check_listener(ec_epcheck_t *k, const ec_listener_t *l)
{
    ec_endpoint_t ep;
    uint32_t      i;

    for (i = 0; i < l->nlistens; i++) {
        memset(&ep, 0, sizeof(ep));
        ep.listener = l;
        ep.listen = &l->listens[i];
        ec_check_endpoint(k, &ep);
        ec_each_peer(k, &ep, k->cx->listen_scope, &ep.listen->scope,
                     ep.listen->peers, ep.listen->npeers,
                     ec_check_listen_peer);
        ec_each_peer(k, &ep, l->kind, &l->scope, l->peers, l->npeers,
                     ec_check_listener_peer);
    }
}


static void
ec_check_unused_params(ec_epcheck_t *k)
{
    ec_cctx_t *cx = k->cx;
    uint32_t   i;
    int        m;

    for (i = 0; i < cx->params.n; i++) {
        const ec_node_t *n = cx->params.items[i];

        if (ec_ptrmap_get(&k->used, n) != NULL) {
            continue;
        }
        for (m = 0; m < EC_MECH_IDX_COUNT; m++) {
            if (strcasecmp(n->key, ec_param_names[m]) == 0) {
                break;
            }
        }
        if (m == EC_MECH_IDX_COUNT) {
            continue;
        }
        ec_diag_scalar(cx->diag, EC_DIAG_WARNING, &n->name,
            "%s is not used: no Listen or Peer that reads it lists "
            "\"AUTH %s\" in SMTP_Extensions", n->name.text,
            ec_compile_mech_names[m]);
    }
}


static void
ec_check_pathway_refs(ec_cctx_t *cx)
{
    const char *cands[256], *best;
    size_t      ncands = 0;
    uint32_t    i;

    for (i = 0; i < cx->pathways.n && ncands < 256; i++) {
        const ec_pathway_t *p = cx->pathways.items[i];

        if (!p->is_group) {
            cands[ncands++] = p->name;
        }
    }
    for (i = 0; i < cx->pathway_refs.n; i++) {
        const ec_scalar_t *v = &((const ec_node_t *)
                                 cx->pathway_refs.items[i])->u.scalar;

        if (ec_pathway_find(cx->c, v->text) != NULL) {
            continue;
        }
        if (ec_compile_suggest(v->text, v->len, cands, ncands, &best)) {
            ec_diag_scalar(cx->diag, EC_DIAG_WARNING, v,
                "no Pathway named \"%s\"; did you mean \"%s\"?", v->text,
                best);
        } else {
            ec_diag_scalar(cx->diag, EC_DIAG_WARNING, v,
                "no Pathway named \"%s\": declare Pathway \"%s\" { }",
                v->text, v->text);
        }
    }
}


/* A Listen address split for comparison: a socket path, or a family, a
 * host ("" for every address) and a port. */
typedef struct ec_listen_addr {
    const ec_listen_t  *listen;
    const ec_scalar_t  *text;
    int                 unix_path;
    int                 v6;
    char                host[64];
    long                port;
} ec_listen_addr_t;


static int
ec_listen_addr_parse(const ec_scalar_t *t, ec_listen_addr_t *a)
{
    const char *s = t->text, *colon;
    size_t      hostlen;
    char       *end;

    if (s[0] == '/') {
        a->unix_path = 1;
        return 0;
    }
    if (s[0] == '[') {
        const char *close = strchr(s, ']');

        if (close == NULL || close[1] != ':') {
            return -1;
        }
        a->v6 = 1;
        hostlen = (size_t) (close - s - 1);
        s++;
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL) {
            return -1;
        }
        hostlen = (size_t) (colon - s);
    }
    if (hostlen >= sizeof(a->host)) {
        return -1;
    }
    memcpy(a->host, s, hostlen);
    a->host[hostlen] = '\0';
    if (strcmp(a->host, "*") == 0 || strcmp(a->host, "::") == 0
        || strcmp(a->host, "0.0.0.0") == 0) {
        a->host[0] = '\0';
    }
    a->port = strtol(colon + 1, &end, 10);
    return *end == '\0' ? 0 : -1;
}


/* 1 when binding both would fail: the same socket path, or the same
 * family and port with the same host or one of them every address. */
static int
ec_listen_addr_clash(const ec_listen_addr_t *a, const ec_listen_addr_t *b)
{
    if (a->unix_path || b->unix_path) {
        return a->unix_path && b->unix_path
            && strcmp(a->text->text, b->text->text) == 0;
    }
    if (a->v6 != b->v6 || a->port != b->port) {
        return 0;
    }
    return a->host[0] == '\0' || b->host[0] == '\0'
        || strcasecmp(a->host, b->host) == 0;
}


static void
ec_listen_addr_report(ec_cctx_t *cx, const ec_listen_addr_t *a,
    const ec_listen_addr_t *b)
{
    const ec_tree_t *t = cx->c->tree;

    ec_diag_scalar(cx->diag, EC_DIAG_ERROR, b->text,
        "Listen \"%s\" in %s cannot be opened together with Listen \"%s\" "
        "in %s at %s:%u: they use the same %s", b->text->text,
        b->listen->listener->kind->name, a->text->text,
        a->listen->listener->kind->name, t->files[a->text->file].path,
        (unsigned) a->text->line, a->unix_path ? "socket path" : "port");
}


/* ecconfd binds numeric addresses only, so --strict (which checks as
 * ecconfd does) rejects a host name that Momentum would resolve. */
static void
ec_check_listen_numeric(ec_cctx_t *cx, const ec_listen_addr_t *a)
{
    unsigned char addr[16];

    if (a->unix_path || a->host[0] == '\0'
        || inet_pton(a->v6 ? AF_INET6 : AF_INET, a->host, addr) == 1) {
        return;
    }
    ec_diag_scalar(cx->diag, EC_DIAG_ERROR, a->text, "Listen \"%s\": "
        "ecconfd listens on numeric addresses only; write the IP address "
        "of \"%s\"", a->text->text, a->host);
}


/* Two Listens that cannot both be bound would only fail when ecconfd
 * starts, with no position; report them here. */
static void
ec_check_listen_addresses(ec_cctx_t *cx)
{
    ec_listen_addr_t *addrs;
    size_t            n = 0, total = 0, i, j;
    uint32_t          l, m;

    for (l = 0; l < cx->c->nlisteners; l++) {
        total += cx->c->listeners[l].nlistens;
    }
    addrs = calloc(total ? total : 1, sizeof(*addrs));
    if (addrs == NULL) {
        abort();
    }
    for (l = 0; l < cx->c->nlisteners; l++) {
        for (m = 0; m < cx->c->listeners[l].nlistens; m++) {
            const ec_listen_t *ls = &cx->c->listeners[l].listens[m];
            const ec_scalar_t *inst = ls->scope.node->u.scope.instance;

            if (inst == NULL) {
                continue;
            }
            addrs[n].listen = ls;
            addrs[n].text = inst;
            if (ec_listen_addr_parse(inst, &addrs[n]) == 0) {
                n++;
            } else {
                memset(&addrs[n], 0, sizeof(addrs[n]));
            }
        }
    }
    for (i = 0; i < n && cx->opts->strict; i++) {
        ec_check_listen_numeric(cx, &addrs[i]);
    }
    for (i = 1; i < n; i++) {
        for (j = 0; j < i; j++) {
            if (ec_listen_addr_clash(&addrs[j], &addrs[i])) {
                ec_listen_addr_report(cx, &addrs[j], &addrs[i]);
                break;
            }
        }
    }
    free(addrs);
}


void
ec_listener_checks(ec_cctx_t *cx)
{
    ec_epcheck_t k;
    uint32_t     i;

    /* The walk collected pathways; the lookups below need them. */
    cx->c->pathways = (ec_pathway_t **) cx->pathways.items;
    cx->c->npathways = cx->pathways.n;
    ec_check_pathway_refs(cx);

    memset(&k, 0, sizeof(k));
    k.cx = cx;
    for (i = 0; i < cx->c->nlisteners; i++) {
        if (cx->c->listeners[i].kind->core == EC_SCOPE_ESMTP_LISTENER) {
            ec_check_listener(&k, &cx->c->listeners[i]);
        } else if (cx->c->listeners[i].kind->core
                   == EC_SCOPE_HTTP_LISTENER) {
            ec_check_http_listener(&k, &cx->c->listeners[i]);
        }
    }
    ec_check_unused_params(&k);
    ec_check_listen_addresses(cx);
    ec_ptrmap_free(&k.reported);
    ec_ptrmap_free(&k.used);
}
