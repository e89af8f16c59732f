/* ecconf: bind each AUTH mechanism to its scheme handler and run one
 * authentication attempt through it. */
#ifndef EC_AUTHDISPATCH_H
#define EC_AUTHDISPATCH_H

#include <stddef.h>

#include "grammar/ast.h"
#include "modules/auth_file.h"
#include "runtime/auth.h"
#include "runtime/authlog.h"

#define EC_MECH_LOGIN   0x1u
#define EC_MECH_PLAIN   0x2u
#define EC_MECH_CRAM    0x4u

typedef enum {
    EC_SCHEME_FILE = 1,         /* file://PATH, user:cleartext lines */
    EC_SCHEME_DIGEST,           /* digest://PATH, user:realm:HA1 lines */
    EC_SCHEME_AC_AUTH           /* ac_auth://, the Lua hook */
} ec_scheme_t;

/* One Auth*Parameters hash, resolved when the configuration is built. */
typedef struct ec_authbind {
    const ec_node_t *node;      /* the option it came from */
    ec_scheme_t     scheme;
    const char     *uri;
    const char     *path;       /* absolute, for file and digest */
    const char     *realm;      /* realm key, or NULL */
    int             log_authentication;
    ec_pwstore_t   *store;     /* file and digest */
} ec_authbind_t;

/* Per-worker state a handler may use (the worker's Lua state). */
typedef struct ec_authctx {
    void           *lua;        /* ec_lua_t, or NULL */
    void           *authlog;    /* ec_authlog_t, or NULL */
} ec_authctx_t;

/* Open the store behind b (reads the password file). Returns 0, or -1
 * with a message in err. */
int     ec_authbind_open(ec_authbind_t *b, char *err, size_t errlen);
void    ec_authbind_close(ec_authbind_t *b);

/* Check req through b (NULL: no handler configured, a failure). Applies
 * Always_Deny, then Always_Allow, then the scheme handler, and fills
 * reply. Records nothing: the caller knows the reply code and calls
 * ec_authdispatch_log(). */
ec_auth_result_t ec_authdispatch_check(ec_authctx_t *ctx,
            const ec_authbind_t *b, int always_allow, int always_deny,
            const ec_auth_request_t *req, ec_auth_reply_t *reply);

/* One finished attempt, as the listener saw it. */
typedef struct ec_authoutcome {
    const ec_authbind_t *bind;          /* NULL when none applied */
    const char     *endpoint;           /* Listen address as configured */
    const ec_auth_request_t *req;       /* password is never read */
    const ec_auth_reply_t *reply;       /* NULL when no handler ran */
    ec_authlog_result_t result;
    int             reply_code;         /* 235, 535, 401... */
    int             attempt;            /* 1 for a session's first */
    int64_t         duration_us;        /* -1 when unknown */
} ec_authoutcome_t;

/* Record an attempt when its bind has log_authentication: a row in the
 * SQLite auth log and an acctlog line, for those of the two that are
 * configured. Attempts without it, or without a bind, are not recorded. */
void    ec_authdispatch_log(ec_authctx_t *ctx, const ec_authoutcome_t *o);

/* Map a handler result to the auth log's result. */
ec_authlog_result_t ec_authdispatch_result(ec_auth_result_t r);

#endif
