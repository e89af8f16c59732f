/* ecconf: file:// and digest:// password stores. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "modules/auth_file.h"

#define EC_PWSTORE_SHA256_LEN   32
#define EC_PWSTORE_MD5_LEN      16
#define EC_PWSTORE_DUMMY_KEY    16

/* One indexed line. Strings point into the store's copy of the file and
 * are not NUL-terminated. */
typedef struct ec_pwstore_entry {
    const char     *user;
    const char     *realm;          /* digest store only */
    const char     *password;       /* file store only */
    uint64_t        hash;           /* of the user name */
    unsigned long   line;
    uint32_t        user_len;
    uint32_t        realm_len;
    uint32_t        password_len;
    uint32_t        next_realm;     /* index + 1 of the user's next line */
    int             is_head;        /* first line of its user: in slots */
    /* SHA-256 of the password (file store) or the htdigest MD5 hash in
     * its first 16 bytes (digest store). */
    unsigned char   secret[EC_PWSTORE_SHA256_LEN];
} ec_pwstore_entry_t;

struct ec_pwstore {
    atomic_uint         refs;
    ec_pwstore_kind_t   kind;
    char               *path;
    char               *data;       /* the file, parsed in place */
    size_t              data_len;
    size_t              data_cap;
    ec_pwstore_entry_t *entries;
    size_t              count;
    size_t              cap;
    uint32_t           *slots;      /* entry index + 1, 0 when free */
    size_t              nslots;     /* a power of two */

    /* Stand-ins for an unknown user, so that path hashes as much as a
     * known one and compares against bytes nobody can guess. */
    unsigned char       dummy_key[EC_PWSTORE_DUMMY_KEY];
    unsigned char       dummy_secret[EC_PWSTORE_SHA256_LEN];
};

typedef enum {
    EC_PWSTORE_MECH_UNKNOWN = 0,
    EC_PWSTORE_MECH_CLEARTEXT,      /* LOGIN, PLAIN, BASIC */
    EC_PWSTORE_MECH_CRAM_MD5
} ec_pwstore_mech_t;

typedef enum {
    EC_PWSTORE_MATCH = 0,
    EC_PWSTORE_MISMATCH,
    EC_PWSTORE_NO_USER,
    EC_PWSTORE_CRYPTO_FAILED
} ec_pwstore_verdict_t;

/* State of one load, so the line parsers can report and give up. */
typedef struct ec_pwstore_loader {
    ec_pwstore_t         *store;
    ec_pwstore_report_fn  report;
    void                 *arg;
    unsigned long         line;
} ec_pwstore_loader_t;

static void ec_pwstore_error(char *err, size_t errlen, const char *fmt, ...)
            __attribute__((format(printf, 3, 4)));
static int ec_pwstore_grow(void **p, size_t *cap, size_t need, size_t size);
static int ec_pwstore_read(ec_pwstore_t *s, int fd);
static int ec_pwstore_parse(ec_pwstore_loader_t *ld);
static int ec_pwstore_parse_line(ec_pwstore_loader_t *ld, char *line,
            size_t len);
static int ec_pwstore_parse_file_line(ec_pwstore_loader_t *ld,
            ec_pwstore_entry_t *e, char *line, size_t len);
static int ec_pwstore_parse_digest_line(ec_pwstore_loader_t *ld,
            ec_pwstore_entry_t *e, char *line, size_t len);
static int ec_pwstore_add(ec_pwstore_loader_t *ld, ec_pwstore_entry_t *e);
static void ec_pwstore_report(ec_pwstore_loader_t *ld, const char *fmt, ...)
            __attribute__((format(printf, 2, 3)));
static int ec_pwstore_rehash(ec_pwstore_t *s, size_t nslots);
static void ec_pwstore_slot_insert(ec_pwstore_t *s, uint32_t index);
static uint64_t ec_pwstore_hash(const char *p, size_t len);
static ec_pwstore_entry_t *ec_pwstore_find(const ec_pwstore_t *s,
            const char *user, size_t len);
