/* ecconf: tests for the SASL and HTTP Basic decoders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/sasl.h"

#define BUF_SIZE (EC_SASL_DECODED_SIZE(EC_SASL_LINE_MAX + 8))

static unsigned char buf[BUF_SIZE];

static const char *const b64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";


static ec_sasl_status_t
decode_str(const char *in, size_t *outlen)
{
    return ec_sasl_base64_decode(in, strlen(in), buf, sizeof(buf), outlen);
}


static void
test_base64_rfc4648_vectors(void **state)
{
    static const char *const pairs[][2] = {
        { "", "" },
        { "Zg==", "f" },
        { "Zm8=", "fo" },
        { "Zm9v", "foo" },
        { "Zm9vYg==", "foob" },
        { "Zm9vYmE=", "fooba" },
        { "Zm9vYmFy", "foobar" },
    };
    size_t i, len;

    (void) state;
    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        memset(buf, 0xaa, 16);
        assert_int_equal(decode_str(pairs[i][0], &len), EC_SASL_OK);
        assert_int_equal(len, strlen(pairs[i][1]));
        assert_memory_equal(buf, pairs[i][1], len);
        assert_int_equal(buf[len], '\0');
    }
}


static void
test_base64_binary_bytes(void **state)
{
    size_t len;

    (void) state;
    assert_int_equal(decode_str("AP8A/w==", &len), EC_SASL_OK);
    assert_int_equal(len, 4);
    assert_memory_equal(buf, "\x00\xff\x00\xff", 4);
}


static void
test_base64_every_invalid_byte(void **state)
{
    char   in[9];
    size_t len, pos;
    int    c;

    (void) state;
    for (c = 0; c < 256; c++) {
        if (c != 0 && strchr(b64_alphabet, c) != NULL) {
            continue;
        }
        if (c == '=') {
            continue;
        }
        /* The byte at each position of the first and of the last group. */
        for (pos = 0; pos < 8; pos++) {
            memcpy(in, "QUJDREVG", 8);
            in[pos] = (char) c;
            assert_int_equal(ec_sasl_base64_decode(in, 8, buf, sizeof(buf),
                                                   &len),
                             EC_SASL_ERR_BASE64);
            assert_int_equal(len, 0);
        }
    }
}


static void
test_base64_misplaced_padding(void **state)
{
    static const char *const bad[] = {
        "=QUJ", "Q=UJ", "QU=J", "====", "Q===", "Zg==Zg==", "Zg=a",
        "Zm8=Zm9v", "QUJD=", "=",
    };
    size_t i, len;

    (void) state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(decode_str(bad[i], &len), EC_SASL_ERR_BASE64);
    }
}


static void
test_base64_bad_length(void **state)
{
    static const char *const bad[] = {
        "Q", "QU", "QUJ", "QUJDR", "QUJDRE", "QUJDREV", "Zg=", "Zg",
    };
    size_t i, len;

    (void) state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(decode_str(bad[i], &len), EC_SASL_ERR_BASE64);
    }
}


static void
test_base64_nonzero_pad_bits(void **state)
{
    size_t len;

    (void) state;
    /* "Zg==" is "f"; "Zh==" sets a bit that falls into the padding. */
    assert_int_equal(decode_str("Zh==", &len), EC_SASL_ERR_BASE64);
    assert_int_equal(decode_str("Zm9=", &len), EC_SASL_ERR_BASE64);
    assert_int_equal(decode_str("Zm8=", &len), EC_SASL_OK);
}


static void
test_base64_rejects_white_space(void **state)
{
    static const char *const bad[] = {
        "Zm9v\r\n", " Zm9v", "Zm9v ", "Zm 9v", "Zm9v\n", "Zm9v\t",
    };
    size_t i, len;

    (void) state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(decode_str(bad[i], &len), EC_SASL_ERR_BASE64);
    }
}


