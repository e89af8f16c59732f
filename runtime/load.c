/* ecconf: read a configuration and its includes into one syntax tree. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grammar/parse.h"
#include "runtime/load.h"

/* A file being parsed, on the chain from the main file down to the
 * current one; used to detect include cycles. */
typedef struct ec_load_frame {
    dev_t       dev;
    ino_t       ino;
    uint16_t    file;
} ec_load_frame_t;

typedef struct ec_load_ctx {
    const ec_load_options_t *opts;
    const char     *search_path;
    ec_load_frame_t chain[EC_PARSE_MAX_INCLUDES + 1];
    unsigned        depth;
} ec_load_ctx_t;


static ec_tree_t *
ec_tree_new(void)
{
    ec_tree_t *t = calloc(1, sizeof(*t));

    if (t == NULL) {
        abort();
    }
    ec_arena_init(&t->arena);
    ec_intern_init(&t->names, &t->arena);
    return t;
}


void
ec_tree_free(ec_tree_t *tree)
{
    if (tree == NULL) {
        return;
    }
    ec_intern_free(&tree->names);
    ec_arena_free(&tree->arena);
    free(tree->files);
    free(tree);
}


/* Register a file; returns its index or -1 when the table is full. */
static int
ec_tree_add_file(ec_tree_t *t, const char *path, unsigned parent,
    unsigned parent_line)
{
    ec_file_t *f;

    if (t->nfiles >= UINT16_MAX) {
        return -1;
    }
    if (t->nfiles == t->files_cap) {
        t->files_cap = t->files_cap ? t->files_cap * 2 : 8;
        t->files = realloc(t->files, t->files_cap * sizeof(*t->files));
        if (t->files == NULL) {
            abort();
        }
    }
    f = &t->files[t->nfiles];
    memset(f, 0, sizeof(*f));
    f->path = ec_arena_strndup(&t->arena, path, strlen(path));
    f->parent = (uint16_t) (t->nfiles == 0 ? 0 : parent);
    f->parent_line = parent_line;
    return (int) t->nfiles++;
}


const char *
ec_tree_file_path(const ec_tree_t *tree, unsigned f)
{
    return f < tree->nfiles ? tree->files[f].path : NULL;
}


static int
ec_load_parse_stream(ec_load_ctx_t *ctx, ec_tree_t *tree, ec_diag_t *diag,
    unsigned file, FILE *fp, const char *data, size_t len,
    ec_node_t **out)
{
    ec_parse_t p;

    memset(&p, 0, sizeof(p));
    p.tree = tree;
    p.diag = diag;
    p.load = ctx;
    p.file = (uint16_t) file;
    p.fp = fp;
    p.buf = data;
    p.buflen = len;
    return ec_parse_run(&p, out);
}


static void
ec_load_ctx_init(ec_load_ctx_t *ctx, const ec_load_options_t *opts)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->opts = opts;
    ctx->search_path = opts != NULL && opts->search_path != NULL
        ? opts->search_path : getenv("EC_CONF_SEARCH_PATH");
}


/* Open path for reading without blocking on a FIFO, and only when it is
 * a regular file or (for the caller to handle) a folder. Returns the
 * stream, or NULL with errno set (ENODEV for a device or pipe). */
static FILE *
ec_load_open(const char *path, struct stat *st)
{
    FILE *fp;
    int   fd, flags;

    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    if (fstat(fd, st) != 0) {
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
        /* a device or pipe may never end (/dev/zero) or never start */
        close(fd);
        errno = ENODEV;
        return NULL;
    }
    flags = fcntl(fd, F_GETFL);
    if (flags >= 0) {
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }
    fp = fdopen(fd, "rb");
    if (fp == NULL) {
        close(fd);
    }
    return fp;
}


/* The message for a file ec_load_open() could not open. */
static const char *
ec_load_open_error(int err)
{
    return err == ENODEV ? "not a regular file" : strerror(err);
}


