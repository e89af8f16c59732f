/* ecconf: the module table engine: hash tables over the static rows,
 * lookups, suggestions, value checks and listings. */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "modules/table_defs.h"
#include "runtime/table.h"

enum { ENTRY_OPTION = 1, ENTRY_SCOPE = 2 };

/* One legal name in one scope. */
typedef struct entry {
    const ec_scope_t   *scope;
    const char         *name;
    uint32_t            hash;
    uint8_t             what;
    const void         *row;
} entry_t;

static struct {
    const ec_scope_t  **scopes;
    size_t              nscopes;
    entry_t            *entries;
    size_t              nentries;
    size_t              cap;
    uint32_t           *slots;      /* entry index + 1, 0 when empty */
    uint32_t            mask;
} g_table;

static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static const ec_scope_t g_open_scope = {
    "(unchecked)", "(unchecked)", EC_NAMING_OPTIONAL, EC_SCOPE_NONE,
    EC_TYPE_STRING, EC_SCOPE_OPEN, 0, NULL, NULL, 0, NULL,
    "inside a scope whose contents are not checked"
};

static void     table_build(void);
static int      check_sockaddr(const char *text, size_t len, char *why,
                    size_t whylen);
static int      check_cidr(const char *text, size_t len, char *why,
                    size_t whylen);


static int
lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}


/* FNV-1a over the lowercase name, mixed with the scope and entry kind. */
static uint32_t
name_hash(const ec_scope_t *scope, int what, const char *name, size_t len)
{
    uint32_t h = 2166136261u;
    uintptr_t p = (uintptr_t)scope;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (uint8_t)lower((unsigned char)name[i]);
        h *= 16777619u;
    }
    h ^= (uint32_t)(p >> 4) * 2654435761u;
    h ^= (uint32_t)what * 0x9e3779b9u;
    h ^= h >> 15;
    return h;
}


static int
name_equal(const char *canon, const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (canon[i] == '\0'
            || lower((unsigned char)canon[i]) != lower((unsigned char)name[i]))
            return 0;
    }
    return canon[len] == '\0';
}


static const entry_t *
entry_find(const ec_scope_t *scope, int what, const char *name, size_t len)
{
    uint32_t h, i;

    if (scope == NULL || name == NULL)
        return NULL;
    h = name_hash(scope, what, name, len);
    for (i = h & g_table.mask; g_table.slots[i] != 0;
         i = (i + 1) & g_table.mask) {
        const entry_t *e = &g_table.entries[g_table.slots[i] - 1];

        if (e->hash == h && e->scope == scope && e->what == what
            && name_equal(e->name, name, len))
            return e;
    }
    return NULL;
}


static void
entry_add(const ec_scope_t *scope, int what, const char *name,
        const void *row)
{
    entry_t *e;

    /* The first row for a name wins, so a module cannot shadow the core. */
    if (entry_find(scope, what, name, strlen(name)) != NULL)
        return;
    if (g_table.nentries == g_table.cap) {
        g_table.cap = g_table.cap ? g_table.cap * 2 : 1024;
        g_table.entries = realloc(g_table.entries,
                g_table.cap * sizeof(*g_table.entries));
        if (g_table.entries == NULL)
            abort();
    }
    e = &g_table.entries[g_table.nentries++];
    e->scope = scope;
    e->name = name;
    e->what = (uint8_t)what;
    e->row = row;
    e->hash = name_hash(scope, what, name, strlen(name));

    /* The slot array is sized for every entry before the first insert. */
    {
        uint32_t i = e->hash & g_table.mask;

        while (g_table.slots[i] != 0)
            i = (i + 1) & g_table.mask;
        g_table.slots[i] = (uint32_t)g_table.nentries;
    }
}


static void
scope_list_add(const ec_scope_t *s)
{
    g_table.scopes[g_table.nscopes++] = s;
}


/* Every scope row, core ones first, then each module's stanza and the
 * scopes it adds. */
