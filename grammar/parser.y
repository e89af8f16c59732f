/* ecconf: grammar of ecelerity.conf.
 *
 *   statement  = name "=" value | name [instance] "{" statements "}"
 *              | ("include" | "readonly_include") path
 *   value      = scalar | "(" scalar* ")" | "[" (name "=" scalar)* "]"
 *
 * The parser is pure and reentrant; includes are parsed by a recursive
 * call from the include action. It keeps going after an error, so every
 * mistake in a file is reported, and it accepts the doubtful forms the
 * Momentum manuals contain ("Name = { }", "Name [ ]") as errors with a
 * precise message but builds the intended node, so later checks still
 * run. */

%define api.pure full
%define api.prefix {ec_yy}
%define api.location.type {ec_loc_t}
%define parse.error custom
%locations
%lex-param {void *scanner}
%parse-param {void *scanner} {ec_parse_t *p} {ec_node_t **out}

%expect 0

%code requires {
#include "grammar/parse.h"

typedef struct ec_node_list {
    ec_node_t *head;
    ec_node_t *tail;
} ec_node_list_t;
}

%union {
    ec_scalar_t     scalar;
    ec_node_list_t  list;
    ec_node_t      *node;
}

%code {
#include <stdlib.h>
#include <string.h>

#define YYSTYPE EC_YYSTYPE
#define YYLTYPE EC_YYLTYPE
#include "grammar/lexer.h"

#define YYLLOC_DEFAULT(cur, rhs, n)                     \
    do {                                                \
        if (n) {                                        \
            (cur) = YYRHSLOC(rhs, 1);                   \
        } else {                                        \
            (cur) = YYRHSLOC(rhs, 0);                   \
        }                                               \
    } while (0)

static ec_node_list_t ec_list_one(ec_node_t *n);
static ec_node_list_t ec_list_cat(ec_node_list_t a, ec_node_list_t b);
static ec_scalar_t *ec_scalar_copy(ec_parse_t *p, const ec_scalar_t *s);
static ec_node_t *ec_node_new(ec_parse_t *p, int kind,
                      const ec_scalar_t *name);
static ec_node_t *ec_node_scope(ec_parse_t *p, const ec_scalar_t *name,
                      const ec_scalar_t *instance, ec_node_list_t body);
static ec_node_t *ec_node_scalar(ec_parse_t *p, const ec_scalar_t *name,
                      const ec_scalar_t *value);
static ec_node_t *ec_node_array(ec_parse_t *p, const ec_scalar_t *name);
static ec_node_t *ec_node_hash(ec_parse_t *p, const ec_scalar_t *name);
static void ec_items_push(ec_parse_t *p, const ec_scalar_t *s);
static void ec_pairs_push(ec_parse_t *p, const ec_scalar_t *k,
                const ec_scalar_t *v);
static int  ec_scope_open(ec_parse_t *p, const ec_scalar_t *name);
static void ec_perror(ec_parse_t *p, const ec_scalar_t *at,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void ec_yyerror(const ec_loc_t *loc, void *scanner, ec_parse_t *p,
                ec_node_t **out, const char *msg);
}

%token <scalar> WORD STRING INCLUDE INC_BEGIN INC_END
%type <scalar> scalar
%type <list> stmts stmt
%type <node> value

%%

input
    : stmts                 { *out = $1.head; }
    ;

stmts
    : %empty                { $$.head = $$.tail = NULL; }
    | stmts stmt            { $$ = ec_list_cat($1, $2); }
    ;

stmt
    : WORD '=' value        {
                                $3->name = $1;
                                const ec_name_t *nm =
                                    ec_intern_entry($1.text);

                                ec_intern_note_spelling(nm, 0);
                                $3->key = nm->key->text;
                                $$ = ec_list_one($3);
                            }
    | WORD '{'              { if (ec_scope_open(p, &$1) != 0) YYABORT; }
      stmts '}'             {
                                p->depth--;
                                $$ = ec_list_one(ec_node_scope(p, &$1, NULL,
                                         $4));
                            }
    | WORD scalar '{'       { if (ec_scope_open(p, &$1) != 0) YYABORT; }
      stmts '}'             {
                                p->depth--;
                                $$ = ec_list_one(ec_node_scope(p, &$1, &$2,
                                         $5));
                            }
    | WORD scalar           {
                                ec_perror(p, &$2, "missing '=' between "
                                    "\"%s\" and \"%s\"", $1.text, $2.text);
                                $$ = ec_list_one(ec_node_scalar(p, &$1,
                                         &$2));
                            }
    | WORD '=' '{'          {
                                ec_perror(p, &$1, "\"%s\" is a scope: "
                                    "write it without '=' before '{'",
                                    $1.text);
                                if (ec_scope_open(p, &$1) != 0) YYABORT;
                            }
      stmts '}'             {
                                p->depth--;
                                $$ = ec_list_one(ec_node_scope(p, &$1, NULL,
                                         $5));
                            }
    | WORD '[' pairs ']'    {
                                ec_perror(p, &$1, "missing '=' between "
                                    "\"%s\" and '['", $1.text);
                                $$ = ec_list_one(ec_node_hash(p, &$1));
                            }
    | WORD '(' items ')'    {
                                ec_perror(p, &$1, "missing '=' between "
                                    "\"%s\" and '('", $1.text);
                                $$ = ec_list_one(ec_node_array(p, &$1));
                            }
    | INCLUDE scalar        {
                                ec_node_t *n;
                                ec_node_list_t l = { NULL, NULL };
                                int ro = $1.len == 16;

                                n = ec_load_include(p, &$2, ro, @1.line,
                                        @1.col);
                                for (; n != NULL; n = n->next) {
                                    l = ec_list_cat(l, ec_list_one(n));
                                    if (n->next == NULL) {
                                        break;
                                    }
                                }
                                $$ = l;
                            }
    | INCLUDE '{'           {
                                ec_perror(p, &$1, "\"%s\" takes a file or "
                                    "folder name, not a block", $1.text);
                                if (ec_scope_open(p, &$1) != 0) YYABORT;
                            }
      stmts '}'             { p->depth--; $$ = $4; }
    | INC_BEGIN stmts INC_END {
                                ec_node_t *n = ec_node_new(p,
                                                   EC_NODE_INCLUDE, NULL);
                                const ec_name_t *kw = ec_intern(
                                    &p->tree->names, $1.quoted
                                    ? "readonly_include" : "include",
                                    $1.quoted ? 16 : 7);

                                n->name = $1;
                                n->name.text = kw->text;
                                n->name.len = kw->len;
                                n->key = kw->key->text;
                                n->readonly = $1.quoted;
                                n->u.include.path = ec_scalar_copy(p, &$1);
                                n->u.include.children = $2.head;
                                n->count = $1.file;
                                if (strcmp($1.text, $3.text) != 0) {
                                    ec_perror(p, &$3, "include end mark "
                                        "\"%s\" does not match its begin "
                                        "mark \"%s\"", $3.text, $1.text);
                                }
                                $$ = ec_list_one(n);
                            }
    | WORD '=' error        {
                                /* The bad value is reported; resume at once
                                 * so an error on the next line is reported
                                 * too. A '}' still closes its scope. */
                                $$.head = $$.tail = NULL;
                                yyerrok;
                                if (yychar != EC_YYEOF
                                    && (yychar != '}' || p->depth == 0)) {
                                    yyclearin;
                                }
                                if (p->diag->errors >= p->diag->max_errors) {
                                    YYABORT;
                                }
                            }
    | error                 {
                                $$.head = $$.tail = NULL;
                                if (p->diag->errors >= p->diag->max_errors) {
                                    YYABORT;
                                }
                            }
    ;

value
    : scalar                { $$ = ec_node_scalar(p, NULL, &$1); }
    | '(' items ')'         { $$ = ec_node_array(p, NULL); }
    | '[' pairs ']'         { $$ = ec_node_hash(p, NULL); }
    | '(' items error ')'   {
                                /* skip to the closing bracket, so the rest
                                 * of the list causes no more errors */
                                yyerrok;
                                $$ = ec_node_array(p, NULL);
                            }
    | '[' pairs error ']'   {
                                yyerrok;
                                $$ = ec_node_hash(p, NULL);
                            }
    ;

items
    : %empty                { p->nitems = 0; }
    | items scalar          { ec_items_push(p, &$2); }
    ;

pairs
    : %empty                { p->npairs = 0; }
    | pairs WORD '=' scalar { ec_pairs_push(p, &$2, &$4); }
    ;

scalar
    : WORD
    | STRING
    | INCLUDE
    ;

%%

static ec_node_list_t
ec_list_one(ec_node_t *n)
{
    ec_node_list_t l = { n, n };

    return l;
}


static ec_node_list_t
ec_list_cat(ec_node_list_t a, ec_node_list_t b)
{
    if (b.head == NULL) {
        return a;
    }
    if (a.head == NULL) {
        return b;
    }
    a.tail->next = b.head;
    a.tail = b.tail;
    return a;
}


static ec_scalar_t *
ec_scalar_copy(ec_parse_t *p, const ec_scalar_t *s)
{
    ec_scalar_t *c = ec_arena_alloc(&p->tree->arena, sizeof(*c));

    *c = *s;
    return c;
}


static ec_node_t *
ec_node_new(ec_parse_t *p, int kind, const ec_scalar_t *name)
{
    ec_node_t *n = ec_arena_alloc(&p->tree->arena, sizeof(*n));

    memset(n, 0, sizeof(*n));
    n->kind = (uint8_t) kind;
    if (name != NULL) {
        /* names are words, and the scanner interns every word */
        const ec_name_t *nm = ec_intern_entry(name->text);

        ec_intern_note_spelling(nm, kind == EC_NODE_SCOPE);
        n->name = *name;
        n->name.text = nm->text;
        n->key = nm->key->text;
    }
    return n;
}


static ec_node_t *
ec_node_scope(ec_parse_t *p, const ec_scalar_t *name,
    const ec_scalar_t *instance, ec_node_list_t body)
{
    ec_node_t *n = ec_node_new(p, EC_NODE_SCOPE, name);

    if (instance != NULL) {
        n->u.scope.instance = ec_scalar_copy(p, instance);
    }
    n->u.scope.children = body.head;
    return n;
}


static ec_node_t *
ec_node_scalar(ec_parse_t *p, const ec_scalar_t *name,
    const ec_scalar_t *value)
{
    ec_node_t *n = ec_node_new(p, EC_NODE_OPTION, name);

    n->vkind = EC_VALUE_SCALAR;
    n->u.scalar = *value;
    return n;
}


static ec_node_t *
ec_node_array(ec_parse_t *p, const ec_scalar_t *name)
{
    ec_node_t *n = ec_node_new(p, EC_NODE_OPTION, name);
    size_t     size = p->nitems * sizeof(ec_scalar_t);

    n->vkind = EC_VALUE_ARRAY;
    n->count = (uint32_t) p->nitems;
    n->u.items = ec_arena_alloc(&p->tree->arena, size ? size : 1);
    if (size) {
        memcpy(n->u.items, p->items, size);
    }
    p->nitems = 0;
    return n;
}


static ec_node_t *
ec_node_hash(ec_parse_t *p, const ec_scalar_t *name)
{
    ec_node_t *n = ec_node_new(p, EC_NODE_OPTION, name);
    size_t     size = p->npairs * sizeof(ec_pair_t);

    n->vkind = EC_VALUE_HASH;
    n->count = (uint32_t) p->npairs;
    n->u.pairs = ec_arena_alloc(&p->tree->arena, size ? size : 1);
    if (size) {
        memcpy(n->u.pairs, p->pairs, size);
    }
    p->npairs = 0;
    return n;
}


static void *
ec_grow(void *v, size_t *cap, size_t elem)
{
    size_t n = *cap ? *cap * 2 : 16;

    v = realloc(v, n * elem);
    if (v == NULL) {
        abort();
    }
    *cap = n;
    return v;
}


static void
ec_items_push(ec_parse_t *p, const ec_scalar_t *s)
{
    if (p->nitems == p->items_cap) {
        p->items = ec_grow(p->items, &p->items_cap, sizeof(*p->items));
    }
    p->items[p->nitems++] = *s;
}


static void
ec_pairs_push(ec_parse_t *p, const ec_scalar_t *k, const ec_scalar_t *v)
{
    size_t i;

    for (i = 0; i < p->npairs; i++) {
        if (p->pairs[i].key.len == k->len
            && strncasecmp(p->pairs[i].key.text, k->text, k->len) == 0) {
            ec_diag_scalar(p->diag, EC_DIAG_WARNING, k, "key \"%s\" "
                "repeats the one at line %u; the last one wins", k->text,
                (unsigned) p->pairs[i].key.line);
        }
    }
    ec_intern_note_spelling(ec_intern_entry(k->text), 0);
    if (p->npairs == p->pairs_cap) {
        p->pairs = ec_grow(p->pairs, &p->pairs_cap, sizeof(*p->pairs));
    }
    p->pairs[p->npairs].key = *k;
    p->pairs[p->npairs].value = *v;
    p->npairs++;
}


static int
ec_scope_open(ec_parse_t *p, const ec_scalar_t *name)
{
    if (p->depth >= EC_PARSE_MAX_DEPTH) {
        ec_perror(p, name, "scopes nested deeper than %d levels",
            EC_PARSE_MAX_DEPTH);
        return -1;
    }
    if (p->depth == p->open_cap) {
        size_t cap = p->open_cap;
        p->open = ec_grow(p->open, &cap, sizeof(*p->open));
        p->open_cap = (unsigned) cap;
    }
    p->open[p->depth++].name = *name;
    return 0;
}


static void
ec_perror(ec_parse_t *p, const ec_scalar_t *at, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ec_diag_vat(p->diag, EC_DIAG_ERROR, p->file, at->line, at->col, fmt,
        ap);
    va_end(ap);
}


static void
ec_yyerror(const ec_loc_t *loc, void *scanner, ec_parse_t *p,
    ec_node_t **out, const char *msg)
{
    (void) scanner;
    (void) out;
    ec_diag_at(p->diag, EC_DIAG_ERROR, p->file, loc->line, loc->col, "%s",
        msg);
}


/* Describe the token the parser choked on, quoting the user's text. */
static void
ec_describe_token(ec_parse_t *p, yysymbol_kind_t tok, char *buf,
    size_t len)
{
    switch (tok) {
    case YYSYMBOL_YYEOF:
        snprintf(buf, len, "end of file");
        break;
    case YYSYMBOL_WORD:
    case YYSYMBOL_STRING:
    case YYSYMBOL_INCLUDE:
        snprintf(buf, len, "\"%.60s%s\"", p->last_scalar.text,
            p->last_scalar.len > 60 ? "..." : "");
        break;
    case YYSYMBOL_INC_BEGIN:
    case YYSYMBOL_INC_END:
        snprintf(buf, len, "include mark");
        break;
    default:
        snprintf(buf, len, "%s", yysymbol_name(tok));
        break;
    }
}


static int
yyreport_syntax_error(const yypcontext_t *ctx, void *scanner,
    ec_parse_t *p, ec_node_t **out)
{
    yysymbol_kind_t  la = yypcontext_token(ctx);
    yysymbol_kind_t  exp[16];
    const ec_loc_t  *loc = yypcontext_location(ctx);
    char             what[96];
    int              n, i, want_eq = 0, want_value = 0, want_close = 0;
    int              want_rparen = 0, want_rbracket = 0, want_lparen = 0;
    const ec_scalar_t *name_before;

    (void) scanner;
    (void) out;
    if (p->lex_fatal) {
        return 0;               /* the scanner already said why */
    }
    n = yypcontext_expected_tokens(ctx, exp, 16);
    for (i = 0; i < n; i++) {
        const char *name = yysymbol_name(exp[i]);

        if (strcmp(name, "'='") == 0) {
            want_eq = 1;
        } else if (exp[i] == YYSYMBOL_STRING) {
            want_value = 1;
        } else if (strcmp(name, "'}'") == 0) {
            want_close = 1;
        } else if (strcmp(name, "'('") == 0) {
            want_lparen = 1;
        } else if (strcmp(name, "')'") == 0) {
            want_rparen = 1;
        } else if (strcmp(name, "']'") == 0) {
            want_rbracket = 1;
        }
    }
    if (la == YYSYMBOL_WORD || la == YYSYMBOL_STRING
        || la == YYSYMBOL_INCLUDE) {
        name_before = &p->prev_scalar;
    } else {
        name_before = &p->last_scalar;
    }

    if (la == YYSYMBOL_YYEOF && p->depth > 0) {
        const ec_scalar_t *o = &p->open[p->depth - 1].name;

        ec_diag_at(p->diag, EC_DIAG_ERROR, p->file, o->line, o->col,
            "\"%s\" is not closed: missing '}' before the end of the file",
            o->text);
        return 0;
    }
    if (strcmp(yysymbol_name(la), "'}'") == 0 && p->depth == 0
        && !want_value) {
        ec_diag_at(p->diag, EC_DIAG_ERROR, p->file, loc->line, loc->col,
            "unexpected '}' with no scope open");
        return 0;
    }

    ec_describe_token(p, la, what, sizeof(what));
    if (want_rparen) {
        ec_diag_at(p->diag, EC_DIAG_ERROR, p->file, loc->line, loc->col,
            "unexpected %s in a list: expected a value or ')'", what);
    } else if (want_rbracket) {
        ec_diag_at(p->diag, EC_DIAG_ERROR, p->file, loc->line, loc->col,
            "unexpected %s in a parameter block: expected \"key = value\" "
            "or ']'", what);
    } else if (want_eq) {
        ec_diag_at(p->diag, EC_DIAG_ERROR, p->file, loc->line, loc->col,
            "unexpected %s: expected '=' or '{' after \"%s\"", what,
            name_before->text != NULL ? name_before->text : "");
    } else if (want_value && want_lparen) {
        ec_diag_at(p->diag, EC_DIAG_ERROR, p->file, loc->line, loc->col,
            "unexpected %s: expected a value, '(' or '['", what);
    } else if (want_value) {
        ec_diag_at(p->diag, EC_DIAG_ERROR, p->file, loc->line, loc->col,
            "unexpected %s: expected a value (lists and blocks do not "
            "nest)", what);
    } else if (want_close) {
        ec_diag_at(p->diag, EC_DIAG_ERROR, p->file, loc->line, loc->col,
            "unexpected %s: expected an option, a scope or '}'", what);
    } else {
        ec_diag_at(p->diag, EC_DIAG_ERROR, p->file, loc->line, loc->col,
            "unexpected %s: expected an option or a scope", what);
    }
    return 0;
}


int
ec_parse_run(ec_parse_t *p, ec_node_t **out)
{
    yyscan_t scanner;
    int      rc;

    if (ec_yylex_init_extra(p, &scanner) != 0) {
        return -1;
    }
    p->scanner = scanner;
    p->line = 1;
    p->col = 1;
    *out = NULL;
    rc = ec_yyparse(scanner, p, out);
    ec_yylex_destroy(scanner);
    free(p->items);
    free(p->pairs);
    free(p->open);
    p->items = NULL;
    p->pairs = NULL;
    p->open = NULL;
    return rc == 0 ? 0 : -1;
}
