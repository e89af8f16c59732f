/* ecconf: ESMTP sessions: connection life cycle, line framing and the
 * commands other than AUTH. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <openssl/crypto.h>

#include "runtime/daemon.h"
#include "runtime/paniclog.h"
#include "runtime/smtp_int.h"

typedef void (*ec_smtp_handler_t)(ec_smtp_t *s, char *arg);

typedef struct ec_smtp_command {
    const char         *verb;
    ec_smtp_handler_t   fn;
} ec_smtp_command_t;

static void ec_smtp_ehlo(ec_smtp_t *s, char *arg);
static void ec_smtp_helo(ec_smtp_t *s, char *arg);
static void ec_smtp_mail(ec_smtp_t *s, char *arg);
static void ec_smtp_rcpt(ec_smtp_t *s, char *arg);
static void ec_smtp_data(ec_smtp_t *s, char *arg);
static void ec_smtp_rset(ec_smtp_t *s, char *arg);
static void ec_smtp_noop(ec_smtp_t *s, char *arg);
static void ec_smtp_quit(ec_smtp_t *s, char *arg);

static const ec_smtp_command_t ec_smtp_commands[] = {
    { "EHLO", ec_smtp_ehlo },
    { "HELO", ec_smtp_helo },
    { "AUTH", ec_smtp_auth_command },
    { "MAIL", ec_smtp_mail },
    { "RCPT", ec_smtp_rcpt },
    { "DATA", ec_smtp_data },
    { "RSET", ec_smtp_rset },
    { "NOOP", ec_smtp_noop },
    { "QUIT", ec_smtp_quit },
};


void
ec_smtp_reply(ec_smtp_t *s, const char *fmt, ...)
{
    struct evbuffer *out = bufferevent_get_output(s->bev);
    va_list          ap;

    va_start(ap, fmt);
    evbuffer_add_vprintf(out, fmt, ap);
    va_end(ap);
    evbuffer_add(out, "\r\n", 2);
}


int
ec_smtp_can_relay(const ec_smtp_t *s)
{
    return s->authed || s->set.relay_host || s->set.open_relay;
}


static void
ec_smtp_reset_transaction(ec_smtp_t *s)
{
    unsigned i;

    for (i = 0; i < s->nrcpts; i++)
        free(s->rcpts[i]);
    free(s->rcpts);
    s->rcpts = NULL;
    s->nrcpts = 0;
    s->mail = 0;
    s->from[0] = '\0';
    ec_spool_abort(s->msg);
    s->msg = NULL;
    s->data_size = 0;
    s->data_too_big = 0;
    s->data_failed = 0;
}


static void
ec_smtp_free(ec_smtp_t *s)
{
    ec_worker_t *w = s->w;

    ec_smtp_reset_transaction(s);
    OPENSSL_cleanse(s->user, sizeof(s->user));
    bufferevent_free(s->bev);
    atomic_fetch_sub(&s->sock->sessions, 1);

    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        w->sessions = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;

    ec_wgen_unref(s->gen);
    free(s);
    ec_worker_session_removed(w);
}


static void
ec_smtp_flushed(struct bufferevent *bev, void *arg)
{
    (void) bev;
    ec_smtp_free(arg);
}


/* Stop reading and free the session once the queued replies are sent. */
void
ec_smtp_close(ec_smtp_t *s)
{
    s->state = EC_SMTP_CLOSING;
    bufferevent_disable(s->bev, EV_READ);
    bufferevent_setcb(s->bev, NULL, ec_smtp_flushed, NULL, s);
    bufferevent_enable(s->bev, EV_WRITE);
}