static void
test_base64_output_size(void **state)
{
    unsigned char small[8];
    size_t        len;

    (void) state;
    /* "foobar" needs 6 bytes plus the NUL. */
    assert_int_equal(ec_sasl_base64_decode("Zm9vYmFy", 8, small, 7, &len),
                     EC_SASL_OK);
    assert_int_equal(len, 6);
    assert_int_equal(ec_sasl_base64_decode("Zm9vYmFy", 8, small, 6, &len),
                     EC_SASL_ERR_NOSPACE);

    /* "fo" needs only 3 bytes, although EVP_DecodeBlock() writes 3 bytes
     * for its group before the NUL. */
    assert_int_equal(ec_sasl_base64_decode("Zm8=", 4, small, 3, &len),
                     EC_SASL_OK);
    assert_int_equal(len, 2);
    assert_int_equal(ec_sasl_base64_decode("", 0, small, 0, &len),
                     EC_SASL_ERR_NOSPACE);
}


static void
test_base64_round_trip(void **state)
{
    unsigned char in[64];
    char          enc[EC_SASL_ENCODED_SIZE(64)];
    size_t        n, enclen, declen, i;

    (void) state;
    for (i = 0; i < sizeof(in); i++) {
        in[i] = (unsigned char) (i * 37 + 11);
    }
    for (n = 0; n <= sizeof(in); n++) {
        assert_int_equal(ec_sasl_base64_encode(in, n, enc, sizeof(enc),
                                               &enclen), EC_SASL_OK);
        assert_int_equal(enclen, (n + 2) / 3 * 4);
        assert_int_equal(ec_sasl_base64_decode(enc, enclen, buf, sizeof(buf),
                                               &declen), EC_SASL_OK);
        assert_int_equal(declen, n);
        assert_memory_equal(buf, in, n);
    }
    assert_int_equal(ec_sasl_base64_encode(in, 3, enc, 4, &enclen),
                     EC_SASL_ERR_NOSPACE);
}


static void
test_line_classify(void **state)
{
    (void) state;
    assert_int_equal(ec_sasl_line_classify("", 0, EC_SASL_INITIAL),
                     EC_SASL_LINE_ABSENT);
    assert_int_equal(ec_sasl_line_classify("=", 1, EC_SASL_INITIAL),
                     EC_SASL_LINE_EMPTY);
    assert_int_equal(ec_sasl_line_classify("*", 1, EC_SASL_INITIAL),
                     EC_SASL_LINE_DATA);
    assert_int_equal(ec_sasl_line_classify("Zm9v", 4, EC_SASL_INITIAL),
                     EC_SASL_LINE_DATA);

    assert_int_equal(ec_sasl_line_classify("", 0, EC_SASL_CONTINUATION),
                     EC_SASL_LINE_EMPTY);
    assert_int_equal(ec_sasl_line_classify("=", 1, EC_SASL_CONTINUATION),
                     EC_SASL_LINE_EMPTY);
    assert_int_equal(ec_sasl_line_classify("*", 1, EC_SASL_CONTINUATION),
                     EC_SASL_LINE_CANCEL);
    assert_int_equal(ec_sasl_line_classify("**", 2, EC_SASL_CONTINUATION),
                     EC_SASL_LINE_DATA);
    assert_int_equal(ec_sasl_line_classify("Zm9v", 4, EC_SASL_CONTINUATION),
                     EC_SASL_LINE_DATA);
}


static void
test_line_length_limit(void **state)
{
    char   *line;
    size_t  len;

    (void) state;
    line = malloc(EC_SASL_LINE_MAX + 4);
    assert_non_null(line);
    memset(line, 'A', EC_SASL_LINE_MAX + 4);

    assert_int_equal(ec_sasl_line_classify(line, EC_SASL_LINE_MAX,
                                           EC_SASL_CONTINUATION),
                     EC_SASL_LINE_DATA);
    assert_int_equal(ec_sasl_response_decode(line, EC_SASL_LINE_MAX,
                                             EC_SASL_CONTINUATION, buf,
                                             sizeof(buf), &len),
                     EC_SASL_OK);
    assert_int_equal(len, EC_SASL_LINE_MAX / 4 * 3);

    assert_int_equal(ec_sasl_line_classify(line, EC_SASL_LINE_MAX + 1,
                                           EC_SASL_CONTINUATION),
                     EC_SASL_LINE_TOO_LONG);
    assert_int_equal(ec_sasl_response_decode(line, EC_SASL_LINE_MAX + 4,
                                             EC_SASL_INITIAL, buf,
                                             sizeof(buf), &len),
                     EC_SASL_ERR_TOO_LONG);
    free(line);
}