static int ec_pwstore_hex_decode(const char *hex, size_t len,
            unsigned char *out);
static ec_pwstore_mech_t ec_pwstore_mechanism(const char *name);
static ec_pwstore_verdict_t ec_pwstore_check_file(const ec_pwstore_t *s,
            const ec_pwstore_entry_t *e, const ec_auth_request_t *req,
            ec_pwstore_mech_t mech);
static ec_pwstore_verdict_t ec_pwstore_check_digest(const ec_pwstore_t *s,
            const ec_pwstore_entry_t *head, const ec_auth_request_t *req);
static int ec_pwstore_ha1(const char *user, size_t user_len,
            const char *realm, size_t realm_len, const char *password,
            size_t password_len, unsigned char *out);
static ec_auth_result_t ec_pwstore_reply(ec_auth_reply_t *reply,
            ec_auth_result_t result, const char *reason);
static void ec_pwstore_free(ec_pwstore_t *s);


int
ec_pwstore_parse_uri(const char *uri, ec_pwstore_kind_t *kind,
    const char **path)
{
    if (strncasecmp(uri, "file://", 7) == 0) {
        *kind = EC_PWSTORE_FILE;
        *path = uri + 7;
    } else if (strncasecmp(uri, "digest://", 9) == 0) {
        *kind = EC_PWSTORE_DIGEST;
        *path = uri + 9;
    } else {
        return -1;
    }
    return (*path)[0] == '\0' ? -1 : 0;
}


int
ec_pwstore_has_cleartext(ec_pwstore_kind_t kind)
{
    return kind == EC_PWSTORE_FILE;
}


ec_pwstore_t *
ec_pwstore_load(ec_pwstore_kind_t kind, const char *path,
    ec_pwstore_report_fn report, void *arg, char *err, size_t errlen)
{
    ec_pwstore_loader_t ld;
    ec_pwstore_t       *s;
    int                 fd;

    s = calloc(1, sizeof(*s));
    if (s == NULL || (s->path = strdup(path)) == NULL) {
        free(s);
        ec_pwstore_error(err, errlen, "out of memory loading \"%s\"", path);
        return NULL;
    }
    atomic_init(&s->refs, 1);
    s->kind = kind;

    if (RAND_bytes(s->dummy_key, sizeof(s->dummy_key)) != 1
        || RAND_bytes(s->dummy_secret, sizeof(s->dummy_secret)) != 1) {
        ec_pwstore_error(err, errlen, "failed to get random bytes for \"%s\"",
                         path);
        goto fail;
    }

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ec_pwstore_error(err, errlen, "failed to open password file \"%s\": %s",
                         path, strerror(errno));
        goto fail;
    }
    if (ec_pwstore_read(s, fd) != 0) {
        if (errno == EFBIG) {
            ec_pwstore_error(err, errlen, "password file \"%s\" is larger "
                             "than %lu bytes", path, EC_PWSTORE_MAX_BYTES);
        } else {
            ec_pwstore_error(err, errlen, "failed to read password file "
                             "\"%s\": %s", path, strerror(errno));
        }
        close(fd);
        goto fail;
    }
    close(fd);

    ld.store = s;
    ld.report = report;
    ld.arg = arg;
    ld.line = 0;
    if (ec_pwstore_parse(&ld) != 0) {
        ec_pwstore_error(err, errlen, "out of memory loading \"%s\"", path);
        goto fail;
    }
    return s;

fail:
    ec_pwstore_free(s);
    return NULL;
}


ec_pwstore_t *
ec_pwstore_ref(ec_pwstore_t *s)
{
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}


void
ec_pwstore_unref(ec_pwstore_t *s)
{
    if (s == NULL) {
        return;
    }
    /* acq_rel: the thread that frees must see every other thread's last
     * use of the store as finished. */
    if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1) {
        ec_pwstore_free(s);
    }
}


