/* ecconf: HTTP_Listener on libevent's evhttp, with HTTP Basic
 * authentication (RFC 7617) and the /status document. */
#ifndef EC_HTTP_H
#define EC_HTTP_H

#include <event2/http.h>

#include "runtime/worker.h"

/* Serve HTTP on fd (a listening socket that the server then owns) for
 * worker socket ws. Returns NULL on failure. */
struct evhttp  *ec_http_open(ec_wsock_t *ws, int fd);

/* Apply the running generation's Idle_Time to ws's server. */
void            ec_http_configure(ec_wsock_t *ws);

#endif