ec_tree_t *
ec_load_file(const char *path, const ec_load_options_t *opts,
    ec_diag_t *diag)
{
    ec_load_ctx_t ctx;
    ec_tree_t    *tree;
    struct stat   st;
    FILE         *fp;

    ec_load_ctx_init(&ctx, opts);
    fp = ec_load_open(path, &st);
    if (fp == NULL) {
        ec_diag_plain(diag, EC_DIAG_ERROR, "cannot open \"%s\": %s", path,
            ec_load_open_error(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        ec_diag_plain(diag, EC_DIAG_ERROR, "\"%s\" is a folder, not a "
            "configuration file", path);
        fclose(fp);
        return NULL;
    }

    tree = ec_tree_new();
    diag->tree = tree;
    ec_tree_add_file(tree, path, 0, 0);
    ctx.chain[0].dev = st.st_dev;
    ctx.chain[0].ino = st.st_ino;
    ctx.chain[0].file = 0;
    ctx.depth = 1;
    ec_load_parse_stream(&ctx, tree, diag, 0, fp, NULL, 0, &tree->root);
    if (ferror(fp)) {
        ec_diag_plain(diag, EC_DIAG_ERROR, "cannot read \"%s\": %s", path,
            strerror(errno));
    }
    fclose(fp);
    return tree;
}


ec_tree_t *
ec_load_buffer(const char *name, const char *data, size_t len,
    const ec_load_options_t *opts, ec_diag_t *diag)
{
    ec_load_ctx_t ctx;
    ec_tree_t    *tree;

    ec_load_ctx_init(&ctx, opts);
    tree = ec_tree_new();
    diag->tree = tree;
    ec_tree_add_file(tree, name, 0, 0);
    tree->files[0].data = data;
    tree->files[0].len = len;
    ctx.depth = 1;
    ctx.chain[0].file = 0;
    ctx.chain[0].dev = (dev_t) -1;
    ctx.chain[0].ino = (ino_t) -1;
    ec_load_parse_stream(&ctx, tree, diag, 0, NULL, data, len, &tree->root);
    return tree;
}


/* The folder part of path, "." when it has none. */
static void
ec_load_dirname(const char *path, char *out, size_t outlen)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL) {
        snprintf(out, outlen, ".");
    } else if (slash == path) {
        snprintf(out, outlen, "/");
    } else {
        snprintf(out, outlen, "%.*s", (int) (slash - path), path);
    }
}


/* Write dir (dirlen bytes) + "/" + name into out; -1 if it does not fit. */
static int
ec_load_join(char *out, size_t outlen, const char *dir, size_t dirlen,
    const char *name)
{
    size_t namelen = strlen(name);

    if (dirlen + 1 + namelen + 1 > outlen) {
        return -1;
    }
    memcpy(out, dir, dirlen);
    out[dirlen] = '/';
    memcpy(out + dirlen + 1, name, namelen + 1);
    return 0;
}


/* Find the include target: the including file's folder first, then each
 * folder of the search path. Returns 0 with the path in out, or -1 with
 * the places tried in tried. */
static int
ec_load_resolve(ec_load_ctx_t *ctx, const char *including,
    const char *target, char *out, size_t outlen, char *tried,
    size_t triedlen)
{
    char        dir[PATH_MAX];
    const char *sp, *colon;
    struct stat st;
    size_t      used = 0;

    tried[0] = '\0';
    if (target[0] == '/') {
        snprintf(out, outlen, "%s", target);
        snprintf(tried, triedlen, "%s", target);
        return stat(out, &st) == 0 ? 0 : -1;
    }

    ec_load_dirname(including, dir, sizeof(dir));
    if (ec_load_join(out, outlen, dir, strlen(dir), target) == 0
        && stat(out, &st) == 0) {
        return 0;
    }
    used = (size_t) snprintf(tried, triedlen, "%s", out);

    for (sp = ctx->search_path; sp != NULL && *sp != '\0'; sp = colon + 1) {
        size_t n;

        colon = strchr(sp, ':');
        n = colon != NULL ? (size_t) (colon - sp) : strlen(sp);
        if (n > 0) {
            if (ec_load_join(out, outlen, sp, n, target) == 0
                && stat(out, &st) == 0) {
                return 0;
            }
            if (used < triedlen) {
                used += (size_t) snprintf(tried + used, triedlen - used,
                            ", %s", out);
            }
        }
        if (colon == NULL) {
            break;
        }
    }
    return -1;
}


static int
ec_load_name_cmp(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}


static int
ec_load_name_visible(const struct dirent *e)
{
    return e->d_name[0] != '.';
}


/* Print "a.conf -> b.conf -> a.conf" for the cycle error. */
static void
ec_load_cycle_text(ec_parse_t *p, unsigned from, const char *again,
    char *out, size_t outlen)
{
    ec_load_ctx_t *ctx = p->load;
    size_t         used = 0;
    unsigned       i;

    out[0] = '\0';
    for (i = from; i < ctx->depth && used < outlen; i++) {
        used += (size_t) snprintf(out + used, outlen - used, "%s -> ",
                    p->tree->files[ctx->chain[i].file].path);
    }
    if (used < outlen) {
        snprintf(out + used, outlen - used, "%s", again);
    }
}


