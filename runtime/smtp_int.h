/* ecconf: the ESMTP session shared by smtp.c and smtp_auth.c. */
#ifndef EC_SMTP_INT_H
#define EC_SMTP_INT_H

#include <stddef.h>
#include <stdint.h>

#include <event2/bufferevent.h>

#include "runtime/auth.h"
#include "runtime/smtp.h"
#include "runtime/spool.h"

/* RFC 5321 section 4.5.3.1.4: a command line is at most 512 octets with
 * its CRLF. RFC 4954 section 4 names 12288 octets for AUTH lines. */
#define EC_SMTP_CMD_MAX     510
#define EC_SMTP_AUTH_MAX    12288
#define EC_SMTP_DATA_CHUNK  (64 * 1024)
#define EC_SMTP_MAX_RCPT    1000
#define EC_SMTP_ADDR_MAX    512

typedef enum {
    EC_SMTP_CMD = 0,            /* reading commands */
    EC_SMTP_AUTH_LOGIN_USER,    /* 334 Username: sent */
    EC_SMTP_AUTH_LOGIN_PASS,    /* 334 Password: sent */
    EC_SMTP_AUTH_PLAIN,         /* empty 334 sent */
    EC_SMTP_AUTH_CRAM,          /* CRAM-MD5 challenge sent */
    EC_SMTP_DATA,               /* 354 sent, reading the message */
    EC_SMTP_CLOSING             /* last reply queued, closing */
} ec_smtp_state_t;

struct ec_smtp {
    ec_smtp_t          *prev;
    ec_smtp_t          *next;
    ec_worker_t        *w;
    ec_wgen_t          *gen;
    ec_socket_t        *sock;
    const ec_rtlisten_t *listen;
    ec_settings_t       set;
    struct bufferevent *bev;
    ec_conn_info_t      conn;
    char                local[64];
    char                remote[64];
    char                ehlo[256];
    ec_smtp_state_t     state;
    int                 greeted;        /* 1 after HELO, 2 after EHLO */
    int                 authed;
    int                 auth_attempts;
    int                 discard;        /* dropping an over-long line */
    int                 midline;        /* DATA: inside a long line */
    char                user[1024];     /* authenticated, or LOGIN step */
    size_t              user_len;
    char                challenge[256]; /* CRAM-MD5 */
    const char         *mech_name;      /* AUTH exchange in progress */
    const ec_authbind_t *bind;
    int                 mail;           /* in a transaction */
    char                from[EC_SMTP_ADDR_MAX];
    char              **rcpts;
    unsigned            nrcpts;
    ec_spool_msg_t     *msg;
    uint64_t            data_size;
    int                 data_too_big;
    int                 data_failed;
};

void    ec_smtp_reply(ec_smtp_t *s, const char *fmt, ...)
            __attribute__((format(printf, 2, 3)));
void    ec_smtp_close(ec_smtp_t *s);
int     ec_smtp_can_relay(const ec_smtp_t *s);

/* AUTH command and the lines of its exchange (smtp_auth.c). */
void    ec_smtp_auth_command(ec_smtp_t *s, char *arg);
void    ec_smtp_auth_line(ec_smtp_t *s, char *line, size_t len);
void    ec_smtp_auth_too_long(ec_smtp_t *s);
void    ec_smtp_auth_timeout(ec_smtp_t *s);
/* Records a session cut off mid-exchange by a shutdown as "aborted" with
 * reason "shutdown"; does nothing outside an exchange. */
void    ec_smtp_auth_shutdown(ec_smtp_t *s);

#endif
