/* ecconf: effective option values of each listener endpoint, through
 * the inbound fallback chain, and their dumps.
 *
 * For an endpoint (a Listen, optionally with a client's Peer) an option
 * takes the first value found in:
 *
 *   Peer inside the Listen > Listen > Peer of the listener > listener
 *   > Pathway_Group::Pathway > Pathway > Pathway_Group > global > default
 *
 * where the three pathway scopes are those named by the endpoint's own
 * effective "pathway" option. */
#ifndef EC_EFFECTIVE_H
#define EC_EFFECTIVE_H

#include <stdio.h>
#include <sys/socket.h>

#include "runtime/compile.h"

/* A Listen as one client sees it. peer and lpeer are the most specific
 * matching Peer of the Listen and of the listener; either may be NULL. */
typedef struct ec_endpoint {
    const ec_listener_t *listener;
    const ec_listen_t   *listen;
    const ec_peer_t     *peer;
    const ec_peer_t     *lpeer;
} ec_endpoint_t;

/* The scope an effective value came from. */
typedef enum {
    EC_FROM_NONE = 0,           /* unset and without a default */
    EC_FROM_DEFAULT,
    EC_FROM_PEER,
    EC_FROM_LISTEN,
    EC_FROM_LISTENER_PEER,
    EC_FROM_LISTENER,
    EC_FROM_GROUP_PATHWAY,      /* Pathway inside a Pathway_Group */
    EC_FROM_PATHWAY,
    EC_FROM_PATHWAY_GROUP,
    EC_FROM_GLOBAL
} ec_origin_t;

typedef struct ec_value {
    const ec_option_t  *option;
    const ec_node_t    *node;       /* the statement; NULL for a default */
    const char         *dflt;       /* the table default when node is NULL */
    uint8_t             origin;     /* ec_origin_t */
} ec_value_t;

/* The effective value of the option named key (any case) at ep. Returns
 * 0 with *out filled (origin EC_FROM_DEFAULT when only the table has a
 * value), 1 when the option is unset and has no default, -1 when no
 * option of that name applies to a Listen or Peer. */
int     ec_effective_get(const ec_compiled_t *c, const ec_endpoint_t *ep,
            const char *key, ec_value_t *out);

/* The same for a table row. */
int     ec_effective_lookup(const ec_compiled_t *c, const ec_endpoint_t *ep,
            const ec_option_t *row, ec_value_t *out);

/* The text of a one-value setting or default, else NULL. */
const char *ec_value_text(const ec_value_t *v);

/* "FILE:LINE" of the statement, or "default". */
void    ec_value_source(const ec_compiled_t *c, const ec_value_t *v,
            char *buf, size_t len);

/* "Listen", "Peer", "ESMTP_Listener", "Pathway", "default", ... */
const char *ec_origin_name(const ec_value_t *v, const ec_endpoint_t *ep);

/* The most specific Peer of peers[] that contains the client address,
 * or NULL. IPv4 clients on IPv6 sockets (::ffff:a.b.c.d) match IPv4
 * Peers; Unix sockets match as 127.0.0.1. */
const ec_peer_t *ec_effective_match(const ec_peer_t *peers, uint32_t n,
            const struct sockaddr *client);

/* The endpoint of listen for a client address (NULL: no Peer). */
void    ec_effective_endpoint(const ec_listen_t *listen,
            const struct sockaddr *client, ec_endpoint_t *ep);

/* Every listener, Listen and Peer with each option that applies, its
 * value and source. Secrets (EC_OPT_SECRET rows and keys, passwords in
 * URIs) print as "(secret)" unless show_secrets is set. */
void    ec_effective_dump_text(FILE *out, const ec_compiled_t *c,
            int show_secrets);
void    ec_effective_dump_json(FILE *out, const ec_compiled_t *c,
            int show_secrets);

#endif
