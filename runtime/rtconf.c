/* ecconf: build ecconfd's runtime configuration from a loaded tree. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime/compile_check.h"
#include "runtime/load.h"
#include "runtime/rtconf.h"
#include "runtime/rtconf_tree.h"

#define EC_RTCONF_MAX_BINDS  256
#define EC_RTCONF_MAX_LISTEN 64
#define EC_RTCONF_MAX_SCRIPT 64

typedef struct ec_rtbuild {
    ec_rtconf_t    *rc;
    ec_diag_t      *diag;
    ec_proto_t      proto;
    const char     *listener;
    const ec_node_t *listener_scope;
} ec_rtbuild_t;

static const struct {
    const char *key;
    unsigned    mech;
} ec_rtconf_auth_options[] = {
    { "authloginparameters",   EC_MECH_LOGIN },
    { "authplainparameters",   EC_MECH_PLAIN },
    { "authcrammd5parameters", EC_MECH_CRAM },
};


static char *
ec_rtconf_strdup(ec_rtconf_t *rc, const char *s)
{
    return ec_arena_strndup(&rc->tree->arena, s, strlen(s));
}


/* The absolute folder of tree file index file. */
static void
ec_rtconf_folder(ec_rtconf_t *rc, unsigned file, char *dir, size_t size)
{
    const char *d = ec_tree_file_path(rc->tree, file);
    char        buf[PATH_MAX];
    struct stat st;
    char       *slash;

    snprintf(buf, sizeof(buf), "%s", d != NULL ? d : ".");
    if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
        slash = strrchr(buf, '/');
        if (slash == NULL)
            snprintf(buf, sizeof(buf), ".");
        else if (slash == buf)
            buf[1] = '\0';
        else
            *slash = '\0';
    }
    if (realpath(buf, dir) == NULL || strlen(dir) >= size)
        snprintf(dir, size, "%s", buf);
}


/* Make path absolute: relative paths resolve against the folder of the
 * configuration file that wrote them, like an include does. */
static const char *
ec_rtconf_path(ec_rtconf_t *rc, unsigned file, const char *path)
{
    char        dir[PATH_MAX];
    char       *joined;
    const char *out;

    if (path[0] == '/')
        return ec_rtconf_strdup(rc, path);
    ec_rtconf_folder(rc, file, dir, sizeof(dir));
    if (asprintf(&joined, "%s/%s", dir, path) < 0)
        abort();
    out = ec_rtconf_strdup(rc, joined);
    free(joined);
    return out;
}


static int
ec_rtconf_bind_uri(ec_rtbuild_t *b, ec_authbind_t *ab,
        const ec_scalar_t *uri)
{
    const char *rest;
    char        err[512];

    ab->uri = uri->text;
    if (strncasecmp(uri->text, "file://", 7) == 0) {
        ab->scheme = EC_SCHEME_FILE;
        rest = uri->text + 7;
    } else if (strncasecmp(uri->text, "digest://", 9) == 0) {
        ab->scheme = EC_SCHEME_DIGEST;
        rest = uri->text + 9;
    } else if (strncasecmp(uri->text, "ac_auth://", 10) == 0) {
        ab->scheme = EC_SCHEME_AC_AUTH;
        if (!b->rc->ac_auth) {
            ec_diag_scalar(b->diag, EC_DIAG_ERROR, uri,
                    "scheme \"ac_auth\" needs an \"ac_auth {}\" stanza");
            return -1;
        }
        return 0;
    } else {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, uri,
                "unknown auth scheme in \"%s\": expected file://, "
                "digest:// or ac_auth://", uri->text);
        return -1;
    }

    if (*rest == '\0') {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, uri,
                "missing file path in \"%s\"", uri->text);
        return -1;
    }
    ab->path = ec_rtconf_path(b->rc, uri->file, rest);
    if (ec_authbind_open(ab, err, sizeof(err)) < 0) {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, uri, "%s", err);
        return -1;
    }
    return 0;
}