static void
collect_scopes(void)
{
    size_t max = EC_SCOPE__CORE_COUNT, i, m;

    for (m = 0; m < ec_table_nmodules; m++) {
        const ec_module_t *mod = ec_table_modules[m];

        max++;
        for (i = 0; mod->scopes != NULL && mod->scopes[i] != NULL; i++)
            max++;
    }
    g_table.scopes = calloc(max, sizeof(*g_table.scopes));
    if (g_table.scopes == NULL)
        abort();
    for (i = 0; i < EC_SCOPE__CORE_COUNT; i++)
        scope_list_add(&ec_table_core_scopes[i]);
    for (m = 0; m < ec_table_nmodules; m++) {
        const ec_module_t *mod = ec_table_modules[m];

        scope_list_add(mod->stanza);
        for (i = 0; mod->scopes != NULL && mod->scopes[i] != NULL; i++)
            scope_list_add(mod->scopes[i]);
    }
}


static size_t
count_entries(void)
{
    size_t n = 0, i, b;

    for (i = 0; i < ec_table_core_noptions; i++) {
        for (b = 0; b < EC_SCOPE__CORE_COUNT; b++)
            n += (ec_table_core_options[i].scopes >> b) & 1;
    }
    for (i = 0; i < g_table.nscopes; i++) {
        const ec_scope_t *s = g_table.scopes[i];

        n += s->noptions + EC_TABLE_MODULE_NCOMMON;
        for (b = 0; b < EC_SCOPE__CORE_COUNT; b++)
            n += (s->parents >> b) & 1;
        n += s->parent != NULL;
    }
    return n;
}


static void
add_options(void)
{
    size_t i, b, k;

    for (i = 0; i < ec_table_core_noptions; i++) {
        const ec_option_t *o = &ec_table_core_options[i];

        for (b = 0; b < EC_SCOPE__CORE_COUNT; b++) {
            if (o->scopes & EC_BIT(b))
                entry_add(&ec_table_core_scopes[b], ENTRY_OPTION, o->name,
                          o);
        }
    }
    for (i = 0; i < g_table.nscopes; i++) {
        const ec_scope_t *s = g_table.scopes[i];

        for (k = 0; k < s->noptions; k++)
            entry_add(s, ENTRY_OPTION, s->options[k].name, &s->options[k]);
        if (s->flags & EC_SCOPE_MODULE) {
            for (k = 0; k < EC_TABLE_MODULE_NCOMMON; k++)
                entry_add(s, ENTRY_OPTION, ec_table_module_common[k].name,
                          &ec_table_module_common[k]);
        }
    }
}


static void
add_scopes(void)
{
    size_t i, b;

    for (i = 0; i < g_table.nscopes; i++) {
        const ec_scope_t *s = g_table.scopes[i];

        for (b = 0; b < EC_SCOPE__CORE_COUNT; b++) {
            if (s->parents & EC_BIT(b))
                entry_add(&ec_table_core_scopes[b], ENTRY_SCOPE, s->name, s);
        }
        if (s->parent != NULL)
            entry_add(s->parent, ENTRY_SCOPE, s->name, s);
    }
}


static void
table_build(void)
{
    size_t n, size = 1;

    collect_scopes();
    n = count_entries();
    while (size < n * 2)
        size <<= 1;
    g_table.slots = calloc(size, sizeof(*g_table.slots));
    if (g_table.slots == NULL)
        abort();
    g_table.mask = (uint32_t)(size - 1);
    add_options();
    add_scopes();
}


void
ec_table_init(void)
{
    pthread_once(&g_once, table_build);
}


const ec_scope_t *
ec_table_global(void)
{
    return &ec_table_core_scopes[EC_SCOPE_GLOBAL];
}


const ec_scope_t *
ec_table_open_scope(void)
{
    return &g_open_scope;
}


const ec_scope_t *
ec_table_scope_by_id(const char *id)
{
    size_t i;

    ec_table_init();
    for (i = 0; i < g_table.nscopes; i++) {
        if (name_equal(g_table.scopes[i]->id, id, strlen(id)))
            return g_table.scopes[i];
    }
    return NULL;
}


const ec_scope_t *
ec_table_find_scope(const ec_scope_t *parent, const char *name, size_t len)
{
    const entry_t *e;

    ec_table_init();
    e = entry_find(parent, ENTRY_SCOPE, name, len);

    return e != NULL ? e->row : NULL;
}


const ec_option_t *
ec_table_find_option(const ec_scope_t *scope, const char *name, size_t len)
{
    const entry_t *e;

    ec_table_init();
    e = entry_find(scope, ENTRY_OPTION, name, len);

    return e != NULL ? e->row : NULL;
}


