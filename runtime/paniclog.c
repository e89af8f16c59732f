/* ecconf: the daemon's event log. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "runtime/paniclog.h"

#define EC_PANICLOG_LINE 2048

static const char *const ec_paniclog_levels[] = {
    "debug", "info", "warning", "error"
};

/* The descriptor is swapped atomically on reopen; writers read it once per
 * line, so a line goes entirely to the old or the new file. */
static atomic_int ec_paniclog_fd = 2;


int
ec_paniclog_open(const char *path)
{
    int fd;
    int old;

    if (path == NULL) {
        fd = 2;
    } else {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            return -1;
    }
    old = atomic_exchange(&ec_paniclog_fd, fd);
    if (old > 2)
        close(old);
    return 0;
}


void
ec_paniclog_close(void)
{
    int old;

    old = atomic_exchange(&ec_paniclog_fd, 2);
    if (old > 2)
        close(old);
}


static size_t
ec_paniclog_stamp(char *out, size_t size)
{
    struct timeval tv;
    struct tm      tm;
    size_t         n;

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    n = strftime(out, size, "ts=%Y-%m-%dT%H:%M:%S", &tm);
    n += snprintf(out + n, size - n, ".%03ldZ", (long) tv.tv_usec / 1000);
    return n;
}


void
ec_paniclog(ec_log_level_t level, const char *event, const char *fmt, ...)
{
    char    line[EC_PANICLOG_LINE];
    size_t  n;
    int     r;
    va_list ap;

    n = ec_paniclog_stamp(line, sizeof(line));
    n += snprintf(line + n, sizeof(line) - n, " level=%s event=%s",
            ec_paniclog_levels[level], event);

    va_start(ap, fmt);
    r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);

    /* A line that does not fit is cut, never split over two lines. */
    if (r < 0 || (size_t) r >= sizeof(line) - n - 1)
        n = sizeof(line) - 2;
    else
        n += (size_t) r;
    line[n++] = '\n';

    if (write(atomic_load(&ec_paniclog_fd), line, n) < 0)
        (void) errno;
}


void
ec_paniclog_raw(ec_log_level_t level, const char *text)
{
    char   line[EC_PANICLOG_LINE];
    size_t n;

    /* Lines from Lua carry their own level= pair. */
    n = ec_paniclog_stamp(line, sizeof(line));
    if (strncmp(text, "level=", 6) == 0)
        n += (size_t) snprintf(line + n, sizeof(line) - n, " %s", text);
    else
        n += (size_t) snprintf(line + n, sizeof(line) - n, " level=%s %s",
                ec_paniclog_levels[level], text);
    if (n >= sizeof(line) - 1)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    if (write(atomic_load(&ec_paniclog_fd), line, n) < 0)
        (void) errno;
}


static int
ec_paniclog_is_safe(unsigned char c)
{
    return c > ' ' && c < 0x7f && c != '"' && c != '\\' && c != '=';
}


char *
ec_paniclog_quote(char *out, size_t size, const char *s, size_t len)
{
    size_t i;
    size_t n = 0;
    int    bare = len > 0;

    for (i = 0; i < len && bare; i++)
        bare = ec_paniclog_is_safe((unsigned char) s[i]);
    if (!bare)
        out[n++] = '"';

    for (i = 0; i < len && n + 6 < size; i++) {
        unsigned char c = (unsigned char) s[i];

        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char) c;
        } else if (c < ' ' || c >= 0x7f) {
            n += (size_t) snprintf(out + n, size - n, "\\x%02x", c);
        } else {
            out[n++] = (char) c;
        }
    }

    if (!bare)
        out[n++] = '"';
    out[n] = '\0';
    return out;
}
