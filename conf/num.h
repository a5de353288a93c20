/* SPDX-License-Identifier: LGPL-2.1-only */
/* qvmconf numbers: the default radix depends on the role of the field. */
#ifndef QVMCONF_NUM_H
#define QVMCONF_NUM_H

#include <stddef.h>
#include <stdint.h>

/* The role decides the radix of an unprefixed number (QNX "About notation"):
 * an address is hexadecimal, a size or length decimal, anything else
 * (counts, priorities, interrupt lines, frequencies) decimal. "0x" forces
 * hex and "0d" forces decimal in every role. K/M/G (either case, binary
 * multipliers) are accepted for ADDR and SIZE only. */
enum qc_num_role {
    QC_NUM_ADDR,
    QC_NUM_SIZE,
    QC_NUM_COUNT,
};

/* Closed error set; each value says what was wrong and what to write. */
enum qc_num_err {
    QC_NUM_OK = 0,
    QC_NUM_EMPTY = -1,    /* no digits: write a number */
    QC_NUM_BADDIGIT = -2, /* a character that is no digit of the radix */
    QC_NUM_OVERFLOW = -3, /* does not fit in 64 bits (suffix included) */
    QC_NUM_SUFFIX = -4,   /* K/M/G where the role takes none, or junk after it */
};

/* Parses s[0..len) completely. On error *bad_off_r (if not NULL) is the
 * byte offset of the offending character, for a precise column. */
enum qc_num_err qc_num_parse(const char *s, size_t len, enum qc_num_role role, uint64_t *out,
                             size_t *bad_off_r);
const char *qc_num_strerror(enum qc_num_err e);

#endif
