/* ecconf: core scopes, the options common to all modules, the keys of the
 * Auth*Parameters hashes and the auth URI schemes of the core. */

#include <stdio.h>
#include <string.h>

#include "modules/table_defs.h"

#define LISTEN_PARENTS (EC_BIT(EC_SCOPE_CONTROL_LISTENER) \
    | EC_BIT(EC_SCOPE_ECSTREAM_LISTENER) | EC_BIT(EC_SCOPE_ESMTP_LISTENER) \
    | EC_BIT(EC_SCOPE_HTTP_LISTENER) | EC_BIT(EC_SCOPE_MSGCSERVER_LISTENER) \
    | EC_BIT(EC_SCOPE_XMPP_LISTENER))
#define PEER_PARENTS (EC_BIT(EC_SCOPE_CONTROL_LISTENER) \
    | EC_BIT(EC_SCOPE_ECSTREAM_LISTENER) | EC_BIT(EC_SCOPE_ESMTP_LISTENER) \
    | EC_BIT(EC_SCOPE_HTTP_LISTENER) | EC_BIT(EC_SCOPE_XMPP_LISTENER) \
    | EC_BIT(EC_SCOPE_LISTEN))
#define G EC_BIT(EC_SCOPE_GLOBAL)

/* A core scope row: name, id, naming, kind, instance type, flags, core
 * parents. */
#define CORE(k, n, id, naming, inst, f, parents, h) \
    [k] = { n, id, naming, k, inst, f, parents, NULL, NULL, 0, NULL, h }

