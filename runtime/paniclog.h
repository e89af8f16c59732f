/* ecconf: the daemon's event log, one event per line as key=value. */
#ifndef EC_PANICLOG_H
#define EC_PANICLOG_H

#include <stdarg.h>

typedef enum {
    EC_LOG_DEBUG = 0,
    EC_LOG_INFO,
    EC_LOG_WARNING,
    EC_LOG_ERROR
} ec_log_level_t;

/* Direct the log to path (opened for append), or to stderr when path is
 * NULL. Safe to call again on reload; returns -1 with errno set when the
 * file cannot be opened, and the previous destination stays. */
int     ec_paniclog_open(const char *path);
void    ec_paniclog_close(void);

/* Write one line: "ts=... level=... event=EVENT" followed by the pairs in
 * fmt. fmt is a printf format of further " key=value" text; values that
 * come from clients must go through ec_paniclog_quote() first. Lines are
 * written with one write(2), so threads do not interleave. */
void    ec_paniclog(ec_log_level_t level, const char *event,
            const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Write "ts=... level=..." followed by text, which already contains its own
 * event=... pair (lines from the auth log and Lua). */
void    ec_paniclog_raw(ec_log_level_t level, const char *text);

/* Copy s into out as a log value: bare when it has only printable ASCII
 * other than '"', '\\' and '=', else in double quotes with \" \\ and
 * \xNN escapes (for bytes below 0x20 and from 0x7f). Truncates to fit
 * and returns out. size must be at least 8. */
char   *ec_paniclog_quote(char *out, size_t size, const char *s, size_t len);

/* ec_paniclog_quote() for a NUL-terminated string; NULL becomes "-". */
char   *ec_paniclog_quote_str(char *out, size_t size, const char *s);

#endif
