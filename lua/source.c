/* ecconf: finding script files, and compiling them for `ecconf --check`
 * with hints for the Lua 5.1 dialect that Momentum runs (thrLua). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "lua/ec_lua_int.h"

#define EC_LUA_PATH_MAX      4096
#define EC_LUA_CHECK_MAX     (16u * 1024 * 1024)

typedef struct ec_lua_removed {
    const char     *name;
    const char     *fix;
} ec_lua_removed_t;

/* Lua 5.1 library names that Lua 5.4 no longer has. */
static const ec_lua_removed_t ec_lua_removed_list[] = {
    { "table.getn", "use the length operator '#t'" },
    { "table.setn", "remove the call: a table has no stored size" },
    { "table.maxn", "use '#t' or a loop over pairs()" },
    { "setfenv", "use an _ENV upvalue or load(text, name, 't', env)" },
    { "getfenv", "use an _ENV upvalue" },
    { "unpack", "use 'table.unpack'" },
    { "module", "return the module table from the file instead" },
    { "loadstring", "use 'load'" },
    { "math.mod", "use 'math.fmod' or the '%' operator" },
    { "math.pow", "use the '^' operator" },
    { "math.log10", "use 'math.log(x, 10)'" },
    { "math.ldexp", "use 'm * 2.0^e'" },
    { "string.gfind", "use 'string.gmatch'" },
    { NULL, NULL }
};


static int
ec_lua_is_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           access(path, R_OK) == 0;
}


/* Turns a source into a relative or absolute file path ending in ".lua".
 * The folders up to the last '/' are copied as they are, because real
 * folder names may contain dots (/tmp/tmp.X/conf). Only in the last part
 * does '.' separate names: "a.b" is a/b.lua and "lib/x.y" is lib/x/y.lua.
 * Returns -1 when the last part is empty, starts or ends with '.', or
 * contains "..", or when the result does not fit. */
static int
ec_lua_source_to_rel(const char *source, char *out, size_t outlen)
{
    const char *slash = strrchr(source, '/');
    const char *name = slash != NULL ? slash + 1 : source;
    size_t dirlen = (size_t)(name - source);
    size_t n;
    const char *p;
    char prev = '.';

    if (*name == '\0' || dirlen + strlen(name) + 5 > outlen)
        return -1;
    memcpy(out, source, dirlen);
    n = dirlen;
    for (p = name; *p != '\0'; p++) {
        if (*p == '.' && prev == '.')
            return -1;
        out[n++] = *p == '.' ? '/' : *p;
        prev = *p;
    }
    if (prev == '.')
        return -1;
    memcpy(out + n, ".lua", 5);
    return 0;
}


static void
ec_lua_append(char *buf, size_t buflen, const char *text)
{
    size_t n = strlen(buf);
    size_t k = strlen(text);

    if (n + k >= buflen)
        k = buflen - n - 1;
    memcpy(buf + n, text, k);
    buf[n + k] = '\0';
}


/* Joins dir and rel into out; returns -1 when the path does not fit. */
static int
ec_lua_join(char *out, size_t outlen, const char *dir, size_t dirlen,
            const char *rel)
{
    size_t rellen = strlen(rel);

    if (dirlen + 1 + rellen + 1 > outlen)
        return -1;
    memcpy(out, dir, dirlen);
    out[dirlen] = '/';
    memcpy(out + dirlen + 1, rel, rellen + 1);
    return 0;
}


