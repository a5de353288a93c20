/* SPDX-License-Identifier: LGPL-2.1-only */
/* qvmconf numbers: role-dependent radix, 0x/0d prefixes, K/M/G suffixes. */
#include <stdbool.h>

#include "conf/num.h"

static int digit_value(unsigned char c, unsigned radix)
{
    int v;

    if (c >= '0' && c <= '9')
        v = c - '0';
    else if (c >= 'a' && c <= 'f')
        v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
        v = c - 'A' + 10;
    else
        return -1;
    return (unsigned)v < radix ? v : -1;
}

/* log2 of the K/M/G multiplier, 0 when `c` is no suffix. */
static unsigned suffix_shift(unsigned char c)
{
    switch (c | 0x20) {
    case 'k':
        return 10;
    case 'm':
        return 20;
    case 'g':
        return 30;
    default:
        return 0;
    }
}

enum qc_num_err qc_num_parse(const char *s, size_t len, enum qc_num_role role, uint64_t *out,
                             size_t *bad_off_r)
{
    const unsigned char *u = (const unsigned char *)s;
    bool suffix_ok = role == QC_NUM_ADDR || role == QC_NUM_SIZE;
    unsigned radix = role == QC_NUM_ADDR ? 16 : 10;
    size_t i = 0, first;
    uint64_t v = 0;
    enum qc_num_err rc;
    unsigned shift;

    if (len >= 2 && u[0] == '0' && (u[1] | 0x20) == 'x') {
        radix = 16;
        i = 2;
    } else if (len >= 2 && u[0] == '0' && (u[1] | 0x20) == 'd') {
        radix = 10;
        i = 2;
    }
    first = i;
    for (; i < len; i++) {
        int dv = digit_value(u[i], radix);

        if (dv < 0)
            break;
        if (v > (UINT64_MAX - (unsigned)dv) / radix) {
            rc = QC_NUM_OVERFLOW;
            i = 0;
            goto out;
        }
        v = v * radix + (unsigned)dv;
    }
    if (i == first && (i == len || (suffix_ok && suffix_shift(u[i])))) {
        rc = QC_NUM_EMPTY;
        goto out;
    }
    if (i == len) {
        rc = QC_NUM_OK;
        goto out;
    }
    shift = suffix_shift(u[i]);
    if (!shift || i == first) {
        rc = QC_NUM_BADDIGIT;
        goto out;
    }
    if (!suffix_ok || i + 1 != len) {
        rc = QC_NUM_SUFFIX;
        i = suffix_ok ? i + 1 : i;
        goto out;
    }
    if (v > (UINT64_MAX >> shift)) {
        rc = QC_NUM_OVERFLOW;
        i = 0;
        goto out;
    }
    v <<= shift;
    rc = QC_NUM_OK;
out:
    if (rc == QC_NUM_OK)
        *out = v;
    if (bad_off_r)
        *bad_off_r = rc == QC_NUM_OK ? 0 : i;
    return rc;
}

const char *qc_num_strerror(enum qc_num_err e)
{
    static const char *const msg[] = {
        [-QC_NUM_OK] = "no error",
        [-QC_NUM_EMPTY] = "a number is missing its digits",
        [-QC_NUM_BADDIGIT] = "not a digit of the number's radix (0x: hex, 0d: decimal)",
        [-QC_NUM_OVERFLOW] = "the number does not fit in 64 bits",
        [-QC_NUM_SUFFIX] = "a K/M/G suffix is not allowed here, or text follows it",
    };

    if (e > 0 || (size_t)-e >= sizeof(msg) / sizeof(msg[0]))
        return "unknown number error";
    return msg[-e];
}