static void
ec_rtconf_add_bind(ec_rtbuild_t *b, const ec_node_t *opt, unsigned mech)
{
    ec_rtconf_t       *rc = b->rc;
    ec_authbind_t     *ab;
    const ec_scalar_t *uri;
    const ec_scalar_t *v;

    if (opt->vkind != EC_VALUE_HASH) {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, &opt->name,
                "\"%s\" must be a hash such as [ uri = \"file://...\" ]",
                opt->name.text);
        return;
    }
    uri = ec_rttree_hash_get(opt, "uri");
    if (uri == NULL) {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, &opt->name,
                "\"%s\" has no \"uri\" key", opt->name.text);
        return;
    }
    if (rc->nbinds == EC_RTCONF_MAX_BINDS) {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, &opt->name,
                "too many auth parameter sets (max %d)", EC_RTCONF_MAX_BINDS);
        return;
    }

    ab = &rc->binds[rc->nbinds];
    memset(ab, 0, sizeof(*ab));
    ab->node = opt;
    if (ec_rtconf_bind_uri(b, ab, uri) < 0)
        return;
    if (mech == EC_MECH_CRAM && ab->scheme != EC_SCHEME_FILE) {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, uri,
                "CRAM-MD5 needs cleartext passwords: use a file:// uri");
        ec_authbind_close(ab);
        return;
    }
    v = ec_rttree_hash_get(opt, "realm");
    ab->realm = v != NULL ? v->text : NULL;
    v = ec_rttree_hash_get(opt, "log_authentication");
    ab->log_authentication = v != NULL && ec_rttree_parse_bool(v->text) == 1;
    rc->nbinds++;
}


/* Every Auth*Parameters option anywhere in the tree becomes a bind, so
 * an unusable uri fails the build even in a Peer no client has hit. */
static void
ec_rtconf_walk_binds(ec_rtbuild_t *b, const ec_node_t *n)
{
    size_t i;

    for (; n != NULL; n = n->next) {
        if (n->kind == EC_NODE_INCLUDE) {
            ec_rtconf_walk_binds(b, n->u.include.children);
            continue;
        }
        if (n->kind == EC_NODE_SCOPE) {
            ec_rtconf_walk_binds(b, n->u.scope.children);
            continue;
        }
        for (i = 0; i < sizeof(ec_rtconf_auth_options)
                / sizeof(ec_rtconf_auth_options[0]); i++) {
            if (strcmp(n->key, ec_rtconf_auth_options[i].key) == 0)
                ec_rtconf_add_bind(b, n, ec_rtconf_auth_options[i].mech);
        }
    }
}


static int
ec_rtconf_parse_inet(ec_rtlisten_t *l, const char *host, const char *port)
{
    struct sockaddr_in *in4 = (struct sockaddr_in *) &l->sa;
    long long           p;

    if (ec_rttree_parse_int(port, &p) < 0 || p < 0 || p > 65535)
        return -1;

    if (host[0] == '\0' || strcmp(host, "*") == 0) {
        in4->sin_family = AF_INET;
        in4->sin_addr.s_addr = htonl(INADDR_ANY);
        in4->sin_port = htons((uint16_t) p);
        l->salen = sizeof(*in4);
    } else if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t) p);
        l->salen = sizeof(*in4);
    } else {
        return -1;
    }
    snprintf(l->key, sizeof(l->key), "inet:%s:%lld", host, p);
    return 0;
}


static int
ec_rtconf_parse_inet6(ec_rtlisten_t *l, const char *text)
{
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &l->sa;
    const char          *close = strchr(text, ']');
    char                 host[INET6_ADDRSTRLEN];
    long long            p;

    if (close == NULL || close[1] != ':' || close - text - 1 >= (int)
            sizeof(host))
        return -1;
    snprintf(host, sizeof(host), "%.*s", (int) (close - text - 1), text + 1);
    if (ec_rttree_parse_int(close + 2, &p) < 0 || p < 0 || p > 65535)
        return -1;

    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t) p);
    if (strcmp(host, "*") == 0)
        in6->sin6_addr = in6addr_any;
    else if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
        return -1;
    l->salen = sizeof(*in6);
    snprintf(l->key, sizeof(l->key), "inet6:[%s]:%lld", host, p);
    return 0;
}


/* Listen forms: "1.2.3.4:25", ":25", "*:25", "[::1]:25", "[*]:25", or a
 * Unix socket path starting with '/'. */
