/* ecconf: tests for the file:// and digest:// password stores. Each test
 * reads the fixtures in tests/fixtures/auth or writes its own files into
 * a fresh mkdtemp() folder. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "modules/auth_file.h"

#define MAX_REPORTS 32

typedef struct report {
    unsigned long line;
    char          message[160];
} report_t;

typedef struct reports {
    size_t   count;
    report_t items[MAX_REPORTS];
    char     path[PATH_MAX];
} reports_t;

typedef struct tmpdir {
    char path[64];
} tmpdir_t;

/* Returns the folder of this source file as the compiler saw it, so the
 * fixtures are found when the test runs from the directory make ran in. */
static const char *
ec_test_dir(void)
{
    static char dir[1024];
    char       *slash;

    if (dir[0] == '\0') {
        snprintf(dir, sizeof(dir), "%s", __FILE__);
        slash = strrchr(dir, '/');
        if (slash != NULL) {
            *slash = '\0';
        } else {
            snprintf(dir, sizeof(dir), ".");
        }
    }
    return dir;
}


static char *
fixture(const char *name)
{
    static char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/../fixtures/auth/%s", ec_test_dir(),
             name);
    return path;
}


static void
collect_report(void *arg, const char *path, unsigned long line,
    const char *message)
{
    reports_t *r = arg;

    if (r->count < MAX_REPORTS) {
        r->items[r->count].line = line;
        snprintf(r->items[r->count].message,
                 sizeof(r->items[r->count].message), "%s", message);
        r->count++;
    }
    snprintf(r->path, sizeof(r->path), "%s", path);
}


static int
tmpdir_setup(void **state)
{
    tmpdir_t *t = calloc(1, sizeof(*t));

    if (t == NULL) {
        return -1;
    }
    snprintf(t->path, sizeof(t->path), "/tmp/ec_auth_file.XXXXXX");
    if (mkdtemp(t->path) == NULL) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}


static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    return remove(path);
}