const ec_option_t *
ec_table_find_option_under(const ec_scope_t *scope,
        const ec_scope_t *listener, const char *name, size_t len)
{
    const ec_option_t *o = ec_table_find_option(scope, name, len);

    if (o == NULL || listener == NULL || listener->core == EC_SCOPE_NONE)
        return o;
    if (scope->core != EC_SCOPE_LISTEN && scope->core != EC_SCOPE_PEER)
        return o;
    /* Options documented for Listen but for no listener (the duravip
     * ones) are legal under every listener. */
    if ((o->scopes & EC_LISTENERS) != 0
        && (o->scopes & EC_BIT(listener->core)) == 0)
        return NULL;
    return o;
}


const ec_option_t *
ec_table_find_key(const ec_option_t *opt, const char *name, size_t len)
{
    size_t i;

    if (opt == NULL || opt->keys == NULL)
        return NULL;
    for (i = 0; i < opt->nkeys; i++) {
        if (name_equal(opt->keys[i].name, name, len))
            return &opt->keys[i];
    }
    return NULL;
}


size_t
ec_table_where(const char *name, size_t len, const ec_scope_t **out,
        size_t max)
{
    size_t i, n = 0;

    ec_table_init();
    for (i = 0; i < g_table.nscopes; i++) {
        const ec_scope_t *s = g_table.scopes[i];

        if (entry_find(s, ENTRY_OPTION, name, len) == NULL
            && entry_find(s, ENTRY_SCOPE, name, len) == NULL)
            continue;
        if (n < max)
            out[n] = s;
        n++;
    }
    return n;
}


/* "scriptlet > script" for a module sub-scope, the keyword otherwise. */
static int
scope_label(const ec_scope_t *s, char *buf, size_t buflen)
{
    if (s->parent != NULL)
        return snprintf(buf, buflen, "%s > %s", s->parent->name, s->name);
    return snprintf(buf, buflen, "%s", s->name);
}


int
ec_table_format_where(const char *name, size_t len, char *buf,
        size_t buflen)
{
    enum { SHOWN = 6 };
    const ec_scope_t *where[SHOWN];
    size_t n, i, shown, used = 0;
    char label[128];

    n = ec_table_where(name, len, where, SHOWN);
    if (n == 0 || buflen == 0)
        return -1;
    buf[0] = '\0';
    shown = n < SHOWN ? n : SHOWN;
    for (i = 0; i < shown && used < buflen; i++) {
        const char *sep = "";

        if (i > 0)
            sep = (i == shown - 1 && n == shown) ? " or " : ", ";
        scope_label(where[i], label, sizeof(label));
        used += (size_t)snprintf(buf + used, buflen - used, "%s%s", sep,
                                 label);
    }
    if (n > shown && used < buflen)
        snprintf(buf + used, buflen - used, " and %zu more", n - shown);
    return 0;
}


/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions), case-insensitive. Names longer than 63 bytes are never
 * close to anything in the table. */
static size_t
edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    enum { MAXLEN = 64 };
    size_t d[MAXLEN][MAXLEN];
    size_t i, j;

    if (la >= MAXLEN || lb >= MAXLEN)
        return SIZE_MAX;
    for (i = 0; i <= la; i++)
        d[i][0] = i;
    for (j = 0; j <= lb; j++)
        d[0][j] = j;
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            int ca = lower((unsigned char)a[i - 1]);
            int cb = lower((unsigned char)b[j - 1]);
            size_t best = d[i - 1][j - 1] + (ca != cb);

            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ca == lower((unsigned char)b[j - 2])
                && lower((unsigned char)a[i - 2]) == cb
                && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}


/* Allowed edits: 1 up to 4 characters, 2 up to 8, then a quarter of the
 * length, so long option names tolerate a few typos. */
static size_t
suggest_threshold(size_t len)
{
    if (len <= 4)
        return 1;
    if (len <= 8)
        return 2;
    return len / 4 > 3 ? len / 4 : 3;
}


