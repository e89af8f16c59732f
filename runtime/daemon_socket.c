/* ecconf: the table of listening sockets, kept across reloads. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/daemon.h"
#include "runtime/daemon_socket.h"
#include "runtime/paniclog.h"


/* A socket file left by an earlier run would make bind() fail; remove it
 * only when it is a socket, never a regular file. */
static void
ec_socket_remove_stale(const char *path)
{
    struct stat st;

    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);
}


static int
ec_socket_bind(const ec_rtlisten_t *l, int fd)
{
    int one = 1;

    if (l->family == EC_LISTEN_UNIX) {
        ec_socket_remove_stale(l->unix_path);
        if (bind(fd, (const struct sockaddr *) &l->sa, l->salen) < 0)
            return -1;
        /* File_Mode is best effort: a failure leaves the umask's mode. */
        if (chmod(l->unix_path, l->base.file_mode) < 0) {
            const char *reason = strerror(errno);
            char        qpath[600];
            char        qerr[200];

            ec_paniclog(EC_LOG_WARNING, "chmod_failed", " path=%s error=%s",
                    ec_paniclog_quote_str(qpath, sizeof(qpath), l->unix_path),
                    ec_paniclog_quote_str(qerr, sizeof(qerr), reason));
        }
        return 0;
    }

    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    /* An IPv6 Listen takes IPv6 only, so "[::]:25" and ":25" can both be
     * configured without one stealing the other's address. */
    if (l->sa.ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    return bind(fd, (const struct sockaddr *) &l->sa, l->salen);
}


static ec_socket_t *
ec_socket_open(const ec_rtlisten_t *l, char *err, size_t errlen)
{
    ec_socket_t *s;
    int          fd;

    fd = socket(l->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
            0);
    if (fd < 0 || ec_socket_bind(l, fd) < 0
            || listen(fd, l->base.listen_backlog) < 0) {
        snprintf(err, errlen, "cannot listen on \"%s\": %s", l->addr_text,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }

    s = calloc(1, sizeof(*s));
    if (s == NULL)
        abort();
    snprintf(s->key, sizeof(s->key), "%s", l->key);
    snprintf(s->addr_text, sizeof(s->addr_text), "%s", l->addr_text);
    s->proto = l->proto;
    s->listener = l->proto == EC_PROTO_HTTP ? "HTTP_Listener"
        : "ESMTP_Listener";
    s->fd = fd;
    s->unix_path = l->unix_path != NULL ? strdup(l->unix_path) : NULL;
    return s;
}


static ec_socket_t *
ec_socket_find(ec_daemon_t *d, const ec_rtlisten_t *l)
{
    unsigned i;

    for (i = 0; i < d->nsocks; i++) {
        ec_socket_t *s = d->socks[i];

        if (s->fd >= 0 && s->proto == l->proto
                && strcmp(s->key, l->key) == 0)
            return s;
    }
    return NULL;
}


void
ec_socket_close(ec_socket_t *s)
{
    if (s->fd < 0)
        return;
    close(s->fd);
    s->fd = -1;
    s->live = 0;
    if (s->unix_path != NULL)
        unlink(s->unix_path);
}


/* Open what rc needs and is not open yet; on failure close what this call
 * opened and leave the table as it was. Sockets that rc does not name
 * are marked for ec_daemon_sockets_commit. */
int
ec_daemon_sockets_prepare(ec_daemon_t *d, const ec_rtconf_t *rc,
        char *err, size_t errlen)
{
    unsigned first_new = d->nsocks;
    unsigned i;

    for (i = 0; i < rc->nlistens; i++) {
        const ec_rtlisten_t *l = &rc->listens[i];
        ec_socket_t         *s;

        if (!l->base.enable || ec_socket_find(d, l) != NULL)
            continue;
        if (d->nsocks < EC_WORKER_MAX_SOCKETS) {
            s = ec_socket_open(l, err, errlen);
        } else {
            /* NOTE: closed sockets keep their slot until ecconfd stops,
             * because a worker may still use one. Many reloads that each
             * add new addresses therefore end here. */
            snprintf(err, errlen, "cannot listen on \"%s\": more than %d "
                    "listening sockets since ecconfd started; restart it",
                    l->addr_text, EC_WORKER_MAX_SOCKETS);
            s = NULL;
        }
        if (s == NULL) {
            while (d->nsocks > first_new) {
                ec_socket_close(d->socks[--d->nsocks]);
                free(d->socks[d->nsocks]->unix_path);
                free(d->socks[d->nsocks]);
            }
            return -1;
        }
        d->socks[d->nsocks++] = s;
    }
    return 0;
}


/* Mark exactly the sockets of rc as live, and apply Listen_Backlog to the
 * ones kept from the previous generation. Call with d->lock held. */
void
ec_daemon_sockets_commit(ec_daemon_t *d, const ec_rtconf_t *rc)
{
    unsigned i;

    for (i = 0; i < d->nsocks; i++)
        d->socks[i]->live = 0;
    for (i = 0; i < rc->nlistens; i++) {
        const ec_rtlisten_t *l = &rc->listens[i];
        ec_socket_t         *s = ec_socket_find(d, l);

        if (s == NULL || !l->base.enable)
            continue;
        s->live = 1;
        listen(s->fd, l->base.listen_backlog);
    }
}


/* Close the sockets no longer live. Workers hold their own dup()s, so a
 * worker that has not synced yet keeps accepting until it does. */
void
ec_daemon_sockets_close_dead(ec_daemon_t *d)
{
    unsigned i;

    for (i = 0; i < d->nsocks; i++) {
        if (!d->socks[i]->live && d->socks[i]->fd >= 0) {
            char listen[600];

            ec_paniclog(EC_LOG_INFO, "listen_close", " listener=%s listen=%s",
                    d->socks[i]->listener,
                    ec_paniclog_quote_str(listen, sizeof(listen),
                        d->socks[i]->addr_text));
            ec_socket_close(d->socks[i]);
        }
    }
}


void
ec_daemon_sockets_free(ec_daemon_t *d)
{
    unsigned i;

    for (i = 0; i < d->nsocks; i++) {
        ec_socket_close(d->socks[i]);
        free(d->socks[i]->unix_path);
        free(d->socks[i]);
    }
    d->nsocks = 0;
}