static int
ec_rtconf_parse_addr(ec_rtlisten_t *l, const char *text)
{
    struct sockaddr_un *un = (struct sockaddr_un *) &l->sa;
    char                host[64];
    const char         *colon;

    memset(&l->sa, 0, sizeof(l->sa));
    if (text[0] == '/') {
        if (strlen(text) >= sizeof(un->sun_path))
            return -1;
        l->family = EC_LISTEN_UNIX;
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, text);
        l->salen = sizeof(*un);
        l->unix_path = text;
        snprintf(l->key, sizeof(l->key), "unix:%s", text);
        return 0;
    }

    l->family = EC_LISTEN_TCP;
    if (text[0] == '[')
        return ec_rtconf_parse_inet6(l, text);
    colon = strrchr(text, ':');
    if (colon == NULL || colon - text >= (int) sizeof(host))
        return -1;
    snprintf(host, sizeof(host), "%.*s", (int) (colon - text), text);
    return ec_rtconf_parse_inet(l, host, colon + 1);
}


typedef struct ec_rtpeers {
    ec_rtbuild_t   *b;
    ec_rtpeer_t    *peers;
    unsigned        n;
} ec_rtpeers_t;


static void
ec_rtconf_add_peer(const ec_node_t *scope, void *arg)
{
    ec_rtpeers_t      *ps = arg;
    const ec_scalar_t *name = scope->u.scope.instance;

    if (name->text == NULL || ec_cidr_parse(&ps->peers[ps->n].cidr,
                name->text) < 0) {
        ec_diag_scalar(ps->b->diag, EC_DIAG_ERROR,
                name->text ? name : &scope->name,
                "invalid Peer address \"%s\": expected an IP address or "
                "CIDR such as 10.0.0.0/8", name->text ? name->text : "");
        return;
    }
    ps->peers[ps->n++].children = scope->u.scope.children;
}


static void
ec_rtconf_count_peer(const ec_node_t *scope, void *arg)
{
    (void) scope;
    (*(unsigned *) arg)++;
}


static void
ec_rtconf_collect_peers(ec_rtbuild_t *b, const ec_node_t *children,
        ec_rtpeer_t **out, unsigned *n)
{
    ec_rtpeers_t ps;

    unsigned     count = 0;

    /* Sized to the scope: a Listen may hold tens of thousands of Peers. */
    ec_rttree_scopes(children, "peer", ec_rtconf_count_peer, &count);
    ps.b = b;
    ps.n = 0;
    ps.peers = ec_arena_zalloc(&b->rc->tree->arena,
            (count ? count : 1) * sizeof(ec_rtpeer_t));
    ec_rttree_scopes(children, "peer", ec_rtconf_add_peer, &ps);
    *out = ps.peers;
    *n = ps.n;
}


static void
ec_rtconf_check_relay_hosts(ec_rtbuild_t *b, const ec_node_t *children)
{
    const ec_node_t *opt = ec_rttree_option(children, "relay_hosts");
    ec_cidr_t        c;
    uint32_t         i;

    if (opt == NULL)
        return;
    if (opt->vkind != EC_VALUE_ARRAY) {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, &opt->name,
                "\"Relay_Hosts\" must be an array such as ( \"10.0.0.0/8\" )");
        return;
    }
    for (i = 0; i < opt->count; i++) {
        if (ec_cidr_parse(&c, opt->u.items[i].text) < 0)
            ec_diag_scalar(b->diag, EC_DIAG_ERROR, &opt->u.items[i],
                    "invalid Relay_Hosts entry \"%s\": expected an IP "
                    "address or CIDR", opt->u.items[i].text);
    }
}


/* An advertised mechanism needs a handler, else every client fails. */
static void
ec_rtconf_check_mechs(ec_rtbuild_t *b, const ec_rtlisten_t *l,
        const ec_node_t *scope)
{
    const ec_settings_t *s = &l->base;

    if (l->proto == EC_PROTO_HTTP) {
        if (s->enable_authentication && s->plain == NULL)
            ec_diag_scalar(b->diag, EC_DIAG_ERROR, &scope->name,
                    "HTTP authentication is enabled but no "
                    "\"AuthPlainParameters\" applies to \"%s\"",
                    l->addr_text);
        return;
    }
    if (((s->mechs & EC_MECH_LOGIN) && s->login == NULL)
            || ((s->mechs & EC_MECH_PLAIN) && s->plain == NULL)
            || ((s->mechs & EC_MECH_CRAM) && s->cram == NULL))
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, &scope->name,
                "an AUTH mechanism in \"SMTP_Extensions\" has no "
                "matching Auth*Parameters for \"%s\"", l->addr_text);
}


