/* sendexpect: drive an SMTP server on a loopback address from a script,
 * for the scenario tests. Usage: sendexpect [-v] HOST PORT SCRIPT
 *
 * Script lines (one per line, '#' starts a comment line):
 *   > TEXT          send TEXT and CRLF now
 *   + TEXT          queue TEXT and CRLF; the next '>' or 'flush' sends
 *                   everything queued in one write (pipelining)
 *   flush           send what is queued
 *   long N TEXT     send TEXT followed by N 'A' bytes and CRLF
 *   < CODE          read one reply; its last line must start with CODE
 *   <~ TEXT         read one reply; its last line must contain TEXT
 *   eof             the server must close the connection
 *   close           close the connection now and stop
 *   sleep MS        wait MS milliseconds
 *
 * A reply is read to its last line ("250 ..." after "250-..." lines).
 * Exits 0 when every expectation held, 1 on the first mismatch (with the
 * line number and what arrived), 2 on a usage or connection error. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define SE_LINE_MAX  (64 * 1024)
#define SE_QUEUE_MAX (256 * 1024)
#define SE_TIMEOUT_S 10

typedef struct se_conn {
    int     fd;
    int     verbose;
    char    in[SE_LINE_MAX];
    size_t  inlen;
    char    queue[SE_QUEUE_MAX];
    size_t  qlen;
} se_conn_t;


/* Only loopback targets: the tool is for tests of a local daemon. */
static int
se_connect(const char *host, const char *port)
{
    struct sockaddr_storage ss;
    struct sockaddr_in     *in4 = (struct sockaddr_in *) &ss;
    struct sockaddr_in6    *in6 = (struct sockaddr_in6 *) &ss;
    struct timeval          tv = { SE_TIMEOUT_S, 0 };
    socklen_t               len;
    int                     fd;

    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1
            && (ntohl(in4->sin_addr.s_addr) >> 24) == 127) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t) atoi(port));
        len = sizeof(*in4);
    } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1
            && IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t) atoi(port));
        len = sizeof(*in6);
    } else {
        fprintf(stderr, "sendexpect: %s is not a loopback address\n", host);
        return -1;
    }

    fd = socket(ss.ss_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &ss, len) < 0) {
        fprintf(stderr, "sendexpect: connect %s:%s: %s\n", host, port,
                strerror(errno));
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}


