/* ecconf: the daemon's listening sockets across reloads. */
#ifndef EC_DAEMON_SOCKET_H
#define EC_DAEMON_SOCKET_H

#include <stddef.h>

#include "runtime/daemon.h"

int     ec_daemon_sockets_prepare(ec_daemon_t *d, const ec_rtconf_t *rc,
            char *err, size_t errlen);
void    ec_daemon_sockets_commit(ec_daemon_t *d, const ec_rtconf_t *rc);
void    ec_daemon_sockets_close_dead(ec_daemon_t *d);
void    ec_daemon_sockets_free(ec_daemon_t *d);
void    ec_socket_close(ec_socket_t *s);

#endif