void
ec_smtp_shutdown(ec_smtp_t *s)
{
    char    line[300];
    int     n;
    ssize_t r;

    /* One non-blocking send straight to the socket, because the
     * bufferevent is freed next: a client that does not read loses the
     * reply, not the shutdown. */
    n = snprintf(line, sizeof(line), "421 4.3.2 %.200s Service shutting "
            "down\r\n", s->set.hostname);
    r = send(bufferevent_getfd(s->bev), line, (size_t) n,
            MSG_NOSIGNAL | MSG_DONTWAIT);
    (void) r;
    ec_smtp_auth_shutdown(s);
    ec_smtp_free(s);
}


static void
ec_smtp_ehlo(ec_smtp_t *s, char *arg)
{
    const unsigned mechs = s->set.mechs;

    if (*arg == '\0') {
        ec_smtp_reply(s, "501 5.5.4 Syntax: EHLO hostname");
        return;
    }
    snprintf(s->ehlo, sizeof(s->ehlo), "%s", arg);
    s->conn.ehlo = s->ehlo;
    s->greeted = 2;
    ec_smtp_reset_transaction(s);

    ec_smtp_reply(s, "250-%s", s->set.hostname);
    ec_smtp_reply(s, "250-ENHANCEDSTATUSCODES");
    ec_smtp_reply(s, "250-PIPELINING");
    ec_smtp_reply(s, "250-8BITMIME");
    if (mechs != 0 && !s->authed)
        ec_smtp_reply(s, "250-AUTH%s%s%s",
                mechs & EC_MECH_LOGIN ? " LOGIN" : "",
                mechs & EC_MECH_PLAIN ? " PLAIN" : "",
                mechs & EC_MECH_CRAM ? " CRAM-MD5" : "");
    if (s->set.max_message_size > 0)
        ec_smtp_reply(s, "250 SIZE %llu",
                (unsigned long long) s->set.max_message_size);
    else
        ec_smtp_reply(s, "250 SIZE");
}


static void
ec_smtp_helo(ec_smtp_t *s, char *arg)
{
    if (*arg == '\0') {
        ec_smtp_reply(s, "501 5.5.4 Syntax: HELO hostname");
        return;
    }
    snprintf(s->ehlo, sizeof(s->ehlo), "%s", arg);
    s->conn.ehlo = s->ehlo;
    s->greeted = 1;
    ec_smtp_reset_transaction(s);
    ec_smtp_reply(s, "250 %s", s->set.hostname);
}


/* Parse "FROM:<addr> params" or "TO:<addr> params"; returns the text
 * after the closing '>' or NULL for bad syntax. */
static char *
ec_smtp_path(char *arg, const char *prefix, char *out, size_t size)
{
    size_t n = strlen(prefix);
    char  *close;

    if (strncasecmp(arg, prefix, n) != 0)
        return NULL;
    arg += n;
    while (*arg == ' ')
        arg++;
    if (*arg != '<' || (close = strchr(arg, '>')) == NULL)
        return NULL;
    if ((size_t) (close - arg + 2) > size)
        return NULL;
    snprintf(out, size, "%.*s", (int) (close - arg + 1), arg);
    return close + 1;
}


/* Returns 0, or -1 when SIZE= is over Max_Message_Size (reply sent). */
static int
ec_smtp_mail_params(ec_smtp_t *s, char *params)
{
    char *tok;
    char *save;

    for (tok = strtok_r(params, " ", &save); tok != NULL;
            tok = strtok_r(NULL, " ", &save)) {
        unsigned long long size;

        if (strncasecmp(tok, "SIZE=", 5) != 0)
            continue;
        size = strtoull(tok + 5, NULL, 10);
        if (s->set.max_message_size > 0 && size > s->set.max_message_size) {
            ec_smtp_reply(s, "552 5.3.4 Message size exceeds fixed "
                    "maximum message size");
            return -1;
        }
    }
    return 0;
}


/* Relaying policy: a client that may not relay gets 530 at MAIL when the
 * session offers AUTH. When it offers none, MAIL is accepted and each RCPT
 * is rejected as relaying (550 5.7.1), because ecconfd has no local
 * domains to deliver to. */
