/* ecconf: what the top level declares (modules, thread pools, auth_ds
 * schemes, Lua scripts) and the binding of each auth URI to a scheme. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lua/ec_lua.h"
#include "modules/auth_file.h"
#include "runtime/compile_int.h"
#include "runtime/load.h"

#define EC_PATH_MAX         4096
#define EC_SCRIPT_MAX_BYTES (8 * 1024 * 1024)   /* scanned for registerAuth */


/* A diagnostic that already carries its own position, such as the
 * "FILE:LINE: error: ..." lines of the Lua checker. */
static void
ec_diag_raw(ec_diag_t *d, ec_diag_level_t level, const char *text)
{
    if (level == EC_DIAG_ERROR) {
        d->errors++;
        if (d->errors > d->max_errors) {
            d->suppressed++;
            return;
        }
    } else if (level == EC_DIAG_WARNING) {
        d->warnings++;
    }
    if (!d->quiet) {
        fprintf(d->out, "%s\n", text);
    }
}


static int
ec_names_has(const ec_ptrvec_t *v, const char *name, size_t len)
{
    uint32_t i;

    for (i = 0; i < v->n; i++) {
        const char *s = v->items[i];

        if (strlen(s) == len && strncasecmp(s, name, len) == 0) {
            return 1;
        }
    }
    return 0;
}


static int
ec_module_declared(const ec_cctx_t *cx, const ec_module_t *m)
{
    uint32_t i;

    for (i = 0; i < cx->modules.n; i++) {
        if (cx->modules.items[i] == m) {
            return 1;
        }
    }
    return 0;
}


/* The folder of tree file f, "." when its path has none. */
static void
ec_file_dir(const ec_tree_t *tree, unsigned f, char *out, size_t len)
{
    const char *path = ec_tree_file_path(tree, f);
    const char *slash = path != NULL ? strrchr(path, '/') : NULL;

    if (slash == NULL) {
        snprintf(out, len, ".");
    } else if (slash == path) {
        snprintf(out, len, "/");
    } else {
        snprintf(out, len, "%.*s", (int) (slash - path), path);
    }
}


typedef struct ec_prepass {
    ec_cctx_t          *cx;
    const ec_scope_t   *kind;       /* of the stanza being read */
    const ec_node_t    *script;     /* script scope being read */
} ec_prepass_t;


static void
ec_prepass_script(ec_prepass_t *p, const ec_node_t *n)
{
    ec_cctx_t         *cx = p->cx;
    const ec_scalar_t *inst = p->script->u.scope.instance;
    ec_cscript_t      *s;
    uint32_t           i;

    if (n->kind != EC_NODE_OPTION || strcmp(n->key, "source") != 0
        || n->vkind != EC_VALUE_SCALAR || inst == NULL) {
        return;
    }
    for (i = 0; i < cx->nscripts; i++) {
        if (strcmp(cx->scripts[i].name, inst->text) == 0) {
            cx->scripts[i].source = &n->u.scalar;
            return;
        }
    }
    if (cx->nscripts == cx->scripts_cap) {
        cx->scripts_cap = cx->scripts_cap ? cx->scripts_cap * 2 : 8;
        cx->scripts = realloc(cx->scripts,
                              cx->scripts_cap * sizeof(*cx->scripts));
        if (cx->scripts == NULL) {
            abort();
        }
    }
    s = &cx->scripts[cx->nscripts++];
    s->name = inst->text;
    s->path = NULL;
    s->source = &n->u.scalar;
}


static void
ec_prepass_stmt(void *arg, const ec_node_t *n);


/* Reads the children of one scope node with the same visitor. */
static void
ec_prepass_inside(ec_prepass_t *p, const ec_node_t *n,
    const ec_scope_t *kind)
{
    ec_prepass_t inner = *p;
    ec_cscope_t  s = { n, NULL };

    inner.kind = kind;
    ec_cscope_each(p->cx->c, &s, ec_prepass_stmt, &inner);
}


static void
ec_prepass_stmt(void *arg, const ec_node_t *n)
{
    ec_prepass_t     *p = arg;
    ec_cctx_t        *cx = p->cx;
    const ec_scope_t *kind;

    if (p->script != NULL) {
        ec_prepass_script(p, n);
        return;
    }
    if (n->kind != EC_NODE_SCOPE
        || (kind = ec_cctx_scope(cx, p->kind, n)) == NULL) {
        return;
    }
    if (kind->core == EC_SCOPE_THREADPOOL && n->u.scope.instance != NULL) {
        ec_ptrvec_push(&cx->pools, n->u.scope.instance->text);
    } else if (kind->module != NULL && kind == kind->module->stanza) {
        if (!ec_module_declared(cx, kind->module)) {
            ec_ptrvec_push(&cx->modules, kind->module);
        }
        ec_prepass_inside(p, n, kind);
    } else if (kind->module != NULL && kind == kind->module->scheme_scope
               && n->u.scope.instance != NULL) {
        ec_ptrvec_push(&cx->ds_schemes, n->u.scope.instance->text);
    } else if (kind->module != NULL && kind->parent != NULL
               && ec_table_find_option(kind, "source", 6) != NULL) {
        ec_prepass_t inner = *p;

        inner.script = n;
        ec_prepass_inside(&inner, n, kind);
    }
}


