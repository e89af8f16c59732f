/* ecconf: the /status document of HTTP_Listener. */
#include <stdio.h>
#include <time.h>

#include <event2/buffer.h>

#include "runtime/daemon.h"


/* Append s as a JSON string. */
static void
ec_json_string(struct evbuffer *out, const char *s)
{
    evbuffer_add(out, "\"", 1);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char) *s;

        if (c == '"' || c == '\\')
            evbuffer_add_printf(out, "\\%c", c);
        else if (c < 0x20)
            evbuffer_add_printf(out, "\\u%04x", c);
        else
            evbuffer_add(out, s, 1);
    }
    evbuffer_add(out, "\"", 1);
}


static void
ec_daemon_status_socket(struct evbuffer *out, ec_socket_t *s)
{
    evbuffer_add_printf(out, "{\"listener\":");
    ec_json_string(out, s->listener);
    evbuffer_add_printf(out, ",\"listen\":");
    ec_json_string(out, s->addr_text);
    evbuffer_add_printf(out, ",\"connections\":%llu,\"sessions\":%d,"
            "\"rejected\":%llu,\"auth_pass\":%llu,\"auth_fail\":%llu,"
            "\"auth_tempfail\":%llu}",
            (unsigned long long) atomic_load(&s->connections),
            atomic_load(&s->sessions),
            (unsigned long long) atomic_load(&s->rejected),
            (unsigned long long) atomic_load(&s->auth_pass),
            (unsigned long long) atomic_load(&s->auth_fail),
            (unsigned long long) atomic_load(&s->auth_error));
}


void
ec_daemon_status_json(ec_daemon_t *d, struct evbuffer *out)
{
    unsigned i;
    int      first = 1;

    ec_daemon_lock(d);
    evbuffer_add_printf(out, "{\"generation\":%u,\"uptime_s\":%lld,"
            "\"workers\":%u,\"listeners\":[", d->generation,
            (long long) (time(NULL) - d->started), d->nworkers);
    for (i = 0; i < d->nsocks; i++) {
        if (!d->socks[i]->live)
            continue;
        if (!first)
            evbuffer_add(out, ",", 1);
        first = 0;
        ec_daemon_status_socket(out, d->socks[i]);
    }
    evbuffer_add_printf(out, "]}\n");
    ec_daemon_unlock(d);
}