static void
ec_smtp_mail(ec_smtp_t *s, char *arg)
{
    char *params;

    if (!s->greeted) {
        ec_smtp_reply(s, "503 5.5.1 Send EHLO or HELO first");
        return;
    }
    if (s->mail) {
        ec_smtp_reply(s, "503 5.5.1 Nested MAIL command");
        return;
    }
    params = ec_smtp_path(arg, "FROM:", s->from, sizeof(s->from));
    if (params == NULL) {
        ec_smtp_reply(s, "501 5.5.4 Syntax: MAIL FROM:<address>");
        return;
    }
    if (ec_smtp_mail_params(s, params) < 0)
        return;
    if (!ec_smtp_can_relay(s) && s->set.mechs != 0) {
        ec_smtp_reply(s, "530 5.7.0 Authentication required");
        return;
    }
    s->mail = 1;
    ec_smtp_reply(s, "250 2.1.0 OK");
}


static void
ec_smtp_rcpt(ec_smtp_t *s, char *arg)
{
    char addr[EC_SMTP_ADDR_MAX];

    if (!s->mail) {
        ec_smtp_reply(s, "503 5.5.1 Need MAIL before RCPT");
        return;
    }
    if (ec_smtp_path(arg, "TO:", addr, sizeof(addr)) == NULL
            || strcmp(addr, "<>") == 0) {
        ec_smtp_reply(s, "501 5.5.4 Syntax: RCPT TO:<address>");
        return;
    }
    if (!ec_smtp_can_relay(s)) {
        ec_smtp_reply(s, "550 5.7.1 relaying denied");
        return;
    }
    if (s->nrcpts == EC_SMTP_MAX_RCPT) {
        ec_smtp_reply(s, "452 4.5.3 Too many recipients");
        return;
    }
    s->rcpts = realloc(s->rcpts, (s->nrcpts + 1) * sizeof(char *));
    if (s->rcpts == NULL)
        abort();
    s->rcpts[s->nrcpts++] = strdup(addr);
    ec_smtp_reply(s, "250 2.1.5 OK");
}


static void
ec_smtp_spool_header(ec_smtp_t *s)
{
    char      date[64];
    char      received[512];
    time_t    now = time(NULL);
    struct tm tm;
    unsigned  i;

    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);

    ec_spool_write(s->msg, "X-Ecconf-Mail-From: ", 20);
    ec_spool_write(s->msg, s->from, strlen(s->from));
    for (i = 0; i < s->nrcpts; i++) {
        ec_spool_write(s->msg, "\r\nX-Ecconf-Rcpt-To: ", 20);
        ec_spool_write(s->msg, s->rcpts[i], strlen(s->rcpts[i]));
    }
    snprintf(received, sizeof(received),
            "\r\nReceived: from %.64s ([%s])\r\n\tby %.64s with %s id %s;"
            "\r\n\t%s\r\n", s->ehlo, s->remote, s->set.hostname,
            s->authed ? "ESMTPA" : "ESMTP", ec_spool_id(s->msg), date);
    ec_spool_write(s->msg, received, strlen(received));
}


static void
ec_smtp_log_spool_error(const ec_smtp_t *s)
{
    char path[600];

    ec_paniclog(EC_LOG_ERROR, "spool_error", " conn=%llu path=%s",
            (unsigned long long) s->conn.conn_id,
            ec_paniclog_quote_str(path, sizeof(path), s->gen->rc->spool));
}


static void
ec_smtp_data(ec_smtp_t *s, char *arg)
{
    (void) arg;
    if (!s->mail || s->nrcpts == 0) {
        ec_smtp_reply(s, "503 5.5.1 Need RCPT before DATA");
        return;
    }
    s->msg = ec_spool_begin(s->gen->rc->spool, s->conn.conn_id);
    if (s->msg == NULL) {
        ec_smtp_log_spool_error(s);
        ec_smtp_reply(s, "451 4.3.0 Cannot spool message, try later");
        return;
    }
    ec_smtp_spool_header(s);
    s->state = EC_SMTP_DATA;
    s->midline = 0;
    ec_smtp_reply(s, "354 End data with <CR><LF>.<CR><LF>");
}


