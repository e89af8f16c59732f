/* ecconf: print a syntax tree back as canonical text or as JSON. */
#ifndef EC_DUMP_H
#define EC_DUMP_H

#include <stdio.h>

#include "grammar/ast.h"

/* Returns the spelling to print for a lowercase key of a scope (scope
 * 1) or an option or hash key (scope 0), or NULL to use the first
 * spelling the file itself used. The module table provides the
 * documented spelling through this hook. */
typedef const char *(*ec_dump_spelling_fn)(const char *key, int scope);

void    ec_dump_set_spelling(ec_dump_spelling_fn fn);

/* Canonical text: includes expanded between "# >>> include" and
 * "# <<< include" marks, two spaces per level, quotes only where needed,
 * comments dropped. The output parses to the same tree. */
void    ec_dump_text(FILE *out, ec_tree_t *tree);

/* The same tree as one JSON document; docs/language.md gives its shape. */
void    ec_dump_json(FILE *out, ec_tree_t *tree);

/* Write s as a JSON string literal (with quotes); invalid UTF-8 bytes
 * come out as \u00XX escapes so the document stays valid. */
void    ec_json_string(FILE *out, const char *s, size_t len);

/* 1 if the scalar must be quoted to read back as the same text. */
int     ec_dump_needs_quotes(const char *s, size_t len);

/* Write a scalar as ecelerity.conf text: bare when it can be, else
 * quoted with escapes. */
void    ec_dump_scalar(FILE *out, const char *s, size_t len);

#endif
