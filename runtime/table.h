/* ecconf: the module table, every module, scope and option ecconf accepts,
 * and the lookups, value checks and listings built on it. */
#ifndef EC_TABLE_H
#define EC_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Value types. EC_TYPE_ANY marks an option whose type the documentation
 * does not establish: any scalar is accepted and --modules reports it. */
typedef enum {
    EC_TYPE_ANY = 0,
    EC_TYPE_STRING,
    EC_TYPE_INT,            /* signed, 32-bit unless a range is set */
    EC_TYPE_UINT64,
    EC_TYPE_SIZE,           /* bytes, unsigned, no unit suffix */
    EC_TYPE_PERMS,          /* octal file mode, 0 .. 07777 */
    EC_TYPE_BOOL,
    EC_TYPE_FLOAT,
    EC_TYPE_ENUM,           /* one of values[], any case */
    EC_TYPE_SOCKADDR,       /* listen address or socket path */
    EC_TYPE_CIDR,           /* IPv4/IPv6 address with optional /bits */
    EC_TYPE_THROTTLE,       /* N or N/seconds */
    EC_TYPE_REGEX,          /* PCRE syntax, checked for balance only */
    EC_TYPE_HASH,           /* [ key = value ... ], keys in keys[] */
    EC_TYPE__COUNT
} ec_type_t;

/* Option flags. */
#define EC_OPT_ARRAY        0x0001  /* takes ( v ... ); one scalar is a
                                     * list of one */
#define EC_OPT_RESTART      0x0002  /* non-dynamic: a change needs a
                                     * restart, a reload only warns */
#define EC_OPT_SECRET       0x0004  /* redacted in dumps and logs */
#define EC_OPT_ACTED        0x0008  /* ecconfd acts on it */
#define EC_OPT_DEPRECATED   0x0010
#define EC_OPT_RANGE        0x0020  /* min/max are set */
#define EC_OPT_EXTENSION    0x0040  /* ecconf's own, not Momentum's */
#define EC_OPT_OPEN_KEYS    0x0080  /* hash: keys beyond keys[] allowed */
#define EC_OPT_REQUIRED     0x0100  /* hash key that must be present */

/* Core scope kinds, also the bit numbers of ec_option_t.scopes. Module
 * stanzas and their sub-scopes have no bit: their options are listed in
 * their scope row instead. */
typedef enum {
    EC_SCOPE_GLOBAL = 0,
    EC_SCOPE_ESMTP_LISTENER,
    EC_SCOPE_CONTROL_LISTENER,
    EC_SCOPE_HTTP_LISTENER,
    EC_SCOPE_ECSTREAM_LISTENER,
    EC_SCOPE_XMPP_LISTENER,
    EC_SCOPE_ECCLUSTER_LISTENER,
    EC_SCOPE_MSGCSERVER_LISTENER,
    EC_SCOPE_LISTEN,
    EC_SCOPE_PEER,
    EC_SCOPE_PATHWAY,
    EC_SCOPE_PATHWAY_GROUP,
    EC_SCOPE_BINDING,
    EC_SCOPE_BINDING_GROUP,
    EC_SCOPE_DOMAIN,
    EC_SCOPE_HOST,
    EC_SCOPE_THREADPOOL,
    EC_SCOPE_EVENTLOOP,
    EC_SCOPE_SECURITY,
    EC_SCOPE_DEBUG_FLAGS,
    EC_SCOPE_SNMP,
    EC_SCOPE_SNMP_TRAPS,
    EC_SCOPE_SNMP_DESTINATION,
    EC_SCOPE_AUTHORIZATION,
    EC_SCOPE_ROLE,
    EC_SCOPE_AUTHZ_REPLICATE,
    EC_SCOPE_ADAPTIVE_SWEEP_RULE,
    EC_SCOPE_ADAPTIVE_BACKSTORE_LEVELDB,
    EC_SCOPE_ADAPTIVE_BACKSTORE_RIAK,
    EC_SCOPE_BINDING_AUTO_REPLUMB,
    EC_SCOPE_BINDING_AUTO_REPLUMB_INTERVAL,
    EC_SCOPE__CORE_COUNT
} ec_core_scope_t;

#define EC_SCOPE_NONE       0xff    /* ec_scope_t.core of a module scope */
#define EC_BIT(s)           ((uint64_t)1 << (s))