static void
ec_smtp_rset(ec_smtp_t *s, char *arg)
{
    (void) arg;
    ec_smtp_reset_transaction(s);
    ec_smtp_reply(s, "250 2.0.0 OK");
}


static void
ec_smtp_noop(ec_smtp_t *s, char *arg)
{
    (void) arg;
    ec_smtp_reply(s, "250 2.0.0 OK");
}


static void
ec_smtp_quit(ec_smtp_t *s, char *arg)
{
    (void) arg;
    ec_smtp_reply(s, "221 2.0.0 %s closing connection", s->set.hostname);
    ec_smtp_close(s);
}


static void
ec_smtp_command(ec_smtp_t *s, char *line)
{
    char  *arg;
    size_t i;

    arg = line + strcspn(line, " ");
    if (*arg != '\0')
        *arg++ = '\0';
    while (*arg == ' ')
        arg++;

    for (i = 0; i < sizeof(ec_smtp_commands) / sizeof(ec_smtp_commands[0]);
            i++) {
        if (strcasecmp(line, ec_smtp_commands[i].verb) == 0) {
            ec_smtp_commands[i].fn(s, arg);
            return;
        }
    }
    ec_smtp_reply(s, "500 5.5.2 Command not recognized");
}


static void
ec_smtp_data_end(ec_smtp_t *s)
{
    ec_spool_msg_t *msg = s->msg;
    char            id[96];

    s->msg = NULL;
    s->state = EC_SMTP_CMD;
    if (s->data_too_big) {
        ec_spool_abort(msg);
        ec_smtp_reply(s, "552 5.3.4 Message size exceeds fixed maximum "
                "message size");
    } else if (snprintf(id, sizeof(id), "%s", ec_spool_id(msg)) < 0
            || s->data_failed || ec_spool_commit(msg) < 0) {
        if (s->data_failed)
            ec_spool_abort(msg);
        ec_smtp_log_spool_error(s);
        ec_smtp_reply(s, "451 4.3.0 Cannot spool message, try later");
    } else {
        ec_smtp_reply(s, "250 2.0.0 OK queued as %s", id);
    }
    ec_smtp_reset_transaction(s);
}


/* One piece of the message: a whole line (eol set) or a chunk of a line
 * too long to buffer. Dot-unstuffing applies at the start of a line. */
static void
ec_smtp_data_piece(ec_smtp_t *s, char *p, size_t len, int eol)
{
    if (!s->midline && eol && len == 1 && p[0] == '.') {
        ec_smtp_data_end(s);
        return;
    }
    if (!s->midline && len > 0 && p[0] == '.') {
        p++;
        len--;
    }
    s->midline = !eol;
    s->data_size += len + (eol ? 2 : 0);
    if (s->set.max_message_size > 0
            && s->data_size > s->set.max_message_size)
        s->data_too_big = 1;
    if (s->data_too_big || s->data_failed)
        return;
    if (ec_spool_write(s->msg, p, len) < 0
            || (eol && ec_spool_write(s->msg, "\r\n", 2) < 0))
        s->data_failed = 1;
}


/* The maximum line length of the current state, without CRLF. An AUTH
 * command may carry an initial response, so it gets the AUTH limit. */
static size_t
ec_smtp_line_max(const ec_smtp_t *s, struct evbuffer *in)
{
    char verb[5];

    switch (s->state) {
    case EC_SMTP_CMD:
        if (evbuffer_copyout(in, verb, 5) == 5
                && strncasecmp(verb, "AUTH ", 5) == 0)
            return EC_SMTP_AUTH_MAX;
        return EC_SMTP_CMD_MAX;
    case EC_SMTP_DATA:
        return EC_SMTP_DATA_CHUNK;
    default:
        return EC_SMTP_AUTH_MAX;
    }
}


