/* ecconf: canonical text and JSON dumps of a syntax tree. */
#include <string.h>
#include <strings.h>

#include "runtime/diag.h"
#include "runtime/dump.h"

#define EC_DUMP_WIDTH   80
#define EC_DUMP_INDENT  2

static ec_dump_spelling_fn ec_dump_spelling;


void
ec_dump_set_spelling(ec_dump_spelling_fn fn)
{
    ec_dump_spelling = fn;
}


/* The one spelling printed for a name: the documented one when the
 * module table has the name, else the first one the file used. */
static const char *
ec_dump_name(ec_tree_t *tree, const char *text, size_t len, int scope)
{
    const ec_name_t *n = ec_intern(&tree->names, text, len);
    const char      *s;

    if (ec_dump_spelling != NULL) {
        s = ec_dump_spelling(n->key->text, scope);
        if (s != NULL) {
            return s;
        }
    }
    if (scope && n->key->first_scope != NULL) {
        return n->key->first_scope;
    }
    if (!scope && n->key->first != NULL) {
        return n->key->first;
    }
    return n->text;
}


int
ec_dump_needs_quotes(const char *s, size_t len)
{
    size_t i;

    if (len == 0) {
        return 1;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s[i];

        if (c <= ' ' || c == 0x7F || strchr("#\"'={}[]()", c) != NULL) {
            return 1;
        }
        if (c == '/' && i + 1 < len && s[i + 1] == '*') {
            return 1;
        }
        if (c == 0xEF && i + 2 < len && s[i + 1] == '\xBB'
            && s[i + 2] == '\xBF') {
            return 1;           /* a byte order mark inside a word */
        }
        if (c == 0xE2 && i + 2 < len && s[i + 1] == '\x80'
            && strchr("\x98\x99\x9C\x9D", s[i + 2]) != NULL) {
            return 1;
        }
    }
    return (len == 7 && strncasecmp(s, "include", 7) == 0)
        || (len == 16 && strncasecmp(s, "readonly_include", 16) == 0);
}


