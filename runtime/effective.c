/* ecconf: effective values through the inbound fallback chain. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/compile_int.h"
#include "runtime/effective.h"

#define EC_CHAIN_PATHWAYS 3


static const ec_node_t *
ec_index_find(const ec_cindex_t *ix, const ec_option_t *row)
{
    uint32_t i;

    for (i = 0; i < ix->nopts; i++) {
        if (ix->opts[i].row == row) {
            return ix->opts[i].node;
        }
    }
    return NULL;
}


static int
ec_value_set(ec_value_t *out, const ec_node_t *n, ec_origin_t origin)
{
    if (n == NULL) {
        return 0;
    }
    out->node = n;
    out->origin = (uint8_t) origin;
    return 1;
}


/* The part of the chain up to the listener itself. */
static int
ec_chain_listener(const ec_compiled_t *c, const ec_endpoint_t *ep,
    const ec_option_t *row, ec_value_t *out)
{
    if (ep->peer != NULL
        && ec_value_set(out, ec_cscope_find(c, &ep->peer->scope, row),
                        EC_FROM_PEER)) {
        return 1;
    }
    if (ep->listen != NULL
        && ec_value_set(out, ec_index_find(&ep->listen->index, row),
                        EC_FROM_LISTEN)) {
        return 1;
    }
    if (ep->lpeer != NULL
        && ec_value_set(out, ec_cscope_find(c, &ep->lpeer->scope, row),
                        EC_FROM_LISTENER_PEER)) {
        return 1;
    }
    return ep->listener != NULL
           && ec_value_set(out, ec_index_find(&ep->listener->index, row),
                           EC_FROM_LISTENER);
}


/* The pathway scopes named name, most specific first: the Pathway inside
 * a Pathway_Group, a top-level Pathway, then that Pathway_Group. */
static size_t
ec_pathway_chain(const ec_compiled_t *c, const char *name,
    const ec_pathway_t **out)
{
    const ec_pathway_t *inner = NULL, *top = NULL;
    size_t              n = 0;
    uint32_t            i;

    for (i = 0; i < c->npathways; i++) {
        const ec_pathway_t *p = c->pathways[i];

        if (p->is_group || strcmp(p->name, name) != 0) {
            continue;
        }
        if (p->group != NULL && inner == NULL) {
            inner = p;
        } else if (p->group == NULL && top == NULL) {
            top = p;
        }
    }
    if (inner != NULL) {
        out[n++] = inner;
    }
    if (top != NULL) {
        out[n++] = top;
    }
    if (inner != NULL) {
        out[n++] = inner->group;
    }
    return n;
}


const ec_pathway_t *
ec_pathway_find(const ec_compiled_t *c, const char *name)
{
    const ec_pathway_t *chain[EC_CHAIN_PATHWAYS];
    size_t              n = ec_pathway_chain(c, name, chain);

    return n > 0 ? chain[0] : NULL;
}


static const ec_option_t *
ec_pathway_row(void)
{
    const ec_scope_t *listen = ec_table_scope_by_id("listen");

    return ec_table_find_option(listen, "pathway", 7);
}


static int
ec_chain_pathway(const ec_compiled_t *c, const ec_endpoint_t *ep,
    const ec_option_t *row, ec_value_t *out)
{
    const ec_option_t  *prow = ec_pathway_row();
    const ec_pathway_t *chain[EC_CHAIN_PATHWAYS];
    ec_value_t          pw;
    size_t              n, i;

    memset(&pw, 0, sizeof(pw));
    if (row == prow || !ec_chain_listener(c, ep, prow, &pw)
        || pw.node->vkind != EC_VALUE_SCALAR) {
        return 0;
    }
    n = ec_pathway_chain(c, pw.node->u.scalar.text, chain);
    for (i = 0; i < n; i++) {
        ec_origin_t origin = chain[i]->is_group ? EC_FROM_PATHWAY_GROUP
            : chain[i]->group != NULL ? EC_FROM_GROUP_PATHWAY
            : EC_FROM_PATHWAY;

        if (ec_value_set(out, ec_index_find(&chain[i]->index, row),
                         origin)) {
            return 1;
        }
    }
    return 0;
}


int
ec_effective_lookup(const ec_compiled_t *c, const ec_endpoint_t *ep,
    const ec_option_t *row, ec_value_t *out)
{
    memset(out, 0, sizeof(*out));
    out->option = row;
    if (ec_chain_listener(c, ep, row, out)
        || ec_chain_pathway(c, ep, row, out)
        || ec_value_set(out, ec_index_find(&c->global, row),
                        EC_FROM_GLOBAL)) {
        return 0;
    }
    if (row->dflt != NULL) {
        out->dflt = row->dflt;
        out->origin = EC_FROM_DEFAULT;
        return 0;
    }
    return 1;
}


