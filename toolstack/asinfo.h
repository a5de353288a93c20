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
};

void qx_asinfo_init(struct qx_asinfo *a);
void qx_asinfo_dispose(struct qx_asinfo *a);

/* Parses @text (NUL-terminated); @name labels messages "NAME:LINE: ...",
 * written to @err. Numbers are 0x-hex or decimal; '#' starts a comment; a
 * repeated NAME is an error. Returns 0, or -1 (entries so far are kept). */
int qx_asinfo_parse(struct qx_asinfo *a, const char *name, const char *text, FILE *err);
/* Reads file @path. @must_exist 0: a missing file is no error (defaults). */
int qx_asinfo_load(struct qx_asinfo *a, const char *path, int must_exist, FILE *err);

/* The qc_subst asinfo callback; @opaque is a struct qx_asinfo. */
int qx_asinfo_lookup(void *opaque, const char *name, uint64_t *start, uint64_t *length);

#endif