size_t
ec_table_suggest(const ec_scope_t *scope, const char *name, size_t len,
        const char **out, size_t max)
{
    size_t dist[16];
    size_t n = 0, i, k, limit = suggest_threshold(len);

    ec_table_init();
    if (max > 16)
        max = 16;
    for (i = 0; i < g_table.nentries && max > 0; i++) {
        const entry_t *e = &g_table.entries[i];
        size_t d, dup = 0;

        if (e->scope != scope)
            continue;
        d = edit_distance(name, len, e->name, strlen(e->name));
        if (d > limit || d == 0)
            continue;
        for (k = 0; k < n; k++)
            dup |= strcmp(out[k], e->name) == 0;
        if (dup)
            continue;
        /* Keep the best max, sorted by distance; ties keep table
         * order. */
        if (n == max && d >= dist[n - 1])
            continue;
        if (n < max)
            n++;
        for (k = n - 1; k > 0 && dist[k - 1] > d; k--) {
            out[k] = out[k - 1];
            dist[k] = dist[k - 1];
        }
        out[k] = e->name;
        dist[k] = d;
    }
    return n;
}


int
ec_table_parse_bool(const char *text, size_t len)
{
    static const char *const yes[] = { "true", "yes", "on", "enabled", "1" };
    static const char *const no[] = { "false", "no", "off", "disabled", "0" };
    size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (name_equal(yes[i], text, len))
            return 1;
        if (name_equal(no[i], text, len))
            return 0;
    }
    return -1;
}


static int
fail(char *why, size_t whylen, const char *fmt, const char *text,
        size_t len)
{
    int shown = (int)(len > 200 ? 200 : len);

    snprintf(why, whylen, fmt, shown, text);
    return -1;
}


static int
all_digits(const char *text, size_t len, size_t from)
{
    size_t i;

    if (from >= len)
        return 0;
    for (i = from; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return 0;
    }
    return 1;
}


static int
check_range(const ec_option_t *opt, int64_t v, int64_t lo, int64_t hi,
        char *why, size_t whylen)
{
    if (opt->flags & EC_OPT_RANGE) {
        lo = opt->min;
        hi = opt->max;
    }
    if (v >= lo && v <= hi)
        return 0;
    snprintf(why, whylen, "value %" PRId64 " is out of range %" PRId64
             "..%" PRId64, v, lo, hi);
    return -1;
}


static int
check_int(const ec_option_t *opt, const char *text, size_t len, char *why,
        size_t whylen)
{
    char buf[32];
    long long v;
    size_t from = (len > 0 && (text[0] == '-' || text[0] == '+'));

    if (!all_digits(text, len, from) || len >= sizeof(buf))
        return fail(why, whylen, "invalid number \"%.*s\": expected a "
                    "whole number", text, len);
    memcpy(buf, text, len);
    buf[len] = '\0';
    errno = 0;
    v = strtoll(buf, NULL, 10);
    if (errno == ERANGE)
        return fail(why, whylen, "value %.*s is too large", text, len);
    return check_range(opt, v, INT32_MIN, INT32_MAX, why, whylen);
}


static int
check_unsigned(const ec_option_t *opt, const char *text, size_t len,
        char *why, size_t whylen)
{
    char buf[32];
    unsigned long long v;

    if (!all_digits(text, len, 0) || len >= sizeof(buf))
        return fail(why, whylen, "invalid number \"%.*s\": expected a "
                    "whole number of 0 or more", text, len);
    memcpy(buf, text, len);
    buf[len] = '\0';
    errno = 0;
    v = strtoull(buf, NULL, 10);
    if (errno == ERANGE)
        return fail(why, whylen, "value %.*s is too large", text, len);
    if ((opt->flags & EC_OPT_RANGE) && opt->max >= 0
        && v > (unsigned long long)opt->max)
        return check_range(opt, (int64_t)(v > INT64_MAX ? INT64_MAX : v),
                           0, INT64_MAX, why, whylen);
    if ((opt->flags & EC_OPT_RANGE) && v <= INT64_MAX)
        return check_range(opt, (int64_t)v, 0, INT64_MAX, why, whylen);
    return 0;
}


static int
check_perms(const char *text, size_t len, char *why, size_t whylen)
{
    size_t i;
    unsigned long v = 0;

    for (i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '7')
            break;
        v = v * 8 + (unsigned long)(text[i] - '0');
        if (v > 07777)
            break;
    }
    if (len == 0 || i < len)
        return fail(why, whylen, "invalid file mode \"%.*s\": expected "
                    "octal digits from 0000 to 7777, e.g. 0644", text, len);
    return 0;
}