int
ec_effective_get(const ec_compiled_t *c, const ec_endpoint_t *ep,
    const char *key, ec_value_t *out)
{
    const char        *ids[] = { "listen", "peer" };
    const ec_option_t *row = NULL;
    size_t             i;

    for (i = 0; i < 2 && row == NULL; i++) {
        row = ec_table_find_option(ec_table_scope_by_id(ids[i]), key,
                                   strlen(key));
    }
    if (row == NULL) {
        memset(out, 0, sizeof(*out));
        return -1;
    }
    return ec_effective_lookup(c, ep, row, out);
}


const char *
ec_value_text(const ec_value_t *v)
{
    if (v->node == NULL) {
        return v->dflt;
    }
    return v->node->vkind == EC_VALUE_SCALAR ? v->node->u.scalar.text : NULL;
}


void
ec_value_source(const ec_compiled_t *c, const ec_value_t *v, char *buf,
    size_t len)
{
    if (v->node == NULL) {
        snprintf(buf, len, "default");
        return;
    }
    snprintf(buf, len, "%s:%u", c->tree->files[v->node->name.file].path,
             (unsigned) v->node->name.line);
}


const char *
ec_origin_name(const ec_value_t *v, const ec_endpoint_t *ep)
{
    switch ((ec_origin_t) v->origin) {
    case EC_FROM_PEER:
        return "Peer";
    case EC_FROM_LISTEN:
        return "Listen";
    case EC_FROM_LISTENER_PEER:
        return "listener Peer";
    case EC_FROM_LISTENER:
        return ep->listener != NULL ? ep->listener->kind->name : "listener";
    case EC_FROM_GROUP_PATHWAY:
        return "Pathway_Group > Pathway";
    case EC_FROM_PATHWAY:
        return "Pathway";
    case EC_FROM_PATHWAY_GROUP:
        return "Pathway_Group";
    case EC_FROM_GLOBAL:
        return "global";
    case EC_FROM_DEFAULT:
        return "default";
    case EC_FROM_NONE:
        break;
    }
    return "unset";
}


/* The client as family and 16 address bytes; Unix sockets count as
 * loopback, as Momentum treats them when matching Peer ACLs. */
static int
ec_client_addr(const struct sockaddr *sa, int *family, uint8_t *addr)
{
    static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                          0xff, 0xff };

    memset(addr, 0, 16);
    if (sa->sa_family == AF_INET) {
        memcpy(addr, &((const struct sockaddr_in *) sa)->sin_addr, 4);
        *family = AF_INET;
    } else if (sa->sa_family == AF_INET6) {
        const uint8_t *b = ((const struct sockaddr_in6 *) sa)
                           ->sin6_addr.s6_addr;

        if (memcmp(b, v4mapped, 12) == 0) {
            memcpy(addr, b + 12, 4);
            *family = AF_INET;
        } else {
            memcpy(addr, b, 16);
            *family = AF_INET6;
        }
    } else if (sa->sa_family == AF_UNIX) {
        addr[0] = 127;
        addr[3] = 1;
        *family = AF_INET;
    } else {
        return -1;
    }
    return 0;
}


static int
ec_prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;

    if (memcmp(a, b, full) != 0) {
        return 0;
    }
    if (rest == 0) {
        return 1;
    }
    return ((a[full] ^ b[full]) & (0xff << (8 - rest))) == 0;
}


const ec_peer_t *
ec_effective_match(const ec_peer_t *peers, uint32_t n,
    const struct sockaddr *client)
{
    const ec_peer_t *best = NULL;
    uint8_t          addr[16];
    int              family;
    uint32_t         i;

    if (client == NULL || ec_client_addr(client, &family, addr) != 0) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        const ec_peer_t *p = &peers[i];

        if (p->family == family && ec_prefix_match(p->addr, addr, p->bits)
            && (best == NULL || p->bits > best->bits)) {
            best = p;
        }
    }
    return best;
}


void
ec_effective_endpoint(const ec_listen_t *listen,
    const struct sockaddr *client, ec_endpoint_t *ep)
{
    ep->listener = listen->listener;
    ep->listen = listen;
    ep->peer = ec_effective_match(listen->peers, listen->npeers, client);
    ep->lpeer = ec_effective_match(listen->listener->peers,
                                   listen->listener->npeers, client);
}