void
ec_dump_scalar(FILE *out, const char *s, size_t len)
{
    size_t i;

    if (!ec_dump_needs_quotes(s, len)) {
        fwrite(s, 1, len, out);
        return;
    }
    fputc('"', out);
    for (i = 0; i < len; i++) {
        char c = s[i];

        switch (c) {
        case '"':  fputs("\\\"", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        case '\\':
            /* A backslash reads back as itself unless what is written
             * after it starts an escape (a letter of one, or a character
             * written as one) or it ends the string. */
            if (i + 1 == len || strchr("\\\"nrt\n\r\t", s[i + 1]) != NULL) {
                fputs("\\\\", out);
            } else {
                fputc('\\', out);
            }
            break;
        default:
            fputc(c, out);
            break;
        }
    }
    fputc('"', out);
}


static size_t
ec_dump_scalar_width(const ec_scalar_t *s)
{
    return s->len + (ec_dump_needs_quotes(s->text, s->len) ? 2 + s->len / 8
                                                            : 0);
}


static void
ec_dump_indent(FILE *out, unsigned depth)
{
    fprintf(out, "%*s", (int) (depth * EC_DUMP_INDENT), "");
}


static void
ec_dump_array(FILE *out, const ec_node_t *n, unsigned depth, size_t used)
{
    size_t   width = used + 4;
    uint32_t i;

    if (n->count == 0) {
        fputs("()\n", out);
        return;
    }
    for (i = 0; i < n->count; i++) {
        width += ec_dump_scalar_width(&n->u.items[i]) + 1;
    }
    if (width <= EC_DUMP_WIDTH) {
        fputs("(", out);
        for (i = 0; i < n->count; i++) {
            fputc(' ', out);
            ec_dump_scalar(out, n->u.items[i].text, n->u.items[i].len);
        }
        fputs(" )\n", out);
        return;
    }
    fputs("(\n", out);
    for (i = 0; i < n->count; i++) {
        ec_dump_indent(out, depth + 1);
        ec_dump_scalar(out, n->u.items[i].text, n->u.items[i].len);
        fputc('\n', out);
    }
    ec_dump_indent(out, depth);
    fputs(")\n", out);
}


static void
ec_dump_hash(FILE *out, ec_tree_t *tree, const ec_node_t *n,
    unsigned depth)
{
    uint32_t i;

    if (n->count == 0) {
        fputs("[ ]\n", out);
        return;
    }
    fputs("[\n", out);
    for (i = 0; i < n->count; i++) {
        const ec_pair_t *pr = &n->u.pairs[i];

        ec_dump_indent(out, depth + 1);
        fputs(ec_dump_name(tree, pr->key.text, pr->key.len, 0), out);
        fputs(" = ", out);
        ec_dump_scalar(out, pr->value.text, pr->value.len);
        fputc('\n', out);
    }
    ec_dump_indent(out, depth);
    fputs("]\n", out);
}


static void ec_dump_list(FILE *out, ec_tree_t *tree, const ec_node_t *n,
                unsigned depth);


static void
ec_dump_node(FILE *out, ec_tree_t *tree, const ec_node_t *n,
    unsigned depth)
{
    const char *name;

    if (n->kind == EC_NODE_INCLUDE) {
        const char *kw = n->readonly ? "readonly_include" : "include";

        ec_dump_indent(out, depth);
        fprintf(out, "# >>> %s \"%s\"\n", kw, n->u.include.path->text);
        ec_dump_list(out, tree, n->u.include.children, depth);
        ec_dump_indent(out, depth);
        fprintf(out, "# <<< %s \"%s\"\n", kw, n->u.include.path->text);
        return;
    }

    name = ec_dump_name(tree, n->name.text, n->name.len,
               n->kind == EC_NODE_SCOPE);
    ec_dump_indent(out, depth);
    fputs(name, out);

    if (n->kind == EC_NODE_SCOPE) {
        if (n->u.scope.instance != NULL) {
            fputc(' ', out);
            ec_dump_scalar(out, n->u.scope.instance->text,
                n->u.scope.instance->len);
        }
        if (n->u.scope.children == NULL) {
            fputs(" {}\n", out);
            return;
        }
        fputs(" {\n", out);
        ec_dump_list(out, tree, n->u.scope.children, depth + 1);
        ec_dump_indent(out, depth);
        fputs("}\n", out);
        return;
    }

    fputs(" = ", out);
    switch (n->vkind) {
    case EC_VALUE_ARRAY:
        ec_dump_array(out, n, depth,
            depth * EC_DUMP_INDENT + strlen(name) + 3);
        break;
    case EC_VALUE_HASH:
        ec_dump_hash(out, tree, n, depth);
        break;
    default:
        ec_dump_scalar(out, n->u.scalar.text, n->u.scalar.len);
        fputc('\n', out);
        break;
    }
}


static int
ec_dump_is_block(const ec_node_t *n)
{
    return n->kind != EC_NODE_OPTION;
}


static void
ec_dump_list(FILE *out, ec_tree_t *tree, const ec_node_t *n,
    unsigned depth)
{
    const ec_node_t *prev = NULL;

    for (; n != NULL; n = n->next) {
        /* At top level a blank line sets scopes and includes apart. */
        if (depth == 0 && prev != NULL
            && (ec_dump_is_block(prev) || ec_dump_is_block(n))) {
            fputc('\n', out);
        }
        ec_dump_node(out, tree, n, depth);
        prev = n;
    }
}


void
ec_dump_text(FILE *out, ec_tree_t *tree)
{
    ec_dump_list(out, tree, tree->root, 0);
}


void
ec_json_string(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *) s;
    size_t               i = 0, n;

    fputc('"', out);
    while (i < len) {
        unsigned char c = p[i];

        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            switch (c) {
            case '\n': fputs("\\n", out); break;
            case '\r': fputs("\\r", out); break;
            case '\t': fputs("\\t", out); break;
            default:   fprintf(out, "\\u%04x", c); break;
            }
            i++;
        } else if ((n = ec_utf8_len(p + i, len - i)) == 0) {
            fprintf(out, "\\u%04x", c);
            i++;
        } else {
            fwrite(p + i, 1, n, out);
            i += n;
        }
    }
    fputc('"', out);
}