const ec_scope_t ec_table_core_scopes[EC_SCOPE__CORE_COUNT] = {
    CORE(EC_SCOPE_GLOBAL, "Global", "global", EC_NAMING_ANON,
         EC_TYPE_STRING, EC_SCOPE_ACTED, 0, "the top level of the file"),
    CORE(EC_SCOPE_ESMTP_LISTENER, "ESMTP_Listener", "esmtp_listener",
         EC_NAMING_ANON, EC_TYPE_STRING, EC_SCOPE_ACTED, G,
         "inbound SMTP service"),
    CORE(EC_SCOPE_CONTROL_LISTENER, "Control_Listener", "control_listener",
         EC_NAMING_ANON, EC_TYPE_STRING, 0, G, "ec_console endpoints"),
    CORE(EC_SCOPE_HTTP_LISTENER, "HTTP_Listener", "http_listener",
         EC_NAMING_ANON, EC_TYPE_STRING, EC_SCOPE_ACTED, G,
         "inbound HTTP service"),
    CORE(EC_SCOPE_ECSTREAM_LISTENER, "ECStream_Listener",
         "ecstream_listener", EC_NAMING_ANON, EC_TYPE_STRING, 0, G,
         "ECStream injection"),
    CORE(EC_SCOPE_XMPP_LISTENER, "XMPP_Listener", "xmpp_listener",
         EC_NAMING_ANON, EC_TYPE_STRING, 0, G, "XMPP service"),
    CORE(EC_SCOPE_ECCLUSTER_LISTENER, "ECCluster_Listener",
         "eccluster_listener", EC_NAMING_ANON, EC_TYPE_STRING, 0, G,
         "cluster manager endpoint"),
    CORE(EC_SCOPE_MSGCSERVER_LISTENER, "msgcserver_Listener",
         "msgcserver_listener", EC_NAMING_ANON, EC_TYPE_STRING, 0, G,
         "message cluster server endpoint"),
    CORE(EC_SCOPE_LISTEN, "Listen", "listen", EC_NAMING_NAMED,
         EC_TYPE_SOCKADDR, EC_SCOPE_ACTED, LISTEN_PARENTS,
         "one socket of a listener"),
    CORE(EC_SCOPE_PEER, "Peer", "peer", EC_NAMING_NAMED, EC_TYPE_CIDR,
         EC_SCOPE_ACTED, PEER_PARENTS,
         "settings for clients in an address range"),
    CORE(EC_SCOPE_PATHWAY, "Pathway", "pathway", EC_NAMING_NAMED,
         EC_TYPE_STRING, 0, G | EC_BIT(EC_SCOPE_PATHWAY_GROUP),
         "inbound option group bound with the pathway option"),
    CORE(EC_SCOPE_PATHWAY_GROUP, "Pathway_Group", "pathway_group",
         EC_NAMING_NAMED, EC_TYPE_STRING, 0, G, "group of pathways"),
    CORE(EC_SCOPE_BINDING, "Binding", "binding", EC_NAMING_NAMED,
         EC_TYPE_STRING, 0, G | EC_BIT(EC_SCOPE_BINDING_GROUP),
         "outbound source address and its settings"),
    CORE(EC_SCOPE_BINDING_GROUP, "Binding_Group", "binding_group",
         EC_NAMING_NAMED, EC_TYPE_STRING, 0, G, "group of bindings"),
    CORE(EC_SCOPE_DOMAIN, "Domain", "domain", EC_NAMING_NAMED,
         EC_TYPE_STRING, 0,
         G | EC_BIT(EC_SCOPE_BINDING) | EC_BIT(EC_SCOPE_BINDING_GROUP),
         "settings for one destination domain"),
    CORE(EC_SCOPE_HOST, "Host", "host", EC_NAMING_NAMED, EC_TYPE_STRING, 0,
         G | EC_BIT(EC_SCOPE_BINDING) | EC_BIT(EC_SCOPE_BINDING_GROUP),
         "settings for one MX host"),
    CORE(EC_SCOPE_THREADPOOL, "ThreadPool", "threadpool", EC_NAMING_NAMED,
         EC_TYPE_STRING, 0, G, "worker thread pool"),
    CORE(EC_SCOPE_EVENTLOOP, "EventLoop", "eventloop", EC_NAMING_NAMED,
         EC_TYPE_STRING, EC_SCOPE_RESTART | EC_SCOPE_OPEN, G,
         "extra event loop"),
    CORE(EC_SCOPE_SECURITY, "Security", "security", EC_NAMING_ANON,
         EC_TYPE_STRING, EC_SCOPE_RESTART, G, "privilege drop"),
    CORE(EC_SCOPE_DEBUG_FLAGS, "Debug_Flags", "debug_flags",
         EC_NAMING_ANON, EC_TYPE_STRING, 0, G,
         "debug categories logged at each level"),
    CORE(EC_SCOPE_SNMP, "SNMP", "snmp", EC_NAMING_ANON, EC_TYPE_STRING,
         EC_SCOPE_RESTART, G, "SNMP agent"),
    CORE(EC_SCOPE_SNMP_TRAPS, "SNMP_Traps", "snmp_traps", EC_NAMING_ANON,
         EC_TYPE_STRING, EC_SCOPE_RESTART, G, "SNMP traps"),
    CORE(EC_SCOPE_SNMP_DESTINATION, "Destination", "snmp_traps.destination",
         EC_NAMING_NAMED, EC_TYPE_STRING, EC_SCOPE_RESTART | EC_SCOPE_OPEN,
         EC_BIT(EC_SCOPE_SNMP_TRAPS), "trap receiver"),
    CORE(EC_SCOPE_AUTHORIZATION, "Authorization", "authorization",
         EC_NAMING_ANON, EC_TYPE_STRING, 0, G, "console command roles"),
    CORE(EC_SCOPE_ROLE, "Role", "authorization.role", EC_NAMING_NAMED,
         EC_TYPE_STRING, 0, EC_BIT(EC_SCOPE_AUTHORIZATION),
         "commands a role may run"),
    CORE(EC_SCOPE_AUTHZ_REPLICATE, "Replicate", "authorization.replicate",
         EC_NAMING_OPTIONAL, EC_TYPE_STRING, EC_SCOPE_OPEN,
         EC_BIT(EC_SCOPE_AUTHORIZATION),
         "listed under Authorization by the option summary"),
    CORE(EC_SCOPE_ADAPTIVE_SWEEP_RULE, "adaptive_sweep_rule",
         "adaptive_sweep_rule", EC_NAMING_NAMED, EC_TYPE_STRING, 0,
         G | EC_BIT(EC_SCOPE_BINDING) | EC_BIT(EC_SCOPE_BINDING_GROUP)
         | EC_BIT(EC_SCOPE_DOMAIN), "adaptive delivery rule"),
    CORE(EC_SCOPE_ADAPTIVE_BACKSTORE_LEVELDB, "adaptive_backstore_leveldb",
         "adaptive_backstore_leveldb", EC_NAMING_OPTIONAL, EC_TYPE_STRING,
         EC_SCOPE_OPEN, G, "adaptive delivery store"),
    CORE(EC_SCOPE_ADAPTIVE_BACKSTORE_RIAK, "adaptive_backstore_riak",
         "adaptive_backstore_riak", EC_NAMING_OPTIONAL, EC_TYPE_STRING,
         EC_SCOPE_OPEN, G, "adaptive delivery store"),
    CORE(EC_SCOPE_BINDING_AUTO_REPLUMB, "binding_auto_replumb",
         "binding_auto_replumb", EC_NAMING_OPTIONAL, EC_TYPE_STRING,
         EC_SCOPE_OPEN, G, "listed as a scope by the option summary"),
    CORE(EC_SCOPE_BINDING_AUTO_REPLUMB_INTERVAL,
         "binding_auto_replumb_interval", "binding_auto_replumb_interval",
         EC_NAMING_OPTIONAL, EC_TYPE_STRING, EC_SCOPE_OPEN, G,
         "listed as a scope by the option summary"),
};