int
ec_lua_resolve_source(const char *source, const char *conf_dir,
                      const char *search_path, char *out, size_t outlen)
{
    char rel[EC_LUA_PATH_MAX];
    char cand[EC_LUA_PATH_MAX];
    char tried[2048] = "";
    const char *dir = conf_dir != NULL && *conf_dir != '\0' ? conf_dir : ".";
    const char *p;
    size_t len;

    if (source == NULL || *source == '\0') {
        snprintf(out, outlen, "script source is empty");
        return -1;
    }
    if (strcmp(source, "msys.boot") == 0) {
        snprintf(out, outlen, "%s", "");
        return 1;
    }
    if (ec_lua_source_to_rel(source, rel, sizeof(rel)) != 0) {
        snprintf(out, outlen, "invalid script source \"%s\": expected "
                 "names separated by '.' or '/'", source);
        return -1;
    }

    /* An absolute source names one file and skips the search. */
    p = rel[0] == '/' ? NULL : search_path;
    if (rel[0] == '/')
        snprintf(cand, sizeof(cand), "%s", rel);
    else if (ec_lua_join(cand, sizeof(cand), dir, strlen(dir), rel) != 0)
        cand[0] = '\0';
    for (;;) {
        if (cand[0] != '\0' && ec_lua_is_file(cand)) {
            snprintf(out, outlen, "%s", cand);
            return 0;
        }
        if (cand[0] != '\0') {
            ec_lua_append(tried, sizeof(tried),
                          tried[0] != '\0' ? ", " : "");
            ec_lua_append(tried, sizeof(tried), cand);
        }

        while (p != NULL && *p == ':')
            p++;
        if (p == NULL || *p == '\0')
            break;
        len = strcspn(p, ":");
        if (ec_lua_join(cand, sizeof(cand), p, len, rel) != 0)
            cand[0] = '\0';
        p += len;
    }

    len = strlen(source);
    snprintf(out, outlen, "script source \"%s\" not found; tried %s%s",
             source, tried, len > 4 && strcmp(source + len - 4, ".lua") == 0
             ? " (omit the \".lua\" suffix: '.' separates folders)" : "");
    return -1;
}


/* Finds ":LINE:" in a Lua message; returns the line and sets *rest to the
 * text after it, or returns 0. */
static int
ec_lua_parse_line(const char *msg, const char **rest)
{
    const char *p;

    for (p = strchr(msg, ':'); p != NULL; p = strchr(p + 1, ':')) {
        char *end;
        long line = strtol(p + 1, &end, 10);

        if (end != p + 1 && *end == ':' && line > 0) {
            *rest = end + 1;
            while (**rest == ' ')
                (*rest)++;
            return (int)line;
        }
    }
    return 0;
}


/* Reads line number `line` of path into out. */
static int
ec_lua_read_line(const char *path, int line, char *out, size_t outlen)
{
    FILE *f = fopen(path, "r");
    int n = 0;

    if (f == NULL)
        return -1;
    while (fgets(out, (int)outlen, f) != NULL) {
        if (strchr(out, '\n') != NULL || feof(f))
            n++;
        if (n == line) {
            fclose(f);
            return 0;
        }
    }
    fclose(f);
    return -1;
}


static const char *
ec_lua_syntax_fix(const char *text, const char *src)
{
    if (strstr(text, "near '!'") != NULL && strstr(src, "!=") != NULL)
        return "use '~=' for 'not equal' in Lua 5.4";
    if (strstr(text, "near '!'") != NULL)
        return "use 'not' for logical negation in Lua 5.4";
    if (strstr(text, "near '^'") != NULL && strstr(src, "^^") != NULL)
        return "use '~' for exclusive or in Lua 5.4";
    if (strstr(text, "near '\\'") != NULL)
        return "use '//' for integer division in Lua 5.4";
    if (strstr(text, "missing '{'") != NULL && strstr(src, "\\u") != NULL)
        return "write a Unicode escape as '\\u{XXXX}' in Lua 5.4";
    return NULL;
}


void
ec_lua_dialect_hint(const char *path, const char *msg, char *out,
                    size_t outlen)
{
    char src[1024] = "";
    const char *rest = msg;
    const char *fix;
    int line = ec_lua_parse_line(msg, &rest);

    if (line == 0) {
        snprintf(out, outlen, "%s: error: %s", path, msg);
        return;
    }
    ec_lua_read_line(path, line, src, sizeof(src));
    fix = ec_lua_syntax_fix(rest, src);
    if (fix != NULL)
        snprintf(out, outlen, "%s:%d: error: %s; %s", path, line, rest, fix);
    else
        snprintf(out, outlen, "%s:%d: error: %s", path, line, rest);
}