/* The seven listener scopes, as a mask. */
#define EC_LISTENERS (EC_BIT(EC_SCOPE_ESMTP_LISTENER) \
    | EC_BIT(EC_SCOPE_CONTROL_LISTENER) | EC_BIT(EC_SCOPE_HTTP_LISTENER) \
    | EC_BIT(EC_SCOPE_ECSTREAM_LISTENER) | EC_BIT(EC_SCOPE_XMPP_LISTENER) \
    | EC_BIT(EC_SCOPE_ECCLUSTER_LISTENER) \
    | EC_BIT(EC_SCOPE_MSGCSERVER_LISTENER))

typedef struct ec_option ec_option_t;

/* Extra check run after the type check; returns 0 or -1 with a message
 * in why (lowercase, no final period). */
typedef int (*ec_validator_fn)(const ec_option_t *opt, const char *text,
        size_t len, char *why, size_t whylen);

/* One option, or one key of a hash option. */
struct ec_option {
    const char         *name;       /* canonical spelling */
    uint8_t             type;       /* ec_type_t */
    uint16_t            flags;      /* EC_OPT_* */
    uint64_t            scopes;     /* core scope bits; 0 in module rows */
    const char         *dflt;       /* default as text, or NULL */
    const char *const  *values;     /* enum values, NULL-terminated */
    const ec_option_t  *keys;       /* hash keys */
    uint16_t            nkeys;
    int64_t             min;        /* with EC_OPT_RANGE */
    int64_t             max;
    ec_validator_fn     validate;
    const char         *help;       /* one line for docs, or NULL */
};

/* How a scope is written. */
typedef enum {
    EC_NAMING_ANON = 1,         /* Name { } */
    EC_NAMING_NAMED,            /* Name "instance" { } */
    EC_NAMING_OPTIONAL          /* either; a module instance without a
                                 * name takes the module's name */
} ec_naming_t;

/* Scope flags. */
#define EC_SCOPE_OPEN       0x0001  /* names not in the table are accepted
                                     * unchecked (known ones are typed) */
#define EC_SCOPE_MODULE     0x0002  /* a module stanza: enabled and
                                     * debug_level apply */
#define EC_SCOPE_RESTART    0x0004  /* non-dynamic as a whole */
#define EC_SCOPE_ACTED      0x0008  /* ecconfd acts on it */
#define EC_SCOPE_EXTENSION  0x0010

typedef struct ec_module ec_module_t;
typedef struct ec_scope ec_scope_t;

struct ec_scope {
    const char         *name;       /* canonical keyword: "ESMTP_Listener" */
    const char         *id;         /* unique path: "esmtp_listener",
                                     * "auth_ds.scheme.authenticate" */
    uint8_t             naming;     /* ec_naming_t */
    uint8_t             core;       /* ec_core_scope_t, or EC_SCOPE_NONE */
    uint8_t             instance;   /* ec_type_t of the instance name, e.g.
                                     * EC_TYPE_SOCKADDR for Listen */
    uint16_t            flags;      /* EC_SCOPE_* */
    uint64_t            parents;    /* core scopes it may appear in */
    const ec_scope_t   *parent;     /* module scope it may appear in */
    const ec_option_t  *options;    /* module scopes: their options */
    uint16_t            noptions;
    const ec_module_t  *module;     /* owner, or NULL for core */
    const char         *help;
};

/* Whether a scheme's store can give the cleartext password that
 * CRAM-MD5 needs. */
typedef enum {
    EC_CLEAR_NO = 0,
    EC_CLEAR_YES,
    EC_CLEAR_DEPENDS            /* auth_ds: depends on the query */
} ec_cleartext_t;

#define EC_SCHEME_AUTHZ_ONLY    0x01    /* AuthorizationParameters only */
#define EC_SCHEME_ECCONFD       0x02    /* ecconfd implements it */
#define EC_SCHEME_PATH          0x04    /* scheme:///absolute/path */

typedef struct ec_scheme {
    const char         *name;       /* "digest", as in digest:///path */
    uint8_t             cleartext;  /* ec_cleartext_t */
    uint8_t             flags;      /* EC_SCHEME_* */
    const char         *help;
} ec_scheme_t;

/* Module flags. */
#define EC_MOD_SINGLETON    0x0001
#define EC_MOD_AUTOLOAD     0x0002  /* loaded implicitly when used */
#define EC_MOD_ECCONFD      0x0004  /* ecconfd implements it */
#define EC_MOD_CHECKED      0x0008  /* its options are checked */
#define EC_MOD_EXTENSION    0x0010  /* ecconf's own module */
#define EC_MOD_ONE_NAME     0x0020  /* instances must share one name */
#define EC_MOD_SCHEME_PER_SCOPE 0x0040  /* each instance of scheme_scope
                                         * registers a scheme */

struct ec_module_ops;               /* lifecycle callbacks, runtime side */