static void
ec_smtp_too_long(ec_smtp_t *s)
{
    if (s->state == EC_SMTP_CMD)
        ec_smtp_reply(s, "500 5.5.6 Line too long");
    else
        ec_smtp_auth_too_long(s);
}


static void
ec_smtp_dispatch(ec_smtp_t *s, char *line, size_t len)
{
    if (s->state == EC_SMTP_DATA)
        ec_smtp_data_piece(s, line, len, 1);
    else if (s->state == EC_SMTP_CMD)
        ec_smtp_command(s, line);
    else
        ec_smtp_auth_line(s, line, len);
}


/* Take one line (or, for DATA, one chunk) from in. Returns 0 when more
 * input is needed. */
static int
ec_smtp_next_line(ec_smtp_t *s, struct evbuffer *in)
{
    struct evbuffer_ptr eol;
    size_t              eol_len = 0;
    size_t              max = ec_smtp_line_max(s, in);
    char               *line = s->w->line;

    eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_CRLF);
    if (eol.pos < 0) {
        size_t have = evbuffer_get_length(in);

        if (have <= max)
            return 0;
        if (s->state == EC_SMTP_DATA && !s->discard) {
            evbuffer_remove(in, line, max);
            ec_smtp_data_piece(s, line, max, 0);
            return 1;
        }
        /* Drop what arrived; the reply goes out when the line ends. */
        evbuffer_drain(in, have);
        s->discard = 1;
        return 0;
    }

    if (s->discard || (size_t) eol.pos > max) {
        evbuffer_drain(in, (size_t) eol.pos + eol_len);
        s->discard = 0;
        ec_smtp_too_long(s);
        return 1;
    }
    evbuffer_remove(in, line, (size_t) eol.pos);
    evbuffer_drain(in, eol_len);
    line[eol.pos] = '\0';
    ec_smtp_dispatch(s, line, (size_t) eol.pos);
    return 1;
}


/* Every complete line in the buffer is handled in order, so pipelined
 * commands get their replies in one write. */
static void
ec_smtp_read(struct bufferevent *bev, void *arg)
{
    ec_smtp_t       *s = arg;
    struct evbuffer *in = bufferevent_get_input(bev);

    while (s->state != EC_SMTP_CLOSING && ec_smtp_next_line(s, in))
        ;
    /* AUTH lines may hold secrets: clear the scratch line. */
    OPENSSL_cleanse(s->w->line, EC_SMTP_AUTH_MAX + 2);
}


static void
ec_smtp_event(struct bufferevent *bev, short what, void *arg)
{
    ec_smtp_t *s = arg;

    (void) bev;
    if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING)
            && s->state != EC_SMTP_CLOSING) {
        ec_paniclog(EC_LOG_INFO, "idle_timeout",
                " conn=%llu listener=%s remote=%s state=%d",
                (unsigned long long) s->conn.conn_id, s->sock->listener,
                s->remote, (int) s->state);
        if (s->state != EC_SMTP_CMD && s->state != EC_SMTP_DATA)
            ec_smtp_auth_timeout(s);
        ec_smtp_reply(s, "421 4.4.2 %s Idle timeout, closing connection",
                s->set.hostname);
        ec_smtp_close(s);
        return;
    }
    /* EOF, an error, or a client that stopped reading: nothing to save. */
    ec_smtp_free(s);
}


static void
ec_smtp_addr_text(const struct sockaddr *sa, char *out, size_t size,
        int *port)
{
    const struct sockaddr_in  *in4 = (const struct sockaddr_in *) sa;
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) sa;

    *port = 0;
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &in4->sin_addr, out, (socklen_t) size);
        *port = ntohs(in4->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t) size);
        *port = ntohs(in6->sin6_port);
    } else {
        snprintf(out, size, "unix");
    }
}