ec_auth_result_t
ec_pwstore_check(const ec_pwstore_t *s, const ec_auth_request_t *req,
    ec_auth_reply_t *reply)
{
    const ec_pwstore_entry_t *head;
    ec_pwstore_verdict_t      verdict;
    ec_pwstore_mech_t         mech;

    memset(reply, 0, sizeof(*reply));

    mech = ec_pwstore_mechanism(req->mechanism);
    if (mech == EC_PWSTORE_MECH_UNKNOWN) {
        return ec_pwstore_reply(reply, EC_AUTH_ERROR,
                                "unsupported_mechanism");
    }
    if (mech == EC_PWSTORE_MECH_CRAM_MD5 && s->kind != EC_PWSTORE_FILE) {
        return ec_pwstore_reply(reply, EC_AUTH_ERROR,
                                "cram_md5_needs_cleartext");
    }
    if (mech == EC_PWSTORE_MECH_CLEARTEXT && req->password == NULL) {
        return ec_pwstore_reply(reply, EC_AUTH_ERROR, "missing_password");
    }
    if (mech == EC_PWSTORE_MECH_CRAM_MD5
        && (req->challenge == NULL || req->digest == NULL)) {
        return ec_pwstore_reply(reply, EC_AUTH_ERROR, "missing_challenge");
    }

    head = ec_pwstore_find(s, req->username, req->username_len);
    if (s->kind == EC_PWSTORE_FILE) {
        verdict = ec_pwstore_check_file(s, head, req, mech);
    } else {
        verdict = ec_pwstore_check_digest(s, head, req);
    }

    switch (verdict) {
    case EC_PWSTORE_MATCH:
        return ec_pwstore_reply(reply, EC_AUTH_OK, "");
    case EC_PWSTORE_MISMATCH:
        return ec_pwstore_reply(reply, EC_AUTH_FAIL, "bad_password");
    case EC_PWSTORE_NO_USER:
        return ec_pwstore_reply(reply, EC_AUTH_FAIL, "unknown_user");
    case EC_PWSTORE_CRYPTO_FAILED:
        break;
    }
    return ec_pwstore_reply(reply, EC_AUTH_ERROR, "digest_failed");
}


ec_pwstore_kind_t
ec_pwstore_kind(const ec_pwstore_t *s)
{
    return s->kind;
}


const char *
ec_pwstore_path(const ec_pwstore_t *s)
{
    return s->path;
}


size_t
ec_pwstore_count(const ec_pwstore_t *s)
{
    return s->count;
}


static void
ec_pwstore_error(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}


/* Grows *p to hold at least need elements of size bytes. realloc() could
 * leave a copy of passwords or hashes in freed memory, so the old block
 * is copied, cleared and freed by hand. */
static int
ec_pwstore_grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t  ncap;
    void   *n;

    if (need <= *cap) {
        return 0;
    }
    ncap = *cap > 0 ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / size) {
            errno = ENOMEM;
            return -1;
        }
        ncap *= 2;
    }

    n = malloc(ncap * size);
    if (n == NULL) {
        return -1;
    }
    if (*p != NULL) {
        memcpy(n, *p, *cap * size);
        OPENSSL_cleanse(*p, *cap * size);
        free(*p);
    }
    *p = n;
    *cap = ncap;
    return 0;
}


/* Reads the whole file into s->data. Sets errno to EFBIG when the file
 * exceeds EC_PWSTORE_MAX_BYTES. */
