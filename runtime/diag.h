/* ecconf: diagnostics with file, line, column, source line and caret. */
#ifndef EC_DIAG_H
#define EC_DIAG_H

#include <stdarg.h>
#include <stdio.h>

#include "grammar/ast.h"

typedef enum {
    EC_DIAG_ERROR = 1,
    EC_DIAG_WARNING,
    EC_DIAG_NOTE
} ec_diag_level_t;

/* Collects diagnostics for one load or compile. Each is printed to out at
 * once (with source line, caret and include chain); after max_errors
 * errors the rest are counted, not printed. */
typedef struct ec_diag {
    FILE           *out;
    const ec_tree_t *tree;      /* for file names and include chains */
    unsigned        errors;
    unsigned        warnings;
    unsigned        max_errors;
    unsigned        suppressed;
    int             quiet;      /* count only, print nothing */
} ec_diag_t;

#define EC_DIAG_MAX_ERRORS 50

void    ec_diag_init(ec_diag_t *d, FILE *out, const ec_tree_t *tree);

/* Report at a position of a file of d->tree. file is an index into
 * tree->files; line and col start at 1 (col 0 prints no caret). */
void    ec_diag_at(ec_diag_t *d, ec_diag_level_t level, unsigned file,
            unsigned line, unsigned col, const char *fmt, ...)
            __attribute__((format(printf, 6, 7)));
void    ec_diag_vat(ec_diag_t *d, ec_diag_level_t level, unsigned file,
            unsigned line, unsigned col, const char *fmt, va_list ap);

/* Shorthands for the position of a scalar or a node name. */
void    ec_diag_scalar(ec_diag_t *d, ec_diag_level_t level,
            const ec_scalar_t *s, const char *fmt, ...)
            __attribute__((format(printf, 4, 5)));

/* A message with no position: "ecconf: error: ..." */
void    ec_diag_plain(ec_diag_t *d, ec_diag_level_t level,
            const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 if invalid. */
size_t  ec_utf8_len(const unsigned char *s, size_t left);

/* Print the "N errors, M warnings" summary when there was anything. */
void    ec_diag_summary(ec_diag_t *d);

#endif