/* A minimal Lua scanner for the library check: it walks over comments,
 * strings and numbers, and hands each dotted name to a callback. */
typedef struct ec_lua_scan {
    const char     *p;
    const char     *end;
    int             line;
    const char     *path;
    char           *out;
    size_t          outlen;
    int             warnings;
    char            locals[32][64];     /* names the script declares */
    int             nlocals;
} ec_lua_scan_t;


/* Skips a long bracket [==[ ... ]==] starting at s->p; returns 0 when
 * s->p is not at one. */
static int
ec_lua_skip_long(ec_lua_scan_t *s)
{
    const char *q = s->p + 1;
    int level = 0;

    while (q < s->end && *q == '=') {
        level++;
        q++;
    }
    if (q >= s->end || *q != '[')
        return 0;
    for (q++; q < s->end; q++) {
        if (*q == '\n')
            s->line++;
        if (*q == ']') {
            const char *r = q + 1;
            int k = 0;

            while (r < s->end && *r == '=' && k < level) {
                k++;
                r++;
            }
            if (k == level && r < s->end && *r == ']') {
                s->p = r + 1;
                return 1;
            }
        }
    }
    s->p = s->end;
    return 1;
}


static void
ec_lua_skip_quoted(ec_lua_scan_t *s)
{
    char quote = *s->p++;

    while (s->p < s->end && *s->p != quote) {
        if (*s->p == '\\' && s->p + 1 < s->end) {
            if (s->p[1] == '\n')
                s->line++;
            s->p++;
        } else if (*s->p == '\n') {
            s->line++;
            break;
        }
        s->p++;
    }
    if (s->p < s->end)
        s->p++;
}


static void
ec_lua_warn(ec_lua_scan_t *s, const char *fmt, const char *a,
            const char *b)
{
    size_t n = strlen(s->out);

    if (n < s->outlen)
        snprintf(s->out + n, s->outlen - n, "%s%s:%d: warning: ",
                 n > 0 ? "\n" : "", s->path, s->line);
    n = strlen(s->out);
    if (n < s->outlen)
        snprintf(s->out + n, s->outlen - n, fmt, a, b);
    s->warnings++;
}


static int
ec_lua_is_declared(const ec_lua_scan_t *s, const char *name)
{
    int i;

    for (i = 0; i < s->nlocals; i++)
        if (strcmp(s->locals[i], name) == 0)
            return 1;
    return 0;
}


static void
ec_lua_check_name(ec_lua_scan_t *s, const char *name, char before)
{
    const ec_lua_removed_t *r;

    if (before == '.' || before == ':' || ec_lua_is_declared(s, name))
        return;
    for (r = ec_lua_removed_list; r->name != NULL; r++)
        if (strcmp(r->name, name) == 0)
            ec_lua_warn(s, "'%s' does not exist in Lua 5.4; %s", r->name,
                        r->fix);
}


/* A number like 0660 was octal in thrLua and is decimal in Lua 5.4. */
static void
ec_lua_check_number(ec_lua_scan_t *s, const char *start, size_t len)
{
    char num[32];
    char value[32];

    if (len < 2 || len >= sizeof(num) || start[0] != '0' ||
        !isdigit((unsigned char)start[1]))
        return;
    memcpy(num, start, len);
    num[len] = '\0';
    if (strspn(num, "01234567") != len)
        return;
    snprintf(value, sizeof(value), "%ld", strtol(num, NULL, 8));
    ec_lua_warn(s, "'%s' is a decimal number in Lua 5.4, but octal in "
                "Momentum's Lua; write %s if octal was meant", num, value);
}