static void
test_response_decode_kinds(void **state)
{
    size_t len = 99;

    (void) state;
    assert_int_equal(ec_sasl_response_decode("*", 1, EC_SASL_CONTINUATION,
                                             buf, sizeof(buf), &len),
                     EC_SASL_CANCELLED);
    assert_int_equal(ec_sasl_response_decode("*", 1, EC_SASL_INITIAL, buf,
                                             sizeof(buf), &len),
                     EC_SASL_ERR_BASE64);
    assert_int_equal(ec_sasl_response_decode("=", 1, EC_SASL_INITIAL, buf,
                                             sizeof(buf), &len),
                     EC_SASL_OK);
    assert_int_equal(len, 0);
    assert_int_equal(ec_sasl_response_decode("", 0, EC_SASL_CONTINUATION,
                                             buf, sizeof(buf), &len),
                     EC_SASL_OK);
    assert_int_equal(len, 0);
    assert_int_equal(ec_sasl_response_decode("", 0, EC_SASL_INITIAL, buf,
                                             sizeof(buf), &len),
                     EC_SASL_ERR_BASE64);
    assert_int_equal(ec_sasl_response_decode("Test User", 9,
                                             EC_SASL_CONTINUATION, buf,
                                             sizeof(buf), &len),
                     EC_SASL_ERR_BASE64);
}


static void
test_plain_without_authzid(void **state)
{
    static const char line[] = "AFRlc3QgVXNlcgB0ZXN0MjAwNg==";
    ec_sasl_plain_t   p;
    size_t            len;

    (void) state;
    assert_int_equal(ec_sasl_response_decode(line, sizeof(line) - 1,
                                             EC_SASL_INITIAL, buf,
                                             sizeof(buf), &len),
                     EC_SASL_OK);
    assert_int_equal(ec_sasl_plain_parse(buf, len, &p), EC_SASL_OK);
    assert_int_equal(p.authzid_len, 0);
    assert_int_equal(p.authcid_len, 9);
    assert_memory_equal(p.authcid, "Test User", 9);
    assert_int_equal(p.password_len, 8);
    assert_memory_equal(p.password, "test2006", 8);
}


static void
test_plain_authzid_rules(void **state)
{
    static const unsigned char same[] = "tim\0tim\0pw";
    static const unsigned char other[] = "admin\0tim\0pw";
    ec_sasl_plain_t            p;

    (void) state;
    assert_int_equal(ec_sasl_plain_parse(same, sizeof(same) - 1, &p),
                     EC_SASL_OK);
    assert_int_equal(p.authzid_len, 3);

    /* Proxy authorization is rejected, but the fields are still set so
     * the listener can log the user. */
    assert_int_equal(ec_sasl_plain_parse(other, sizeof(other) - 1, &p),
                     EC_SASL_ERR_AUTHZID);
    assert_int_equal(p.authcid_len, 3);
    assert_memory_equal(p.authcid, "tim", 3);
}


static void
test_plain_malformed(void **state)
{
    static const struct {
        const char      *msg;
        size_t           len;
        ec_sasl_status_t status;
    } cases[] = {
        { "", 0, EC_SASL_ERR_PLAIN_FORMAT },
        { "timpw", 5, EC_SASL_ERR_PLAIN_FORMAT },
        { "tim\0pw", 6, EC_SASL_ERR_PLAIN_FORMAT },
        { "\0tim\0pw\0", 8, EC_SASL_ERR_PLAIN_FORMAT },
        { "\0tim\0p\0w", 8, EC_SASL_ERR_PLAIN_FORMAT },
        { "\0\0\0", 3, EC_SASL_ERR_PLAIN_FORMAT },
        { "\0\0", 2, EC_SASL_ERR_EMPTY_AUTHCID },
        { "\0\0pw", 4, EC_SASL_ERR_EMPTY_AUTHCID },
        { "\0tim\0", 5, EC_SASL_ERR_EMPTY_PASSWORD },
        { "tim\0\0pw", 7, EC_SASL_ERR_EMPTY_AUTHCID },
    };
    ec_sasl_plain_t p;
    size_t          i;

    (void) state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(ec_sasl_plain_parse(
                             (const unsigned char *) cases[i].msg,
                             cases[i].len, &p),
                         cases[i].status);
    }

    /* With extra NULs the user is still known, the password is not. */
    assert_int_equal(ec_sasl_plain_parse(
                         (const unsigned char *) "\0tim\0p\0w", 8, &p),
                     EC_SASL_ERR_PLAIN_FORMAT);
    assert_int_equal(p.authcid_len, 3);
    assert_memory_equal(p.authcid, "tim", 3);
    assert_null(p.password);
    assert_int_equal(p.password_len, 0);
}


