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


/* Cuts a line that did not fit at a point where it is still valid
 * key=value text: never inside an escape, and with a closing quote when
 * the cut falls inside a quoted value. Appends " truncated=true" and the
 * newline, and returns the new length. line contains len bytes and has room
 * for EC_PANICLOG_LINE. */
static size_t
ec_paniclog_cut(char *line, size_t len)
{
    static const char mark[] = " truncated=true\n";
    size_t limit = EC_PANICLOG_LINE - sizeof(mark) - 1;
    size_t i = 0;
    size_t cut = 0;
    int    quoted = 0;
    int    cut_quoted = 0;

    if (len > limit)
        len = limit;
    while (i < len) {
        size_t step = 1;

        if (quoted && line[i] == '\\')
            step = line[i + 1] == 'x' ? 4 : 2;
        if (i + step > len)
            break;
        /* Cut before a space between pairs, or anywhere inside a quoted
         * value, which then gets its closing quote. */
        if (!quoted && line[i] == ' ') {
            cut = i;
            cut_quoted = 0;
        }
        if (line[i] == '"' && step == 1)
            quoted = !quoted;
        i += step;
        if (quoted) {
            cut = i;
            cut_quoted = 1;
        }
    }
    if (cut_quoted)
        line[cut++] = '"';
    memcpy(line + cut, mark, sizeof(mark) - 1);
    return cut + sizeof(mark) - 1;
}


/* Writes the finished text of one line (without its newline) with one
 * write(2). */
static void
ec_paniclog_write(char *line, size_t len)
{
    if (len >= EC_PANICLOG_LINE - 1) {
        len = ec_paniclog_cut(line, len);
    } else {
        line[len++] = '\n';
    }
    if (write(atomic_load(&ec_paniclog_fd), line, len) < 0)
        (void) errno;
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
    if (r < 0)
        r = 0;
    ec_paniclog_write(line, n + (size_t) r);
}


void
ec_paniclog_raw(ec_log_level_t level, const char *text)
{
    char   line[EC_PANICLOG_LINE];
    size_t n;
    int    r;

    /* Lines from Lua carry their own level= pair. */
    n = ec_paniclog_stamp(line, sizeof(line));
    if (strncmp(text, "level=", 6) == 0)
        r = snprintf(line + n, sizeof(line) - n, " %s", text);
    else
        r = snprintf(line + n, sizeof(line) - n, " level=%s %s",
                ec_paniclog_levels[level], text);
    if (r < 0)
        r = 0;
    ec_paniclog_write(line, n + (size_t) r);
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


char *
ec_paniclog_quote_str(char *out, size_t size, const char *s)
{
    if (s == NULL)
        s = "-";
    return ec_paniclog_quote(out, size, s, strlen(s));
}