static int
check_float(const char *text, size_t len, char *why, size_t whylen)
{
    char buf[64], *end;
    double v;

    if (len == 0 || len >= sizeof(buf))
        return fail(why, whylen, "invalid number \"%.*s\": expected a "
                    "decimal number", text, len);
    memcpy(buf, text, len);
    buf[len] = '\0';
    errno = 0;
    v = strtod(buf, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return fail(why, whylen, "invalid number \"%.*s\": expected a "
                    "decimal number", text, len);
    return 0;
}


static int
check_enum(const ec_option_t *opt, const char *text, size_t len,
        char *why, size_t whylen)
{
    size_t i, used;

    for (i = 0; opt->values != NULL && opt->values[i] != NULL; i++) {
        if (name_equal(opt->values[i], text, len))
            return 0;
    }
    used = (size_t)snprintf(why, whylen, "invalid value \"%.*s\": expected "
                            "one of: ", (int)(len > 100 ? 100 : len), text);
    for (i = 0; opt->values != NULL && opt->values[i] != NULL; i++) {
        if (used >= whylen)
            break;
        used += (size_t)snprintf(why + used, whylen - used, "%s%s",
                                 i ? ", " : "", opt->values[i]);
    }
    return -1;
}


static int
check_throttle(const char *text, size_t len, char *why, size_t whylen)
{
    const char *slash = memchr(text, '/', len);
    size_t n = slash ? (size_t)(slash - text) : len;

    if (!all_digits(text, n, 0) || (slash != NULL
        && !all_digits(slash + 1, len - n - 1, 0)))
        return fail(why, whylen, "invalid throttle \"%.*s\": expected N "
                    "or N/SECONDS, e.g. 100/60", text, len);
    return 0;
}


/* PCRE itself is not linked, so only what breaks every regex engine is
 * checked: unbalanced groups or classes and a trailing backslash. */
static int
check_regex(const char *text, size_t len, char *why, size_t whylen)
{
    size_t i;
    int depth = 0, in_class = 0;

    for (i = 0; i < len; i++) {
        char c = text[i];

        if (c == '\\') {
            if (++i == len)
                return fail(why, whylen, "invalid regular expression "
                            "\"%.*s\": it ends with a lone backslash",
                            text, len);
        } else if (in_class) {
            in_class = c != ']';
        } else if (c == '[') {
            in_class = 1;
        } else if (c == '(') {
            depth++;
        } else if (c == ')' && --depth < 0) {
            break;
        }
    }
    if (depth != 0 || in_class)
        return fail(why, whylen, "invalid regular expression \"%.*s\": "
                    "unbalanced parentheses or brackets", text, len);
    return 0;
}


int
ec_table_check_value(const ec_option_t *opt, const char *text, size_t len,
        char *why, size_t whylen)
{
    int rc = 0;

    switch ((ec_type_t)opt->type) {
    case EC_TYPE_INT:
        rc = check_int(opt, text, len, why, whylen);
        break;
    case EC_TYPE_UINT64:
    case EC_TYPE_SIZE:
        rc = check_unsigned(opt, text, len, why, whylen);
        break;
    case EC_TYPE_PERMS:
        rc = check_perms(text, len, why, whylen);
        break;
    case EC_TYPE_BOOL:
        if (ec_table_parse_bool(text, len) < 0)
            rc = fail(why, whylen, "invalid value \"%.*s\": expected true "
                      "or false (also yes/no, on/off, enabled/disabled, "
                      "1/0)", text, len);
        break;
    case EC_TYPE_FLOAT:
        rc = check_float(text, len, why, whylen);
        break;
    case EC_TYPE_ENUM:
        rc = check_enum(opt, text, len, why, whylen);
        break;
    case EC_TYPE_SOCKADDR:
        rc = check_sockaddr(text, len, why, whylen);
        break;
    case EC_TYPE_CIDR:
        rc = check_cidr(text, len, why, whylen);
        break;
    case EC_TYPE_THROTTLE:
        rc = check_throttle(text, len, why, whylen);
        break;
    case EC_TYPE_REGEX:
        rc = check_regex(text, len, why, whylen);
        break;
    case EC_TYPE_HASH:
        snprintf(why, whylen, "expected a hash: [ key = value ... ]");
        rc = -1;
        break;
    case EC_TYPE_ANY:
    case EC_TYPE_STRING:
    case EC_TYPE__COUNT:
        break;
    }
    if (rc == 0 && opt->validate != NULL)
        rc = opt->validate(opt, text, len, why, whylen);
    return rc;
}


static int
parse_port(const char *text, size_t len)
{
    int port = 0;
    size_t i;

    if (len == 0 || len > 5 || !all_digits(text, len, 0))
        return -1;
    for (i = 0; i < len; i++)
        port = port * 10 + (text[i] - '0');
    return (port >= 1 && port <= 65535) ? port : -1;
}


static int
is_hostname(const char *text, size_t len)
{
    size_t i;

    if (len == 0 || len > 253)
        return 0;
    for (i = 0; i < len; i++) {
        char c = text[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '-' || c == '.'
              || c == '_'))
            return 0;
    }
    return 1;
}