static void
test_plain_long_fields(void **state)
{
    unsigned char msg[1 + 300 + 1 + 300];
    ec_sasl_plain_t p;

    (void) state;
    /* RFC 4616 requires servers to accept at least 255 octets per field. */
    memset(msg, 'u', sizeof(msg));
    msg[0] = '\0';
    msg[301] = '\0';
    memset(msg + 302, 'p', 300);
    assert_int_equal(ec_sasl_plain_parse(msg, sizeof(msg), &p), EC_SASL_OK);
    assert_int_equal(p.authcid_len, 300);
    assert_int_equal(p.password_len, 300);
}


static void
test_login_prompts(void **state)
{
    char   enc[32];
    size_t len;

    (void) state;
    assert_int_equal(ec_sasl_base64_encode((const unsigned char *)
                                           "Username:", 9, enc, sizeof(enc),
                                           &len), EC_SASL_OK);
    assert_string_equal(ec_sasl_login_prompt(0), enc);
    assert_int_equal(ec_sasl_base64_encode((const unsigned char *)
                                           "Password:", 9, enc, sizeof(enc),
                                           &len), EC_SASL_OK);
    assert_string_equal(ec_sasl_login_prompt(1), enc);
    assert_null(ec_sasl_login_prompt(2));
    assert_null(ec_sasl_login_prompt(-1));
}


static void
test_login_decode(void **state)
{
    char   out[64];
    size_t len;

    (void) state;
    assert_int_equal(ec_sasl_login_decode("VGVzdCBVc2Vy", 12,
                                          EC_SASL_CONTINUATION, out,
                                          sizeof(out), &len), EC_SASL_OK);
    assert_string_equal(out, "Test User");
    assert_int_equal(len, 9);

    assert_int_equal(ec_sasl_login_decode("=", 1, EC_SASL_INITIAL, out,
                                          sizeof(out), &len), EC_SASL_OK);
    assert_int_equal(len, 0);
    assert_int_equal(ec_sasl_login_decode("*", 1, EC_SASL_CONTINUATION, out,
                                          sizeof(out), &len),
                     EC_SASL_CANCELLED);
    assert_int_equal(ec_sasl_login_decode("dGVzdA", 6, EC_SASL_CONTINUATION,
                                          out, sizeof(out), &len),
                     EC_SASL_ERR_BASE64);
}


static void
test_login_rejects_line_breaks(void **state)
{
    /* "te\0st", "te\rst", "te\nst", "test\r\n" */
    static const char *const bad[] = {
        "dGUAc3Q=", "dGUNc3Q=", "dGUKc3Q=", "dGVzdA0K",
    };
    char   out[64];
    size_t i, len;

    (void) state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(ec_sasl_login_decode(bad[i], strlen(bad[i]),
                                              EC_SASL_CONTINUATION, out,
                                              sizeof(out), &len),
                         EC_SASL_ERR_CONTROL);
        assert_int_equal(len, 0);
    }
}