static int
ec_pwstore_read(ec_pwstore_t *s, int fd)
{
    struct stat st;
    ssize_t     n;

    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
        && (unsigned long) st.st_size > EC_PWSTORE_MAX_BYTES) {
        errno = EFBIG;
        return -1;
    }

    for (;;) {
        if (s->data_len + 1 >= s->data_cap
            && ec_pwstore_grow((void **) &s->data, &s->data_cap,
                               s->data_len + 4096, 1) != 0) {
            return -1;
        }
        n = read(fd, s->data + s->data_len, s->data_cap - s->data_len - 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -1;
        }
        if (n == 0) {
            break;
        }
        s->data_len += (size_t) n;
        if (s->data_len > EC_PWSTORE_MAX_BYTES) {
            errno = EFBIG;
            return -1;
        }
    }
    return 0;
}


static int
ec_pwstore_parse(ec_pwstore_loader_t *ld)
{
    ec_pwstore_t *s = ld->store;
    char         *line, *end, *nl;
    size_t        len;

    line = s->data;
    end = s->data + s->data_len;
    while (line < end) {
        nl = memchr(line, '\n', (size_t) (end - line));
        len = nl != NULL ? (size_t) (nl - line) : (size_t) (end - line);
        ld->line++;

        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        if (ec_pwstore_parse_line(ld, line, len) != 0) {
            return -1;
        }
        if (nl == NULL) {
            break;
        }
        line = nl + 1;
    }
    return 0;
}


/* Returns -1 only when memory runs out; a bad line is reported and
 * skipped. */
static int
ec_pwstore_parse_line(ec_pwstore_loader_t *ld, char *line, size_t len)
{
    ec_pwstore_entry_t e;
    size_t             i;
    int                rc;

    for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t'); i++) {
        continue;
    }
    if (i == len || line[0] == '#') {
        return 0;
    }
    if (memchr(line, '\0', len) != NULL) {
        ec_pwstore_report(ld, "line contains a NUL byte");
        return 0;
    }

    memset(&e, 0, sizeof(e));
    e.line = ld->line;
    if (ld->store->kind == EC_PWSTORE_FILE) {
        rc = ec_pwstore_parse_file_line(ld, &e, line, len);
    } else {
        rc = ec_pwstore_parse_digest_line(ld, &e, line, len);
    }

    if (rc == 0) {
        rc = ec_pwstore_add(ld, &e);
    } else {
        rc = 0;
    }
    OPENSSL_cleanse(&e, sizeof(e));
    return rc;
}


/* Fills e from "user:password". Returns -1 after reporting a bad line. */
static int
ec_pwstore_parse_file_line(ec_pwstore_loader_t *ld, ec_pwstore_entry_t *e,
    char *line, size_t len)
{
    const char   *colon;
    unsigned int  mdlen;

    colon = memchr(line, ':', len);
    if (colon == NULL) {
        ec_pwstore_report(ld, "missing ':' between user name and password");
        return -1;
    }
    if (colon == line) {
        ec_pwstore_report(ld, "empty user name");
        return -1;
    }
    if ((size_t) (colon - line) + 1 == len) {
        /* An empty password would let anyone in with an empty LOGIN or
         * Basic response, so it is treated as a mistake. */
        ec_pwstore_report(ld, "empty password");
        return -1;
    }

    e->user = line;
    e->user_len = (uint32_t) (colon - line);
    e->password = colon + 1;
    e->password_len = (uint32_t) (len - e->user_len - 1);
    if (EVP_Digest(e->password, e->password_len, e->secret, &mdlen,
                   EVP_sha256(), NULL) != 1) {
        ec_pwstore_report(ld, "failed to hash the password");
        return -1;
    }
    return 0;
}


/* Fills e from "user:realm:hash". The user ends at the first ':' and the
 * hash starts after the last one, so a realm may contain ':'. */