/* Literal names passed to msys.registerAuth("NAME", ...) in a script.
 * A call whose first argument is not a string literal sets lua_dynamic.
 * NOTE: a call inside a Lua comment or string counts too. */
static void
ec_scan_register_auth(ec_cctx_t *cx, const char *text, size_t len)
{
    static const char word[] = "registerAuth";
    const char *p = text, *end = text + len, *hit, *name;

    while ((hit = memmem(p, (size_t) (end - p), word, sizeof(word) - 1))
           != NULL) {
        p = hit + sizeof(word) - 1;
        while (p < end && strchr(" \t\r\n", *p) != NULL) {
            p++;
        }
        if (p >= end || *p != '(') {
            continue;
        }
        for (p++; p < end && strchr(" \t\r\n", *p) != NULL; p++) {
        }
        if (p >= end || (*p != '"' && *p != '\'')) {
            cx->lua_dynamic = 1;
            continue;
        }
        name = ++p;
        while (p < end && *p != name[-1] && *p != '\n' && *p != '\\') {
            p++;
        }
        if (p >= end || *p != name[-1]) {
            cx->lua_dynamic = 1;
            continue;
        }
        ec_ptrvec_push(&cx->lua_schemes,
            ec_arena_strndup(&cx->c->arena, name, (size_t) (p - name)));
    }
}


static void
ec_scan_script(ec_cctx_t *cx, const char *path)
{
    FILE   *fp = fopen(path, "rb");
    char   *buf;
    size_t  n;

    if (fp == NULL) {
        return;
    }
    buf = malloc(EC_SCRIPT_MAX_BYTES);
    if (buf == NULL) {
        abort();
    }
    n = fread(buf, 1, EC_SCRIPT_MAX_BYTES, fp);
    fclose(fp);
    ec_scan_register_auth(cx, buf, n);
    free(buf);
}


/* Prints each line of a multi-line message from the Lua checker. */
static void
ec_diag_lines(ec_diag_t *d, ec_diag_level_t level, char *text)
{
    char *line, *save = NULL;

    for (line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        ec_diag_raw(d, level, line);
    }
}


static void
ec_check_script(ec_cctx_t *cx, ec_cscript_t *s)
{
    const ec_scalar_t *src = s->source;
    char               dir[EC_PATH_MAX], path[EC_PATH_MAX], err[2048];
    int                rc;

    ec_file_dir(cx->tree, src->file, dir, sizeof(dir));
    rc = ec_lua_resolve_source(src->text, dir, cx->search_path, path,
                               sizeof(path));
    if (rc == 1) {
        return;
    }
    if (rc < 0) {
        ec_diag_scalar(cx->diag, cx->opts->strict ? EC_DIAG_ERROR
            : EC_DIAG_WARNING, src, "%s", path);
        return;
    }
    s->path = ec_arena_strndup(&cx->c->arena, path, strlen(path));
    rc = ec_lua_check_file(path, err, sizeof(err));
    if (rc < 0) {
        ec_diag_lines(cx->diag, EC_DIAG_ERROR, err);
        if (cx->diag->errors <= cx->diag->max_errors) {
            ec_diag_scalar(cx->diag, EC_DIAG_NOTE, src,
                "script \"%s\" is loaded from here", s->name);
        }
        return;
    }
    if (rc > 0) {
        ec_diag_lines(cx->diag, EC_DIAG_WARNING, err);
    }
    ec_scan_script(cx, path);
}


/* Strict mode loads the scripts as ecconfd does: it runs them, so a
 * registerModule name that differs from the script stanza's name, or an
 * init() that fails, is found before a start or reload. */