/* Forms: /path (Unix socket), :PORT, *:PORT, HOST:PORT, IPV4:PORT,
 * [IPV6]:PORT, [*]:PORT. A host of digits and dots must be an IPv4
 * address. */
static int
check_sockaddr(const char *text, size_t len, char *why, size_t whylen)
{
    static const char *const msg = "invalid address \"%.*s\": expected "
        "HOST:PORT, :PORT, [IPV6]:PORT or a socket path";
    char host[INET6_ADDRSTRLEN + 1];
    unsigned char addr[16];
    const char *colon;
    size_t hlen;

    if (len > 1 && text[0] == '/')
        return 0;
    if (len > 0 && text[0] == '[') {
        const char *close = memchr(text, ']', len);

        if (close == NULL || close + 1 >= text + len || close[1] != ':')
            return fail(why, whylen, msg, text, len);
        hlen = (size_t)(close - text - 1);
        colon = close + 1;
        if (hlen >= sizeof(host))
            return fail(why, whylen, msg, text, len);
        memcpy(host, text + 1, hlen);
        host[hlen] = '\0';
        if (strcmp(host, "*") != 0 && inet_pton(AF_INET6, host, addr) != 1)
            return fail(why, whylen, "invalid address \"%.*s\": the part "
                        "in brackets is not an IPv6 address", text, len);
    } else {
        colon = NULL;
        for (hlen = len; hlen > 0; hlen--) {
            if (text[hlen - 1] == ':') {
                colon = text + hlen - 1;
                break;
            }
        }
        if (colon == NULL || memchr(text, ':', (size_t)(colon - text)))
            return fail(why, whylen, msg, text, len);
        hlen = (size_t)(colon - text);
        if (hlen > 0 && !(hlen == 1 && text[0] == '*')
            && !is_hostname(text, hlen))
            return fail(why, whylen, msg, text, len);
        if (hlen > 0 && hlen < sizeof(host)
            && strspn(text, "0123456789.") == hlen) {
            memcpy(host, text, hlen);
            host[hlen] = '\0';
            if (inet_pton(AF_INET, host, addr) != 1)
                return fail(why, whylen, "invalid address \"%.*s\": not "
                            "a valid IPv4 address", text, len);
        }
    }
    if (parse_port(colon + 1, len - (size_t)(colon + 1 - text)) < 0) {
        size_t plen = len - (size_t)(colon + 1 - text);

        snprintf(why, whylen, "invalid address \"%.*s\": the port \"%.*s\" "
                 "must be a number from 1 to 65535 of at most 5 digits",
                 (int) len, text, (int) plen, colon + 1);
        return -1;
    }
    return 0;
}


static int
check_cidr(const char *text, size_t len, char *why, size_t whylen)
{
    char host[INET6_ADDRSTRLEN + 1];
    unsigned char addr[16];
    const char *slash = memchr(text, '/', len);
    size_t hlen = slash ? (size_t)(slash - text) : len;
    int family, maxbits, bits = 0;
    size_t i;

    if (hlen == 0 || hlen >= sizeof(host))
        return fail(why, whylen, "invalid CIDR \"%.*s\": expected an IP "
                    "address or ADDRESS/BITS", text, len);
    memcpy(host, text, hlen);
    host[hlen] = '\0';
    family = memchr(host, ':', hlen) ? AF_INET6 : AF_INET;
    maxbits = family == AF_INET6 ? 128 : 32;
    if (inet_pton(family, host, addr) != 1)
        return fail(why, whylen, "invalid CIDR \"%.*s\": expected an IP "
                    "address or ADDRESS/BITS", text, len);
    if (slash == NULL)
        return 0;
    if (!all_digits(slash + 1, len - hlen - 1, 0) || len - hlen - 1 > 3)
        return fail(why, whylen, "invalid CIDR \"%.*s\": the prefix length "
                    "must be a number", text, len);
    for (i = hlen + 1; i < len; i++)
        bits = bits * 10 + (text[i] - '0');
    if (bits > maxbits) {
        snprintf(why, whylen, "invalid CIDR \"%.*s\": the prefix length "
                 "must be 0 to %d", (int)(len > 200 ? 200 : len), text,
                 maxbits);
        return -1;
    }
    return 0;
}