static void
test_cram_challenge_format(void **state)
{
    char        a[128], b[128];
    size_t      alen, blen;
    const char *dot, *at;

    (void) state;
    assert_int_equal(ec_sasl_cram_challenge("mx.example", a, sizeof(a),
                                            &alen), EC_SASL_OK);
    assert_int_equal(alen, strlen(a));
    assert_int_equal(a[0], '<');
    assert_int_equal(a[alen - 1], '>');

    dot = strchr(a, '.');
    at = strchr(a, '@');
    assert_non_null(dot);
    assert_non_null(at);
    assert_true(dot < at);
    assert_true(dot > a + 1);
    assert_string_equal(at, "@mx.example>");
    assert_int_equal(strspn(a + 1, "0123456789"), (size_t) (dot - a - 1));
    assert_int_equal(strspn(dot + 1, "0123456789"), (size_t) (at - dot - 1));

    /* 64 random bits: two challenges in a row must differ. */
    assert_int_equal(ec_sasl_cram_challenge("mx.example", b, sizeof(b),
                                            &blen), EC_SASL_OK);
    assert_string_not_equal(a, b);
}


static void
test_cram_challenge_errors(void **state)
{
    static const char *const bad_hosts[] = {
        "", "mx example", "mx<example", "mx>example", "mx\texample",
        "mx\x7f", "h\xc3\xa9te",
    };
    char   out[128];
    size_t i, len;

    (void) state;
    for (i = 0; i < sizeof(bad_hosts) / sizeof(bad_hosts[0]); i++) {
        assert_int_equal(ec_sasl_cram_challenge(bad_hosts[i], out,
                                                sizeof(out), &len),
                         EC_SASL_ERR_HOSTNAME);
    }
    assert_int_equal(ec_sasl_cram_challenge(NULL, out, sizeof(out), &len),
                     EC_SASL_ERR_HOSTNAME);
    assert_int_equal(ec_sasl_cram_challenge("mx.example", out, 12, &len),
                     EC_SASL_ERR_NOSPACE);
    assert_int_equal(len, 0);
}


static void
test_cram_parse_rfc2195_example(void **state)
{
    static const char line[] =
        "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw";
    ec_sasl_cram_t    c;
    size_t            len;

    (void) state;
    assert_int_equal(ec_sasl_response_decode(line, sizeof(line) - 1,
                                             EC_SASL_CONTINUATION, buf,
                                             sizeof(buf), &len),
                     EC_SASL_OK);
    assert_int_equal(ec_sasl_cram_parse(buf, len, &c), EC_SASL_OK);
    assert_int_equal(c.username_len, 3);
    assert_memory_equal(c.username, "tim", 3);
    assert_string_equal(c.digest, "b913a602c7eda7a495b4e6e7334d3890");
}


static void
test_cram_parse_user_with_space(void **state)
{
    static const char msg[] = "Test User b913a602c7eda7a495b4e6e7334d3890";
    ec_sasl_cram_t    c;

    (void) state;
    assert_int_equal(ec_sasl_cram_parse((const unsigned char *) msg,
                                        sizeof(msg) - 1, &c), EC_SASL_OK);
    assert_int_equal(c.username_len, 9);
    assert_memory_equal(c.username, "Test User", 9);
}


static void
test_cram_parse_malformed(void **state)
{
    static const struct {
        const char      *msg;
        ec_sasl_status_t status;
    } cases[] = {
        { "", EC_SASL_ERR_CRAM_FORMAT },
        { "tim", EC_SASL_ERR_CRAM_FORMAT },
        { "b913a602c7eda7a495b4e6e7334d3890", EC_SASL_ERR_CRAM_FORMAT },
        { " b913a602c7eda7a495b4e6e7334d3890", EC_SASL_ERR_CRAM_FORMAT },
        { "tim B913A602C7EDA7A495B4E6E7334D3890", EC_SASL_ERR_CRAM_FORMAT },
        { "tim b913a602c7eda7a495b4e6e7334d389", EC_SASL_ERR_CRAM_FORMAT },
        { "tim b913a602c7eda7a495b4e6e7334d38900", EC_SASL_ERR_CRAM_FORMAT },
        { "tim\tb913a602c7eda7a495b4e6e7334d3890", EC_SASL_ERR_CRAM_FORMAT },
        { "tim b913a602c7eda7a495b4e6e7334d3890\r\n",
          EC_SASL_ERR_CRAM_FORMAT },
        { "tim b913a602c7eda7a495b4e6e7334d389g", EC_SASL_ERR_CRAM_FORMAT },
        { "tim b913a602c7eda7a495b4e6e7334d3890 ", EC_SASL_ERR_CRAM_FORMAT },
        { "t\nm b913a602c7eda7a495b4e6e7334d3890", EC_SASL_ERR_CONTROL },
        { "t\rm b913a602c7eda7a495b4e6e7334d3890", EC_SASL_ERR_CONTROL },
    };
    ec_sasl_cram_t c;
    size_t         i;

    (void) state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(ec_sasl_cram_parse(
                             (const unsigned char *) cases[i].msg,
                             strlen(cases[i].msg), &c),
                         cases[i].status);
    }
}