struct ec_module {
    const char         *name;
    uint16_t            flags;      /* EC_MOD_* */
    const char         *since;      /* Momentum version, or NULL */
    const ec_scope_t   *stanza;     /* its own scope */
    const ec_scope_t *const *scopes;    /* scopes it adds, NULL-ended */
    const ec_scheme_t  *schemes;
    uint8_t             nschemes;
    const ec_scope_t   *scheme_scope;   /* with EC_MOD_SCHEME_PER_SCOPE */
    const struct ec_module_ops *ops;
    const char         *help;
};

/* Build the hash tables. Lookups call it themselves (once, thread-safe);
 * call it early to keep the cost out of a timed path. */
void    ec_table_init(void);

/* The root scope (the file's top level). */
const ec_scope_t   *ec_table_global(void);

/* A stand-in for any scope inside an EC_SCOPE_OPEN scope: everything in
 * it is accepted unchecked. */
const ec_scope_t   *ec_table_open_scope(void);

/* A scope by its id ("listen", "scriptlet.script"), any case. */
const ec_scope_t   *ec_table_scope_by_id(const char *id);

/* The scope kind a statement "name [instance] { }" opens inside parent,
 * or NULL. Names are compared case-insensitively. */
const ec_scope_t   *ec_table_find_scope(const ec_scope_t *parent,
                        const char *name, size_t len);

/* The option "name = ..." inside scope, or NULL. */
const ec_option_t  *ec_table_find_option(const ec_scope_t *scope,
                        const char *name, size_t len);

/* The option "name = ..." inside a Listen or Peer (scope) of a listener:
 * Listen and Peer are one scope kind under every listener, so an option
 * that belongs to listeners must also belong to this one (AuthPlain-
 * Parameters is legal in an ESMTP_Listener's Peer, not in a
 * Control_Listener's). Other scopes behave as ec_table_find_option(). */
const ec_option_t  *ec_table_find_option_under(const ec_scope_t *scope,
                        const ec_scope_t *listener, const char *name,
                        size_t len);

/* A key of a hash option, or NULL. */
const ec_option_t  *ec_table_find_key(const ec_option_t *opt,
                        const char *name, size_t len);

/* Every scope in which name is a legal option or scope, up to max of them
 * in out[]; returns how many there are in total. */
size_t  ec_table_where(const char *name, size_t len,
            const ec_scope_t **out, size_t max);

/* Write "ESMTP_Listener, HTTP_Listener or Listen" (the places where name
 * is legal) to buf; returns 0, or -1 when it is legal nowhere. */
int     ec_table_format_where(const char *name, size_t len, char *buf,
            size_t buflen);

/* The closest legal names in scope (options and scopes) by Damerau-
 * Levenshtein distance, case-insensitive, within a threshold that grows
 * with the length of name. Best first; returns the number written. */
size_t  ec_table_suggest(const ec_scope_t *scope, const char *name,
            size_t len, const char **out, size_t max);

/* Check one scalar (or one array element) against opt's type, range and
 * validator. Returns 0, or -1 with a message in why. */
int     ec_table_check_value(const ec_option_t *opt, const char *text,
            size_t len, char *why, size_t whylen);

/* Check the instance name of a named scope (Listen, Peer). */
int     ec_table_check_instance(const ec_scope_t *scope, const char *text,
            size_t len, char *why, size_t whylen);

/* Parse a boolean as the table accepts it: 1, 0, or -1 when invalid. */
int     ec_table_parse_bool(const char *text, size_t len);

/* The scheme a URI names ("ac_auth://" -> ac_auth) and the module that
 * registers it (NULL for core). Schemes that auth_ds registers per Scheme
 * instance are not in the table: see EC_MOD_SCHEME_PER_SCOPE. */
const ec_scheme_t  *ec_table_find_scheme(const char *name, size_t len,
                        const ec_module_t **module);

const ec_module_t  *ec_table_find_module(const char *name, size_t len);

/* Iteration, for --modules, docs and tests. */
size_t              ec_table_module_count(void);
const ec_module_t  *ec_table_module_at(size_t i);
size_t              ec_table_scope_count(void);
const ec_scope_t   *ec_table_scope_at(size_t i);
size_t              ec_table_core_option_count(void);
const ec_option_t  *ec_table_core_option_at(size_t i);

/* The option names legal in scope, in table order. */
size_t              ec_table_scope_options(const ec_scope_t *scope,
                        const ec_option_t **out, size_t max);

const char         *ec_table_type_name(ec_type_t type);

/* Listings: plain text for ecconf --modules, Markdown for docs. */
void    ec_table_print_modules(FILE *out);
void    ec_table_print_markdown(FILE *out);

#endif
