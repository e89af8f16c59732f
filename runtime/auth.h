/* ecconf: one authentication attempt, as the listeners hand it to a
 * scheme handler (file://, digest://, ac_auth://, or a Lua scheme). */
#ifndef EC_AUTH_H
#define EC_AUTH_H

#include <stddef.h>
#include <stdint.h>

/* Results of a scheme handler. The values match the order of Momentum's
 * msys.core.EC_AUTH_* constants as ecconf exposes them to Lua. */
typedef enum {
    EC_AUTH_OK = 0,
    EC_AUTH_FAIL = 1,
    EC_AUTH_ERROR = 2           /* temporary failure: 454 4.7.0 / HTTP 503 */
} ec_auth_result_t;

typedef enum {
    EC_PROTO_ESMTP = 1,
    EC_PROTO_HTTP = 2
} ec_proto_t;

/* The connection as the listener sees it. Addresses are numeric
 * text; a Unix socket has its path in local_addr and port 0. */
typedef struct ec_conn_info {
    ec_proto_t      protocol;
    const char     *listener;       /* "ESMTP_Listener", "HTTP_Listener" */
    const char     *local_addr;
    int             local_port;
    const char     *remote_addr;
    int             remote_port;
    uint64_t        conn_id;        /* unique per process run */
    int             tls;            /* 1 when the session runs over TLS */
    const char     *ehlo;           /* EHLO/HELO argument, or NULL */
} ec_conn_info_t;

/* A credential to check. For LOGIN, PLAIN and HTTP Basic the password is
 * the cleartext the client sent; for CRAM-MD5 password is NULL and
 * challenge/digest carry the exchange (digest is 32 lowercase hex).
 * Nothing here may be logged except mechanism and username. */
typedef struct ec_auth_request {
    const char     *mechanism;      /* "LOGIN" "PLAIN" "CRAM-MD5" "BASIC" */
    const char     *username;
    size_t          username_len;   /* may contain NUL bytes */
    const char     *password;
    size_t          password_len;
    const char     *challenge;
    const char     *digest;
    const char     *realm;          /* Auth*Parameters realm, or NULL */
    const ec_conn_info_t *conn;
} ec_auth_request_t;

#define EC_AUTH_RESPONSE_MAX 512
#define EC_AUTH_REASON_MAX   128
#define EC_AUTH_MODULE_MAX   64

/* What a handler decided. response is a full SMTP reply line without CRLF
 * ("531 Get out of town") when a hook wrote one, else empty. reason is a
 * short machine-readable word or phrase for logs ("bad_password",
 * "unknown_user", "hook_error: init.lua:12: ..."): never a secret. */
typedef struct ec_auth_reply {
    ec_auth_result_t result;
    char            response[EC_AUTH_RESPONSE_MAX];
    char            reason[EC_AUTH_REASON_MAX];
    char            module[EC_AUTH_MODULE_MAX];     /* hook module, or "" */
} ec_auth_reply_t;

#endif