static void
ec_load_scripts(ec_cctx_t *cx)
{
    ec_lua_script_t *list;
    ec_lua_config_t  cfg;
    ec_lua_t        *state;
    char             err[2048];
    uint32_t         i;

    if (cx->nscripts == 0) {
        return;
    }
    list = calloc(cx->nscripts, sizeof(*list));
    if (list == NULL) {
        abort();
    }
    for (i = 0; i < cx->nscripts; i++) {
        list[i].name = cx->scripts[i].name;
        list[i].path = cx->scripts[i].path;
    }
    memset(&cfg, 0, sizeof(cfg));
    cfg.scripts = list;
    cfg.nscripts = cx->nscripts;
    state = ec_lua_new(&cfg, err, sizeof(err));
    if (state == NULL) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, cx->scripts[0].source,
            "loading the scriptlet scripts failed: %s", err);
    }
    ec_lua_free(state);
    free(list);
}


void
ec_auth_prepass(ec_cctx_t *cx)
{
    ec_prepass_t p = { cx, ec_table_global(), NULL };
    ec_cscope_t  root = { NULL, NULL };
    uint32_t     i;

    ec_cscope_each(cx->c, &root, ec_prepass_stmt, &p);
    if (cx->opts->skip_files) {
        return;
    }
    for (i = 0; i < cx->nscripts; i++) {
        ec_check_script(cx, &cx->scripts[i]);
    }
    if (cx->opts->strict && cx->diag->errors == 0) {
        ec_load_scripts(cx);
    }
}


static ec_uribind_t *
ec_bind_push(ec_cctx_t *cx)
{
    ec_uribind_t *b;

    if (cx->nbinds == cx->binds_cap) {
        cx->binds_cap = cx->binds_cap ? cx->binds_cap * 2 : 16;
        cx->binds = realloc(cx->binds, cx->binds_cap * sizeof(*cx->binds));
        if (cx->binds == NULL) {
            abort();
        }
    }
    b = &cx->binds[cx->nbinds++];
    memset(b, 0, sizeof(*b));
    return b;
}


/* Every scheme name ecconf could bind, for "did you mean". */
static size_t
ec_scheme_candidates(const ec_cctx_t *cx, const char **out, size_t max)
{
    static const char *const core[] = { "file", "digest", "groups" };
    size_t i, m, n = 0;

    for (i = 0; i < 3 && n < max; i++) {
        out[n++] = core[i];
    }
    for (m = 0; m < ec_table_module_count(); m++) {
        const ec_module_t *mod = ec_table_module_at(m);

        for (i = 0; i < mod->nschemes && n < max; i++) {
            out[n++] = mod->schemes[i].name;
        }
    }
    for (i = 0; i < cx->ds_schemes.n && n < max; i++) {
        out[n++] = cx->ds_schemes.items[i];
    }
    for (i = 0; i < cx->lua_schemes.n && n < max; i++) {
        out[n++] = cx->lua_schemes.items[i];
    }
    return n;
}


static void
ec_bind_unknown(ec_cctx_t *cx, const ec_scalar_t *uri, size_t slen,
    ec_uribind_t *b)
{
    const char *cands[256], *best;
    size_t      n;

    if (cx->lua_dynamic) {
        b->kind = EC_BIND_UNKNOWN;
        ec_diag_scalar(cx->diag, EC_DIAG_WARNING, uri,
            "no declared module registers the auth scheme \"%.*s\"; a Lua "
            "script calls msys.registerAuth with a name ecconf cannot "
            "read, so it may register it at run time", (int) slen,
            uri->text);
        return;
    }
    n = ec_scheme_candidates(cx, cands, 256);
    if (ec_compile_suggest(uri->text, slen, cands, n, &best)) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, uri,
            "unknown auth scheme \"%.*s\"; did you mean \"%s://\"?",
            (int) slen, uri->text, best);
    } else {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, uri,
            "unknown auth scheme \"%.*s\": expected file://, digest://, "
            "the scheme of a declared module (e.g. ac_auth://) or an "
            "auth_ds Scheme", (int) slen, uri->text);
    }
}


/* A scheme of the module table: core, or a module that must be declared
 * unless Momentum loads it on first use. */
static void
ec_bind_table(ec_cctx_t *cx, const ec_node_t *param, const ec_scalar_t *uri,
    ec_uribind_t *b)
{
    int authz = param->vkind == EC_VALUE_HASH
                && strcmp(param->key, "authorizationparameters") == 0;

    b->kind = b->module != NULL ? EC_BIND_MODULE : EC_BIND_CORE;
    if ((b->scheme->flags & EC_SCHEME_AUTHZ_ONLY) && !authz) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, uri,
            "\"%s://\" holds groups for AuthorizationParameters and cannot "
            "check passwords: use file://, digest:// or an auth module",
            b->scheme->name);
    } else if (b->module != NULL && !ec_module_declared(cx, b->module)
               && !(b->module->flags & EC_MOD_AUTOLOAD)) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, uri,
            "scheme \"%s://\" needs the %s module, which is not declared: "
            "add \"%s { }\" at the top level", b->scheme->name,
            b->module->name, b->module->name);
    }
}