static int
ec_pwstore_parse_digest_line(ec_pwstore_loader_t *ld, ec_pwstore_entry_t *e,
    char *line, size_t len)
{
    const char *first, *last;

    first = memchr(line, ':', len);
    last = memrchr(line, ':', len);
    if (first == NULL || first == last) {
        ec_pwstore_report(ld, "expected user:realm:hash");
        return -1;
    }
    if (first == line) {
        ec_pwstore_report(ld, "empty user name");
        return -1;
    }
    if (ec_pwstore_hex_decode(last + 1, len - (size_t) (last + 1 - line),
                              e->secret) != 0) {
        ec_pwstore_report(ld, "hash is not 32 hexadecimal digits");
        return -1;
    }

    e->user = line;
    e->user_len = (uint32_t) (first - line);
    e->realm = first + 1;
    e->realm_len = (uint32_t) (last - first - 1);
    return 0;
}


/* Adds e to the index unless its user (and realm, for digest) is already
 * there. Returns -1 only when memory runs out. */
static int
ec_pwstore_add(ec_pwstore_loader_t *ld, ec_pwstore_entry_t *e)
{
    ec_pwstore_t       *s = ld->store;
    ec_pwstore_entry_t *head, *p;
    uint32_t            index;

    if (s->count >= UINT32_MAX - 1) {
        return -1;
    }
    e->hash = ec_pwstore_hash(e->user, e->user_len);
    head = ec_pwstore_find(s, e->user, e->user_len);

    if (head != NULL && s->kind == EC_PWSTORE_FILE) {
        ec_pwstore_report(ld, "duplicate user, first defined at line %lu",
                          head->line);
        return 0;
    }
    for (p = head; p != NULL;
         p = p->next_realm ? &s->entries[p->next_realm - 1] : NULL) {
        if (p->realm_len == e->realm_len
            && memcmp(p->realm, e->realm, e->realm_len) == 0) {
            ec_pwstore_report(ld, "duplicate user and realm, first defined "
                              "at line %lu", p->line);
            return 0;
        }
    }

    if (ec_pwstore_grow((void **) &s->entries, &s->cap, s->count + 1,
                        sizeof(*e)) != 0) {
        return -1;
    }
    /* Keep the table at most half full so probe runs stay short. */
    if ((s->count + 1) * 2 > s->nslots
        && ec_pwstore_rehash(s, s->nslots > 0 ? s->nslots * 2 : 64) != 0) {
        return -1;
    }

    /* The entries array may have moved: look the head up again. */
    head = ec_pwstore_find(s, e->user, e->user_len);
    index = (uint32_t) s->count;
    s->entries[index] = *e;
    s->count++;

    if (head == NULL) {
        s->entries[index].is_head = 1;
        ec_pwstore_slot_insert(s, index);
        return 0;
    }
    for (p = head; p->next_realm != 0; p = &s->entries[p->next_realm - 1]) {
        continue;
    }
    p->next_realm = index + 1;
    return 0;
}


static void
ec_pwstore_report(ec_pwstore_loader_t *ld, const char *fmt, ...)
{
    char    msg[160];
    va_list ap;

    if (ld->report == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ld->report(ld->arg, ld->store->path, ld->line, msg);
}


static int
ec_pwstore_rehash(ec_pwstore_t *s, size_t nslots)
{
    uint32_t *slots;
    size_t    i;

    slots = calloc(nslots, sizeof(*slots));
    if (slots == NULL) {
        return -1;
    }
    free(s->slots);
    s->slots = slots;
    s->nslots = nslots;

    for (i = 0; i < s->count; i++) {
        if (s->entries[i].is_head) {
            ec_pwstore_slot_insert(s, (uint32_t) i);
        }
    }
    return 0;
}


static void
ec_pwstore_slot_insert(ec_pwstore_t *s, uint32_t index)
{
    size_t mask = s->nslots - 1;
    size_t i = (size_t) s->entries[index].hash & mask;

    while (s->slots[i] != 0) {
        i = (i + 1) & mask;
    }
    s->slots[i] = index + 1;
}


/* FNV-1a. The keys come from the administrator's file and a client can
 * only choose what to look up, not what is stored, so a keyed hash
 * against collision flooding is not needed here. */
static uint64_t
ec_pwstore_hash(const char *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t   i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char) p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}


