/* ecconf: ESMTP sessions (RFC 5321, with AUTH from RFC 4954). */
#ifndef EC_SMTP_H
#define EC_SMTP_H

#include <event2/util.h>

#include "runtime/worker.h"

/* Take over an accepted connection on ws: check Listener_Sessions, send
 * the banner and run the session on the worker's event_base. */
void    ec_smtp_accept(ec_wsock_t *ws, evutil_socket_t fd,
            struct sockaddr *sa, int salen);

/* Close a session at once with 421, for a shutdown past its drain time. */
void    ec_smtp_shutdown(ec_smtp_t *s);

#endif
