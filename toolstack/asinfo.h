/* SPDX-License-Identifier: LGPL-2.1-only */
/* The host description for $asinfo_start{NAME} / $asinfo_length{NAME}: a
 * file of "NAME START LENGTH" lines (docs/qvm-xl.1, HOST DESCRIPTION). */
#ifndef QX_ASINFO_H
#define QX_ASINFO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define QX_ASINFO_DEFAULT "/etc/qvm-xl/asinfo"

struct qx_asinfo_entry {
    char *name;
    uint64_t start, length;
};

struct qx_asinfo {
    struct qx_asinfo_entry *v;
    size_t n;
    size_t cap; /* allocated entries of v */
};

void qx_asinfo_init(struct qx_asinfo *a);
void qx_asinfo_dispose(struct qx_asinfo *a);

/* Parses text[0..len) (need not be NUL-terminated); @name labels messages
 * "NAME:LINE:COL: error: ...", written to @err (at most QX_ASINFO_MAX_ERRORS
 * of them). A line is "NAME START LENGTH" (blanks: space, tab, CR), empty, or
 * a '#' comment. Numbers are 0x-hex or decimal and fit in 64 bits, and so
 * does START + LENGTH; NAME has no control character, '"', '$', '{', '}' or
 * '/' (which $asinfo_*{NAME} could not name). Errors: a NUL byte anywhere,
 * another control character outside comments, a missing or extra field, a
 * bad number, a wrapping range, a repeated NAME. Returns 0, or -1 (the good
 * lines are kept). */
int qx_asinfo_parse_n(struct qx_asinfo *a, const char *name, const char *text, size_t len,
                      FILE *err);
/* The same for a NUL-terminated @text. */
int qx_asinfo_parse(struct qx_asinfo *a, const char *name, const char *text, FILE *err);
#define QX_ASINFO_MAX_ERRORS 20
/* The largest host description read (bytes). */
#define QX_ASINFO_MAX (1024 * 1024)
/* Reads @path, a regular file of at most QX_ASINFO_MAX bytes (a FIFO, device
 * or directory is an error naming it, and is never waited on). @must_exist 0:
 * a missing file is no error (defaults). */
int qx_asinfo_load(struct qx_asinfo *a, const char *path, int must_exist, FILE *err);

/* The qc_subst asinfo callback; @opaque is a struct qx_asinfo. */
int qx_asinfo_lookup(void *opaque, const char *name, uint64_t *start, uint64_t *length);

#endif
