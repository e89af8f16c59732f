/* ecconf: effective per-connection settings of a Listen, and the address
 * matching that Peer scopes and Relay_Hosts need. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/rtconf.h"
#include "runtime/rtconf_tree.h"

#define EC_DEFAULT_BACKLOG   500
#define EC_DEFAULT_IDLE_TIME 300
#define EC_DEFAULT_FILE_MODE 0660


int
ec_netaddr_from_sockaddr(ec_netaddr_t *out, const struct sockaddr *sa)
{
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                        0xff, 0xff };
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) sa;

    memset(out, 0, sizeof(*out));
    if (sa->sa_family == AF_INET) {
        out->family = AF_INET;
        memcpy(out->bytes, &((const struct sockaddr_in *) sa)->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6
            && memcmp(in6->sin6_addr.s6_addr, mapped, 12) == 0) {
        out->family = AF_INET;
        memcpy(out->bytes, in6->sin6_addr.s6_addr + 12, 4);
    } else if (sa->sa_family == AF_INET6) {
        out->family = AF_INET6;
        memcpy(out->bytes, in6->sin6_addr.s6_addr, 16);
    } else if (sa->sa_family == AF_UNIX) {
        /* A local socket client matches Peer and Relay_Hosts entries as
         * the loopback address does. */
        out->family = AF_INET;
        out->bytes[0] = 127;
        out->bytes[3] = 1;
    } else {
        return -1;
    }
    return 0;
}


/* "1.2.3.4", "1.2.3.0/24", "::1", "[::1]", "2001:db8::/32". */
int
ec_cidr_parse(ec_cidr_t *out, const char *text)
{
    char        buf[INET6_ADDRSTRLEN + 8];
    char       *slash;
    long long   prefix = -1;
    size_t      len = strlen(text);

    if (len + 1 > sizeof(buf))
        return -1;
    memcpy(buf, text, len + 1);
    slash = strchr(buf, '/');
    if (slash != NULL) {
        *slash++ = '\0';
        if (ec_rttree_parse_int(slash, &prefix) < 0 || prefix < 0)
            return -1;
    }
    if (buf[0] == '[' && buf[strlen(buf) - 1] == ']') {
        buf[strlen(buf) - 1] = '\0';
        memmove(buf, buf + 1, strlen(buf));
    }

    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, buf, out->addr.bytes) == 1)
        out->addr.family = AF_INET;
    else if (inet_pton(AF_INET6, buf, out->addr.bytes) == 1)
        out->addr.family = AF_INET6;
    else
        return -1;

    len = out->addr.family == AF_INET ? 32 : 128;
    if (prefix > (long long) len)
        return -1;
    out->prefix = prefix < 0 ? (unsigned) len : (unsigned) prefix;
    return 0;
}


int
ec_cidr_match(const ec_cidr_t *c, const ec_netaddr_t *a)
{
    unsigned whole = c->prefix / 8;
    unsigned bits = c->prefix % 8;
    uint8_t  mask;

    if (c->addr.family != a->family)
        return 0;
    if (memcmp(c->addr.bytes, a->bytes, whole) != 0)
        return 0;
    if (bits == 0)
        return 1;
    mask = (uint8_t) (0xff << (8 - bits));
    return (c->addr.bytes[whole] & mask) == (a->bytes[whole] & mask);
}


/* The matching Peer with the longest prefix, or NULL. */
static const ec_node_t *
ec_rtconf_best_peer(const ec_rtpeer_t *peers, unsigned n,
        const ec_netaddr_t *client)
{
    const ec_rtpeer_t *best = NULL;
    unsigned           i;

    if (client == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        if (!ec_cidr_match(&peers[i].cidr, client))
            continue;
        if (best == NULL || peers[i].cidr.prefix > best->cidr.prefix)
            best = &peers[i];
    }
    return best != NULL ? best->children : NULL;
}