/* Whether the store behind b can give CRAM-MD5 the cleartext password. */
static int
ec_bind_cleartext(const ec_uribind_t *b, const char *uri)
{
    ec_pwstore_kind_t kind;
    const char       *path;

    if (ec_pwstore_parse_uri(uri, &kind, &path) == 0) {
        return ec_pwstore_has_cleartext(kind);
    }
    return b->scheme == NULL || b->scheme->cleartext != EC_CLEAR_NO;
}


/* A password file that is missing on this machine is a warning, since a
 * workstation rarely has the production paths; strict makes it an
 * error. */
static void
ec_bind_path(ec_cctx_t *cx, const ec_scalar_t *uri, size_t slen,
    ec_uribind_t *b)
{
    const char *rest = uri->text + slen + 3;
    char        dir[EC_PATH_MAX], path[EC_PATH_MAX + 256];
    struct stat st;
    int         fd;

    if (*rest == '\0') {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, uri, "\"%s\" names no file: "
            "write %.*s:///ABSOLUTE/PATH", uri->text, (int) slen, uri->text);
        return;
    }
    if (rest[0] == '/') {
        snprintf(path, sizeof(path), "%s", rest);
    } else {
        ec_file_dir(cx->tree, uri->file, dir, sizeof(dir));
        snprintf(path, sizeof(path), "%s/%s", dir, rest);
    }
    b->path = ec_arena_strndup(&cx->c->arena, path, strlen(path));
    if (cx->opts->skip_files) {
        return;
    }
    fd = open(path, O_RDONLY);
    if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) {
        close(fd);
        return;
    }
    ec_diag_scalar(cx->diag, cx->opts->strict ? EC_DIAG_ERROR
        : EC_DIAG_WARNING, uri, "cannot read password file \"%s\": %s",
        path, fd < 0 ? strerror(errno) : "it is a folder");
    if (fd >= 0) {
        close(fd);
    }
}


static const ec_scalar_t *
ec_param_uri(const ec_node_t *param)
{
    const ec_scalar_t *uri = NULL;
    uint32_t           i;

    for (i = 0; i < param->count; i++) {
        if (strcasecmp(param->u.pairs[i].key.text, "uri") == 0) {
            uri = &param->u.pairs[i].value;
        }
    }
    return uri;
}


static size_t
ec_uri_scheme_len(const ec_scalar_t *uri)
{
    const char *sep = strstr(uri->text, "://");

    return sep != NULL ? (size_t) (sep - uri->text) : 0;
}


void
ec_auth_bind(ec_cctx_t *cx, const ec_node_t *param, const ec_option_t *row)
{
    const ec_scalar_t *uri = ec_param_uri(param);
    size_t             slen;
    ec_uribind_t      *b;

    if (uri == NULL || (slen = ec_uri_scheme_len(uri)) == 0) {
        return;     /* reported by the key and value checks */
    }
    if ((slen == 4 && strncasecmp(uri->text, "ldap", 4) == 0)
        || (slen == 5 && strncasecmp(uri->text, "ldaps", 5) == 0)) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, uri,
            "\"%.*s://\" is a datasource address, not an auth scheme: "
            "reach LDAP through a ds_core Datasource and an auth_ds "
            "Scheme, then use that Scheme's name in the uri", (int) slen,
            uri->text);
        return;
    }
    b = ec_bind_push(cx);
    b->param = param;
    b->uri = uri;
    b->scheme = ec_table_find_scheme(uri->text, slen, &b->module);
    if (b->scheme != NULL) {
        ec_bind_table(cx, param, uri, b);
    } else if (ec_names_has(&cx->ds_schemes, uri->text, slen)) {
        b->kind = EC_BIND_AUTH_DS;
        b->module = ec_table_find_module("auth_ds", 7);
    } else if (ec_names_has(&cx->lua_schemes, uri->text, slen)) {
        b->kind = EC_BIND_LUA;
        b->module = ec_table_find_module("scriptlet", 9);
    } else {
        ec_bind_unknown(cx, uri, slen, b);
        return;
    }
    if (row == cx->row_auth[EC_MECH_IDX_CRAM]
        && !ec_bind_cleartext(b, uri->text)) {
        ec_diag_scalar(cx->diag, EC_DIAG_ERROR, uri,
            "CRAM-MD5 needs each user's cleartext password, which a "
            "\"%.*s://\" store does not keep: use a file:// store",
            (int) slen, uri->text);
    }
    if (b->scheme != NULL && (b->scheme->flags & EC_SCHEME_PATH)) {
        ec_bind_path(cx, uri, slen, b);
    }
}
