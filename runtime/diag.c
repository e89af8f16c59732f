/* ecconf: diagnostics. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/diag.h"

/* A source line longer than this is shown as a window around the column. */
#define EC_DIAG_LINE_MAX    160

static const char *ec_diag_level_name[] = { "", "error", "warning", "note" };


/* Length of the valid UTF-8 sequence at s, or 0 when it is invalid. */
size_t
ec_utf8_len(const unsigned char *s, size_t left)
{
    size_t        n, i;
    unsigned long cp;

    if (s[0] < 0x80) {
        return 1;
    } else if ((s[0] & 0xE0) == 0xC0) {
        n = 2;
        cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3;
        cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n > left) {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800)
        || (n == 4 && cp < 0x10000) || cp > 0x10FFFF
        || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}


void
ec_diag_init(ec_diag_t *d, FILE *out, const ec_tree_t *tree)
{
    memset(d, 0, sizeof(*d));
    d->out = out;
    d->tree = tree;
    d->max_errors = EC_DIAG_MAX_ERRORS;
}


/* Copy line number `line` of file f into a malloc'd string, or NULL. */
static char *
ec_diag_read_line(const ec_file_t *f, unsigned line, size_t *lenp)
{
    char    *buf = NULL;
    size_t   cap = 0;
    ssize_t  n = -1;
    unsigned i;
    FILE    *fp;

    if (f->data != NULL) {
        const char *s = f->data, *end = f->data + f->len, *nl;

        for (i = 1; i < line && s < end; i++) {
            nl = memchr(s, '\n', (size_t) (end - s));
            s = nl != NULL ? nl + 1 : end;
        }
        if (s >= end && line > 1) {
            return NULL;
        }
        nl = memchr(s, '\n', (size_t) (end - s));
        *lenp = (size_t) ((nl != NULL ? nl : end) - s);
        buf = malloc(*lenp + 1);
        if (buf != NULL) {
            memcpy(buf, s, *lenp);
            buf[*lenp] = '\0';
        }
        return buf;
    }

    fp = fopen(f->path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    for (i = 0; i < line; i++) {
        n = getline(&buf, &cap, fp);
        if (n < 0) {
            break;
        }
    }
    fclose(fp);
    if (n < 0) {
        free(buf);
        return NULL;
    }
    if (n > 0 && buf[n - 1] == '\n') {
        n--;
    }
    *lenp = (size_t) n;
    return buf;
}


/* Print the source line and a caret under byte column col. */
static void
ec_diag_show_line(ec_diag_t *d, const ec_file_t *f, unsigned line,
    unsigned col)
{
    char   *text;
    size_t  len, start = 0, end, i;

    text = ec_diag_read_line(f, line, &len);
    if (text == NULL) {
        return;
    }
    if (line == 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        memmove(text, text + 3, len - 3);
        len -= 3;
    }
    if (len > 0 && text[len - 1] == '\r') {
        len--;
    }
    if (col > 0 && col - 1 > len) {
        col = (unsigned) len + 1;
    }
    if (col > EC_DIAG_LINE_MAX / 2) {
        start = col - 1 - EC_DIAG_LINE_MAX / 2;
    }
    end = start + EC_DIAG_LINE_MAX < len ? start + EC_DIAG_LINE_MAX : len;

    fputs(start > 0 ? "  ..." : "  ", d->out);
    for (i = start; i < end; i++) {
        unsigned char c = (unsigned char) text[i];
        size_t        n = ec_utf8_len((unsigned char *) text + i, end - i);

        /* Control bytes and invalid UTF-8 would garble a terminal. */
        if (n > 1) {
            fwrite(text + i, 1, n, d->out);
            i += n - 1;
        } else if (n == 0 || (c < 0x20 && c != '\t') || c == 0x7F) {
            fputc('?', d->out);
        } else {
            fputc(c, d->out);
        }
    }
    fputs(end < len ? "...\n" : "\n", d->out);

    if (col > 0) {
        fputs(start > 0 ? "     " : "  ", d->out);
        for (i = start; i + 1 < col && i < end; i++) {
            size_t n = ec_utf8_len((unsigned char *) text + i, end - i);

            /* one caret column per character shown above */
            fputc(text[i] == '\t' ? '\t' : ' ', d->out);
            if (n > 1) {
                i += n - 1;
            }
        }
        fputs("^\n", d->out);
    }
    free(text);
}


static void
ec_diag_show_chain(ec_diag_t *d, unsigned file)
{
    const ec_file_t *f;
    unsigned         guard = 0;

    while (file < d->tree->nfiles && guard++ < 1000) {
        f = &d->tree->files[file];
        if (f->parent == file) {
            break;
        }
        fprintf(d->out, "  included from %s:%u\n",
            d->tree->files[f->parent].path, (unsigned) f->parent_line);
        file = f->parent;
    }
}


/* Print a formatted message and a newline. Messages quote the user's
 * tokens, so control bytes in them are written as \xNN: raw, they could
 * drive the terminal (escape sequences) or split the line. */
static void
ec_diag_print_message(FILE *out, const char *fmt, va_list ap)
{
    char  *msg = NULL, *c;
    int    n;

    n = vasprintf(&msg, fmt, ap);
    if (n < 0 || msg == NULL) {
        fputs("(message lost: out of memory)\n", out);
        return;
    }
    for (c = msg; *c != '\0'; c++) {
        unsigned char b = (unsigned char) *c;

        if (b < 0x20 || b == 0x7F) {
            fprintf(out, "\\x%02X", b);
        } else {
            fputc(b, out);
        }
    }
    fputc('\n', out);
    free(msg);
}


static int
ec_diag_count(ec_diag_t *d, ec_diag_level_t level)
{
    if (level == EC_DIAG_ERROR) {
        d->errors++;
        if (d->errors > d->max_errors) {
            d->suppressed++;
            return 0;
        }
    } else if (level == EC_DIAG_WARNING) {
        d->warnings++;
    }
    return !d->quiet;
}


void
ec_diag_vat(ec_diag_t *d, ec_diag_level_t level, unsigned file,
    unsigned line, unsigned col, const char *fmt, va_list ap)
{
    const ec_file_t *f = NULL;

    if (!ec_diag_count(d, level)) {
        return;
    }
    if (d->tree != NULL && file < d->tree->nfiles) {
        f = &d->tree->files[file];
    }
    if (f != NULL && col > 0) {
        fprintf(d->out, "%s:%u:%u: %s: ", f->path, line, col,
            ec_diag_level_name[level]);
    } else if (f != NULL) {
        fprintf(d->out, "%s:%u: %s: ", f->path, line,
            ec_diag_level_name[level]);
    } else {
        fprintf(d->out, "ecconf: %s: ", ec_diag_level_name[level]);
    }
    ec_diag_print_message(d->out, fmt, ap);
    if (f != NULL && line > 0) {
        ec_diag_show_line(d, f, line, col);
        ec_diag_show_chain(d, file);
    }
}


void
ec_diag_at(ec_diag_t *d, ec_diag_level_t level, unsigned file,
    unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ec_diag_vat(d, level, file, line, col, fmt, ap);
    va_end(ap);
}


void
ec_diag_scalar(ec_diag_t *d, ec_diag_level_t level, const ec_scalar_t *s,
    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ec_diag_vat(d, level, s->file, s->line, s->col, fmt, ap);
    va_end(ap);
}


void
ec_diag_plain(ec_diag_t *d, ec_diag_level_t level, const char *fmt, ...)
{
    va_list ap;

    if (!ec_diag_count(d, level)) {
        return;
    }
    fprintf(d->out, "ecconf: %s: ", ec_diag_level_name[level]);
    va_start(ap, fmt);
    ec_diag_print_message(d->out, fmt, ap);
    va_end(ap);
}


void
ec_diag_summary(ec_diag_t *d)
{
    if (d->quiet || (d->errors == 0 && d->warnings == 0)) {
        return;
    }
    fprintf(d->out, "%u error%s, %u warning%s", d->errors,
        d->errors == 1 ? "" : "s", d->warnings, d->warnings == 1 ? "" : "s");
    if (d->suppressed > 0) {
        fprintf(d->out, " (%u errors not shown)", d->suppressed);
    }
    fputc('\n', d->out);
}