static const ec_authbind_t *
ec_rtconf_bind(const ec_rtlisten_t *l, const ec_rtchain_t *c,
        const char *key)
{
    const ec_node_t *opt = ec_rtchain_option(c, key);
    unsigned         i;

    if (opt == NULL)
        return NULL;
    for (i = 0; i < l->rc->nbinds; i++) {
        if (l->rc->binds[i].node == opt)
            return &l->rc->binds[i];
    }
    return NULL;
}


/* Mechanisms named by "AUTH X Y" entries of SMTP_Extensions. */
static unsigned
ec_rtconf_mechs(const ec_rtchain_t *c)
{
    const ec_node_t *opt = ec_rtchain_option(c, "smtp_extensions");
    unsigned         mechs = 0;
    uint32_t         i;
    char             buf[256];
    char            *tok;
    char            *save;

    if (opt == NULL || opt->vkind != EC_VALUE_ARRAY)
        return 0;
    for (i = 0; i < opt->count; i++) {
        snprintf(buf, sizeof(buf), "%s", opt->u.items[i].text);
        tok = strtok_r(buf, " \t", &save);
        if (tok == NULL || strcasecmp(tok, "auth") != 0)
            continue;
        while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
            if (strcasecmp(tok, "login") == 0)
                mechs |= EC_MECH_LOGIN;
            else if (strcasecmp(tok, "plain") == 0)
                mechs |= EC_MECH_PLAIN;
            else if (strcasecmp(tok, "cram-md5") == 0)
                mechs |= EC_MECH_CRAM;
        }
    }
    return mechs;
}


static int
ec_rtconf_relay_match(const ec_rtchain_t *c, const ec_netaddr_t *client)
{
    const ec_node_t *opt = ec_rtchain_option(c, "relay_hosts");
    ec_cidr_t        cidr;
    uint32_t         i;

    if (opt == NULL || client == NULL || opt->vkind != EC_VALUE_ARRAY)
        return 0;
    for (i = 0; i < opt->count; i++) {
        if (ec_cidr_parse(&cidr, opt->u.items[i].text) == 0
                && ec_cidr_match(&cidr, client))
            return 1;
    }
    return 0;
}


static void
ec_rtconf_fill(const ec_rtlisten_t *l, const ec_rtchain_t *c,
        const ec_netaddr_t *client, ec_settings_t *s)
{
    const char *mode;

    memset(s, 0, sizeof(*s));
    s->enable = ec_rtchain_bool(c, "enable", 1);
    s->listen_backlog = (int) ec_rtchain_int(c, "listen_backlog",
            EC_DEFAULT_BACKLOG);
    s->idle_time = (int) ec_rtchain_int(c, "idle_time",
            EC_DEFAULT_IDLE_TIME);
    s->max_message_size = (uint64_t) ec_rtchain_int(c, "max_message_size",
            0);
    s->open_relay = ec_rtchain_bool(c, "open_relay", 0);
    s->relay_host = ec_rtconf_relay_match(c, client);
    s->listener_sessions = (int) ec_rtchain_int(c, "listener_sessions", 0);
    s->enable_authentication = ec_rtchain_bool(c, "enable_authentication",
            0);
    s->log_requests = ec_rtchain_bool(c, "log_requests_to_paniclog", 0);
    s->always_allow = ec_rtchain_bool(c, "always_allow", 0);
    s->always_deny = ec_rtchain_bool(c, "always_deny", 0);
    s->hostname = ec_rtchain_string(c, "banner_hostname",
            ec_rtchain_string(c, "hostname", l->rc->hostname));
    s->mechs = ec_rtconf_mechs(c);
    s->login = ec_rtconf_bind(l, c, "authloginparameters");
    s->plain = ec_rtconf_bind(l, c, "authplainparameters");
    s->cram = ec_rtconf_bind(l, c, "authcrammd5parameters");

    mode = ec_rtchain_string(c, "file_mode", NULL);
    s->file_mode = mode != NULL ? (unsigned) strtoul(mode, NULL, 8)
        : EC_DEFAULT_FILE_MODE;
}