static void
ec_rtconf_add_listen(const ec_node_t *scope, void *arg)
{
    ec_rtbuild_t      *b = arg;
    ec_rtconf_t       *rc = b->rc;
    ec_rtlisten_t     *l;
    const ec_scalar_t *addr = scope->u.scope.instance;

    if (addr->text == NULL) {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, &scope->name,
                "\"Listen\" needs an address such as \"127.0.0.1:25\"");
        return;
    }
    if (rc->nlistens == EC_RTCONF_MAX_LISTEN) {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, addr,
                "too many Listen scopes (max %d)", EC_RTCONF_MAX_LISTEN);
        return;
    }

    l = &rc->listens[rc->nlistens];
    memset(l, 0, sizeof(*l));
    l->rc = rc;
    l->proto = b->proto;
    l->listener = b->listener;
    l->addr_text = addr->text;
    if (ec_rtconf_parse_addr(l, addr->text) < 0) {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, addr,
                "invalid Listen address \"%s\": expected \"IP:PORT\", "
                "\"[IPv6]:PORT\", \":PORT\" or a socket path", addr->text);
        return;
    }
    l->listener_children = b->listener_scope->u.scope.children;
    l->listen_children = scope->u.scope.children;
    ec_rtconf_collect_peers(b, l->listener_children, &l->listener_peers,
            &l->nlistener_peers);
    ec_rtconf_collect_peers(b, l->listen_children, &l->listen_peers,
            &l->nlisten_peers);
    ec_rtconf_check_relay_hosts(b, l->listen_children);
    ec_rtconf_resolve(l, NULL, &l->base);
    ec_rtconf_check_mechs(b, l, scope);
    rc->nlistens++;
}


static void
ec_rtconf_add_listener(const ec_node_t *scope, void *arg)
{
    ec_rtbuild_t *b = arg;

    b->listener_scope = scope;
    ec_rtconf_check_relay_hosts(b, scope->u.scope.children);
    ec_rttree_scopes(scope->u.scope.children, "listen",
            ec_rtconf_add_listen, b);
}


static void
ec_rtconf_set_path(ec_rtconf_t *rc, const ec_node_t *children,
        const char *key, const char **out)
{
    const ec_node_t *opt = ec_rttree_option(children, key);

    if (opt != NULL && opt->vkind == EC_VALUE_SCALAR && opt->u.scalar.len)
        *out = ec_rtconf_path(rc, opt->u.scalar.file, opt->u.scalar.text);
}


static void
ec_rtconf_logger(const ec_node_t *scope, void *arg)
{
    ec_rtconf_t *rc = arg;

    ec_rtconf_set_path(rc, scope->u.scope.children, "paniclog",
            &rc->paniclog);
    ec_rtconf_set_path(rc, scope->u.scope.children, "acctlog",
            &rc->acctlog);
}


static void
ec_rtconf_sqlite(const ec_node_t *scope, void *arg)
{
    ec_rtconf_t *rc = arg;

    ec_rtconf_set_path(rc, scope->u.scope.children, "database",
            &rc->sqlite_db);
}


static void
ec_rtconf_ac_auth(const ec_node_t *scope, void *arg)
{
    ec_rtconf_t *rc = arg;

    (void) scope;
    rc->ac_auth = 1;
}


static void
ec_rtconf_script(const ec_node_t *scope, void *arg)
{
    ec_rtbuild_t    *b = arg;
    ec_rtconf_t     *rc = b->rc;
    const ec_node_t *src;
    ec_lua_script_t *s;
    char             dir[PATH_MAX];
    char             path[PATH_MAX];
    int              r;

    src = ec_rttree_option(scope->u.scope.children, "source");
    if (scope->u.scope.instance == NULL || src == NULL
            || src->vkind != EC_VALUE_SCALAR) {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, &scope->name,
                "a script needs a name and a \"source\" option");
        return;
    }
    ec_rtconf_folder(rc, src->u.scalar.file, dir, sizeof(dir));
    r = ec_lua_resolve_source(src->u.scalar.text, dir,
            getenv("EC_CONF_SEARCH_PATH"), path, sizeof(path));
    if (r < 0) {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, &src->u.scalar, "%s", path);
        return;
    }
    if (rc->nscripts == EC_RTCONF_MAX_SCRIPT) {
        ec_diag_scalar(b->diag, EC_DIAG_ERROR, &scope->name,
                "more than %d scriptlet scripts", EC_RTCONF_MAX_SCRIPT);
        return;
    }
    s = &rc->scripts[rc->nscripts++];
    s->name = scope->u.scope.instance->text;
    s->path = r == 0 ? ec_rtconf_strdup(rc, path) : NULL;
}