static const char *const debug_levels[] = {
    "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", NULL
};

const ec_option_t ec_table_module_common[EC_TABLE_MODULE_NCOMMON] = {
    EC_ROW("enabled", EC_TYPE_BOOL, EC_OPT_ACTED, "true",
           "false loads the module passive"),
    EC_ROW_ENUM("debug_level", 0, "ERROR", debug_levels,
                "lowest level of module messages written to the paniclog"),
};

const ec_option_t ec_table_auth_keys[EC_TABLE_AUTH_NKEYS] = {
    { "uri", EC_TYPE_STRING, EC_OPT_REQUIRED | EC_OPT_ACTED, 0, NULL, NULL,
      NULL, 0, 0, 0, ec_table_check_auth_uri,
      "SCHEME://REST naming the credential store" },
    EC_ROW("log_authentication", EC_TYPE_BOOL, EC_OPT_ACTED, "false",
           "log each attempt (acctlog and the auth log)"),
    EC_ROW("realm", EC_TYPE_STRING, EC_OPT_ACTED, NULL,
           "DIGEST-MD5 realm; the host name when unset"),
    EC_ROW("stored_cleartext", EC_TYPE_BOOL, 0, "false",
           "the store holds cleartext passwords, not hashes"),
};

const ec_option_t ec_table_authz_keys[EC_TABLE_AUTHZ_NKEYS] = {
    { "uri", EC_TYPE_STRING, EC_OPT_REQUIRED, 0, NULL, NULL, NULL, 0, 0,
      0, ec_table_check_auth_uri, "SCHEME://REST naming the group store" },
    EC_ROW("log_authentication", EC_TYPE_BOOL, 0, "false",
           "log each authorization decision"),
};

const ec_scheme_t ec_table_core_schemes[EC_TABLE_CORE_NSCHEMES] = {
    { "file", EC_CLEAR_YES, EC_SCHEME_ECCONFD | EC_SCHEME_PATH,
      "user:password lines in a text file" },
    { "digest", EC_CLEAR_NO, EC_SCHEME_ECCONFD | EC_SCHEME_PATH,
      "user:realm:md5 lines (htdigest format)" },
    { "groups", EC_CLEAR_NO, EC_SCHEME_AUTHZ_ONLY | EC_SCHEME_PATH,
      "group:user,... lines, for AuthorizationParameters only" },
};


static int
isalnum_ascii(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9');
}


/* Momentum sends Static_Banner as the greeting line, so it must carry
 * the 220 reply code itself. */
int
ec_table_check_banner(const ec_option_t *opt, const char *text,
        size_t len, char *why, size_t whylen)
{
    (void)opt;
    if (len >= 3 && memcmp(text, "220", 3) == 0
        && (len == 3 || text[3] == ' ' || text[3] == '-'))
        return 0;
    snprintf(why, whylen, "a static banner must start with the reply "
             "code 220, e.g. \"220 mx.example.com ESMTP\"");
    return -1;
}


/* Only the form is checked here; whether a declared module registers the
 * scheme is up to the compiler, which knows the module stanzas. */
int
ec_table_check_auth_uri(const ec_option_t *opt, const char *text,
        size_t len, char *why, size_t whylen)
{
    size_t i = 0;

    (void)opt;
    while (i < len && (isalnum_ascii(text[i]) || text[i] == '_'
                       || text[i] == '-' || text[i] == '+'
                       || text[i] == '.'))
        i++;
    if (i > 0 && i + 3 <= len && memcmp(text + i, "://", 3) == 0)
        return 0;
    snprintf(why, whylen, "invalid auth URI \"%.*s\": expected "
             "SCHEME://..., e.g. \"file:///etc/momentum/users\"",
             (int)(len > 200 ? 200 : len), text);
    return -1;
}