static ec_node_t *
ec_load_one(ec_parse_t *p, const ec_scalar_t *where, const char *path,
    int readonly, uint32_t line)
{
    ec_load_ctx_t *ctx = p->load;
    struct stat    st;
    ec_node_t     *n, *body = NULL;
    ec_scalar_t   *path_scalar;
    unsigned       i;
    int            file;
    FILE          *fp;
    char           chain[1024];

    fp = ec_load_open(path, &st);
    if (fp == NULL || S_ISDIR(st.st_mode)) {
        ec_diag_scalar(p->diag, EC_DIAG_ERROR, where, "cannot open "
            "include \"%s\": %s", path, fp != NULL ? "is a folder"
            : ec_load_open_error(errno));
        if (fp != NULL) {
            fclose(fp);
        }
        return NULL;
    }
    for (i = 0; i < ctx->depth; i++) {
        if (ctx->chain[i].dev == st.st_dev
            && ctx->chain[i].ino == st.st_ino) {
            ec_load_cycle_text(p, i, path, chain, sizeof(chain));
            ec_diag_scalar(p->diag, EC_DIAG_ERROR, where, "include cycle: "
                "%s", chain);
            fclose(fp);
            return NULL;
        }
    }
    if (ctx->depth > EC_PARSE_MAX_INCLUDES) {
        ec_diag_scalar(p->diag, EC_DIAG_ERROR, where, "includes nested "
            "deeper than %d files", EC_PARSE_MAX_INCLUDES);
        fclose(fp);
        return NULL;
    }
    file = ec_tree_add_file(p->tree, path, p->file, line);
    if (file < 0) {
        ec_diag_scalar(p->diag, EC_DIAG_ERROR, where, "more than %d "
            "included files", UINT16_MAX);
        fclose(fp);
        return NULL;
    }

    ctx->chain[ctx->depth].dev = st.st_dev;
    ctx->chain[ctx->depth].ino = st.st_ino;
    ctx->chain[ctx->depth].file = (uint16_t) file;
    ctx->depth++;
    ec_load_parse_stream(ctx, p->tree, p->diag, (unsigned) file, fp, NULL, 0,
        &body);
    ctx->depth--;
    fclose(fp);

    n = ec_arena_zalloc(&p->tree->arena, sizeof(*n));
    n->kind = EC_NODE_INCLUDE;
    n->readonly = (uint8_t) readonly;
    n->count = (uint32_t) file;
    n->name = *where;
    n->name.text = readonly ? "readonly_include" : "include";
    n->name.len = (uint32_t) strlen(n->name.text);
    n->key = ec_intern(&p->tree->names, n->name.text, n->name.len)->text;
    path_scalar = ec_arena_alloc(&p->tree->arena, sizeof(*path_scalar));
    *path_scalar = *where;
    path_scalar->text = p->tree->files[file].path;
    path_scalar->len = (uint32_t) strlen(p->tree->files[file].path);
    n->u.include.path = path_scalar;
    n->u.include.children = body;
    return n;
}


ec_node_t *
ec_load_include(ec_parse_t *p, const ec_scalar_t *target, int readonly,
    uint32_t line, uint32_t col)
{
    char            path[PATH_MAX], tried[2048], one[PATH_MAX];
    struct dirent **names = NULL;
    struct stat     st;
    ec_node_t      *head = NULL, *tail = NULL, *n;
    int             count, i;

    (void) col;
    if (target->len == 0) {
        ec_diag_scalar(p->diag, EC_DIAG_ERROR, target, "include needs a "
            "file or folder name");
        return NULL;
    }
    if (ec_load_resolve(p->load, p->tree->files[p->file].path, target->text,
            path, sizeof(path), tried, sizeof(tried)) != 0) {
        ec_diag_scalar(p->diag, EC_DIAG_ERROR, target, "include \"%s\" not "
            "found (looked for %s)", target->text, tried);
        return NULL;
    }
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return ec_load_one(p, target, path, readonly, line);
    }

    /* A folder: every visible file in it, in name order, no recursion. */
    count = scandir(path, &names, ec_load_name_visible, ec_load_name_cmp);
    if (count < 0) {
        ec_diag_scalar(p->diag, EC_DIAG_ERROR, target, "cannot read folder "
            "\"%s\": %s", path, strerror(errno));
        return NULL;
    }
    for (i = 0; i < count; i++) {
        if (ec_load_join(one, sizeof(one), path, strlen(path),
                names[i]->d_name) == 0
            && stat(one, &st) == 0 && S_ISREG(st.st_mode)) {
            n = ec_load_one(p, target, one, readonly, line);
            if (n != NULL) {
                if (tail != NULL) {
                    tail->next = n;
                } else {
                    head = n;
                }
                tail = n;
            }
        }
        free(names[i]);
    }
    free(names);
    return head;
}