static void
ec_json_where(FILE *out, ec_tree_t *tree, const ec_scalar_t *s)
{
    fputs("\"file\": ", out);
    ec_json_string(out, tree->files[s->file].path,
        strlen(tree->files[s->file].path));
    fprintf(out, ", \"line\": %u, \"col\": %u", (unsigned) s->line,
        (unsigned) s->col);
}


static void ec_json_list(FILE *out, ec_tree_t *tree, const ec_node_t *n,
                unsigned depth);


static void
ec_json_value(FILE *out, ec_tree_t *tree, const ec_node_t *n)
{
    uint32_t i;

    switch (n->vkind) {
    case EC_VALUE_ARRAY:
        fputc('[', out);
        for (i = 0; i < n->count; i++) {
            if (i > 0) {
                fputs(", ", out);
            }
            ec_json_string(out, n->u.items[i].text, n->u.items[i].len);
        }
        fputc(']', out);
        break;
    case EC_VALUE_HASH:
        fputc('{', out);
        for (i = 0; i < n->count; i++) {
            const ec_pair_t *pr = &n->u.pairs[i];
            const char      *k = ec_dump_name(tree, pr->key.text,
                                     pr->key.len, 0);
            if (i > 0) {
                fputs(", ", out);
            }
            ec_json_string(out, k, strlen(k));
            fputs(": ", out);
            ec_json_string(out, pr->value.text, pr->value.len);
        }
        fputc('}', out);
        break;
    default:
        ec_json_string(out, n->u.scalar.text, n->u.scalar.len);
        break;
    }
}


static void
ec_json_node(FILE *out, ec_tree_t *tree, const ec_node_t *n,
    unsigned depth)
{
    const char *name;

    ec_dump_indent(out, depth);
    if (n->kind == EC_NODE_INCLUDE) {
        fputs("{\"kind\": \"include\", \"path\": ", out);
        ec_json_string(out, n->u.include.path->text, n->u.include.path->len);
        fprintf(out, ", \"readonly\": %s, ", n->readonly ? "true" : "false");
        ec_json_where(out, tree, &n->name);
        fputs(", \"statements\": ", out);
        ec_json_list(out, tree, n->u.include.children, depth);
        fputc('}', out);
        return;
    }

    name = ec_dump_name(tree, n->name.text, n->name.len,
               n->kind == EC_NODE_SCOPE);
    fprintf(out, "{\"kind\": \"%s\", \"name\": ",
        n->kind == EC_NODE_SCOPE ? "scope" : "option");
    ec_json_string(out, name, strlen(name));
    fputs(", ", out);
    ec_json_where(out, tree, &n->name);
    if (n->kind == EC_NODE_SCOPE) {
        fputs(", \"instance\": ", out);
        if (n->u.scope.instance != NULL) {
            ec_json_string(out, n->u.scope.instance->text,
                n->u.scope.instance->len);
        } else {
            fputs("null", out);
        }
        fputs(", \"statements\": ", out);
        ec_json_list(out, tree, n->u.scope.children, depth);
    } else {
        fputs(", \"value\": ", out);
        ec_json_value(out, tree, n);
    }
    fputc('}', out);
}


static void
ec_json_list(FILE *out, ec_tree_t *tree, const ec_node_t *n,
    unsigned depth)
{
    if (n == NULL) {
        fputs("[]", out);
        return;
    }
    fputs("[\n", out);
    for (; n != NULL; n = n->next) {
        ec_json_node(out, tree, n, depth + 1);
        fputs(n->next != NULL ? ",\n" : "\n", out);
    }
    ec_dump_indent(out, depth);
    fputc(']', out);
}


void
ec_dump_json(FILE *out, ec_tree_t *tree)
{
    fputs("{\"file\": ", out);
    ec_json_string(out, tree->files[0].path, strlen(tree->files[0].path));
    fputs(", \"statements\": ", out);
    ec_json_list(out, tree, tree->root, 0);
    fputs("}\n", out);
}