static int
tmpdir_teardown(void **state)
{
    tmpdir_t *t = *state;
    int       rc;

    rc = nftw(t->path, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(t);
    return rc;
}


/* Writes len bytes to DIR/name and returns the full path in a static
 * buffer. */
static const char *
write_file(const tmpdir_t *t, const char *name, const char *data, size_t len)
{
    static char path[PATH_MAX];
    FILE       *f;

    snprintf(path, sizeof(path), "%s/%s", t->path, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}


static ec_auth_result_t
check_password(const ec_pwstore_t *s, const char *mech, const char *user,
    const char *password, const char *realm, ec_auth_reply_t *reply)
{
    ec_auth_request_t req;

    memset(&req, 0, sizeof(req));
    req.mechanism = mech;
    req.username = user;
    req.username_len = strlen(user);
    req.password = password;
    req.password_len = strlen(password);
    req.realm = realm;
    return ec_pwstore_check(s, &req, reply);
}


static ec_auth_result_t
check_cram(const ec_pwstore_t *s, const char *user, const char *challenge,
    const char *digest, ec_auth_reply_t *reply)
{
    ec_auth_request_t req;

    memset(&req, 0, sizeof(req));
    req.mechanism = "CRAM-MD5";
    req.username = user;
    req.username_len = strlen(user);
    req.challenge = challenge;
    req.digest = digest;
    return ec_pwstore_check(s, &req, reply);
}


static ec_pwstore_t *
load_ok(ec_pwstore_kind_t kind, const char *path, reports_t *r)
{
    ec_pwstore_t *s;
    char          err[256] = "";

    s = ec_pwstore_load(kind, path, collect_report, r, err, sizeof(err));
    if (s == NULL) {
        fail_msg("load of %s failed: %s", path, err);
    }
    return s;
}


static void
test_uri_parse(void **state)
{
    ec_pwstore_kind_t kind;
    const char       *path;

    (void) state;
    assert_int_equal(ec_pwstore_parse_uri("file:///etc/ec/users", &kind,
                                          &path), 0);
    assert_int_equal(kind, EC_PWSTORE_FILE);
    assert_string_equal(path, "/etc/ec/users");

    assert_int_equal(ec_pwstore_parse_uri("DIGEST://relative.htdigest",
                                          &kind, &path), 0);
    assert_int_equal(kind, EC_PWSTORE_DIGEST);
    assert_string_equal(path, "relative.htdigest");

    assert_int_equal(ec_pwstore_parse_uri("file://", &kind, &path), -1);
    assert_int_equal(ec_pwstore_parse_uri("ac_auth://", &kind, &path), -1);
    assert_int_equal(ec_pwstore_parse_uri("file:/x", &kind, &path), -1);
}


static void
test_cleartext_by_kind(void **state)
{
    (void) state;
    assert_true(ec_pwstore_has_cleartext(EC_PWSTORE_FILE));
    assert_false(ec_pwstore_has_cleartext(EC_PWSTORE_DIGEST));
}


static void
check_file_fixture(const char *path)
{
    reports_t        r = { 0 };
    ec_auth_reply_t  reply;
    ec_pwstore_t    *s;

    s = load_ok(EC_PWSTORE_FILE, path, &r);
    assert_int_equal(r.count, 0);
    assert_int_equal(ec_pwstore_count(s), 4);
    assert_int_equal(ec_pwstore_kind(s), EC_PWSTORE_FILE);
    assert_string_equal(ec_pwstore_path(s), path);

    assert_int_equal(check_password(s, "LOGIN", "alice", "correct horse",
                                    NULL, &reply), EC_AUTH_OK);
    assert_int_equal(reply.result, EC_AUTH_OK);
    assert_int_equal(check_password(s, "plain", "bob", "b0b:pass", NULL,
                                    &reply), EC_AUTH_OK);
    assert_int_equal(check_password(s, "BASIC", "Test User", "test2006",
                                    "ignored", &reply), EC_AUTH_OK);

    assert_int_equal(check_password(s, "LOGIN", "alice", "correct",
                                    NULL, &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "bad_password");
    assert_int_equal(check_password(s, "LOGIN", "alice", "correct horse\r",
                                    NULL, &reply), EC_AUTH_FAIL);
    assert_int_equal(check_password(s, "LOGIN", "alice", "correct horse ",
                                    NULL, &reply), EC_AUTH_FAIL);
    assert_int_equal(check_password(s, "LOGIN", "alice", "", NULL, &reply),
                     EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "bad_password");
    assert_int_equal(check_password(s, "LOGIN", "Alice", "correct horse",
                                    NULL, &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");
    assert_int_equal(check_password(s, "LOGIN", "# Test data for tests",
                                    "x", NULL, &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");

    ec_pwstore_unref(s);
}


static void
test_file_store_fixture(void **state)
{
    (void) state;
    check_file_fixture(fixture("users.passwd"));
}


static void
test_file_store_crlf(void **state)
{
    (void) state;
    check_file_fixture(fixture("users-crlf.passwd"));
}


static void
test_file_store_odd_user_names(void **state)
{
    static const char data[] =
        "# Test data: made-up users and passwords.\n"
        "caf\xc3\xa9:s3cret\n"
        " lead:space-user\n"
        "tab\tuser:tabbed\n";
    ec_auth_request_t req;
    ec_auth_reply_t   reply;
    reports_t         r = { 0 };
    ec_pwstore_t     *s;

    s = load_ok(EC_PWSTORE_FILE, write_file(*state, "odd", data,
                                            sizeof(data) - 1), &r);
    assert_int_equal(r.count, 0);
    assert_int_equal(check_password(s, "LOGIN", "caf\xc3\xa9", "s3cret",
                                    NULL, &reply), EC_AUTH_OK);
    assert_int_equal(check_password(s, "LOGIN", " lead", "space-user", NULL,
                                    &reply), EC_AUTH_OK);
    assert_int_equal(check_password(s, "LOGIN", "tab\tuser", "tabbed", NULL,
                                    &reply), EC_AUTH_OK);

    /* Names that cannot occur in the file fail as unknown users. */
    memset(&req, 0, sizeof(req));
    req.mechanism = "LOGIN";
    req.username = "caf\xc3\xa9\0x";
    req.username_len = 7;
    req.password = "s3cret";
    req.password_len = 6;
    assert_int_equal(ec_pwstore_check(s, &req, &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");
    req.username_len = 0;
    assert_int_equal(ec_pwstore_check(s, &req, &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");
    req.username = NULL;
    assert_int_equal(ec_pwstore_check(s, &req, &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");
    assert_int_equal(check_password(s, "LOGIN", "caf\xc3\xa9:s3cret", "",
                                    NULL, &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");

    ec_pwstore_unref(s);
}


static void
test_file_store_password_with_nul(void **state)
{
    static const char data[] = "nul:ab\n";
    ec_auth_request_t req;
    ec_auth_reply_t   reply;
    reports_t         r = { 0 };
    ec_pwstore_t     *s;

    s = load_ok(EC_PWSTORE_FILE, write_file(*state, "nul", data,
                                            sizeof(data) - 1), &r);
    memset(&req, 0, sizeof(req));
    req.mechanism = "PLAIN";
    req.username = "nul";
    req.username_len = 3;
    req.password = "a\0b";
    req.password_len = 3;
    assert_int_equal(ec_pwstore_check(s, &req, &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "bad_password");
    req.password = "ab";
    req.password_len = 2;
    assert_int_equal(ec_pwstore_check(s, &req, &reply), EC_AUTH_OK);
    ec_pwstore_unref(s);
}


static void
test_file_store_malformed_lines(void **state)
{
    static const char data[] =
        "# Test data: made-up users and passwords.\n"   /* 1 */
        "nocolonsecret\n"                               /* 2 */
        ":orphanpw\n"                                   /* 3 */
        "emptypw:\n"                                    /* 4 */
        "ok:first-pw\n"                                 /* 5 */
        "ok:second-pw\r\n"                              /* 6 */
        "   \t\n"                                       /* 7 */
        "nul\0user:nulpw\n"                             /* 8 */
        "\r\n"                                          /* 9 */
        "last:final-pw";                                /* 10 */
    static const char *const secrets[] = {
        "nocolonsecret", "orphanpw", "second-pw", "nulpw", "first-pw",
    };
    ec_auth_reply_t  reply;
    reports_t        r = { 0 };
    ec_pwstore_t    *s;
    const char      *path;
    size_t           i, j;

    path = write_file(*state, "bad", data, sizeof(data) - 1);
    s = load_ok(EC_PWSTORE_FILE, path, &r);
    assert_int_equal(ec_pwstore_count(s), 2);
    assert_string_equal(r.path, path);

    assert_int_equal(r.count, 5);
    assert_int_equal(r.items[0].line, 2);
    assert_string_equal(r.items[0].message,
                        "missing ':' between user name and password");
    assert_int_equal(r.items[1].line, 3);
    assert_string_equal(r.items[1].message, "empty user name");
    assert_int_equal(r.items[2].line, 4);
    assert_string_equal(r.items[2].message, "empty password");
    assert_int_equal(r.items[3].line, 6);
    assert_string_equal(r.items[3].message,
                        "duplicate user, first defined at line 5");
    assert_int_equal(r.items[4].line, 8);
    assert_string_equal(r.items[4].message, "line contains a NUL byte");

    for (i = 0; i < r.count; i++) {
        for (j = 0; j < sizeof(secrets) / sizeof(secrets[0]); j++) {
            assert_null(strstr(r.items[i].message, secrets[j]));
        }
    }

    /* The first line of a repeated user wins. */
    assert_int_equal(check_password(s, "LOGIN", "ok", "first-pw", NULL,
                                    &reply), EC_AUTH_OK);
    assert_int_equal(check_password(s, "LOGIN", "ok", "second-pw", NULL,
                                    &reply), EC_AUTH_FAIL);
    assert_int_equal(check_password(s, "LOGIN", "last", "final-pw", NULL,
                                    &reply), EC_AUTH_OK);
    assert_int_equal(check_password(s, "LOGIN", "emptypw", "", NULL,
                                    &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");
    ec_pwstore_unref(s);
}


static void
test_empty_file(void **state)
{
    static const char data[] = "# Test data: no users at all.\n\n";
    ec_auth_reply_t reply;
    reports_t       r = { 0 };
    ec_pwstore_t   *s;

    s = load_ok(EC_PWSTORE_FILE, write_file(*state, "empty", data,
                                            sizeof(data) - 1), &r);
    assert_int_equal(ec_pwstore_count(s), 0);
    assert_int_equal(check_password(s, "LOGIN", "alice", "x", NULL, &reply),
                     EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");
    ec_pwstore_unref(s);

    s = load_ok(EC_PWSTORE_DIGEST, write_file(*state, "zero", "", 0), &r);
    assert_int_equal(ec_pwstore_count(s), 0);
    assert_int_equal(check_password(s, "LOGIN", "alice", "x", NULL, &reply),
                     EC_AUTH_FAIL);
    ec_pwstore_unref(s);
}


static void
test_missing_file(void **state)
{
    char          err[256] = "";
    char          path[PATH_MAX];
    reports_t     r = { 0 };
    tmpdir_t     *t = *state;

    snprintf(path, sizeof(path), "%s/does-not-exist", t->path);
    assert_null(ec_pwstore_load(EC_PWSTORE_FILE, path, collect_report, &r,
                                err, sizeof(err)));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, strerror(ENOENT)));
    assert_non_null(strstr(err, "failed to open"));

    /* A NULL or empty error buffer is allowed. */
    assert_null(ec_pwstore_load(EC_PWSTORE_FILE, path, NULL, NULL, NULL, 0));
}


static void
test_unreadable_file(void **state)
{
    char          err[256] = "";
    const char   *path;
    tmpdir_t     *t = *state;

    /* A folder opens but cannot be read, even by root. */
    assert_null(ec_pwstore_load(EC_PWSTORE_DIGEST, t->path, NULL, NULL, err,
                                sizeof(err)));
    assert_non_null(strstr(err, "failed to read"));
    assert_non_null(strstr(err, t->path));
    assert_non_null(strstr(err, strerror(EISDIR)));

    path = write_file(t, "locked", "u:p\n", 4);
    assert_int_equal(chmod(path, 0), 0);
    if (geteuid() == 0) {
        /* root reads the file despite mode 000. */
        skip();
    }
    assert_null(ec_pwstore_load(EC_PWSTORE_FILE, path, NULL, NULL, err,
                                sizeof(err)));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, strerror(EACCES)));
}


static void
test_file_too_large(void **state)
{
    char        err[256] = "";
    char        path[PATH_MAX];
    tmpdir_t   *t = *state;
    int         fd;

    /* A sparse file: nothing is written, only the size is set. */
    snprintf(path, sizeof(path), "%s/huge", t->path);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t) EC_PWSTORE_MAX_BYTES + 1), 0);
    close(fd);

    assert_null(ec_pwstore_load(EC_PWSTORE_FILE, path, NULL, NULL, err,
                                sizeof(err)));
    assert_non_null(strstr(err, "is larger than"));
    assert_non_null(strstr(err, path));
}


static void
check_digest_fixture(const char *path)
{
    ec_auth_reply_t  reply;
    reports_t        r = { 0 };
    ec_pwstore_t    *s;

    s = load_ok(EC_PWSTORE_DIGEST, path, &r);
    assert_int_equal(r.count, 0);
    assert_int_equal(ec_pwstore_count(s), 4);

    /* With a realm, only that realm's line counts. */
    assert_int_equal(check_password(s, "LOGIN", "alice", "correct horse",
                                    "Mail Relay", &reply), EC_AUTH_OK);
    assert_int_equal(check_password(s, "PLAIN", "alice", "staple battery",
                                    "Back Office", &reply), EC_AUTH_OK);
    assert_int_equal(check_password(s, "LOGIN", "alice", "staple battery",
                                    "Mail Relay", &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "bad_password");
    assert_int_equal(check_password(s, "LOGIN", "alice", "correct horse",
                                    "Elsewhere", &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");

    /* Without one, any of the user's lines may match. */
    assert_int_equal(check_password(s, "LOGIN", "alice", "correct horse",
                                    NULL, &reply), EC_AUTH_OK);
    assert_int_equal(check_password(s, "BASIC", "alice", "staple battery",
                                    NULL, &reply), EC_AUTH_OK);
    assert_int_equal(check_password(s, "LOGIN", "alice", "hunter2", NULL,
                                    &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "bad_password");

    assert_int_equal(check_password(s, "LOGIN", "bob", "b0b:pass",
                                    "Mail Relay", &reply), EC_AUTH_OK);
    assert_int_equal(check_password(s, "LOGIN", "fred", "hunter2", NULL,
                                    &reply), EC_AUTH_OK);
    assert_int_equal(check_password(s, "LOGIN", "nobody", "hunter2", NULL,
                                    &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");
    ec_pwstore_unref(s);
}


static void
test_digest_store_fixture(void **state)
{
    (void) state;
    check_digest_fixture(fixture("users.htdigest"));
}


static void
test_digest_store_crlf(void **state)
{
    (void) state;
    check_digest_fixture(fixture("users-crlf.htdigest"));
}


static void
test_digest_store_vectors(void **state)
{
    /* MD5("a:b:c") and an empty realm, computed with python3 hashlib. */
    static const char data[] =
        "# Test data: made-up users and passwords.\n"
        "a:b:02cc8f08398a4f3113b554e8105ebe4c\n"
        "carol::b20efd141dec308b3b938a6c4def8b39\n"
        "bob:Mail:Relay:623baf99cb9881e1a7fa4484d23f1383\n";
    ec_auth_reply_t reply;
    reports_t       r = { 0 };
    ec_pwstore_t   *s;

    s = load_ok(EC_PWSTORE_DIGEST, write_file(*state, "vec", data,
                                              sizeof(data) - 1), &r);
    assert_int_equal(r.count, 0);
    assert_int_equal(check_password(s, "LOGIN", "a", "c", "b", &reply),
                     EC_AUTH_OK);
    assert_int_equal(check_password(s, "LOGIN", "a", "c", NULL, &reply),
                     EC_AUTH_OK);
    assert_int_equal(check_password(s, "LOGIN", "carol", "emptyrealm", "",
                                    &reply), EC_AUTH_OK);

    /* The user ends at the first ':' and the hash starts after the last,
     * so the realm is "Mail:Relay". */
    assert_int_equal(ec_pwstore_count(s), 3);
    assert_int_equal(check_password(s, "LOGIN", "bob", "b0b:pass",
                                    "Mail:Relay", &reply), EC_AUTH_OK);
    assert_int_equal(check_password(s, "LOGIN", "bob", "b0b:pass",
                                    "Mail", &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");
    ec_pwstore_unref(s);
}


static void
test_digest_store_malformed_lines(void **state)
{
    static const char data[] =
        "# Test data: made-up users and hashes.\n"              /* 1 */
        "onlyuser:realm\n"                                      /* 2 */
        ":realm:02cc8f08398a4f3113b554e8105ebe4c\n"             /* 3 */
        "u:r:02cc8f08398a4f3113b554e8105ebe4\n"                 /* 4 */
        "u:r:02cc8f08398a4f3113b554e8105ebe4c0\n"               /* 5 */
        "u:r:02cc8f08398a4f3113b554e8105ebe4g\n"                /* 6 */
        "u:r:02cc8f08398a4f3113b554e8105ebe4c\n"                /* 7 */
        "u:r:d41d8cd98f00b204e9800998ecf8427e\n"                /* 8 */
        "u:other:d41d8cd98f00b204e9800998ecf8427e\n"            /* 9 */
        "nocolons\n"                                            /* 10 */
        "u:r:\n";                                               /* 11 */
    ec_auth_reply_t reply;
    reports_t       r = { 0 };
    ec_pwstore_t   *s;
    size_t          i;

    s = load_ok(EC_PWSTORE_DIGEST, write_file(*state, "bad", data,
                                              sizeof(data) - 1), &r);
    assert_int_equal(ec_pwstore_count(s), 2);
    assert_int_equal(r.count, 8);

    assert_int_equal(r.items[0].line, 2);
    assert_string_equal(r.items[0].message, "expected user:realm:hash");
    assert_int_equal(r.items[1].line, 3);
    assert_string_equal(r.items[1].message, "empty user name");
    assert_int_equal(r.items[2].line, 4);
    assert_string_equal(r.items[2].message,
                        "hash is not 32 hexadecimal digits");
    assert_int_equal(r.items[3].line, 5);
    assert_int_equal(r.items[4].line, 6);
    assert_int_equal(r.items[5].line, 8);
    assert_string_equal(r.items[5].message,
                        "duplicate user and realm, first defined at line 7");
    assert_int_equal(r.items[6].line, 10);
    assert_string_equal(r.items[6].message, "expected user:realm:hash");
    assert_int_equal(r.items[7].line, 11);
    assert_string_equal(r.items[7].message,
                        "hash is not 32 hexadecimal digits");
    for (i = 0; i < r.count; i++) {
        assert_null(strstr(r.items[i].message, "02cc8f"));
        assert_null(strstr(r.items[i].message, "d41d8c"));
    }

    assert_int_equal(check_password(s, "LOGIN", "u", "c", "r", &reply),
                     EC_AUTH_FAIL);
    ec_pwstore_unref(s);
}


static void
test_cram_md5_rfc2195(void **state)
{
    static const char challenge[] =
        "<1896.697170952@postoffice.reston.mci.net>";
    ec_auth_reply_t   reply;
    reports_t         r = { 0 };
    ec_pwstore_t     *s;

    (void) state;
    s = load_ok(EC_PWSTORE_FILE, fixture("users.passwd"), &r);
    assert_int_equal(check_cram(s, "tim", challenge,
                                "b913a602c7eda7a495b4e6e7334d3890", &reply),
                     EC_AUTH_OK);
    assert_int_equal(check_cram(s, "tim", challenge,
                                "b913a602c7eda7a495b4e6e7334d3891", &reply),
                     EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "bad_password");
    assert_int_equal(check_cram(s, "tim", "<1897.697170952@postoffice>",
                                "b913a602c7eda7a495b4e6e7334d3890", &reply),
                     EC_AUTH_FAIL);
    assert_int_equal(check_cram(s, "tim", challenge, "b913", &reply),
                     EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "bad_password");
    assert_int_equal(check_cram(s, "tom", challenge,
                                "b913a602c7eda7a495b4e6e7334d3890", &reply),
                     EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");

    /* HMAC-MD5("correct horse", ...) computed with python3 hmac. */
    assert_int_equal(check_cram(s, "alice", "<42.1700000000@mx.example>",
                                "a8c0b872be3cf07a0e5e94d8025f8bbe", &reply),
                     EC_AUTH_OK);
    ec_pwstore_unref(s);
}


static void
test_cram_md5_digest_store(void **state)
{
    ec_auth_reply_t reply;
    reports_t       r = { 0 };
    ec_pwstore_t   *s;

    (void) state;
    s = load_ok(EC_PWSTORE_DIGEST, fixture("users.htdigest"), &r);
    assert_int_equal(check_cram(s, "alice", "<1.2@h>",
                                "b913a602c7eda7a495b4e6e7334d3890", &reply),
                     EC_AUTH_ERROR);
    assert_int_equal(reply.result, EC_AUTH_ERROR);
    assert_string_equal(reply.reason, "cram_md5_needs_cleartext");
    ec_pwstore_unref(s);
}


static void
test_request_errors(void **state)
{
    ec_auth_request_t req;
    ec_auth_reply_t   reply;
    reports_t         r = { 0 };
    ec_pwstore_t     *s;

    (void) state;
    s = load_ok(EC_PWSTORE_FILE, fixture("users.passwd"), &r);

    assert_int_equal(check_password(s, "DIGEST-MD5", "alice", "x", NULL,
                                    &reply), EC_AUTH_ERROR);
    assert_string_equal(reply.reason, "unsupported_mechanism");

    memset(&req, 0, sizeof(req));
    req.username = "alice";
    req.username_len = 5;
    assert_int_equal(ec_pwstore_check(s, &req, &reply), EC_AUTH_ERROR);
    assert_string_equal(reply.reason, "unsupported_mechanism");

    req.mechanism = "LOGIN";
    assert_int_equal(ec_pwstore_check(s, &req, &reply), EC_AUTH_ERROR);
    assert_string_equal(reply.reason, "missing_password");

    req.mechanism = "CRAM-MD5";
    assert_int_equal(ec_pwstore_check(s, &req, &reply), EC_AUTH_ERROR);
    assert_string_equal(reply.reason, "missing_challenge");
    ec_pwstore_unref(s);
}


static void
test_ten_thousand_users(void **state)
{
    enum { USERS = 10000 };
    ec_auth_reply_t  reply;
    reports_t        r = { 0 };
    struct timespec  t0, t1;
    ec_pwstore_t    *s;
    char            *data, *p;
    char             user[32], password[32];
    size_t           i;
    double           seconds;

    data = malloc(USERS * 48);
    assert_non_null(data);
    p = data;
    for (i = 0; i < USERS; i++) {
        p += sprintf(p, "user%05zu@example.com:pw-%zu-x\n", i, i * 7919);
    }
    s = load_ok(EC_PWSTORE_FILE, write_file(*state, "many", data,
                                            (size_t) (p - data)), &r);
    free(data);
    assert_int_equal(r.count, 0);
    assert_int_equal(ec_pwstore_count(s), USERS);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < USERS; i++) {
        snprintf(user, sizeof(user), "user%05zu@example.com", i);
        snprintf(password, sizeof(password), "pw-%zu-x", i * 7919);
        assert_int_equal(check_password(s, "LOGIN", user, password, NULL,
                                        &reply), EC_AUTH_OK);
        snprintf(password, sizeof(password), "pw-%zu-x", i * 7919 + 1);
        assert_int_equal(check_password(s, "LOGIN", user, password, NULL,
                                        &reply), EC_AUTH_FAIL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    seconds = (double) (t1.tv_sec - t0.tv_sec)
              + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("%d checks in %.3f s\n", 2 * USERS, seconds);

    assert_int_equal(check_password(s, "LOGIN", "user10000@example.com",
                                    "pw-79190000-x", NULL, &reply),
                     EC_AUTH_FAIL);
    assert_string_equal(reply.reason, "unknown_user");
    ec_pwstore_unref(s);
}


typedef struct worker {
    ec_pwstore_t *store;
    int           failures;
} worker_t;


static void *
run_worker(void *arg)
{
    worker_t        *w = arg;
    ec_auth_reply_t  reply;
    ec_pwstore_t    *s;
    int              i;

    for (i = 0; i < 500; i++) {
        s = ec_pwstore_ref(w->store);
        if (check_password(s, "LOGIN", "alice", "correct horse", NULL,
                           &reply) != EC_AUTH_OK
            || check_password(s, "LOGIN", "alice", "nope", NULL,
                              &reply) != EC_AUTH_FAIL) {
            w->failures++;
        }
        ec_pwstore_unref(s);
    }
    ec_pwstore_unref(w->store);
    return NULL;
}


static void
test_shared_between_threads(void **state)
{
    enum { THREADS = 4 };
    pthread_t      threads[THREADS];
    worker_t       workers[THREADS];
    reports_t      r = { 0 };
    ec_pwstore_t  *s;
    int            i;

    (void) state;
    s = load_ok(EC_PWSTORE_FILE, fixture("users.passwd"), &r);
    for (i = 0; i < THREADS; i++) {
        workers[i].store = ec_pwstore_ref(s);
        workers[i].failures = 0;
        assert_int_equal(pthread_create(&threads[i], NULL, run_worker,
                                        &workers[i]), 0);
    }

    /* Drop the loader's reference while the workers still run, as a
     * reload does; the last worker frees the store. */
    ec_pwstore_unref(s);
    for (i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_int_equal(workers[i].failures, 0);
    }
    ec_pwstore_unref(NULL);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uri_parse),
        cmocka_unit_test(test_cleartext_by_kind),
        cmocka_unit_test(test_file_store_fixture),
        cmocka_unit_test(test_file_store_crlf),
        cmocka_unit_test_setup_teardown(test_file_store_odd_user_names,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_file_store_password_with_nul,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_file_store_malformed_lines,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_empty_file,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_missing_file,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_file,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_file_too_large,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test(test_digest_store_fixture),
        cmocka_unit_test(test_digest_store_crlf),
        cmocka_unit_test_setup_teardown(test_digest_store_vectors,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_digest_store_malformed_lines,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test(test_cram_md5_rfc2195),
        cmocka_unit_test(test_cram_md5_digest_store),
        cmocka_unit_test(test_request_errors),
        cmocka_unit_test_setup_teardown(test_ten_thousand_users,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test(test_shared_between_threads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