static void
ec_lua_remember_local(ec_lua_scan_t *s, const char *name)
{
    if (s->nlocals < 32 && strlen(name) < sizeof(s->locals[0]))
        snprintf(s->locals[s->nlocals++], sizeof(s->locals[0]), "%s", name);
}


static void
ec_lua_scan_name(ec_lua_scan_t *s, char before, char *prevword,
                 size_t prevlen)
{
    char name[64];
    size_t n = 0;

    while (s->p < s->end && (isalnum((unsigned char)*s->p) || *s->p == '_'
                             || (*s->p == '.' && s->p + 1 < s->end &&
                                 (isalpha((unsigned char)s->p[1]) ||
                                  s->p[1] == '_')))) {
        if (n + 1 < sizeof(name))
            name[n++] = *s->p;
        s->p++;
    }
    name[n] = '\0';

    if (strcmp(prevword, "local") == 0 || strcmp(prevword, "function") == 0)
        ec_lua_remember_local(s, name);
    else
        ec_lua_check_name(s, name, before);
    snprintf(prevword, prevlen, "%s", name);
}


static void
ec_lua_scan(ec_lua_scan_t *s)
{
    char prevword[64] = "";
    char before = ' ';

    while (s->p < s->end) {
        char c = *s->p;

        if (c == '\n') {
            s->line++;
            s->p++;
        } else if (c == '-' && s->p + 1 < s->end && s->p[1] == '-') {
            s->p += 2;
            if (s->p < s->end && *s->p == '[' && ec_lua_skip_long(s))
                continue;
            while (s->p < s->end && *s->p != '\n')
                s->p++;
        } else if (c == '"' || c == '\'') {
            ec_lua_skip_quoted(s);
        } else if (c == '[' && ec_lua_skip_long(s)) {
            continue;
        } else if (isdigit((unsigned char)c)) {
            const char *start = s->p;

            while (s->p < s->end && (isalnum((unsigned char)*s->p) ||
                                     *s->p == '.'))
                s->p++;
            ec_lua_check_number(s, start, (size_t)(s->p - start));
        } else if (isalpha((unsigned char)c) || c == '_') {
            ec_lua_scan_name(s, before, prevword, sizeof(prevword));
            before = ' ';
            continue;
        } else {
            s->p++;
        }
        if (!isspace((unsigned char)c))
            before = c;
    }
}


/* Reads the whole file; the caller frees the buffer. */
static char *
ec_lua_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;

    if (f == NULL)
        return NULL;
    buf = malloc(EC_LUA_CHECK_MAX);
    if (buf != NULL)
        *len = fread(buf, 1, EC_LUA_CHECK_MAX, f);
    fclose(f);
    return buf;
}


int
ec_lua_check_file(const char *path, char *err, size_t errlen)
{
    lua_State *L;
    ec_lua_scan_t scan;
    size_t len = 0;
    char *buf;
    int status;

    err[0] = '\0';
    L = luaL_newstate();
    if (L == NULL) {
        snprintf(err, errlen, "%s: error: out of memory", path);
        return -1;
    }
    status = luaL_loadfilex(L, path, "t");
    if (status == LUA_ERRFILE) {
        snprintf(err, errlen, "%s: error: cannot read script: %s", path,
                 lua_tostring(L, -1));
    } else if (status != LUA_OK) {
        ec_lua_dialect_hint(path, lua_tostring(L, -1), err, errlen);
    }
    lua_close(L);
    if (status != LUA_OK)
        return -1;

    buf = ec_lua_read_file(path, &len);
    if (buf == NULL)
        return 0;
    memset(&scan, 0, sizeof(scan));
    scan.p = buf;
    scan.end = buf + len;
    scan.line = 1;
    scan.path = path;
    scan.out = err;
    scan.outlen = errlen;
    ec_lua_scan(&scan);
    free(buf);
    return scan.warnings > 0 ? 1 : 0;
}
