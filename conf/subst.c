/* SPDX-License-Identifier: LGPL-2.1-only */
/* $-substitution: $env{NAME}, $asinfo_start{NAME}, $asinfo_length{NAME}. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conf/lex-internal.h"

enum subst_kind { SUBST_ENV, SUBST_ASINFO_START, SUBST_ASINFO_LENGTH };

static const struct {
    const char *prefix; /* after the '$', up to and including '{' */
    size_t len;
    enum subst_kind kind;
} kinds[] = {
    {"env{", 4, SUBST_ENV},
    {"asinfo_start{", 13, SUBST_ASINFO_START},
    {"asinfo_length{", 14, SUBST_ASINFO_LENGTH},
};

int qc_subst_getenv(void *opaque, const char *name, const char **out)
{
    const char *v = getenv(name);

    if (!v)
        return -1;
    *out = v;
    return 0;
}

/* Bytes that can never be part of a NAME: they end the word, the quote or
 * the line, or they are the braces themselves. */
static bool name_byte(unsigned char c)
{
    return c > 0x20 && c != 0x7f && c != '"' && c != '#' && c != '$' && c != '{' && c != '}';
}

static void put(struct qc_reader *r, const char *p, size_t n, struct qc_loc at)
{
    if (qc_word_put_(r->out, p, n))
        qc_reader_oom_(r, at);
}

/* Looks NAME up and puts its value; false when it is unknown. */
static bool lookup(struct qc_reader *r, enum subst_kind kind, const char *name, struct qc_loc at)
{
    const struct qc_subst *sb = r->subst;
    uint64_t start, length;
    const char *val;
    char buf[24];

    if (kind == SUBST_ENV) {
        if (!sb || !sb->env || sb->env(sb->opaque, name, &val))
            return false;
        put(r, val, strlen(val), at);
        return true;
    }
    if (!sb || !sb->asinfo || sb->asinfo(sb->opaque, name, &start, &length))
        return false;
    snprintf(buf, sizeof(buf), "0x%" PRIx64, kind == SUBST_ASINFO_START ? start : length);
    put(r, buf, strlen(buf), at);
    return true;
}

/* The index of the substitution kind whose prefix starts s (n bytes), or -1. */
static int kind_at(const char *s, size_t n)
{
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        if (n >= kinds[k].len && !memcmp(s, kinds[k].prefix, kinds[k].len))
            return (int)k;
    return -1;
}

size_t qc_subst_prefix_len(const char *s)
{
    int k = kind_at(s, strnlen(s, sizeof("asinfo_length{") - 1));

    return k < 0 ? 0 : kinds[k].len;
}

size_t qc_subst_expand_(struct qc_reader *r, const char *p, size_t avail, struct qc_loc at)
{
    const char *name_p, *what;
    size_t nlen, used;
    enum subst_kind kind;
    char *name;
    int k = kind_at(p + 1, avail - 1);

    if (k < 0)
        return 0;
    kind = kinds[k].kind;
    name_p = p + 1 + kinds[k].len;
    used = 1 + kinds[k].len;
    for (nlen = 0; used + nlen < avail && name_byte((unsigned char)name_p[nlen]); nlen++)
        ;
    if (used + nlen >= avail || name_p[nlen] != '}') {
        r->failed = true;
        qc_diag(r->d, QC_CK_SUBST_UNTERMINATED, at, "'$%.*s' has no closing '}' after its name",
                (int)(kinds[k].len - 1), kinds[k].prefix);
        put(r, p, used + nlen, at);
        return used + nlen;
    }
    used += nlen + 1;
    name = strndup(name_p, nlen);
    if (!name) {
        qc_reader_oom_(r, at);
        return used;
    }
    what = kind == SUBST_ENV ? "environment variable" : "asinfo entry";
    /* After an error the word keeps the raw text, so later messages still
     * show what was written. */
    if (kind != SUBST_ENV && memchr(name, '/', nlen)) {
        r->failed = true;
        qc_diag(r->d, QC_CK_SUBST_ASINFO_PATH, at,
                "'%s' is a path: $asinfo_* takes the leaf name of an asinfo entry", name);
        put(r, p, used, at);
    } else if (!lookup(r, kind, name, at)) {
        r->failed = true;
        qc_diag(r->d, kind == SUBST_ENV ? QC_CK_SUBST_UNDEFINED_ENV : QC_CK_SUBST_UNDEFINED_ASINFO,
                at, "%s '%s' is not defined", what, name);
        put(r, p, used, at);
    }
    free(name);
    return used;
}