static void
ec_smtp_conn_info(ec_smtp_t *s, evutil_socket_t fd, struct sockaddr *sa)
{
    struct sockaddr_storage local;
    socklen_t               len = sizeof(local);

    s->conn.protocol = EC_PROTO_ESMTP;
    s->conn.listener = s->sock->listener;
    s->conn.conn_id = atomic_fetch_add(&s->w->d->conn_ids, 1) + 1;
    ec_smtp_addr_text(sa, s->remote, sizeof(s->remote),
            &s->conn.remote_port);
    s->conn.remote_addr = s->remote;
    if (getsockname(fd, (struct sockaddr *) &local, &len) == 0)
        ec_smtp_addr_text((struct sockaddr *) &local, s->local,
                sizeof(s->local), &s->conn.local_port);
    if (sa->sa_family == AF_UNIX)
        snprintf(s->local, sizeof(s->local), "%.63s", s->sock->addr_text);
    s->conn.local_addr = s->local;
}


/* Send one reply without a session and close: 421 when Listener_Sessions
 * is full, 554 (RFC 5321 section 3.1) when Enable = false in the client's
 * Peer. */
static void
ec_smtp_reject(ec_wsock_t *ws, evutil_socket_t fd, const ec_settings_t *set)
{
    char line[300];
    int  n;

    if (set->enable)
        n = snprintf(line, sizeof(line),
                "421 4.7.0 %.200s Too many sessions, try again later\r\n",
                set->hostname);
    else
        n = snprintf(line, sizeof(line),
                "554 5.7.1 %.200s No service for your address\r\n",
                set->hostname);
    if (write(fd, line, (size_t) n) < 0)
        (void) n;
    close(fd);
    atomic_fetch_add(&ws->sock->rejected, 1);
}


static void
ec_smtp_start(ec_smtp_t *s, evutil_socket_t fd)
{
    struct timeval tv = { s->set.idle_time, 0 };
    ec_worker_t   *w = s->w;

    s->bev = bufferevent_socket_new(w->base, fd, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(s->bev, ec_smtp_read, NULL, ec_smtp_event, s);
    if (s->set.idle_time > 0)
        bufferevent_set_timeouts(s->bev, &tv, &tv);
    bufferevent_enable(s->bev, EV_READ | EV_WRITE);

    s->next = w->sessions;
    if (w->sessions != NULL)
        w->sessions->prev = s;
    w->sessions = s;
    ec_worker_session_added(w);

    ec_smtp_reply(s, "220 %s ESMTP ecconfd", s->set.hostname);
}


void
ec_smtp_accept(ec_wsock_t *ws, evutil_socket_t fd, struct sockaddr *sa,
        int salen)
{
    const ec_rtlisten_t *l = ec_worker_listen(ws->w, ws->sock);
    ec_smtp_t           *s;
    int                  one = 1;

    (void) salen;
    if (l == NULL) {
        close(fd);
        return;
    }
    atomic_fetch_add(&ws->sock->connections, 1);
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        abort();
    ec_rtconf_resolve(l, sa, &s->set);
    if (!s->set.enable) {
        ec_smtp_reject(ws, fd, &s->set);
        free(s);
        return;
    }

    if (atomic_fetch_add(&ws->sock->sessions, 1) >= s->set.listener_sessions
            && s->set.listener_sessions > 0) {
        atomic_fetch_sub(&ws->sock->sessions, 1);
        ec_smtp_reject(ws, fd, &s->set);
        free(s);
        return;
    }

    if (sa->sa_family != AF_UNIX)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    evutil_make_socket_nonblocking(fd);
    s->w = ws->w;
    s->gen = ec_wgen_ref(ws->w->gen);
    s->sock = ws->sock;
    s->listen = l;
    ec_smtp_conn_info(s, fd, sa);
    ec_smtp_start(s, fd);
}