static ec_pwstore_entry_t *
ec_pwstore_find(const ec_pwstore_t *s, const char *user, size_t len)
{
    ec_pwstore_entry_t *e;
    uint64_t            h;
    size_t              mask, i;

    if (s->nslots == 0 || user == NULL || len == 0 || len > UINT32_MAX
        || memchr(user, '\0', len) != NULL) {
        return NULL;
    }

    h = ec_pwstore_hash(user, len);
    mask = s->nslots - 1;
    for (i = (size_t) h & mask; s->slots[i] != 0; i = (i + 1) & mask) {
        e = &s->entries[s->slots[i] - 1];
        if (e->hash == h && e->user_len == len
            && memcmp(e->user, user, len) == 0) {
            return e;
        }
    }
    return NULL;
}


/* Decodes exactly 32 hex digits (either case) into 16 bytes. */
static int
ec_pwstore_hex_decode(const char *hex, size_t len, unsigned char *out)
{
    size_t i;
    int    hi, lo;

    if (len != 2 * EC_PWSTORE_MD5_LEN) {
        return -1;
    }
    for (i = 0; i < EC_PWSTORE_MD5_LEN; i++) {
        hi = OPENSSL_hexchar2int((unsigned char) hex[2 * i]);
        lo = OPENSSL_hexchar2int((unsigned char) hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        out[i] = (unsigned char) (hi << 4 | lo);
    }
    return 0;
}


static ec_pwstore_mech_t
ec_pwstore_mechanism(const char *name)
{
    if (name == NULL) {
        return EC_PWSTORE_MECH_UNKNOWN;
    }
    if (strcasecmp(name, "LOGIN") == 0 || strcasecmp(name, "PLAIN") == 0
        || strcasecmp(name, "BASIC") == 0) {
        return EC_PWSTORE_MECH_CLEARTEXT;
    }
    if (strcasecmp(name, "CRAM-MD5") == 0) {
        return EC_PWSTORE_MECH_CRAM_MD5;
    }
    return EC_PWSTORE_MECH_UNKNOWN;
}


/* Compares against e, or against the store's dummy secret when e is
 * NULL, doing the same hashing either way. */
static ec_pwstore_verdict_t
ec_pwstore_check_file(const ec_pwstore_t *s, const ec_pwstore_entry_t *e,
    const ec_auth_request_t *req, ec_pwstore_mech_t mech)
{
    unsigned char        got[EC_PWSTORE_SHA256_LEN];
    unsigned char        want[EC_PWSTORE_MD5_LEN] = { 0 };
    const unsigned char *expected, *key;
    unsigned int         len;
    size_t               keylen;
    int                  same, bad_digest;

    if (mech == EC_PWSTORE_MECH_CLEARTEXT) {
        /* Comparing SHA-256 digests keeps the comparison constant-time
         * without revealing the stored password's length. */
        if (EVP_Digest(req->password, req->password_len, got, &len,
                       EVP_sha256(), NULL) != 1) {
            return EC_PWSTORE_CRYPTO_FAILED;
        }
        expected = e != NULL ? e->secret : s->dummy_secret;
        same = CRYPTO_memcmp(got, expected, EC_PWSTORE_SHA256_LEN) == 0;
    } else {
        key = e != NULL ? (const unsigned char *) e->password : s->dummy_key;
        keylen = e != NULL ? e->password_len : sizeof(s->dummy_key);
        bad_digest = strnlen(req->digest, 33) != 32
                     || ec_pwstore_hex_decode(req->digest, 32, want) != 0;
        if (HMAC(EVP_md5(), key, (int) keylen,
                 (const unsigned char *) req->challenge,
                 strlen(req->challenge), got, &len) == NULL) {
            return EC_PWSTORE_CRYPTO_FAILED;
        }
        same = CRYPTO_memcmp(got, want, EC_PWSTORE_MD5_LEN) == 0
               && !bad_digest;
        OPENSSL_cleanse(want, sizeof(want));
    }
    OPENSSL_cleanse(got, sizeof(got));

    if (e == NULL) {
        return EC_PWSTORE_NO_USER;
    }
    return same ? EC_PWSTORE_MATCH : EC_PWSTORE_MISMATCH;
}


/* Tries every line of the user that fits req->realm. A user without such
 * a line costs one MD5 against the dummy hash, like a single-realm user. */
static ec_pwstore_verdict_t
ec_pwstore_check_digest(const ec_pwstore_t *s,
    const ec_pwstore_entry_t *head, const ec_auth_request_t *req)
{
    const ec_pwstore_entry_t *e;
    unsigned char             got[EC_PWSTORE_MD5_LEN];
    size_t                    realm_len, tried;
    int                       same;

    realm_len = req->realm != NULL ? strlen(req->realm) : 0;
    tried = 0;
    same = 0;
    for (e = head; e != NULL;
         e = e->next_realm ? &s->entries[e->next_realm - 1] : NULL) {
        if (req->realm != NULL
            && (e->realm_len != realm_len
                || memcmp(e->realm, req->realm, realm_len) != 0)) {
            continue;
        }
        if (ec_pwstore_ha1(e->user, e->user_len, e->realm, e->realm_len,
                           req->password, req->password_len, got) != 0) {
            return EC_PWSTORE_CRYPTO_FAILED;
        }
        same |= CRYPTO_memcmp(got, e->secret, EC_PWSTORE_MD5_LEN) == 0;
        tried++;
    }

    if (tried == 0) {
        if (ec_pwstore_ha1(req->username, req->username_len,
                           req->realm != NULL ? req->realm : "", realm_len,
                           req->password, req->password_len, got) != 0) {
            return EC_PWSTORE_CRYPTO_FAILED;
        }
        (void) CRYPTO_memcmp(got, s->dummy_secret, EC_PWSTORE_MD5_LEN);
        OPENSSL_cleanse(got, sizeof(got));
        return EC_PWSTORE_NO_USER;
    }
    OPENSSL_cleanse(got, sizeof(got));
    return same ? EC_PWSTORE_MATCH : EC_PWSTORE_MISMATCH;
}


/* Computes the htdigest hash MD5("user:realm:password"). */
static int
ec_pwstore_ha1(const char *user, size_t user_len, const char *realm,
    size_t realm_len, const char *password, size_t password_len,
    unsigned char *out)
{
    EVP_MD_CTX   *ctx;
    unsigned int  len;
    int           ok;

    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return -1;
    }
    ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL)
         && EVP_DigestUpdate(ctx, user != NULL ? user : "", user_len)
         && EVP_DigestUpdate(ctx, ":", 1)
         && EVP_DigestUpdate(ctx, realm, realm_len)
         && EVP_DigestUpdate(ctx, ":", 1)
         && EVP_DigestUpdate(ctx, password, password_len)
         && EVP_DigestFinal_ex(ctx, out, &len);
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}


static ec_auth_result_t
ec_pwstore_reply(ec_auth_reply_t *reply, ec_auth_result_t result,
    const char *reason)
{
    reply->result = result;
    snprintf(reply->reason, sizeof(reply->reason), "%s", reason);
    return result;
}


static void
ec_pwstore_free(ec_pwstore_t *s)
{
    if (s->data != NULL) {
        OPENSSL_cleanse(s->data, s->data_cap);
        free(s->data);
    }
    if (s->entries != NULL) {
        OPENSSL_cleanse(s->entries, s->cap * sizeof(*s->entries));
        free(s->entries);
    }
    OPENSSL_cleanse(s->dummy_key, sizeof(s->dummy_key));
    OPENSSL_cleanse(s->dummy_secret, sizeof(s->dummy_secret));
    free(s->slots);
    free(s->path);
    free(s);
}