static int
se_flush(se_conn_t *c)
{
    size_t off = 0;

    while (off < c->qlen) {
        ssize_t n = send(c->fd, c->queue + off, c->qlen - off, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        off += (size_t) n;
    }
    c->qlen = 0;
    return 0;
}


static int
se_queue(se_conn_t *c, const char *text, size_t len)
{
    if (c->qlen + len > sizeof(c->queue) && se_flush(c) < 0)
        return -1;
    if (len > sizeof(c->queue))
        return -1;
    memcpy(c->queue + c->qlen, text, len);
    c->qlen += len;
    return 0;
}


static int
se_queue_line(se_conn_t *c, const char *text)
{
    if (c->verbose)
        fprintf(stderr, "C: %.200s\n", text);
    if (se_queue(c, text, strlen(text)) < 0)
        return -1;
    return se_queue(c, "\r\n", 2);
}


static int
se_queue_long(se_conn_t *c, long n, const char *prefix)
{
    char block[1024];

    memset(block, 'A', sizeof(block));
    if (c->verbose)
        fprintf(stderr, "C: %s<%ld x A>\n", prefix, n);
    if (se_queue(c, prefix, strlen(prefix)) < 0)
        return -1;
    while (n > 0) {
        size_t k = n > (long) sizeof(block) ? sizeof(block) : (size_t) n;

        if (se_queue(c, block, k) < 0)
            return -1;
        n -= (long) k;
    }
    return se_queue(c, "\r\n", 2);
}


/* Read one line into out (without CRLF). Returns 0, or -1 on EOF or a
 * timeout. */
static int
se_read_line(se_conn_t *c, char *out, size_t size)
{
    for (;;) {
        char   *nl = memchr(c->in, '\n', c->inlen);
        ssize_t n;

        if (nl != NULL) {
            size_t len = (size_t) (nl - c->in);
            size_t keep = len > 0 && c->in[len - 1] == '\r' ? len - 1 : len;

            snprintf(out, size, "%.*s", (int) keep, c->in);
            memmove(c->in, nl + 1, c->inlen - len - 1);
            c->inlen -= len + 1;
            return 0;
        }
        if (c->inlen == sizeof(c->in))
            return -1;
        n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        c->inlen += (size_t) n;
    }
}


/* Read a whole reply; out receives its last line. */
static int
se_read_reply(se_conn_t *c, char *out, size_t size)
{
    do {
        if (se_read_line(c, out, size) < 0)
            return -1;
        if (c->verbose)
            fprintf(stderr, "S: %s\n", out);
    } while (strlen(out) > 3 && out[3] == '-');
    return 0;
}


static int
se_expect(se_conn_t *c, const char *want, int contains, unsigned lineno)
{
    char got[1024];

    if (c->qlen > 0 && se_flush(c) < 0) {
        fprintf(stderr, "sendexpect: line %u: send failed: %s\n", lineno,
                strerror(errno));
        return -1;
    }
    if (se_read_reply(c, got, sizeof(got)) < 0) {
        fprintf(stderr, "sendexpect: line %u: expected \"%s\", got end of "
                "input or timeout\n", lineno, want);
        return -1;
    }
    if (contains ? strstr(got, want) == NULL
            : strncmp(got, want, strlen(want)) != 0) {
        fprintf(stderr, "sendexpect: line %u: expected \"%s\", got \"%s\"\n",
                lineno, want, got);
        return -1;
    }
    return 0;
}


static int
se_expect_eof(se_conn_t *c, unsigned lineno)
{
    char got[1024];

    if (se_read_line(c, got, sizeof(got)) == 0) {
        fprintf(stderr, "sendexpect: line %u: expected the connection to "
                "close, got \"%s\"\n", lineno, got);
        return -1;
    }
    return 0;
}


/* Run one script line. Returns 0 to go on, 1 to stop, -1 on failure. */
static int
se_step(se_conn_t *c, char *line, unsigned lineno)
{
    struct timespec ts;
    char           *text;
    long            n;

    if (strncmp(line, "> ", 2) == 0 || strcmp(line, ">") == 0)
        return se_queue_line(c, line[1] ? line + 2 : "") < 0
            || se_flush(c) < 0 ? -1 : 0;
    if (strncmp(line, "+ ", 2) == 0 || strcmp(line, "+") == 0)
        return se_queue_line(c, line[1] ? line + 2 : "");
    if (strcmp(line, "flush") == 0)
        return se_flush(c);
    if (strncmp(line, "long ", 5) == 0) {
        n = strtol(line + 5, &text, 10);
        text += *text == ' ';
        return se_queue_long(c, n, text) < 0 || se_flush(c) < 0 ? -1 : 0;
    }
    if (strncmp(line, "<~ ", 3) == 0)
        return se_expect(c, line + 3, 1, lineno);
    if (strncmp(line, "< ", 2) == 0)
        return se_expect(c, line + 2, 0, lineno);
    if (strcmp(line, "eof") == 0)
        return se_expect_eof(c, lineno);
    if (strcmp(line, "close") == 0)
        return 1;
    if (strncmp(line, "sleep ", 6) == 0) {
        n = atol(line + 6);
        ts.tv_sec = n / 1000;
        ts.tv_nsec = (n % 1000) * 1000000L;
        nanosleep(&ts, NULL);
        return 0;
    }
    fprintf(stderr, "sendexpect: line %u: unknown directive \"%s\"\n",
            lineno, line);
    return -1;
}


static int
se_run(se_conn_t *c, FILE *script)
{
    char     line[4096];
    unsigned lineno = 0;
    int      r;

    while (fgets(line, sizeof(line), script) != NULL) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        r = se_step(c, line, lineno);
        if (r < 0)
            return 1;
        if (r > 0)
            break;
    }
    return 0;
}


int
main(int argc, char **argv)
{
    static se_conn_t c;
    FILE            *script;
    int              argi = 1;
    int              status;

    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        c.verbose = 1;
        argi++;
    }
    if (argc - argi != 3) {
        fprintf(stderr, "usage: sendexpect [-v] HOST PORT SCRIPT\n");
        return 2;
    }
    script = strcmp(argv[argi + 2], "-") == 0 ? stdin
        : fopen(argv[argi + 2], "r");
    if (script == NULL) {
        fprintf(stderr, "sendexpect: cannot read %s: %s\n", argv[argi + 2],
                strerror(errno));
        return 2;
    }
    c.fd = se_connect(argv[argi], argv[argi + 1]);
    if (c.fd < 0)
        return 2;
    status = se_run(&c, script);
    close(c.fd);
    if (script != stdin)
        fclose(script);
    return status;
}