int
ec_table_check_instance(const ec_scope_t *scope, const char *text,
        size_t len, char *why, size_t whylen)
{
    if (scope->instance == EC_TYPE_SOCKADDR)
        return check_sockaddr(text, len, why, whylen);
    if (scope->instance == EC_TYPE_CIDR)
        return check_cidr(text, len, why, whylen);
    return 0;
}


const ec_scheme_t *
ec_table_find_scheme(const char *name, size_t len,
        const ec_module_t **module)
{
    size_t i, m;

    if (module != NULL)
        *module = NULL;
    for (i = 0; i < EC_TABLE_CORE_NSCHEMES; i++) {
        if (name_equal(ec_table_core_schemes[i].name, name, len))
            return &ec_table_core_schemes[i];
    }
    for (m = 0; m < ec_table_nmodules; m++) {
        const ec_module_t *mod = ec_table_modules[m];

        for (i = 0; i < mod->nschemes; i++) {
            if (!name_equal(mod->schemes[i].name, name, len))
                continue;
            if (module != NULL)
                *module = mod;
            return &mod->schemes[i];
        }
    }
    return NULL;
}


const ec_module_t *
ec_table_find_module(const char *name, size_t len)
{
    size_t m;

    for (m = 0; m < ec_table_nmodules; m++) {
        if (name_equal(ec_table_modules[m]->name, name, len))
            return ec_table_modules[m];
    }
    return NULL;
}


size_t
ec_table_module_count(void)
{
    return ec_table_nmodules;
}


const ec_module_t *
ec_table_module_at(size_t i)
{
    return i < ec_table_nmodules ? ec_table_modules[i] : NULL;
}


size_t
ec_table_scope_count(void)
{
    ec_table_init();
    return g_table.nscopes;
}


const ec_scope_t *
ec_table_scope_at(size_t i)
{
    ec_table_init();
    return i < g_table.nscopes ? g_table.scopes[i] : NULL;
}


size_t
ec_table_core_option_count(void)
{
    return ec_table_core_noptions;
}


const ec_option_t *
ec_table_core_option_at(size_t i)
{
    return i < ec_table_core_noptions ? &ec_table_core_options[i] : NULL;
}


size_t
ec_table_scope_options(const ec_scope_t *scope, const ec_option_t **out,
        size_t max)
{
    size_t i, n = 0;

    ec_table_init();
    for (i = 0; i < g_table.nentries; i++) {
        const entry_t *e = &g_table.entries[i];

        if (e->scope != scope || e->what != ENTRY_OPTION)
            continue;
        if (n < max)
            out[n] = e->row;
        n++;
    }
    return n;
}


const char *
ec_table_type_name(ec_type_t type)
{
    static const char *const names[EC_TYPE__COUNT] = {
        [EC_TYPE_ANY] = "any",
        [EC_TYPE_STRING] = "string",
        [EC_TYPE_INT] = "int",
        [EC_TYPE_UINT64] = "uint64",
        [EC_TYPE_SIZE] = "size",
        [EC_TYPE_PERMS] = "perms",
        [EC_TYPE_BOOL] = "bool",
        [EC_TYPE_FLOAT] = "float",
        [EC_TYPE_ENUM] = "enum",
        [EC_TYPE_SOCKADDR] = "address",
        [EC_TYPE_CIDR] = "cidr",
        [EC_TYPE_THROTTLE] = "throttle",
        [EC_TYPE_REGEX] = "regex",
        [EC_TYPE_HASH] = "hash",
    };

    return (unsigned)type < EC_TYPE__COUNT ? names[type] : "?";
}