static void
test_cram_parse_nul_in_user(void **state)
{
    static const unsigned char msg[] =
        "t\0m b913a602c7eda7a495b4e6e7334d3890";
    ec_sasl_cram_t c;

    (void) state;
    assert_int_equal(ec_sasl_cram_parse(msg, sizeof(msg) - 1, &c),
                     EC_SASL_ERR_CONTROL);
    assert_null(c.username);
}


static ec_sasl_status_t
basic_parse_str(const char *value, ec_sasl_basic_t *out)
{
    return ec_sasl_basic_parse(value, strlen(value), (char *) buf,
                               sizeof(buf), out);
}


static void
test_basic_valid_forms(void **state)
{
    static const char *const forms[] = {
        "Basic VGVzdCBVc2VyOnRlc3QyMDA2",
        "basic VGVzdCBVc2VyOnRlc3QyMDA2",
        "BASIC VGVzdCBVc2VyOnRlc3QyMDA2",
        "Basic    VGVzdCBVc2VyOnRlc3QyMDA2",
        "  Basic VGVzdCBVc2VyOnRlc3QyMDA2 \t",
    };
    ec_sasl_basic_t b;
    size_t          i;

    (void) state;
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        assert_int_equal(basic_parse_str(forms[i], &b), EC_SASL_OK);
        assert_string_equal(b.username, "Test User");
        assert_int_equal(b.username_len, 9);
        assert_string_equal(b.password, "test2006");
        assert_int_equal(b.password_len, 8);
    }
}


static void
test_basic_split_first_colon(void **state)
{
    ec_sasl_basic_t b;

    (void) state;
    /* "user:pa:ss" */
    assert_int_equal(basic_parse_str("Basic dXNlcjpwYTpzcw==", &b),
                     EC_SASL_OK);
    assert_string_equal(b.username, "user");
    assert_string_equal(b.password, "pa:ss");

    /* ":pw" and "user:" are syntactically valid. */
    assert_int_equal(basic_parse_str("Basic OnB3", &b), EC_SASL_OK);
    assert_int_equal(b.username_len, 0);
    assert_string_equal(b.password, "pw");
    assert_int_equal(basic_parse_str("Basic dXNlcjo=", &b), EC_SASL_OK);
    assert_string_equal(b.username, "user");
    assert_int_equal(b.password_len, 0);

    /* UTF-8 "jöhn:pässword" passes through unchanged. */
    assert_int_equal(basic_parse_str("Basic asO2aG46cMOkc3N3b3Jk", &b),
                     EC_SASL_OK);
    assert_string_equal(b.username, "j\xc3\xb6hn");
    assert_string_equal(b.password, "p\xc3\xa4ssword");
}