/* Load every script once in a scratch state, so a syntax error or a
 * failing init() rejects the configuration before any worker uses it. */
static void
ec_rtconf_check_scripts(ec_rtbuild_t *b)
{
    ec_lua_config_t cfg;
    ec_lua_t       *E;
    char            err[1024];

    if (b->rc->nscripts == 0 || b->diag->errors > 0)
        return;
    ec_rtconf_lua_config(b->rc, &cfg);
    E = ec_lua_new(&cfg, err, sizeof(err));
    if (E == NULL) {
        ec_diag_plain(b->diag, EC_DIAG_ERROR, "%s", err);
        return;
    }
    ec_lua_free(E);
}


void
ec_rtconf_lua_config(const ec_rtconf_t *rc, ec_lua_config_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->scripts = rc->scripts;
    cfg->nscripts = rc->nscripts;
    cfg->max_instructions = rc->lua_max_instructions;
    cfg->max_memory = (size_t) rc->lua_max_memory;
    cfg->timeout_ms = rc->lua_timeout_ms;
}


/* Reads one scriptlet limit into *out: the value written in the stanza,
 * else the module table's default. The bounds are the table row's too,
 * so ecconf --check, ecconf --dump --effective and ecconfd agree. */
static void
ec_rtconf_lua_limit(ec_rtbuild_t *b, const ec_node_t *children,
        const char *key, uint64_t *out)
{
    const ec_node_t   *opt = ec_rttree_option(children, key);
    const char        *text;
    const char        *dflt;
    long long          min;
    long long          max;
    long long          v;

    if (ec_rttree_table_range("scriptlet", key, &dflt, &min, &max) < 0)
        return;
    text = opt != NULL && opt->vkind == EC_VALUE_SCALAR
        ? opt->u.scalar.text : dflt;
    if (opt != NULL && opt->vkind != EC_VALUE_SCALAR)
        text = NULL;
    if (text == NULL || ec_rttree_parse_int(text, &v) < 0
            || v < min || v > max) {
        if (opt != NULL)
            ec_diag_scalar(b->diag, EC_DIAG_ERROR,
                    opt->vkind == EC_VALUE_SCALAR
                    ? &opt->u.scalar : &opt->name,
                    "invalid \"%s\": expected an integer from %lld to %lld",
                    key, min, max);
        return;
    }
    *out = (uint64_t) v;
}


static void
ec_rtconf_scriptlet(const ec_node_t *scope, void *arg)
{
    ec_rtbuild_t    *b = arg;
    const ec_node_t *children = scope->u.scope.children;
    uint64_t         timeout = b->rc->lua_timeout_ms;

    ec_rtconf_lua_limit(b, children, "max_instructions",
            &b->rc->lua_max_instructions);
    ec_rtconf_lua_limit(b, children, "max_memory", &b->rc->lua_max_memory);
    ec_rtconf_lua_limit(b, children, "timeout", &timeout);
    b->rc->lua_timeout_ms = (unsigned) timeout;
    ec_rttree_scopes(children, "script", ec_rtconf_script, arg);
}


static void
ec_rtconf_globals(ec_rtbuild_t *b)
{
    ec_rtconf_t     *rc = b->rc;
    const ec_node_t *root = rc->tree->root;
    const ec_node_t *opt;
    char             cwd[PATH_MAX];
    char             buf[PATH_MAX + 16];

    ec_rttree_scopes(root, "ec_logger", ec_rtconf_logger, rc);
    ec_rttree_scopes(root, "sqlite_logger", ec_rtconf_sqlite, rc);
    ec_rttree_scopes(root, "ac_auth", ec_rtconf_ac_auth, rc);
    ec_rttree_scopes(root, "scriptlet", ec_rtconf_scriptlet, b);

    /* Spool and pid file default to the working folder at start, so a
     * test or a user without root can run the daemon unchanged. */
    if (getcwd(cwd, sizeof(cwd)) == NULL)
        snprintf(cwd, sizeof(cwd), "/");
    snprintf(buf, sizeof(buf), "%s/spool", cwd);
    rc->spool = ec_rtconf_strdup(rc, buf);
    snprintf(buf, sizeof(buf), "%s/ecconfd.pid", cwd);
    rc->pidfile = ec_rtconf_strdup(rc, buf);
    ec_rtconf_set_path(rc, root, "spoolbase", &rc->spool);
    ec_rtconf_set_path(rc, root, "pidfile", &rc->pidfile);

    opt = ec_rttree_option(root, "hostname");
    if (opt != NULL && opt->vkind == EC_VALUE_SCALAR)
        snprintf(rc->hostname, sizeof(rc->hostname), "%s",
                opt->u.scalar.text);
    else if (gethostname(rc->hostname, sizeof(rc->hostname)) < 0)
        snprintf(rc->hostname, sizeof(rc->hostname), "localhost");
    ec_rtconf_check_relay_hosts(b, root);
}