/* Arguments of the scope visitors below. */
typedef struct ec_pathway_find {
    const char      *name;          /* pathway "NAME" wanted */
    const ec_node_t *pathway;       /* global Pathway "NAME" */
    const ec_node_t *in_group;      /* Pathway "NAME" in a Pathway_Group */
    const ec_node_t *group;         /* that Pathway_Group */
} ec_pathway_find_t;


static int
ec_rtconf_instance_is(const ec_node_t *scope, const char *name)
{
    return scope->u.scope.instance != NULL
        && strcmp(scope->u.scope.instance->text, name) == 0;
}


static void
ec_rtconf_visit_pathway(const ec_node_t *scope, void *arg)
{
    ec_pathway_find_t *f = arg;

    if (f->pathway == NULL && ec_rtconf_instance_is(scope, f->name))
        f->pathway = scope;
}


static void
ec_rtconf_visit_group_pathway(const ec_node_t *scope, void *arg)
{
    ec_pathway_find_t *f = arg;

    if (f->in_group == NULL && ec_rtconf_instance_is(scope, f->name))
        f->in_group = scope;
}


static void
ec_rtconf_visit_group(const ec_node_t *scope, void *arg)
{
    ec_pathway_find_t *f = arg;

    if (f->in_group != NULL)
        return;
    ec_rttree_scopes(scope->u.scope.children, "pathway",
            ec_rtconf_visit_group_pathway, f);
    if (f->in_group != NULL)
        f->group = scope;
}


/* Append the pathway chain of the option "pathway = NAME", as the chain
 * of the scopes so far sets it: Pathway_Group::Pathway, then Pathway,
 * then the Pathway_Group, all before the global scope. */
static void
ec_rtconf_add_pathway(ec_rtchain_t *c, const ec_node_t *root)
{
    const ec_node_t  *opt = ec_rtchain_option(c, "pathway");
    ec_pathway_find_t f;

    if (opt == NULL || opt->vkind != EC_VALUE_SCALAR)
        return;
    memset(&f, 0, sizeof(f));
    f.name = opt->u.scalar.text;
    ec_rttree_scopes(root, "pathway_group", ec_rtconf_visit_group, &f);
    ec_rttree_scopes(root, "pathway", ec_rtconf_visit_pathway, &f);
    c->scopes[c->n++] = f.in_group != NULL ? f.in_group->u.scope.children
                                           : NULL;
    c->scopes[c->n++] = f.pathway != NULL ? f.pathway->u.scope.children
                                          : NULL;
    c->scopes[c->n++] = f.group != NULL ? f.group->u.scope.children : NULL;
}


void
ec_rtconf_resolve(const ec_rtlisten_t *l, const struct sockaddr *client,
        ec_settings_t *out)
{
    ec_netaddr_t  addr;
    ec_netaddr_t *a = NULL;
    ec_rtchain_t  c;

    if (client != NULL && ec_netaddr_from_sockaddr(&addr, client) == 0)
        a = &addr;

    c.n = 0;
    c.scopes[c.n++] = ec_rtconf_best_peer(l->listen_peers, l->nlisten_peers,
            a);
    c.scopes[c.n++] = l->listen_children;
    c.scopes[c.n++] = ec_rtconf_best_peer(l->listener_peers,
            l->nlistener_peers, a);
    c.scopes[c.n++] = l->listener_children;
    ec_rtconf_add_pathway(&c, l->rc->tree->root);
    c.scopes[c.n++] = l->rc->tree->root;

    /* Without a matching Peer only Relay_Hosts depends on the client, so
     * the precomputed Listen values serve (base.hostname marks them). */
    if (c.scopes[0] == NULL && c.scopes[2] == NULL
            && l->base.hostname != NULL) {
        *out = l->base;
        out->relay_host = ec_rtconf_relay_match(&c, a);
        return;
    }
    ec_rtconf_fill(l, &c, a, out);
}
