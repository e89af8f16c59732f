/* ecconf: the runtime configuration that ecconfd builds from a loaded
 * syntax tree: listeners, their effective settings, auth bindings. */
#ifndef EC_RTCONF_H
#define EC_RTCONF_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>

#include "grammar/ast.h"
#include "runtime/authdispatch.h"
#include "lua/ec_lua.h"
#include "runtime/diag.h"

#define EC_RTCONF_ADDR_MAX 256

typedef enum {
    EC_LISTEN_TCP = 1,
    EC_LISTEN_UNIX
} ec_listen_family_t;

/* A client address as the Peer and Relay_Hosts matchers see it. */
typedef struct ec_netaddr {
    int             family;         /* AF_INET, AF_INET6, or AF_UNIX */
    uint8_t         bytes[16];
} ec_netaddr_t;

typedef struct ec_cidr {
    ec_netaddr_t    addr;
    unsigned        prefix;
} ec_cidr_t;

/* A Peer scope: its CIDR and the option statements it contains. */
typedef struct ec_rtpeer {
    ec_cidr_t        cidr;
    const ec_node_t *children;
} ec_rtpeer_t;

/* Effective values for one connection, after the fallback chain
 * Listen::Peer > Listen > Listener::Peer > Listener > global > default. */
typedef struct ec_settings {
    int             enable;
    int             listen_backlog;
    int             idle_time;          /* seconds, 0 for no limit */
    uint64_t        max_message_size;   /* bytes, 0 for no limit */
    int             open_relay;
    int             relay_host;         /* client matches Relay_Hosts */
    int             listener_sessions;  /* 0 for no limit */
    int             enable_authentication;
    int             log_requests;       /* Log_Requests_to_Paniclog */
    int             always_allow;
    int             always_deny;
    const char     *hostname;           /* Banner_Hostname or Hostname */
    unsigned        mechs;              /* EC_MECH_* from SMTP_Extensions */
    const ec_authbind_t *login;
    const ec_authbind_t *plain;
    const ec_authbind_t *cram;
    unsigned        file_mode;          /* Unix sockets */
} ec_settings_t;

/* One Listen scope of an ESMTP_Listener or HTTP_Listener. */
typedef struct ec_rtconf ec_rtconf_t;

typedef struct ec_rtlisten {
    const ec_rtconf_t  *rc;             /* the generation it belongs to */
    ec_proto_t          proto;
    const char         *listener;       /* "ESMTP_Listener"... */
    const char         *addr_text;      /* as written, e.g. "[::1]:25" */
    char                key[EC_RTCONF_ADDR_MAX]; /* socket identity */
    ec_listen_family_t  family;
    struct sockaddr_storage sa;
    socklen_t           salen;
    const char         *unix_path;
    const ec_node_t    *listener_children;
    const ec_node_t    *listen_children;
    ec_rtpeer_t        *listener_peers;
    unsigned            nlistener_peers;
    ec_rtpeer_t        *listen_peers;
    unsigned            nlisten_peers;
    ec_settings_t       base;           /* settings for no matching Peer */
} ec_rtlisten_t;


/* A runtime configuration generation. Shared by every worker thread and
 * every session that started under it; freed when the last reference
 * goes. */
struct ec_rtconf {
    atomic_int          refs;
    unsigned            generation;
    ec_tree_t          *tree;
    const char         *conf_path;      /* absolute */
    ec_rtlisten_t      *listens;
    unsigned            nlistens;
    ec_authbind_t      *binds;
    unsigned            nbinds;
    ec_lua_script_t    *scripts;        /* scriptlet scripts, resolved */
    unsigned            nscripts;
    /* scriptlet limits per hook call (memory: per Lua state); 0 without
     * a scriptlet stanza, which leaves the Lua defaults */
    uint64_t            lua_max_instructions;
    uint64_t            lua_max_memory;         /* bytes */
    unsigned            lua_timeout_ms;
    int                 ac_auth;        /* ac_auth {} present */
    const char         *paniclog;       /* NULL: stderr */
    const char         *acctlog;
    const char         *sqlite_db;
    const char         *spool;
    const char         *pidfile;
    char                hostname[256];
};

/* Load path, check what the runtime needs and build a generation with one
 * reference. Errors (with file:line) go to diag; returns NULL on any. */
ec_rtconf_t *ec_rtconf_load(const char *path, ec_diag_t *diag);

/* Build a generation from a tree loaded without errors (ec_load_file or
 * ec_load_buffer); path names the configuration in messages. The
 * generation takes the tree, and so does the NULL returned on errors:
 * either way the caller must not free it. */
ec_rtconf_t *ec_rtconf_build(ec_tree_t *tree, const char *path,
                ec_diag_t *diag);

/* The Lua settings of rc: its scripts and the scriptlet limits
 * (max_instructions, max_memory, timeout), no log hook. */
void        ec_rtconf_lua_config(const ec_rtconf_t *rc,
                ec_lua_config_t *cfg);

ec_rtconf_t *ec_rtconf_ref(ec_rtconf_t *rc);
void        ec_rtconf_unref(ec_rtconf_t *rc);

/* Compute the effective settings of a Listen for a client address (NULL
 * for none: the Listen's own values). */
void        ec_rtconf_resolve(const ec_rtlisten_t *l,
                const struct sockaddr *client, ec_settings_t *out);

int         ec_netaddr_from_sockaddr(ec_netaddr_t *out,
                const struct sockaddr *sa);
int         ec_cidr_parse(ec_cidr_t *out, const char *text);
int         ec_cidr_match(const ec_cidr_t *c, const ec_netaddr_t *a);

#endif