static void
ec_rtconf_listeners(ec_rtbuild_t *b)
{
    b->proto = EC_PROTO_ESMTP;
    b->listener = "ESMTP_Listener";
    ec_rttree_scopes(b->rc->tree->root, "esmtp_listener",
            ec_rtconf_add_listener, b);
    b->proto = EC_PROTO_HTTP;
    b->listener = "HTTP_Listener";
    ec_rttree_scopes(b->rc->tree->root, "http_listener",
            ec_rtconf_add_listener, b);
}


static ec_rtconf_t *
ec_rtconf_new(ec_tree_t *tree, const char *path)
{
    ec_rtconf_t *rc = calloc(1, sizeof(*rc));
    char         abs[PATH_MAX];

    if (rc == NULL)
        abort();
    atomic_init(&rc->refs, 1);
    rc->tree = tree;
    if (realpath(path, abs) == NULL)
        snprintf(abs, sizeof(abs), "%s", path);
    rc->conf_path = ec_rtconf_strdup(rc, abs);
    rc->binds = ec_arena_zalloc(&tree->arena,
            EC_RTCONF_MAX_BINDS * sizeof(ec_authbind_t));
    rc->listens = ec_arena_zalloc(&tree->arena,
            EC_RTCONF_MAX_LISTEN * sizeof(ec_rtlisten_t));
    rc->scripts = ec_arena_zalloc(&tree->arena,
            EC_RTCONF_MAX_SCRIPT * sizeof(ec_lua_script_t));
    return rc;
}


ec_rtconf_t *
ec_rtconf_load(const char *path, ec_diag_t *diag)
{
    ec_tree_t *tree;

    tree = ec_load_file(path, NULL, diag);
    if (tree == NULL)
        return NULL;
    if (diag->errors > 0) {
        ec_tree_free(tree);
        return NULL;
    }

    /* The same checks as ecconf --check --strict: a file that ecconf
     * rejects never runs, and a password file or Lua source that cannot
     * be read is an error here, not a warning. */
    if (ec_compile_check(tree, 1, diag) != 0) {
        ec_tree_free(tree);
        return NULL;
    }
    return ec_rtconf_build(tree, path, diag);
}


ec_rtconf_t *
ec_rtconf_build(ec_tree_t *tree, const char *path, ec_diag_t *diag)
{
    ec_rtbuild_t b;

    memset(&b, 0, sizeof(b));
    b.rc = ec_rtconf_new(tree, path);
    b.diag = diag;
    ec_rtconf_globals(&b);
    ec_rtconf_walk_binds(&b, tree->root);
    ec_rtconf_listeners(&b);
    ec_rtconf_check_scripts(&b);
    if (b.rc->nlistens == 0)
        ec_diag_plain(diag, EC_DIAG_WARNING,
                "\"%s\" has no Listen in an ESMTP_Listener or "
                "HTTP_Listener: nothing to serve", path);

    if (diag->errors > 0) {
        ec_rtconf_unref(b.rc);
        return NULL;
    }
    return b.rc;
}


ec_rtconf_t *
ec_rtconf_ref(ec_rtconf_t *rc)
{
    atomic_fetch_add(&rc->refs, 1);
    return rc;
}


void
ec_rtconf_unref(ec_rtconf_t *rc)
{
    unsigned i;

    if (rc == NULL || atomic_fetch_sub(&rc->refs, 1) != 1)
        return;
    for (i = 0; i < rc->nbinds; i++)
        ec_authbind_close(&rc->binds[i]);
    ec_tree_free(rc->tree);
    free(rc);
}
