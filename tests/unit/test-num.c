/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests for conf/num.c: qvmconf numbers in every role. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "conf/num.h"

struct num_case {
    const char *s;
    enum qc_num_role role;
    enum qc_num_err err;
    uint64_t val;   /* when err == QC_NUM_OK */
    size_t bad_off; /* when err != QC_NUM_OK */
};

#define A QC_NUM_ADDR
#define S QC_NUM_SIZE
#define C QC_NUM_COUNT
/* clang-format off */
#define OK(str, role, v) {str, role, QC_NUM_OK, v, 0}
#define BAD(str, role, e, off) {str, role, e, 0, off}
/* clang-format on */

static const struct num_case cases[] = {
    /* Default radix by role. */
    OK("1000", A, 0x1000),
    OK("1000", S, 1000),
    OK("1000", C, 1000),
    OK("ffff", A, 0xffff),
    OK("DeadBeef", A, 0xdeadbeef),
    BAD("ff", S, QC_NUM_BADDIGIT, 0),
    BAD("12a", C, QC_NUM_BADDIGIT, 2),
    /* Prefixes in every role, either case. */
    OK("0x10", S, 16),
    OK("0X10", C, 16),
    OK("0x10", A, 16),
    OK("0d16384", A, 16384),
    OK("0D10", A, 10),
    OK("0d10", S, 10),
    OK("0d10", C, 10),
    BAD("0dead", A, QC_NUM_BADDIGIT, 2),
    /* No octal: leading zeros are just zeros. */
    OK("0755", S, 755),
    OK("0", C, 0),
    OK("00", A, 0),
    /* Suffixes: binary, either case, ADDR and SIZE only. */
    OK("4K", A, 4 * 1024),
    OK("1k", S, 1024),
    OK("128M", S, 128ull << 20),
    OK("1023m", S, 1023ull << 20),
    OK("2g", S, 2ull << 30),
    OK("2G", A, 2ull << 30),
    OK("0x10K", S, 16 * 1024),
    OK("0d10M", A, 10ull << 20),
    BAD("4K", C, QC_NUM_SUFFIX, 1),
    BAD("4k", C, QC_NUM_SUFFIX, 1),
    BAD("4KB", S, QC_NUM_SUFFIX, 2),
    BAD("4KK", A, QC_NUM_SUFFIX, 2),
    BAD("4T", S, QC_NUM_BADDIGIT, 1),
    BAD("4t", A, QC_NUM_BADDIGIT, 1),
    /* Empty digits. */
    BAD("", A, QC_NUM_EMPTY, 0),
    BAD("", C, QC_NUM_EMPTY, 0),
    BAD("0x", A, QC_NUM_EMPTY, 2),
    BAD("0X", S, QC_NUM_EMPTY, 2),
    BAD("0d", C, QC_NUM_EMPTY, 2),
    BAD("K", S, QC_NUM_EMPTY, 0),
    BAD("0xM", A, QC_NUM_EMPTY, 2),
    BAD("0xg", A, QC_NUM_EMPTY, 2),
    BAD("0xz", A, QC_NUM_BADDIGIT, 2),
    /* No sign, no blanks. */
    BAD("-1", S, QC_NUM_BADDIGIT, 0),
    BAD("+1", C, QC_NUM_BADDIGIT, 0),
    BAD(" 1", C, QC_NUM_BADDIGIT, 0),
    BAD("1 ", C, QC_NUM_BADDIGIT, 1),
    BAD("12,3", S, QC_NUM_BADDIGIT, 2),
    /* 64-bit limits, exactly at 2^64. */
    OK("0xffffffffffffffff", S, UINT64_MAX),
    OK("ffffffffffffffff", A, UINT64_MAX),
    OK("18446744073709551615", S, UINT64_MAX),
    OK("0d18446744073709551615", A, UINT64_MAX),
    BAD("18446744073709551616", S, QC_NUM_OVERFLOW, 0),
    BAD("0x10000000000000000", S, QC_NUM_OVERFLOW, 0),
    BAD("10000000000000000", A, QC_NUM_OVERFLOW, 0),
    BAD("99999999999999999999999", C, QC_NUM_OVERFLOW, 0),
    /* Overflow after the multiplier: 2^54 K = 2^64. */
    OK("0x3fffffffffffffK", S, 0x3fffffffffffffull << 10),
    BAD("0x40000000000000K", S, QC_NUM_OVERFLOW, 0),
    OK("0x3ffffffffG", A, 0x3ffffffffull << 30),
    BAD("0x400000000G", A, QC_NUM_OVERFLOW, 0),
    BAD("17179869184G", S, QC_NUM_OVERFLOW, 0),
};

static void test_num_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct num_case *c = &cases[i];
        uint64_t v = 0xabad1dea;
        size_t off = 999;
        enum qc_num_err e = qc_num_parse(c->s, strlen(c->s), c->role, &v, &off);

        if (e != c->err ||
            (e == QC_NUM_OK ? v != c->val || off != 0 : v != 0xabad1dea || off != c->bad_off))
            fail_msg("\"%s\" role %d: got err %d val %#llx off %zu, want err %d val %#llx off %zu",
                     c->s, (int)c->role, (int)e, (unsigned long long)v, off, (int)c->err,
                     (unsigned long long)c->val, c->bad_off);
    }
}

static void test_num_len_bounds(void **state)
{
    uint64_t v;

    (void)state;
    /* Only s[0..len) is read: the digits after len are not part of it. */
    assert_int_equal(qc_num_parse("123456", 3, QC_NUM_SIZE, &v, NULL), QC_NUM_OK);
    assert_true(v == 123);
    assert_int_equal(qc_num_parse("0x", 1, QC_NUM_SIZE, &v, NULL), QC_NUM_OK);
    assert_true(v == 0);
    assert_int_equal(qc_num_parse(NULL, 0, QC_NUM_SIZE, &v, NULL), QC_NUM_EMPTY);
}

static void test_num_strerror(void **state)
{
    (void)state;
    assert_non_null(qc_num_strerror(QC_NUM_OK));
    assert_non_null(qc_num_strerror(QC_NUM_EMPTY));
    assert_non_null(qc_num_strerror(QC_NUM_BADDIGIT));
    assert_non_null(qc_num_strerror(QC_NUM_OVERFLOW));
    assert_non_null(qc_num_strerror(QC_NUM_SUFFIX));
    assert_string_not_equal(qc_num_strerror(QC_NUM_EMPTY), qc_num_strerror(QC_NUM_SUFFIX));
    assert_non_null(qc_num_strerror((enum qc_num_err) - 100));
    assert_non_null(qc_num_strerror((enum qc_num_err)7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_num_table),
        cmocka_unit_test(test_num_len_bounds),
        cmocka_unit_test(test_num_strerror),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