static void
test_basic_errors(void **state)
{
    static const struct {
        const char      *value;
        ec_sasl_status_t status;
    } cases[] = {
        { "", EC_SASL_ERR_SCHEME },
        { "Basic", EC_SASL_ERR_SCHEME },
        { "Basic ", EC_SASL_ERR_SCHEME },
        { "Bearer VGVzdCBVc2VyOnRlc3QyMDA2", EC_SASL_ERR_SCHEME },
        { "BasicVGVzdCBVc2VyOnRlc3QyMDA2", EC_SASL_ERR_SCHEME },
        { "Basic\tVGVzdCBVc2VyOnRlc3QyMDA2", EC_SASL_ERR_SCHEME },
        { "Digest username=\"tim\"", EC_SASL_ERR_SCHEME },
        { "Basic VGVzdCBVc2VyOnRlc3QyMDA", EC_SASL_ERR_BASE64 },
        { "Basic VGVzdCBVc2Vy OnRlc3QyMDA2", EC_SASL_ERR_BASE64 },
        { "Basic VGVzdC-Vc2VyOnRlc3QyMDA2", EC_SASL_ERR_BASE64 },
        { "Basic VGVzdCBVc2Vy", EC_SASL_ERR_NO_COLON },
        /* "a\x01:b", "a:b\x7f", "a:\r\n" */
        { "Basic YQE6Yg==", EC_SASL_ERR_CONTROL },
        { "Basic YTpifw==", EC_SASL_ERR_CONTROL },
        { "Basic YToNCg==", EC_SASL_ERR_CONTROL },
    };
    ec_sasl_basic_t b;
    size_t          i;

    (void) state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(basic_parse_str(cases[i].value, &b),
                         cases[i].status);
        /* A control character keeps the user-id for the auth log, but
         * never the password. */
        if (cases[i].status == EC_SASL_ERR_CONTROL)
            assert_non_null(b.username);
        else
            assert_null(b.username);
        assert_null(b.password);
    }
}


static void
test_basic_nul_in_credentials(void **state)
{
    ec_sasl_basic_t b;

    (void) state;
    /* "a\0b:c" */
    assert_int_equal(basic_parse_str("Basic YQBiOmM=", &b),
                     EC_SASL_ERR_CONTROL);
}


static void
test_basic_too_long(void **state)
{
    char            *value;
    ec_sasl_basic_t  b;

    (void) state;
    value = malloc(EC_SASL_BASIC_MAX + 2);
    assert_non_null(value);
    memcpy(value, "Basic ", 6);
    memset(value + 6, 'A', EC_SASL_BASIC_MAX + 2 - 6);
    assert_int_equal(ec_sasl_basic_parse(value, EC_SASL_BASIC_MAX + 2,
                                         (char *) buf, sizeof(buf), &b),
                     EC_SASL_ERR_TOO_LONG);
    free(value);
}


static void
test_status_names(void **state)
{
    (void) state;
    assert_string_equal(ec_sasl_status_name(EC_SASL_OK), "ok");
    assert_string_equal(ec_sasl_status_name(EC_SASL_ERR_BASE64),
                        "bad_base64");
    assert_string_equal(ec_sasl_status_name(EC_SASL_ERR_RANDOM),
                        "random_failed");
    assert_string_equal(ec_sasl_status_name((ec_sasl_status_t) 999),
                        "unknown");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_rfc4648_vectors),
        cmocka_unit_test(test_base64_binary_bytes),
        cmocka_unit_test(test_base64_every_invalid_byte),
        cmocka_unit_test(test_base64_misplaced_padding),
        cmocka_unit_test(test_base64_bad_length),
        cmocka_unit_test(test_base64_nonzero_pad_bits),
        cmocka_unit_test(test_base64_rejects_white_space),
        cmocka_unit_test(test_base64_output_size),
        cmocka_unit_test(test_base64_round_trip),
        cmocka_unit_test(test_line_classify),
        cmocka_unit_test(test_line_length_limit),
        cmocka_unit_test(test_response_decode_kinds),
        cmocka_unit_test(test_plain_without_authzid),
        cmocka_unit_test(test_plain_authzid_rules),
        cmocka_unit_test(test_plain_malformed),
        cmocka_unit_test(test_plain_long_fields),
        cmocka_unit_test(test_login_prompts),
        cmocka_unit_test(test_login_decode),
        cmocka_unit_test(test_login_rejects_line_breaks),
        cmocka_unit_test(test_cram_challenge_format),
        cmocka_unit_test(test_cram_challenge_errors),
        cmocka_unit_test(test_cram_parse_rfc2195_example),
        cmocka_unit_test(test_cram_parse_user_with_space),
        cmocka_unit_test(test_cram_parse_malformed),
        cmocka_unit_test(test_cram_parse_nul_in_user),
        cmocka_unit_test(test_basic_valid_forms),
        cmocka_unit_test(test_basic_split_first_colon),
        cmocka_unit_test(test_basic_errors),
        cmocka_unit_test(test_basic_nul_in_credentials),
        cmocka_unit_test(test_basic_too_long),
        cmocka_unit_test(test_status_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
